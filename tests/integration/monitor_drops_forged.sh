#!/bin/sh
# A forged event from a non-root sender and a root unicast are not shown, and are counted as dropped.
. "$SOURCE_DIR/tests/integration/lib.sh"
need_root
command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
NLSEND="$BUILD_DIR/tests/nlsend"

"$HOTPLUG2" monitor -v >"$SCRATCH/out" 2>"$SCRATCH/err" &
mon=$!
stop_monitor() { kill "$mon" 2>/dev/null; wait "$mon" 2>/dev/null; }
cleanup_hooks="stop_monitor"
wait_for 5 grep -q "receive buffer" "$SCRATCH/err" || fail "monitor did not start"
port=$(netlink_port_of "$mon")
[ -n "$port" ] || fail "cannot find the monitor's netlink port"

forged() {
	echo "add@/devices/forged/$1" "ACTION=add" "DEVPATH=/devices/forged/$1" \
	    "SUBSYSTEM=block" "DEVNAME=sda" "MAJOR=8" "MINOR=0"
}

# Not root, but holding CAP_NET_ADMIN, so the kernel lets it multicast.
setpriv --reuid=65534 --regid=65534 --clear-groups \
    --inh-caps +net_admin --ambient-caps +net_admin \
    "$NLSEND" $(forged nonroot) || fail "the non-root sender could not send"
# Root, but unicast straight to the monitor's port.
"$NLSEND" -u "$port" $(forged unicast) || fail "the unicast send failed"
# Control: a root multicast must be shown, or this test proves nothing.
"$NLSEND" $(forged rootmulticast) || fail "the root multicast send failed"

wait_for 2 grep -q "/devices/forged/rootmulticast" "$SCRATCH/out" ||
	fail "the root multicast control event was not shown"
kill -TERM "$mon"; wait "$mon" || true
cleanup_hooks=""
if grep -q "/devices/forged/nonroot\|/devices/forged/unicast" "$SCRATCH/out"; then
	cat "$SCRATCH/out" >&2
	fail "a forged event was shown"
fi
grep -q "1 dropped: sender not root" "$SCRATCH/err" ||
	{ cat "$SCRATCH/err" >&2; fail "the non-root event was not counted"; }
grep -q "1 dropped: unicast" "$SCRATCH/err" ||
	{ cat "$SCRATCH/err" >&2; fail "the unicast event was not counted"; }
grep -q "dropped a netlink message from pid .* uid 65534: sender not root" \
    "$SCRATCH/err" || fail "the non-root drop was not logged"
echo "ok: non-root and unicast events dropped and counted, root multicast shown"
