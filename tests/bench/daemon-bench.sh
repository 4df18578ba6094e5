#!/bin/sh
# Benchmark of the daemon against its peers on the same bursts of real
# kernel uevents, in one run: every row once per round, in the same order,
# then the median over the rounds and the ratio to a reference peer.  It
# prints figures and asserts nothing.  As root, holding the kernel lock
# (it writes uevent files):
#
#	flock /tmp/hp2-kernel.lock sh tests/bench/daemon-bench.sh [BUILD_DIR] [COUNT...]
#
# Each burst writes "add" round-robin to the uevent file of every device
# under /sys/dev but one, COUNT times, then "add" to that one,
# /sys/class/mem/full (the sentinel: its node was removed before, so the
# burst is handled when the node is back; for the bare listener, when it
# receives that event; for udevd, which makes no nodes, when `udevadm
# settle` returns).  CPU is the cpuacct.usage of a cgroup (v1) the daemon
# entered before it started, children included; memory is its VmHWM and
# VmRSS.  A daemon is started once per round and handles that round's
# bursts (one per COUNT) in turn.  See docs/PERFORMANCE.md.
#
# skarnet mdevd is not packaged here, and this script never fetches nor
# builds it: set HP2_MDEVD to a directory holding `mdevd` and
# `mdevd-coldplug` that you built yourself, elsewhere, from mdevd's
# published sources.  Without it the mdevd rows are skipped and the
# ratios are taken against busybox mdev -d (mdev -s for coldplug).
# systemd-udevd is used when /lib/systemd/systemd-udevd and udevadm exist
# (Debian's package udev), in a mount and network namespace of its own.
#
# Environment:
#	HP2_BENCH_ROUNDS	rounds (default 4)
#	HP2_BENCH_ROWS		rows to run, comma- or space-separated: bare,
#				mdevd, mdev, mdev-v, udevd, hp2, hp2-no-udev,
#				hp2-nodes, hp2-mdev, hp2-one, hp2-udev, hp2-rebroadcast;
#				or the groups default (all but the last two),
#				peers, hotplug2 (every hp2 row) and all
#	HP2_BENCH_COLD_RUNS	coldplug runs (default 5; 0 leaves the table out)
#	HP2_MDEVD		directory of a mdevd build (see above)
#	HP2_STATIC_BUILD	build directory made with -DHOTPLUG2_STATIC=ON
#	HP2_LUAJIT_BUILD	build directory made with -DHOTPLUG2_LUAJIT=ON:
#				the hp2 rows run for each of these builds too
#	HP2_ALIAS_FILE		modules.alias for the daemon's bursts (default:
#				the alias oracle's cache under /var/cache/hotplug2)
#	HP2_BENCH_RAW		a file to keep the raw records in
#	HP2_BENCH_VERBOSE	1: run hotplug2 with -v, which logs its totals
#				at exit (handled, ENOBUFS) but also a line per
#				node and link it makes, in every event
set -eu

B=${1:-build}
[ $# -gt 0 ] && shift
COUNTS=${*:-10000 50000}
ROUNDS=${HP2_BENCH_ROUNDS:-4}
COLD_RUNS=${HP2_BENCH_COLD_RUNS:-5}
MDEVD=${HP2_MDEVD:-}
HP2_V=""
[ "${HP2_BENCH_VERBOSE:-0}" = 1 ] && HP2_V=-v
ALIAS=${HP2_ALIAS_FILE:-$(ls /var/cache/hotplug2/kmod-oracle/root/lib/modules/*/modules.alias 2>/dev/null | head -1)}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$B" && pwd)
UDEVD=/lib/systemd/systemd-udevd
SENTINEL=/sys/class/mem/full/uevent
CGROOT=/sys/fs/cgroup/cpuacct

number() {
	case $2 in
	'' | *[!0-9]*) echo "$1: a whole number, not '$2'" >&2; exit 100 ;;
	esac
}
number HP2_BENCH_ROUNDS "$ROUNDS"
[ "$ROUNDS" -gt 0 ] || { echo "HP2_BENCH_ROUNDS: at least 1" >&2; exit 100; }
number HP2_BENCH_COLD_RUNS "$COLD_RUNS"
for n in $COUNTS; do
	number COUNT "$n"
done
for p in hotplug2 hotplug2-coldplug uevent-burst nl-count; do
	[ -x "$B/$p" ] || { echo "no $B/$p: build first" >&2; exit 1; }
done
command -v busybox >/dev/null || { echo "no busybox" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
[ -f $CGROOT/cpuacct.usage ] || { echo "no cgroup v1 cpuacct" >&2; exit 1; }

# Which rows: the groups spelled out, unknown names refused.
want=""
for r in $(echo "${HP2_BENCH_ROWS:-default}" | tr ',' ' '); do
	case $r in
	default) want="$want bare mdevd mdev mdev-v udevd hp2 hp2-no-udev hp2-nodes hp2-mdev hp2-one" ;;
	peers) want="$want bare mdevd mdev mdev-v udevd" ;;
	hotplug2) want="$want hp2 hp2-no-udev hp2-nodes hp2-mdev hp2-one hp2-udev hp2-rebroadcast" ;;
	all) want="$want bare mdevd mdev mdev-v udevd hp2 hp2-no-udev hp2-nodes hp2-mdev hp2-one hp2-udev hp2-rebroadcast" ;;
	bare | mdevd | mdev | mdev-v | udevd | hp2 | hp2-no-udev | hp2-nodes | hp2-mdev | hp2-one | hp2-udev | hp2-rebroadcast)
		want="$want $r" ;;
	*) echo "HP2_BENCH_ROWS: no row or group '$r'" >&2; exit 100 ;;
	esac
done
wanted() {
	case " $want " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# The peers that are there; a line for each one left out.
SKIPPED=""
skip() {
	SKIPPED="$SKIPPED$1
"
}
if [ -z "$MDEVD" ]; then
	skip "skarnet mdevd: skipped (HP2_MDEVD names no mdevd build)"
	MDEVD=""
elif [ ! -x "$MDEVD/mdevd" ] || [ ! -x "$MDEVD/mdevd-coldplug" ]; then
	skip "skarnet mdevd: skipped (no mdevd and mdevd-coldplug in $MDEVD)"
	MDEVD=""
fi
HAVE_UDEV=1
if [ ! -x $UDEVD ] || ! command -v udevadm >/dev/null; then
	skip "systemd-udevd: skipped (no $UDEVD or udevadm: Debian's package udev)"
	HAVE_UDEV=""
fi
# The hotplug2 builds: the one given, and the static and LuaJIT ones.
BUILDS="dyn"
build_dir() {
	case $1 in
	dyn) echo "$B" ;;
	static) echo "${HP2_STATIC_BUILD:-}" ;;
	luajit) echo "${HP2_LUAJIT_BUILD:-}" ;;
	esac
}
for v in static luajit; do
	d=$(build_dir $v)
	[ -n "$d" ] || continue
	if [ -x "$d/hotplug2" ] && [ -x "$d/hotplug2-coldplug" ]; then
		BUILDS="$BUILDS $v"
	else
		skip "hotplug2 $v: skipped (no hotplug2 and hotplug2-coldplug in $d)"
	fi
done

# The rows of a round, in their order.  A hotplug2 row is NAME@BUILD.
ROWLIST=""
for r in bare mdevd mdev mdev-v udevd; do
	wanted $r || continue
	[ $r = mdevd ] && [ -z "$MDEVD" ] && continue
	[ $r = udevd ] && [ -z "$HAVE_UDEV" ] && continue
	ROWLIST="$ROWLIST $r"
done
for r in hp2 hp2-no-udev hp2-nodes hp2-mdev hp2-one hp2-udev hp2-rebroadcast; do
	wanted $r || continue
	for v in $BUILDS; do
		ROWLIST="$ROWLIST $r@$v"
	done
done
if [ -n "$MDEVD" ]; then
	REF=mdevd REFNAME=mdevd
else
	REF=mdev REFNAME="mdev -d"
fi

label() {
	case $1 in
	*@static) b="hotplug2 static" ;;
	*@luajit) b="hotplug2 LuaJIT" ;;
	*) b=hotplug2 ;;
	esac
	case $1 in
	bare) echo "bare netlink listener (ceiling)" ;;
	mdevd) echo "skarnet mdevd" ;;
	mdev) echo "busybox mdev -d" ;;
	mdev-v) echo "busybox mdev -d -v (a line/event)" ;;
	udevd) echo "systemd-udevd, Debian's rules" ;;
	hp2@*) echo "$b, default scripts" ;;
	hp2-no-udev@*) echo "$b, default scripts, --no-udev" ;;
	hp2-nodes@*) echo "$b, nodes only, --no-udev" ;;
	hp2-mdev@*) echo "$b, mdev.conf's nodes, no links, --no-udev" ;;
	hp2-one@*) echo "$b, one-handler script" ;;
	hp2-udev@*) echo "$b, default scripts, --udev" ;;
	hp2-rebroadcast@*) echo "$b, defaults, --udev --rebroadcast 3" ;;
	cold-hp2@*) echo "$b --coldplug --once, default scripts" ;;
	cold-hp2-nodes@*) echo "$b --coldplug --once, nodes only, --no-udev" ;;
	cold-hp2-mdev@*) echo "$b --coldplug --once, mdev.conf's nodes, no links, --no-udev" ;;
	cold-hp2-empty@*) echo "$b --coldplug --once, no scripts" ;;
	cold-hp2cp) echo "hotplug2-coldplug alone (the kernel's emission)" ;;
	cold-mdevd) echo "mdevd + mdevd-coldplug -O 4" ;;
	cold-udev) echo "udevadm trigger --action=add + udevadm settle" ;;
	cold-mdev) echo "busybox mdev -s" ;;
	esac
}

W=$(mktemp -d /tmp/hp2bench.XXXXXX)
T=$W/t		# one tmpfs holds every target directory: roots and /devs
PIDS=""		# what is running now: daemons, monitors
CG=""
RUN=0
cleanup() {
	set +e
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	sleep 0.3
	for cg in "$CGROOT"/hp2bench.$$.*; do
		[ -d "$cg" ] || continue
		# What is left in our groups was started by this script.
		for t in $(cat "$cg/tasks" 2>/dev/null); do
			kill -9 "$t" 2>/dev/null
		done
		i=0
		while ! rmdir "$cg" 2>/dev/null && [ $i -lt 20 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
	umount "$T" 2>/dev/null
	rm -rf --one-file-system "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# A fresh cgroup per daemon: the last one may still hold an exiting process.
cg_new() {
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null || true
	RUN=$((RUN + 1))
	CG=$CGROOT/hp2bench.$$.$RUN
	mkdir "$CG"
}
status_kb() {
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null ||
	    echo -
}
now_us() {
	echo $(($(date +%s%N) / 1000))
}
lines() {
	if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}
# wait_for TEST ARG: poll TEST ARG for up to 30 s.  (Every helper has
# variables of its own name: sh has no local ones.)
wait_for() {
	wf_n=0
	while ! test "$1" "$2"; do
		wf_n=$((wf_n + 1))
		[ $wf_n -lt 3000 ] || { echo "timed out waiting for $2" >&2; return 1; }
		sleep 0.01
	done
}
stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	PIDS=$(echo " $PIDS " | sed "s/ $1 / /")
}
# A burst must end: a daemon that died or lost the sentinel gives "-".
TMO=""
command -v timeout >/dev/null && TMO="timeout 300"

# The policy every daemon gets: the nodes of lua/defaults/30-nodes.lua.
mkdir -p "$W/etc" "$W/one" "$W/nodes" "$W/empty" "$W/udev.dev" "$T"
mount -t tmpfs -o mode=755 hp2bench "$T"
# incg CG CMD...: CMD in the cgroup CG from its first instruction, with
# the pid the caller's $! gives.
echo 'echo $$ >"$1/tasks"; shift; exec "$@"' >"$W/incg"
# mdev reads /etc/mdev.conf: a copy of /etc with ours goes over /etc in
# its namespace (a copy, since /etc holds what the tools there need).
# mdevd reads the same file with -f.
cp -a /etc/. "$W/etc/"
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
# hotplug2's policy equal to that file: the default scripts that load
# modules, firmware and make the nodes, and nothing after them.
cp "$SRC"/lua/defaults/1*.lua "$SRC"/lua/defaults/2*.lua \
    "$SRC"/lua/defaults/3*.lua "$W/nodes/"
# Exactly the nodes of the mdev.conf: the same files without the
# /dev/char and /dev/block links (udev's), which mdev and mdevd do not make.
mkdir -p "$W/mdev"
cp "$SRC"/lua/defaults/1*.lua "$SRC"/lua/defaults/2*.lua "$W/mdev/"
sed '/make_link(ev, numbers(ev))/d' "$SRC"/lua/defaults/30-nodes.lua \
    >"$W/mdev/30-nodes.lua"
grep -q 'make_link(ev, numbers' "$W/mdev/30-nodes.lua" &&
    { echo "30-nodes.lua: the /dev/char link line was not removed" >&2; exit 1; }
# The smallest script: one handler, for the sentinel only.
cat >"$W/one/10-sentinel.lua" <<'EOC'
on({ ACTION = "add", DEVPATH = "/devices/virtual/mem/full" }, function(ev)
	make_node(ev, { mode = "0666" })
end)
EOC

# fresh_root DIR: an empty hotplug2 --root on the tmpfs.
fresh_root() {
	rm -rf --one-file-system "$1"
	mkdir -p "$1/etc" "$1/dev"
	cp /etc/passwd /etc/group "$1/etc/"
}

# start ROW: start ROW's daemon and wait until it is ready.  Sets PID,
# LOG (its stderr), SENT (the sentinel's node as seen from here; empty:
# udevadm settle says when a burst is handled) and COUNTF (a file with a
# line per handled event, or empty).
start() {
	cg_new
	LOG=$W/$1.log COUNTF="" SENT=""
	rm -f "$LOG" "$W/ready"
	case $1 in
	mdevd)
		rm -rf "$T/mdevd.dev"
		mkdir -p "$T/mdevd.dev"
		: >"$W/ready"
		sh "$W/incg" "$CG" "$MDEVD/mdevd" -f "$W/etc/mdev.conf" \
		    -d "$T/mdevd.dev" -b 16777216 -D 3 3>"$W/ready" \
		    2>"$LOG" </dev/null &
		PID=$!
		PIDS="$PIDS $PID"
		wait_for -s "$W/ready"
		SENT=$T/mdevd.dev/full
		;;
	mdev | mdev-v)
		flags=-df
		[ "$1" = mdev-v ] && flags=-dfv && COUNTF=$LOG
		# A private mount namespace: a tmpfs on /dev, our mdev.conf
		# over /etc.  Background jobs there need a /dev/null.
		unshare -m --propagation private sh -c '
		    echo $$ >"$1/tasks"
		    mount -t tmpfs -o mode=755 hp2bench /dev &&
		    mknod -m 666 /dev/null c 1 3 &&
		    mount --bind "$2" /etc && : >"$3" &&
		    exec busybox mdev "$4"' sh "$CG" "$W/etc" "$W/ready" \
		    "$flags" 2>"$LOG" </dev/null &
		PID=$!
		PIDS="$PIDS $PID"
		wait_for -e "$W/ready"
		SENT=/proc/$PID/root/dev/full
		# mdev -d first scans /sys (like -s): wait until it is over.
		wait_for -e "/proc/$PID/root/dev/zero"
		wait_for -e "$SENT"
		settle_log
		;;
	udevd)
		# udevd makes no nodes (devtmpfs does): its /dev is a copy of
		# the real one's nodes on a tmpfs, its /run a tmpfs, and its
		# broadcasts stay in a network namespace of its own.
		unshare -m -n --propagation private sh -c '
		    echo $$ >"$1/tasks"
		    mount -t tmpfs -o mode=755 hp2bench "$2" &&
		    cp -ax /dev/. "$2/" && mount --bind "$2" /dev &&
		    mount -t tmpfs -o mode=755 hp2bench /run &&
		    mkdir -p /run/udev && : >"$3" &&
		    export SYSTEMD_LOG_TARGET=console && exec "$4"' sh "$CG" \
		    "$W/udev.dev" "$W/ready" $UDEVD 2>"$LOG" </dev/null &
		PID=$!
		PIDS="$PIDS $PID"
		wait_for -e "$W/ready"
		wait_for -S "/proc/$PID/root/run/udev/control"
		nsenter -t "$PID" -m -n udevadm control --ping
		# What udevd handled: its broadcast, one per event.
		COUNTF=$W/udev.mon
		nsenter -t "$PID" -m -n stdbuf -oL udevadm monitor --udev \
		    >"$COUNTF" 2>&1 </dev/null &
		MON=$!
		PIDS="$PIDS $MON"
		wait_for -s "$COUNTF"
		sleep 0.3
		;;
	hp2*)
		dir=$(build_dir "${1#*@}")
		case ${1%@*} in
		hp2) set -- "$SRC/lua/defaults" ;;
		hp2-no-udev) set -- "$SRC/lua/defaults" --no-udev ;;
		hp2-nodes) set -- "$W/nodes" --no-udev ;;
		hp2-mdev) set -- "$W/mdev" --no-udev ;;
		hp2-one) set -- "$W/one" ;;
		# The broadcast reaches libudev clients on the host too, as
		# udev_clients.sh's does.
		hp2-udev) set -- "$SRC/lua/defaults" --udev ;;
		hp2-rebroadcast) set -- "$SRC/lua/defaults" --udev \
		    --rebroadcast 3 ;;
		esac
		conf=$1
		shift
		fresh_root "$T/root"
		: >"$W/ready"
		sh "$W/incg" "$CG" "$dir/hotplug2" -f $HP2_V -c "$conf" \
		    --root "$T/root" --modprobe /bin/true ${ALIAS:+--alias-file "$ALIAS"} \
		    --ready-fd 3 "$@" 3>"$W/ready" 2>"$LOG" </dev/null &
		PID=$!
		PIDS="$PIDS $PID"
		wait_for -s "$W/ready"
		SENT=$T/root/dev/full
		;;
	esac
}

# settle_log: wait until LOG has stopped growing for half a second.
settle_log() {
	sl_a=-1 sl_b=$(lines "$LOG") sl_n=0
	while [ "$sl_a" != "$sl_b" ] && [ $sl_n -lt 60 ]; do
		sleep 0.5
		sl_a=$sl_b sl_b=$(lines "$LOG") sl_n=$((sl_n + 1))
	done
}

# handled_now: the events counted in COUNTF so far.
handled_now() {
	case $COUNTF in
	"") echo - ;;
	*.mon) grep -c '^UDEV  *\[' "$COUNTF" || true ;;
	*) grep -c 'ACTION:' "$COUNTF" || true ;;
	esac
}

# burst ROW N ROUND: one burst into the running daemon; a raw record
# "ROW N ROUND MS CPU_NS HWM_KB RSS_KB LOST HANDLED" goes to $W/raw.
burst() {
	ev=$(($2 + 1))
	h0=$(handled_now)
	l0=$(lines "$LOG")
	[ -n "$SENT" ] && rm -f "$SENT"
	u0=$(cat "$CG/cpuacct.usage")
	if [ -n "$SENT" ]; then
		ms=$($TMO "$B/uevent-burst" -a add -n "$2" -l $SENTINEL \
		    -w "$SENT" | awk '{ print $4 }') || ms=-
	else
		ms=$("$B/uevent-burst" -a add -n "$2" -l $SENTINEL |
		    awk '{ print $4 }')
		s=$(now_us)
		nsenter -t "$PID" -m -n udevadm settle --timeout=300 || ms=-
		e=$(now_us)
		[ "$ms" = - ] || ms=$(awk -v a="$ms" -v b=$((e - s)) \
		    'BEGIN { print a + b / 1000 }')
	fi
	[ -n "$ms" ] || ms=-
	u1=$(cat "$CG/cpuacct.usage")
	hwm=$(status_kb "$PID" VmHWM)
	rss=$(status_kb "$PID" VmRSS)
	# What the daemon says it handled and lost in this burst.
	h=- lost=-
	if [ -n "$COUNTF" ]; then
		# A monitor's file may lag its daemon a little.
		lag_n=0
		while [ $(($(handled_now) - h0)) -lt $ev ] && [ $lag_n -lt 20 ]; do
			sleep 0.1
			lag_n=$((lag_n + 1))
		done
		h=$(($(handled_now) - h0))
		# Events from elsewhere on the machine can make h exceed ev.
		lost=$((h < ev ? ev - h : 0))
	fi
	case $1 in
	hp2*)
		# Gaps, and what an overflow (ENOBUFS) cost before the
		# coldplug it caused made up for it: lost all the same.
		lost=$(tail -n +$((l0 + 1)) "$LOG" | sed -n \
		    -e 's/.*events \([0-9]*\) to \([0-9]*\) never arrived.*/\1 \2/p' \
		    -e 's/.*events \([0-9]*\) to \([0-9]*\) were lost; the coldplug.*/\1 \2/p' |
		    awk '{ s += $2 - $1 + 1 } END { print s + 0 }') ;;
	mdevd)
		lost=$(tail -n +$((l0 + 1)) "$LOG" | grep -c 'missed events' ||
		    true) ;;
	esac
	echo "$1 $2 $3 $ms $((u1 - u0)) $hwm $rss $lost $h" >>"$W/raw"
}

# bare N ROUND: the bare listener, started for each burst.
bare() {
	cg_new
	rm -f "$W/ready" "$W/done"
	sh "$W/incg" "$CG" "$B/nl-count" "$W/ready" "$W/done" /devices/virtual/mem/full \
	    >"$W/bare.out" &
	PID=$!
	PIDS="$PIDS $PID"
	wait_for -e "$W/ready"
	ms=$($TMO "$B/uevent-burst" -a add -n "$1" -l $SENTINEL -w "$W/done" |
	    awk '{ print $4 }') || ms=-
	# It prints its count and exits once it has seen the sentinel.
	if [ "${ms:--}" != - ]; then
		wait $PID || true
		PIDS=$(echo " $PIDS " | sed "s/ $PID / /")
	else
		stop $PID
	fi
	set -- "$1" "$2" $(cat "$W/bare.out")
	h=${3:-0}
	echo "bare $1 $2 ${ms:--} - - - $((h <= $1 + 1 ? $1 + 1 - h : 0)) ${3:--}" \
	    >>"$W/raw"
}

# sum_of FIELD ROW ROUND: the sum of a field of ROW's records in ROUND,
# or "-" when one of them has none.
sum_of() {
	awk -v f="$1" -v r="$2" -v k="$3" '$1 == r && $3 == k {
		if ($f == "-") bad = 1; s += $f
	} END { print bad ? "-" : s }' "$W/raw"
}

# round R: every row once, each handling a burst of every COUNT.  After
# the last burst, a record "ROW R SENT HANDLED LOST ENOBUFS RSS_FIRST
# RSS_LAST HWM" of the daemon's whole run goes to $W/tot.
round() {
	for row in $ROWLIST; do
		if [ $row = bare ]; then
			for n in $COUNTS; do
				bare "$n" "$1"
			done
			continue
		fi
		start $row
		sent=0 first=""
		for n in $COUNTS; do
			burst $row "$n" "$1"
			sent=$((sent + n + 1))
			rss=$(tail -1 "$W/raw" | cut -d' ' -f7)
			[ -n "$first" ] || first=$rss
		done
		hwm=$(status_kb "$PID" VmHWM)
		[ -n "${MON:-}" ] && stop "$MON" && MON=""
		stop $PID
		h=$(sum_of 9 $row "$1")
		l=$(sum_of 8 $row "$1")
		nb=-
		case $row in
		hp2*)
			# The daemon's own totals, logged at exit with -v;
			# without, what it warned of as lost.
			h=$(sed -n 's/.*: \([0-9]*\) events handled, \([0-9]*\) lost.*/\1/p' "$LOG")
			l=$(sed -n 's/.*: \([0-9]*\) events handled, \([0-9]*\) lost.*/\2/p' "$LOG")
			nb=$(sed -n 's/.*, \([0-9][0-9]*\) lost to ENOBUFS.*/\1/p' "$LOG")
			[ -n "$l" ] || l=$(sum_of 8 $row "$1") ;;
		mdev) h=- l=- ;;
		esac
		echo "$row $1 $sent ${h:--} ${l:--} ${nb:--} $first $rss $hwm" \
		    >>"$W/tot"
	done
}

# The figures.  median: of the numbers among its input lines' first
# fields (the mean of the middle two for an even count).
AWK_MEDIAN='
function median(s,    v, n, i, j, t) {
	n = split(s, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	if (n == 0)
		return "-"
	if (n % 2)
		return v[(n + 1) / 2]
	return (v[n / 2] + v[n / 2 + 1]) / 2
}
function num(x) {
	return x != "-" && x != ""
}'

# The table of bursts: medians over the rounds; the ratios are the
# medians of each round's ratio to REF in the same round.
burst_table() {
	echo "| who | burst | events/s | × $REFNAME | CPU µs/event | × $REFNAME | VmHWM MB | lost | handled of sent |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for n in $COUNTS; do
		for row in $ROWLIST; do
			awk -v row=$row -v n=$n -v ref=$REF -v name="$(label $row)" \
			    "$AWK_MEDIAN"'
			BEGIN { ev = n + 1 }
			$2 == n && num($4) {
				rate[$1, $3] = ev * 1000 / $4
				if (num($5) && $5 > 0 && $1 != "bare")
					cpu[$1, $3] = $5 / 1000 / ev
			}
			$1 == row && $2 == n {
				if (num($4)) r = r " " ev * 1000 / $4
				if (num($5) && row != "bare") c = c " " $5 / 1000 / ev
				if (num($6)) m = m " " $6 / 1024
				if (num($8)) l = l " " $8
				if (num($9)) h = h " " $9
				rounds[$3] = 1
			}
			END {
				for (k in rounds) {
					if ((row, k) in rate && (ref, k) in rate)
						rr = rr " " rate[row, k] / rate[ref, k]
					if ((row, k) in cpu && (ref, k) in cpu)
						cr = cr " " cpu[row, k] / cpu[ref, k]
				}
				f = median(r); fc = median(c); fm = median(m)
				frr = median(rr); fcr = median(cr)
				printf "| %-44s | %6d | %9s | %5s | %7s | %5s | %5s | %5s | %s |\n",
				    name, n,
				    f == "-" ? "-" : sprintf("%.0f", f),
				    frr == "-" ? "-" : sprintf("%.2f", frr),
				    fc == "-" ? "-" : sprintf("%.2f", fc),
				    fcr == "-" ? "-" : sprintf("%.2f", fcr),
				    fm == "-" ? "-" : sprintf("%.1f", fm),
				    median(l),
				    h != "" ? median(h) " of " ev : "(sentinel)"
			}' "$W/raw"
		done
	done
}

# Memory over a daemon's round, and its totals.
memory_table() {
	echo "| who | VmRSS MB after the first burst | after the last | VmHWM MB at the end | handled of sent | lost | lost to ENOBUFS |"
	echo "|---|---|---|---|---|---|---|"
	for row in $ROWLIST; do
		[ $row = bare ] && continue
		awk -v row=$row -v name="$(label $row)" "$AWK_MEDIAN"'
		$1 == row {
			if (num($7)) a = a " " $7 / 1024
			if (num($8)) b = b " " $8 / 1024
			if (num($9)) m = m " " $9 / 1024
			if (num($4)) h = h " " $4
			if (num($5)) l = l " " $5
			if (num($6)) e = e " " $6
			sent = $3
		}
		END {
			fa = median(a); fb = median(b); fm = median(m)
			printf "| %-44s | %5s | %5s | %5s | %s | %s | %s |\n", name,
			    fa == "-" ? "-" : sprintf("%.2f", fa),
			    fb == "-" ? "-" : sprintf("%.2f", fb),
			    fm == "-" ? "-" : sprintf("%.2f", fm),
			    (h == "" ? "-" : median(h)) " of " sent, median(l),
			    median(e)
		}' "$W/tot"
	done
}

# Each round's figures, so the medians can be checked.
raw_table() {
	echo "| who | burst | events/s, round by round | CPU µs/event | VmHWM MB | VmRSS MB | lost | handled |"
	echo "|---|---|---|---|---|---|---|---|"
	for n in $COUNTS; do
		for row in $ROWLIST; do
			awk -v row=$row -v n=$n -v name="$(label $row)" '
			function f(x, fmt) { return x == "-" ? "-" : sprintf(fmt, x) }
			$1 == row && $2 == n {
				ev = n + 1
				r = r " " ($4 == "-" ? "-" : sprintf("%.0f", ev * 1000 / $4))
				c = c " " ($5 == "-" || row == "bare" ? "-" : sprintf("%.2f", $5 / 1000 / ev))
				m = m " " f($6 == "-" ? "-" : $6 / 1024, "%.1f")
				s = s " " f($7 == "-" ? "-" : $7 / 1024, "%.1f")
				l = l " " $8
				h = h " " $9
			}
			END {
				printf "| %s | %d |%s |%s |%s |%s |%s |%s |\n",
				    name, n, r, c, m, s, l, h
			}' "$W/raw"
		done
	done
}

# Coldplug: one run of a row prints its wall time in µs.
cold_hp2() {
	dir=$(build_dir "${1#*@}")
	case ${1%@*} in
	cold-hp2) set -- "$SRC/lua/defaults" ;;
	cold-hp2-nodes) set -- "$W/nodes" --no-udev ;;
	cold-hp2-mdev) set -- "$W/mdev" --no-udev ;;
	cold-hp2-empty) set -- "$W/empty" ;;
	esac
	conf=$1
	shift
	fresh_root "$T/croot"
	s=$(now_us)
	"$dir/hotplug2" -f --root "$T/croot" -c "$conf" --modprobe /bin/true \
	    --coldplug --once "$@" >/dev/null 2>&1 || { echo -; return; }
	e=$(now_us)
	echo $((e - s))
}
# mdevd, started and ready, rebroadcasting what it handled to group 3
# (mask 4) in a network namespace of its own, where mdevd-coldplug -O 4
# waits for the last event it triggered.
cold_mdevd() {
	rm -rf "$T/cdev"
	mkdir -p "$T/cdev"
	unshare -n sh -c '
	    M=$1 C=$2 D=$3 R=$4
	    : >"$R"
	    "$M/mdevd" -f "$C" -d "$D" -b 16777216 -O 4 -D 3 3>"$R" \
		2>/dev/null </dev/null &
	    p=$!
	    i=0
	    while [ ! -s "$R" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
	    s=$(date +%s%N)
	    timeout 60 "$M/mdevd-coldplug" -O 4 >/dev/null 2>&1 || s=""
	    e=$(date +%s%N)
	    kill $p
	    wait $p
	    if [ -n "$s" ]; then echo $(( (e - s) / 1000 )); else echo -; fi
	' sh "$MDEVD" "$W/etc/mdev.conf" "$T/cdev" "$W/ready" 2>/dev/null
}
# udevd, started and ready in its namespaces as for the bursts.
cold_udev() {
	start udevd >/dev/null 2>&1
	stop "$MON"
	MON=""
	nsenter -t "$PID" -m -n sh -c '
	    s=$(date +%s%N)
	    udevadm trigger --type=subsystems --action=add &&
	    udevadm trigger --type=devices --action=add &&
	    udevadm settle --timeout=120 || s=""
	    e=$(date +%s%N)
	    if [ -n "$s" ]; then echo $(( (e - s) / 1000 )); else echo -; fi'
	stop "$PID"
}
cold_mdev() {
	unshare -m --propagation private sh -c '
	    mount -t tmpfs -o mode=755 hp2bench /dev &&
	    mknod -m 666 /dev/null c 1 3 && mount --bind "$1" /etc || exit 1
	    s=$(date +%s%N)
	    busybox mdev -s
	    e=$(date +%s%N)
	    echo $(( (e - s) / 1000 ))' sh "$W/etc"
}
cold_one() {
	case $1 in
	cold-hp2*@*) cold_hp2 "$1" ;;
	cold-hp2cp)
		s=$(now_us)
		"$B/hotplug2-coldplug" >/dev/null 2>&1 || true
		e=$(now_us)
		echo $((e - s)) ;;
	cold-mdevd) cold_mdevd ;;
	cold-udev) cold_udev ;;
	cold-mdev) cold_mdev ;;
	esac
}
cold_table() {
	COLD=""
	for v in $BUILDS; do
		COLD="$COLD cold-hp2@$v cold-hp2-nodes@$v cold-hp2-mdev@$v"
	done
	COLD="$COLD cold-hp2-empty@dyn cold-hp2cp"
	[ -n "$MDEVD" ] && COLD="$COLD cold-mdevd"
	[ -n "$HAVE_UDEV" ] && COLD="$COLD cold-udev"
	COLD="$COLD cold-mdev"
	cref=cold-mdev crefname="mdev -s"
	[ -n "$MDEVD" ] && cref=cold-mdevd crefname=mdevd
	: >"$W/cold"
	run=1
	while [ $run -le "$COLD_RUNS" ]; do
		for c in $COLD; do
			cold_one $c >"$W/one.out" 2>/dev/null || true
			echo "$c $run $(cat "$W/one.out")" |
			    awk 'NF == 2 { $3 = "-" } 1' >>"$W/cold"
		done
		run=$((run + 1))
	done
	echo "| coldplug of this machine ($(find /sys/devices -name uevent | wc -l) uevent files) | wall ms, median of $COLD_RUNS | × $crefname | runs, ms |"
	echo "|---|---|---|---|"
	for c in $COLD; do
		awk -v row=$c -v ref=$cref -v name="$(label $c)" "$AWK_MEDIAN"'
		num($3) { t[$1, $2] = $3 }
		$1 == row {
			runs = runs " " ($3 == "-" ? "-" : sprintf("%.1f", $3 / 1000))
			if (num($3)) m = m " " $3 / 1000
			k[$2] = 1
		}
		END {
			for (i in k)
				if ((row, i) in t && (ref, i) in t)
					r = r " " t[row, i] / t[ref, i]
			fm = median(m); fr = median(r)
			printf "| %s | %s | %s |%s |\n", name,
			    fm == "-" ? "-" : sprintf("%.1f", fm),
			    fr == "-" ? "-" : sprintf("%.2f", fr), runs
		}' "$W/cold"
	done
}

echo "hotplug2 $("$B/hotplug2" --version | cut -d' ' -f2), \
$(busybox 2>&1 | head -1 | cut -d' ' -f1-2), kernel $(uname -r), \
$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), \
$(ls /sys/dev/char /sys/dev/block | wc -l) devices in /sys/dev"
[ -n "$MDEVD" ] && echo "skarnet mdevd: $MDEVD/mdevd -f mdev.conf -d DEV -b 16777216 -D 3"
[ -n "$HAVE_UDEV" ] && echo "systemd-udevd: $(udevadm --version), rules of /lib/udev/rules.d"
for v in $BUILDS; do
	echo "hotplug2 $v: $(build_dir $v)"
done
[ -n "$ALIAS" ] && echo "hotplug2's alias index: $ALIAS ($(grep -c '^alias ' "$ALIAS") patterns)"
printf '%s' "$SKIPPED"
echo "rounds: $ROUNDS; bursts of $COUNTS"
: >"$W/raw"
: >"$W/tot"
rnd=1
while [ $rnd -le "$ROUNDS" ]; do
	round $rnd
	rnd=$((rnd + 1))
done
echo
echo "Medians over $ROUNDS round(s); × is the median of each round's ratio to $(label $REF)."
echo
burst_table
echo
echo "Memory and totals over a round (each daemon handles the round's bursts in turn), medians:"
echo
memory_table
echo
echo "Round by round:"
echo
raw_table
if [ -n "${HP2_BENCH_RAW:-}" ]; then
	{
		echo "# ROW COUNT ROUND MS CPU_NS HWM_KB RSS_KB LOST HANDLED"
		cat "$W/raw"
		echo "# ROW ROUND SENT HANDLED LOST ENOBUFS RSS_FIRST_KB RSS_LAST_KB HWM_KB"
		cat "$W/tot"
	} >"$HP2_BENCH_RAW"
	echo
	echo "raw records: $HP2_BENCH_RAW"
fi
[ "$COLD_RUNS" -gt 0 ] || exit 0
echo
cold_table
