#!/bin/sh
# SEQNUM gaps: events of another network namespace take SEQNUMs this one
# never sees.  The first gap is logged and resynchronized at once; a
# second one within DAEMON_GAP_RESYNC_MS (30 s) is logged and waits.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink
[ -r /sys/kernel/uevent_seqnum ] || skip "no /sys/kernel/uevent_seqnum"
command -v unshare >/dev/null || skip "no unshare"

mkdir -p "$SCRATCH/root" "$SCRATCH/conf"
echo "log $SCRATCH/events" >"$SCRATCH/conf/record.conf"
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf"

# A new network namespace announces its loopback device there only.
s0=$(cat /sys/kernel/uevent_seqnum)
unshare -n true
s1=$(cat /sys/kernel/uevent_seqnum)
[ "$s1" -gt "$s0" ] || skip "a new network namespace made no uevent"
kick /sys/class/mem/null change
wait_for 10 log_has "never arrived" || fail "gap not logged"
wait_for 10 log_has "SEQNUM gap: resynchronizing" || fail "no resynchronization"
wait_for 20 log_has "coldplug done" || fail "the coldplug did not run"

# A second gap soon after: logged, no second coldplug yet.
unshare -n true
kick /sys/class/mem/null change
wait_for 10 sh -c "[ \$(grep -c 'never arrived' '$SCRATCH/daemon.err') -ge 2 ]" ||
	fail "second gap not logged"
sleep 0.5
[ "$(grep -c 'coldplug done' "$SCRATCH/daemon.err")" = 1 ] ||
	fail "a second coldplug within the interval"
kill -0 "$DAEMON_PID" || fail "daemon died"
