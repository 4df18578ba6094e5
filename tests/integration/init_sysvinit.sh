#!/bin/sh
# scripts/init/sysvinit/hotplug2 (Debian's /etc/init.d/hotplug2), run
# directly: "start" returns only once the coldplug is done, "status"
# tells, "reload" loads new handlers, "stop" ends the daemon.
. "$SOURCE_DIR/tests/integration/lib.sh"
command -v start-stop-daemon >/dev/null || skip "no start-stop-daemon"
. "$SOURCE_DIR/tests/integration/init_lib.sh"
in_namespace

service_copy "$SOURCE_DIR/scripts/init/sysvinit" "$SCRATCH/init.d"
daemon_copy
script=$SOURCE_DIR/scripts/init/sysvinit/hotplug2
stop_it() { sh "$script" stop >/dev/null 2>&1 || true; }
cleanup_hooks="$cleanup_hooks stop_it"

sh "$script" status >/dev/null && fail "status says running before start"
sh "$script" start >"$SCRATCH/out" 2>&1 || fail "start: $(cat "$SCRATCH/out")"
[ -e "$SCRATCH/slow-done" ] || fail "start returned before the coldplug was done"
pid=$(copy_pids)
[ -n "$pid" ] || fail "start returned 0, but no daemon runs"
sh "$script" status >"$SCRATCH/out" || fail "status: $(cat "$SCRATCH/out")"
sh "$script" start >/dev/null 2>&1 || fail "a second start failed"
[ "$(copy_pids)" = "$pid" ] || fail "a second start started a second daemon"
echo "start: returned after the coldplug, pid $pid; status: $(cat "$SCRATCH/out")"

# A handler file added now runs only once the daemon has reloaded.
cat >"$SCRATCH/conf/50-new.lua" <<EOF2
on({ ACTION = "change", DEVPATH = "/devices/virtual/mem/null" },
    function(ev) run(ev, { "/bin/touch", "$SCRATCH/new-ran" }) end)
EOF2
sh "$script" reload || fail "reload failed"
wait_for 10 sh -c 'printf change >/sys/class/mem/null/uevent; test -e "$1"' \
    sh "$SCRATCH/new-ran" || fail "reload: the new handler never ran"
[ "$(copy_pids)" = "$pid" ] || fail "reload restarted the daemon"
echo "reload: the new handler runs, same pid"

sh "$script" stop >"$SCRATCH/out" 2>&1 || fail "stop: $(cat "$SCRATCH/out")"
[ -z "$(copy_pids)" ] || fail "stop left $(copy_pids) running"
rc=0; sh "$script" status >/dev/null || rc=$?
[ $rc = 3 ] || fail "status after stop: $rc, want 3"
echo "stop: daemon gone, status 3"
