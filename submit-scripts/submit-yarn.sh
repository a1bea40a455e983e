#!/usr/bin/env bash
# Submits a campaign to YARN in cluster mode (the driver runs in the cluster):
#   submit-scripts/submit-yarn.sh CONFIG [--set campaign.key=value ...] [-- SPARK_SUBMIT_OPTIONS]
# The config is shipped with --files and read from the driver container's working directory;
# model and output must be on HDFS (or another file system every node reaches), e.g.
#   --set campaign.model=hdfs:///flipstorm/models/resnet20-cifar10-baseline.zip
#   --set campaign.output=hdfs:///flipstorm/campaigns
# Executor settings: conf/spark-defaults.conf. Environment: SPARK_HOME and HADOOP_CONF_DIR
# (required), FLIPSTORM_EXECUTOR_* and FLIPSTORM_JOB_JAR as for standalone, FLIPSTORM_EXECUTORS (4),
# FLIPSTORM_QUEUE (default).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"
flipstorm_split_args "$@"
set -- "${FLIPSTORM_APP_ARGS[@]}"
[[ $# -ge 1 ]] || { echo "usage: $0 CONFIG [--set key=value ...] [-- SPARK_SUBMIT_OPTIONS]" >&2; exit 2; }
flipstorm_require_spark
[[ -n "${HADOOP_CONF_DIR:-}" ]] || { echo "HADOOP_CONF_DIR must point at the cluster's Hadoop configuration" >&2; exit 2; }
config="$1"; shift
jar="$(flipstorm_cluster_jar)"
mapfile -t confs < <(flipstorm_submit_confs)
flipstorm_spark_submit --master yarn --deploy-mode cluster --queue "${FLIPSTORM_QUEUE:-default}" \
  --num-executors "${FLIPSTORM_EXECUTORS:-4}" --files "$config" \
  --class org.flipstorm.campaign.CampaignMain "${confs[@]}" "${FLIPSTORM_SUBMIT_ARGS[@]}" "$jar" \
  "$(basename "$config")" "$@"
