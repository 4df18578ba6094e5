#!/bin/sh
# Links owned per device survive a restart of the daemon: two adapters claim
# one link (the higher priority holds it); the daemon stops; a new one,
# replaying the unplug of the holder, gives the link back to the other from
# the records under ROOT/run/hotplug2/links, and the last unplug removes it.
. "$SOURCE_DIR/tests/integration/lib.sh"

C=$SCRATCH/conf
ROOT=$SCRATCH/root
mkdir -p "$C" "$ROOT"
cat >"$C/60-serial.lua" <<'EOC'
on({ ACTION = "add", SUBSYSTEM = "tty" }, function(ev)
	make_link(ev, "serial/by-id/usb-same", { priority = tonumber(ev.PRIO) })
	make_link(ev, "serial/by-path/" .. ev.DEVNAME)
end)
EOC
ev() {	# ACTION N SEQNUM [VAR=VALUE]: ttyUSBN's event in wire format
	d=/devices/pci0000:00/0000:00:1d.0/usb2/2-$2/2-$2:1.0/ttyUSB$2/tty/ttyUSB$2
	printf '%s@%s\0ACTION=%s\0DEVPATH=%s\0SUBSYSTEM=tty\0DEVNAME=ttyUSB%s\0' \
	    "$1" "$d" "$1" "$d" "$2"
	printf 'MAJOR=188\0MINOR=%s\0SEQNUM=%s\0%s\0' "$2" "$3" "${4:-PRIO=0}"
}
replay() {	# NAME: one daemon run over $SCRATCH/NAME, then it exits
	rc=0
	timeout 20 "$HOTPLUG2" -f -v -c "$C" --root "$ROOT" \
	    --replay "$SCRATCH/$1" 2>"$SCRATCH/$1.err" || rc=$?
	[ $rc = 0 ] || fail "replay of $1 exited $rc: $(cat "$SCRATCH/$1.err")"
}
link() {	# NAME: the target of ROOT/dev/NAME, or "none"
	readlink "$ROOT/dev/$1" || echo none
}

{ ev add 0 10 PRIO=5; ev add 1 11 PRIO=0; } >"$SCRATCH/plug"
replay plug
[ "$(link serial/by-id/usb-same)" = ../../ttyUSB0 ] ||
	fail "priority 5 does not hold the link: $(link serial/by-id/usb-same)"
[ "$(link serial/by-path/ttyUSB1)" = ../../ttyUSB1 ] || fail "no by-path link"
grep -q "symlink /dev/serial/by-id/usb-same -> ../../ttyUSB0 (.*60-serial.lua:2)" \
    "$SCRATCH/plug.err" || fail "-v does not log the link: $(cat "$SCRATCH/plug.err")"
[ -d "$ROOT/run/hotplug2/links" ] || fail "no records under $ROOT/run/hotplug2/links"
echo "ok: the higher priority holds the link; records under run/hotplug2/links"

# A new daemon: only the records remember who claimed what.
ev remove 0 12 >"$SCRATCH/unplug0"
replay unplug0
[ "$(link serial/by-id/usb-same)" = ../../ttyUSB1 ] ||
	fail "after a restart the other adapter did not get the link back: $(link serial/by-id/usb-same)"
[ "$(link serial/by-path/ttyUSB0)" = none ] || fail "ttyUSB0's own link outlived it"
[ "$(link serial/by-path/ttyUSB1)" = ../../ttyUSB1 ] || fail "ttyUSB1's own link went with ttyUSB0"
echo "ok: after a restart the unplug of the holder gives the link to the other"

ev remove 1 13 >"$SCRATCH/unplug1"
replay unplug1
[ "$(link serial/by-id/usb-same)" = none ] || fail "the last unplug left the link"
# udev's database (run/udev, docs/udev-compat.md) keeps its directories.
left=$(cd "$ROOT" && find dev run -mindepth 1 ! \( -type d -path "run/udev*" \))
[ -z "$left" ] || fail "left behind: $left"
echo "ok: the last unplug removes the link, its directories and every record"

# A link made by hand, without a record, is never removed.
mkdir -p "$ROOT/dev/serial/by-path"
ln -s ../../ttyUSB0 "$ROOT/dev/serial/by-path/ttyUSB0"
ev remove 0 14 >"$SCRATCH/unplug2"
replay unplug2
[ "$(link serial/by-path/ttyUSB0)" = ../../ttyUSB0 ] ||
	fail "a link hotplug2 did not make was removed"
echo "ok: a link without a record is left alone"
