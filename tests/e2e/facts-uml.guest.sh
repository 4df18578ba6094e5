# A probe, not a test: prints the facts about Debian's user-mode-linux kernel
# that the end-to-end tests rely on, so they can be checked again when the
# package changes (docs/e2e-notes.md records them).
# usage: BUILD_DIR=build sh tests/e2e/uml-run.sh tests/e2e/facts-uml.guest.sh
echo "kernel: $(uname -r); modules dir: /usr/lib/uml/modules/$(uname -r)"
read -r seq </sys/kernel/uevent_seqnum
echo "uevent_seqnum when init ran: $seq"
echo "default helper: '$(cat /proc/sys/kernel/hotplug)' (cleared by uml-run.sh)"
echo "devtmpfs on /dev: $(grep -c ' /dev devtmpfs ' /proc/mounts); nodes there:" \
    "$(find /dev -type b -o -type c | wc -l); entries in /sys/dev/{block,char}:" \
    "$(ls /sys/dev/block /sys/dev/char | grep -c :); uevent files in /sys/devices:" \
    "$(find /sys/devices -name uevent | wc -l)"

# The helper's process state: open descriptors, umask, directory, ids.
mkdir -p /run/h
cat >/run/helper.sh <<'EOS'
#!/bin/sh
exec 3>/run/h/.$SEQNUM
for fd in 0 1 2; do
	if [ -e /proc/$$/fd/$fd ]; then echo "fd$fd=open" >&3; else echo "fd$fd=closed" >&3; fi
done
echo "umask=$(umask) cwd=$(pwd) uid=$(id -u) argc=$# argv1=$1" >&3
set -- $(cat /proc/$$/stat)
echo "ppid=$4 ($(cat /proc/$4/comm)) pgid=$5 sid=$6 tty_nr=$7" >&3
grep -E '^(SigBlk|SigIgn|CapEff)' /proc/$$/status | tr '\t' ' ' >&3
echo "env: $(env | cut -d= -f1 | sort | tr '\n' ' ')" >&3
# Finish out of SEQNUM order on purpose: the kernel does not wait for us.
sleep "0.$(( (SEQNUM % 4) * 2 ))"
mv /run/h/.$SEQNUM /run/h/$SEQNUM
echo "$SEQNUM" >>/run/h/order
EOS
chmod +x /run/helper.sh
echo /run/helper.sh >/proc/sys/kernel/hotplug
read -r first </sys/kernel/uevent_seqnum
first=$((first + 1))
for i in 1 2 3 4 5; do
	for d in null zero full random urandom; do
		echo change >/sys/class/mem/$d/uevent
	done
done
read -r last </sys/kernel/uevent_seqnum
: >>/run/h/order
helpers_done() { [ "$(wc -l </run/h/order)" -ge $((last - first + 1)) ]; }
e2e_wait 20 helpers_done ||
    echo "helpers missing: $(wc -l </run/h/order) of $((last - first + 1))"
echo "helper state, SEQNUM $first:"
sed 's/^/  /' /run/h/$first
echo "helper completion order for SEQNUM $first..$last:" $(cat /run/h/order)
sort -n /run/h/order | cmp -s - /run/h/order &&
    echo "  (in order)" || echo "  (out of SEQNUM order: helpers run concurrently)"
echo >/proc/sys/kernel/hotplug

# A root process may multicast on the uevent group: the path dnode can use.
if [ -x "$BUILD_DIR/hotplug2" ] && [ -x "$BUILD_DIR/tests/nlsend" ]; then
	"$BUILD_DIR/hotplug2" monitor >/run/mon.out 2>/run/mon.err &
	mon=$!
	sleep 0.5
	"$BUILD_DIR/tests/nlsend" "add@/devices/e2e-probe" ACTION=add \
	    DEVPATH=/devices/e2e-probe SUBSYSTEM=e2e SEQNUM=999999
	sleep 0.5
	kill $mon; wait $mon
	grep -q "^999999 add /devices/e2e-probe" /run/mon.out &&
	    echo "userspace multicast from root: received by hotplug2 monitor" ||
	    echo "userspace multicast from root: NOT received ($(cat /run/mon.err))"
fi

# Modules: /lib/modules through an overlay, then modprobe by MODALIAS.
e2e_uml_modules
echo "modprobe by alias virtio:d00000001v00001AF4 (kmod):"
modprobe -v virtio:d00000001v00001AF4 | sed 's/^/  /'
echo "  /proc/modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
modprobe -r virtio_net net_failover failover
echo "busybox modprobe virtio:d00000008v00001AF4:"
busybox modprobe virtio:d00000008v00001AF4 && echo "  ok"
echo "  /proc/modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
