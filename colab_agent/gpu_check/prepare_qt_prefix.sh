#!/usr/bin/env bash
# Run HERE (a Debian bookworm machine with apt): downloads Debian's Qt 6 Core/Network/WebSockets
# runtime and development packages, and the libraries they load, into debs/ beside this script,
# so that gpu_check.sh can build tandem-agent on a GPU machine that has no package registry.
# Also records in debs/REQUIREMENTS the newest glibc and libstdc++ symbol versions those binaries
# need, which gpu_check.sh compares with the target machine's before it starts.
#   colab_agent/gpu_check/prepare_qt_prefix.sh        (about 40 MB; debs/ is not committed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
debs=$here/debs

# Qt itself: runtime libraries, headers + CMake files, moc (qt6-base-dev-tools) and qmake6, whose
# files the Qt6CoreTools CMake package insists exist.
QT_PACKAGES=(libqt6core6 libqt6network6 libqt6websockets6 libqt6dbus6 qt6-base-dev qt6-base-dev-tools qmake6
             qt6-websockets-dev)
# What those libraries load that a GPU box may lack. gpu_check.sh uses each one only when the
# machine has no library of that name already (libc, libstdc++ and libgcc always come from it).
LIB_PACKAGES=(libicu72 libdouble-conversion3 libb2-1 libgomp1 libpcre2-16-0 libmd4c0 libglib2.0-0
              libpcre2-8-0 libffi8 libmount1 libblkid1 libselinux1 libbrotli1 libzstd1 zlib1g libproxy1v5
              libdbus-1-3 libsystemd0 libcap2 libgcrypt20 libgpg-error0 liblz4-1 liblzma5
              libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1 libssl3)
# The agent's other build inputs: the wire's image codecs (core/imagecodec: TurboJPEG, libpng, which
# needs zlib's .pc), XXH3 (the sample cache) and pkg-config to find them (gpu_check.sh points
# pkg-config at the prefix when the machine lacks the .pc files).
LIB_PACKAGES+=(libturbojpeg0 libturbojpeg0-dev libpng16-16 libpng-dev zlib1g-dev libxxhash0 libxxhash-dev
               pkgconf pkgconf-bin libpkgconf3)

command -v apt-get >/dev/null || { echo "apt-get is needed: run this on Debian bookworm" >&2; exit 2; }
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] || echo "warning: packages from ${VERSION_CODENAME:-?}, not bookworm" >&2

rm -rf "$debs.tmp"
mkdir -p "$debs.tmp"
(cd "$debs.tmp" && apt-get download "${QT_PACKAGES[@]}" "${LIB_PACKAGES[@]}")

# The newest symbol versions any binary in the packages asks of glibc and libstdc++.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for deb in "$debs.tmp"/*.deb; do dpkg-deb -x "$deb" "$scratch"; done
newest() {
  find "$scratch" -type f \( -name '*.so*' -o -path '*/libexec/*' \) -print0 \
    | xargs -0 objdump -T 2>/dev/null | grep -o "$1_[0-9.]*" | sort -uV | tail -n1
}
{
  echo "glibc=$(newest GLIBC | sed 's/GLIBC_//')"
  echo "glibcxx=$(newest GLIBCXX | sed 's/GLIBCXX_//')"
  echo "qt=$(dpkg-deb --field "$debs.tmp"/libqt6core6_*.deb Version)"
  echo "from=${PRETTY_NAME:-unknown}"
} >"$debs.tmp/REQUIREMENTS"

rm -rf "$debs"
mv "$debs.tmp" "$debs"
echo "wrote $(ls "$debs"/*.deb | wc -l) packages ($(du -sh "$debs" | cut -f1)) to $debs:"
cat "$debs/REQUIREMENTS"
