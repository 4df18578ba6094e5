#!/bin/sh
# Debian's systemd-udevd as the oracle for the persistent names the default
# scripts make (issue 13): udevd with Debian's rules on this machine's
# devices, in private mount and network namespaces with a tmpfs /dev
# (tests/oracle/udev_lib.sh says how it is kept off the host), then
# hotplug2 --coldplug --once with lua/defaults under a scratch --root;
# every symlink both made under /dev must be the same, pointing at the same
# device, but for the patterns of tests/oracle/udev-differences.txt
# (docs/persistent-names.md).  Prints the comparison per directory.  Then
# the tags (tests/oracle/udev_tags.sh): udevd's database and hotplug2's,
# both printed by the oracle's udevadm info --export-db, must give every
# tagged device the same TAGS, CURRENT_TAGS, ID_FOR_SEAT, ID_SEAT and
# ID_PATH_TAG (the seat rules of systemd's package are among the oracle's).
#
# Needs the oracle that scripts/udev-oracle.sh extracts (scripts/deps.sh
# runs it as root).  Run it under the kernel lock (flock
# /tmp/hp2-kernel.lock): both coldplugs make the kernel announce every
# device to every listener.  UDEV_LINKS_OUT=FILE keeps udev's list.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/oracle/udev_lib.sh"
oracle=$SOURCE_DIR/tests/oracle
differences=$oracle/udev-differences.txt

# The comparator must be able to fail before its verdict counts.
sh "$oracle/udev_compare.sh" --self-check >"$SCRATCH/self-check" 2>&1 ||
	{ cat "$SCRATCH/self-check" >&2; fail "the comparator's self-check failed"; }
tail -n 1 "$SCRATCH/self-check"
sh "$oracle/udev_tags.sh" --self-check || fail "the tag comparator's self-check failed"

need_root
need_uevent_netlink
[ -x "$UDEV_ORACLE/bin/udevadm" ] && [ -r "$UDEV_ORACLE/lib/udev/hwdb.bin" ] ||
	skip "no udev oracle in $UDEV_ORACLE (scripts/udev-oracle.sh makes it)"
unshare -m -n sh -c 'mount -t tmpfs none /mnt' 2>/dev/null ||
	skip "cannot mount a tmpfs in private mount and network namespaces"
[ -d /usr/lib/udev ] && [ -d /lib/udev ] ||
	skip "no /usr/lib/udev and /lib/udev to bind the oracle's rules on (Debian: systemd)"
[ -r "$UDEV_ORACLE/lib/udev/rules.d/71-seat.rules" ] ||
	skip "the udev oracle has no seat rules; run scripts/udev-oracle.sh again"

# --- the oracle ---
udev_libdir "$SCRATCH/lib-udev" || fail "unable to copy the oracle's rules"
timeout -k 5 200 unshare -m -n sh -c '. "$1" && udev_host_run "$2"' sh \
    "$oracle/udev_lib.sh" "$SCRATCH" ||
	fail "the udev oracle failed: $(tail -n 20 "$SCRATCH/udevd.log" 2>/dev/null)"
n=$(wc -l <"$SCRATCH/udev.links")
[ "$n" -gt 0 ] || fail "udevd made no links: $(tail -n 20 "$SCRATCH/udevd.log")"
[ -z "${UDEV_LINKS_OUT:-}" ] || cp "$SCRATCH/udev.links" "$UDEV_LINKS_OUT"
echo "udev $(udevadm --version) with Debian's rules: $n links" \
    "(rules left out: $(echo $UDEV_DROPPED))"

# --- hotplug2 with the default scripts ---
mkdir -p "$SCRATCH/root/etc"
cp /etc/passwd /etc/group "$SCRATCH/root/etc/"
# No module is loaded on the host: a modprobe that does nothing.
printf '#!/bin/sh\nexit 0\n' >"$SCRATCH/modprobe"
chmod 755 "$SCRATCH/modprobe"
# The scripts read sysfs under the root (ROOT/sys): the machine's, bound there
# in a mount namespace of its own.
mkdir -p "$SCRATCH/root/sys"
timeout 60 unshare -m sh -c 'mount --bind /sys "$1/sys" && shift && exec "$@"' sh \
    "$SCRATCH/root" "$HOTPLUG2" -f --root "$SCRATCH/root" -c "$SOURCE_DIR/lua/defaults" \
    --modprobe "$SCRATCH/modprobe" --coldplug --once 2>"$SCRATCH/hotplug2.err" ||
	fail "hotplug2 --coldplug --once: $(tail -n 5 "$SCRATCH/hotplug2.err")"
udev_record "$SCRATCH/root/dev" >"$SCRATCH/hotplug2.links"
echo "hotplug2 with lua/defaults: $(wc -l <"$SCRATCH/hotplug2.links") links"

# --- the comparison ---
sh "$oracle/udev_compare.sh" "$SCRATCH/udev.links" "$SCRATCH/hotplug2.links" \
    "$differences" 2>&1 ||
	fail "hotplug2's default scripts and udev make different links"

# --- the tags: hotplug2's database read by the oracle's udevadm ---
[ -d "$SCRATCH/root/run/udev/data" ] || fail "hotplug2 wrote no database under ROOT/run/udev"
timeout 60 unshare -m sh -c '. "$1" && mount -t tmpfs none /run && mkdir /run/udev &&
    mount --bind "$2" /run/udev && udevadm info --export-db' sh \
    "$oracle/udev_lib.sh" "$SCRATCH/root/run/udev" >"$SCRATCH/hotplug2.db" ||
	fail "udevadm info --export-db on hotplug2's database failed"
sh "$oracle/udev_tags.sh" "$SCRATCH/udev.db" "$SCRATCH/hotplug2.db" ||
	fail "hotplug2's default scripts and udev tag devices differently"
echo ok
