#!/usr/bin/env bash
# The study comparison of docs/REPRODUCTION.md: every model under the three study presets
# (conf/study-{fp32,goldeneye,int8}.conf), 2,000 trials at each GoldenEye site plus 6,000 more
# (another seed) at the last one, then 'improvement' per preset (and, when a cosine_random model is
# among them, 'improvement --reference cosine_random': what the text adds to a cosine head).
#   submit-scripts/study-comparison.sh OUT DATASET DATA_DIR COUNT MODEL.zip [MODEL.zip ...]
# e.g. submit-scripts/study-comparison.sh campaigns/study/resnet20 cifar10 /tmp/cifar 10000 \
#        model-zoo/models/resnet20-cifar10-{baseline,text}.zip
# A model without a range profile (NAME.ranges.json) is profiled first on its whole training split.
# Campaigns already complete are not run again, so models can be added one at a time as they finish.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"
if [[ $# -lt 5 ]]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
out="$1" dataset="$2" data="$3" count="$4"
shift 4
cards=()
for model in "$@"; do
  [[ -f "${model%.zip}.ranges.json" ]] || bin/flipstorm profile --model "$model" --data "$data"
  cards+=("${model%.zip}.card.json")
done
for preset in fp32 goldeneye int8; do
  for model in "$@"; do
    name="$(basename "${model%.zip}")"
    last=logits
    grep -q '"name" : "cosine"' "${model%.zip}.card.json" && last=cosine
    common=(--set "campaign.model=$model" --set "campaign.images.dataset=$dataset"
      --set "campaign.images.path=$data" --set "campaign.images.count=$count"
      --set "campaign.output=$out/$preset" --set campaign.images-per-shard=100)
    bin/flipstorm campaign "conf/study-$preset.conf" "${common[@]}" \
      --set "campaign.name=$name" --set campaign.trials-per-layer=2000 | grep -E '^(campaign|done)'
    bin/flipstorm campaign "conf/study-$preset.conf" "${common[@]}" \
      --set "campaign.name=$name-last" --set campaign.seed=43 --set "campaign.layers=[$last]" \
      --set campaign.trials-per-layer=6000 | grep -E '^(campaign|done)'
  done
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
