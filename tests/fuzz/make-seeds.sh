#!/bin/sh
# Write the seed corpora of tests/fuzz/corpus/ from the fixtures (run from the tree's top; the output is committed).
# usage: sh tests/fuzz/make-seeds.sh [MODULES_ALIAS]   (Debian's modules.alias from alias_oracle's cache, optional)
set -eu
cd "$(dirname "$0")/../.."
C=tests/fuzz/corpus
rm -rf "$C"
mkdir -p "$C/uevent" "$C/modalias" "$C/alias" "$C/mapalias" "$C/passwd"

# uevent, modalias: every 8th device of the laptop's /sys as an "add" event
# in wire form; modalias seeds carry a first byte (0: the event's own bus).
awk -v dir="$C" 'BEGIN { RS = ""; FS = "\n" }
/^#/ { next }
NR % 8 == 0 {
	path = ""; body = ""
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^DEVPATH=/) path = substr($i, 9)
		body = body $i "\0"
	}
	msg = "add@" path "\0ACTION=add\0" body "SEQNUM=" NR "\0"
	printf "%s", msg > (dir "/uevent/laptop-" NR)
	printf "\0%s", msg > (dir "/modalias/laptop-" NR)
	n++
}' tests/fixtures/sysfs-laptop-uevents.txt
# Two events back to back, as a recording holds them.
cat "$C/uevent/laptop-8" "$C/uevent/laptop-16" >"$C/uevent/recording"

# alias: a file, a NUL, then queries; real lines and kmod's corners.
printf 'alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e\nalias usb:v*p*d*dc*dsc*dp*ic08isc06ip50in* usb_storage\nalias usb:v13FDp3940d0[0-2]*dc*dsc*dp*ic*isc*ip*in* uas\nalias input:b*v*p*e*-e*1,*k*2C0,*r*a*m*l*s*f*w* joydev\nalias acpi*:PNP0501:* 8250_pnp\nalias mdio:0000000101000001000011101100???? marvell\n\0pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00\0usb:v13FDp3940d0200dc00dsc00dp00ic08isc06ip50in00\0input:b0003v046DpC218e0110-e0,1,3,k120,2C0,ra0,m4,lsfw\0acpi:PNP0501:\0' >"$C/alias/real"
printf 'alias x[a-c]y r\nalias x[!a-c]y n\nalias q?z q\nalias lit\\*star b\nalias w*\\*end e\nalias ab**cd s\nalias foo-bar d\nalias [x]solo f\n\0xby\0x-y\0q!z\0lit\\*star\0wab*end\0ab--cd\0foo_bar\0xsolo\0' >"$C/alias/edge"
# An empty index: clang's UBSan saw pointer arithmetic on its NULL values.
printf '# nothing\n\0pci:v00008086d000010D3\0' >"$C/alias/empty"
if [ $# -gt 0 ] && [ -f "$1" ]; then
	{ grep '^alias usb:' "$1" | head -40; printf '\0usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00\0'; } >"$C/alias/debian-usb"
	{ grep '^alias input:' "$1" | head -40; printf '\0input:b0011v0001p0001eAB41-e0,1,4,11,14,k71,72,73,74,ram4,l0,1,2,sfw\0'; } >"$C/alias/debian-input"
fi

# mapalias: the type byte (pci 0 ... pnpbios 8, +128 for 64-bit words), then a line.
seed() { printf "\\$(printf '%03o' "$1")%s" "$2" >"$C/mapalias/$3"; }
seed 128 'e100 0x00008086 0x00001229 0xffffffff 0xffffffff 0x00000000 0x00000000 0x0' pci
seed 129 'usb-storage 0x0380 0x0000 0x0000 0x0000 0x0000 0x00 0x00 0x00 0x08 0x06 0x50 0x0' usb
seed 130 'sb 0x000e 0x8c 0x0001 0xffff 0xffff' isapnp
seed 132 'joydev 0x0014 0x0 0x0 0x0 0x0 0x1 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0' input
seed 133 'psmouse 0x01 0xff 0xff 0xff' serio
seed 135 'sungem * * SUNW,gem' of
seed 136 'parport_pc PNP0400' pnpbios

# passwd: a name, a NUL, then the file.
printf 'root\0root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1::/:/bin/false\n' >"$C/passwd/root"
printf 'disk\0root:x:0:\ndisk:x:6:alice,bob\n' >"$C/passwd/group"
printf 'bad\0bad:x:12a:0::/:/bin/sh\n' >"$C/passwd/malformed"
du -sh "$C"
