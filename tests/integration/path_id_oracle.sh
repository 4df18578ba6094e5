#!/bin/sh
# udev 252's own path_id as the oracle for hotplug2's (lua/hotplug2/path_id.lua): on every device
# of this machine's /sys, of the laptop fixture and of the fake storage trees
# (tests/lua/storage_trees.lua), `udevadm test-builtin path_id` and the Lua builtin must print
# the same properties.  udevadm is Debian's, extracted and never installed, under $UDEV_ORACLE
# (default /var/cache/hotplug2/udev-oracle/root); a fake tree is bind-mounted on /sys in a
# private mount namespace.  Reads sysfs only: no uevent is sent.
. "$SOURCE_DIR/tests/integration/lib.sh"
need_root
R=${UDEV_ORACLE:-/var/cache/hotplug2/udev-oracle/root}
[ -x "$R/bin/udevadm" ] || skip "no udev oracle under $R"
unshare -m true 2>/dev/null || skip "cannot make a private mount namespace"
export LD_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu/systemd:$R/usr/lib/x86_64-linux-gnu"
# sd-device refuses a /sys that is no sysfs unless told.
export SYSTEMD_DEVICE_VERIFY_SYSFS=0

# hotplug2's answers for ROOT and the DEVPATHs in FILE, in udevadm's format.
ours() {
	HOTPLUG2_SOURCE_DIR=$SOURCE_DIR LUA_PATH="$SOURCE_DIR/lua/?.lua;$BUILD_DIR/lua/?.lua;;" \
	    LUA_CPATH="$BUILD_DIR/lua/?.so;;" lua5.1 - "$1" "$2" <<'EOL'
local core = require "hotplug2.core"
core.set_root(arg[1])
local b = require("hotplug2.builtins").new(core)
for dp in io.lines(arg[2]) do
	print("== /sys" .. dp)
	for _, kv in ipairs(b.run("path_id", { DEVPATH = dp })) do print(kv[1] .. "=" .. kv[2]) end
end
EOL
}

# udev's, with ROOT/sys on /sys (or the real /sys for /).
theirs() {
	unshare -m sh -c '
		[ "$1" = / ] || { mount --make-rprivate / && mount --bind "$1/sys" /sys; }
		mount -t tmpfs none /run
		while read -r dp; do
			echo "== /sys$dp"
			"$2/bin/udevadm" test-builtin path_id "/sys$dp" 2>/dev/null | grep "=" || true
		done <"$3"' oracle "$1" "$R" "$2"
}

compare() {
	what=$1 root=$2
	(cd "$root/sys" && find devices -name uevent | sed 's|^|/|; s|/uevent$||' | sort) >"$SCRATCH/devs"
	n=$(wc -l <"$SCRATCH/devs")
	[ "$n" -gt 0 ] || fail "$what: no devices under $root/sys"
	ours "$root" "$SCRATCH/devs" >"$SCRATCH/ours" || fail "$what: the Lua builtin failed"
	theirs "$root" "$SCRATCH/devs" >"$SCRATCH/theirs"
	diff -u "$SCRATCH/theirs" "$SCRATCH/ours" || fail "$what: path_id differs from udev's"
	echo "$what: $n devices, $(grep -c '^ID_PATH=' "$SCRATCH/ours") with a path, all as udev's"
}

compare "this machine" /
mkdir "$SCRATCH/laptop" "$SCRATCH/trees"
tar -xJf "$SOURCE_DIR/tests/fixtures/sysfs-laptop.tar.xz" -C "$SCRATCH/laptop"
compare "laptop fixture" "$SCRATCH/laptop"
echo 'dofile(arg[1] .. "/tests/lua/storage_trees.lua").build(arg[2])' |
    HOTPLUG2_SOURCE_DIR=$SOURCE_DIR lua5.1 - "$SOURCE_DIR" "$SCRATCH/trees"
compare "storage trees" "$SCRATCH/trees"
