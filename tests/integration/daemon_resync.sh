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
# the socket's buffer (32 MiB at most: about 40,000 events).
cat >"$SCRATCH/conf/record.conf" <<EOC
log $SCRATCH/events
sync /mem/kmsg sleep 3
EOC
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf"
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
# A queue full of events that wait for commands drops none: see
# daemon_burst_waiting.sh.
