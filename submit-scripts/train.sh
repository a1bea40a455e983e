#!/usr/bin/env bash
# Trains a zoo model (bin/flipstorm train; every option: bin/flipstorm train --help), e.g.
#   submit-scripts/train.sh --arch resnet20 --dataset cifar10 --data DIR --out FILE [...]
# It runs on a copy of the classes, so rebuilding the checkout while a long run goes on cannot
# change the code under it. Checkpoints go beside --out; add --resume to continue a run that was
# stopped. JVM heap: FLIPSTORM_JAVA_OPTS (default -Xmx4g).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/../bin/flipstorm" train "$@"
