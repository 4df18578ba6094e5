#!/bin/sh
# scripts/init/s6/hotplug2 under Debian's s6: s6-svwait -U returns only once
# the coldplug is done (notification-fd wired to --ready-fd), s6-svc -h
# reloads the handlers, s6-svc -d stops the daemon cleanly.
. "$SOURCE_DIR/tests/integration/lib.sh"
command -v s6-supervise >/dev/null || skip "no s6 (apt-get install s6)"
. "$SOURCE_DIR/tests/integration/init_lib.sh"
in_namespace

sv=$SCRATCH/sv/hotplug2
mkdir -p "$SCRATCH/sv"
service_copy "$SOURCE_DIR/scripts/init/s6/hotplug2" "$sv"
[ "$(cat "$sv/notification-fd")" = 3 ] || fail "notification-fd is not 3"

stop_supervise() {
	s6-svc -dx "$sv" 2>/dev/null || true
	[ -z "${SUPERVISE:-}" ] || wait "$SUPERVISE" 2>/dev/null || true
}
cleanup_hooks="$cleanup_hooks stop_supervise"
s6-supervise "$sv" >"$SCRATCH/log" 2>&1 &
SUPERVISE=$!
wait_for 10 test -e "$sv/supervise/status" || fail "s6-supervise did not start"

s6-svwait -U -t 120000 "$sv" || fail "not up and ready in 120 s: $(cat "$SCRATCH/log")"
grep -q "coldplug done" "$SCRATCH/log" ||
	fail "s6-svwait -U returned before the coldplug was done: $(cat "$SCRATCH/log")"
pid=$(s6-svstat -o pid "$sv")
[ "$(daemon_pids)" = "$pid" ] || fail "s6 supervises $pid, the daemon is $(daemon_pids)"
find "$SCRATCH/root/dev" -type c | grep -q . || fail "no device node made under the scratch root"
echo "up and ready after the coldplug: pid $pid"

s6-svc -h "$sv"
wait_for 10 grep -q "reloading" "$SCRATCH/log" || fail "s6-svc -h did not reload"
[ "$(s6-svstat -o pid "$sv")" = "$pid" ] || fail "the reload restarted the daemon"
echo "s6-svc -h: reloaded, same pid"

s6-svc -d "$sv"
s6-svwait -D -t 20000 "$sv" || fail "not down in 20 s"
[ -z "$(daemon_pids)" ] || fail "daemon still running: $(daemon_pids)"
status=$(s6-svstat -o exitcode "$sv")
[ "$status" = 0 ] || fail "the daemon exited with $status: $(tail -5 "$SCRATCH/log")"
grep -q "events handled" "$SCRATCH/log" || fail "no final summary logged"
echo "s6-svc -d: stopped cleanly (exit 0)"
