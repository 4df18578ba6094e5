#!/bin/sh
# Benchmark: events per second through the script layer alone (script.c, hotplug2.core, lua/): the default scripts, without their persistent names, and an empty directory.
# usage: tests/bench/lua-layer.sh [BUILD_DIR [REPEAT [MODULES_ALIAS]]]   (prints figures, asserts nothing)
#
# script_replay turns every uevent file under /sys/devices into an "add"
# event (with SUBSYSTEM from the subsystem link, as the kernel adds it) and
# hands them to script_handle REPEAT times, in process: no netlink, no
# queue, no daemon.  "first pass" creates every node in a fresh root on a
# tmpfs (like /dev); "repeat" is the burst case, where the nodes exist and
# are right, so the layer's own cost shows.  modprobe is /bin/true; the
# alias index is a real 26k-pattern modules.alias when one is given or
# found.  CPU is the process's own CPU time; "Lua memory" is what the Lua
# allocator holds at the end.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build}
REPEAT=${2:-200}
ALIAS=${3:-}
if [ -z "$ALIAS" ]; then
	for f in /lib/modules/"$(uname -r)"/modules.alias \
	    /var/cache/hotplug2/kmod-oracle/root/lib/modules/*/modules.alias; do
		[ -f "$f" ] && ALIAS=$f && break
	done
fi
SCRATCH=$(mktemp -d)
trap 'umount "$SCRATCH/root/sys" 2>/dev/null || true; umount "$SCRATCH/root" 2>/dev/null || true
rm -rf --one-file-system "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/root" "$SCRATCH/empty" "$SCRATCH/base"
if [ "$(id -u)" = 0 ]; then
	mount -t tmpfs -o mode=755 hp2bench "$SCRATCH/root"
fi
# The default scripts without the persistent names (lua/defaults/6* and 7*):
# what those names cost is the difference.
for f in "$SRC"/lua/defaults/*.lua; do
	case ${f##*/} in [67]*) ;; *) cp "$f" "$SCRATCH/base/" ;; esac
done

# A fresh root; as root, with the machine's sysfs bound at ROOT/sys, where
# the scripts read it (without it the persistent names read nothing).
fresh() {
	umount "$SCRATCH/root/sys" 2>/dev/null || true
	rm -rf --one-file-system "${SCRATCH:?}/root/"*
	mkdir -p "$SCRATCH/root/etc" "$SCRATCH/root/sys"
	cp /etc/group /etc/passwd "$SCRATCH/root/etc/"
	if [ "$(id -u)" = 0 ]; then
		mount --bind /sys "$SCRATCH/root/sys"
	fi
}

run() {	# run CONFIG_DIR REPEAT [UDEV_MODE]: udev's database by default, as under --root
	"$BUILD/script_replay" --root "$SCRATCH/root" --config-dir "$1" \
	    --alias-file "${ALIAS}" --modprobe /bin/true --bench --repeat "$2" \
	    --udev "${3:-auto}" 2>/dev/null
}

echo "alias index: ${ALIAS:-none} ($( [ -n "$ALIAS" ] && wc -l <"$ALIAS" || echo 0) lines)"
echo "root: $(stat -f -c %T "$SCRATCH/root")"
fresh
printf 'default scripts, first pass: '; run "$SRC/lua/defaults" 1
printf 'default scripts, repeat:     '; run "$SRC/lua/defaults" "$REPEAT"
fresh
printf 'without persistent names, first pass: '; run "$SCRATCH/base" 1
printf 'without persistent names, repeat:     '; run "$SCRATCH/base" "$REPEAT"
fresh
printf 'empty directory, repeat:     '; run "$SCRATCH/empty" "$REPEAT"
# udev compatibility's share (docs/udev-compat.md): the same runs without
# the database, and with the broadcast too (group 2 needs root).
fresh
printf 'default scripts, repeat, --no-udev:  '; run "$SRC/lua/defaults" "$REPEAT" off
fresh
printf 'empty directory, repeat, --no-udev:  '; run "$SCRATCH/empty" "$REPEAT" off
# In a network namespace of its own, so that no libudev client on the host
# hears the benchmark's events.
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
	fresh
	printf 'default scripts, repeat, --udev:     '
	unshare -n "$BUILD/script_replay" --root "$SCRATCH/root" --config-dir "$SRC/lua/defaults" \
	    --alias-file "${ALIAS}" --modprobe /bin/true --bench --repeat "$REPEAT" \
	    --udev on 2>/dev/null
fi
