#!/bin/sh
# hotplug2 convert: both test policies convert to handler files that hotplug2 check accepts; bad input gets file:line and exit 2.
. "$SOURCE_DIR/tests/integration/lib.sh"

m=$SOURCE_DIR/tests/migration
cfg=$SCRATCH/cfg
mkdir -p "$cfg"
"$HOTPLUG2" convert mdev.conf "$m/every.mdev.conf" >"$cfg/50-mdev.lua" 2>"$SCRATCH/err" ||
	fail "convert mdev.conf: $(cat "$SCRATCH/err")"
"$HOTPLUG2" convert hotplug2.rules "$m/every.rules" >"$cfg/60-rules.lua" 2>"$SCRATCH/err" ||
	fail "convert hotplug2.rules: $(cat "$SCRATCH/err")"
grep -q '^	-- loop(\[0-9\]+)	root:disk	660	>disk/loop/%1$' "$cfg/50-mdev.lua" ||
	fail "the source line is not carried as a comment"
"$HOTPLUG2" check "$cfg" >"$SCRATCH/out" 2>&1 || fail "check refuses the conversion: $(cat "$SCRATCH/out")"

printf '# fine\nsda 0:0 660\nsdb 0:0\n' >"$SCRATCH/bad.conf"
rc=0
"$HOTPLUG2" convert mdev.conf "$SCRATCH/bad.conf" >/dev/null 2>"$SCRATCH/err" || rc=$?
[ "$rc" = 2 ] || fail "exit $rc for a bad mdev.conf, want 2"
grep -q "bad.conf:3: expected 'device user:group mode'" "$SCRATCH/err" || fail "no file:line: $(cat "$SCRATCH/err")"
# The same mistake loaded directly: hotplug2 check names the mdev.conf line.
mkdir -p "$SCRATCH/direct"
echo "mdev_conf \"$SCRATCH/bad.conf\"" >"$SCRATCH/direct/50-mdev.lua"
rc=0
"$HOTPLUG2" check "$SCRATCH/direct" >"$SCRATCH/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "check exits $rc for a bad mdev.conf, want 2"
grep -q "50-mdev.lua:1: mdev_conf: $SCRATCH/bad.conf:3: expected" "$SCRATCH/out" ||
	fail "check does not name both lines: $(cat "$SCRATCH/out")"
printf 'A == b {\n\tbogus\n}\n' >"$SCRATCH/bad.rules"
rc=0
"$HOTPLUG2" convert hotplug2.rules "$SCRATCH/bad.rules" >/dev/null 2>"$SCRATCH/err" || rc=$?
[ "$rc" = 2 ] || fail "exit $rc for bad rules, want 2"
grep -q 'bad.rules:2: unknown command "bogus"' "$SCRATCH/err" || fail "no file:line: $(cat "$SCRATCH/err")"
for flag in --help -h; do
	"$HOTPLUG2" convert $flag >"$SCRATCH/out" 2>"$SCRATCH/err" || fail "convert $flag exits $?"
	grep -q "^usage: hotplug2 convert" "$SCRATCH/out" || fail "convert $flag: no usage on stdout"
	[ ! -s "$SCRATCH/err" ] || fail "convert $flag wrote to stderr"
done
rc=0
"$HOTPLUG2" convert udev.rules >/dev/null 2>&1 || rc=$?
[ "$rc" = 100 ] || fail "exit $rc for an unknown kind, want 100"
echo ok
