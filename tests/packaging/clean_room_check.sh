#!/usr/bin/env bash
# The README's two commands on a fresh machine: debootstraps a minimal Debian root, puts a clean
# clone of this repository's HEAD in it, and runs there, timing each step,
#   ./setup.sh test                     (what CI runs: install, build, the whole suite)
#   TANDEM_HEADLESS=1 ./setup.sh run    (install, build, sample data, a headless training run)
#
#   tests/packaging/clean_room_check.sh [ROOT]      (ROOT default /tmp/tandem-clean-room)
#
# Run by hand, as root: it needs the Debian archive and, on 2 cores, most of an hour. Only committed
# work is tested (a clone, not the work tree). The root's debootstrap is reused when ROOT holds a
# finished one and FRESH is not 1; the clone and everything setup.sh installs are always new, because
# the packages are installed into a copy of the bare root. The clean root has no CUDA toolkit, so the
# CUDA compile check prints that it is skipped. Exits non-zero on the first failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
base=${1:-/tmp/tandem-clean-room}
suite=${SUITE:-bookworm}
. "$here/clean_root.sh"

# A bare root made once, then copied, so that each rehearsal starts with no package of ours.
bare=$base/bare
root=$base/root
clean_root_prepare "$bare" "$suite"
clean_root_unmount
log "copying the bare root to $root"
rm -rf "$root"
cp -a "$bare" "$root"
clean_root_prepare "$root" "$suite"

commit=$(git -C "$repo" rev-parse --short HEAD)
log "a clean clone of $commit into the root"
git clone -q --no-hardlinks "$repo" "$root/root/tandem"
git -C "$root/root/tandem" checkout -q "$commit"
# shared/ sits beside the repository (DESIGN.md, anchors); copy it where a clone expects it.
if [ -d "$repo/../shared" ]; then cp -a "$repo/../shared" "$root/root/shared"; fi

timings=()
step() {
  local name=$1 started=$SECONDS
  shift
  log "$name"
  if in_root "$@"; then
    timings+=("$(printf '%-34s passed in %4d s' "$name" $((SECONDS - started)))")
  else
    timings+=("$(printf '%-34s FAILED after %4d s' "$name" $((SECONDS - started)))")
    printf '%s\n' "${timings[@]}"
    exit 1
  fi
}
step "./setup.sh test" sh -c 'cd /root/tandem && CI=true ./setup.sh test'
step "TANDEM_HEADLESS=1 ./setup.sh run" sh -c 'cd /root/tandem && TANDEM_HEADLESS=1 ./setup.sh run'
in_root test -s /root/tandem/build/sample-data/fashion-mnist-weights.pt
in_root sh -c 'ls /root/tandem/build/sample-data/report/*.html >/dev/null'

log "clean room ($suite minbase, commit $commit)"
printf '%s\n' "${timings[@]}"
