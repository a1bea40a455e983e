#!/usr/bin/env bash
# Runs a campaign on local Spark and prints its per-layer summary (bin/flipstorm demo runs this).
#   submit-scripts/run-local.sh [CONFIG] [--set campaign.key=value ...]
# CONFIG defaults to conf/local.conf (the bundled LeNet on 500 Fashion-MNIST test images).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"

config="conf/local.conf"
if [[ $# -gt 0 && "$1" != -* ]]; then
  config="$1"
  shift
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
bin/flipstorm campaign "$config" "$@" | tee "$log"
dir="$(sed -n 's/^campaign directory: //p' "$log" | tail -n 1)"
[[ -n "$dir" ]] || exit 0 # --help, or a campaign that printed its own error
echo
bin/flipstorm summary "${dir#file:}"
