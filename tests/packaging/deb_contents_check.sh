#!/usr/bin/env bash
# Builds the .deb with cpack and checks what it holds and declares, then runs the packaged tandem
# from the unpacked package (the libraries it needs are the ones this build linked).
#   deb_contents_check.sh CPACK CPackConfig.cmake OUTDIR VERSION tandem,tandem.desktop,agent-src[,tandem-agent][,icon]
set -euo pipefail
cpack=$1 config=$2 out=$3 version=$4 expect=$5
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
"$cpack" -G DEB --config "$config" -B "$out" >"$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; fail "cpack failed"; }
shopt -s nullglob
debs=("$out"/tandem_*.deb)
[ ${#debs[@]} -eq 1 ] || fail "expected one tandem_*.deb in $out, found: ${debs[*]:-none}"
deb=${debs[0]}
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "tandem_${version}_${arch}.deb" ] || fail "unexpected file name $(basename "$deb")"
echo "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

info=$(dpkg-deb --info "$deb")
echo "$info" | sed -n '/Package:/,$p'
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = tandem ] || fail "Package is $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version is $(field Version)"
[ "$(field Section)" = science ] || fail "Section is $(field Section)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
depends=$(field Depends)
for lib in libc6 libqt6core6 libqt6websockets6 libqt6widgets6 libqt6gui6 libqt6svg6; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib (shlibdeps): $depends"
done

contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}')
has() { grep -qx -- "$1" <<<"$contents" || fail "the package lacks $1"; }
IFS=, read -r -a wanted <<<"$expect"
for item in "${wanted[@]}"; do
  case $item in
    tandem) has ./usr/bin/tandem ;;
    tandem-agent) has ./usr/bin/tandem-agent
                  [[ $depends == *libtorch* ]] || fail "Depends lacks libtorch: $depends" ;;
    tandem.desktop) has ./usr/share/applications/tandem.desktop ;;
    icon) has ./usr/share/icons/hicolor/scalable/apps/tandem.svg ;;
    agent-src) has ./usr/share/tandem/agent-src/colab_agent/CMakeLists.txt
               has ./usr/share/tandem/agent-src/colab_agent/notebook/tandem_agent.ipynb
               has ./usr/share/tandem/agent-src/colab_agent/notebook/tandem_colab.py
               has ./usr/share/tandem/agent-src/core/common/CMakeLists.txt
               has ./usr/share/tandem/agent-src/core/protocol/CMakeLists.txt
               has ./usr/share/tandem/agent-src/core/protocol/wire_codec.cpp
               ! grep -q gpu_check <<<"$contents" || fail "the GPU check is not part of the agent sources" ;;
    *) fail "unknown expectation $item" ;;
  esac
done

unpacked="$out/root"
dpkg-deb -x "$deb" "$unpacked"
grep -qx 'Exec=tandem' "$unpacked/usr/share/applications/tandem.desktop" || fail "desktop entry does not run tandem"
grep -qx 'Icon=tandem' "$unpacked/usr/share/applications/tandem.desktop" || fail "desktop entry names no tandem icon"
if command -v file >/dev/null && [[ $(file "$unpacked/usr/bin/tandem") == *"not stripped"* ]]; then fail "tandem is not stripped"; fi
got=$("$unpacked/usr/bin/tandem" --version)
[ "$got" = "tandem $version" ] || fail "packaged tandem --version printed: $got"
echo "packaged tandem --version: $got"
echo "deb contents check passed"
