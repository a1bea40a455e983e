#!/usr/bin/env bash
# Trains the study's models one after another, resuming each where its checkpoints stand, until a
# time budget is spent:
#   submit-scripts/study-training.sh CIFAR_DIR BUDGET [SEED]      e.g. /tmp/cifar 170m
# Order: the study-recipe ResNet-20 on CIFAR-10 with the baseline, text_guided and cosine_random
# (the ablation) heads (issue 14; ids end in "-exact" when CIFAR_DIR holds the official pixels),
# then ViT-tiny on Fashion-MNIST with the baseline and text_guided heads (issue 18; seed 42 only;
# FMNIST_DIR, default ../shared/datasets/fashion-mnist beside the checkout). A finished model goes
# to model-zoo/models/<model id>.zip with its card, which
# 'flipstorm card' then completes with the activation profile; a run under way keeps its
# checkpoints in model-zoo/checkpoints/<model id>/, inside the checkout, because a session's machine
# can be replaced between sessions and only what is committed survives: commit the newest
# epoch-NNN.zip and state.json of a run (submit-scripts/stage-checkpoints.sh) every hour or so and
# before a session ends.
# Every 5 minutes the trainer's resident memory is appended to the log, so a native-memory leak
# shows early.
# STUDY_EPOCHS (default: the recipe's 60) sets the ResNet-20 runs' length, the rate still divided
# by 10 at 50% and 75% of it; a run resumes only with the length it started with.
# STUDY_JOBS (a regular expression, default: all) keeps only the models whose id matches, so two
# instances can train different models side by side, e.g. STUDY_JOBS=^resnet20 and STUDY_JOBS=^vit
# with OMP_NUM_THREADS=1 each on a 2-core machine.
# The whole script is one { ... } group, which bash reads to its end before running it: a
# long run is not broken by an edit of this file while it runs (bash otherwise reads a
# script as it goes, and resumed mid-line in the edited file once, 2026-12-03).
{
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 CIFAR_DIR BUDGET [SEED]   (BUDGET: 90s, 45m, 2h; SEED: default 42)" >&2
  exit 2
fi
data="$1"
budget="$2"
seed="${3:-42}"
# The ResNet-20 models' ids say which CIFAR-10 they learnt from: "-exact" for the official pixels
# (the binary batches, or the PNG batches of submit-scripts/fetch-cifar10.sh), nothing for a
# class-folder tree such as the JPEG copy in ../shared/datasets, on which the first trio trained.
if [[ -f "$data/test_batch.bin" || -f "$data/cifar-10-batches-bin/test_batch.bin" || -f "$data/test_batch.png" ]]; then
  pixels="-exact"
elif [[ -d "$data/train" && -d "$data/test" ]]; then
  pixels=""
else
  echo "$data: expected CIFAR-10 as binary batches (test_batch.bin), PNG batches (submit-scripts/fetch-cifar10.sh $data)" \
    "or a class-folder tree with train/ and test/ (tar -xzf ../shared/datasets/cifar10-jpeg.tar.gz -C $data)" >&2
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

# ViT-tiny recipe (issue 18): Adam 1e-3, one warm-up epoch then cosine, weight decay 1e-4 on every
# parameter, horizontal flips, per-channel normalisation, 30 epochs (about 4 min each beside a
# ResNet-20). The first recipe (crop+flip, 15 epochs) underfitted: 86.33%, training loss still 0.39
# at the end (commit be30577 keeps that model).
fmnist="${FMNIST_DIR:-$here/../shared/datasets/fashion-mnist}"
vit=(--optimizer adam --lr 1e-3 --schedule cosine --warmup-epochs 1 --weight-decay 1e-4 --weight-decay-on all
     --augment flip --normalize true --epochs 30)
study=(--recipe study)
if [[ -n "${STUDY_EPOCHS:-}" ]]; then
  [[ "$STUDY_EPOCHS" =~ ^[1-9][0-9]*$ ]] || { echo "STUDY_EPOCHS '$STUDY_EPOCHS' is not a positive whole number" >&2; exit 2; }
  study+=(--epochs "$STUDY_EPOCHS")
fi
# One line per model: id | architecture | dataset | data directory | head | recipe options.
jobs=(
  "resnet20-cifar10-study-baseline$pixels$suffix|resnet20|cifar10|$data|baseline|${study[*]}"
  "resnet20-cifar10-study-text$pixels$suffix|resnet20|cifar10|$data|text_guided|${study[*]}"
  "resnet20-cifar10-study-cosrand$pixels$suffix|resnet20|cifar10|$data|cosine_random|${study[*]}"
)
if [[ "$seed" == 42 ]]; then
  jobs+=("vit_tiny-fmnist-baseline|vit_tiny|fashion-mnist|$fmnist|baseline|${vit[*]}"
         "vit_tiny-fmnist-text|vit_tiny|fashion-mnist|$fmnist|text_guided|${vit[*]}")
fi

for job in "${jobs[@]}"; do
  IFS='|' read -r id arch dataset dir head recipe <<< "$job"
  if [[ -n "${STUDY_JOBS:-}" && ! "$id" =~ $STUDY_JOBS ]]; then
    continue
  fi
  out="$here/model-zoo/models/$id.zip"
  if [[ -f "$out" ]]; then
    echo "$(date -u +%FT%TZ) $id: finished earlier ($out)"
    continue
  fi
  if [[ ! -d "$dir" ]]; then
    echo "$(date -u +%FT%TZ) $id: data directory $dir missing; expected the $dataset files there" >&2
    exit 2
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
  # shellcheck disable=SC2086 # the recipe's options are words
  "$here/bin/flipstorm" train --arch "$arch" --dataset "$dataset" --data "$dir" $recipe --head "$head" \
    --seed "$seed" --out "$out" --model-id "$id" --checkpoint-dir "$here/model-zoo/checkpoints/$id" \
    --time-budget "${left}s" --resume || status=$?
  kill "$watcher" 2>/dev/null || true
  if (( status != 0 )); then
    case "$status" in
      3) why="time budget spent; resume with the same command" ;;
      137) why="killed (SIGKILL: often the kernel's out-of-memory killer, see dmesg); resume with the same command" ;;
      *) why="failed; the lines above say why" ;;
    esac
    echo "$(date -u +%FT%TZ) $id: stopped with exit $status ($why)"
    exit "$status"
  fi
  # The card the training writes has no activation profile; this measures it (every layer's max
  # |activation| over the whole training split) with the logit scale, accuracy and top2diff.
  "$here/bin/flipstorm" card --model "$out" --data "$dir"
done
exit
}
