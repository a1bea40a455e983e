#!/usr/bin/env bash
# Injection-engine benchmark (JMH): trials/s of naive, batched-naive and FlipStorm on LeNet and
# ResNet-20. Set OMP_NUM_THREADS to compare thread counts.
#   submit-scripts/benchmark-engine.sh [OUT.md] [-p name=v1,v2 ...]
# e.g. -p model=resnet20 -p method=flipstorm -p batch=16,32,64,128,256 for the batch-size sweep, or
# -p model=lenet -p site=0,1,2,3 for one row per layer. FLIPSTORM_BENCH_OPTS="-Dflipstorm.bench.iterations=3
# -Dflipstorm.bench.warmups=1 -Dflipstorm.bench.seconds=2" shortens the runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"
out="${1:-$FLIPSTORM_HOME/target/engine-benchmark.md}"
shift || true
mkdir -p "$(dirname "$out")"
(mvn -q -B -DskipTests -Dflipstorm.shade.skip=true install -pl model-zoo,spark-job -am && cd spark-job && mvn -q -B test-compile) || {
  echo "build failed: run 'mvn -B -DskipTests -pl spark-job -am test-compile' to see why" >&2; exit 1; }
cp="$FLIPSTORM_HOME/spark-job/target/test-classes:$FLIPSTORM_HOME/spark-job/target/classes"
cp="$cp:$(cat spark-job/target/test-classpath.txt)"
# shellcheck disable=SC2046,SC2086
java $(flipstorm_jvm_options) ${FLIPSTORM_BENCH_OPTS:-} -cp "$cp" org.flipstorm.bench.EngineReport "$FLIPSTORM_HOME/conf/jvm.options" "$out" "$@"
