# Guest side of the qemu harness proof, and the boot-time baseline of issue 9:
# busybox mdev -s plus a modprobe loop over the modaliases in /sys, as a
# minimal initramfs does it without a device manager; then busybox mdev -d on
# netlink follows a disk hot-added and removed through the qemu monitor.
t0=$(e2e_uptime)

# Each pass loads what the modaliases now in /sys resolve to; virtio_pci's
# devices show their virtio modaliases only once it is loaded, so repeat
# until a pass loads nothing new.
passes=0
while :; do
	before=$(wc -l </proc/modules)
	find /sys/devices -name modalias -type f -exec cat {} + | sort -u |
	    xargs modprobe -qa
	passes=$((passes + 1))
	[ "$(wc -l </proc/modules)" = "$before" ] && break
	[ "$passes" -lt 10 ] || e2e_fail "modules still loading after 10 passes"
done
mdev -s
t1=$(e2e_uptime)
echo "coldplug (modprobe loop, $passes passes, then mdev -s): from $t0 s to $t1 s of uptime"
echo "modules loaded: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
for m in virtio_pci virtio_blk virtio_net; do
	[ -d "/sys/module/$m" ] || e2e_fail "$m is not loaded"
done
echo "nodes in /dev: $(ls /dev | tr '\n' ' ')"

# read_mark DEVICE: the first bytes of DEVICE, as long as the host's mark.
read_mark() {
	dd if="$1" bs=512 count=1 2>/dev/null | head -c "${#E2E_MARK_VDA}"
}
[ -b /dev/vda ] || e2e_fail "no block device /dev/vda"
got=$(read_mark /dev/vda)
[ "$got" = "$E2E_MARK_VDA" ] || e2e_fail "/dev/vda reads \"$got\""
echo "/dev/vda reads back: $got"

mdev -d
e2e_signal ready
e2e_wait 120 test -b /dev/vdb || e2e_fail "/dev/vdb did not appear"
got=$(dd if=/dev/vdb bs=512 count=1 2>/dev/null | head -c "${#E2E_MARK_VDB}")
[ "$got" = "$E2E_MARK_VDB" ] || e2e_fail "/dev/vdb reads \"$got\""
echo "hot-added /dev/vdb appeared at $(e2e_uptime) s and reads back: $got"
e2e_signal added
e2e_wait 120 test ! -e /dev/vdb || e2e_fail "/dev/vdb stayed after device_del"
e2e_wait 10 test ! -e /sys/block/vdb || e2e_fail "vdb stayed in /sys/block"
echo "/dev/vdb went at $(e2e_uptime) s"
