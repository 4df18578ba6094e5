#!/bin/sh
# systemd's readiness protocol: one READY=1 datagram to $NOTIFY_SOCKET (a
# path, or an @abstract name), sent only once the coldplug is done.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"
need_root
need_uevent_netlink
RECV=$BUILD_DIR/notify-recv

mkdir -p "$SCRATCH/root" "$SCRATCH/conf"
echo "log $SCRATCH/events" >"$SCRATCH/conf/record.conf"
for name in "$SCRATCH/notify" "@hotplug2-test-notify.$$"; do
	: >"$SCRATCH/daemon.err"
	# notify-recv kills the daemon the moment the datagram arrives: the
	# log then holds what the daemon did before it said it was ready.
	"$RECV" -t 60 "$name" "$TESTD" -f -v -v --coldplug \
	    --root "$SCRATCH/root" -c "$SCRATCH/conf" \
	    >"$SCRATCH/got" 2>>"$SCRATCH/daemon.err" ||
		fail "$name: no notification: $(tail -5 "$SCRATCH/daemon.err")"
	[ "$(cat "$SCRATCH/got")" = "READY=1" ] ||
		fail "$name: got '$(cat "$SCRATCH/got")', want READY=1"
	log_has "coldplug done" ||
		fail "$name: READY=1 came before the coldplug was done"
done

# Without --coldplug the daemon is ready as soon as it listens.
rm -f "$SCRATCH/notify"
"$RECV" -t 20 "$SCRATCH/notify" "$TESTD" -f --root "$SCRATCH/root" \
    -c "$SCRATCH/conf" >"$SCRATCH/got" 2>"$SCRATCH/daemon.err" ||
	fail "no notification without --coldplug"
[ "$(cat "$SCRATCH/got")" = "READY=1" ] || fail "got '$(cat "$SCRATCH/got")'"
