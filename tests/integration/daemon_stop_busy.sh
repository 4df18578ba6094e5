#!/bin/sh
# SIGTERM and SIGINT stop the daemon within a second, even while a handler is stuck in a loop or a pattern.
. "$SOURCE_DIR/tests/integration/lib.sh"

mkdir -p "$SCRATCH/conf" "$SCRATCH/root"
# Twenty handlers that each use their whole 200 ms budget: 4 s an event.
{
	i=0
	while [ $i -lt 10 ]; do
		echo 'on({}, function() while true do end end)'
		echo 'on({}, function(ev) local r = ev.DEVPATH:find(("a*"):rep(40) .. "b") return r end)'
		i=$((i + 1))
	done
} >"$SCRATCH/conf/10-busy.lua"
i=0
while [ $i -lt 20 ]; do
	printf 'add@/devices/%s\0ACTION=add\0DEVPATH=/devices/%s\0SEQNUM=%s\0' \
	    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
	    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa $((10 + i))
	i=$((i + 1))
done >"$SCRATCH/rec"

for sig in TERM INT; do
	"$HOTPLUG2" -f -n -c "$SCRATCH/conf" --root "$SCRATCH/root" \
	    --alias-file /dev/null --replay "$SCRATCH/rec" \
	    >/dev/null 2>"$SCRATCH/err.$sig" &
	pid=$!
	# Well inside the first event's handlers.
	sleep 0.5
	kill -0 $pid 2>/dev/null || fail "the daemon ended before SIG$sig"
	t0=$(date +%s%N)
	kill -$sig $pid
	rc=0
	wait $pid || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ $ms -lt 2000 ] ||
		fail "SIG$sig stopped the daemon after $ms ms: $(tail -3 "$SCRATCH/err.$sig")"
	grep -q "aborted: the daemon is stopping" "$SCRATCH/err.$sig" ||
		fail "no handler was stopped by SIG$sig: $(tail -3 "$SCRATCH/err.$sig")"
	echo "ok: SIG$sig stopped the busy daemon in $ms ms (exit $rc)"
done

# A handler waiting in run() for a command: the stop kills the command
# (its process group) instead of waiting for it or for --child-timeout.
mkdir -p "$SCRATCH/conf-run"
echo 'on({}, function(ev) run(ev, { "/bin/sleep", "30" }) end)' \
    >"$SCRATCH/conf-run/10-run.lua"
"$HOTPLUG2" -f -c "$SCRATCH/conf-run" --root "$SCRATCH/root" \
    --alias-file /dev/null --replay "$SCRATCH/rec" \
    >/dev/null 2>"$SCRATCH/err.run" &
pid=$!
wait_for 10 pgrep -f -P $pid "^/bin/sleep 30" >/dev/null ||
	fail "the handler's command never started: $(tail -3 "$SCRATCH/err.run")"
t0=$(date +%s%N)
kill -TERM $pid
# Without the stop, each of the 20 events waits 30 s: give up after 5 s.
# Ended: gone, or a zombie waiting for our wait.
ended() {
	[ ! -e "/proc/$1/stat" ] || [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat")" = Z ]
}
wait_for 5 ended $pid || {
	kill -KILL $pid
	fail "SIGTERM during run() did not stop the daemon in 5 s: $(tail -3 "$SCRATCH/err.run")"
}
rc=0
wait $pid || rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -lt 2000 ] ||
	fail "SIGTERM during run() stopped the daemon after $ms ms: $(tail -3 "$SCRATCH/err.run")"
! pgrep -f "^/bin/sleep 30$" -P $pid >/dev/null ||
	fail "the handler's command outlived the daemon"
echo "ok: SIGTERM during a handler's run() stopped the daemon in $ms ms (exit $rc)"
