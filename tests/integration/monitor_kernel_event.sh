#!/bin/sh
# hotplug2 monitor shows a real kernel event triggered through /sys.
. "$SOURCE_DIR/tests/integration/lib.sh"
need_root
need_uevent_netlink

out=$SCRATCH/monitor.out
"$HOTPLUG2" monitor -v >"$out" 2>"$SCRATCH/monitor.err" &
mon=$!
stop_monitor() { kill "$mon" 2>/dev/null; wait "$mon" 2>/dev/null; }
cleanup_hooks="stop_monitor"

# The socket is bound once the monitor logged its receive buffer (netlink_open
# logs it after bind).
wait_for 5 grep -q "receive buffer" "$SCRATCH/monitor.err" ||
	fail "monitor did not start: $(cat "$SCRATCH/monitor.err")"

echo change >/sys/class/mem/null/uevent
# A bound, draining monitor shows it at once; 5 s is a bound for a loaded
# machine and the sanitizer build, not a performance claim.
if ! wait_for 5 grep -q "change /devices/virtual/mem/null (mem)" "$out"; then
	cat "$out" >&2
	fail "the event did not show up"
fi
grep -qx "DEVNAME=null" "$out" || fail "no DEVNAME=null property line"
grep -qx "ACTION=change" "$out" || fail "no ACTION=change property line"

# --raw writes the wire format: the header, then NUL-separated variables.
"$HOTPLUG2" monitor --raw -v >"$SCRATCH/raw.out" 2>"$SCRATCH/raw.err" &
raw=$!
stop_raw() { kill "$raw" 2>/dev/null; wait "$raw" 2>/dev/null; }
cleanup_hooks="stop_monitor stop_raw"
wait_for 5 grep -q "receive buffer" "$SCRATCH/raw.err" ||
	fail "raw monitor did not start: $(cat "$SCRATCH/raw.err")"
echo change >/sys/class/mem/zero/uevent
wait_for 5 grep -qa "DEVNAME=zero" "$SCRATCH/raw.out" ||
	fail "raw monitor did not record the event"
tr '\0' '\n' <"$SCRATCH/raw.out" | grep -qx "change@/devices/virtual/mem/zero" ||
	fail "raw output has no wire header"

# SIGTERM ends the monitor cleanly with exit status 0.
kill -TERM "$mon"
wait "$mon" && status=0 || status=$?
cleanup_hooks="stop_raw"
[ "$status" = 0 ] || fail "monitor exited with $status on SIGTERM"
grep -q "accepted" "$SCRATCH/monitor.err" || fail "no counters at -v on exit"
echo "ok: kernel event shown, raw recorded, clean exit"
