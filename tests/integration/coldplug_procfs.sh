#!/bin/sh
# hotplug2-coldplug without sysfs (Linux 2.4): events built from /proc/bus
# pci config space, usb descriptors and isapnp/devices, as dnode builds
# them.  PCI uses this machine's real config space and checks the MODALIAS
# against the kernel's own; USB and ISAPnP are hand-made.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"

P="$SCRATCH/proc"
mkdir -p "$P/bus/pci" "$P/bus/usb/001" "$P/bus/isapnp"

# bytes N...: write decimal byte values.
bytes() {
	for b; do printf "\\$(printf %03o "$b")"; done
}

# PCI: this machine's devices, where there are any.
npci=0
for d in /sys/bus/pci/devices/*; do
	[ -r "$d/config" ] || continue
	name=${d##*/}			# 0000:00:01.0
	bus=${name#*:}; bus=${bus%%:*}	# 00
	slot=${name##*:}		# 01.0
	mkdir -p "$P/bus/pci/$bus"
	cat "$d/config" >"$P/bus/pci/$bus/$slot"
	echo "$bus:$slot $(cat "$d/modalias")" >>"$SCRATCH/pci.want"
	npci=$((npci + 1))
done

# USB device 001/002: class 0, two interfaces (and an alternate setting
# that must not count); 001/001: a hub (class 9), one event.
{
	bytes 18 1 0 2 0 0 0 64 109 4 43 197 17 18 1 2 3 1
	bytes 9 2 36 0 2 1 0 160 50
	bytes 9 4 0 0 1 3 1 2 0
	bytes 9 4 1 0 1 3 0 0 0
	bytes 9 4 1 1 1 3 0 0 0
} >"$P/bus/usb/001/002"
{
	bytes 18 1 0 2 9 0 1 64 107 29 2 0 5 6 3 2 1 1
	bytes 9 2 25 0 1 1 0 224 0
	bytes 9 4 0 0 1 9 0 0 0
	bytes 7 5 129 3 4 0 12
} >"$P/bus/usb/001/001"
printf 'devices file is skipped\n' >"$P/bus/usb/devices"

# ISAPnP: card 01 device 00, logical device PNP0501 (vendor d041 function 0105).
printf '0100\td0410105\tMy Card\n' >"$P/bus/isapnp/devices"

"$COLDPLUG" --sysfs "$SCRATCH/nosys" --procfs "$P" --print >"$SCRATCH/out" ||
	fail "coldplug exited $?"
tr '\0' '\n' <"$SCRATCH/out" >"$SCRATCH/text"

# Every PCI device once, with the kernel's MODALIAS.
if [ $npci -gt 0 ]; then
	while read -r slot alias; do
		awk -v s="PCI_SLOT_NAME=$slot" -v m="MODALIAS=$alias" '
			/@/ { if (hit && mod) ok++; hit = 0; mod = 0 }
			$0 == s { hit = 1 }
			$0 == m { mod = 1 }
			END { if (hit && mod) ok++; exit ok != 1 }' \
		    "$SCRATCH/text" || fail "pci $slot: want $alias"
	done <"$SCRATCH/pci.want"
fi

# USB: two interface events and one hub event, with dnode's variables.
[ "$(grep -c '^PRODUCT=46d/c52b/1211$' "$SCRATCH/text")" = 2 ] ||
	fail "usb: not one event per interface"
grep -q '^INTERFACE=3/1/2$' "$SCRATCH/text" || fail "usb: interface 0"
grep -q '^INTERFACE=3/0/0$' "$SCRATCH/text" || fail "usb: interface 1"
grep -q '^MODALIAS=usb:v046DpC52Bd1211dc00dsc00dp00ic03isc01ip02' \
    "$SCRATCH/text" || fail "usb: MODALIAS"
grep -q '^DEVICE=/proc/bus/usb/001/002$' "$SCRATCH/text" ||
	fail "usb: DEVICE"
[ "$(grep -c '^PRODUCT=1d6b/2/605$' "$SCRATCH/text")" = 1 ] ||
	fail "usb: hub not exactly one event"
grep -q '^TYPE=9/0/1$' "$SCRATCH/text" || fail "usb: hub TYPE"

# ISAPnP.
grep -q '^PNP_ID=PNP0501$' "$SCRATCH/text" || fail "isapnp: PNP_ID"
grep -q '^MODALIAS=pnp:dPNP0501$' "$SCRATCH/text" || fail "isapnp: MODALIAS"

# The output is a recording: the daemon replays it, every event parsed.
mkdir -p "$SCRATCH/conf"
echo "log $SCRATCH/events" >"$SCRATCH/conf/record.conf"
"$TESTD" -f -c "$SCRATCH/conf" --replay "$SCRATCH/out" 2>"$SCRATCH/err" ||
	fail "replay of the coldplug output failed"
grep -q "skipping" "$SCRATCH/err" && fail "a synthesized event is malformed"
[ "$(lines "$SCRATCH/events")" = $((npci + 4)) ] ||
	fail "$(lines "$SCRATCH/events") events replayed, want $((npci + 4))"
echo "coldplug_procfs: $npci pci, 3 usb, 1 isapnp events"
