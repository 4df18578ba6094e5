#!/bin/sh
# Lost events: when the kernel's receive buffer overflows (ENOBUFS), the
# daemon warns and resynchronizes with a coldplug, so every device present
# is still announced to the scripts.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink

mkdir -p "$SCRATCH/root" "$SCRATCH/conf"
# A synchronous command on one event stalls the loop while a burst fills
# the socket's buffer, made 16 MiB (32 MiB at most: about 40,000 events)
# with --buffer-size, below the default 128 MiB.
cat >"$SCRATCH/conf/record.conf" <<EOC
log $SCRATCH/events
sync /mem/kmsg sleep 3
EOC
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf" --buffer-size 16777216
kick /sys/class/mem/kmsg change
wait_for 10 pgrep -f "^sleep 3\$" >/dev/null || fail "stall not started"
set -- $("$BURST" -n "${RESYNC_EVENTS:-150000}" /sys/class/mem/null/uevent)
wait_for 30 log_has "ENOBUFS" || fail "no ENOBUFS warning"
log_has "resynchronizing with a coldplug" || fail "no resynchronization"
# After the coldplug every device with a node was announced again.
for d in /sys/dev/char/* /sys/dev/block/*; do
	p=$(cd -P "$d" && pwd); p=${p#/sys}
	wait_for 20 grep -q " add $p\$" "$SCRATCH/events" ||
		fail "$p not announced after the resynchronization"
done
kill -0 "$DAEMON_PID" || fail "daemon died"
# One coldplug for the loss, however many times ENOBUFS was reported.
[ "$(grep -c 'resynchronizing with a coldplug' "$SCRATCH/daemon.err")" -le 2 ] ||
	fail "resynchronized $(grep -c 'resynchronizing with a coldplug' \
	    "$SCRATCH/daemon.err") times"
stop_daemon

# A coldplug that overflows itself does not start the next at once: the
# next waits a back-off, and then the daemon settles with two coldplugs.
# Each kmsg event stalls the loop, the coldplug's own one too, and a
# burst arrives during each stall.
: >"$SCRATCH/daemon.err"
: >"$SCRATCH/events"
cat >"$SCRATCH/conf/record.conf" <<EOC
log $SCRATCH/events
sync /mem/kmsg sleep 2.$$
EOC
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf" --buffer-size 16777216
kick /sys/class/mem/kmsg change
wait_for 10 pgrep -f "^sleep 2.$$\$" >/dev/null || fail "stall not started"
"$BURST" -n "${RESYNC_EVENTS:-150000}" /sys/class/mem/null/uevent >/dev/null
wait_for 30 log_has "resynchronizing with a coldplug" ||
	fail "no resynchronization after the first burst"
# The first stall ends, then the coldplug's kmsg event stalls again.
wait_for 10 sh -c "! pgrep -f '^sleep 2.$$\$' >/dev/null" ||
	fail "the first stall did not end"
wait_for 20 pgrep -f "^sleep 2.$$\$" >/dev/null ||
	fail "the coldplug's kmsg event did not stall the loop"
"$BURST" -n "${RESYNC_EVENTS:-150000}" /sys/class/mem/null/uevent >/dev/null
wait_for 30 log_has "events were lost during the coldplug: the next one waits 1000 ms" ||
	fail "no back-off after a coldplug that lost events: $(grep -v \
	    'again or too late' "$SCRATCH/daemon.err" | grep -i 'coldplug\|resync' | tail -5)"
wait_for 30 sh -c "[ \$(grep -c 'coldplug done' '$SCRATCH/daemon.err') -ge 2 ]" ||
	fail "the second coldplug did not run"
sleep 3
n=$(grep -c 'coldplug done' "$SCRATCH/daemon.err")
[ "$n" = 2 ] || fail "$n coldplugs for two overflows"
kill -0 "$DAEMON_PID" || fail "daemon died"
stop_daemon
echo "ok: a coldplug that overflowed: the next waited 1 s, 2 coldplugs in all"
# A queue full of events that wait for commands drops none: see
# daemon_burst_waiting.sh.
