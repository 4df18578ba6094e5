#!/bin/sh
# The uevent socket's receive buffer: udev's 128 MiB by default, where a
# storm waits while the handlers catch up; --buffer-size sets another,
# and a size below 64 KiB is a usage error.
. "$SOURCE_DIR/tests/integration/lib.sh"
need_root
need_uevent_netlink

mkdir -p "$SCRATCH/root" "$SCRATCH/conf"
# buffer [OPTION...]: the size the daemon logs once its socket is bound.
buffer() {
	: >"$SCRATCH/err"
	"$HOTPLUG2" -f -v --root "$SCRATCH/root" -c "$SCRATCH/conf" --no-udev \
	    "$@" 2>"$SCRATCH/err" &
	pid=$!
	wait_for 10 grep -q "receive buffer" "$SCRATCH/err" ||
		fail "no receive buffer line: $(cat "$SCRATCH/err")"
	kill "$pid"
	wait "$pid" || true
	sed -n 's/.*receive buffer is \([0-9]*\) bytes.*/\1/p' "$SCRATCH/err"
}
size=$(buffer)
[ "$size" -ge $((128 * 1024 * 1024)) ] || fail "default buffer $size bytes"
size=$(buffer --buffer-size 1048576)
# The kernel doubles what it is given, for its own bookkeeping.
[ "$size" -ge 1048576 ] && [ "$size" -lt $((8 * 1024 * 1024)) ] ||
	fail "--buffer-size 1048576 gave $size bytes"
rc=0
"$HOTPLUG2" -f --root "$SCRATCH/root" -c "$SCRATCH/conf" --buffer-size 4096 \
    2>"$SCRATCH/err" || rc=$?
[ $rc = 100 ] || fail "--buffer-size 4096: exit status $rc, not 100 (usage)"
grep -q -- "--buffer-size" "$SCRATCH/err" || fail "no message: $(cat "$SCRATCH/err")"
echo "default and --buffer-size applied; 4096 refused"
