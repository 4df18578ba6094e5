#!/bin/sh
# The modules one batch of events asks for go to one modprobe, which holds back later events on those devices until it ends; separate batches get separate runs.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"

C="$SCRATCH/conf"
R="$SCRATCH/root"
mkdir -p "$R/etc" "$C"
printf 'root:x:0:0::/:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
for i in 1 2 3 4; do
	printf 'alias pci:v00001234d0000000%ssv*sd*bc*sc*i* mod_%s\n' "$i" "$i"
done >"$SCRATCH/modules.alias"
# Both events of device 4 want mod_4, and mod-1 is mod_1 to modprobe.
printf 'alias pci:v00001234d00000005sv*sd*bc*sc*i* mod-1\n' >>"$SCRATCH/modules.alias"
# A modprobe that writes down each run, its start and its end.
cat >"$SCRATCH/modprobe" <<EOS
#!/bin/sh
shift 2
echo "begin \$*" >>"$SCRATCH/asked"
sleep 0.3
echo "end \$*" >>"$SCRATCH/asked"
EOS
chmod +x "$SCRATCH/modprobe"
cp "$SOURCE_DIR/lua/defaults/10-modules.lua" "$C/"
ev() {	# SEQNUM DEVPATH DEVICE-ID
	printf 'add@%s\0ACTION=add\0DEVPATH=%s\0SUBSYSTEM=pci\0' "$2" "$2"
	printf 'MODALIAS=pci:v00001234d0000000%ssv00000000sd00000000bc06sc80i00\0' "$3"
	printf 'SEQNUM=%s\0' "$1"
}
# The replay knows an event ended when the next begins: one that asks
# for nothing closes each input, so the events before it are one read.
end() {	# SEQNUM
	printf 'change@/devices/virtual/mem/null\0ACTION=change\0'
	printf 'DEVPATH=/devices/virtual/mem/null\0SUBSYSTEM=mem\0SEQNUM=%s\0' "$1"
}
P=/devices/pci0000:00
# Lua asks again for mod_1 at once: the daemon names it once all the same.
printf 'config.modprobe_retry = 0\n' >"$C/05-retry.lua"
run() {	# INPUT
	: >"$SCRATCH/asked"
	timeout 30 "$HOTPLUG2" -f -v --root "$R" -c "$C" \
	    --alias-file "$SCRATCH/modules.alias" --modprobe "$SCRATCH/modprobe" \
	    --replay "$1" 2>"$SCRATCH/err" ||
		fail "replay exited $?: $(cat "$SCRATCH/err")"
	wait_for 10 grep -q "^end" "$SCRATCH/asked" || fail "modprobe never ran"
}

# One batch: four devices, three modules and one asked twice, one run.
{
	ev 1 "$P/0000:00:01.0" 1
	ev 2 "$P/0000:00:02.0" 2
	ev 3 "$P/0000:00:03.0" 5
	ev 4 "$P/0000:00:04.0" 3
	end 5
} >"$SCRATCH/one"
run "$SCRATCH/one"
printf 'begin mod_1 mod_2 mod_3\nend mod_1 mod_2 mod_3\n' >"$SCRATCH/want"
cmp -s "$SCRATCH/want" "$SCRATCH/asked" ||
	fail "one batch: $(cat "$SCRATCH/asked")"
grep -q "one .*modprobe.* for 4 events (1, 2, 3, 4): 3 modules" "$SCRATCH/err" ||
	fail "the merged run is not logged at -v: $(cat "$SCRATCH/err")"

# A child of a device whose module is being loaded waits for that run.
{
	ev 1 "$P/0000:00:01.0" 1
	ev 2 "$P/0000:00:02.0" 2
	ev 3 "$P/0000:00:01.0/child" 4
	end 4
} >"$SCRATCH/child"
run "$SCRATCH/child"
wait_for 10 grep -q "^end mod_4" "$SCRATCH/asked" || fail "mod_4 never asked"
printf 'begin mod_1 mod_2\nend mod_1 mod_2\nbegin mod_4\nend mod_4\n' >"$SCRATCH/want"
cmp -s "$SCRATCH/want" "$SCRATCH/asked" ||
	fail "the child did not wait: $(cat "$SCRATCH/asked")"

# Separate batches: one run each.
mkfifo "$SCRATCH/fifo"
{
	ev 1 "$P/0000:00:01.0" 1
	end 2
	sleep 0.5
	ev 3 "$P/0000:00:02.0" 2
	end 4
	sleep 0.5
	ev 5 "$P/0000:00:03.0" 3
	end 6
} >"$SCRATCH/fifo" &
run "$SCRATCH/fifo"
wait
[ "$(grep -c "^begin" "$SCRATCH/asked")" = 3 ] ||
	fail "three batches: $(cat "$SCRATCH/asked")"
for m in mod_1 mod_2 mod_3; do
	grep -qx "begin $m" "$SCRATCH/asked" || fail "$m: $(cat "$SCRATCH/asked")"
done
echo "ok: one modprobe per batch, related events wait for it, batches apart"
