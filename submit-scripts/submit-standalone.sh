#!/usr/bin/env bash
# Submits a campaign (or several, run one after another by one driver) to a Spark standalone
# cluster, driver on this machine (client mode):
#   submit-scripts/submit-standalone.sh spark://HOST:7077 CONFIG [CONFIG...] [--set campaign.key=value ...] [-- SPARK_SUBMIT_OPTIONS]
# The campaign's model and output paths must be reachable from every worker (shared file system,
# hdfs:// or s3a://). A rerun of a killed campaign resumes it. Executor settings: conf/spark-defaults.conf;
# environment: SPARK_HOME (required), FLIPSTORM_EXECUTOR_{MEMORY,OVERHEAD,CORES}, FLIPSTORM_JOB_JAR.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"
flipstorm_split_args "$@"
set -- "${FLIPSTORM_APP_ARGS[@]}"
[[ $# -ge 2 ]] || { echo "usage: $0 spark://HOST:7077 CONFIG [CONFIG...] [--set key=value ...] [-- SPARK_SUBMIT_OPTIONS]" >&2; exit 2; }
flipstorm_require_spark
master="$1"; shift
flipstorm_campaign_args "$@"
jar="$(flipstorm_cluster_jar)"
# shellcheck disable=SC2119 # no container-only JVM options here
mapfile -t confs < <(flipstorm_submit_confs)
flipstorm_spark_submit --master "$master" --deploy-mode client --class org.flipstorm.campaign.CampaignMain \
  "${confs[@]}" "${FLIPSTORM_SUBMIT_ARGS[@]}" "$jar" "$@"
