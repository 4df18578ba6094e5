#!/bin/sh
# Debian's systemd-udevd as the oracle for the default scripts' persistent
# names, in a qemu guest with more hardware than the host
# (tests/e2e/qemu-udev-links.guest.sh): Debian's generic kernel (the cloud
# one has no USB or sound drivers), a virtio disk with a GPT holding a
# labelled ext4 and a labelled vfat partition beside the plain one qemu-run
# gives, a virtio-scsi disk with an MBR and a CD-ROM with an ISO, a USB
# stick, keyboard, tablet, serial adapter and sound card, and an intel-hda
# sound card.  (qemu emulates no camera: no v4l links.)
# udevd, udevadm, their libraries, helpers and rules go into the
# initramfs; the guest runs udevd, then hotplug2, and prints both link
# lists, which tests/oracle/udev_compare.sh compares with the differences
# of tests/oracle/udev-differences.txt allowed, and both databases, whose
# tags tests/oracle/udev_tags.sh compares (the seat rules of systemd's
# package are among the oracle's).
# UDEV_LINKS_OUT=FILE and UDEV_DB_OUT=FILE keep udev's list and database.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/oracle/udev_lib.sh"
e2e=$SOURCE_DIR/tests/e2e
oracle=$SOURCE_DIR/tests/oracle

sh "$oracle/udev_compare.sh" --self-check >"$SCRATCH/self-check" 2>&1 ||
	{ cat "$SCRATCH/self-check" >&2; fail "the comparator's self-check failed"; }
sh "$oracle/udev_tags.sh" --self-check || fail "the tag comparator's self-check failed"
[ -x "$UDEV_ORACLE/bin/udevadm" ] && [ -r "$UDEV_ORACLE/lib/udev/hwdb.bin" ] ||
	skip "no udev oracle in $UDEV_ORACLE (scripts/udev-oracle.sh makes it)"
[ -r "$UDEV_ORACLE/lib/udev/rules.d/71-seat.rules" ] ||
	skip "the udev oracle has no seat rules; run scripts/udev-oracle.sh again"
for tool in sfdisk mkfs.ext4 mkfs.vfat xorriso; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not found; run scripts/e2e-deps.sh"
done

# --- the images, built as files: no loop device, no mount ---
S=$SCRATCH
truncate -s 64M "$S/gpt.img"
sfdisk -q "$S/gpt.img" <<'EOS' || fail "sfdisk on gpt.img"
label: gpt
label-id: 8D4A3E52-1C5B-4F0E-9C61-3A2B5E6F7D80
start=2048, size=65536, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=2A7E9C41-5B3D-4E8F-A1C2-6D9B0F3E5A71, name="hp2-ext4"
start=67584, size=61440, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, uuid=7F1D3B25-9E4C-4A6B-8D0E-2C5A7B9E1F36, name="hp2-vfat"
EOS
mkfs.ext4 -q -F -L HP2EXT4 -U 3c6f1e2a-8b4d-4f9e-a7c1-5d2b8e0f6a93 \
    -E offset=$((2048 * 512)) "$S/gpt.img" 32M || fail "mkfs.ext4 on gpt.img"
mkfs.vfat --offset 67584 -n HP2VFAT -i 4A5B6C7D "$S/gpt.img" 30720 >"$S/mkfs.out" 2>&1 ||
	fail "mkfs.vfat on gpt.img"
truncate -s 16M "$S/scsi.img"
printf 'label: dos\nlabel-id: 0x48503253\nstart=2048, type=83\n' | sfdisk -q "$S/scsi.img" ||
	fail "sfdisk on scsi.img"
mkdir -p "$S/iso"
echo "hotplug2 udev oracle" >"$S/iso/README"
xorriso -as mkisofs -quiet -V HP2CD --modification-date=2026010100000000 -o "$S/cd.iso" "$S/iso" 2>"$S/xorriso.err" ||
	fail "xorriso: $(cat "$S/xorriso.err")"
truncate -s 16M "$S/usb.img"
mkfs.ext4 -q -F -L HP2USB -U 9b2e4d6f-1a3c-4e5b-8f7a-0c9d2e4b6a18 "$S/usb.img" ||
	fail "mkfs.ext4 on usb.img"
truncate -s 16M "$S/vda.img"

# --- the machine ---
devices="-device virtio-scsi-pci,id=scsi0
-drive if=none,id=gpt0,format=raw,file=$S/gpt.img
-device virtio-blk-pci,drive=gpt0,serial=HP2GPT0001
-drive if=none,id=sd0,format=raw,file=$S/scsi.img
-device scsi-hd,drive=sd0,bus=scsi0.0,serial=HP2SCSI0001
-drive if=none,id=cd0,format=raw,media=cdrom,readonly=on,file=$S/cd.iso
-device scsi-cd,drive=cd0,bus=scsi0.0
-device qemu-xhci,id=xhci,p2=8,p3=8
-drive if=none,id=stick0,format=raw,file=$S/usb.img
-device usb-storage,drive=stick0,bus=xhci.0,serial=HP2USB0001
-device usb-kbd,bus=xhci.0 -device usb-tablet,bus=xhci.0
-chardev file,id=ser0,path=$S/usb-serial.out -device usb-serial,chardev=ser0,bus=xhci.0
-device usb-audio,audiodev=snd0,bus=xhci.0
-audiodev none,id=snd0 -device intel-hda -device hda-duplex,audiodev=snd0"
modules="virtio_pci virtio_blk virtio_net virtio_scsi sd_mod sr_mod xhci_pci
usb_storage usbhid hid_generic evdev ftdi_sio snd_hda_intel snd_hda_codec_generic
snd_usb_audio"
# One sound card at least: under TCG the intel-hda codec probe sometimes
# gives up ("Cannot probe codecs"), and udevd and hotplug2 then compare the
# USB card alone, on the same guest.
expect="/sys/class/block/vda /sys/class/block/vdb2 /sys/class/block/sda1
/sys/class/block/sr0 /sys/class/block/sdb /sys/class/tty/ttyUSB0
/sys/class/sound/controlC0"

# udevd, udevadm, the helpers, each with the libraries ldd names; the
# oracle's libraries at their paths in the cache, which LD_LIBRARY_PATH
# names in the guest as on the host.
udev_libdir "$S/lib-udev" || fail "unable to copy the oracle's rules"
set -- -K generic -m 1024M -t 600 -d "$S/vda.img" -M "$modules" \
    -e "E2E_MODULES=$(echo $modules)" -e "E2E_EXPECT=$(echo $expect)" \
    -e "UDEV_ORACLE=$UDEV_ORACLE" \
    -b "$UDEV_ORACLE/bin/udevadm:$UDEV_ORACLE/bin/udevadm" \
    -f "$S/lib-udev/rules.d:/lib/udev/rules.d" \
    -f "$S/lib-udev/hwdb.bin:/lib/udev/hwdb.bin" \
    -f "$oracle/udev_lib.sh:/e2e/udev_lib.sh" \
    -b "$BUILD_DIR/hotplug2" -b "$BUILD_DIR/hotplug2-coldplug" \
    -f "$SOURCE_DIR/lua/defaults:/etc/hotplug2" \
    -f /etc/passwd:/etc/passwd -f /etc/group:/etc/group
for h in "$S"/lib-udev/*; do
	[ -f "$h" ] && [ -x "$h" ] || continue
	set -- "$@" -b "$h:/lib/udev/${h##*/}"
done
logs=${E2E_LOG_DIR:-$BUILD_DIR/e2e-logs}
rc=0
LD_LIBRARY_PATH=$(udev_ld_path) sh "$e2e/qemu-run.sh" "$@" -Q "$devices" \
    -L "$logs/qemu-udev-links.log" "$e2e/qemu-udev-links.guest.sh" \
    >"$S/guest.out" || rc=$?
grep -v '^UDEV-DB \|^HP2-DB \|^UDEV-LINK \|^HP2-LINK ' "$S/guest.out"
[ $rc = 0 ] || exit $rc
sed -n 's/^UDEV-LINK //p' "$S/guest.out" >"$S/udev.links"
sed -n 's/^HP2-LINK //p' "$S/guest.out" >"$S/hotplug2.links"
[ -z "${UDEV_LINKS_OUT:-}" ] || cp "$S/udev.links" "$UDEV_LINKS_OUT"
[ -z "${UDEV_DB_OUT:-}" ] || sed -n 's/^UDEV-DB //p' "$S/guest.out" >"$UDEV_DB_OUT"
n=$(wc -l <"$S/udev.links")
[ "$n" -gt 0 ] || fail "udevd made no links in the guest"
echo "udev $(udevadm --version) with Debian's rules in the guest: $n links;" \
    "hotplug2 with lua/defaults: $(wc -l <"$S/hotplug2.links") links"
sh "$oracle/udev_compare.sh" "$S/udev.links" "$S/hotplug2.links" \
    "$oracle/udev-differences.txt" 2>&1 ||
	fail "in the guest, hotplug2's default scripts and udev make different links"
sed -n 's/^UDEV-DB //p' "$S/guest.out" >"$S/udev.db"
sed -n 's/^HP2-DB //p' "$S/guest.out" >"$S/hotplug2.db"
sh "$oracle/udev_tags.sh" "$S/udev.db" "$S/hotplug2.db" ||
	fail "in the guest, hotplug2's default scripts and udev tag devices differently"
echo ok
