#!/usr/bin/env bash
# Tandem's GPU check, for a Linux machine with an NVIDIA GPU and PyTorch but no package registry:
# builds tandem-agent against this machine's PyTorch and Debian's Qt (unpacked from debs/ into a
# private prefix), then prints in one run the images/s of ResNet-18 at 224×224 in bf16
#   (a) trained by tandem-agent, fed over a real loopback WebSocket by replay_batches.py with
#       wire batches that the desktop client's pipeline recorded (batches-224.tnb), and
#   (b) trained by a plain PyTorch loop with the same kind of data already on the GPU,
# and (a)/(b); the target is (a) ≥ 0.9 × (b).
#
# What travels with this folder (made on a Debian bookworm machine, see README.md):
#   debs/ (prepare_qt_prefix.sh) and batches-224.tnb (record_batches.sh).
#
#   gpu_check.sh [--device cuda|cpu] [--steps N] [--warmup N] [--batches FILE] [--agent PATH]
#                [--work DIR] [--precision bf16|fp32] [--python PYTHON]
# --agent skips the build; --device cpu with a small recording is the CPU rehearsal of the
# same steps (tests/notebook runs it). Exit status: 0 when both figures were measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

device=cuda steps=300 warmup=30 precision=""
batches=$here/batches-224.tnb agent="" work=$here/work python=${PYTHON:-python3}
while [ $# -gt 0 ]; do
  case $1 in
    --device) device=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --batches) batches=$2; shift 2 ;;
    --agent) agent=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --precision) precision=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ -n "$precision" ] || { [ "$device" = cuda ] && precision=bf16 || precision=fp32; }
started=$SECONDS
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'gpu_check: %s\n' "$*" >&2; exit 2; }
# Under pipefail a reader that stops early (head, grep -q) can kill the writer with SIGPIPE: every
# pipeline here reads its input to the end (sed -n 1p, grep >/dev/null).
version_ge() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | sed -n 1p)" = "$2" ]; }

# ---- 0. can this machine run Debian bookworm's Qt at all? --------------------------------------
requirements=$here/debs/REQUIREMENTS
[ -f "$requirements" ] || die "$here/debs/ is missing: run prepare_qt_prefix.sh on a Debian bookworm machine and copy debs/ here"
need_glibc=$(sed -n 's/^glibc=//p' "$requirements")
need_glibcxx=$(sed -n 's/^glibcxx=//p' "$requirements")
have_glibc=$(ldd --version 2>&1 | sed -n '1s/.* \([0-9][0-9]*\.[0-9][0-9]*\)$/\1/p' || true)
[ -n "$have_glibc" ] || die "cannot tell this machine's glibc version (ldd --version); musl systems cannot use Debian's Qt"
if ! version_ge "$have_glibc" "$need_glibc"; then
  die "this machine has glibc $have_glibc; Debian bookworm's Qt 6 needs glibc >= $need_glibc (Ubuntu 22.04+, Debian 12+, RHEL/Rocky 10+). Use the Colab notebook instead, or build Qt 6.2+ Core/Network/WebSockets here and put it on CMAKE_PREFIX_PATH."
fi
libstdcxx=$(${CXX:-g++} -print-file-name=libstdc++.so.6 2>/dev/null || true)
if [ -f "$libstdcxx" ] && ! grep -qa "GLIBCXX_$need_glibcxx" "$libstdcxx"; then
  die "$libstdcxx lacks GLIBCXX_$need_glibcxx, which Debian bookworm's Qt 6 needs (libstdc++ of GCC 12 or newer)"
fi
for tool in cmake "${CXX:-g++}" "$python"; do command -v "$tool" >/dev/null || die "$tool is missing"; done
echo "glibc $have_glibc (needs >= $need_glibc), libstdc++ has GLIBCXX_$need_glibcxx, Qt $(sed -n 's/^qt=//p' "$requirements") from debs/"

torch_info=$("$python" - <<'PY'
import torch
print(torch.utils.cmake_prefix_path)
print(torch.__version__)
print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")
PY
) || die "$python cannot import torch"
torch_prefix=$(sed -n 1p <<<"$torch_info")
echo "PyTorch $(sed -n 2p <<<"$torch_info"), CUDA device: $(sed -n 3p <<<"$torch_info")"
if [ "$device" = cuda ] && [ "$(sed -n 3p <<<"$torch_info")" = none ]; then
  die "PyTorch sees no CUDA device (nvidia-smi: $(nvidia-smi -L 2>&1 | sed -n 1p))"
fi
[ -f "$batches" ] || die "$batches is missing: make it with record_batches.sh on a machine with the full Tandem build"

mkdir -p "$work"
work=$(cd "$work" && pwd)

# ---- 1. Qt prefix from the .debs ---------------------------------------------------------------
prefix=$work/qt-prefix
if [ ! -f "$prefix/.unpacked" ] || [ "$requirements" -nt "$prefix/.unpacked" ]; then
  log "unpacking $(ls "$here"/debs/*.deb | wc -l) Debian packages into $prefix"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  for deb in "$here"/debs/*.deb; do
    if command -v dpkg-deb >/dev/null; then
      dpkg-deb -x "$deb" "$prefix"
    else # no dpkg: a .deb is an ar archive holding data.tar.*
      member=$(ar t "$deb" | grep '^data\.tar')
      case $member in
        *.xz) ar p "$deb" "$member" | tar -xJ -C "$prefix" ;;
        *.zst) ar p "$deb" "$member" | zstd -dc | tar -x -C "$prefix" ;;
        *.gz) ar p "$deb" "$member" | tar -xz -C "$prefix" ;;
        *) ar p "$deb" "$member" | tar -x -C "$prefix" ;;
      esac
    fi
  done
  # Libraries this machine already has stay the machine's (only Qt always comes from the prefix),
  # so that nothing else in the process (PyTorch, CUDA) sees a second copy of, say, libssl.
  ldconfig_bin=$(command -v ldconfig || echo /sbin/ldconfig)
  system_libs=$("$ldconfig_bin" -p 2>/dev/null | awk '/=>/{print $1}' | sort -u)
  for dir in "$prefix/usr/lib/x86_64-linux-gnu" "$prefix/lib/x86_64-linux-gnu"; do
    [ -d "$dir" ] || continue
    for lib in "$dir"/lib*.so.*; do
      name=$(basename "$lib")
      case $name in libQt6*) continue ;; esac
      if grep -qx -- "$name" <<<"$system_libs"; then rm -f "$lib"; fi
    done
  done
  # A development link (libturbojpeg.so -> libturbojpeg.so.0) whose target went with the step above
  # points at the machine's copy instead, so that the link step finds it.
  for dir in "$prefix/usr/lib/x86_64-linux-gnu" "$prefix/lib/x86_64-linux-gnu"; do
    [ -d "$dir" ] || continue
    for link in "$dir"/lib*.so; do
      [ -L "$link" ] && [ ! -e "$link" ] || continue
      target=$(basename "$(readlink "$link")")
      path=$("$ldconfig_bin" -p 2>/dev/null | awk -v n="$target" '$1 == n && /x86-64/ {print $NF; exit}')
      [ -n "$path" ] && ln -sf "$path" "$link"
    done
  done
  touch "$prefix/.unpacked"
fi
# pkg-config (the machine's, else the prefix's pkgconf) finds libturbojpeg, libpng and libxxhash in the
# prefix only, with their /usr paths rewritten into it.
export PKG_CONFIG_LIBDIR=$prefix/usr/lib/x86_64-linux-gnu/pkgconfig:$prefix/usr/share/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$prefix
pkg_config=$(command -v pkg-config || echo "$prefix/usr/bin/pkgconf")
qt_libs=$prefix/usr/lib/x86_64-linux-gnu:$prefix/lib/x86_64-linux-gnu
# Python (PyTorch alone) runs with the environment it came with; the agent, moc and the build see Qt.
plain_python() { if [ -n "${original_ld_path:-}" ]; then LD_LIBRARY_PATH=$original_ld_path "$python" "$@"; else env -u LD_LIBRARY_PATH "$python" "$@"; fi; }
original_ld_path=${LD_LIBRARY_PATH:-}
export LD_LIBRARY_PATH=$qt_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
"$prefix/usr/lib/qt6/libexec/moc" --version || die "moc from the prefix does not run (see the message above)"

# ---- 2. tandem-agent against this machine's PyTorch -------------------------------------------
if [ -z "$agent" ]; then
  build=$work/agent-build
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cuda=()
  [ -x /usr/local/cuda/bin/nvcc ] && ! command -v nvcc >/dev/null && cuda=(-DCUDAToolkit_ROOT=/usr/local/cuda)
  log "building tandem-agent (libtorch from $torch_prefix)"
  cmake -S "$repo" -B "$build" "${generator[@]}" "${cuda[@]}" -DTANDEM_AGENT_ONLY=ON -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$prefix/usr" -DQt6_DIR="$prefix/usr/lib/x86_64-linux-gnu/cmake/Qt6" \
    -DPKG_CONFIG_EXECUTABLE="$pkg_config" \
    -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,$prefix/usr/lib/x86_64-linux-gnu" >"$work/configure.log" 2>&1 \
    || { tail -n 40 "$work/configure.log"; die "configure failed (log: $work/configure.log)"; }
  grep -E 'tandem-agent: libtorch' "$work/configure.log" || true
  cmake --build "$build" --target tandem-agent -j "$(nproc)" >"$work/build.log" 2>&1 \
    || { tail -n 40 "$work/build.log"; die "build failed (log: $work/build.log)"; }
  agent=$build/colab_agent/tandem-agent
  echo "built $agent in $((SECONDS - started)) s"
fi
[ -x "$agent" ] || die "$agent is not an executable"

# ---- 3. (b) the plain PyTorch loop -------------------------------------------------------------
shape=$("$python" -c '
import json, struct, sys
f = open(sys.argv[1], "rb"); f.read(8)
h = json.loads(f.read(struct.unpack("<I", f.read(4))[0]))
print(h["height"], h["batchSize"], len(h["classNames"]))' "$batches")
read -r size batch classes <<<"$shape"
log "(b) plain PyTorch loop: ResNet-18, ${size}×${size}, batch $batch, $precision, $device"
plain_python "$here/bench_pytorch.py" --size "$size" --batch "$batch" --steps "$steps" --warmup "$warmup" \
  --device "$device" --precision "$precision" --classes "$classes" --json "$work/b.json"

# ---- 4. (a) the agent, fed over a loopback WebSocket ------------------------------------------
log "(a) tandem-agent on 127.0.0.1, fed by replay_batches.py from $(basename "$batches")"
secret_file=$work/secret
"$python" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$secret_file"
chmod 600 "$secret_file"
agent_log=$work/agent.log
"$agent" --listen 127.0.0.1:0 --secret-file "$secret_file" --device "$device" --once >"$agent_log" 2>&1 &
agent_pid=$!
trap 'kill "$agent_pid" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^tandem-agent listening on \(ws:[^ ]*\).*/\1/p' "$agent_log" | sed -n 1p)
  [ -n "$url" ] && break
  kill -0 "$agent_pid" 2>/dev/null || { cat "$agent_log"; die "tandem-agent exited"; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$agent_log"; die "tandem-agent did not print its URL"; }
if ! plain_python "$here/replay_batches.py" --url "$url" --secret-file "$secret_file" --batches "$batches" \
  --steps "$steps" --warmup "$warmup" --device "$device" --model resnet18 --precision "$precision" --json "$work/a.json"; then
  tail -n 30 "$agent_log"
  die "the replay failed (agent log: $agent_log)"
fi
kill "$agent_pid" 2>/dev/null || true
wait "$agent_pid" 2>/dev/null || true
trap - EXIT

# ---- 5. the figures ----------------------------------------------------------------------------
"$python" - "$work/a.json" "$work/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ratio = a["images_per_s"] / b["images_per_s"]
agent = a.get("agent") or {}
print()
print(f"device: {b['device']} (agent: {agent.get('device', '?')}, {agent.get('model', '?')}, "
      f"{agent.get('precision', '?')}, libtorch {agent.get('torchVersion', '?')}; PyTorch {b['torch']})")
print(f"{'(a) tandem-agent over a loopback WebSocket:':44}{a['images_per_s']:10.1f} images/s  ({a['mb_per_s']:.0f} MB/s of batches)")
where = "the CPU" if b["device"] == "cpu" else "the GPU"
print(f"{'(b) plain PyTorch loop, data on ' + where + ':':44}{b['images_per_s']:10.1f} images/s")
print(f"(a)/(b) = {ratio:.3f}   target >= 0.9: {'met' if ratio >= 0.9 else 'NOT met'}")
PY
echo "gpu check done in $((SECONDS - started)) s (logs and JSON in $work)"
