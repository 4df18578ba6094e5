#!/bin/sh
# The product daemon with the real Lua layer: a reload with a broken file
# keeps the old handlers; exec() runs under --max-children and is killed
# past --child-timeout.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink
TESTD="$HOTPLUG2"	# start_daemon runs the real daemon here

C="$SCRATCH/conf"
mkdir -p "$SCRATCH/root/etc" "$C"
cp /etc/passwd /etc/group "$SCRATCH/root/etc/"
handler() {	# handler FILE WORD: on change of mem/null, append WORD SEQNUM
	cat >"$C/$1" <<EOC
on({ ACTION = "change", DEVPATH = "/devices/virtual/mem/null" }, function(ev)
	exec(ev, { "/bin/sh", "-c", "echo $2 \$SEQNUM >>$SCRATCH/out" })
end)
EOC
}
handler 10-null.lua old
start_daemon --root "$SCRATCH/root" -c "$C" --child-timeout 1
kick /sys/class/mem/null change
wait_for 10 grep -qs "^old " "$SCRATCH/out" || fail "the handler did not run"

# A broken file: nothing of the new set is taken, the old handler stays.
handler 10-null.lua new
printf 'on({ ACTION = "change" }, function(ev)\n' >"$C/20-broken.lua"
kill -HUP "$DAEMON_PID"
wait_for 10 log_has "reload failed" || fail "no reload failure logged"
log_has "20-broken.lua:[0-9]" || fail "the error does not name file:line"
kick /sys/class/mem/null change
wait_for 10 sh -c "[ \$(grep -c '^old ' '$SCRATCH/out') -ge 2 ]" ||
	fail "old handler lost after a failed reload"
grep -q "^new " "$SCRATCH/out" && fail "the rejected handlers ran"

# Repaired: the new handlers replace the old.
rm "$C/20-broken.lua"
kill -HUP "$DAEMON_PID"
sleep 0.2
kick /sys/class/mem/null change
wait_for 10 grep -qs "^new " "$SCRATCH/out" || fail "new handler not loaded"

# A command past --child-timeout is killed and logged.
cat >"$C/30-slow.lua" <<'EOC'
on({ ACTION = "change", DEVPATH = "/devices/virtual/mem/zero" }, function(ev)
	exec(ev, { "sleep", "29.75" })
end)
EOC
kill -HUP "$DAEMON_PID"
sleep 0.2
kick /sys/class/mem/zero change
wait_for 10 log_has "sleep 29.75\[[0-9]*\] killed after" ||
	fail "exec child not killed on timeout"
# Other test runs on the machine kick mem/zero too, starting more children
# of ours: look among our daemon's children, until each had its timeout.
wait_for 10 sh -c "! pgrep -P $DAEMON_PID -f '^sleep 29.75\$' >/dev/null" ||
	fail "the killed child survives"
kill -0 "$DAEMON_PID" || fail "the daemon died"
stop_daemon

# --dry-run with --coldplug --once and the default scripts: every node is
# printed, nothing is made under the root, and the daemon exits 0 alone.
mkdir -p "$SCRATCH/dry/etc"
cp /etc/passwd /etc/group "$SCRATCH/dry/etc/"
timeout 30 "$HOTPLUG2" -f -n --root "$SCRATCH/dry" \
    -c "$SOURCE_DIR/lua/defaults" --coldplug --once \
    >"$SCRATCH/dry.out" 2>"$SCRATCH/dry.err" || fail "dry run exited $?"
[ ! -e "$SCRATCH/dry/dev" ] || fail "the dry run made $SCRATCH/dry/dev"
for d in /sys/dev/char/* /sys/dev/block/*; do
	name=$(sed -n 's/^DEVNAME=//p' "$d/uevent")
	[ -n "$name" ] || continue
	grep -q "mknod /dev/$name " "$SCRATCH/dry.out" ||
		fail "dry run does not print /dev/$name"
done
