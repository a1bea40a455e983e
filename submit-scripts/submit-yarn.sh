#!/usr/bin/env bash
# Submits a campaign (or several, run one after another by one driver) to YARN:
#   submit-scripts/submit-yarn.sh CONFIG [CONFIG...] [--set campaign.key=value ...] [-- SPARK_SUBMIT_OPTIONS]
# In cluster mode (the default) the driver runs in the ApplicationMaster's container: each config is
# made one self-contained file here (`flipstorm config`: includes inlined, --set applied, checked),
# shipped with --files and read from that container's working directory. In client mode
# (FLIPSTORM_DEPLOY_MODE=client) the driver runs here and reads the configs itself. Model and output must
# be on HDFS (or another file system every node reaches), e.g.
#   --set campaign.model=hdfs:///flipstorm/models/resnet20-cifar10-baseline.zip
#   --set campaign.output=hdfs:///flipstorm/campaigns
# Executor settings: conf/spark-defaults.conf (README, "On YARN", says how to size them).
# Environment: SPARK_HOME and HADOOP_CONF_DIR (required), FLIPSTORM_EXECUTOR_* and FLIPSTORM_JOB_JAR as
# for standalone, FLIPSTORM_EXECUTORS (4), FLIPSTORM_QUEUE (default), FLIPSTORM_DEPLOY_MODE (cluster).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"
flipstorm_split_args "$@"
set -- "${FLIPSTORM_APP_ARGS[@]}"
[[ $# -ge 1 ]] || { echo "usage: $0 CONFIG [CONFIG...] [--set key=value ...] [-- SPARK_SUBMIT_OPTIONS]" >&2; exit 2; }
mode="${FLIPSTORM_DEPLOY_MODE:-cluster}"
[[ "$mode" == cluster || "$mode" == client ]] \
  || { echo "FLIPSTORM_DEPLOY_MODE must be cluster or client; got '$mode'" >&2; exit 2; }
flipstorm_require_spark
[[ -n "${HADOOP_CONF_DIR:-}" ]] || { echo "HADOOP_CONF_DIR must point at the cluster's Hadoop configuration" >&2; exit 2; }
flipstorm_campaign_args "$@"
jar="$(flipstorm_cluster_jar)"
# JavaCPP unpacks ND4J's native libraries (437 MB of them from the job jar, measured) at first use. A relative cache directory is
# the container's own working directory: no writable home directory needed on the NodeManager (the
# container may run as a user without one), and it goes away with the container.
in_container="-Dorg.bytedeco.javacpp.cachedir=javacpp-cache"
if [[ "$mode" == cluster ]]; then
  mapfile -t confs < <(flipstorm_submit_confs "$in_container" "$in_container")
  shipped="$(mktemp -d)"
  trap 'rm -rf "$shipped"' EXIT
  flipstorm_resolve_configs "$jar" "$shipped"
  files=(--files "$(IFS=,; echo "${FLIPSTORM_SHIPPED[*]}")")
  set -- "${FLIPSTORM_SHIPPED_ARGS[@]}"
else
  mapfile -t confs < <(flipstorm_submit_confs "$in_container")
  files=()
fi
flipstorm_spark_submit --master yarn --deploy-mode "$mode" --queue "${FLIPSTORM_QUEUE:-default}" \
  --num-executors "${FLIPSTORM_EXECUTORS:-4}" "${files[@]}" \
  --class org.flipstorm.campaign.CampaignMain "${confs[@]}" "${FLIPSTORM_SUBMIT_ARGS[@]}" "$jar" "$@"
