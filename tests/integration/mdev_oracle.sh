#!/bin/sh
# busybox mdev as the oracle for mdev_conf: the same mdev.conf through
# `busybox mdev -s` (tmpfs /dev in a private mount namespace) and through
# hotplug2 --coldplug --once under a scratch root must give the same
# nodes, links and commands; then the same hot events through busybox
# mdev as a helper and through hotplug2 --replay.  The differences
# docs/migration.md lists are left out of the comparison, nothing else.
. "$SOURCE_DIR/tests/integration/lib.sh"
need_root
need_uevent_netlink
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] && "$BUSYBOX" mdev --help 2>&1 | grep -q mdev ||
	skip "no busybox with mdev (Debian: busybox-static)"
command -v unshare >/dev/null || skip "no unshare"

S=$SCRATCH
# The recording stand-in: every command line, with what mdev documents in
# its environment.  The conf calls it in place of echo.
cat >"$S/rec" <<EOS
#!/bin/sh
echo "\$* MDEV=\$MDEV ACTION=\$ACTION SUBSYSTEM=\$SUBSYSTEM" >>"$S/cmds.log"
EOS
chmod 755 "$S/rec"
sed "s|echo |$S/rec |" "$SOURCE_DIR/tests/migration/every.mdev.conf" >"$S/mdev.conf"
mkdir -p "$S/etc" "$S/root/etc" "$S/conf"
cp /etc/passwd /etc/group "$S/etc/"
cp /etc/passwd /etc/group "$S/root/etc/"
cp "$S/mdev.conf" "$S/etc/mdev.conf"

# A listing both sides can be compared on: name, type, major:minor,
# mode, owner, group, link target.  mdev -s makes /dev/root for the
# root file system's device; hotplug2 does not (docs/migration.md).
tree() {
	(cd "$1" && find . -mindepth 1 ! -name root ! -name '.hotplug2*' | sort | while read -r f; do
		stat -c '%n %F %t:%T %a %U:%G' "$f" | sed 's/ character special file / c /; s/ block special file / b /; s/ symbolic link / l /; s/ directory / d /'
		[ -L "$f" ] && echo "$f -> $(readlink "$f")" || true
	done)
}

# --- busybox mdev -s ---
unshare -m sh -c "
	mount -t tmpfs -o mode=0755 none /dev && mount --bind '$S/etc' /etc &&
	'$BUSYBOX' mdev -s 2>'$S/bb.mdev.err'; cd /dev && find . -mindepth 1 ! -name root | sort | while read -r f; do
		stat -c '%n %F %t:%T %a %U:%G' \"\$f\"
		[ -L \"\$f\" ] && echo \"\$f -> \$(readlink \"\$f\")\" || true
	done" >"$S/bb.tree.raw" 2>>"$S/bb.err" || fail "busybox mdev -s: $(cat "$S/bb.err")"
sed 's/ character special file / c /; s/ block special file / b /; s/ symbolic link / l /; s/ directory / d /' \
	"$S/bb.tree.raw" >"$S/bb.tree"

# --- hotplug2 --coldplug --once ---
echo "mdev_conf \"$S/mdev.conf\"" >"$S/conf/50-mdev.lua"
mv "$S/cmds.log" "$S/bb.log" 2>/dev/null || : >"$S/bb.log"
timeout 60 "$HOTPLUG2" -f --root "$S/root" -c "$S/conf" \
	--coldplug --once 2>"$S/hp.err" || fail "hotplug2 --coldplug --once: $(tail -5 "$S/hp.err")"
tree "$S/root/dev" >"$S/hp.tree"
mv "$S/cmds.log" "$S/hp.log" 2>/dev/null || : >"$S/hp.log"

# Commands: mdev -s visits only devices with a dev file, and tells a
# command only ACTION, SUBSYSTEM and MDEV; compare those.
sort -u "$S/bb.log" >"$S/bb.cmds"
sort -u "$S/hp.log" >"$S/hp.cmds"

compare() {	# what, oracle file, hotplug2 file
	n=$(wc -l <"$2")
	same=$(comm -12 "$2" "$3" | wc -l)
	echo "$1: $n compared, $same matched"
	if [ "$n" != "$same" ] || [ "$(wc -l <"$3")" != "$n" ]; then
		diff "$2" "$3" | head -20 >&2
		return 1
	fi
}
status=0
grep -v ' l ' "$S/bb.tree" | grep -v ' -> ' >"$S/bb.nodes"
grep -v ' l ' "$S/hp.tree" | grep -v ' -> ' >"$S/hp.nodes"
grep ' -> ' "$S/bb.tree" >"$S/bb.links" || true
grep ' -> ' "$S/hp.tree" >"$S/hp.links" || true
[ "$(wc -l <"$S/bb.nodes")" -gt 20 ] || fail "busybox made only $(wc -l <"$S/bb.nodes") entries"
compare "coldplug nodes" "$S/bb.nodes" "$S/hp.nodes" || status=1
compare "coldplug links" "$S/bb.links" "$S/hp.links" || status=1
compare "coldplug commands" "$S/bb.cmds" "$S/hp.cmds" || status=1

# --- hot events: one recording, busybox mdev once per event, hotplug2 --replay ---
# Devices of this machine (mdev reads /sys/DEVPATH/dev) as add, change
# and remove events, in the wire format.
: >"$S/events"
: >"$S/empty"
: >"$S/events.env"
seq=1
for d in /sys/dev/char/* /sys/dev/block/*; do
	p=$(cd -P "$d" && pwd) || continue
	[ -f "$p/uevent" ] || continue
	sub=$(basename "$(readlink "$p/subsystem")")
	for action in add change remove; do
		{
			printf '%s@%s\0ACTION=%s\0DEVPATH=%s\0SUBSYSTEM=%s\0SEQNUM=%s\0' \
				"$action" "${p#/sys}" "$action" "${p#/sys}" "$sub" "$seq"
			tr '\n' '\0' <"$p/uevent"
		} >>"$S/events"
		{
			echo "ACTION=$action DEVPATH=${p#/sys} SUBSYSTEM=$sub SEQNUM=$seq"
			tr '\n' ' ' <"$p/uevent"; echo
		} >>"$S/events.env"
		seq=$((seq + 1))
	done
done
# busybox: one call per event, the event's variables its environment.
unshare -m sh -c "
	mount -t tmpfs -o mode=0755 none /dev && mount --bind '$S/etc' /etc &&
	while read -r head && read -r vars; do
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \$head \$vars '$BUSYBOX' mdev 2>>'$S/bb.mdev.err' <'$S/empty'
	done <'$S/events.env'
	cd /dev && find . -mindepth 1 ! -name root | sort | while read -r f; do
		stat -c '%n %F %t:%T %a %U:%G' \"\$f\"
		[ -L \"\$f\" ] && echo \"\$f -> \$(readlink \"\$f\")\" || true
	done" >"$S/bb-hot.raw" 2>>"$S/bb.err" || fail "busybox mdev (hot): $(cat "$S/bb.err")"
sed 's/ character special file / c /; s/ block special file / b /; s/ symbolic link / l /; s/ directory / d /' \
	"$S/bb-hot.raw" >"$S/bb-hot.tree"
mv "$S/cmds.log" "$S/bb-hot.log" 2>/dev/null || : >"$S/bb-hot.log"
rm -rf "$S/root/dev"
mkdir -p "$S/root/dev"
timeout 60 "$HOTPLUG2" -f --root "$S/root" -c "$S/conf" \
	--replay "$S/events" 2>"$S/hp-hot.err" || fail "hotplug2 --replay: $(tail -5 "$S/hp-hot.err")"
tree "$S/root/dev" >"$S/hp-hot.tree"
mv "$S/cmds.log" "$S/hp-hot.log" 2>/dev/null || : >"$S/hp-hot.log"
sort -u "$S/bb-hot.log" >"$S/bb-hot.cmds"
sort -u "$S/hp-hot.log" >"$S/hp-hot.cmds"
[ "$(wc -l <"$S/bb-hot.cmds")" -gt 5 ] || fail "busybox ran only $(wc -l <"$S/bb-hot.cmds") commands"
compare "hot-event tree after add, change, remove" "$S/bb-hot.tree" "$S/hp-hot.tree" || status=1
compare "hot-event commands" "$S/bb-hot.cmds" "$S/hp-hot.cmds" || status=1
[ $status = 0 ] || fail "hotplug2 and busybox mdev differ"
echo ok
