#!/usr/bin/env bash
# Trains the study-recipe ResNet-20 models one after another, resuming each where its checkpoints
# stand, until a time budget is spent:
#   submit-scripts/study-training.sh CIFAR_DIR BUDGET [SEED]      e.g. /tmp/cifar 170m
# Order: baseline, text_guided, cosine_random (the ablation). A finished model goes to
# model-zoo/models/resnet20-cifar10-study-<head>[-seedN].zip with its card, which 'flipstorm card'
# then completes with the activation profile; a run under way keeps its
# checkpoints in model-zoo/checkpoints/<model id>/, inside the checkout, because a session's machine
# can be replaced between sessions and only what is committed survives: commit the newest
# epoch-NNN.zip and state.json of a run before a session ends (git add -f; the directory is ignored).
# Every epoch's resident memory is appended to the log, so a native-memory leak shows early.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 CIFAR_DIR BUDGET [SEED]   (BUDGET: 90s, 45m, 2h; SEED: default 42)" >&2
  exit 2
fi
data="$1"
budget="$2"
seed="${3:-42}"
if [[ ! -d "$data/train" || ! -d "$data/test" ]]; then
  echo "$data: expected a CIFAR-10 class-folder tree with train/ and test/ (tar -xzf ../shared/datasets/cifar10-jpeg.tar.gz -C $data)" >&2
  exit 2
fi
seconds="$(python3 - "$budget" <<'PY'
import re, sys
m = re.fullmatch(r"(\d+(?:\.\d+)?)(s|m|h)", sys.argv[1])
if not m:
    sys.exit(1)
print(int(float(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)]))
PY
)" || { echo "budget '$budget' is not a duration; expected e.g. 90s, 45m, 2h" >&2; exit 2; }
deadline=$(( $(date +%s) + seconds ))
suffix=""
[[ "$seed" != 42 ]] && suffix="-seed$seed"

# glibc gives each allocating thread an arena of its own; with oneDNN's threads that let the
# trainer's resident memory grow to 13.9 GB in 3.7 h (2026-12-01). Two arenas are enough.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

for head in baseline text_guided cosine_random; do
  short="${head%_guided}"
  [[ "$head" == cosine_random ]] && short=cosrand
  id="resnet20-cifar10-study-$short$suffix"
  out="$here/model-zoo/models/$id.zip"
  if [[ -f "$out" ]]; then
    echo "$(date -u +%FT%TZ) $id: finished earlier ($out)"
    continue
  fi
  left=$(( deadline - $(date +%s) ))
  if (( left < 400 )); then
    echo "$(date -u +%FT%TZ) budget spent before $id"
    exit 3
  fi
  echo "$(date -u +%FT%TZ) $id: training or resuming, ${left}s left"
  ( while sleep 300; do
      pid="$(pgrep -f "TrainCommand.*--model-id $id" | head -n 1 || true)"
      [[ -n "$pid" ]] && echo "$(date -u +%FT%TZ) $id: resident $(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 )) MiB"
    done ) &
  watcher=$!
  status=0
  "$here/bin/flipstorm" train --arch resnet20 --dataset cifar10 --data "$data" --recipe study --head "$head" \
    --seed "$seed" --out "$out" --model-id "$id" --checkpoint-dir "$here/model-zoo/checkpoints/$id" \
    --time-budget "${left}s" --resume || status=$?
  kill "$watcher" 2>/dev/null || true
  if (( status != 0 )); then
    echo "$(date -u +%FT%TZ) $id: stopped with exit $status (3: time budget spent; resume with the same command)"
    exit "$status"
  fi
  # The card the training writes has no activation profile; this measures it (every layer's max
  # |activation| over the whole training split) with the logit scale, accuracy and top2diff.
  "$here/bin/flipstorm" card --model "$out" --data "$data"
done
