#!/bin/sh
# core.run outside the daemon (the loadable module, as under busted) logs a
# command's output and end as the daemon does: every byte of a long line,
# and the timeout it was killed after.
. "$SOURCE_DIR/tests/integration/lib.sh"

run_lua() {
	LUA_PATH="$SOURCE_DIR/lua/?.lua;;" LUA_CPATH="$BUILD_DIR/lua/?.so;;" \
	    lua5.1 -e "local core = require('hotplug2.core'); core.set_verbose(2); $1"
}

# A line of exactly 1023 bytes, then a short one.
run_lua 'print(core.run({ "/bin/sh", "-c",
    "head -c 1023 /dev/zero | tr \"\\\\0\" x; echo; echo end" }, {}))' \
    >"$SCRATCH/out" 2>"$SCRATCH/err" || fail "lua failed: $(cat "$SCRATCH/err")"
[ "$(cat "$SCRATCH/out")" = 0 ] || fail "status $(cat "$SCRATCH/out"), want 0"
n=$(grep "sh\[[0-9]*\]: x" "$SCRATCH/err" | sed "s/.*\]: //" | tr -cd x | wc -c)
[ "$n" = 1023 ] || fail "$n of the line's 1023 bytes logged: $(cat "$SCRATCH/err")"
grep -q "sh\[[0-9]*\]: end$" "$SCRATCH/err" || fail "no 'end' line: $(cat "$SCRATCH/err")"

run_lua 'print(core.run({ "/bin/sleep", "5" }, {}, 200))' \
    >"$SCRATCH/out" 2>"$SCRATCH/err" || fail "lua failed: $(cat "$SCRATCH/err")"
[ "$(cat "$SCRATCH/out")" = 137 ] || fail "status $(cat "$SCRATCH/out"), want 137"
grep -Eq "sleep 5\[[0-9]+\] killed after [1-9][0-9]* ms" "$SCRATCH/err" ||
	fail "no 'killed after' with the time it ran: $(cat "$SCRATCH/err")"
echo ok
