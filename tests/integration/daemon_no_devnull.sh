#!/bin/sh
# --coldplug --once works with no /dev/null yet (an early initramfs) instead of failing to start the coldplug.
. "$SOURCE_DIR/tests/integration/lib.sh"
need_root
need_uevent_netlink
unshare -m true 2>/dev/null || skip "cannot make a mount namespace"

mkdir -p "$SCRATCH/root/etc"
cp /etc/passwd /etc/group "$SCRATCH/root/etc/"

# An empty tmpfs on /dev, as in an initramfs before the daemon fills it:
# the daemon's children (the coldplug helper, modprobe) get no /dev/null.
cat >"$SCRATCH/nodev.sh" <<EOS
mount -t tmpfs none /dev || exit 97
timeout 60 "$HOTPLUG2" -f -v -c "$SOURCE_DIR/lua/defaults" \
    --root "$SCRATCH/root" --modprobe /bin/true -C -o 2>"$SCRATCH/nodev.err"
EOS
unshare -m --propagation private sh "$SCRATCH/nodev.sh" && rc=0 || rc=$?
[ "$rc" = 97 ] && skip "cannot mount a tmpfs on /dev"
[ "$rc" = 124 ] && fail "hotplug2 -C -o hung without /dev/null"
[ "$rc" = 0 ] || { cat "$SCRATCH/nodev.err" >&2; fail "exit $rc without /dev/null"; }
n=$(sed -n 's/.*coldplug done: \([0-9]*\) events handled.*/\1/p' "$SCRATCH/nodev.err")
[ "${n:-0}" -gt 0 ] || { cat "$SCRATCH/nodev.err" >&2; fail "the coldplug handled no event"; }
[ -c "$SCRATCH/root/dev/null" ] || fail "no null node made under the root"
echo "ok: no /dev/null: coldplug ran, $n events handled, nodes made"

# A coldplug that cannot run at all is coldplug_real.sh's last case (exit 1).
