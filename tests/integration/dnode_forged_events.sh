#!/bin/sh
# Forged 2.4-style pci, usb, ieee1394 and net events passed through hotplug2-dnode reach hotplug2 monitor with the right DEVPATH, MODALIAS and SEQNUM.
. "$SOURCE_DIR/tests/integration/dnode_netns.sh"
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/dnode_lib.sh"
need_root
[ -n "${DNODE_IN_NETNS:-}" ] ||
	echo "note: no private network namespace; filtering by tag" >&2

export HOTPLUG2_SEQNUM_FILE="$SCRATCH/seqdir/seqnum"
start_monitor

# As a 2.4 kernel calls it: argv[1] and the event in the environment.
dnode() {
	tag=$1 subsystem=$2; shift 2
	env -i $KERNEL_ENV HOTPLUG2_SEQNUM_FILE="$HOTPLUG2_SEQNUM_FILE" \
	    DNODE_TEST="$tag" "$@" "$DNODE" "$subsystem" ||
		fail "hotplug2-dnode $subsystem ($tag) exited $?"
}

# Values of real devices: an Intel 82557 NIC, a Logitech receiver, an SBP-2
# disk, as 2.4.3x kernels export them.
dnode pci pci ACTION=add PCI_CLASS=20000 PCI_ID=8086:1229 \
    PCI_SUBSYS_ID=8086:000C PCI_SLOT_NAME=00:0c.0
dnode usb usb ACTION=add DEVFS=/proc/bus/usb DEVICE=/proc/bus/usb/001/003 \
    PRODUCT=46d/c52b/1211 TYPE=0/0/0 INTERFACE=3/1/2
dnode hub usb ACTION=add DEVFS=/proc/bus/usb DEVICE=/proc/bus/usb/001/002 \
    PRODUCT=50d/237/100 TYPE=9/0/0
dnode ieee1394 ieee1394 ACTION=add VENDOR_ID=00d04b GUID=00d04b0100012d1e \
    SPECIFIER_ID=00609e VERSION=010483
dnode net net ACTION=register INTERFACE=eth1
dnode usb-remove usb ACTION=remove DEVFS=/proc/bus/usb \
    DEVICE=/proc/bus/usb/001/003 PRODUCT=46d/c52b/1211 TYPE=0/0/0 \
    INTERFACE=3/1/2
# From a 2.6 kernel, with its own DEVPATH, SEQNUM and MODALIAS: all kept.
dnode kernel26 pci ACTION=add DEVPATH=/devices/pci0000:00/0000:00:0c.0 \
    SEQNUM=815 PCI_CLASS=20000 PCI_ID=8086:1229 PCI_SUBSYS_ID=8086:000C \
    PCI_SLOT_NAME=0000:00:0c.0 \
    MODALIAS=pci:v00008086d00001229sv00008086sd0000000Cbc02sc00i00
# Before 2.4.0-test12: the action as argv[2], ids unpadded with '/'.
env -i $KERNEL_ENV HOTPLUG2_SEQNUM_FILE="$HOTPLUG2_SEQNUM_FILE" \
    DNODE_TEST=old PCI_CLASS=68000 PCI_ID=8086/7113 PCI_SUBSYS_ID=0/0 \
    PCI_SLOT_NAME=00:07.3 "$DNODE" pci add || fail "the old form failed"

# A counter whose lock someone holds: the helper gives up waiting after 2
# seconds, says so, and still delivers the event, without a SEQNUM.
flock --no-fork "$HOTPLUG2_SEQNUM_FILE" sleep 10 >/dev/null 2>&1 &
holder=$!
wait_for 5 sh -c "! flock -n '$HOTPLUG2_SEQNUM_FILE' true" ||
	fail "could not take the counter's lock"
env -i $KERNEL_ENV HOTPLUG2_SEQNUM_FILE="$HOTPLUG2_SEQNUM_FILE" \
    DNODE_TEST=locked ACTION=register INTERFACE=eth2 "$DNODE" net \
    2>"$SCRATCH/locked.err" || fail "the helper failed on a held lock"
kill "$holder"; wait "$holder" 2>/dev/null || true
grep -q "its lock is held too long; sending the event without one" \
    "$SCRATCH/locked.err" || { cat "$SCRATCH/locked.err" >&2;
	fail "no warning about the held lock"; }

wait_for 5 sh -c "tr '\0' '\n' <'$SCRATCH/out' | grep -qx DNODE_TEST=locked" ||
	{ events >&2; fail "the events did not all arrive"; }
stop_monitor

expect pci "add@/bus/pci/devices/0000:00:0c.0"
expect pci "DEVPATH=/bus/pci/devices/0000:00:0c.0"
expect pci "SUBSYSTEM=pci"
expect pci "MODALIAS=pci:v00008086d00001229sv00008086sd0000000Cbc02sc00i00"
expect pci "SEQNUM=1"

expect usb "add@/bus/usb/devices/001/003"
expect usb "MODALIAS=usb:v046DpC52Bd1211dc00dsc00dp00ic03isc01ip02"
expect usb "SEQNUM=2"

expect hub "DEVPATH=/bus/usb/devices/001/002"
expect hub "MODALIAS=usb:v050Dp0237d0100dc09dsc00dp00ic09isc00ip00"
expect hub "SEQNUM=3"

expect ieee1394 "add@/bus/ieee1394/devices/00d04b0100012d1e"
expect ieee1394 "MODALIAS=ieee1394:ven0000D04Bmo00000000sp0000609Ever00010483"
expect ieee1394 "SEQNUM=4"

expect net "register@/class/net/eth1"
expect net "INTERFACE=eth1"
expect net "SUBSYSTEM=net"
expect net "SEQNUM=5"
absent net "^MODALIAS="

# The remove names the same device as its add.
expect usb-remove "remove@/bus/usb/devices/001/003"
expect usb-remove "SEQNUM=6"

expect kernel26 "add@/devices/pci0000:00/0000:00:0c.0"
expect kernel26 "SEQNUM=815"
expect kernel26 \
    "MODALIAS=pci:v00008086d00001229sv00008086sd0000000Cbc02sc00i00"

expect old "add@/bus/pci/devices/0000:00:07.3"
expect old "ACTION=add"
expect old "MODALIAS=pci:v00008086d00007113sv00000000sd00000000bc06sc80i00"
expect old "SEQNUM=7"

# Long values take the helper's slow path (its small buffers do not fit).
keys=ffffffffffffffff; i=1
while [ $i -lt 12 ]; do keys="$keys ffffffffffffffff"; i=$((i + 1)); done
env -i ACTION=add PRODUCT=11/1/1/ab54 EV=120013 KEY="$keys" \
    "$DNODE" -n input >"$SCRATCH/input" || fail "dnode -n input failed"
modalias=$(sed -n 's/^MODALIAS=//p' "$SCRATCH/input")
case $modalias in
input:b0011v0001p0001eAB54-e0,1,4,11,14,k71,72,*,2FD,2FE,ramlsfw) ;;
*) fail "long input MODALIAS: $modalias" ;;
esac
[ ${#modalias} -gt 2500 ] || fail "input MODALIAS only ${#modalias} long"
long=$(printf '%300s' '' | tr ' ' x)
env -i ACTION=register INTERFACE="$long" "$DNODE" -n net >"$SCRATCH/net" ||
	fail "dnode -n net with a long name failed"
grep -qx "DEVPATH=/class/net/$long" "$SCRATCH/net" ||
	fail "long interface name: $(grep DEVPATH "$SCRATCH/net")"

expect locked "register@/class/net/eth2"
absent locked "^SEQNUM="

for tag in pci usb hub ieee1394 net usb-remove kernel26 old; do
	absent "$tag" "^HOME="
	absent "$tag" "^PATH="
	absent "$tag" "^HOTPLUG2_"
	[ "$(record "$tag" | grep -c '^SEQNUM=')" = 1 ] ||
		fail "event $tag has no single SEQNUM"
done
[ "$(cat "$HOTPLUG2_SEQNUM_FILE")" = 7 ] ||
	fail "the counter reads $(cat "$HOTPLUG2_SEQNUM_FILE"), not 7"
echo "ok: 8 forged events arrived with their DEVPATH, MODALIAS and SEQNUM; one more, sent without SEQNUM when the counter stayed locked"
