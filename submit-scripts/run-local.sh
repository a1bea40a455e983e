#!/usr/bin/env bash
# Runs a campaign on local Spark and prints its per-layer summary.
#   submit-scripts/run-local.sh [CONFIG] [--set campaign.key=value ...]
# CONFIG defaults to conf/local.conf (the bundled LeNet on 500 Fashion-MNIST test images).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"

config="conf/local.conf"
if [[ $# -gt 0 && "$1" != --* ]]; then
  config="$1"
  shift
fi

flipstorm_build
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2046
java $(flipstorm_jvm_options) -Xmx4g -cp "$(flipstorm_classpath spark-job)" \
  -Dlog4j2.configurationFile="$FLIPSTORM_HOME/conf/log4j2.properties" \
  org.flipstorm.campaign.CampaignMain "$config" "$@" | tee "$log"
dir="$(sed -n 's/^campaign directory: //p' "$log" | tail -n 1)"
[[ -n "$dir" ]] || { echo "run-local: the campaign printed no directory" >&2; exit 1; }
echo
# shellcheck disable=SC2046
java $(flipstorm_jvm_options) -cp "$(flipstorm_classpath analysis)" \
  org.flipstorm.analysis.SummaryMain "${dir#file:}"
