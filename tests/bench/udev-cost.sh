#!/bin/sh
# Benchmark: what udev's database and the libudev broadcast cost per event in the script layer
# (script.c, hotplug2.core, lua/), with the default scripts: medians of CPU time over several
# runs, and callgrind's instruction counts, which do not depend on the machine's load.
# usage: flock /tmp/hp2-kernel.lock sh tests/bench/udev-cost.sh [BUILD_DIR [RUNS [REPEAT]]]
# (as root; prints figures, asserts nothing)
#
# script_replay hands an "add" event for every uevent file under /sys/devices to the scripts
# REPEAT times (the burst case: after the first pass every node and entry is right, so nothing
# is written) in a tmpfs root with the machine's sysfs bound at ROOT/sys, as
# tests/bench/lua-layer.sh does.  Modes: "off" (--no-udev), "auto" (the database, the default
# under --root) and "on" (the database and the broadcast on group 2, in a network namespace of
# its own so that no libudev client on the host hears it).  CPU: the median over RUNS runs,
# the modes alternating.  Instructions: callgrind over REPEAT 2 and 12, the difference divided
# by ten passes' events, so that start-up and the first pass drop out; and the first pass from
# a fresh root (every node and entry written), less the start-up those give.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build}
RUNS=${2:-5}
REPEAT=${3:-100}
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
unshare -n true 2>/dev/null || { echo "needs unshare -n" >&2; exit 1; }
ALIAS=""
for f in /lib/modules/"$(uname -r)"/modules.alias \
    /var/cache/hotplug2/kmod-oracle/root/lib/modules/*/modules.alias; do
	[ -f "$f" ] && ALIAS=$f && break
done
W=$(mktemp -d)
trap 'umount "$W/root/sys" 2>/dev/null || true; umount "$W/root" 2>/dev/null || true
rm -rf --one-file-system "$W"' EXIT
mkdir -p "$W/root"
mount -t tmpfs -o mode=755 hp2bench "$W/root"

fresh() {
	umount "$W/root/sys" 2>/dev/null || true
	rm -rf --one-file-system "${W:?}/root/"*
	mkdir -p "$W/root/etc" "$W/root/sys"
	cp /etc/group /etc/passwd "$W/root/etc/"
	mount --bind /sys "$W/root/sys"
}
# replay MODE REPEAT [WRAPPER...]: script_replay's --bench line on stdout.
replay() {
	mode=$1 repeat=$2
	shift 2
	unshare -n "$@" "$BUILD/script_replay" --root "$W/root" --config-dir "$SRC/lua/defaults" \
	    --alias-file "$ALIAS" --modprobe /bin/true --bench --repeat "$repeat" --udev "$mode"
}
us_of() {
	sed -n 's/.* \([0-9.]*\) us CPU per event.*/\1/p'
}
events_of() {
	sed -n 's/^\([0-9]*\) events .*/\1/p'
}
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# ir MODE REPEAT: callgrind's total instructions (Ir) of one run.
ir() {
	fresh
	[ "$2" -gt 1 ] && replay "$1" 1 >/dev/null 2>&1
	replay "$1" "$2" valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" \
	    >"$W/cg.txt" 2>"$W/cg.err"
	sed -n 's/^summary: //p' "$W/cg.out"
}

n=$(fresh; replay off 1 2>/dev/null | events_of)
echo "script layer, default scripts, $n events per pass (one per uevent file), alias index ${ALIAS:-none}"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
for mode in off auto on; do : >"$W/cpu.$mode"; done
i=0
while [ $i -lt "$RUNS" ]; do
	for mode in off auto on; do
		fresh
		replay "$mode" 1 >/dev/null 2>&1
		replay "$mode" "$REPEAT" 2>/dev/null | us_of >>"$W/cpu.$mode"
	done
	i=$((i + 1))
done
echo
echo "| mode | CPU µs/event, median of $RUNS (min–max) | instructions/event (callgrind) | first pass, instructions/event |"
echo "|---|---|---|---|"
for mode in off auto on; do
	med=$(median <"$W/cpu.$mode")
	range=$(sort -n "$W/cpu.$mode" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }')
	a=$(ir "$mode" 2) b=$(ir "$mode" 12)
	# The first pass from a fresh root, less start-up (REPEAT 2's run less its two passes).
	fresh
	c=$(replay "$mode" 1 valgrind --tool=callgrind --callgrind-out-file="$W/cg1.out" \
	    2>/dev/null >/dev/null; sed -n 's/^summary: //p' "$W/cg1.out")
	per=$(( (b - a) / (10 * n) ))
	first=$(( (c - a + 2 * (b - a) / 10) / n ))
	case $mode in
	off) name="--no-udev" ;;
	auto) name="database (--root's default)" ;;
	on) name="database and broadcast (--udev)" ;;
	esac
	echo "| $name | $med ($range) | $per | $first |"
done

# The kernel-format copy (--rebroadcast, in C): the daemon replaying a recording of real kernel
# events with no scripts and --no-udev, with and without the flag, with and without a listener on
# the group; CPU (user + system) from getrusage, median of RUNS.  The recording makes kernel
# events: run this script under flock /tmp/hp2-kernel.lock.
EV=20000
"$BUILD/nl-record" 1 "$W/rec" "$W/rec.ready" >/dev/null &
rp=$!
while [ ! -e "$W/rec.ready" ]; do sleep 0.01; done
"$BUILD/uevent-burst" -a add -n $EV >/dev/null
sleep 0.5
kill -TERM $rp
wait $rp
mkdir -p "$W/empty" "$W/rroot"
# cpu_us [--rebroadcast 3] [listener]: one run's µs per event.
cpu_us() {
	unshare -n sh -s "$BUILD" "$W" "$EV" "$@" <<'EOS'
B=$1 W=$2 EV=$3
shift 3
lp=""
if [ "${2:-}" = listener ] || [ "${1:-}" = listener ]; then
	rm -f "$W/l.ready"
	"$B/nl-record" 3 "$W/l.rec" "$W/l.ready" >/dev/null &
	lp=$!
	while [ ! -e "$W/l.ready" ]; do sleep 0.01; done
fi
flags=""
[ "${1:-}" = --rebroadcast ] && flags="--rebroadcast 3"
python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.2f" % ((r.ru_utime + r.ru_stime) * 1e6 / int(sys.argv[1])))' "$EV" \
    "$B/hotplug2" -f -c "$W/empty" --root "$W/rroot" --no-udev --replay "$W/rec" $flags
if [ -n "$lp" ]; then kill -TERM $lp; wait $lp; fi
EOS
}
for k in plain copy plain.l copy.l; do : >"$W/rb.$k"; done
i=0
while [ $i -lt "$RUNS" ]; do
	cpu_us >>"$W/rb.plain"
	cpu_us --rebroadcast 3 >>"$W/rb.copy"
	cpu_us listener >>"$W/rb.plain.l"
	cpu_us --rebroadcast 3 listener >>"$W/rb.copy.l"
	i=$((i + 1))
done
echo
echo "| daemon replaying $EV kernel events, no scripts, --no-udev | CPU µs/event, median of $RUNS |"
echo "|---|---|"
echo "| without --rebroadcast | $(median <"$W/rb.plain") |"
echo "| --rebroadcast 3, no listener | $(median <"$W/rb.copy") |"
echo "| without --rebroadcast, a listener on group 3 | $(median <"$W/rb.plain.l") |"
echo "| --rebroadcast 3, a listener on group 3 | $(median <"$W/rb.copy.l") |"
