#!/bin/sh
# Debian's udev 252 extracted as a libudev client for the tests (udevadm, libudev1), never installed
# and never started as a daemon.  Idempotent: does nothing when the extraction is there.
# usage: scripts/udev-oracle.sh [DIR]     (default /var/cache/hotplug2/udev-oracle)
# Prints the root of the extraction; run udevadm as
#   LD_LIBRARY_PATH=$R/usr/lib/x86_64-linux-gnu/systemd:$R/usr/lib/x86_64-linux-gnu $R/bin/udevadm
set -eu
dir=${1:-/var/cache/hotplug2/udev-oracle}
root=$dir/root
if [ ! -x "$root/bin/udevadm" ]; then
	[ "$(id -u)" = 0 ] || { echo "udev-oracle.sh: run as root to fetch udev" >&2; exit 1; }
	mkdir -p "$dir/debs" "$root"
	(cd "$dir/debs" && apt-get download udev libsystemd-shared libudev1 >/dev/null 2>&1) || {
		apt-get update -qq >/dev/null
		(cd "$dir/debs" && apt-get download udev libsystemd-shared libudev1 >/dev/null)
	}
	for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
	[ -x "$root/bin/udevadm" ] || { echo "udev-oracle.sh: no udevadm in $root" >&2; exit 1; }
fi
echo "$root"
