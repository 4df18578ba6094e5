# libinput, a libudev client, with hotplug2 as the only device manager
# (tests/integration/e2e_qemu_libinput.sh boots it): the daemon coldplugs
# the virtio keyboard and mouse qemu gives (loading virtio_input and evdev
# from their MODALIAS), writes udev's database and broadcasts each event;
# "libinput list-devices" must list both; then, with "libinput
# debug-events" running, the host hot-adds a keyboard over the monitor,
# which debug-events must report as DEVICE_ADDED.
#
# Lines for the host: "LIBINPUT-LIST ..." (list-devices' output) and
# "LIBINPUT-EVENT ..." (debug-events' output).

# The names of the event nodes under /dev/input, sorted.
event_nodes() {
	ls /dev/input 2>/dev/null | grep '^event' | sort
}

hotplug2 -f -C -c /etc/hotplug2 -d 3 3>/run/ready >/run/daemon.out 2>/run/daemon.err &
daemon=$!
e2e_wait 60 test -s /run/ready || e2e_fail "the daemon never got ready: $(tail -n 5 /run/daemon.err)"
# Is there an event node of the input device named $1?
node_named() {
	for n in $(event_nodes); do
		[ "$(cat "/sys/class/input/$n/device/name" 2>/dev/null)" = "$1" ] && return 0
	done
	return 1
}
both_virtio() {
	node_named "QEMU Virtio Keyboard" && node_named "QEMU Virtio Mouse"
}
# The drivers load while the daemon handles coldplug: wait for the nodes of
# both virtio devices (a count would also take an i8042 keyboard's, and
# then a late virtio node for the hot-added one).
e2e_wait 120 both_virtio ||
    e2e_fail "no event nodes of the virtio keyboard and mouse: $(ls /dev/input 2>&1); $(tail -n 5 /run/daemon.err)"
[ -e /run/udev/control ] || e2e_fail "no /run/udev/control"
before=$(event_nodes)
for n in $before; do
	[ -e "/run/udev/data/c$(cat "/sys/class/input/$n/dev")" ] ||
	    e2e_fail "no database entry for $n"
done
echo "coldplug: event nodes $(echo $before), each with a database entry;" \
    "modules: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"

libinput list-devices >/run/list.out 2>/run/list.err ||
    e2e_fail "libinput list-devices failed: $(tail -n 5 /run/list.err)"
sed 's/^/LIBINPUT-LIST /' /run/list.out
sed 's/^/LIBINPUT-LIST-ERR /' /run/list.err

libinput debug-events >/run/events.out 2>/run/events.err &
events=$!
# libinput opens each device it adds: both nodes open is libinput listening.
opened() {
	for n in "$@"; do
		ls -l "/proc/$events/fd" 2>/dev/null | grep -q "/dev/input/$n\$" || return 1
	done
}
# shellcheck disable=SC2086
e2e_wait 60 opened $before || e2e_fail "libinput debug-events did not open $(echo $before)"
e2e_signal listening
e2e_wait 120 sh -c '[ "$(ls /dev/input | grep -c ^event)" -gt "$0" ]' "$(echo "$before" | wc -w)" ||
    e2e_fail "no new event node after device_add"
new=$(event_nodes | grep -vx "$(echo "$before" | tr ' ' '\n')" | head -n 1)
echo "hot-added: /dev/input/$new, database entry $(ls "/run/udev/data/c$(cat "/sys/class/input/$new/dev")")"
e2e_wait 60 opened "$new" || e2e_fail "libinput debug-events never opened /dev/input/$new"
kill -INT "$events"
wait "$events"
sed 's/^/LIBINPUT-EVENT /' /run/events.out
sed 's/^/LIBINPUT-EVENT-ERR /' /run/events.err

# What logind would read: the input devices in the seat, the keyboards'
# event nodes as power switches.
echo "tags: seat $(ls /run/udev/tags/seat | grep -c '^+input:input') input devices," \
    "power-switch $(ls /run/udev/tags/power-switch 2>/dev/null | wc -l) event nodes"
# The control: the same libinput with the database hidden lists nothing,
# since a device without an entry is one udev has not initialized.
mount -t tmpfs -o mode=0755 hidden /run/udev/data || e2e_fail "unable to hide the database"
libinput list-devices >/run/list-hidden.out 2>&1
umount /run/udev/data
echo "without the database: libinput list-devices lists $(grep -c '^Device:' /run/list-hidden.out) devices"
e2e_signal done
kill "$daemon"
wait "$daemon"
