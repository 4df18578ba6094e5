#!/bin/sh
# The Debian package boots Debian's cloud kernel under qemu: built from a
# copy of this tree, unpacked into a scratch root, and its files (not the
# build tree's) put into the guest's initramfs at their packaged paths
# (tests/e2e/qemu-package.guest.sh).
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/deb_lib.sh"
e2e=$SOURCE_DIR/tests/e2e

build_deb
R=$DEB_ROOT
E2E_MARK_VDA="hotplug2-e2e package vda $$.$(date +%s)"
printf '%s' "$E2E_MARK_VDA" >"$SCRATCH/vda.img"
truncate -s 16M "$SCRATCH/vda.img"
logs=${E2E_LOG_DIR:-$BUILD_DIR/e2e-logs}
sh "$e2e/qemu-run.sh" -t 240 -d "$SCRATCH/vda.img" -e "E2E_MARK_VDA=$E2E_MARK_VDA" \
    -b "$R/usr/sbin/hotplug2:/usr/sbin/hotplug2" \
    -b "$R/usr/sbin/hotplug2-coldplug:/usr/sbin/hotplug2-coldplug" \
    -f "$R/etc/hotplug2:/etc/hotplug2" \
    -f "$R/usr/share/doc/hotplug2/examples/busybox/inittab:/etc/inittab.hotplug2" \
    -f /etc/passwd:/etc/passwd -f /etc/group:/etc/group \
    -L "$logs/qemu-package.log" "$e2e/qemu-package.guest.sh"
