#!/bin/sh
# A SEQNUM far from what the kernel's counter can have (issue 12, item 6):
# a forged root event with SEQNUM 2^64-1 is logged at warning and handled
# out of sequence, and the kernel's next event is still handled; from a
# replay, which has no counter to ask, the sequence starts again instead.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink
[ -r /sys/kernel/uevent_seqnum ] || skip "no /sys/kernel/uevent_seqnum"
NLSEND="$BUILD_DIR/tests/nlsend"
MAX=18446744073709551615

mkdir -p "$SCRATCH/root" "$SCRATCH/conf"
echo "log $SCRATCH/events" >"$SCRATCH/conf/record.conf"
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf"
"$NLSEND" "add@/devices/forged/far" "ACTION=add" "DEVPATH=/devices/forged/far" \
    "SUBSYSTEM=forged" "SEQNUM=$MAX" || fail "nlsend failed"
wait_for 5 grep -q "^$MAX add /devices/forged/far\$" "$SCRATCH/events" ||
	fail "the forged event was not handled: $(cat "$SCRATCH/daemon.err")"
# The kernel's next events are neither stale nor a gap.
kick /sys/class/mem/null change
kick /sys/class/mem/zero change
wait_for 5 grep -q " change /devices/virtual/mem/zero\$" "$SCRATCH/events" ||
	fail "the kernel's events after SEQNUM $MAX were dropped: $(grep \
	    'again or too late' "$SCRATCH/daemon.err" | head -2)"
grep -q " change /devices/virtual/mem/null\$" "$SCRATCH/events" ||
	fail "mem/null's event after SEQNUM $MAX was dropped"
log_has "SEQNUM $MAX is past the counter's [0-9]*: handled out of sequence" ||
	fail "no warning for SEQNUM $MAX"
log_has "never arrived" && fail "a gap: $(grep 'never arrived' "$SCRATCH/daemon.err")"
stop_daemon
echo "ok: SEQNUM $MAX from a root sender: warned, handled, and the kernel's next events too"

# A replay: no counter to ask; 2^64-1, then the sequence it interrupted.
ev() {	# DEVPATH SEQNUM
	printf 'change@%s\0ACTION=change\0DEVPATH=%s\0SEQNUM=%s\0' "$1" "$1" "$2"
}
{
	ev /devices/a 10; ev /devices/b "$MAX"; ev /devices/c 11; ev /devices/d 12
} >"$SCRATCH/rec"
: >"$SCRATCH/events"
rc=0
timeout 20 "$TESTD" -f -c "$SCRATCH/conf" --replay "$SCRATCH/rec" \
    2>"$SCRATCH/replay.err" || rc=$?
[ $rc = 0 ] || fail "the replay exited $rc"
[ "$(cut -d' ' -f3 "$SCRATCH/events" | tr '\n' ' ')" = \
    "/devices/a /devices/b /devices/c /devices/d " ] ||
	fail "replay: $(cat "$SCRATCH/events")"
[ "$(grep -c 'a new sequence starts there' "$SCRATCH/replay.err")" = 2 ] ||
	fail "replay: warnings: $(cat "$SCRATCH/replay.err")"
echo "ok: a replay with SEQNUM $MAX handles every event, warning twice"
