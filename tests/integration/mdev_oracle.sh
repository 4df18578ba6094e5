#!/bin/sh
# busybox mdev as the oracle for mdev_conf: the same mdev.conf through
# `busybox mdev -s` (tmpfs /dev in a private mount namespace) and through
# hotplug2 --coldplug --once under a scratch root must give the same
# nodes, links and commands; then the same hot events through busybox
# mdev as a helper and through hotplug2 --replay.  The differences
# docs/migration.md lists are left out of the comparison, nothing else.
# Run it under the kernel lock (flock /tmp/hp2-kernel.lock): coldplug
# makes the kernel announce every device.
. "$SOURCE_DIR/tests/integration/lib.sh"
need_root
need_uevent_netlink
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] && "$BUSYBOX" mdev --help 2>&1 | grep -q mdev ||
	skip "no busybox with mdev (Debian: busybox-static)"
unshare -m sh -c 'mount -t tmpfs none /mnt' 2>/dev/null ||
	skip "cannot mount a tmpfs in a private mount namespace"

S=$SCRATCH
# The recording stand-in: every command line, with what mdev documents in
# its environment, then " | " and the whole environment but for what the
# shell and hotplug2's PATH and HOME add.  The conf calls it in place of
# echo.
cat >"$S/rec" <<EOS
#!/bin/sh
all=\$(env | grep -Ev '^(PWD|OLDPWD|SHLVL|_|PATH|HOME)=' | sort | tr '\n' ' ')
echo "\$* MDEV=\$MDEV ACTION=\$ACTION SUBSYSTEM=\$SUBSYSTEM | \$all" >>"$S/cmds.log"
EOS
# A listing both sides can be compared on: name, type, major:minor
# (hex), mode, owner:group, and a link's target.  mdev -s makes /dev/root
# for the root file system's device; hotplug2 does not (docs/migration.md).
cat >"$S/dump" <<'EOS'
#!/bin/sh
cd "$1" && find . -mindepth 1 ! -name root ! -name '.hotplug2*' | sort | while read -r f; do
	stat -c '%n %F %t:%T %a %U:%G' "$f"
	if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; fi
done | sed 's/ character special file / c /; s/ block special file / b /; s/ symbolic link / l /; s/ directory / d /'
EOS
chmod 755 "$S/rec" "$S/dump"
sed "s|echo |$S/rec |" "$SOURCE_DIR/tests/migration/every.mdev.conf" >"$S/mdev.conf"
mkdir -p "$S/etc" "$S/root/etc" "$S/conf"
cp /etc/passwd /etc/group "$S/etc/"
cp /etc/passwd /etc/group "$S/root/etc/"
cp "$S/mdev.conf" "$S/etc/mdev.conf"
echo "mdev_conf \"$S/mdev.conf\"" >"$S/conf/50-mdev.lua"
: >"$S/empty"

taken() {	# FILE [short]: move the commands recorded so far to FILE, sorted; short: without the environment
	if [ "${2:-}" = short ]; then
		sed 's/ | .*//' "$S/cmds.log" 2>/dev/null | sort -u >"$1"
	else
		sort -u "$S/cmds.log" >"$1" 2>/dev/null || : >"$1"
	fi
	rm -f "$S/cmds.log"
}

status=0
compare() {	# what, oracle file, hotplug2 file
	n=$(wc -l <"$2")
	same=$(comm -12 "$2" "$3" | wc -l)
	echo "$1: $n compared, $same matched"
	if [ "$n" != "$same" ] || [ "$(wc -l <"$3")" != "$n" ]; then
		diff "$2" "$3" | head -20 >&2
		status=1
	fi
}
compare_tree() {	# what, oracle tree, hotplug2 tree [held]
	# held: after every device was removed.  Then hotplug2 has removed
	# every link too (a link belongs to the device that made it), while
	# busybox keeps those the line matching the removal does not name:
	# none of busybox's is compared, and hotplug2 must have none left.
	for f in "$2" "$3"; do
		grep -E '^[^ ]+ [cb] ' "$f" >"$f.nodes" || true
		grep ' -> ' "$f" >"$f.links" || true
		grep -E '^[^ ]+ d ' "$f" >"$f.dirs" || true
		# held: only directories that still hold a node or link, as
		# remove_node may take away those a removal leaves empty.
		if [ "${4:-}" = held ]; then
			while read -r d _; do
				grep -q "^${d}/[^ ]* [^d] " "$f" && echo "$d"
			done <"$f.dirs" | sort >"$f.held" || true
			awk 'NR==FNR { keep[$1] = 1; next } keep[$1]' "$f.held" "$f.dirs" >"$f.kept"
			mv "$f.kept" "$f.dirs"
		fi
	done
	if [ "${4:-}" = held ]; then
		echo "$1 links: $(wc -l <"$2.links") kept by busybox after their device went, not compared"
		: >"$2.links"
	fi
	compare "$1 nodes" "$2.nodes" "$3.nodes"
	compare "$1 links" "$2.links" "$3.links"
	compare "$1 directories" "$2.dirs" "$3.dirs"
}

# --- coldplug: busybox mdev -s, hotplug2 --coldplug --once ---
unshare -m sh -c "
	mount -t tmpfs -o mode=0755 none /dev && mount --bind '$S/etc' /etc &&
	'$BUSYBOX' mdev -s 2>'$S/bb.mdev.err' <'$S/empty'
	'$S/dump' /dev" >"$S/bb.tree" 2>"$S/bb.err" || fail "busybox mdev -s: $(cat "$S/bb.err")"
taken "$S/bb.cmds" short
[ "$(wc -l <"$S/bb.tree")" -gt 20 ] || fail "busybox made only $(wc -l <"$S/bb.tree") entries"
timeout 60 "$HOTPLUG2" -f --root "$S/root" -c "$S/conf" --coldplug --once 2>"$S/hp.err" ||
	fail "hotplug2 --coldplug --once: $(tail -5 "$S/hp.err")"
"$S/dump" "$S/root/dev" >"$S/hp.tree"
taken "$S/hp.cmds" short
# mdev -s visits only devices with a dev file and tells a command only
# ACTION, SUBSYSTEM and MDEV: compare those.
compare_tree "coldplug" "$S/bb.tree" "$S/hp.tree"
compare "coldplug commands" "$S/bb.cmds" "$S/hp.cmds"

# --- hot events: one recording, busybox mdev once per event, hotplug2 --replay ---
# This machine's devices (mdev reads /sys/DEVPATH/dev): all added, then
# all changed and removed, in the wire format and as environments.
seq=1
for phase in 1 2; do : >"$S/events.$phase"; : >"$S/env.$phase"; done
for d in /sys/dev/char/* /sys/dev/block/*; do
	p=$(cd -P "$d" && pwd) || continue
	[ -f "$p/uevent" ] || continue
	sub=$(basename "$(readlink "$p/subsystem")")
	for action in add change remove; do
		phase=2
		[ "$action" = add ] && phase=1
		{
			printf '%s@%s\0ACTION=%s\0DEVPATH=%s\0SUBSYSTEM=%s\0SEQNUM=%s\0' \
				"$action" "${p#/sys}" "$action" "${p#/sys}" "$sub" "$seq"
			tr '\n' '\0' <"$p/uevent"
		} >>"$S/events.$phase"
		{
			echo "ACTION=$action DEVPATH=${p#/sys} SUBSYSTEM=$sub SEQNUM=$seq"
			tr '\n' ' ' <"$p/uevent"; echo
		} >>"$S/env.$phase"
		seq=$((seq + 1))
	done
done
# busybox: one call per event, the event's variables its environment.
unshare -m sh -c "
	mount -t tmpfs -o mode=0755 none /dev && mount --bind '$S/etc' /etc &&
	for phase in 1 2; do
		while read -r head && read -r vars; do
			env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \$head \$vars '$BUSYBOX' mdev \
				2>>'$S/bb.mdev.err' <'$S/empty'
		done <'$S/env.'\$phase
		'$S/dump' /dev >'$S/bb-hot.tree.'\$phase
		sort -u '$S/cmds.log' >'$S/bb-hot.cmds.'\$phase 2>/dev/null || : >'$S/bb-hot.cmds.'\$phase
		rm -f '$S/cmds.log'
	done" 2>>"$S/bb.err" || fail "busybox mdev (hot): $(cat "$S/bb.err")"
rm -rf "$S/root/dev"
mkdir -p "$S/root/dev"
for phase in 1 2; do
	timeout 60 "$HOTPLUG2" -f --root "$S/root" -c "$S/conf" --replay "$S/events.$phase" \
		2>>"$S/hp-hot.err" || fail "hotplug2 --replay: $(tail -5 "$S/hp-hot.err")"
	"$S/dump" "$S/root/dev" >"$S/hp-hot.tree.$phase"
	taken "$S/hp-hot.cmds.$phase"
done
[ "$(wc -l <"$S/bb-hot.cmds.2")" -gt 5 ] || fail "busybox ran only $(wc -l <"$S/bb-hot.cmds.2") commands"
compare_tree "hot add" "$S/bb-hot.tree.1" "$S/hp-hot.tree.1"
compare "hot add commands with their environments" "$S/bb-hot.cmds.1" "$S/hp-hot.cmds.1"
compare_tree "hot change+remove" "$S/bb-hot.tree.2" "$S/hp-hot.tree.2" held
compare "hot change+remove commands with their environments" "$S/bb-hot.cmds.2" "$S/hp-hot.cmds.2"
[ $status = 0 ] || fail "hotplug2 and busybox mdev differ"
echo ok
