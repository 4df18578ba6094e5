#!/bin/sh
# udev's database under --root: written under ROOT/run/udev without --udev, nothing broadcast
# (no ROOT/run/udev/control), entries and tag files gone on remove; --no-udev writes nothing.
. "$SOURCE_DIR/tests/integration/lib.sh"

C=$SCRATCH/conf
mkdir -p "$C"
cat >"$C/10-udev.lua" <<'EOC'
on({ DEVPATH = "/devices/virtual/mem/null" }, function(ev)
	setenv(ev, "HP2_TEST", ev.ACTION)
	tag(ev, "uaccess")
end)
EOC
add() {
	printf 'add@/devices/virtual/mem/null\0ACTION=add\0DEVPATH=/devices/virtual/mem/null\0'
	printf 'SUBSYSTEM=mem\0MAJOR=1\0MINOR=3\0DEVNAME=null\0SEQNUM=%s\0' "$1"
}
remove() {
	printf 'remove@/devices/virtual/mem/null\0ACTION=remove\0DEVPATH=/devices/virtual/mem/null\0'
	printf 'SUBSYSTEM=mem\0MAJOR=1\0MINOR=3\0DEVNAME=null\0SEQNUM=%s\0' "$1"
}
run() {	# run ROOT RECORDING [options]
	root=$1 rec=$2; shift 2
	mkdir -p "$root"
	"$HOTPLUG2" -f -c "$C" --root "$root" --replay "$rec" "$@" 2>>"$SCRATCH/err" ||
		fail "hotplug2 failed: $(cat "$SCRATCH/err")"
}

add 1 >"$SCRATCH/add"
run "$SCRATCH/r1" "$SCRATCH/add"
db=$SCRATCH/r1/run/udev
[ -f "$db/data/c1:3" ] || fail "no database entry run/udev/data/c1:3"
grep -qx "E:HP2_TEST=add" "$db/data/c1:3" || fail "no E:HP2_TEST line: $(cat "$db/data/c1:3")"
grep -qx "G:uaccess" "$db/data/c1:3" || fail "no G:uaccess line"
grep -qx "V:1" "$db/data/c1:3" || fail "no V:1 line"
grep -q "^I:[1-9][0-9]*$" "$db/data/c1:3" || fail "no I: line"
grep -q "^E:MAJOR" "$db/data/c1:3" && fail "a kernel property in the entry"
[ -f "$db/tags/uaccess/c1:3" ] || fail "no tag file run/udev/tags/uaccess/c1:3"
[ -e "$db/control" ] && fail "run/udev/control under --root without --udev"
first=$(grep "^I:" "$db/data/c1:3")

{ add 2; remove 3; } >"$SCRATCH/add-remove"
run "$SCRATCH/r1" "$SCRATCH/add-remove"
[ -e "$db/data/c1:3" ] && fail "the entry outlived the remove event"
[ -e "$db/tags/uaccess/c1:3" ] && fail "the tag file outlived the remove event"

# A change keeps the time of the first handling, read back by a new daemon.
add 4 >"$SCRATCH/add4"
run "$SCRATCH/r2" "$SCRATCH/add4"
first=$(grep "^I:" "$SCRATCH/r2/run/udev/data/c1:3")
sleep 0.01
printf 'change@/devices/virtual/mem/null\0ACTION=change\0DEVPATH=/devices/virtual/mem/null\0SUBSYSTEM=mem\0MAJOR=1\0MINOR=3\0SEQNUM=5\0' \
    >"$SCRATCH/change"
run "$SCRATCH/r2" "$SCRATCH/change"
[ "$(grep "^I:" "$SCRATCH/r2/run/udev/data/c1:3")" = "$first" ] ||
	fail "a change moved the initialization time"

run "$SCRATCH/r3" "$SCRATCH/add" --no-udev
[ -e "$SCRATCH/r3/run" ] && fail "--no-udev wrote $(find "$SCRATCH/r3/run")"
echo "PASS: database entries, tag files and their removal under --root; --no-udev writes nothing"
