#!/bin/sh
# Benchmark: hotplug2-dnode's cost per event next to a static do-nothing program, both static, with glibc and with musl.
# usage: tests/bench/dnode.sh [RUNS [ROUNDS]]   (as root; prints figures, asserts nothing)
#
# The kernel forks and execs its helper once per event, so the floor is
# the cost of running any static program at all (about 700 us here).  The
# target is dnode <= 1.05x that floor.  Each round runs every program RUNS
# times in turn (spawn.c) with a real 2.4 PCI "add" environment: no DEVPATH
# and no SEQNUM, so dnode derives one, synthesizes MODALIAS, takes a SEQNUM
# from its counter file (on tmpfs, as its default /dev/.hotplug2/seqnum is)
# and multicasts the event.  This runs in a private network namespace with
# a hotplug2 monitor listening there, so the events are received as the
# daemon would receive them, and reach no other listener on the machine.
set -eu
RUNS=${1:-1000}
ROUNDS=${2:-7}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (netlink multicast)" >&2; exit 77; }

if [ -z "${DNODE_BENCH_NETNS:-}" ]; then
	DNODE_BENCH_NETNS=1 exec unshare -n sh "$0" "$@"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dnode-bench.XXXXXX")
mon=
cleanup() {
	[ -z "$mon" ] || kill "$mon" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building (static, Release) =="
cc -O2 -o "$WORK/spawn" "$SRC/tests/bench/spawn.c"
cmake -S "$SRC" -B "$WORK/glibc" -DCMAKE_BUILD_TYPE=Release \
    -DHOTPLUG2_STATIC=ON -DHOTPLUG2_TESTS=OFF >/dev/null
cmake --build "$WORK/glibc" --target hotplug2-dnode hotplug2 >/dev/null
cc -O2 -static -o "$WORK/true-glibc" "$SRC/tests/bench/true.c"
set -- glibc-true "$WORK/true-glibc" -- glibc-dnode "$WORK/glibc/hotplug2-dnode" pci
if command -v musl-gcc >/dev/null; then
	CC=musl-gcc cmake -S "$SRC" -B "$WORK/musl" -DCMAKE_BUILD_TYPE=Release \
	    -DHOTPLUG2_STATIC=ON -DHOTPLUG2_TESTS=OFF >/dev/null
	cmake --build "$WORK/musl" --target hotplug2-dnode >/dev/null
	musl-gcc -O2 -static -o "$WORK/true-musl" "$SRC/tests/bench/true.c"
	set -- "$@" -- musl-true "$WORK/true-musl" -- musl-dnode "$WORK/musl/hotplug2-dnode" pci
else
	echo "musl-gcc not found: glibc only"
fi
strip "$WORK"/true-* "$WORK"/*/hotplug2-dnode
ls -l "$WORK"/true-* "$WORK"/*/hotplug2-dnode | awk '{ print $5, $NF }'

# The counter on tmpfs, like the default in /dev.
SHM=/dev/shm; [ -d "$SHM" ] && [ -w "$SHM" ] || SHM=$WORK
export HOTPLUG2_SEQNUM_FILE="$SHM/dnode-bench-seqnum.$$"
trap 'cleanup; rm -f "$HOTPLUG2_SEQNUM_FILE"' EXIT

# bench LABEL PROGRAMS...: one interleaved run of every program, and the ratios.
bench() {
	label=$1; shift
	echo "== $label: $ROUNDS rounds of $RUNS runs each, interleaved; $(nproc) CPUs, $(uname -r) =="
	env -i HOME=/ PATH=/sbin:/bin:/usr/sbin:/usr/bin ACTION=add \
	    PCI_CLASS=20000 PCI_ID=8086:1229 PCI_SUBSYS_ID=8086:000C \
	    PCI_SLOT_NAME=00:0c.0 HOTPLUG2_SEQNUM_FILE="$HOTPLUG2_SEQNUM_FILE" \
	    "$WORK/spawn" -n "$RUNS" -r "$ROUNDS" "$@" | tee "$WORK/result"
	awk '
		function lib(s) { return substr(s, 1, index(s, "-") - 1) }
		$1 ~ /-true$/ { floor[lib($1)] = $2; fcpu[lib($1)] = $4 }
		$1 ~ /-dnode$/ { d[lib($1)] = $2; dcpu[lib($1)] = $4 }
		END {
			for (l in d)
				printf "%s: dnode/true = %.3f wall (median), %.3f CPU; +%.1f us wall per event\n",
				    l, d[l] / floor[l], dcpu[l] / fcpu[l], d[l] - floor[l]
		}' "$WORK/result"
}

# Nobody listening: the cost of dnode's own work.
bench "no listener" "$@"

# The daemon's view: a listener, whose wake-up the sender pays for.
"$WORK/glibc/hotplug2" monitor --raw >"$WORK/events" 2>"$WORK/monitor.err" &
mon=$!
sleep 0.3
before=$(cat "$HOTPLUG2_SEQNUM_FILE")
bench "hotplug2 monitor listening" "$@"
sleep 0.3
sent=$(( $(cat "$HOTPLUG2_SEQNUM_FILE") - before ))
got=$(tr '\0' '\n' <"$WORK/events" |
    grep -c '^add@/bus/pci/devices/0000:00:0c.0$' || true)
echo "events: $sent sent by dnode while the monitor listened, $got received"
