# The Debian package's own files boot the guest: its /usr/sbin/hotplug2
# and hotplug2-coldplug, its /etc/hotplug2 handlers, and the ::sysinit:
# line of its busybox inittab example, run as busybox init runs it. The
# line returns once the coldplug is done, with virtio_pci loaded through
# MODALIAS; the disk behind it is a new device, announced once that driver
# binds, and the running daemon loads virtio_blk for it and makes /dev/vda,
# which reads back what the host wrote.
line=$(grep '^::sysinit:' /etc/inittab.hotplug2) ||
    e2e_fail "no ::sysinit: line in the package's inittab"
t0=$(e2e_uptime)
sh -c "${line#::sysinit:}" || e2e_fail "the package's ::sysinit: line failed"
t1=$(e2e_uptime)
echo "coldplug (the package's ::sysinit: line): from $t0 s to $t1 s of uptime"
[ -d /sys/module/virtio_pci ] || e2e_fail "virtio_pci is not loaded after the coldplug"
e2e_wait 60 test -b /dev/vda || e2e_fail "no block device /dev/vda"
for m in virtio_pci virtio_blk virtio_net; do
	e2e_wait 30 test -d "/sys/module/$m" || e2e_fail "$m is not loaded"
done
echo "modules loaded: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
got=$(dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c "${#E2E_MARK_VDA}")
[ "$got" = "$E2E_MARK_VDA" ] || e2e_fail "/dev/vda reads \"$got\""
echo "/dev/vda reads back: $got"
pid=$(pidof hotplug2) || e2e_fail "the daemon is not running after the ::sysinit: line"
echo "the daemon runs on: pid $pid"
kill $pid
