#!/usr/bin/env bash
# Runs a campaign on local Spark and prints its per-layer summary (bin/flipstorm demo runs this).
#   submit-scripts/run-local.sh [CONFIG ...] [--set campaign.key=value ...]
# CONFIG defaults to conf/local.conf (the bundled LeNet on 500 Fashion-MNIST test images); several
# run in one JVM, one after another ('flipstorm campaign' with several configs), each summarised.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"

configs=()
while [[ $# -gt 0 && "$1" != -* ]]; do
  configs+=("$1")
  shift
done
[[ ${#configs[@]} -gt 0 ]] || configs=(conf/local.conf)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
bin/flipstorm campaign "${configs[@]}" "$@" | tee "$log"
mapfile -t dirs < <(sed -n 's/^campaign directory: //p' "$log")
# none: --help, or a campaign that printed its own error
for dir in "${dirs[@]}"; do
  echo
  bin/flipstorm summary "${dir#file:}"
done
