#!/bin/sh
# The qemu harness works end to end: Debian's cloud kernel boots under TCG
# from a made initramfs, busybox mdev -s and a modprobe loop load the virtio
# modules from /sys's modaliases, /dev/vda reads back what was written into
# its image, and a disk hot-added through the monitor comes and goes as
# /dev/vdb. The boot is also the baseline the daemon is compared with.
. "$SOURCE_DIR/tests/integration/lib.sh"
e2e=$SOURCE_DIR/tests/e2e

E2E_MARK_VDA="hotplug2-e2e vda $$.$(date +%s)"
E2E_MARK_VDB="hotplug2-e2e vdb $$.$(date +%s)"
export E2E_MARK_VDB
printf '%s' "$E2E_MARK_VDA" >"$SCRATCH/vda.img"
truncate -s 16M "$SCRATCH/vda.img"

# qemu-run.sh exits 77 (1 in CI) itself when qemu or the kernel is missing.
sh "$e2e/qemu-run.sh" -t 240 -d "$SCRATCH/vda.img" \
    -e "E2E_MARK_VDA=$E2E_MARK_VDA" -e "E2E_MARK_VDB=$E2E_MARK_VDB" \
    -c "$e2e/proof-qemu-mdev.host.sh" "$e2e/proof-qemu-mdev.guest.sh" ||
    exit $?
