#!/usr/bin/env bash
# The same campaign on local[2] and on a standalone cluster of two one-core Workers on 127.0.0.1,
# each submitted with the job jar, alternating: trials/s and Spark overhead per task, as Markdown.
#   submit-scripts/benchmark-cluster.sh [REPORT.md] [repetitions=3] [images=500] [trials-per-layer=4000]
# Nothing else should run on the machine meanwhile (the two setups share its cores).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out="$(realpath -m "${1:-cluster-benchmark.md}")"
[[ $# -gt 0 ]] && shift
(cd "$FLIPSTORM_HOME" && mvn -q -B -DskipTests package && cd spark-job && mvn -q -B test-compile) || {
  echo "build failed: run 'mvn -B -DskipTests package' to see why" >&2; exit 1; }
cd "$FLIPSTORM_HOME/spark-job"
# shellcheck disable=SC2046
java $(flipstorm_jvm_options) -Xmx2g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  org.flipstorm.cluster.ClusterBenchmark "$out" "$@"
