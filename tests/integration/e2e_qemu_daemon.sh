#!/bin/sh
# hotplug2 as the only device manager of Debian's cloud kernel under qemu
# (tests/e2e/qemu-daemon.guest.sh), then the same boot with busybox mdev -s
# and a modprobe loop (tests/e2e/proof-qemu-mdev.guest.sh), with the same
# initramfs contents, timed side by side; and a third boot with OpenWrt's
# hotplug.d hook running shell fragments for every block, net and tty event
# (tests/e2e/qemu-openwrt.guest.sh).
. "$SOURCE_DIR/tests/integration/lib.sh"
e2e=$SOURCE_DIR/tests/e2e

E2E_MARK_VDA="hotplug2-e2e vda $$.$(date +%s)"
E2E_MARK_VDB="hotplug2-e2e vdb $$.$(date +%s)"
export E2E_MARK_VDB
printf '%s' "$E2E_MARK_VDA" >"$SCRATCH/vda.img"
truncate -s 16M "$SCRATCH/vda.img"
# The same initramfs for both boots: the daemon, its coldplug program, the
# default scripts, and the user and group names they look up.
set -- -t 240 -d "$SCRATCH/vda.img" \
    -e "E2E_MARK_VDA=$E2E_MARK_VDA" -e "E2E_MARK_VDB=$E2E_MARK_VDB" \
    -b "$BUILD_DIR/hotplug2" -b "$BUILD_DIR/hotplug2-coldplug" \
    -f "$SOURCE_DIR/lua/defaults:/etc/hotplug2" \
    -f /etc/passwd:/etc/passwd -f /etc/group:/etc/group
choreo=$e2e/proof-qemu-mdev.host.sh

# The mdev boot runs the guest script of e2e_qemu_harness: its log gets this
# test's own name, or the two tests (ctest -j) write and delete one file.
logs=${E2E_LOG_DIR:-$BUILD_DIR/e2e-logs}
sh "$e2e/qemu-run.sh" "$@" -c "$choreo" -L "$logs/qemu-daemon.log" \
    "$e2e/qemu-daemon.guest.sh" >"$SCRATCH/hotplug2.out" ||
    { status=$?; cat "$SCRATCH/hotplug2.out"; exit $status; }
cat "$SCRATCH/hotplug2.out"
sh "$e2e/qemu-run.sh" "$@" -c "$choreo" -L "$logs/qemu-daemon-mdev.log" \
    "$e2e/proof-qemu-mdev.guest.sh" >"$SCRATCH/mdev.out" ||
    { status=$?; cat "$SCRATCH/mdev.out"; exit $status; }
cat "$SCRATCH/mdev.out"

# The same boot with OpenWrt's hotplug.d hook enabled: a command per event.
sh "$e2e/qemu-run.sh" "$@" -f "$e2e/hotplug.d:/etc/hotplug.d" \
    -L "$logs/qemu-daemon-openwrt.log" \
    "$e2e/qemu-openwrt.guest.sh" >"$SCRATCH/openwrt.out" ||
    { status=$?; cat "$SCRATCH/openwrt.out"; exit $status; }
cat "$SCRATCH/openwrt.out"

# "coldplug (...): from T0 s to T1 s of uptime": init to /dev/vda, modules loaded.
span() {
	sed -n 's/^coldplug .*: from \([0-9.]*\) s to \([0-9.]*\) s of uptime$/\1 \2/p' "$1" |
	    awk '{ printf "%.2f", $2 - $1 }'
}
echo "boot to /dev/vda with virtio modules, guest seconds:" \
    "hotplug2 $(span "$SCRATCH/hotplug2.out")," \
    "busybox mdev -s + modprobe loop $(span "$SCRATCH/mdev.out"),"\
    "hotplug2 with OpenWrt hotplug.d hooks $(span "$SCRATCH/openwrt.out")"
