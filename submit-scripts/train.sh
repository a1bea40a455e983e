#!/usr/bin/env bash
# Trains a zoo model: submit-scripts/train.sh --arch resnet20 --dataset cifar10 --data DIR --out FILE [...]
# (all options: see TrainCommand). The classes are copied first, so rebuilding the checkout while a
# long run goes on cannot change the code under it. Checkpoints go beside --out; add --resume to
# continue a run that was stopped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
flipstorm_build
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/flipstorm-train.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
cp -r "$FLIPSTORM_HOME/model-zoo/target/classes" "$snapshot/classes"
# shellcheck disable=SC2046
java $(flipstorm_jvm_options) ${FLIPSTORM_TRAIN_JVM:--Xmx4g} \
  -cp "$snapshot/classes:$(cat "$FLIPSTORM_HOME/model-zoo/target/classpath.txt")" \
  org.flipstorm.zoo.train.TrainCommand "$@"
