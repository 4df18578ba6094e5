#!/bin/sh
# hotplug2 --coldplug on this machine's real /sys: every device with a
# node reaches the scripts as "add"; readiness comes after the last one.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink

mkdir -p "$SCRATCH/root" "$SCRATCH/conf"
echo "log $SCRATCH/events" >"$SCRATCH/conf/record.conf"

# The list coldplug works from is every uevent file under /sys/devices.
"$COLDPLUG" --dry-run >"$SCRATCH/list"
find /sys/devices -name uevent -type f | sort >"$SCRATCH/expected"
sort "$SCRATCH/list" | cmp -s - "$SCRATCH/expected" ||
	fail "the dry run does not list every uevent file"

# Persistent daemon: the ready line comes once coldplug's events are in.
mkfifo "$SCRATCH/readyfifo"
"$TESTD" -f -v --root "$SCRATCH/root" -c "$SCRATCH/conf" --coldplug \
    --ready-fd 3 3>"$SCRATCH/readyfifo" 2>"$SCRATCH/daemon.err" &
DAEMON_PID=$!
read -r line <"$SCRATCH/readyfifo" || fail "no readiness line"
# Everything with a node must be in the log already.
missing=0
for d in /sys/dev/char/* /sys/dev/block/*; do
	p=$(cd -P "$d" && pwd); p=${p#/sys}
	grep -q " add $p\$" "$SCRATCH/events" || {
		echo "missing at readiness: $p" >&2
		missing=$((missing + 1))
	}
done
[ $missing = 0 ] || fail "$missing devices not handled at readiness"
stop_daemon

# --once: exits 0 by itself once coldplug's events are handled.
: >"$SCRATCH/events"
timeout 20 "$TESTD" -f --root "$SCRATCH/root" -c "$SCRATCH/conf" \
    --coldplug --once 2>>"$SCRATCH/daemon.err" || fail "--once failed: $?"
n=$(grep -c " add " "$SCRATCH/events")
[ "$n" -ge "$(ls /sys/dev/char /sys/dev/block | wc -l)" ] ||
	fail "only $n add events with --once"
echo "coldplug_real: $n add events handled"

# Without a hotplug2-coldplug to run, --coldplug --once says so and exits
# 1 (not every device was announced) instead of waiting for ever.
mkdir -p "$SCRATCH/alone"
cp "$TESTD" "$SCRATCH/alone/"
rc=0
PATH=/usr/bin:/bin timeout 20 "$SCRATCH/alone/hotplug2-testd" -f \
    --root "$SCRATCH/root" -c "$SCRATCH/conf" --coldplug --once \
    2>"$SCRATCH/alone.err" || rc=$?
[ $rc = 124 ] && fail "--coldplug --once without the helper hung"
[ $rc = 1 ] || fail "--coldplug --once without the helper exited $rc, want 1"
grep -q "unable to run hotplug2-coldplug" "$SCRATCH/alone.err" ||
	fail "the missing helper is not reported: $(cat "$SCRATCH/alone.err")"

# Persistent, the same failed start is logged and the daemon goes on: it
# gets ready, handles the events that come, and ends cleanly on SIGTERM.
: >"$SCRATCH/events"
PATH=/usr/bin:/bin "$SCRATCH/alone/hotplug2-testd" -f --root "$SCRATCH/root" \
    -c "$SCRATCH/conf" --coldplug --ready-fd 3 3>"$SCRATCH/alone.ready" \
    2>"$SCRATCH/alone2.err" &
DAEMON_PID=$!
wait_for 20 test -s "$SCRATCH/alone.ready" ||
	fail "persistent, without the helper: never ready: $(cat "$SCRATCH/alone2.err")"
grep -q "unable to run hotplug2-coldplug" "$SCRATCH/alone2.err" ||
	fail "persistent: the missing helper is not reported"
echo change >/sys/class/mem/null/uevent
wait_for 10 grep -q " change /devices/virtual/mem/null\$" "$SCRATCH/events" ||
	fail "persistent, without the helper: a later event was not handled"
kill -TERM "$DAEMON_PID"
rc=0
wait "$DAEMON_PID" || rc=$?
DAEMON_PID=
[ $rc = 0 ] || fail "persistent, without the helper: exit $rc on SIGTERM"
echo "coldplug_real: without the helper, --once exits 1; persistent logs it, gets ready and handles a later event"
