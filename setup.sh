#!/usr/bin/env bash
# Tandem's one entry script.
#   ./setup.sh run    install what is missing, build, write the sample dataset, start Tandem on it
#   ./setup.sh test   install what is missing, build, run the whole test suite
#   ./setup.sh build  install what is missing and build (preset: $TANDEM_PRESET, default dev)
#   ./setup.sh deps   only install the Debian/Ubuntu packages
#   ./setup.sh packages [build|run|test]   print the packages that command installs, one per line
set -euo pipefail
cd "$(dirname "$0")"

# Debian bookworm names first; where Ubuntu names a package differently, alternatives follow "|".
# No closing parenthesis inside the lists, comments included: scripts read them up to the first one.
PACKAGES=(
  g++ cmake ninja-build pkg-config
  qt6-base-dev libqt6opengl6-dev "qt6-websockets-dev|libqt6websockets6-dev" "qt6-charts-dev|libqt6charts6-dev" "libqt6svg6-dev|qt6-svg-dev"
  libgl-dev libopencv-dev libopencv-contrib-dev libxxhash-dev zlib1g-dev libarchive-dev
  libturbojpeg0-dev libpng-dev   # the wire image codecs of core/imagecodec, shared by the client and the agent
  libtorch-dev
  dataset-fashion-mnist   # real sample data, and the data of the end-to-end tests
)
TEST_PACKAGES=(
  python3 python3-torch python3-torchvision   # package_check.py; the exported weights vs torchvision
  mate-backgrounds                    # real photographs for preprocessing tests and benchmarks
  poppler-utils                       # pdftoppm renders the PDF reports in tests
  file dpkg-dev                       # cpack -G DEB reads the binaries with file and dpkg-shlibdeps
  python3-nbclient python3-ipykernel  # runs the Colab notebook in the tests
  qt6-qpa-plugins                     # the offscreen platform for GUI tests
  clang-14 libclang-rt-14-dev         # libFuzzer: the fuzz preset and its short pass, tests/fuzz
)
RUN_PACKAGES=(qt6-qpa-plugins fonts-dejavu-core)
# tests/packaging/package_check.py reads these lists through `./setup.sh packages`: a file that the
# build reads from a package outside their Depends/Pre-Depends closure fails the test suite.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = 'install ok installed' ]; }

# Picks the first alternative that is installed, else the first that the archive has.
resolve() {
  local alt
  IFS='|' read -r -a alts <<<"$1"
  for alt in "${alts[@]}"; do installed "$alt" && { echo "$alt"; return; }; done
  for alt in "${alts[@]}"; do
    apt-cache show "$alt" >/dev/null 2>&1 && { echo "$alt"; return; }
  done
  echo "${alts[0]}"
}

install_packages() {
  local missing=() spec pkg updated=0
  for spec in "$@"; do
    pkg=$(resolve "$spec")
    installed "$pkg" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  if [ $updated -eq 0 ]; then as_root apt-get update -qq; updated=1; fi
  # Resolve again now that the package lists are fresh (Ubuntu vs Debian names).
  local resolved=()
  for spec in "${missing[@]}"; do resolved+=("$(resolve "$spec")"); done
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${resolved[@]}"
}

jobs() { nproc 2>/dev/null || echo 2; }

build() {
  local preset=$1
  log "configuring (preset $preset)"
  cmake --preset "$preset" >/dev/null
  log "building with $(jobs) jobs"
  cmake --build --preset "$preset" -j "$(jobs)"
}

case "${1:-}" in
  packages)
    case "${2:-build}" in
      build) set -- "${PACKAGES[@]}" ;;
      run) set -- "${PACKAGES[@]}" "${RUN_PACKAGES[@]}" ;;
      test) set -- "${PACKAGES[@]}" "${TEST_PACKAGES[@]}" ;;
      *) echo "usage: $0 packages [build|run|test]" >&2; exit 2 ;;
    esac
    for spec in "$@"; do resolve "$spec"; done
    ;;
  deps)
    install_packages "${PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${RUN_PACKAGES[@]}"
    ;;
  build)
    install_packages "${PACKAGES[@]}"
    build "${TANDEM_PRESET:-dev}"
    ;;
  run)
    install_packages "${PACKAGES[@]}" "${RUN_PACKAGES[@]}"
    build dev
    data=build/sample-data/fashion-mnist
    log "writing the sample dataset to $data"
    ./build/dev/app/tandem sample-data --out "$data" --train-per-class 500 --val-per-class 100
    shift
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${TANDEM_HEADLESS:-0}" != 1 ]; then
      log "starting Tandem on the sample dataset (local agent)"
      exec ./build/dev/app/tandem --dataset "$data" "$@"
    fi
    log "no display: training headless on the sample dataset with the local agent"
    exec ./build/dev/app/tandem train --data "$data" --agent local --size 28 --color gray --epochs 3 --batch 32 \
      --weights build/sample-data/fashion-mnist-weights.pt --report build/sample-data/report "$@"
    ;;
  test)
    install_packages "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    build ci
    log "running the test suite"
    ctest --preset ci
    ;;
  *)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
