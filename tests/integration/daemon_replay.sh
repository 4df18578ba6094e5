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
# A refused event is skipped, the others handled, and the exit status says
# that not every event was.
rc=0
timeout 20 "$TESTD" -f -c "$SCRATCH/conf" --replay "$SCRATCH/rec" \
    2>"$SCRATCH/err" || rc=$?
[ $rc = 1 ] || fail "a replay with a refused event exited $rc, want 1"
grep -q "replay: 1 event refused" "$SCRATCH/err" ||
	fail "the refusal is not counted: $(cat "$SCRATCH/err")"
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
rc=0
timeout 20 "$TESTD" -f -c "$SCRATCH/conf" --replay - <"$SCRATCH/rec" \
    2>/dev/null || rc=$?
[ $rc = 1 ] || fail "replay from stdin exited $rc, want 1"
cmp -s "$SCRATCH/want" "$SCRATCH/events" || fail "replay from stdin"

# A newline or a NUL between events is allowed (hotplug2(8)), before the
# first, between any two and after the last; none is an error.
for sep in nl nul nlnl nulnl; do
	case $sep in
	nl) s='\n' ;; nul) s='\0' ;; nlnl) s='\n\n' ;; nulnl) s='\0\n' ;;
	esac
	{
		printf "$s"
		ev add /devices/virtual/mem/null 10; printf "$s"
		ev add /devices/virtual/mem/zero 11; printf "$s"
		ev change /devices/virtual/mem/zero 13; printf "$s"
		ev change /devices/virtual/mem/null 12; printf "$s"
		ev remove /devices/virtual/mem/null 14; printf "$s"
	} >"$SCRATCH/rec.$sep"
	: >"$SCRATCH/events"
	rc=0
	timeout 20 "$TESTD" -f -c "$SCRATCH/conf" --replay "$SCRATCH/rec.$sep" \
	    2>"$SCRATCH/err.$sep" || rc=$?
	[ $rc = 0 ] || fail "separator $sep: exit $rc: $(cat "$SCRATCH/err.$sep")"
	cmp -s "$SCRATCH/want" "$SCRATCH/events" ||
		fail "separator $sep: $(cat "$SCRATCH/events")"
done
echo "ok: newlines and NULs between recorded events"

# A pipe or FIFO that stays open and silent holds neither SIGTERM nor a
# child's timeout: the input is read only when poll finds it readable.
# (A newline ends the event: without it, only the next event or the end
# of the input would say that the event is complete.)
cat >"$SCRATCH/conf/record.conf" <<EOC
log $SCRATCH/events
spawn /mem/null sleep 30.$$
EOC
mkfifo "$SCRATCH/fifo"
WRITER=""
stop_writer() {
	[ -z "$WRITER" ] || kill "$WRITER" 2>/dev/null || true
	WRITER=""
}
cleanup_hooks="$cleanup_hooks stop_writer"
for how in stdin fifo; do
	: >"$SCRATCH/events"
	{ ev add /devices/virtual/mem/null 10; printf '\n'; exec sleep 100; } \
	    >"$SCRATCH/fifo" &
	WRITER=$!
	if [ $how = stdin ]; then
		"$TESTD" -f -v -v -c "$SCRATCH/conf" --child-timeout 1 \
		    --replay - <"$SCRATCH/fifo" 2>"$SCRATCH/err.$how" &
	else
		"$TESTD" -f -v -v -c "$SCRATCH/conf" --child-timeout 1 \
		    --replay "$SCRATCH/fifo" 2>"$SCRATCH/err.$how" &
	fi
	DAEMON_PID=$!
	wait_for 5 grep -q "add /devices/virtual/mem/null" "$SCRATCH/events" ||
		fail "$how: the event in the pipe was not handled"
	wait_for 4 grep -q "sleep 30.$$\\[[0-9]*\\] killed after" \
	    "$SCRATCH/err.$how" ||
		fail "$how: no child timeout while the pipe is idle: $(cat \
		    "$SCRATCH/err.$how")"
	t0=$(date +%s%N)
	kill -TERM "$DAEMON_PID"
	wait_for 5 sh -c "! kill -0 $DAEMON_PID 2>/dev/null"
	t1=$(date +%s%N)
	kill -0 "$DAEMON_PID" 2>/dev/null &&
		fail "$how: SIGTERM did not stop a daemon reading an idle pipe"
	rc=0
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=""
	stop_writer
	[ $rc = 0 ] || fail "$how: exit status $rc after SIGTERM"
	ms=$(( (t1 - t0) / 1000000 ))
	[ $ms -lt 1000 ] || fail "$how: SIGTERM took $ms ms"
	echo "ok: an idle $how: the child timed out, SIGTERM ended the daemon" \
	    "in $ms ms"
done
echo "log $SCRATCH/events" >"$SCRATCH/conf/record.conf"

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
