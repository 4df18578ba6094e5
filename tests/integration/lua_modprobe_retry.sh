#!/bin/sh
# The daemon asks again for a module whose modprobe failed, on a later event, no sooner than config.modprobe_retry, with one warning.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"

C="$SCRATCH/conf"
R="$SCRATCH/root"
mkdir -p "$R/etc" "$C"
printf 'root:x:0:0::/:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
printf 'alias pci:v00008086d00007113sv*sd*bc*sc*i* i2c_piix4\n' >"$SCRATCH/modules.alias"
# A modprobe that never loads anything: it writes down what it was asked.
cat >"$SCRATCH/modprobe" <<EOS
#!/bin/sh
echo "\$*" >>"$SCRATCH/asked"
exit 1
EOS
chmod +x "$SCRATCH/modprobe"
cp "$SOURCE_DIR/lua/defaults/10-modules.lua" "$C/"
ev() {	# SEQNUM: a PCI device's add, with the same MODALIAS each time
	printf 'add@/devices/pci0000:00/0000:00:01.3\0ACTION=add\0'
	printf 'DEVPATH=/devices/pci0000:00/0000:00:01.3\0SUBSYSTEM=pci\0'
	printf 'MODALIAS=pci:v00008086d00007113sv00000000sd00000000bc06sc80i00\0'
	printf 'SEQNUM=%s\0' "$1"
}
{ ev 1; ev 2; ev 3; } >"$SCRATCH/rec"
run() {
	: >"$SCRATCH/asked"
	"$HOTPLUG2" -f --root "$R" -c "$C" --alias-file "$SCRATCH/modules.alias" \
	    --modprobe "$SCRATCH/modprobe" --replay "$SCRATCH/rec" 2>"$SCRATCH/err" ||
		fail "replay exited $?: $(cat "$SCRATCH/err")"
	wait_for 10 test -s "$SCRATCH/asked" || fail "modprobe never ran"
	sleep 0.2
}

# Within the retry interval (30 s by default): asked once, no warning.
run
[ "$(lines "$SCRATCH/asked")" = 1 ] ||
	fail "asked $(lines "$SCRATCH/asked") times within the interval: $(cat "$SCRATCH/asked")"
grep -q "still not loaded" "$SCRATCH/err" && fail "warned within the interval"

# With no interval: asked again by each later event, warned once.
printf 'config.modprobe_retry = 0\n' >"$C/05-retry.lua"
run
[ "$(lines "$SCRATCH/asked")" = 3 ] ||
	fail "asked $(lines "$SCRATCH/asked") times, want 3: $(cat "$SCRATCH/asked")"
[ "$(grep -c "load_modules: i2c_piix4 is still not loaded" "$SCRATCH/err")" = 1 ] ||
	fail "want one warning: $(cat "$SCRATCH/err")"
grep -q -- "-b -a i2c_piix4" "$SCRATCH/asked" || fail "argv: $(cat "$SCRATCH/asked")"
echo "ok: a failed modprobe is retried by later events, rate-limited, warned once"
