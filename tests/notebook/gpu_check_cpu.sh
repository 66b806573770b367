#!/usr/bin/env bash
# The CPU rehearsal of colab_agent/gpu_check/gpu_check.sh: records 224×224 wire batches of real
# photographs with the client's pipeline (record-batches), then runs gpu_check.sh with the agent
# of this build on the CPU: (b) the plain PyTorch loop and (a) the agent fed by replay_batches.py
# over a loopback WebSocket must both produce a figure. What stays GPU-only: the Qt prefix from
# debs/, the build against a pip PyTorch, CUDA, bf16 and the ≥ 0.9 ratio itself.
#   gpu_check_cpu.sh SOURCE_DIR BUILD_DIR RECORD_BATCHES AGENT PYTHON WORK
set -euo pipefail
trap 'echo "$(basename "$0"): line $LINENO failed (exit $?): $BASH_COMMAND" >&2' ERR
source_dir=$1 build_dir=$2 recorder=$3 agent=$4 python=$5 work=$6
rm -rf "$work"
mkdir -p "$work/debs"
here=$source_dir/colab_agent/gpu_check

# record_batches.sh expects the recorder where the full build puts it.
[ "$recorder" = "$build_dir/colab_agent/gpu_check/record-batches" ] || { echo "unexpected recorder path $recorder" >&2; exit 1; }
# 224×224, batch 8: 1.2 MB per batch, so each one travels as Fragment messages, as on the GPU.
bash "$here/record_batches.sh" "$build_dir" 224 8 2 "$work/batches.tnb"

# gpu_check.sh reads the glibc requirement from debs/REQUIREMENTS; the CPU run uses this build's Qt,
# so a copy of the script runs beside an empty debs/ with this machine's own figures.
cp "$here"/gpu_check.sh "$here"/bench_pytorch.py "$here"/replay_batches.py "$work/"
glibc=$(ldd --version | awk 'NR == 1' | grep -oE '[0-9]+\.[0-9]+$') # awk reads to the end: no SIGPIPE under pipefail
printf 'glibc=%s\nglibcxx=3.4.21\nqt=system\nfrom=this machine\n' "$glibc" >"$work/debs/REQUIREMENTS"
mkdir -p "$work/run/qt-prefix/usr/lib/qt6/libexec"
ln -s "$(command -v moc || echo /usr/lib/qt6/libexec/moc)" "$work/run/qt-prefix/usr/lib/qt6/libexec/moc"
touch "$work/run/qt-prefix/.unpacked"
output=$(bash "$work/gpu_check.sh" --device cpu --steps 5 --warmup 2 --batches "$work/batches.tnb" \
  --agent "$agent" --work "$work/run" --python "$python" 2>&1) || { echo "$output"; exit 1; }
echo "$output"
grep -q '^(a) tandem-agent over a loopback WebSocket: *[0-9.]* images/s' <<<"$output" || { echo "no (a) figure" >&2; exit 1; }
grep -q '^(b) plain PyTorch loop, data on the CPU: *[0-9.]* images/s' <<<"$output" || { echo "no (b) figure" >&2; exit 1; }
grep -q '^(a)/(b) = [0-9.]*' <<<"$output" || { echo "no ratio" >&2; exit 1; }
echo "gpu check CPU rehearsal passed"
