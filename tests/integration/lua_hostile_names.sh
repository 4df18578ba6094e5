#!/bin/sh
# The daemon refuses DEVNAMEs with control characters or too many components in one log line naming the event, and prunes what a removed node leaves empty.
. "$SOURCE_DIR/tests/integration/lib.sh"

C="$SCRATCH/conf"
R="$SCRATCH/root"
mkdir -p "$R/etc" "$R/dev" "$C"
printf 'root:x:0:0::/:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
cp "$SOURCE_DIR/lua/defaults/30-nodes.lua" "$C/"
ev() {	# ACTION DEVNAME N [SEQNUM]: device xN, minor N
	printf '%s@/devices/virtual/misc/x%s\0ACTION=%s\0' "$1" "$3" "$1"
	printf 'DEVPATH=/devices/virtual/misc/x%s\0SUBSYSTEM=misc\0' "$3"
	printf 'MAJOR=10\0MINOR=%s\0DEVNAME=%s\0SEQNUM=%s\0' "$3" "$2" "${4:-$3}"
}
deep=$(i=0; while [ $i -lt 1100 ]; do printf 'd/'; i=$((i + 1)); done; printf x)
{
	ev add "$(printf 'tty\nhotplug2: forged line')" 1
	ev add "$(printf 'tty\033[2J')" 2
	ev add "$deep" 3
} >"$SCRATCH/rec"
"$HOTPLUG2" -f --root "$R" -c "$C" --replay "$SCRATCH/rec" 2>"$SCRATCH/err" ||
	true	# the exit status of a replay with failed handlers is not this test's
[ -z "$(ls -A "$R/dev")" ] || fail "something was made: $(ls -A "$R/dev")"
grep -q '^hotplug2: forged' "$SCRATCH/err" && fail "a DEVNAME forged a log line: $(cat "$SCRATCH/err")"
[ "$(grep -c 'refusing device name' "$SCRATCH/err")" = 3 ] ||
	fail "want 3 refusals: $(cat "$SCRATCH/err")"
grep 'refusing device name' "$SCRATCH/err" | grep -q 'tty\\nhotplug2: forged line" of add /devices/virtual/misc/x1: control character' ||
	fail "refusal does not show the name escaped and the event: $(cat "$SCRATCH/err")"
grep -q 'of add /devices/virtual/misc/x3: more than 16 components' "$SCRATCH/err" ||
	fail "deep name not refused by depth: $(cat "$SCRATCH/err")"
LC_ALL=C grep -q "$(printf '\033')" "$SCRATCH/err" && fail "an escape character reached the log"

# A removed node takes the directories it leaves empty, never /dev itself.
if [ "$(id -u)" = 0 ]; then
	{ ev add bus/usb/001/002 4; ev add bus/usb/002/001 5
	  ev remove bus/usb/001/002 4 6; ev remove bus/usb/002/001 5 7; } >"$SCRATCH/rec2"
	"$HOTPLUG2" -f --root "$R" -c "$C" --replay "$SCRATCH/rec2" 2>"$SCRATCH/err2" ||
		fail "replay exited $?: $(cat "$SCRATCH/err2")"
	[ -d "$R/dev" ] || fail "/dev itself was removed"
	[ -z "$(ls -A "$R/dev")" ] || fail "left behind: $(cd "$R/dev" && find .)"
fi
echo "ok: hostile DEVNAMEs refused in one escaped line each; removal prunes below /dev"
