#!/bin/sh
# hotplug2-mkalias on a 2.4 module directory: every map read once, file2alias's patterns, bad lines reported as file:line.
. "$SOURCE_DIR/tests/integration/lib.sh"

MKALIAS=$BUILD_DIR/hotplug2-mkalias
MODWRAP=$BUILD_DIR/hotplug2-modwrap
BASE=$SCRATCH/lib/modules/2.4.37

mkdir -p "$BASE"
# Headers and line layouts as modutils 2.4's depmod writes them.
cat >"$BASE/modules.pcimap" <<'EOF'
# pci module         vendor     device     subvendor  subdevice  class      class_mask driver_data
e100                 0x00008086 0x00001229 0xffffffff 0xffffffff 0x00000000 0x00000000 0x00000000
e100                 0x00008086 0x00001229 0xffffffff 0xffffffff 0x00000000 0x00000000 0x00000001
usb-ohci             0xffffffff 0xffffffff 0xffffffff 0xffffffff 0x000c0310 0xffffffff 0x00000000
ehci-hcd             0xffffffff 0xffffffff 0xffffffff 0xffffffff 0x000c0320 0x00ffff00 0x00000000
odd                  0xffffffff 0xffffffff 0xffffffff 0xffffffff 0x000c0320 0x00f0ff00 0x00000000
broken               0x00008086
EOF
cat >"$BASE/modules.usbmap" <<'EOF'
# usb module         match_flags idVendor idProduct bcdDevice_lo bcdDevice_hi bDeviceClass bDeviceSubClass bDeviceProtocol bInterfaceClass bInterfaceSubClass bInterfaceProtocol driver_info
usb-storage          0x0380      0x0000   0x0000    0x0000       0x0000       0x00         0x00            0x00            0x08            0x06               0x50               0x00000000
usb-storage          0x000f      0x04e6   0x0006    0x0100       0x0205       0x00         0x00            0x00            0x00            0x00               0x00               0x00000000
visor                0x0003      0x0000   0x0000    0x0000       0x0000       0x00         0x00            0x00            0x00            0x00               0x00               0x00000000
hid                  0x0080      0x0000   0x0000    0x0000       0x0000       0x00         0x00            0x00            0x03            0x00               0x00               0x00000000
bad                  0x0003      0x1234g  0x0000    0x0000       0x0000       0x00         0x00            0x00            0x00            0x00               0x00               0x00000000
EOF
cat >"$BASE/modules.isapnpmap" <<'EOF'
# isapnp module      cardvendor carddevice driver_data vendor     function   ...
sb                   0x8c0e     0x0024     0x00000000  0x8c0e     0x3100     0x8c0e     0x0070
sb                   0x8c0e     0x0025     0x00000000  0x8c0e     0x3100
serial               0xffff     0xffff     0x00000000  0xd041     0x0105
EOF
cat >"$BASE/modules.ieee1394map" <<'EOF'
# ieee1394 module    match_flags vendor_id model_id specifier_id version
sbp2                 0x0000000c  0x000000  0x000000 0x00609e     0x010483
EOF
cat >"$BASE/modules.pnpbiosmap" <<'EOF'
# module             id
parport_pc           PNP0400
EOF
cat >"$BASE/modules.seriomap" <<'EOF'
# serio module       type extra id   proto
psmouse              0x01 0xff  0xff 0xff
EOF
cat >"$BASE/modules.inputmap" <<'EOF'
# module         matchBits bustype vendor product version evBits keyBits relBits absBits mscBits ledBits sndBits ffBits [swBits] driver_info
evdev               0x0  0x0  0x0  0x0  0x0  0  0  0  0  0  0  0  0  0  0x1
joydev              0x30  0x0  0x0  0x0  0x0  2  1:0:0:0:0:0:0:0:0:0  0  0  0  0  0  0  0  0x0
EOF
cat >"$BASE/modules.ccwmap" <<'EOF'
# ccw module         match_flags cu_type cu_model dev_type dev_model
dasd_eckd_mod        0x0005      0x3990  0x00      0x3390  0x00
EOF
cat >"$BASE/modules.ofmap" <<'EOF'
# of module          name                 type                 compatible
sungem               *                    network              gem
EOF

cat >"$SCRATCH/want" <<EOF
# Aliases made by hotplug2-mkalias from the modules.*map files of $BASE.
alias pci:v00008086d00001229sv*sd*bc*sc*i* e100
alias pci:v*d*sv*sd*bc0Csc03i10* usb-ohci
alias pci:v*d*sv*sd*bc0Csc03i* ehci-hcd
alias usb:v*p*d*dc*dsc*dp*ic08isc06ip50* usb-storage
alias usb:v04E6p0006d020[0-5]dc*dsc*dp*ic*isc*ip* usb-storage
alias usb:v04E6p0006d01*dc*dsc*dp*ic*isc*ip* usb-storage
alias usb:v*p*d*dc*dsc*dp*ic03isc*ip* hid
alias pnp:dCTL0031* sb
alias pnp:dCTL7000* sb
alias pnp:dPNP0501* serial
alias ieee1394:ven*mo*sp0000609Ever00010483* sbp2
alias input:b*v*p*e*-e*k*r*a*m*l*s*f*w* evdev
alias input:b*v*p*e*-e*1,*k*120,*r*a*m*l*s*f*w* joydev
alias serio:ty01pr*id*ex* psmouse
alias ccw:t3990m*dt3390dm* dasd_eckd_mod
alias of:N*Tnetwork*Cgem sungem
alias of:N*Tnetwork*CgemC* sungem
alias pnp:dPNP0400* parport_pc
EOF

"$MKALIAS" -b "$BASE" -w 32 2>"$SCRATCH/err" || fail "mkalias failed: $(cat "$SCRATCH/err")"
diff -u "$SCRATCH/want" "$BASE/modules.alias" >&2 || fail "modules.alias differs"
[ -z "$(ls "$BASE" | grep '\.tmp\.')" ] || fail "temporary file left behind"

# Bad lines are reported with file:line, and the rest of the file is used.
grep -q "modules.pcimap:6: class mask with partial bytes" "$SCRATCH/err" ||
    fail "no warning for the partial class mask"
grep -q "modules.pcimap:7: too few fields; line skipped" "$SCRATCH/err" ||
    fail "no warning for the short pcimap line"
grep -q "modules.usbmap:6: bad number; line skipped" "$SCRATCH/err" ||
    fail "no warning for the bad usbmap number"
[ "$(wc -l <"$SCRATCH/err")" -eq 3 ] || fail "unexpected warnings: $(cat "$SCRATCH/err")"

# Standard output, and the word size guessed from a 64-bit inputmap.
sed -i 's/1:0:0:0:0:0:0:0:0:0/100000000:0:0:0:0/' "$BASE/modules.inputmap"
"$MKALIAS" -b "$BASE" -o - 2>/dev/null >"$SCRATCH/stdout" || fail "mkalias -o - failed"
diff -u "$SCRATCH/want" "$SCRATCH/stdout" >&2 || fail "standard output differs"

# The generated file drives modwrap, as on a 2.4 system.
"$MODWRAP" -R -a "$BASE/modules.alias" \
    usb:v04E6p0006d0150dc00dsc00dp00ic08isc06ip50 >"$SCRATCH/resolved" ||
    fail "modwrap found nothing"
printf 'usb-storage\n' | diff -u - "$SCRATCH/resolved" >&2 || fail "wrong modules"
"$MODWRAP" -R -a "$BASE/modules.alias" \
    pci:v00008086d00002482sv00001028sd0000010Ebc0Csc03i20 >"$SCRATCH/resolved" ||
    fail "modwrap found nothing for EHCI"
printf 'ehci-hcd\n' | diff -u - "$SCRATCH/resolved" >&2 || fail "wrong modules"

# No maps at all is an error, and nothing is written.
mkdir "$SCRATCH/empty"
set +e
"$MKALIAS" -b "$SCRATCH/empty" 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "status $rc for a directory without maps"
[ ! -e "$SCRATCH/empty/modules.alias" ] || fail "wrote an alias file without maps"
set +e
"$MKALIAS" -w 16 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 100 ] || fail "status $rc for a bad -w"
echo "mkalias: all cases passed"
