# Guest side of the UML harness proof: a shell logger set as the kernel's
# hotplug helper (a stand-in for hotplug2-dnode) and hotplug2 monitor on
# netlink both watch a disk being hot-added and hot-removed from the host;
# every event must reach both, with the same variables.
hp2=$BUILD_DIR/hotplug2
[ -x "$hp2" ] || e2e_fail "no $hp2"

mkdir -p /run/helper /run/netlink
cat >/run/helper.sh <<'EOS'
#!/bin/sh
# One file per event: the kernel's variables, sorted, without those the
# kernel adds for every helper (HOME, PATH) and those the shell adds (PWD).
env | grep -v -e '^HOME=' -e '^PATH=' -e '^PWD=' | sort >/run/helper/.$SEQNUM
echo "ARGV1=$1" >>/run/helper/.$SEQNUM
mv /run/helper/.$SEQNUM /run/helper/$SEQNUM
EOS
chmod +x /run/helper.sh
echo /run/helper.sh >/proc/sys/kernel/hotplug

"$hp2" monitor >/run/monitor.out 2>/run/monitor.err &
monitor=$!
# The monitor is listening once it shows an event we trigger ourselves.
listening() {
	echo change >/sys/class/mem/null/uevent
	grep -q "change /devices/virtual/mem/null (mem)" /run/monitor.out
}
e2e_wait 10 listening || e2e_fail "hotplug2 monitor did not start"
read -r first </sys/kernel/uevent_seqnum
first=$((first + 1))

e2e_signal ready
e2e_wait 30 test -b /dev/ubdb || e2e_fail "ubdb did not appear in devtmpfs"
ls -l /dev/ubdb
e2e_signal added
e2e_wait 30 test ! -e /sys/block/ubdb || e2e_fail "ubdb was not removed"
e2e_wait 10 test ! -e /dev/ubdb || e2e_fail "/dev/ubdb stayed"

# Helpers run asynchronously: wait until each event has its file.
read -r last </sys/kernel/uevent_seqnum
all_helpers_done() {
	s=$first
	while [ "$s" -le "$last" ]; do
		[ -e "/run/helper/$s" ] || return 1
		s=$((s + 1))
	done
}
e2e_wait 10 all_helpers_done || e2e_fail "a helper run is missing"
all_monitored() { grep -q "^$last " /run/monitor.out; }
e2e_wait 10 all_monitored || e2e_fail "the monitor missed the last event"
kill "$monitor"
wait "$monitor"

# The monitor prints "SEQNUM ACTION DEVPATH (SUBSYSTEM)", then KEY=VALUE
# lines, then an empty line: split it into one sorted file per event.
awk -v dir=/run/netlink '
	/^[0-9]+ / { seq = $1; next }
	/^$/ { if (seq != "") close(dir "/" seq); seq = ""; next }
	seq != "" { print > (dir "/" seq) }
' /run/monitor.out
events=0 same=0
s=$first
while [ "$s" -le "$last" ]; do
	[ -e "/run/netlink/$s" ] || e2e_fail "netlink missed SEQNUM $s"
	sort -o "/run/netlink/$s" "/run/netlink/$s"
	sub=$(sed -n 's/^SUBSYSTEM=//p' "/run/netlink/$s")
	grep -qx "ARGV1=$sub" "/run/helper/$s" ||
	    e2e_fail "SEQNUM $s: the helper's argv[1] is not $sub"
	if grep -v '^ARGV1=' "/run/helper/$s" | cmp -s - "/run/netlink/$s"; then
		same=$((same + 1))
	else
		echo "SEQNUM $s differs (helper, netlink):"
		grep -v '^ARGV1=' "/run/helper/$s" | diff - "/run/netlink/$s"
	fi
	events=$((events + 1))
	echo "event $s: $(sed -n 's/^ACTION=//p' "/run/netlink/$s")" \
	    "$(sed -n 's/^DEVPATH=//p' "/run/netlink/$s") ($sub)"
	s=$((s + 1))
done
echo "compared $events events (SEQNUM $first..$last): helper and netlink" \
    "identical in $same"
[ "$events" -ge 8 ] || e2e_fail "expected at least 8 events, saw $events"
[ "$same" = "$events" ] || e2e_fail "the helper and netlink disagree"
