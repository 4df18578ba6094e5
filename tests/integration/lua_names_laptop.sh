#!/bin/sh
# The default scripts in the daemon's own Lua state (script.c, strict globals, embedded modules) on the
# laptop fixture: every handler runs without an error, and every input, serial and sound name udev 252
# gives those devices (tests/lua/trees/names-laptop.expected) is made.
. "$SOURCE_DIR/tests/integration/lib.sh"

mkdir -p "$SCRATCH/root/etc"
printf 'root:x:0:\ninput:x:101:\naudio:x:29:\ndialout:x:20:\ndisk:x:6:\n' >"$SCRATCH/root/etc/group"
printf 'root:x:0:0::/:/bin/sh\n' >"$SCRATCH/root/etc/passwd"
: >"$SCRATCH/modules.alias"
LUA_PATH="$SOURCE_DIR/lua/?.lua;$BUILD_DIR/lua/?.lua;;" LUA_CPATH="$BUILD_DIR/lua/?.so;;" \
    lua5.1 "$SOURCE_DIR/tests/oracle/lay-tree.lua" "$SOURCE_DIR/tests/lua/trees/names.lua" \
    "$SCRATCH/root" laptop >/dev/null || fail "unable to lay the laptop fixture"
"$BUILD_DIR/script_replay" --root "$SCRATCH/root" --sysfs "$SCRATCH/root/sys" \
    --config-dir "$SOURCE_DIR/lua/defaults" --alias-file "$SCRATCH/modules.alias" \
    --modprobe /bin/true --dry-run >"$SCRATCH/out" 2>"$SCRATCH/err" ||
	fail "script_replay failed: $(cat "$SCRATCH/err")"
if grep -q "lua/defaults/" "$SCRATCH/err"; then
	fail "a default script failed: $(grep "lua/defaults/" "$SCRATCH/err" | head -3)"
fi
n=0
for link in $(sed -n 's|^LINK=/dev/||p' "$SOURCE_DIR/tests/lua/trees/names-laptop.expected" | grep -E '^(input|serial|snd)/'); do
	grep -q "symlink /dev/$link -> " "$SCRATCH/out" || fail "no /dev/$link: $(grep -c symlink "$SCRATCH/out") links made"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n names to look for"
echo "ok: $n names"
