# Shared by the by-hand checks that need a clean Debian root (source it, do not run it):
#   clean_root_prepare ROOT SUITE   debootstrap --variant=minbase once (ROOT/.tandem-debootstrap-done
#                                   marks a finished one; FRESH=1 starts again), the suites of a real
#                                   system, DNS, and /proc, /sys, /dev bound until the script exits
#   in_root CMD...                  runs CMD inside ROOT with a clean environment
# Needs root and network access to the Debian archive that this machine's apt sources name.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

clean_root_prepare() {
  clean_root=$1
  local suite=$2 mirror=${MIRROR:-} security fs
  [ "$(id -u)" -eq 0 ] || { echo "debootstrap and chroot need root" >&2; exit 2; }
  command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 2; }

  # The mirror this machine's apt already uses (deb822 .sources or one-line sources.list).
  if [ -z "$mirror" ]; then
    mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | sed -n 1p || true)
  fi
  if [ -z "$mirror" ]; then
    mirror=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v -- '-security' | sed -n 1p || true)
  fi
  mirror=${mirror:-http://deb.debian.org/debian}
  security=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -- '-security' | sed -n 1p || true)

  if [ "${FRESH:-0}" = 1 ] || [ ! -x "$clean_root/usr/bin/apt-get" ] || [ ! -f "$clean_root/.tandem-debootstrap-done" ]; then
    log "debootstrap --variant=minbase $suite $clean_root $mirror"
    rm -rf "$clean_root"
    debootstrap --variant=minbase "$suite" "$clean_root" "$mirror"
    touch "$clean_root/.tandem-debootstrap-done"
  fi

  # The same suites as a real bookworm system: packages are built against updated libraries.
  {
    echo "deb $mirror $suite main"
    echo "deb $mirror $suite-updates main"
    if [ -n "$security" ]; then echo "deb $security $suite-security main"; fi
  } >"$clean_root/etc/apt/sources.list"
  cp /etc/resolv.conf "$clean_root/etc/resolv.conf" 2>/dev/null || true

  clean_root_mounts=()
  trap clean_root_unmount EXIT
  for fs in proc sys dev dev/pts; do
    if ! mountpoint -q "$clean_root/$fs"; then
      mount --bind "/$fs" "$clean_root/$fs" && clean_root_mounts+=("$clean_root/$fs")
    fi
  done
}

clean_root_unmount() {
  local i
  for ((i = ${#clean_root_mounts[@]} - 1; i >= 0; i--)); do umount -l "${clean_root_mounts[i]}" 2>/dev/null || true; done
}

in_root() { chroot "$clean_root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
