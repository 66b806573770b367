#!/usr/bin/env bash
# Run HERE, after a full Tandem build: records the wire batches that gpu_check.sh replays, made by
# the desktop client's own pipeline (record-batches) from real photographs (Debian's
# mate-backgrounds, linked several times over so that full batches of 64 exist).
#   colab_agent/gpu_check/record_batches.sh BUILD_DIR [SIZE] [BATCH] [BATCHES] [OUT]
# Defaults: 224, 64, 3 batches (29 MB), OUT=colab_agent/gpu_check/batches-SIZE.tnb (not committed).
set -euo pipefail
trap 'echo "$(basename "$0"): line $LINENO failed (exit $?): $BASH_COMMAND" >&2' ERR
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: $0 BUILD_DIR [SIZE] [BATCH] [BATCHES] [OUT]}
size=${2:-224} batch=${3:-64} count=${4:-3}
out=${5:-$here/batches-$size.tnb}
photos=${PHOTOS:-/usr/share/backgrounds/mate}
recorder=$build/colab_agent/gpu_check/record-batches
[ -x "$recorder" ] || { echo "$recorder is missing: build the target record-batches" >&2; exit 2; }
[ -d "$photos" ] || { echo "$photos is missing: apt-get install mate-backgrounds (or set PHOTOS to class folders)" >&2; exit 2; }

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
total=$(find "$photos" -mindepth 2 -type f | wc -l)
copies=$(( (batch * count) / total + 1 ))
for class in "$photos"/*/; do
  name=$(basename "$class")
  mkdir -p "$data/$name"
  for file in "$class"*; do
    [ -f "$file" ] || continue
    for i in $(seq 1 "$copies"); do ln -s "$(readlink -f "$file")" "$data/$name/$i-$(basename "$file")"; done
  done
done
"$recorder" --data "$data" --out "$out" --size "$size" --batch "$batch" --batches "$count"
ls -l "$out"
