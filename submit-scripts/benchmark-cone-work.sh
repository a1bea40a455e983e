#!/usr/bin/env bash
# The cone of influence's work and speed per trial on a trained graph (org.flipstorm.bench.ConeWork):
# multiply-adds on windows and on full maps in units of a clean forward pass, time per phase, and
# trials per clean image against clean inference at batch 256 in the same JVM, per stage and batch size.
#   submit-scripts/benchmark-cone-work.sh MODEL.zip DATA_DIR [OUT.md] [images=50] [faults=120] [batches=30,128] [seed=1]
# e.g. submit-scripts/benchmark-cone-work.sh model-zoo/models/resnet20-cifar10-baseline.zip /tmp/cifar
# (about two minutes on 2 cores).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [[ $# -lt 2 ]]; then
  echo "usage: $0 MODEL.zip DATA_DIR [OUT.md] [images=50] [faults=120] [batches=30,128] [seed=1]" >&2
  exit 2
fi
model="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
data="$2"
shift 2
out="$FLIPSTORM_HOME/target/cone-work.md"
if [[ $# -gt 0 && "$1" != *=* ]]; then
  out="$1"
  shift
fi
cd "$FLIPSTORM_HOME"
mkdir -p "$(dirname "$out")"
(mvn -q -B -DskipTests -Dflipstorm.shade.skip=true install -pl model-zoo,spark-job -am && cd spark-job && mvn -q -B test-compile) || {
  echo "build failed: run 'mvn -B -DskipTests -pl spark-job -am test-compile' to see why" >&2; exit 1; }
cp="$FLIPSTORM_HOME/spark-job/target/test-classes:$FLIPSTORM_HOME/spark-job/target/classes"
cp="$cp:$(cat spark-job/target/test-classpath.txt)"
# shellcheck disable=SC2046
java $(flipstorm_jvm_options) -Xmx6g -cp "$cp" org.flipstorm.bench.ConeWork "$model" "$data" "$out" "$@"
