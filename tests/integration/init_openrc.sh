#!/bin/sh
# scripts/init/openrc/hotplug2 under Debian's openrc-run, in a namespace
# whose /run holds a fresh OpenRC state: "start" returns only once the
# coldplug is done, "status" tells, "reload" loads new handlers, "stop"
# ends the daemon.
. "$SOURCE_DIR/tests/integration/lib.sh"
[ -x /sbin/openrc-run ] || skip "no openrc-run (apt-get install openrc)"
. "$SOURCE_DIR/tests/integration/init_lib.sh"
in_namespace

service_copy "$SOURCE_DIR/scripts/init/openrc" "$SCRATCH/init.d"
daemon_copy
# OpenRC's state, as its boot would have made it, here only.
mount -t tmpfs hp2-test-run /run
for d in started starting stopping inactive wasinactive failed hotplugged \
    daemons options exclusive scheduled tmp; do
	mkdir -p "/run/openrc/$d"
done
echo default >/run/openrc/softlevel
# OpenRC names a service after its file and reads its variables from
# ../conf.d/NAME beside the script's directory (openrc-run clears the rest
# of the environment).
script=$SCRATCH/rc/init.d/hotplug2
mkdir -p "$SCRATCH/rc/init.d" "$SCRATCH/rc/conf.d"
cp "$SOURCE_DIR/scripts/init/openrc/hotplug2" "$script"
cp "$SCRATCH/default/hotplug2" "$SCRATCH/rc/conf.d/hotplug2"
rc() { /sbin/openrc-run "$script" "$@"; }
stop_it() { rc stop >/dev/null 2>&1 || true; }
cleanup_hooks="$cleanup_hooks stop_it"

rc start >"$SCRATCH/out" 2>&1 || fail "start: $(cat "$SCRATCH/out")"
[ -e "$SCRATCH/slow-done" ] || fail "start returned before the coldplug was done"
pid=$(copy_pids)
[ -n "$pid" ] || fail "start returned 0, but no daemon runs: $(cat "$SCRATCH/out")"
rc status >"$SCRATCH/out" 2>&1 || fail "status: $(cat "$SCRATCH/out")"
echo "start: returned after the coldplug, pid $pid; status: $(tr -d '*' <"$SCRATCH/out")"

cat >"$SCRATCH/conf/50-new.lua" <<EOF2
on({ ACTION = "change", DEVPATH = "/devices/virtual/mem/null" },
    function(ev) run(ev, { "/bin/touch", "$SCRATCH/new-ran" }) end)
EOF2
rc reload >"$SCRATCH/out" 2>&1 || fail "reload: $(cat "$SCRATCH/out")"
wait_for 10 sh -c 'printf change >/sys/class/mem/null/uevent; test -e "$1"' \
    sh "$SCRATCH/new-ran" || fail "reload: the new handler never ran"
[ "$(copy_pids)" = "$pid" ] || fail "reload restarted the daemon"
echo "reload: the new handler runs, same pid"

rc stop >"$SCRATCH/out" 2>&1 || fail "stop: $(cat "$SCRATCH/out")"
[ -z "$(copy_pids)" ] || fail "stop left $(copy_pids) running"
st=0; rc status >/dev/null 2>&1 || st=$?
[ $st = 3 ] || fail "status after stop: $st, want 3"
echo "stop: daemon gone, status 3"
