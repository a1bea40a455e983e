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
# Name and output as the campaign reads them (includes followed, quotes gone, defaults applied);
# a bad config is refused here, in one line, before anything runs.
settings="$(bin/flipstorm config "$config" --get campaign.name --get campaign.output)" || exit 2
base="$(sed -n 1p <<< "$settings")"
output="$(sed -n 2p <<< "$settings")"
name="$base-$day"
echo "nightly: campaign $name ($config)"
if [[ -n "${FLIPSTORM_SUBMIT:-}" ]]; then
  # shellcheck disable=SC2086
  $FLIPSTORM_SUBMIT "$config" --set "campaign.name=$name"
else
  bin/flipstorm demo "$config" --set "campaign.name=$name"
fi
bin/flipstorm compare --previous-of "$output/$name"
