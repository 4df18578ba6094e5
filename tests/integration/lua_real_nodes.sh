#!/bin/sh
# The daemon with the default scripts and --coldplug on the real kernel creates
# under --root every node devtmpfs shows in /dev (same name, type, major:minor),
# resolve group names from ROOT/etc/group, and request the modules MODALIAS
# resolves to through a recording modprobe, once each, skipping loaded ones.
. "$SOURCE_DIR/tests/integration/lib.sh"
need_root
[ "$(stat -f -c %T /dev)" = tmpfs ] || [ "$(findmnt -n -o FSTYPE /dev 2>/dev/null)" = devtmpfs ] ||
	skip "/dev is not devtmpfs"

ROOT=$SCRATCH/root
mkdir -p "$ROOT/etc" "$ROOT/sys/module/already_loaded"
printf 'root:x:0:\ntty:x:5:\ndisk:x:6:\ndialout:x:20:\naudio:x:29:\ninput:x:101:\nkvm:x:102:\n' \
	>"$ROOT/etc/group"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$ROOT/etc/passwd"

# A modules.alias made from this machine's own MODALIAS values, each with the
# trailing '*' the kernel's patterns have (the x86 cpu MODALIAS event value
# ends in a newline that the modalias file's line hides): each gets a module
# of its own, except the first, which maps to a module that is
# "loaded" (ROOT/sys/module/already_loaded exists).
find /sys/devices -name modalias -type f -exec cat {} + 2>/dev/null |
	sort -u | awk 'NR == 1 { print "alias " $0 "* already_loaded"; next }
		{ printf "alias %s* fake_mod_%d\n", $0, NR }' >"$SCRATCH/modules.alias"
naliases=$(wc -l <"$SCRATCH/modules.alias")
cat >"$SCRATCH/modprobe" <<EOS
#!/bin/sh
echo "\$@" >>"$SCRATCH/modprobe.log"
EOS
chmod +x "$SCRATCH/modprobe"

# The daemon itself, on the real kernel: its coldplug makes the kernel
# announce every device again, and the default scripts handle the events.
timeout 120 "$HOTPLUG2" -f -v -c "$SOURCE_DIR/lua/defaults" --root "$ROOT" \
	--alias-file "$SCRATCH/modules.alias" --modprobe "$SCRATCH/modprobe" \
	--coldplug --once >"$SCRATCH/daemon.out" 2>"$SCRATCH/daemon.err" ||
	fail "hotplug2 --coldplug --once failed ($?): $(cat "$SCRATCH/daemon.err")"
grep "coldplug done" "$SCRATCH/daemon.err" || fail "no coldplug"

# Every node devtmpfs has (other mounts such as devpts left out).
find /dev -xdev \( -type b -o -type c \) >"$SCRATCH/nodes"
total=$(wc -l <"$SCRATCH/nodes")
[ "$total" -gt 10 ] || fail "only $total nodes in /dev"
missing=0
while read -r node; do
	name=${node#/dev/}
	want=$(stat -c '%F %t:%T' "$node")
	if [ ! -e "$ROOT/dev/$name" ] && [ ! -L "$ROOT/dev/$name" ]; then
		echo "missing: /dev/$name ($want)" >&2
		missing=$((missing + 1))
		continue
	fi
	got=$(stat -c '%F %t:%T' "$ROOT/dev/$name")
	if [ "$got" != "$want" ]; then
		echo "differs: /dev/$name: $got, devtmpfs has $want" >&2
		missing=$((missing + 1))
	fi
done <"$SCRATCH/nodes"
[ "$missing" -eq 0 ] || fail "$missing of $total nodes missing or different"
echo "all $total devtmpfs nodes present with the same type and major:minor"

# Policy and groups: null is 0666, tty0 belongs to group tty (5).
[ "$(stat -c %a "$ROOT/dev/null")" = 666 ] || fail "/dev/null is not 0666"
[ "$(stat -c %g "$ROOT/dev/tty0")" = 5 ] || fail "/dev/tty0 is not group 5"
[ "$(stat -c %a "$ROOT/dev/tty0")" = 620 ] || fail "/dev/tty0 is not 0620"

# Nothing left outside ROOT/dev, udev's database (ROOT/run/udev: data and
# tags, no control file without --udev) and the files we made.
extra=$(cd "$ROOT" && find . -mindepth 1 -maxdepth 1 ! -name dev ! -name etc ! -name sys ! -name run)
[ -z "$extra" ] || fail "unexpected files in the root: $extra"
extra=$(cd "$ROOT/run" && find . -mindepth 1 -maxdepth 2 ! -path ./udev ! -path ./udev/data ! -path ./udev/tags \
    ! -path ./hotplug2 ! -path ./hotplug2/links)
[ -z "$extra" ] || fail "unexpected files in ROOT/run: $extra"

# Modules: each one modules.alias names is requested once, and none that
# /sys/module shows loaded.
[ -s "$SCRATCH/modprobe.log" ] || fail "modprobe was never called"
tr ' ' '\n' <"$SCRATCH/modprobe.log" | grep -v '^-' | sort >"$SCRATCH/requested"
grep -q already_loaded "$SCRATCH/requested" &&
	fail "a module present in /sys/module was requested"
dups=$(uniq -d "$SCRATCH/requested")
[ -z "$dups" ] || fail "modules requested twice: $dups"
nreq=$(wc -l <"$SCRATCH/requested")
[ "$nreq" -eq $((naliases - 1)) ] ||
	fail "$nreq modules requested, want $((naliases - 1))"
echo "$nreq modules requested once each through the recording modprobe"

# A dry run prints the same actions through the same code and changes nothing.
DRY=$SCRATCH/dry
mkdir -p "$DRY/etc"
calls=$(cat "$SCRATCH/modprobe.log" 2>/dev/null | wc -l)
cp "$ROOT/etc/group" "$DRY/etc/group"
timeout 120 "$HOTPLUG2" -f --dry-run -c "$SOURCE_DIR/lua/defaults" --root "$DRY" \
	--alias-file "$SCRATCH/modules.alias" --modprobe "$SCRATCH/modprobe" \
	--coldplug --once >"$SCRATCH/dry.out" 2>"$SCRATCH/dry.err" ||
	fail "dry run failed: $(cat "$SCRATCH/dry.err")"
grep -qx "add /devices/virtual/mem/null: mknod /dev/null c 1:3 0666 root:root (.*/30-nodes.lua:[0-9]*)" "$SCRATCH/dry.out" ||
	fail "no mknod line for /dev/null in the dry run: $(head "$SCRATCH/dry.out")"
[ "$(grep -c ': mknod ' "$SCRATCH/dry.out")" -eq "$total" ] ||
	fail "the dry run printed $(grep -c ': mknod ' "$SCRATCH/dry.out") mknod lines, want $total"
[ "$(ls -A "$DRY")" = etc ] || fail "the dry run changed the root: $(ls -A "$DRY")"
[ "$(cat "$SCRATCH/modprobe.log" 2>/dev/null | wc -l)" -eq "$calls" ] ||
	fail "the dry run ran modprobe"
echo "the dry run printed $total mknod lines and changed nothing"
