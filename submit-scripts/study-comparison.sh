#!/usr/bin/env bash
# The study comparison of docs/REPRODUCTION.md: every model under the three study presets
# (conf/study-{fp32,goldeneye,int8}.conf), 2,000 trials at each GoldenEye site plus 6,000 more
# (another seed) at the last one, then 'improvement' per preset (and, when a cosine_random model is
# among them, 'improvement --reference cosine_random': what the text adds to a cosine head).
#   submit-scripts/study-comparison.sh OUT DATASET DATA_DIR COUNT MODEL.zip [MODEL.zip ...]
# e.g. submit-scripts/study-comparison.sh campaigns/study/resnet20 cifar10 /tmp/cifar 10000 \
#        model-zoo/models/resnet20-cifar10-{baseline,text}.zip
# A model without a range profile (NAME.ranges.json) is profiled first on its whole training split.
# Each campaign's config is written to OUT/PRESET/configs/ and all run in one JVM, one after
# another. Campaigns already complete are not run again, so models can be added one at a time as
# they finish.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"
if [[ $# -lt 5 ]]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
out="$1" dataset="$2" data="$3" count="$4"
shift 4
cards=()
for model in "$@"; do
  [[ -f "${model%.zip}.ranges.json" ]] || bin/flipstorm profile --model "$model" --data "$data"
  cards+=("${model%.zip}.card.json")
done
# A HOCON string: quoted, with backslashes and quotes escaped.
hocon() {
  local v="${1//\\/\\\\}"
  printf '"%s"' "${v//\"/\\\"}"
}
# Every campaign gets a config of its own under OUT/PRESET/configs (a record of what ran), a
# preset and a few keys of its own; all of them then run in one JVM and one Spark session
# ('campaign' with several configs), so only the first pays the start-up.
configs=()
for preset in fp32 goldeneye int8; do
  mkdir -p "$out/$preset/configs"
  for model in "$@"; do
    name="$(basename "${model%.zip}")"
    last=logits
    grep -q '"name" : "cosine"' "${model%.zip}.card.json" && last=cosine
    common="include file($(hocon "$FLIPSTORM_HOME/conf/study-$preset.conf"))
campaign {
  model = $(hocon "$model")
  images { dataset = $(hocon "$dataset"), path = $(hocon "$data"), count = $count }
  output = $(hocon "$out/$preset")
  images-per-shard = 100"
    printf '%s\n  name = %s\n  trials-per-layer = 2000\n}\n' "$common" "$(hocon "$name")" \
      > "$out/$preset/configs/$name.conf"
    printf '%s\n  name = %s\n  seed = 43\n  layers = [%s]\n  trials-per-layer = 6000\n}\n' "$common" \
      "$(hocon "$name-last")" "$last" > "$out/$preset/configs/$name-last.conf"
    configs+=("$out/$preset/configs/$name.conf" "$out/$preset/configs/$name-last.conf")
  done
done
bin/flipstorm campaign "${configs[@]}" | grep -E '^(==|campaign|done|series)'
for preset in fp32 goldeneye int8; do
  # One model at a time is allowed (campaigns are reused when the others join later); the
  # ratios need a baseline and another variant under the same directory.
  if [[ $# -gt 1 ]]; then
    bin/flipstorm improvement "$out/$preset" --csv "$out/$preset/improvement.csv" | tee "$out/$preset/improvement.txt"
    # With the random-row cosine head among the models, also ask what the text adds to that head.
    if grep -l '"variant" : "cosine_random"' "${cards[@]}" > /dev/null; then
      bin/flipstorm improvement "$out/$preset" --reference cosine_random \
        --csv "$out/$preset/improvement-vs-cosine_random.csv" | tee "$out/$preset/improvement-vs-cosine_random.txt"
    fi
  fi
done
