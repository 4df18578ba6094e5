#!/bin/sh
# A burst of 20,000 real kernel events arriving while 4 slow commands run
# on 4 of the burst's 8 devices: the events of the other 4 overtake those
# that wait, the queue fills with waiting events and reading pauses (the
# socket's buffer holds the rest) instead of dropping any; once the
# commands end every event is handled once, each device in its order,
# nothing lost and no resynchronization (issue 19).
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink
[ -r /sys/kernel/uevent_seqnum ] || skip "no /sys/kernel/uevent_seqnum"
TESTD="$HOTPLUG2"	# start_daemon runs the real daemon with Lua

N=${BURST_EVENTS:-20000}
slow="/sys/class/mem/kmsg /sys/class/mem/full /sys/class/mem/random /sys/class/mem/urandom"
fast="/sys/class/mem/null /sys/class/mem/zero /sys/class/tty/tty5 /sys/class/tty/tty6"
mkdir -p "$SCRATCH/root/etc" "$SCRATCH/conf"
cp /etc/passwd /etc/group "$SCRATCH/root/etc/"
# The sleeps carry our PID so that pgrep finds ours only.
cat >"$SCRATCH/conf/10-slow.lua" <<EOC
on({ ACTION = "add", DEVPATH = { "/devices/virtual/mem/kmsg",
    "/devices/virtual/mem/full", "/devices/virtual/mem/random",
    "/devices/virtual/mem/urandom" } }, function(ev)
	exec(ev, { "sleep", "2.$$" })
end)
on({ ACTION = "change" }, function(ev)
	log.info("recorded %s %s", ev.SEQNUM, ev.DEVPATH)
end)
EOC
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf" --alias-file /dev/null
for d in $slow; do kick "$d" add; done
wait_for 10 sh -c "[ \$(pgrep -c -f '^sleep 2.$$\$') = 4 ]" ||
	fail "the 4 slow commands did not start"
t0=$(date +%s%N)
set -- $("$BURST" -a change -n "$N" $(for d in $slow $fast; do
	echo "$d/uevent"; done))
first=$1 last=$2 writes=$3
[ "$writes" = "$N" ] || fail "the generator wrote $writes of $N"
# The burst was written while the commands ran.
[ "$(pgrep -c -f "^sleep 2.$$\$")" = 4 ] ||
	fail "the commands ended before the burst did: make it faster"
wait_for 60 sh -c "grep -q '^hotplug2: recorded $last ' '$SCRATCH/daemon.err'" ||
	fail "SEQNUM $last never reached the scripts: $(grep -v recorded \
	    "$SCRATCH/daemon.err" | tail -5)"
t1=$(date +%s%N)
stop_daemon
sed -n 's/^hotplug2: recorded //p' "$SCRATCH/daemon.err" >"$SCRATCH/events"
awk -v first="$first" -v last="$last" '
	$1 <= first || $1 > last { next }
	seen[$1]++ { print "SEQNUM " $1 " twice"; bad = 1 }
	$2 in prev && $1 <= prev[$2] { print "order broken on " $2; bad = 1 }
	{ prev[$2] = $1; n++ }
	END {
		print n " of " last - first " events handled"
		if (n != last - first) bad = 1
		exit bad
	}' "$SCRATCH/events" || fail "burst count or per-device order"
resyncs=$(grep -c 'resynchronizing' "$SCRATCH/daemon.err" || true)
summary=$(grep 'events handled, ' "$SCRATCH/daemon.err")
echo "burst of $N while 4 commands ran: all handled in" \
    "$(( (t1 - t0) / 1000000 )) ms; $summary;" \
    "$(grep -o 'at most [0-9]* held' "$SCRATCH/daemon.err" || true)"
[ "$resyncs" -le 1 ] || fail "$resyncs resynchronizations"
grep -q 'never arrived' "$SCRATCH/daemon.err" &&
	fail "events lost: $(grep 'never arrived' "$SCRATCH/daemon.err" | head -1)"
echo "$summary" | grep -q ' 0 lost,' || fail "events lost: $summary"
grep -q 'lost to ENOBUFS' "$SCRATCH/daemon.err" &&
    ! grep -q ' 0 lost to ENOBUFS' "$SCRATCH/daemon.err" &&
	fail "ENOBUFS: $(grep 'lost to ENOBUFS' "$SCRATCH/daemon.err")"
exit 0
