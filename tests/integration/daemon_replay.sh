#!/bin/sh
# --replay: wire-format events from a file or stdin, in order, then exit.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"

mkdir -p "$SCRATCH/conf"
echo "log $SCRATCH/events" >"$SCRATCH/conf/record.conf"
ev() {	# ACTION DEVPATH SEQNUM: one event in wire format
	printf '%s@%s\0ACTION=%s\0DEVPATH=%s\0SUBSYSTEM=mem\0SEQNUM=%s\0' \
	    "$1" "$2" "$1" "$2" "$3"
}
{
	ev add /devices/virtual/mem/null 10
	ev add /devices/virtual/mem/zero 11
	# Out of order by one, as concurrent dnode processes may deliver.
	ev change /devices/virtual/mem/zero 13
	ev change /devices/virtual/mem/null 12
	printf 'add@no-slash\0ACTION=add\0'
	ev remove /devices/virtual/mem/null 14
} >"$SCRATCH/rec"
"$TESTD" -f -c "$SCRATCH/conf" --replay "$SCRATCH/rec" \
    2>"$SCRATCH/err" || fail "replay exited $?"
printf '%s\n' "10 add /devices/virtual/mem/null" \
    "11 add /devices/virtual/mem/zero" \
    "12 change /devices/virtual/mem/null" \
    "13 change /devices/virtual/mem/zero" \
    "14 remove /devices/virtual/mem/null" >"$SCRATCH/want"
cmp -s "$SCRATCH/want" "$SCRATCH/events" ||
	fail "replay order: $(cat "$SCRATCH/events")"
# The bad event starts after four good ones.
off=$({ ev add /devices/virtual/mem/null 10
	ev add /devices/virtual/mem/zero 11
	ev change /devices/virtual/mem/zero 13
	ev change /devices/virtual/mem/null 12; } | wc -c)
grep -q "skipping a bad event at byte $off:" "$SCRATCH/err" ||
	fail "bad event not reported at byte $off: $(cat "$SCRATCH/err")"

# From stdin.
: >"$SCRATCH/events"
"$TESTD" -f -c "$SCRATCH/conf" --replay - <"$SCRATCH/rec" 2>/dev/null ||
	fail "replay from stdin exited $?"
cmp -s "$SCRATCH/want" "$SCRATCH/events" || fail "replay from stdin"

# Usage errors exit 100.
rc=0; "$TESTD" -f --max-children 0 2>/dev/null || rc=$?
[ $rc = 100 ] || fail "bad --max-children exits $rc"
rc=0; "$TESTD" -f --replay x --coldplug 2>/dev/null || rc=$?
[ $rc = 100 ] || fail "--replay with --coldplug exits $rc"
rc=0; "$TESTD" -f -c "$SCRATCH/conf" --replay "$SCRATCH/nonexistent" \
    2>/dev/null || rc=$?
[ $rc = 1 ] || fail "missing replay file exits $rc"

# Every event of a file is handled and the replay ends, whatever the file's
# length: the end of file may be found on the last read of a batch (64
# events a batch: 63 events hit it), leaving the last event behind.
for count in 1 62 63 64 65 127 128 200; do
	i=0
	while [ $i -lt $count ]; do
		ev change /devices/virtual/mem/null $((100 + i))
		i=$((i + 1))
	done >"$SCRATCH/rec.$count"
	: >"$SCRATCH/events"
	rc=0
	timeout 20 "$TESTD" -f -c "$SCRATCH/conf" --replay "$SCRATCH/rec.$count" \
	    2>/dev/null || rc=$?
	[ $rc = 124 ] && fail "a replay of $count events never ended"
	[ $rc = 0 ] || fail "a replay of $count events exited $rc"
	[ "$(lines "$SCRATCH/events")" = "$count" ] ||
		fail "a replay of $count events handled $(lines "$SCRATCH/events")"
done
echo "ok: replays of 1 to 200 events end with every event handled"
