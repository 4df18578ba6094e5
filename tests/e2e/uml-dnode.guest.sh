# hotplug2-dnode as the kernel's real helper (issue 9): the kernel multicasts
# every event on netlink and runs dnode for it, which multicasts its own copy
# with the same SEQNUM. A disk is hot-added and removed; every one of its
# events must reach the daemon's scripts exactly once and in SEQNUM order,
# and dnode's copy must carry the kernel's header, SUBSYSTEM, DEVNAME, MAJOR,
# MINOR and MODALIAS.
hp2=$BUILD_DIR/hotplug2
dnode=$BUILD_DIR/hotplug2-dnode
[ -x "$hp2" ] || e2e_fail "no $hp2"
[ -x "$dnode" ] || e2e_fail "no $dnode"

mkdir -p /run/conf
cat >/run/conf/50-record.lua <<'EOS'
-- Records every event the scripts are handed, one line each.
on({}, function(ev)
	log.warn("E2E-EVENT %s %s %s", ev.SEQNUM or "-", ev.ACTION, ev.DEVPATH)
end)
EOS

# The monitor shows both copies of each event (the kernel's and dnode's).
"$hp2" monitor >/run/monitor.out 2>/run/monitor.err &
monitor=$!
"$hp2" -f -c /run/conf -d 3 3>/run/ready >/run/daemon.out 2>/run/daemon.err &
daemon=$!
e2e_wait 20 test -s /run/ready || e2e_fail "the daemon never got ready:
$(cat /run/daemon.err)"
listening() {
	echo change >/sys/class/mem/null/uevent
	grep -q "change /devices/virtual/mem/null (mem)" /run/monitor.out
}
e2e_wait 10 listening || e2e_fail "hotplug2 monitor did not start"

echo "$dnode" >/proc/sys/kernel/hotplug
read -r first </sys/kernel/uevent_seqnum
first=$((first + 1))
e2e_signal ready
e2e_wait 30 test -e /sys/block/ubdb || e2e_fail "ubdb did not appear"
# The disk's parent is the platform device the driver made for it
# (/devices/platform/uml-blkdev.1); its remove is the last event of the
# hot-remove: remove bdi, remove block, unbind and remove platform.
disk=$(readlink -f /sys/block/ubdb) || e2e_fail "no /sys/block/ubdb link"
parent=${disk%/block/ubdb}
parent=${parent#/sys}
case $parent in
/devices/platform/*) ;;
*) e2e_fail "ubdb's parent is $parent, not a platform device" ;;
esac
e2e_signal added
# Both copies of that last event, the kernel's and dnode's, on the monitor,
# and the daemon's record of it. Waiting for the block device to go and then
# reading uevent_seqnum was the old race: the platform device's unbind and
# remove were sometimes not sent yet, and the test saw 6 events, not 8.
last_remove() {
	last=$(awk -v dp="$parent" '$2 == "remove" && $3 == dp &&
	    $4 == "(platform)" { n++; s = $1 } END { if (n >= 2) print s }' \
	    /run/monitor.out)
	[ -n "$last" ] && grep -q "E2E-EVENT $last remove " /run/daemon.err
}
e2e_wait 30 last_remove ||
    e2e_fail "the platform device $parent: no remove from both the kernel and dnode, or the daemon did not handle it"
# dnode runs concurrently and late: wait for both copies of every event.
all_copies() {
	awk -v first="$first" -v last="$last" '/^[0-9]+ / && $1 >= first &&
	    $1 <= last { n[$1]++ } END { for (s = first; s <= last; s++)
	    if (n[s] < 2) exit 1 }' /run/monitor.out
}
e2e_wait 20 all_copies || e2e_fail "not every SEQNUM of $first..$last came twice"
sleep 1
echo >/proc/sys/kernel/hotplug
kill "$monitor" "$daemon"
wait "$monitor" "$daemon"

# Monitor blocks: "SEQNUM ACTION DEVPATH (SUBSYSTEM)", KEY=VALUE lines, an
# empty line. Compare the two copies of each SEQNUM in first..last.
awk -v first="$first" -v last="$last" '
	/^[0-9]+ / { seq = $1 + 0; n = ++copies[seq]; head[seq, n] = $2 " " $3; next }
	/^$/ { seq = 0; next }
	seq >= first && seq <= last {
		k = substr($0, 1, index($0, "=") - 1)
		if (k ~ /^(SUBSYSTEM|DEVNAME|MAJOR|MINOR|MODALIAS)$/)
			val[seq, n, k] = substr($0, index($0, "=") + 1)
	}
	END {
		bad = 0
		for (s = first; s <= last; s++) {
			if (copies[s] != 2) {
				printf "SEQNUM %d: %d copies on netlink, not 2\n", s, copies[s]
				bad++
				continue
			}
			if (head[s, 1] != head[s, 2]) {
				printf "SEQNUM %d: headers differ: %s / %s\n", s, head[s, 1], head[s, 2]
				bad++
			}
			split("SUBSYSTEM DEVNAME MAJOR MINOR MODALIAS", keys, " ")
			for (i = 1; i <= 5; i++)
				if (val[s, 1, keys[i]] != val[s, 2, keys[i]]) {
					printf "SEQNUM %d: %s differs: \"%s\" / \"%s\"\n", s,
					    keys[i], val[s, 1, keys[i]], val[s, 2, keys[i]]
					bad++
				}
		}
		printf "netlink: %d events, each twice (kernel, dnode): %s\n",
		    last - first + 1, bad ? "MISMATCHES" : "header, SUBSYSTEM, DEVNAME, MAJOR, MINOR, MODALIAS equal"
		exit bad ? 1 : 0
	}' /run/monitor.out || e2e_fail "dnode's copies differ from the kernel's"

# The scripts' record: each SEQNUM of first..last exactly once, ascending.
awk -v first="$first" -v last="$last" '
	$2 == "E2E-EVENT" && $3 >= first && $3 <= last {
		seq = $3 + 0
		if (seen[seq]++) { printf "SEQNUM %d handled again\n", seq; bad++ }
		if (seq < prev) { printf "SEQNUM %d handled after %d\n", seq, prev; bad++ }
		prev = seq
		print "handled: " $3 " " $4 " " $5
	}
	END {
		for (s = first; s <= last; s++)
			if (!seen[s]) { printf "SEQNUM %d never handled\n", s; bad++ }
		printf "daemon: %d events handled once each, in SEQNUM order: %s\n",
		    last - first + 1, bad ? "NO" : "yes"
		exit bad ? 1 : 0
	}' /run/daemon.err || e2e_fail "the daemon did not handle every event once, in order"
[ $((last - first + 1)) -ge 8 ] ||
    e2e_fail "expected at least 8 events (add and remove), saw $((last - first + 1))"
