# The daemon boots a distribution kernel (issue 9): in an initramfs whose
# /dev holds only console and null, hotplug2 --coldplug --once with the
# default scripts is the only device manager. From MODALIAS alone it loads
# virtio_pci, virtio_blk and virtio_net with their dependencies through
# busybox modprobe; /dev/vda reads back what the host wrote into the image;
# a disk hot-added through the monitor appears as /dev/vdb and goes again.
t0=$(e2e_uptime)
hotplug2 -f -C -o -c /etc/hotplug2 >/run/coldplug.out 2>/run/coldplug.err ||
    e2e_fail "hotplug2 --coldplug --once failed: $(cat /run/coldplug.err)"
t1=$(e2e_uptime)
echo "coldplug (hotplug2 --coldplug --once): from $t0 s to $t1 s of uptime"
echo "modules loaded: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
# The three drivers and every module they need (modprobe's dependencies).
n=0
for m in virtio_pci virtio_blk virtio_net virtio virtio_ring \
    virtio_pci_modern_dev virtio_pci_legacy_dev failover net_failover; do
	[ -d "/sys/module/$m" ] || e2e_fail "$m is not loaded"
	n=$((n + 1))
done
echo "modules: $n expected (3 drivers and their dependencies), all loaded"

[ -b /dev/vda ] || e2e_fail "no block device /dev/vda"
got=$(dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c "${#E2E_MARK_VDA}")
[ "$got" = "$E2E_MARK_VDA" ] || e2e_fail "/dev/vda reads \"$got\""
echo "/dev/vda reads back: $got"

hotplug2 -f -c /etc/hotplug2 -d 3 3>/run/ready >/run/daemon.out 2>/run/daemon.err &
daemon=$!
e2e_wait 20 test -s /run/ready || e2e_fail "the daemon never got ready"
e2e_signal ready
e2e_wait 120 test -b /dev/vdb || e2e_fail "/dev/vdb did not appear"
got=$(dd if=/dev/vdb bs=512 count=1 2>/dev/null | head -c "${#E2E_MARK_VDB}")
[ "$got" = "$E2E_MARK_VDB" ] || e2e_fail "/dev/vdb reads \"$got\""
echo "hot-added /dev/vdb appeared and reads back: $got"
e2e_signal added
e2e_wait 120 test ! -e /dev/vdb || e2e_fail "/dev/vdb stayed after device_del"
echo "/dev/vdb went after device_del"
kill "$daemon"
wait "$daemon"
