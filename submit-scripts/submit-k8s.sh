#!/usr/bin/env bash
# Submits a campaign (or several, run one after another by one driver) to Kubernetes in cluster mode:
#   submit-scripts/submit-k8s.sh https://API-SERVER:6443 IMAGE CONFIG [CONFIG...] [--set campaign.key=value ...] [-- SPARK_SUBMIT_OPTIONS]
# IMAGE is a Spark 4.2 image (e.g. apache/spark:4.2.0-java17) with the cluster jar copied to
# /opt/flipstorm/flipstorm.jar. Each config is made one self-contained file here by the local job
# jar (`flipstorm config`: includes inlined, --set applied, checked; FLIPSTORM_JOB_JAR, else built)
# and uploaded through spark.kubernetes.file.upload.path (FLIPSTORM_UPLOAD, an s3a:// or hdfs://
# directory). Model and output must be on such a file system.
# Environment: SPARK_HOME (required), FLIPSTORM_NAMESPACE (default), FLIPSTORM_EXECUTORS (4).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"
flipstorm_split_args "$@"
set -- "${FLIPSTORM_APP_ARGS[@]}"
[[ $# -ge 3 ]] || { echo "usage: $0 https://API-SERVER:PORT IMAGE CONFIG [CONFIG...] [--set key=value ...] [-- SPARK_SUBMIT_OPTIONS]" >&2; exit 2; }
flipstorm_require_spark
api="$1"; image="$2"; shift 2
[[ -n "${FLIPSTORM_UPLOAD:-}" ]] || { echo "FLIPSTORM_UPLOAD must name an s3a:// or hdfs:// directory for the config" >&2; exit 2; }
flipstorm_campaign_args "$@"
shipped="$(mktemp -d)"
trap 'rm -rf "$shipped"' EXIT
jar="$(flipstorm_cluster_jar)"
flipstorm_resolve_configs "$jar" "$shipped"
# shellcheck disable=SC2119 # no container-only JVM options here
mapfile -t confs < <(flipstorm_submit_confs)
flipstorm_spark_submit --master "k8s://$api" --deploy-mode cluster --name flipstorm \
  --conf "spark.kubernetes.container.image=$image" \
  --conf "spark.kubernetes.namespace=${FLIPSTORM_NAMESPACE:-default}" \
  --conf "spark.kubernetes.file.upload.path=$FLIPSTORM_UPLOAD" \
  --conf "spark.executor.instances=${FLIPSTORM_EXECUTORS:-4}" \
  --files "$(IFS=,; echo "${FLIPSTORM_SHIPPED[*]}")" --class org.flipstorm.campaign.CampaignMain "${confs[@]}" \
  "${FLIPSTORM_SUBMIT_ARGS[@]}" local:///opt/flipstorm/flipstorm.jar "${FLIPSTORM_SHIPPED_ARGS[@]}"
