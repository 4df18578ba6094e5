#!/bin/sh
# Commands: output captured into the log, failures logged at warning with
# the command line, a child past --child-timeout killed, SIGTERM letting a
# running child finish before exiting 0.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink

# pgrep sees the whole machine, where other builds may run this very test:
# the sleeps' arguments carry our PID, so that we find only our children.
long=31.$$
sync=2.5$$

mkdir -p "$SCRATCH/root" "$SCRATCH/conf"
cat >"$SCRATCH/conf/record.conf" <<EOC
log $SCRATCH/events
spawn /mem/zero echo hello-from-child
spawn /mem/zero false
spawn /mem/zero /nonexistent/program --flag
spawn /mem/full sleep $long
EOC
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf" --child-timeout 1

# Output, exit status, exec failure.
kick /sys/class/mem/zero change
wait_for 10 log_has "echo\[[0-9]*\]: hello-from-child" ||
	fail "child output not in the log"
wait_for 10 log_has "false\[[0-9]*\] failed with exit status 1" ||
	fail "failure not logged with the command line"
wait_for 10 log_has "unable to run /nonexistent/program --flag" ||
	fail "exec failure not logged with the command line"
wait_for 10 log_has "echo hello-from-child\[[0-9]*\] exit status 0" ||
	fail "exit status not logged at debug level"

# The timeout kills the child (and the event behind it then runs).
kick /sys/class/mem/full change
kick /sys/class/mem/full change
wait_for 10 pgrep -f "^sleep $long\$" >/dev/null || fail "child not started"
wait_for 10 log_has "sleep $long\[[0-9]*\] killed after" ||
	fail "child not killed on timeout"
wait_for 10 sh -c "[ \$(grep -c 'killed after' '$SCRATCH/daemon.err') \
    -ge 2 ]" || fail "the second event's child did not run and time out"
# Kernel events reach every listener on the machine, and other test runs
# kick mem/full too, each starting one more child of ours: so none of our
# daemon's sleeps may be left a while later (each lives 1 s, not 31).
wait_for 10 sh -c "! pgrep -P $DAEMON_PID -f '^sleep $long\$' >/dev/null" ||
	fail "a killed child survives"
stop_daemon

# SIGTERM: stop reading, let the running child finish, exit 0.
cat >"$SCRATCH/conf/record.conf" <<EOC
spawn /mem/zero sh $SCRATCH/slow.sh
EOC
printf 'sleep 1\necho done >%s\n' "$SCRATCH/finished" >"$SCRATCH/slow.sh"
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf"
kick /sys/class/mem/zero change
wait_for 10 pgrep -f "sh $SCRATCH/slow.sh" >/dev/null ||
	fail "slow child not started"
kill -TERM "$DAEMON_PID"
rc=0
wait "$DAEMON_PID" || rc=$?
DAEMON_PID=""
[ "$rc" = 0 ] || fail "exit status $rc after SIGTERM"
[ -s "$SCRATCH/finished" ] || fail "the running child was not let finish"

# SIGUSR1 toggles persistence: a persistent daemon then exits once idle.
: >"$SCRATCH/conf/record.conf"
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf"
kill -USR1 "$DAEMON_PID"
rc=0
wait "$DAEMON_PID" || rc=$?
DAEMON_PID=""
[ "$rc" = 0 ] || fail "exit status $rc after SIGUSR1"
log_has "persistence off" || fail "SIGUSR1 not logged"

# While a script waits for a synchronous command, the socket is still
# drained (into the queue): its receive memory is back to 0 before the
# command ends.
cat >"$SCRATCH/conf/record.conf" <<EOC
log $SCRATCH/sync-events
sync /mem/kmsg sleep $sync
EOC
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf"
kick /sys/class/mem/kmsg change
wait_for 10 pgrep -f "^sleep $sync\$" >/dev/null || fail "sync command not started"
"$BURST" -n 100 /sys/class/mem/null/uevent >/dev/null
port=$(netlink_port_of "$DAEMON_PID")
[ -n "$port" ] || fail "no netlink socket found for the daemon"
rmem() {
	awk -v p="$port" '$2 == 15 && $3 == p { print $5 }' /proc/net/netlink
}
wait_for 2 sh -c "[ \"\$(awk -v p=$port '\$2 == 15 && \$3 == p { print \$5 }' \
    /proc/net/netlink)\" = 0 ]" || fail "socket not drained during a sync command: $(rmem)"
pgrep -f "^sleep $sync\$" >/dev/null || fail "the command ended before the check"
wait_for 10 sh -c "[ \$(grep -c null '$SCRATCH/sync-events' 2>/dev/null) \
    -ge 100 ]" || fail "queued events not handled after the command"
stop_daemon

# A child that writes without end neither stalls the loop nor outlives
# its timeout.
cat >"$SCRATCH/conf/record.conf" <<EOC
log $SCRATCH/chatty-events
spawn /mem/urandom yes chatty-child-output
EOC
: >"$SCRATCH/daemon.err"
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf" --child-timeout 2
kick /sys/class/mem/urandom change
wait_for 10 log_has "yes\[[0-9]*\]: chatty-child-output" ||
	fail "chatty child output not logged"
wait_for 10 log_has "yes\[[0-9]*\]: more than 200 lines of output" ||
	fail "no cap on the output logged"
kick /sys/class/mem/null change
wait_for 5 grep -q "change /devices/virtual/mem/null" \
    "$SCRATCH/chatty-events" || fail "the loop stalled behind a chatty child"
wait_for 10 log_has "yes chatty-child-output\[[0-9]*\] killed after" ||
	fail "chatty child not killed"
# 200 lines per child (another run's kick of mem/urandom starts one more).
bad=$(sed -n 's/.*yes\[\([0-9]*\)\]: chatty-child-output$/\1/p' \
    "$SCRATCH/daemon.err" | sort | uniq -c | awk '$1 != 200')
[ -z "$bad" ] || fail "lines of output logged per child, want 200: $bad"
stop_daemon
