#!/bin/sh
# hotplug2 check: the default scripts pass; broken files are reported with file:line and exit 2.
. "$SOURCE_DIR/tests/integration/lib.sh"

"$HOTPLUG2" check "$SOURCE_DIR/lua/defaults" >"$SCRATCH/out" 2>&1 ||
	fail "the default scripts do not pass: $(cat "$SCRATCH/out")"
grep -q ": ok$" "$SCRATCH/out" || fail "no ok line: $(cat "$SCRATCH/out")"

# An equality that looks like a glob is a warning with file:line, not a problem.
warn=$SCRATCH/warn
mkdir -p "$warn"
printf 'on({ ACTION = "add" }, function() end)\non({ SUBSYSTEM = "tty", KERNEL = "ttyUSB*" }, function() end)\n' \
    >"$warn/10-glob.lua"
printf 'on({ KERNEL = glob "ttyUSB[0-9]*" }, function() end)\n' >"$warn/20-right.lua"
"$HOTPLUG2" check "$warn" >"$SCRATCH/out" 2>&1 ||
	fail "a glob-like equality failed the check: $(cat "$SCRATCH/out")"
grep -q "10-glob.lua:2: KERNEL = \"ttyUSB\*\" compares the text as it is; to match names, write KERNEL = glob \"ttyUSB\*\"" \
    "$SCRATCH/out" || fail "no warning with file:line: $(cat "$SCRATCH/out")"
[ "$(grep -c "compares the text" "$SCRATCH/out")" = 1 ] ||
	fail "warned about more than the one equality: $(cat "$SCRATCH/out")"

cfg=$SCRATCH/cfg
mkdir -p "$cfg"
cat >"$cfg/10-good.lua" <<'EOS'
on({ ACTION = "add", DEVNAME = present }, function(ev) make_node(ev) end)
EOS
printf 'on({ ACTION = "add" }, function(ev)\n\tmake_node(ev\nend)\n' >"$cfg/20-syntax.lua"
printf '\nlocal x = mknod\n' >"$cfg/30-typo.lua"
printf 'on({ DEVNAME = pattern "^tty[" }, function() end)\n' >"$cfg/40-pattern.lua"
printf 'not lua' >"$cfg/README"
rc=0
"$HOTPLUG2" check "$cfg" >"$SCRATCH/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "exit $rc for a broken directory, want 2: $(cat "$SCRATCH/out")"
grep -q "20-syntax.lua:3:" "$SCRATCH/out" || fail "no file:line for the syntax error"
grep -q "30-typo.lua:2: unknown name 'mknod'" "$SCRATCH/out" || fail "no file:line for the typo"
grep -q "40-pattern.lua:1: .*bad pattern" "$SCRATCH/out" || fail "no file:line for the pattern"
grep -q "3 problems" "$SCRATCH/out" || fail "problems not counted: $(cat "$SCRATCH/out")"
rc=0
"$HOTPLUG2" check "$SCRATCH/nonexistent" >"$SCRATCH/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "exit $rc for a missing directory, want 2"
echo ok
