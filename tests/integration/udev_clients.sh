#!/bin/sh
# Real libudev clients, none of ours, with hotplug2 and the default handlers as the only device
# manager of a mount namespace (tmpfs /dev and /run): Debian's udevadm 252 (extracted
# by scripts/udev-oracle.sh, never run as a daemon) and python3-pyudev.
#   - udevadm monitor --kernel --udev --property: every kernel event broadcast exactly once,
#     with all the kernel's properties and USEC_INITIALIZED;
#   - pyudev's Monitor.from_netlink(source="udev") filtered by subsystem: that subsystem's
#     events and only those (libudev's in-kernel filter on our subsystem hash);
#   - udevadm info --query=all and pyudev's Devices.from_device_file on /dev/null: initialized,
#     with the property, link and tag a handler set;
#   - udevadm info --export-db: every device coldplug added listed initialized.
. "$(dirname "$0")/lib.sh"
need_root
need_uevent_netlink
R=${UDEV_ORACLE_ROOT:-/var/cache/hotplug2/udev-oracle/root}
PY=/usr/bin/python3
HELPER=$SOURCE_DIR/tests/integration/udev_clients.py
[ -x "$R/bin/udevadm" ] || skip "no udevadm under $R: run scripts/udev-oracle.sh"
$PY -c "import pyudev" 2>/dev/null || skip "no python3-pyudev: run scripts/deps.sh"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace"

# Not a network namespace of its own: network interfaces' events would not reach it, and the
# daemon would take their SEQNUMs for lost events and coldplug again.  The broadcasts reach the
# host's libudev clients too, which the kernel lock (root tests run one at a time) keeps to ours.
if [ -z "${HP2_UDEV_NS:-}" ]; then
	HP2_UDEV_NS=1 unshare -m --propagation private sh "$0" && rc=0 || rc=$?
	exit $rc
fi
mount -t tmpfs -o mode=0755 hp2-udev-dev /dev
mknod -m 0666 /dev/null c 1 3
mount -t tmpfs -o mode=0755 hp2-udev-run /run

# A simple command, not a function: in the background, $! is udevadm itself
# (env execs it), so that stop_all ends it.
UDEVADM="env LD_LIBRARY_PATH=$R/usr/lib/x86_64-linux-gnu/systemd:$R/usr/lib/x86_64-linux-gnu $R/bin/udevadm"

S=$SCRATCH
mkdir -p "$S/conf"
cp "$SOURCE_DIR"/lua/defaults/*.lua "$S/conf/"
cat >"$S/conf/99-udev-test.lua" <<'EOF2'
on({ ACTION = { "add", "change" }, DEVPATH = "/devices/virtual/mem/null" }, function(ev)
	setenv(ev, "HP2_TEST", "1")
	setenv(ev, ".HP2_PRIVATE", "1")
	make_link(ev, "hp2-test-null")
	tag(ev, "hp2test")
end)
EOF2

pids=""
stop_all() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
}
cleanup_hooks="stop_all"

"$HOTPLUG2" -f -v -c "$S/conf" --modprobe /bin/true --ready-fd 3 \
    3>"$S/ready" 2>"$S/hp.err" &
pids="$pids $!"
wait_for 10 test -s "$S/ready" || { cat "$S/hp.err" >&2; fail "hotplug2 did not get ready"; }
[ -e /run/udev/control ] || fail "no /run/udev/control: libudev would refuse its monitors"

$UDEVADM monitor --kernel --udev --property >"$S/mon.txt" 2>&1 &
pids="$pids $!"
# libudev's in-kernel tag filter on our bloom filter: only the tagged device's events pass.
$UDEVADM monitor --udev --tag-match=hp2test >"$S/tagmon.txt" 2>&1 &
pids="$pids $!"
$PY "$HELPER" monitor mem "$S/py.txt" "$S/py.ready" 2>"$S/py.err" &
pids="$pids $!"
wait_for 10 test -s "$S/py.ready" || fail "pyudev's monitor did not start: $(cat "$S/py.err")"
wait_for 10 grep -q "^UDEV - " "$S/mon.txt" || fail "udevadm monitor did not start"
wait_for 10 grep -q "^UDEV - " "$S/tagmon.txt" || fail "udevadm monitor --tag-match did not start"
sleep 0.5

"$BUILD_DIR/hotplug2-coldplug" || fail "hotplug2-coldplug failed"
# A last event after coldplug's: once it is out, so are the others (or about to be).
sleep 1
echo change >/sys/devices/virtual/mem/null/uevent
wait_for 60 grep -q "^UDEV.*change.*/devices/virtual/mem/null (mem)" "$S/mon.txt" ||
	fail "no udev event for the last change: $(tail -5 "$S/hp.err")"
agree() {
	[ "$(grep -c '^KERNEL\[' "$S/mon.txt")" = "$(grep -c '^UDEV  \[' "$S/mon.txt")" ]
}
wait_for 10 agree || true
sleep 0.5

rc=0
$PY "$HELPER" compare "$S/mon.txt" "$S/py.txt" mem || rc=1
want=$(grep -c '^UDEV  \[.*/devices/virtual/mem/null (mem)$' "$S/mon.txt" || true)
got=$(grep -c '^UDEV  \[' "$S/tagmon.txt" || true)
tagged=$(grep -c '^UDEV  \[.*/devices/virtual/mem/null (mem)$' "$S/tagmon.txt" || true)
echo "udevadm monitor --tag-match=hp2test: $got events, all of them /dev/null's: $tagged, expected $want"
[ "$got" = "$want" ] && [ "$tagged" = "$want" ] && [ "$want" -ge 2 ] || rc=1

$UDEVADM info --query=all --name=/dev/null >"$S/info.txt" || fail "udevadm info failed"
n=0
# The default scripts' /dev/char link and the test's own, both the device's;
# libudev lists DEVLINKS in an order of its own.
for want in "S: hp2-test-null" "E: HP2_TEST=1" "E: USEC_INITIALIZED=" "E: TAGS=:hp2test:" \
    "E: DEVLINKS=/dev/char/1:3 /dev/hp2-test-null"; do
	found=0
	case $want in
	"E: DEVLINKS="*)
		if grep -qx "E: DEVLINKS=/dev/char/1:3 /dev/hp2-test-null" "$S/info.txt" ||
		    grep -qx "E: DEVLINKS=/dev/hp2-test-null /dev/char/1:3" "$S/info.txt"; then
			found=1
		fi ;;
	*) if grep -q "^$want" "$S/info.txt"; then found=1; fi ;;
	esac
	if [ $found = 1 ]; then n=$((n + 1)); else
		echo "udevadm info /dev/null: no line '$want' (in any order)"; rc=1; fi
done
grep -q "HP2_PRIVATE" "$S/info.txt" && { echo "udevadm info /dev/null: a private property"; rc=1; }
echo "udevadm info --query=all /dev/null: $n of 5 lines as expected"
$PY "$HELPER" device /dev/null HP2_TEST /dev/hp2-test-null hp2test || rc=1

$UDEVADM info --export-db >"$S/export.txt" || fail "udevadm info --export-db failed"
$PY "$HELPER" export-db "$S/export.txt" "$S/mon.txt" || rc=1

if [ $rc != 0 ]; then
	cp "$S/mon.txt" "$S/info.txt" "$S/hp.err" /tmp/ 2>/dev/null || true
	fail "libudev clients saw something else (copies in /tmp/mon.txt, info.txt, hp.err)"
fi
echo "PASS: udevadm monitor, udevadm info and pyudev accept hotplug2 as the device manager"
