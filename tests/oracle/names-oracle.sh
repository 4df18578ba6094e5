#!/bin/sh
# Ask udev 252 which names and input properties Debian's rules give the devices of a fake sysfs tree:
# the answers the default scripts' specs hold.
# usage: tests/oracle/names-oracle.sh TREE.lua [sysfs|laptop [BUILD_DIR]]   (root; prints, asserts nothing)
#
# As builtin-oracle.sh, but `udevadm test` runs all of Debian's rules on each query (in a private
# mount namespace with tmpfs /dev and /run, the oracle's /lib/udev and /etc/udev bound in place).
# For each device it prints its links (LINK=/dev/..., sorted) and the ID_INPUT*, ID_BUS, ID_SERIAL,
# ID_PATH and SOUND_* properties udev set; for the tree's change_queries, udev's "change" event and all
# its ID_* and SOUND_* properties but the hwdb's (*_FROM_DATABASE).
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
TREE=$1
WHICH=${2:-sysfs}
BUILD=${3:-$SRC/build}
R=${UDEV_ORACLE:-/var/cache/hotplug2/udev-oracle/root}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
LUA_PATH="$SRC/lua/?.lua;$BUILD/lua/?.lua;;" LUA_CPATH="$BUILD/lua/?.so;;" \
    lua5.1 "$SRC/tests/oracle/lay-tree.lua" "$TREE" "$SCRATCH" "$WHICH" >"$SCRATCH/queries"
export LD_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu/systemd:$R/usr/lib/x86_64-linux-gnu"
# sd-device refuses a /sys that is no sysfs unless told.
export SYSTEMD_DEVICE_VERIFY_SYSFS=0
unshare -m sh -c '
	mount --make-rprivate / && mount --bind "$1/sys" /sys
	mount -t tmpfs none /run && mount -t tmpfs none /dev
	mkdir -p /lib/udev /etc/udev
	mount --bind "$2/lib/udev" /lib/udev && mount --bind "$2/etc/udev" /etc/udev
	while read -r q; do
		case $q in
		"change "*)
			# A change event: every ID_ and SOUND_ property but the hwdb'"'"'s.
			echo "== $q"
			"$2/bin/udevadm" test --action=change "/sys${q#change }" 2>/dev/null >"$1/out" || true
			sed -n "/^DEVPATH=/,\$p" "$1/out" | grep -E "^(ID_|SOUND_)" |
			    grep -v "_FROM_DATABASE=" | sort || true
			continue ;;
		esac
		echo "== $q"
		"$2/bin/udevadm" test "/sys$q" 2>/dev/null >"$1/out" || true
		sed -n "s/^DEVLINKS=//p" "$1/out" | tr " " "\n" | grep . | sort | sed "s/^/LINK=/"
		grep -E "^(ID_INPUT[A-Z_]*|ID_BUS|ID_SERIAL|ID_PATH|SOUND_[A-Z_]*|ID_ID)=" "$1/out" | sort || true
	done <"$1/queries"' oracle "$SCRATCH" "$R"
