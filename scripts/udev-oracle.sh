#!/bin/sh
# Fetch Debian's udev (systemd-udevd, udevadm, the rules and helpers) as an
# oracle for tests/oracle/udev_links.sh: downloaded with apt-get and
# extracted into a cache, never installed, so no udevd ever starts against
# the host's /dev.  Of the systemd package only the seat rules are taken
# (70-uaccess, 71-seat, 73-seat-late: Debian ships them there, not in udev).
# Does nothing when the cache already holds this version.
# usage: scripts/udev-oracle.sh   (HOTPLUG2_CACHE_DIR overrides /var/cache/hotplug2)
set -eu

PACKAGES="udev libsystemd-shared libudev1"
SEAT_RULES="70-uaccess.rules 71-seat.rules 73-seat-late.rules"
cache=${HOTPLUG2_CACHE_DIR:-/var/cache/hotplug2}/udev-oracle
dest=$cache/root

die() {
	echo "udev-oracle.sh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "run as root"
candidate() {
	apt-cache policy udev 2>/dev/null | awk '/Candidate:/ { print $2; exit }'
}
ver=$(candidate)
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	apt-get update -qq >/dev/null
	ver=$(candidate)
fi
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	[ -x "$dest/bin/udevadm" ] ||
		die "cannot resolve the udev package and have no cached copy"
	echo "udev-oracle.sh: cannot resolve udev; keeping the cached copy" >&2
	exit 0
fi
if [ -r "$cache/version" ] && [ "$(cat "$cache/version")" = "$ver" ] &&
    [ -x "$dest/bin/udevadm" ] && [ -r "$dest/lib/udev/hwdb.bin" ] &&
    [ -r "$dest/lib/udev/rules.d/71-seat.rules" ]; then
	exit 0
fi

echo "udev-oracle.sh: extracting $PACKAGES $ver into $dest" >&2
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/download.XXXXXX")
trap 'rm -rf "$tmp" "$dest.new"' EXIT
(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root $PACKAGES) ||
	die "unable to download $PACKAGES"
rm -rf "$dest.new"
mkdir "$dest.new"
for deb in "$tmp"/*.deb; do
	dpkg-deb -x "$deb" "$dest.new"
done
(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "systemd=$ver") ||
	die "unable to download systemd $ver (for its seat rules)"
mkdir "$tmp/systemd"
dpkg-deb -x "$tmp"/systemd_*.deb "$tmp/systemd"
for r in $SEAT_RULES; do
	cp "$tmp/systemd/lib/udev/rules.d/$r" "$dest.new/lib/udev/rules.d/$r" ||
		die "no $r in the systemd package"
done
# The package's postinst compiles the hardware database; so do we, into the
# extracted tree (udevd reads /lib/udev/hwdb.bin on Debian).
LD_LIBRARY_PATH=$dest.new/usr/lib/x86_64-linux-gnu/systemd:$dest.new/usr/lib/x86_64-linux-gnu \
    "$dest.new/bin/systemd-hwdb" --root "$dest.new" update --usr ||
	die "systemd-hwdb update failed"
[ -r "$dest.new/lib/udev/hwdb.bin" ] || die "systemd-hwdb wrote no lib/udev/hwdb.bin"
rm -rf "$dest"
mv "$dest.new" "$dest"
echo "$ver" >"$cache/version"
