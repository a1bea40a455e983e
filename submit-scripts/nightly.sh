#!/usr/bin/env bash
# The nightly campaign: runs CONFIG as campaign "<name>-YYYY-MM-DD" (so a rerun the same day
# resumes it instead of starting over), summarises it, and compares it with the previous night's
# campaign (found on any Hadoop file system: a local path, hdfs:, s3a:, copied here to compare);
# exits 3 when a layer's SDC rate regressed beyond both intervals.
#   bin/flipstorm nightly [CONFIG]           (default conf/nightly.conf)
# Runs on local Spark; set FLIPSTORM_SUBMIT="submit-scripts/submit-standalone.sh spark://HOST:7077"
# to send it to a cluster instead. Schedules: conf/nightly.cron, conf/flipstorm-nightly.{service,timer}.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"
case "${1:-}" in
  -h|--help)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  -*)
    echo "nightly: unknown option '$1'; usage: flipstorm nightly [CONFIG] (default conf/nightly.conf)" >&2
    exit 2
    ;;
esac
config="${1:-conf/nightly.conf}"
[[ -f "$config" ]] || { echo "nightly: config $config does not exist; expected a HOCON file such as conf/nightly.conf" >&2; exit 2; }
day="$(date -u +%F)"
base="$(sed -n 's/^[[:space:]]*name[[:space:]]*=[[:space:]]*\([A-Za-z0-9._-]*\).*/\1/p' "$config" | sed -n 1p)"
output="$(sed -n 's/^[[:space:]]*output[[:space:]]*=[[:space:]]*\([^#[:space:]]*\).*/\1/p' "$config" | sed -n 1p)"
[[ -n "$base" ]] || { echo "nightly: $config needs campaign.name" >&2; exit 2; }
output="${output:-campaigns}" # reference.conf's default
name="$base-$day"
echo "nightly: campaign $name ($config)"
if [[ -n "${FLIPSTORM_SUBMIT:-}" ]]; then
  # shellcheck disable=SC2086
  $FLIPSTORM_SUBMIT "$config" --set "campaign.name=$name"
else
  bin/flipstorm demo "$config" --set "campaign.name=$name"
fi
bin/flipstorm compare --previous-of "$output/$name"
