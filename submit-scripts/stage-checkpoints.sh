#!/usr/bin/env bash
# Stages, for every training run in model-zoo/checkpoints/, exactly its newest checkpoint
# (epoch-NNN.zip named by state.json, and state.json) and unstages older ones, so that a commit
# carries each run over to a session on another machine at the cost of one checkpoint per run:
#   submit-scripts/stage-checkpoints.sh && git commit -m "checkpoints: ..."
# A run whose finished model is in model-zoo/models/ has its checkpoints removed from the index;
# its state.json, the per-epoch history that 'flipstorm history' reads, is kept (copied to
# docs/data/training/<model id>/ and staged).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shopt -s nullglob
for dir in model-zoo/checkpoints/*/; do
  dir="${dir%/}"
  id="$(basename "$dir")"
  state="$dir/state.json"
  tracked="$(git ls-files -- "$dir")"
  if [[ -f "model-zoo/models/$id.zip" || ! -f "$state" ]]; then
    if [[ -n "$tracked" ]]; then
      git rm -q -r --cached -- "$dir"
    fi
    if [[ -f "model-zoo/models/$id.zip" && -f "$state" ]]; then
      mkdir -p "docs/data/training/$id"
      cp "$state" "docs/data/training/$id/state.json"
      git add -- "docs/data/training/$id/state.json"
      echo "$id: history kept in docs/data/training/$id/state.json"
    fi
    echo "$id: finished or empty, no checkpoint kept"
    continue
  fi
  epochs="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["epochsDone"])' "$state")"
  newest="$(printf '%s/epoch-%03d.zip' "$dir" "$epochs")"
  if [[ ! -f "$newest" ]]; then
    echo "$id: $state names epoch $epochs but $newest is missing; nothing staged" >&2
    exit 1
  fi
  while IFS= read -r f; do
    if [[ -n "$f" && "$f" != "$newest" && "$f" != "$state" ]]; then
      git rm -q --cached -- "$f"
    fi
  done <<< "$tracked"
  git add -f -- "$newest" "$state"
  echo "$id: epoch $epochs staged ($(( $(stat -c %s "$newest") / 1024 )) KiB)"
done
