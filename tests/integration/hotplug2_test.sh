#!/bin/sh
# hotplug2 test: every variable and action for a device of a fake sysfs or a recording, nothing changed, documented exit codes.
. "$SOURCE_DIR/tests/integration/lib.sh"

root=$SCRATCH/root
cfg=$SCRATCH/cfg
pci=/devices/pci0000:00/0000:00:01.3
tty=/devices/pnp0/00:04/tty/ttyS0
mkdir -p "$root/etc" "$root/sys$pci" "$root/sys$tty" "$root/sys/class/tty" "$root/sys/bus/pci" "$cfg"
printf 'root:x:0:\ndialout:x:20:\n' >"$root/etc/group"
printf 'root:x:0:0::/:/bin/sh\n' >"$root/etc/passwd"
# A 2.4-style PCI device (no MODALIAS: synthesized) and a serial port.
printf 'PCI_CLASS=68000\nPCI_ID=8086:7113\nPCI_SUBSYS_ID=0000:0000\n' >"$root/sys$pci/uevent"
ln -s ../../../bus/pci "$root/sys$pci/subsystem"
printf 'MAJOR=4\nMINOR=64\nDEVNAME=ttyS0\n' >"$root/sys$tty/uevent"
ln -s ../../../../class/tty "$root/sys$tty/subsystem"
ln -s ../../devices/pnp0/00:04/tty/ttyS0 "$root/sys/class/tty/ttyS0"
printf 'alias pci:v00008086d00007113sv*sd*bc*sc*i* i2c_piix4\n' >"$SCRATCH/modules.alias"
cp "$SOURCE_DIR/lua/defaults/"*.lua "$cfg/"
cat >"$cfg/40-serial.lua" <<'EOS'
on({ SUBSYSTEM = "tty", DEVNAME = pattern "^ttyS%d+$" }, function(ev)
	setenv(ev, "PORT", ev.DEVNAME:match("%d+$"))
	if ev.ACTION == "add" then make_link(ev, "serial/port" .. ev.PORT) end
	exec(ev, { "/usr/bin/logger", ev.ACTION, ev.DEVNAME })
end)
EOS
before=$(cd "$root" && find . | sort; cat etc/group)

t() {
	"$HOTPLUG2" test --root "$root" --config-dir "$cfg" --alias-file "$SCRATCH/modules.alias" "$@"
}

# { arguments, expected output }: actions compared without the
# " (file:line)" each ends with, which the first check shows in full.
check() {
	want=$1; shift
	rc=0
	t "$@" >"$SCRATCH/out.full" 2>"$SCRATCH/err" || rc=$?
	[ "$rc" = 0 ] || fail "hotplug2 test $*: exit $rc: $(cat "$SCRATCH/err")"
	sed 's/ ([^ ]*\.lua:[0-9]*)$//' "$SCRATCH/out.full" >"$SCRATCH/out"
	printf '%s\n' "$want" | diff -u - "$SCRATCH/out" || fail "hotplug2 test $*: other output"
}

check "ACTION=add
DEVPATH=$pci
SUBSYSTEM=pci
PCI_CLASS=68000
PCI_ID=8086:7113
PCI_SUBSYS_ID=0000:0000
MODALIAS=pci:v00008086d00007113sv00000000sd00000000bc06sc80i00 (synthesized)

add $pci: modprobe i2c_piix4" "$pci"
# Every action names the line of the handler file that asked for it.
grep -qx "add $pci: modprobe i2c_piix4 ($cfg/10-modules.lua:[0-9]*)" "$SCRATCH/out.full" ||
	fail "the action does not name its file:line: $(cat "$SCRATCH/out.full")"

# A class link, /sys prefixed, resolves to the device.
check "ACTION=add
DEVPATH=$tty
SUBSYSTEM=tty
MAJOR=4
MINOR=64
DEVNAME=ttyS0

add $tty: mknod /dev/ttyS0 c 4:64 0660 root:dialout
add $tty: symlink /dev/char/4:64 -> ../ttyS0
add $tty: setenv PORT=0
add $tty: symlink /dev/serial/port0 -> ../ttyS0
add $tty: exec /usr/bin/logger add ttyS0" "$root/sys/class/tty/ttyS0"

check "ACTION=remove
DEVPATH=$tty
SUBSYSTEM=tty
MAJOR=4
MINOR=64
DEVNAME=ttyS0

remove $tty: unlink /dev/ttyS0
remove $tty: setenv PORT=0
remove $tty: exec /usr/bin/logger remove ttyS0" -a remove /sys/class/tty/ttyS0 --sysfs "$root/sys"

# A recording: every event in turn.
printf 'add@/devices/virtual/mem/null\0ACTION=add\0DEVPATH=/devices/virtual/mem/null\0SUBSYSTEM=mem\0MAJOR=1\0MINOR=3\0DEVNAME=null\0SEQNUM=7\0remove@/devices/virtual/mem/null\0ACTION=remove\0DEVPATH=/devices/virtual/mem/null\0SUBSYSTEM=mem\0DEVNAME=null\0SEQNUM=8\0' >"$SCRATCH/rec"
check "ACTION=add
DEVPATH=/devices/virtual/mem/null
SUBSYSTEM=mem
MAJOR=1
MINOR=3
DEVNAME=null
SEQNUM=7

add /devices/virtual/mem/null: mknod /dev/null c 1:3 0666 root:root
add /devices/virtual/mem/null: symlink /dev/char/1:3 -> ../null

ACTION=remove
DEVPATH=/devices/virtual/mem/null
SUBSYSTEM=mem
DEVNAME=null
SEQNUM=8

remove /devices/virtual/mem/null: unlink /dev/null" --event "$SCRATCH/rec"

after=$(cd "$root" && find . | sort; cat etc/group)
[ "$before" = "$after" ] || fail "hotplug2 test changed the root"

# Exit codes: a failing handler 1, a file that does not load 2, bad usage 100.
printf 'add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=firmware\0FIRMWARE=none.bin\0' >"$SCRATCH/fw"
rc=0; t --event "$SCRATCH/fw" >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
[ "$rc" = 1 ] || fail "exit $rc for a failing handler, want 1"
grep -q "20-firmware.lua:5: load_firmware: none.bin not found" "$SCRATCH/err" ||
	fail "no file:line for the failing handler: $(cat "$SCRATCH/err")"
grep -q "firmware /devices/x <- (not found)" "$SCRATCH/out" || fail "no firmware line"
printf 'local x = mknod\n' >"$cfg/50-typo.lua"
rc=0; t "$pci" >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
[ "$rc" = 2 ] || fail "exit $rc for a file that does not load, want 2"
grep -q "50-typo.lua:1: unknown name 'mknod'" "$SCRATCH/err" || fail "no file:line for the typo"
grep -q "modprobe i2c_piix4" "$SCRATCH/out" || fail "the other files did not run"
rm "$cfg/50-typo.lua"
# exec of a program that is not there fails here as in the daemon.
printf 'on({ SUBSYSTEM = "pci" }, function(ev)\n\texec(ev, { "/usr/bin/hp2-nonexistent" })\nend)\n' \
    >"$cfg/60-missing.lua"
rc=0; t "$pci" >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
[ "$rc" = 1 ] || fail "exit $rc for exec of a missing program, want 1"
grep -q "60-missing.lua:2: exec: unable to run /usr/bin/hp2-nonexistent: No such file or directory" \
    "$SCRATCH/err" || fail "no file:line for exec of a missing program: $(cat "$SCRATCH/err")"
grep -q "hp2-nonexistent" "$SCRATCH/out" && fail "exec of a missing program was reported as done"
rm "$cfg/60-missing.lua"
rc=0; t /devices/nonexistent >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "exit $rc for a missing device, want 1"
rc=0; "$HOTPLUG2" test >/dev/null 2>&1 || rc=$?
[ "$rc" = 100 ] || fail "exit $rc without arguments, want 100"
rc=0; "$HOTPLUG2" test --event x /devices/x >/dev/null 2>&1 || rc=$?
[ "$rc" = 100 ] || fail "exit $rc for DEVPATH and --event, want 100"

# Inputs longer than the event buffer are refused with a message, never
# written past it: a 4,100-character ACTION, a DEVPATH of nearly PATH_MAX
# (the message holds it twice), and a path longer than PATH_MAX.
long_action=$(printf '%4100s' '' | tr ' ' a)
rc=0; t -a "$long_action" "$pci" >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
[ "$rc" = 1 ] || fail "exit $rc for a 4,100-character ACTION, want 1: $(tail -c 300 "$SCRATCH/err")"
grep -q "the event does not fit in 8192 bytes" "$SCRATCH/err" ||
	fail "no message for a 4,100-character ACTION: $(tail -c 300 "$SCRATCH/err")"
deep=/devices
while [ $(( ${#root} + 4 + ${#deep} )) -lt 3980 ]; do
	deep=$deep/$(printf '%200s' '' | tr ' ' d)
done
mkdir -p "$root/sys$deep"
printf 'MAJOR=1\nMINOR=2\nX=%s\n' "$(printf '%200s' '' | tr ' ' x)" >"$root/sys$deep/uevent"
rc=0; t -a "$(printf '%200s' '' | tr ' ' b)" "$deep" >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
[ "$rc" = 1 ] || fail "exit $rc for a ${#deep}-character DEVPATH, want 1: $(tail -c 300 "$SCRATCH/err")"
grep -q "the event does not fit in 8192 bytes" "$SCRATCH/err" ||
	fail "no message for a ${#deep}-character DEVPATH: $(tail -c 300 "$SCRATCH/err")"
rc=0; t "$deep$deep" >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
[ "$rc" = 1 ] || fail "exit $rc for a path longer than PATH_MAX, want 1"
grep -q "name too long" "$SCRATCH/err" ||
	fail "no message for a path longer than PATH_MAX: $(tail -c 300 "$SCRATCH/err")"
echo ok
