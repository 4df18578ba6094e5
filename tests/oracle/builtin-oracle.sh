#!/bin/sh
# Ask udev 252's own builtin about a fake sysfs tree: the answers the builtin specs hold.
# usage: tests/oracle/builtin-oracle.sh BUILTIN TREE.lua [sysfs|laptop [BUILD_DIR]]   (root; prints, asserts nothing)
#
# The tree (tests/lua/trees/*.lua) is laid by hotplug2.testing, bind-mounted over /sys in a private
# mount namespace, and `udevadm test-builtin BUILTIN` runs on each of its queries.  udevadm is
# Debian's, extracted (never installed) under $UDEV_ORACLE (default /var/cache/hotplug2/udev-oracle/root).
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILTIN=$1
TREE=$2
WHICH=${3:-sysfs}
BUILD=${4:-$SRC/build}
R=${UDEV_ORACLE:-/var/cache/hotplug2/udev-oracle/root}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
LUA_PATH="$SRC/lua/?.lua;$BUILD/lua/?.lua;;" LUA_CPATH="$BUILD/lua/?.so;;" \
    lua5.1 "$SRC/tests/oracle/lay-tree.lua" "$TREE" "$SCRATCH" "$WHICH" >"$SCRATCH/queries"
export LD_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu/systemd:$R/usr/lib/x86_64-linux-gnu"
# sd-device refuses a /sys that is no sysfs unless told.
export SYSTEMD_DEVICE_VERIFY_SYSFS=0
unshare -m sh -c '
	mount --make-rprivate / && mount --bind "$1/sys" /sys && mount -t tmpfs none /run
	while read -r q; do
		echo "== $q"
		"$2/bin/udevadm" test-builtin "$3" "/sys$q" 2>/dev/null | grep "=" || true
	done <"$1/queries"' oracle "$SCRATCH" "$R" "$BUILTIN"
