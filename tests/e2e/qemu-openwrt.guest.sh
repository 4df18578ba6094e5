# Boot with a command per event (issue: a coldplug with a command per device
# must end): Debian's cloud kernel, hotplug2 --coldplug --once with the default
# scripts and OpenWrt's /etc/hotplug.d hook (90-openwrt.lua) enabled for
# block, net and tty, each running shell fragments for every event of its
# subsystem. The coldplug ends, every device of those subsystems ran its
# fragments exactly once, and the kernel's SEQNUM advanced by at most twice
# the number of uevent files (one coldplug, at most one resynchronization).
seq0=$(cat /sys/kernel/uevent_seqnum)
t0=$(e2e_uptime)
timeout 120 hotplug2 -f -v -C -o -c /etc/hotplug2 >/run/coldplug.out \
    2>/run/coldplug.err ||
    e2e_fail "hotplug2 --coldplug --once failed or did not end: $(tail -n 5 /run/coldplug.err)"
t1=$(e2e_uptime)
seq1=$(cat /sys/kernel/uevent_seqnum)
echo "coldplug (hotplug2 --coldplug --once, OpenWrt hooks): from $t0 s to $t1 s of uptime"

# What the hook should have seen: every device under /sys/devices whose
# subsystem is one the fragments exist for.
: >/run/expected
nfiles=0
for f in $(find /sys/devices -name uevent); do
	nfiles=$((nfiles + 1))
	d=${f%/uevent}
	[ -L "$d/subsystem" ] || continue
	s=$(basename "$(readlink "$d/subsystem")")
	case $s in
	block|net|tty) echo "$s add ${d#/sys}" >>/run/expected ;;
	esac
done
sort /run/expected >/run/expected.sorted
sort /run/hotplug.log >/run/seen.sorted
nexp=$(wc -l </run/expected.sorted)
nseen=$(wc -l </run/seen.sorted)
dups=$(uniq -d /run/seen.sorted | wc -l)
[ "$nexp" -gt 0 ] || e2e_fail "no block, net or tty device found"
[ "$dups" = 0 ] || e2e_fail "$dups events ran their fragments more than once: $(uniq -d /run/seen.sorted | head -n 3)"
# busybox has no comm: the expected lines that were never seen.
grep -vxF -f /run/seen.sorted /run/expected.sorted >/run/missing
[ ! -s /run/missing ] ||
    e2e_fail "$(wc -l </run/missing) devices never ran their fragments: $(head -n 3 /run/missing)"
nsecond=$(wc -l </run/hotplug.second)
nblocktty=$(grep -c '^block \|^tty ' /run/expected.sorted)
[ "$nsecond" = "$nblocktty" ] ||
    e2e_fail "the second fragment ran $nsecond times for $nblocktty block and tty events"
grep -q ' 0 dropped' /run/coldplug.err ||
    e2e_fail "events were dropped: $(grep dropped /run/coldplug.err | tail -n 1)"
span=$((seq1 - seq0))
[ "$span" -le $((2 * nfiles)) ] ||
    e2e_fail "SEQNUM advanced by $span for $nfiles uevent files"
echo "hooks: $nseen events ran their fragments once each (expected $nexp: block, net, tty), second fragment $nsecond times"
echo "SEQNUM advanced by $span for $nfiles uevent files; $(grep -o '[0-9]* resynchronizations' /run/coldplug.err | tail -n 1)"
[ -b /dev/vda ] || e2e_fail "no block device /dev/vda"
