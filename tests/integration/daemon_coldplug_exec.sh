#!/bin/sh
# --coldplug --once with a command per device ends, with every device
# handled once, nothing lost and no resynchronization: a command that
# holds an event back holds back that device's family only, and a queue
# of events that wait is no reason to drop any (issue 19).
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink
[ -r /sys/kernel/uevent_seqnum ] || skip "no /sys/kernel/uevent_seqnum"

mkdir -p "$SCRATCH/root/etc"
cp /etc/passwd /etc/group "$SCRATCH/root/etc/"
# The coldplug writes to every uevent file under /sys/devices; a few
# (kobjects of no bus or class, such as /devices/faux) announce nothing.
# Every device with a node must be among those handled.
nfiles=$(find /sys/devices -name uevent -type f | wc -l)
for d in /sys/dev/char/* /sys/dev/block/*; do
	p=$(cd -P "$d" && pwd); echo "${p#/sys}"
done | sort -u >"$SCRATCH/expected"

# The recording handler logs each add event, without running anything.
record='on({ ACTION = "add" }, function(ev) log.info("recorded %s", ev.DEVPATH) end)'
modalias_true='on({ ACTION = "add", MODALIAS = present }, function(ev) exec(ev, { "/bin/true" }) end)'
modalias_sleep='on({ ACTION = "add", MODALIAS = present }, function(ev) exec(ev, { "/bin/sleep", "0.05" }) end)'
every_true='on({}, function(ev) exec(ev, { "/bin/true" }) end)'

# run NAME HANDLER [OPTIONS...]: one --coldplug --once run and its checks.
run() {
	name=$1 handler=$2
	shift 2
	conf="$SCRATCH/conf.$name"
	mkdir -p "$conf"
	printf '%s\n' "$record" >"$conf/00-record.lua"
	printf '%s\n' "$handler" >"$conf/10-exec.lua"
	rm -rf "$SCRATCH/root/dev"
	s0=$(cat /sys/kernel/uevent_seqnum)
	t0=$(date +%s%N)
	rc=0
	timeout 60 "$HOTPLUG2" -f -v --root "$SCRATCH/root" --config-dir "$conf" \
	    --alias-file /dev/null --coldplug --once "$@" \
	    2>"$SCRATCH/$name.err" || rc=$?
	t1=$(date +%s%N)
	s1=$(cat /sys/kernel/uevent_seqnum)
	sed -n 's/^hotplug2: recorded //p' "$SCRATCH/$name.err" | sort \
	    >"$SCRATCH/$name.seen"
	handled=$(lines "$SCRATCH/$name.seen")
	distinct=$(uniq "$SCRATCH/$name.seen" | wc -l | tr -d ' ')
	summary=$(grep 'events handled, ' "$SCRATCH/$name.err" || true)
	echo "$name: rc $rc, $(( (t1 - t0) / 1000000 )) ms, $handled adds" \
	    "handled ($distinct devices) of $nfiles uevent files, SEQNUM" \
	    "+$((s1 - s0)); $summary"
	[ $rc != 124 ] || fail "$name: --coldplug --once did not end in 60 s" \
	    "($(grep -c 'resynchronizing' "$SCRATCH/$name.err") resynchronizations)"
	[ $rc = 0 ] || fail "$name: exit status $rc"
	[ "$handled" = "$distinct" ] || fail "$name: a device handled twice:" \
	    "$(uniq -d "$SCRATCH/$name.seen" | head -3)"
	missing=$(comm -23 "$SCRATCH/expected" "$SCRATCH/$name.seen" | head -3)
	[ -z "$missing" ] || fail "$name: not handled: $missing"
	# At most one add per event the kernel made during the run (other
	# listeners' work may add a few events of their own).
	[ "$handled" -le $((s1 - s0)) ] ||
		fail "$name: $handled adds handled, the kernel made $((s1 - s0)) events"
	[ $((s1 - s0)) -le $((2 * nfiles)) ] ||
		fail "$name: the kernel emitted $((s1 - s0)) events for $nfiles devices"
	grep -q 'resynchronizing' "$SCRATCH/$name.err" &&
		fail "$name: resynchronized: $(grep resynchronizing "$SCRATCH/$name.err" | head -1)"
	echo "$summary" | grep -q ' 0 lost,' ||
		fail "$name: events lost: $summary"
	if grep -q 'not running\|too many commands' "$SCRATCH/$name.err"; then
		fail "$name: a command was refused: $(grep -m1 'not running\|too many commands' "$SCRATCH/$name.err")"
	fi
}

run modalias-true "$modalias_true"
run modalias-sleep "$modalias_sleep"
run every-true-1 "$every_true" --max-children 1
# In the foreground the coldplug starts before the scripts load, so the
# kernel announces the devices meanwhile (the socket holds them); every
# device is still handled once, nothing lost (the checks of run).
run early-start 'on({ ACTION = "none" }, function() end)' -v
c=$(grep -n 'started .*hotplug2-coldplug\[' "$SCRATCH/early-start.err" | head -1 | cut -d: -f1)
l=$(grep -n 'scripts loaded: ' "$SCRATCH/early-start.err" | head -1 | cut -d: -f1)
[ -n "$c" ] && [ -n "$l" ] || fail "early-start: no debug line for the coldplug ($c) or the scripts ($l)"
[ "$c" -lt "$l" ] || fail "early-start: the coldplug started after the scripts loaded (log lines $c, $l)"

