#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs of this
# node as Spark expects, {"name": "gpu", "addresses": ["0", "1"]}. Each FlipStorm task pins the ND4J
# CUDA backend to the address Spark assigned it (see README, "GPU executors").
set -euo pipefail
ids="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' ' | paste -sd, - || true)"
addresses=""
if [[ -n "$ids" ]]; then
  addresses="\"${ids//,/\",\"}\""
fi
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
