#!/bin/sh
# Burst: thousands of real kernel events reach the scripts once each, in
# SEQNUM order when no command runs; commands run concurrently up to
# --max-children and never two at once for one device.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink

N=${BURST_EVENTS:-5000}
mkdir -p "$SCRATCH/root" "$SCRATCH/conf"

# Part 1: every SEQNUM of a burst, once, in order.
echo "log $SCRATCH/events" >"$SCRATCH/conf/record.conf"
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf"
set -- $("$BURST" -n "$N")
first=$1 last=$2 writes=$3
[ "$writes" = "$N" ] || fail "the generator wrote $writes of $N"
wait_for 60 sh -c "awk -v l=$last '\$1 >= l { f = 1 } END { exit !f }' \
    '$SCRATCH/events'" || fail "SEQNUM $last never reached the scripts"
awk -v first="$first" -v last="$last" '
	$1 <= first || $1 > last { next }
	seen[$1]++ { print "SEQNUM " $1 " twice"; bad = 1 }
	prev != "" && $1 <= prev { print "SEQNUM " $1 " after " prev; bad = 1 }
	{ prev = $1; n++ }
	END {
		if (n != last - first) {
			print n " events of " last - first; bad = 1
		}
		exit bad
	}' "$SCRATCH/events" || fail "burst order or count"
# The kernel's own order per device, checked apart from the global one.
awk -v first="$first" '$1 > first { if ($3 in p && $1 <= p[$3]) bad = 1;
	p[$3] = $1 } END { exit bad }' "$SCRATCH/events" ||
	fail "per-device order"
log_has "queue full" && fail "events dropped: $(grep 'queue full' \
    "$SCRATCH/daemon.err")"
echo "burst: $((last - first)) events, SEQNUM $((first + 1))..$last, \
in order, each once"
stop_daemon

# Part 2: sleeping children, 3 at most at once, per-device order.
MAX=3
# The child sees the event's variables in its environment.
cat >"$SCRATCH/child.sh" <<EOC
echo start \$SEQNUM \$DEVPATH >>$SCRATCH/children
sleep 0.3
echo end \$SEQNUM \$DEVPATH >>$SCRATCH/children
EOC
cat >"$SCRATCH/conf/record.conf" <<EOC
log $SCRATCH/events2
spawn /virtual/mem/ sh $SCRATCH/child.sh
EOC
start_daemon --root "$SCRATCH/root" -c "$SCRATCH/conf" --max-children $MAX
set -- $("$BURST" -n 20 /sys/class/mem/null/uevent /sys/class/mem/zero/uevent \
    /sys/class/mem/full/uevent /sys/class/mem/random/uevent \
    /sys/class/mem/urandom/uevent)
first=$1 last=$2
wait_for 60 sh -c "[ \$(cat '$SCRATCH/children' 2>/dev/null | \
    grep -c ^end) -ge 20 ]" || fail "children did not all end: $(cat "$SCRATCH/children")"
awk -v max=$MAX '
	$1 == "start" {
		if ($3 in busy) { print "two at once on " $3; bad = 1 }
		if ($3 in last && $2 <= last[$3]) {
			print "device order broken on " $3; bad = 1
		}
		busy[$3] = 1; last[$3] = $2
		if (++n > peak) peak = n
	}
	$1 == "end" { delete busy[$3]; n-- }
	END {
		print "peak concurrency " peak " (limit " max ")"
		if (peak != max) bad = 1
		exit bad
	}' "$SCRATCH/children" || fail "concurrency: $(cat "$SCRATCH/children")"
# Events of one device keep their order; those of others overtake them
# while their commands run.
awk -v f="$first" '$1 > f { if ($3 in p && $1 <= p[$3]) bad = 1; p[$3] = $1 }
	END { exit bad }' "$SCRATCH/events2" || fail "per-device order with children"
stop_daemon
