# Debian's systemd-udevd and hotplug2's default scripts on the same guest
# devices (tests/integration/e2e_qemu_udev_links.sh boots it): the drivers
# loaded first, so both see the same devices; udevd with Debian's rules on
# a tmpfs /dev filled as devtmpfs would be, its links and database printed;
# then hotplug2 --coldplug --once on a second, empty tmpfs /dev and an
# empty /run/udev, its links and database (read by the same udevadm)
# printed.  The host compares the links and the tags.
#
# Lines for the host: "UDEV-LINK L -> T", "HP2-LINK L -> T", "UDEV-DB ...",
# "HP2-DB ...".
# Set by the host: E2E_MODULES (the drivers), E2E_EXPECT (devices, as
# /sys/class paths, that must exist before anything runs), UDEV_ORACLE.
. /e2e/udev_lib.sh

for m in $E2E_MODULES; do
	modprobe "$m" || e2e_fail "modprobe $m failed"
done
for p in $E2E_EXPECT; do
	e2e_wait 60 test -e "$p" || e2e_fail "no $p after loading the drivers"
done
# Drivers probe in the background (USB enumeration, the HDA codec): wait
# until the set of devices has stopped changing for a second.
count() {
	ls /sys/dev/char /sys/dev/block | wc -l
}
last=$(count) still=0 i=0
while [ "$still" -lt 20 ] && [ "$i" -lt 600 ]; do
	sleep 0.05
	now=$(count)
	if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0 last=$now; fi
	i=$((i + 1))
done
echo "devices: $(ls /sys/dev/char | wc -l) char, $(ls /sys/dev/block | wc -l) block;" \
    "block: $(ls /sys/class/block | tr '\n' ' ')"

# --- udevd with Debian's rules ---
mount -t tmpfs -o mode=0755 udev-oracle /dev || e2e_fail "unable to mount a tmpfs on /dev"
udev_mknodes /dev || e2e_fail "unable to make the nodes"
udev_daemon_start /lib/udev /run/udevd.log || e2e_fail "systemd-udevd did not start"
udev_coldplug || e2e_fail "trigger or settle failed: $(tail -n 20 /run/udevd.log)"
udev_daemon_stop
udev_retry_failed /run/udevd.log
udev_record /dev | sed 's/^/UDEV-LINK /'
udevadm info --export-db | sed 's/^/UDEV-DB /'
grep -i 'error\|fail' /run/udevd.log | head -n 10 | sed 's/^/udevd: /'
umount /dev || e2e_fail "unable to unmount udev's /dev"

# --- hotplug2 with the default scripts ---
mount -t tmpfs -o mode=0755 hotplug2 /dev || e2e_fail "unable to mount a tmpfs on /dev"
rm -rf /run/udev
hotplug2 -f -C -o -c /etc/hotplug2 >/run/hotplug2.out 2>/run/hotplug2.err ||
    e2e_fail "hotplug2 --coldplug --once failed: $(tail -n 5 /run/hotplug2.err)"
udev_record /dev | sed 's/^/HP2-LINK /'
udevadm info --export-db | sed 's/^/HP2-DB /'
umount /dev
