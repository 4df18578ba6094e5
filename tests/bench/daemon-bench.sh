#!/bin/sh
# Benchmark of the daemon against busybox mdev -d and a bare netlink
# listener, on the same burst of real kernel uevents, in one run.  It
# prints figures and asserts nothing.  As root:
#
#	sh tests/bench/daemon-bench.sh [BUILD_DIR] [COUNT...]
#
# Each burst writes "add" round-robin to the uevent file of every device
# under /sys/dev but one, COUNT times, then "add" to that one, /sys/class/mem/full
# (the sentinel: its node was removed before, so the burst is handled when
# the node is back; for the bare listener, when it receives that event).
# CPU is the cpuacct.usage of a cgroup (v1) the daemon was in before it
# forked; memory is its VmHWM.  See docs/PERFORMANCE.md.
#
# HP2_BENCH_ROWS=hotplug2 leaves out busybox mdev and the bare listener
# (the udev rows of docs/PERFORMANCE.md, several runs in a row).
#
# HP2_ALIAS_FILE names a modules.alias for the daemon (--alias-file), so
# its peak RSS includes a real alias index: the alias oracle test caches
# Debian's under /var/cache/hotplug2/kmod-oracle.  It is used when present.
set -eu

B=${1:-build}
[ $# -gt 0 ] && shift
COUNTS=${*:-10000 50000}
ROWS=${HP2_BENCH_ROWS:-all}
ALIAS=${HP2_ALIAS_FILE:-$(ls /var/cache/hotplug2/kmod-oracle/root/lib/modules/*/modules.alias 2>/dev/null | head -1)}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$B" && pwd)
for p in hotplug2 uevent-burst nl-count; do
	[ -x "$B/$p" ] || { echo "no $B/$p: build first" >&2; exit 1; }
done
command -v busybox >/dev/null || { echo "no busybox" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
CGROOT=/sys/fs/cgroup/cpuacct
[ -f $CGROOT/cpuacct.usage ] || { echo "no cgroup v1 cpuacct" >&2; exit 1; }

W=$(mktemp -d /tmp/hp2bench.XXXXXX)
CG=""
RUN=0
SENTINEL=/sys/class/mem/full/uevent
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null || true
	sleep 0.2
	rmdir "$CGROOT"/hp2bench.$$.* 2>/dev/null || true
	umount "$W/root" 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT

# A fresh cgroup per run: the last one may still hold an exiting process.
cg_new() {
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null || true
	RUN=$((RUN + 1))
	CG=$CGROOT/hp2bench.$$.$RUN
	mkdir "$CG"
}
hwm() {
	awk '/^VmHWM/ { print $2 }' "/proc/$1/status"
}
# row NAME COUNT MS CPU_NS HANDLED LOST HWM_KB
row() {
	awk -v name="$1" -v n="$2" -v ms="$3" -v cpu="$4" -v h="$5" \
	    -v lost="$6" -v kb="$7" 'BEGIN {
		ev = n + 1
		printf "| %-34s | %6d | %9.0f | %8s | %7s | %-13s | %s |\n",
		    name, n, ev * 1000 / ms,
		    cpu == "-" ? "-" : sprintf("%.2f", cpu / 1000 / ev),
		    kb == "-" ? "-" : sprintf("%.1f", kb / 1024), h " of " ev,
		    lost
	}'
}

# The policy every daemon gets: the nodes of lua/defaults/30-nodes.lua.
# hotplug2's --root is a tmpfs, as mdev's /dev is.
mkdir -p "$W/etc" "$W/root" "$W/one"
mount -t tmpfs -o mode=755 tmpfs "$W/root"
mkdir -p "$W/root/etc"
# mdev reads /etc/mdev.conf: a copy of /etc with ours goes over /etc in
# its namespace (a copy, since /etc holds what the tools there need).
cp -a /etc/. "$W/etc/"
cp /etc/passwd /etc/group "$W/root/etc/"
gid() {
	getent group "$1" | cut -d: -f3 | grep . || echo 0
}
cat >"$W/etc/mdev.conf" <<EOC
null 0:0 666
zero 0:0 666
full 0:0 666
random 0:0 666
urandom 0:0 666
tty 0:$(gid tty) 666
ptmx 0:$(gid tty) 666
net/tun 0:0 666
fuse 0:0 666
kvm 0:$(gid kvm) 660
vhost-net 0:$(gid kvm) 660
mem 0:$(gid kmem) 640
kmem 0:$(gid kmem) 640
port 0:$(gid kmem) 640
console 0:0 600
loop-control 0:$(gid disk) 660
SUBSYSTEM=tty;tty[0-9]+ 0:$(gid tty) 620
SUBSYSTEM=tty;tty[A-Z].* 0:$(gid dialout) 660
SUBSYSTEM=vc;vcs.* 0:$(gid tty) 620
SUBSYSTEM=block;sr[0-9]+ 0:$(gid cdrom) 660
SUBSYSTEM=block;.* 0:$(gid disk) 660
SUBSYSTEM=sound;.* 0:$(gid audio) 660
SUBSYSTEM=input;.* 0:$(gid input) 660
SUBSYSTEM=video4linux;.* 0:$(gid video) 660
SUBSYSTEM=drm;render.* 0:$(gid render) 666
SUBSYSTEM=drm;.* 0:$(gid video) 660
SUBSYSTEM=usb;.* 0:0 664
SUBSYSTEM=printer;.* 0:$(gid lp) 660
SUBSYSTEM=scsi_generic;.* 0:$(gid disk) 660
SUBSYSTEM=rtc;.* 0:0 644
.* 0:0 600
EOC
# The smallest script: one handler, for the sentinel only.
cat >"$W/one/10-sentinel.lua" <<'EOC'
on({ ACTION = "add", DEVPATH = "/devices/virtual/mem/full" }, function(ev)
	make_node(ev, { mode = "0666" })
end)
EOC

bare() {
	n=$1
	cg_new
	rm -f "$W/ready" "$W/done"
	sh -c 'echo $$ >"$1/tasks"; shift; exec "$@"' sh "$CG" \
	    "$B/nl-count" "$W/ready" "$W/done" /devices/virtual/mem/full \
	    >"$W/bare.out" &
	PID=$!
	while [ ! -e "$W/ready" ]; do sleep 0.01; done
	set -- $("$B/uevent-burst" -a add -n "$n" -l $SENTINEL -w "$W/done")
	ms=$4
	wait $PID || true
	PID=""
	set -- $(cat "$W/bare.out")
	row "bare netlink listener (ceiling)" "$n" "$ms" - "$1" "$2 ENOBUFS" -
}

# hotplug2 NAME N CONFIG_DIR [OPTION...]
hp2() {
	name=$1 n=$2 conf=$3
	shift 3
	cg_new
	rm -rf "$W/root/dev" "$W/hp2.err"
	mkdir -p "$W/root/dev"
	: >"$W/hp2.ready"
	sh -c 'echo $$ >"$1/tasks"; shift; exec "$@"' sh "$CG" \
	    "$B/hotplug2" -f -v -c "$conf" --root "$W/root" \
	    --modprobe /bin/true ${ALIAS:+--alias-file "$ALIAS"} \
	    --ready-fd 3 "$@" 3>"$W/hp2.ready" \
	    2>"$W/hp2.err" &
	PID=$!
	while [ ! -s "$W/hp2.ready" ]; do sleep 0.01; done
	u0=$(cat "$CG/cpuacct.usage")
	set -- $("$B/uevent-burst" -a add -n "$n" -l $SENTINEL \
	    -w "$W/root/dev/full")
	ms=$4
	u1=$(cat "$CG/cpuacct.usage")
	kb=$(hwm $PID)
	kill $PID
	wait $PID || true
	PID=""
	h=$(sed -n 's/.*: \([0-9]*\) events handled.*/\1/p' "$W/hp2.err")
	lost=$(sed -n 's/.*, \([0-9][0-9]*\) lost to ENOBUFS.*/\1/p' \
	    "$W/hp2.err")
	row "$name" "$n" "$ms" $((u1 - u0)) "$h" "${lost:-?} ENOBUFS" "$kb"
}

# mdev N FLAGS: busybox mdev -d with FLAGS (-v logs a line per event,
# which is how its events are counted; without it, only the sentinel says
# the burst was handled).
mdev() {
	n=$1 flags=$2
	cg_new
	rm -f "$W/mdev.log" "$W/mdev.res"
	# Everything in a private mount namespace: a tmpfs on /dev, our
	# mdev.conf over /etc.  Background jobs there need a /dev/null.
	unshare -m --propagation private sh -s "$B" "$W" "$CG" "$n" \
	    "$SENTINEL" "$flags" <<'EOS'
B=$1 W=$2 CG=$3 n=$4 SENTINEL=$5 flags=$6
mount -t tmpfs tmpfs /dev
mknod -m 666 /dev/null c 1 3
mount --bind "$W/etc" /etc
sh -c 'echo $$ >"$1/tasks"; exec busybox mdev $2' sh "$CG" "$flags" \
    2>"$W/mdev.log" &
pid=$!
# mdev -d first scans /sys (like -s): wait until the scan is over.
while [ ! -e /dev/zero ] || [ ! -e /dev/full ]; do sleep 0.01; done
sleep 0.5
rm -f /dev/full
: >"$W/mdev.log"
u0=$(cat "$CG/cpuacct.usage")
set -- $("$B/uevent-burst" -a add -n "$n" -l "$SENTINEL" -w /dev/full)
ms=$4
u1=$(cat "$CG/cpuacct.usage")
kb=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status)
kill $pid
wait $pid 2>/dev/null
echo "$ms $((u1 - u0)) $kb" >"$W/mdev.res"
EOS
	set -- $(cat "$W/mdev.res")
	if [ "$flags" = -dfv ]; then
		h=$(grep -c "ACTION:" "$W/mdev.log" || true)
		row "busybox mdev -d -v (a line/event)" "$n" "$1" "$2" "$h" \
		    - "$3"
	else
		row "busybox mdev -d" "$n" "$1" "$2" "sentinel" - "$3"
	fi
}

echo "hotplug2 $("$B/hotplug2" --version | cut -d' ' -f2), \
$(busybox 2>&1 | head -1 | cut -d' ' -f1-2), kernel $(uname -r), \
$(nproc) CPUs, $(ls /sys/dev/char /sys/dev/block | wc -l) devices in /sys/dev"
[ -n "$ALIAS" ] && echo "hotplug2's alias index: $ALIAS ($(grep -c '^alias ' "$ALIAS") patterns)"
echo
echo "| who | burst | events/s | CPU µs/event | peak RSS MB | handled | lost |"
echo "|---|---|---|---|---|---|---|"
for n in $COUNTS; do
	[ "$ROWS" = hotplug2 ] || bare "$n"
	hp2 "hotplug2, default scripts" "$n" "$SRC/lua/defaults"
	hp2 "hotplug2, default scripts, --no-udev" "$n" "$SRC/lua/defaults" --no-udev
	# The broadcast reaches libudev clients on the host too, as udev_clients.sh's does.
	hp2 "hotplug2, default scripts, --udev" "$n" "$SRC/lua/defaults" --udev
	hp2 "hotplug2, defaults, --udev --rebroadcast 3" "$n" "$SRC/lua/defaults" --udev \
	    --rebroadcast 3
	hp2 "hotplug2, one-handler script" "$n" "$W/one"
	[ "$ROWS" = hotplug2 ] && continue
	mdev "$n" -df
	mdev "$n" -dfv
done
[ "$ROWS" = hotplug2 ] && exit 0

# Coldplug: hotplug2 --coldplug --once on this machine, from start to
# exit (every device handled), with a fresh --root each time; the median
# of five runs, beside hotplug2-coldplug alone (the kernel's share).
ms_of() {
	s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
	echo $(( (e - s) / 1000 ))
}
median() {
	sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}
cold() {
	for i in 1 2 3 4 5; do
		rm -rf "$W/root/dev"
		ms_of "$B/hotplug2" -f --root "$W/root" -c "$1" \
		    --modprobe /bin/true --coldplug --once
	done | median
}
mkdir -p "$W/empty"
echo
echo "| coldplug of this machine ($(find /sys/devices -name uevent | wc -l) uevent files) | wall ms (median of 5) |"
echo "|---|---|"
echo "| hotplug2 --coldplug --once, default scripts, fresh --root | $(cold "$SRC/lua/defaults") |"
echo "| hotplug2 --coldplug --once, no scripts | $(cold "$W/empty") |"
echo "| hotplug2-coldplug alone (the kernel's emission) | $(for i in 1 2 3 4 5; do ms_of "$B/hotplug2-coldplug"; done | median) |"
