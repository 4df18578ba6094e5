# The Debian package's own files boot the guest: its /usr/sbin/hotplug2
# and hotplug2-coldplug, its /etc/hotplug2 handlers, and the ::sysinit:
# line of its busybox inittab example, run as busybox init runs it. The
# line returns once the coldplug is done: by then the virtio modules are
# loaded through MODALIAS and /dev/vda reads back what the host wrote.
line=$(grep '^::sysinit:' /etc/inittab.hotplug2) ||
    e2e_fail "no ::sysinit: line in the package's inittab"
t0=$(e2e_uptime)
sh -c "${line#::sysinit:}" || e2e_fail "the package's ::sysinit: line failed"
t1=$(e2e_uptime)
echo "coldplug (the package's ::sysinit: line): from $t0 s to $t1 s of uptime"
for m in virtio_pci virtio_blk virtio_net; do
	[ -d "/sys/module/$m" ] || e2e_fail "$m is not loaded"
done
echo "modules loaded: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
[ -b /dev/vda ] || e2e_fail "no block device /dev/vda"
got=$(dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c "${#E2E_MARK_VDA}")
[ "$got" = "$E2E_MARK_VDA" ] || e2e_fail "/dev/vda reads \"$got\""
echo "/dev/vda reads back: $got"
pid=$(pidof hotplug2) || e2e_fail "the daemon is not running after the ::sysinit: line"
echo "the daemon runs on: pid $pid"
kill $pid
