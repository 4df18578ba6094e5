#!/bin/sh
# SIGHUP with a broken script keeps the old rules; a good one replaces them.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink

NULL=/sys/class/mem/null
mkdir -p "$SCRATCH/root" "$SCRATCH/conf"
echo "log $SCRATCH/old" >"$SCRATCH/conf/record.conf"
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf"

kick $NULL change
wait_for 10 grep -q "change /devices/virtual/mem/null" "$SCRATCH/old" ||
	fail "the first rules did not see the event"

# A broken file: the reload must fail and the old rules keep working.
printf 'log %s\nthis is not a rule\n' "$SCRATCH/new" \
    >"$SCRATCH/conf/record.conf"
kill -HUP "$DAEMON_PID"
wait_for 10 log_has "reload failed" || fail "no reload failure logged"
log_has "record.conf:2: cannot understand" ||
	fail "the error does not name file:line"
kick $NULL change
wait_for 10 sh -c "[ \$(grep -c 'change /devices/virtual/mem/null' \
    '$SCRATCH/old') -ge 2 ]" || fail "old rules lost after a failed reload"
[ "$(lines "$SCRATCH/new")" = 0 ] || fail "the broken rules ran"

# A good file replaces the old rules.
echo "log $SCRATCH/new" >"$SCRATCH/conf/record.conf"
kill -HUP "$DAEMON_PID"
n=$(lines "$SCRATCH/old")
wait_for 10 sh -c "grep -c 'reloading' '$SCRATCH/daemon.err' | grep -q 2" ||
	fail "second reload not seen"
kick $NULL change
wait_for 10 grep -q "change /devices/virtual/mem/null" "$SCRATCH/new" ||
	fail "the new rules did not see the event"
[ "$(lines "$SCRATCH/old")" = "$n" ] || fail "the old rules still ran"
kill -0 "$DAEMON_PID" || fail "the daemon died"
