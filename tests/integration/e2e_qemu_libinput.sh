#!/bin/sh
# libinput (Debian's libinput-tools, copied into the initramfs with its
# libraries and quirks) with hotplug2 as the only device manager of
# Debian's cloud kernel under qemu (tests/e2e/qemu-libinput.guest.sh):
# "libinput list-devices" lists the virtio keyboard and mouse, and "libinput
# debug-events" reports a keyboard hot-added over the monitor as
# DEVICE_ADDED.  libinput reads udev's database (the entry is its
# "initialized" mark, ID_INPUT_* its classification), needs
# /run/udev/control before its monitor joins the broadcast, and hears the
# hot-added device only from hotplug2's broadcast.
. "$SOURCE_DIR/tests/integration/lib.sh"
e2e=$SOURCE_DIR/tests/e2e

LIBEXEC=/usr/libexec/libinput
for tool in /usr/bin/libinput "$LIBEXEC/libinput-list-devices" "$LIBEXEC/libinput-debug-events"; do
	[ -x "$tool" ] || skip "no $tool; run scripts/e2e-deps.sh (libinput-tools)"
done

modules="virtio_pci virtio_blk virtio_net virtio_input evdev"
set -- -t 600 -M "$modules" \
    -Q "-device virtio-keyboard-pci,id=kbd0 -device virtio-mouse-pci,id=mouse0" \
    -b "$BUILD_DIR/hotplug2" -b "$BUILD_DIR/hotplug2-coldplug" \
    -b /usr/bin/libinput \
    -b "$LIBEXEC/libinput-list-devices:$LIBEXEC/libinput-list-devices" \
    -b "$LIBEXEC/libinput-debug-events:$LIBEXEC/libinput-debug-events" \
    -f /usr/share/libinput:/usr/share/libinput \
    -f "$SOURCE_DIR/lua/defaults:/etc/hotplug2" \
    -f /etc/passwd:/etc/passwd -f /etc/group:/etc/group
logs=${E2E_LOG_DIR:-$BUILD_DIR/e2e-logs}
rc=0
sh "$e2e/qemu-run.sh" "$@" -c "$e2e/qemu-libinput.host.sh" -L "$logs/qemu-libinput.log" \
    "$e2e/qemu-libinput.guest.sh" >"$SCRATCH/guest.out" || rc=$?
grep -v '^LIBINPUT-' "$SCRATCH/guest.out"
[ $rc = 0 ] || { grep '^LIBINPUT-' "$SCRATCH/guest.out"; exit $rc; }
sed -n 's/^LIBINPUT-LIST //p' "$SCRATCH/guest.out" >"$SCRATCH/list"
sed -n 's/^LIBINPUT-EVENT //p' "$SCRATCH/guest.out" >"$SCRATCH/events"

# list-devices: "Device: NAME" then "Capabilities: keyboard" (or pointer).
caps() {
	awk -v want="$1" '/^Device:/ { sub(/^Device: */, ""); dev = $0 }
	    /^Capabilities:/ && dev == want { sub(/^Capabilities: */, ""); print; exit }' "$SCRATCH/list"
}
kbd=$(caps "QEMU Virtio Keyboard")
mouse=$(caps "QEMU Virtio Mouse")
echo "libinput list-devices: $(grep -c '^Device:' "$SCRATCH/list") devices;" \
    "QEMU Virtio Keyboard: ${kbd:-absent}; QEMU Virtio Mouse: ${mouse:-absent}"
case $kbd in *keyboard*) ;; *) cat "$SCRATCH/list"; fail "list-devices lists no virtio keyboard" ;; esac
case $mouse in *pointer*) ;; *) cat "$SCRATCH/list"; fail "list-devices lists no virtio mouse" ;; esac

# debug-events: the two coldplugged devices, then the hot-added keyboard.
added=$(grep -c 'DEVICE_ADDED' "$SCRATCH/events")
kbds=$(grep 'DEVICE_ADDED' "$SCRATCH/events" | grep -c 'QEMU Virtio Keyboard')
echo "libinput debug-events: $added DEVICE_ADDED, $kbds of them QEMU Virtio Keyboard"
grep 'DEVICE_ADDED' "$SCRATCH/events"
[ "$added" -ge 3 ] && [ "$kbds" -ge 2 ] ||
	{ cat "$SCRATCH/events"; fail "debug-events did not report the hot-added keyboard"; }
# The control: libinput trusted hotplug2's database, not the devices alone.
hidden=$(sed -n 's/^without the database: libinput list-devices lists \([0-9]*\) devices$/\1/p' "$SCRATCH/guest.out")
[ "$hidden" = 0 ] || fail "with the database hidden, libinput still lists ${hidden:-?} devices"
grep -q '^tags: seat [1-9]' "$SCRATCH/guest.out" || fail "no input device tagged seat in the guest"
echo ok
