# A probe, not a test: prints the facts about Debian's cloud kernel under
# qemu that the end-to-end tests rely on (docs/e2e-notes.md records them).
# usage: sh tests/e2e/qemu-run.sh [-b /sbin/modprobe] tests/e2e/facts-qemu.guest.sh
echo "kernel: $(uname -r); /proc/sys/kernel/hotplug:" \
    "$([ -e /proc/sys/kernel/hotplug ] && echo present || echo absent)"
read -r seq </sys/kernel/uevent_seqnum
echo "uevent_seqnum when init ran: $seq"
echo "entries in /sys/dev/{block,char}: $(ls /sys/dev/block /sys/dev/char | grep -c :);" \
    "uevent files in /sys/devices: $(find /sys/devices -name uevent | wc -l)"
echo "modprobe is: $(readlink /bin/modprobe || echo "a file ($(head -c 4 /bin/modprobe | od -An -c | tr -d ' '))")"
echo "modaliases in /sys before any module:"
find /sys/devices -name modalias -type f -exec cat {} + | sort | uniq -c | sed 's/^/  /'
t0=$(e2e_uptime)
for m in $(find /sys/devices -name modalias -type f -exec cat {} + | sort -u); do
	modprobe -q "$m" && echo "  loaded for $m"
done
t1=$(e2e_uptime)
echo "first pass $t0 -> $t1; new modaliases now:"
find /sys/devices -name modalias -type f -exec cat {} + | grep virtio | sed 's/^/  /'
