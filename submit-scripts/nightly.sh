#!/usr/bin/env bash
# The nightly campaign: runs CONFIG as campaign "<name>-YYYY-MM-DD" (so a rerun the same day
# resumes it instead of starting over), summarises it, and compares it with the previous night's
# campaign; exits 3 when a layer's SDC rate regressed beyond both intervals.
#   submit-scripts/nightly.sh [CONFIG]           (default conf/nightly.conf)
# Runs on local Spark; set FLIPSTORM_SUBMIT="submit-scripts/submit-standalone.sh spark://HOST:7077"
# to send it to a cluster instead. Schedules: conf/nightly.cron, conf/flipstorm-nightly.{service,timer}.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"
config="${1:-conf/nightly.conf}"
day="$(date -u +%F)"
base="$(sed -n 's/^[[:space:]]*name[[:space:]]*=[[:space:]]*\([A-Za-z0-9._-]*\).*/\1/p' "$config" | sed -n 1p)"
output="$(sed -n 's/^[[:space:]]*output[[:space:]]*=[[:space:]]*\([^#[:space:]]*\).*/\1/p' "$config" | sed -n 1p)"
[[ -n "$base" && -n "$output" ]] || { echo "nightly: $config needs campaign.name and campaign.output" >&2; exit 2; }
name="$base-$day"
echo "nightly: campaign $name ($config)"
if [[ -n "${FLIPSTORM_SUBMIT:-}" ]]; then
  # shellcheck disable=SC2086
  $FLIPSTORM_SUBMIT "$config" --set "campaign.name=$name"
else
  submit-scripts/run-local.sh "$config" --set "campaign.name=$name"
fi
previous="$(ls -d "$output/$base"-????-??-?? 2>/dev/null | grep -v "/$name\$" | sort | tail -n 1 || true)"
if [[ -z "$previous" ]]; then
  echo "nightly: no earlier night to compare with"
  exit 0
fi
# shellcheck disable=SC2046
java $(flipstorm_jvm_options) -cp "$(flipstorm_classpath analysis)" org.flipstorm.analysis.CompareMain \
  "$previous" "$output/$name"
