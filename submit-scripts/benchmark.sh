#!/usr/bin/env bash
# DL4J speed benchmarks (JMH): inference at batch 1/32/256 for LeNet, ResNet-20 and ViT-tiny,
# training at batch 128 for LeNet and ResNet-20, ResNet-20's convolution trunk in NCHW and NHWC at
# batch 32/128/256, plus the ND4J matrix-multiply reference. Takes about 12 minutes on 2 cores.
#   submit-scripts/benchmark.sh [OUT.md] [include-regex [PARAM=V1,V2 ...]]
# e.g. submit-scripts/benchmark.sh /tmp/yardstick.md InferenceBenchmark model=lenet,resnet20 batch=256
# Writes a Markdown table (default target/benchmark-results.md); docs/PERFORMANCE.md quotes it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FLIPSTORM_HOME"
out="${1:-$FLIPSTORM_HOME/target/benchmark-results.md}"
mkdir -p "$(dirname "$out")"
(mvn -q -B -DskipTests install -pl model-zoo && cd model-zoo && mvn -q -B test-compile) || {
  echo "build failed: run 'mvn -B -DskipTests -pl model-zoo test-compile' to see why" >&2; exit 1; }
cp="$FLIPSTORM_HOME/model-zoo/target/test-classes:$FLIPSTORM_HOME/model-zoo/target/classes:$(cat model-zoo/target/test-classpath.txt)"
# shellcheck disable=SC2046
java $(flipstorm_jvm_options) -cp "$cp" org.flipstorm.zoo.bench.BenchmarkReport \
  "$FLIPSTORM_HOME/conf/jvm.options" "$out" "${@:2}"
