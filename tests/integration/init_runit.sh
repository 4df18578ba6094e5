#!/bin/sh
# scripts/init/runit/hotplug2 under Debian's runit: "sv start" returns only
# once the coldplug is done (./check reads the line --ready-fd wrote),
# "sv reload" reloads the handlers, "sv down" stops the daemon cleanly.
. "$SOURCE_DIR/tests/integration/lib.sh"
command -v runsv >/dev/null || skip "no runit (apt-get install runit)"
. "$SOURCE_DIR/tests/integration/init_lib.sh"
in_namespace

sv=$SCRATCH/sv/hotplug2
mkdir -p "$SCRATCH/sv"
service_copy "$SOURCE_DIR/scripts/init/runit/hotplug2" "$sv"
# Down until "sv start": runsv only supervises.
touch "$sv/down"

stop_runsv() {
	sv exit "$sv" >/dev/null 2>&1 || true
	[ -z "${RUNSV:-}" ] || wait "$RUNSV" 2>/dev/null || true
}
cleanup_hooks="$cleanup_hooks stop_runsv"
runsv "$sv" >"$SCRATCH/log" 2>&1 &
RUNSV=$!
wait_for 10 test -p "$sv/supervise/control" || fail "runsv did not start"

sv -w 120 start "$sv" >"$SCRATCH/sv.out" ||
	fail "sv start: $(cat "$SCRATCH/sv.out"): $(cat "$SCRATCH/log")"
grep -q "coldplug done" "$SCRATCH/log" ||
	fail "sv start returned before the coldplug was done: $(cat "$SCRATCH/log")"
pid=$(cat "$sv/supervise/pid")
[ "$(daemon_pids)" = "$pid" ] || fail "runsv supervises $pid, the daemon is $(daemon_pids)"
echo "sv start: $(cat "$SCRATCH/sv.out"), after the coldplug"

sv reload "$sv" >/dev/null
wait_for 10 grep -q "reloading" "$SCRATCH/log" || fail "sv reload did not reload"
[ "$(cat "$sv/supervise/pid")" = "$pid" ] || fail "the reload restarted the daemon"
echo "sv reload: reloaded, same pid"

sv -w 20 down "$sv" >"$SCRATCH/sv.out" || fail "sv down: $(cat "$SCRATCH/sv.out")"
[ -z "$(daemon_pids)" ] || fail "daemon still running: $(daemon_pids)"
grep -q "events handled" "$SCRATCH/log" || fail "no final summary logged"
echo "sv down: $(cat "$SCRATCH/sv.out")"
