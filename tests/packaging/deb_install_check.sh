#!/usr/bin/env bash
# Installs the tandem .deb on a clean Debian root (debootstrap minbase) and starts it there:
#   tests/packaging/deb_install_check.sh BUILD/tandem_0.1.0_amd64.deb [ROOT]
# Not part of ctest: it needs root, network access to the Debian archive that this machine's apt
# sources name, and a few minutes. ROOT (default /tmp/tandem-deb-root) is reused when it already
# holds a finished debootstrap; delete it for a fresh one. Exits non-zero on the first failure.
set -euo pipefail

deb=${1:?usage: $0 PATH/tandem_VERSION_ARCH.deb [ROOT]}
root=${2:-/tmp/tandem-deb-root}
suite=${SUITE:-bookworm}
deb=$(readlink -f "$deb")
[ -f "$deb" ] || { echo "no such package: $deb" >&2; exit 2; }

. "$(dirname "$0")/clean_root.sh"
clean_root_prepare "$root" "$suite"

cp "$deb" "$root/tmp/"
name=$(basename "$deb")
log "apt-get install ./$name inside the clean root"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "/tmp/$name"

log "tandem --version inside the clean root"
version=$(in_root tandem --version)
echo "$version"
[[ $version == tandem\ * ]] || { echo "unexpected output: $version" >&2; exit 1; }

log "the headless commands start (offscreen Qt platform from the package's dependencies)"
in_root env QT_QPA_PLATFORM=offscreen tandem train --help | sed -n 1,3p

if in_root test -x /usr/bin/tandem-agent; then
  log "tandem-agent starts and listens inside the clean root"
  in_root sh -c 'TANDEM_SECRET=check timeout 20 tandem-agent --listen 127.0.0.1:0 --device cpu >/tmp/agent.log 2>&1 &
                 pid=$!
                 for i in $(seq 1 100); do grep -q "listening on ws://" /tmp/agent.log && break; sleep 0.1; done
                 kill $pid 2>/dev/null; cat /tmp/agent.log; grep -q "listening on ws://" /tmp/agent.log'
fi
in_root test -f /usr/share/applications/tandem.desktop
in_root test -f /usr/share/tandem/agent-src/colab_agent/CMakeLists.txt
log "the package installs and starts on a clean $suite root"
