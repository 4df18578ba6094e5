#!/bin/sh
# Under a burst of real kernel events (20,000 by default, BURST_EVENTS), with hotplug2 and the
# default scripts as the only device manager of a mount namespace (tmpfs /dev and /run, --udev):
#   - a libudev monitor on "udev" (the system's libudev1, udev_monitor_new_from_netlink with a
#     128 MiB receive buffer) receives every event the daemon handled exactly once, in SEQNUM
#     order, the same SEQNUMs a libudev monitor on "kernel" received from the kernel;
#   - afterwards udev's database holds exactly one entry per present device: every device
#     libudev's enumerator finds in /sys (those with a subsystem, which are the ones the
#     kernel announces and coldplug adds) is initialized, and no other entry exists.
. "$(dirname "$0")/lib.sh"
need_root
need_uevent_netlink
LISTEN=$BUILD_DIR/udev-listen
BURST=$BUILD_DIR/uevent-burst
N=${BURST_EVENTS:-20000}
SENTINEL=/devices/virtual/mem/full
[ -x "$LISTEN" ] || skip "no $LISTEN: install libudev-dev (scripts/deps.sh) and build again"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace"

# No network namespace of its own, as in udev_clients.sh: the daemon must see every event.
if [ -z "${HP2_UDEV_NS:-}" ]; then
	HP2_UDEV_NS=1 unshare -m --propagation private sh "$0" && rc=0 || rc=$?
	exit $rc
fi
mount -t tmpfs -o mode=0755 hp2-burst-dev /dev
mknod -m 0666 /dev/null c 1 3
mount -t tmpfs -o mode=0755 hp2-burst-run /run
S=$SCRATCH

pids=""
stop_all() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
}
cleanup_hooks="stop_all"

# The system's device manager: --coldplug first, as at boot.
"$HOTPLUG2" -f -v -c "$SOURCE_DIR/lua/defaults" --udev --coldplug --modprobe /bin/true \
    --ready-fd 3 3>"$S/ready" 2>"$S/hp.err" &
HP=$!
pids="$HP"
wait_for 120 test -s "$S/ready" || { cat "$S/hp.err" >&2; fail "hotplug2 did not get ready"; }
cold=$(sed -n 's/.*coldplug done: \([0-9]*\) events handled.*/\1/p' "$S/hp.err" | tail -1)

"$LISTEN" monitor kernel "$S/kernel.txt" "$S/kernel.ready" >"$S/kernel.res" 2>"$S/kernel.err" &
KM=$!
"$LISTEN" monitor udev "$S/udev.txt" "$S/udev.ready" "$S/udev.done" "$SENTINEL" \
    >"$S/udev.res" 2>"$S/udev.err" &
UM=$!
pids="$KM $UM $HP"
wait_for 10 test -e "$S/kernel.ready" || fail "the kernel monitor did not start: $(cat "$S/kernel.err")"
wait_for 10 test -e "$S/udev.ready" || fail "the udev monitor did not start: $(cat "$S/udev.err")"

# N "add" events round-robin over /sys/dev's devices, then the sentinel's: once the udev monitor
# has it, the daemon has handled the burst.
out=$(timeout 300 "$BURST" -a add -n "$N" -l "/sys$SENTINEL/uevent" -w "$S/udev.done") ||
	fail "the sentinel never reached the udev monitor: $(wc -l <"$S/udev.txt") events did"
set -- $out
first=$1 last=$2 writes=$3 ms=$4
[ "$writes" = $((N + 1)) ] || fail "the generator wrote $writes of $((N + 1))"
# Room for a late duplicate to arrive: none may.
sleep 1
kill -TERM "$KM" "$UM"
wait "$KM" || fail "the kernel monitor failed: $(cat "$S/kernel.err")"
wait "$UM" || fail "the udev monitor failed: $(cat "$S/udev.err")"
set -- $(cat "$S/kernel.res")
k_enobufs=$2
set -- $(cat "$S/udev.res")
u_enobufs=$2

# libudev's view of the database, while the daemon still runs.
"$LISTEN" enumerate >"$S/enum.txt" || fail "udev-listen enumerate failed"
ls /run/udev/data >"$S/entries.txt"

kill -TERM "$HP"
wait "$HP" || true
pids=""
total=$(sed -n 's/.*: \([0-9]*\) events handled, \([0-9]*\) lost, \([0-9]*\) resync.*/\1 \2 \3/p' "$S/hp.err")
set -- $total
[ $# = 3 ] || fail "no totals in the daemon's log: $(tail -3 "$S/hp.err")"
handled=$(( $1 - cold )) lost=$2 resyncs=$3
d_enobufs=$(sed -n 's/.*netlink: [0-9]* accepted, \([0-9]*\) lost to ENOBUFS.*/\1/p' "$S/hp.err")

rc=0
echo "burst: $writes writes in $ms ms, SEQNUM $((first + 1))..$last"
echo "daemon: $handled events handled after its coldplug ($cold), $lost lost, $resyncs resynchronizations, ${d_enobufs:-?} ENOBUFS"
echo "monitors: kernel $k_enobufs ENOBUFS, udev $u_enobufs ENOBUFS"
[ "$lost" = 0 ] && [ "$resyncs" = 0 ] && [ "${d_enobufs:-x}" = 0 ] ||
	{ echo "the daemon lost kernel events"; rc=1; }
[ "$k_enobufs" = 0 ] || { echo "the kernel monitor lost events"; rc=1; }
[ "$u_enobufs" = 0 ] || { echo "the udev monitor lost events (its buffer overflowed)"; rc=1; }

# Every SEQNUM from the burst's first on: the kernel's list against the broadcast's.
awk -v first="$first" -v last="$last" -v handled="$handled" '
	FNR == 1 { file++ }
	$1 <= first { next }
	file == 1 { k[$1] = 1; nk++; if ($1 <= last) inburst++ }
	file == 2 {
		nu++
		if (u[$1]++) { dup++; if (dup <= 5) print "broadcast twice: SEQNUM " $1 }
		if (prev != "" && $1 + 0 <= prev + 0) {
			order++; if (order <= 5) print "out of order: SEQNUM " $1 " after " prev
		}
		prev = $1
		if (!($1 in k)) { extra++; if (extra <= 5) print "not a kernel event: SEQNUM " $1 }
	}
	END {
		for (s in k) if (!(s in u)) {
			miss++; if (miss <= 5) print "never broadcast: SEQNUM " s
		}
		printf "kernel monitor: %d events (%d of the burst'"'"'s %d); udev monitor: %d events, %d missing, %d duplicated, %d out of order, %d not from the kernel; daemon handled %d\n",
		    nk, inburst, last - first, nu, miss, dup, order, extra, handled
		bad = miss + dup + order + extra > 0 || inburst != last - first || nk != nu ||
		    nu != handled
		exit bad
	}' "$S/kernel.txt" "$S/udev.txt" || rc=1

# One entry per present device: libudev finds each enumerated device's entry (it computes the
# id itself), and the entries are exactly the ids of those devices.
devices=$(wc -l <"$S/enum.txt")
uninit=$(awk '$2 != 1' "$S/enum.txt" | wc -l)
awk '$2 != 1 { print "not initialized: " $3 }' "$S/enum.txt" | head -5
awk '{ print $1 }' "$S/enum.txt" | sort >"$S/ids.txt"
sort -o "$S/entries.txt" "$S/entries.txt"
dupids=$(uniq -d "$S/ids.txt" | wc -l)
extra=$(comm -13 "$S/ids.txt" "$S/entries.txt" | wc -l)
missing=$(comm -23 "$S/ids.txt" "$S/entries.txt" | wc -l)
comm -13 "$S/ids.txt" "$S/entries.txt" | head -5 | sed 's/^/entry of no present device: /'
comm -23 "$S/ids.txt" "$S/entries.txt" | head -5 | sed 's/^/no entry: /'
echo "database: $(wc -l <"$S/entries.txt") entries; libudev enumerates $devices devices in /sys, $uninit not initialized; $missing without an entry, $extra entries of no present device, $dupids ids shared"
[ "$uninit" = 0 ] && [ "$extra" = 0 ] && [ "$missing" = 0 ] && [ "$dupids" = 0 ] || rc=1

if [ $rc != 0 ]; then
	cp "$S/kernel.txt" "$S/udev.txt" "$S/hp.err" "$S/enum.txt" /tmp/ 2>/dev/null || true
	fail "the burst's count does not hold (copies in /tmp/kernel.txt, udev.txt, hp.err, enum.txt)"
fi
echo "PASS: every handled event broadcast once and in order; one database entry per present device"
