#!/bin/sh
# The daemon with handler files that misbehave: one vandalises the libraries it shares with others, one runs a
# runaway pattern, one exceeds the memory cap; every other file still loads, and every event is handled.
. "$SOURCE_DIR/tests/integration/lib.sh"

mkdir -p "$SCRATCH/conf" "$SCRATCH/root"
cat >"$SCRATCH/conf/00-vandal.lua" <<'LUA'
string.format = nil
string.find = function() error("the vandal's find") end
string.rep = nil
table.concat = nil
table.insert = error
math.floor = nil
string, table, math = nil, nil, nil
LUA
cat >"$SCRATCH/conf/10-runaway.lua" <<'LUA'
on({}, function(ev) local r = ev.DEVPATH:find(("a*"):rep(40) .. "b") return r end)
LUA
cat >"$SCRATCH/conf/20-hog.lua" <<'LUA'
on({}, function() local s = "x" for _ = 1, 40 do s = s .. s end end)
LUA
cat >"$SCRATCH/conf/30-user.lua" <<'LUA'
local fmt = string.format
on({}, function(ev)
	make_link(ev, fmt("link-%s", table.concat({ ev.SEQNUM, math.floor(1.5) }, "-")), { target = "null" })
end)
LUA
ev() {	# DEVPATH SEQNUM: one event in wire format
	printf 'add@%s\0ACTION=add\0DEVPATH=%s\0SUBSYSTEM=mem\0SEQNUM=%s\0' \
	    "$1" "$1" "$2"
}
a40=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
{ ev "/devices/$a40" 10; ev "/devices/$a40" 11; } >"$SCRATCH/rec"
t0=$(date +%s)
rc=0
timeout 60 "$HOTPLUG2" -f -n -c "$SCRATCH/conf" --root "$SCRATCH/root" \
    --alias-file /dev/null --replay "$SCRATCH/rec" \
    >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
[ $rc = 124 ] && fail "the runaway pattern kept the daemon for 60 s"
[ $(($(date +%s) - t0)) -lt 10 ] || fail "the replay took $(($(date +%s) - t0)) s"
if grep -q "30-user.lua" "$SCRATCH/err"; then
	fail "the vandal reached 30-user.lua: $(cat "$SCRATCH/err")"
fi
for seq in 10 11; do
	grep -q "link-$seq-1" "$SCRATCH/out" ||
		fail "event $seq not handled by 30-user.lua: $(cat "$SCRATCH/out" "$SCRATCH/err")"
done
n=$(grep -c "10-runaway.lua:1: aborted: ran longer than its budget of 200 ms" \
    "$SCRATCH/err" || true)
[ "$n" = 2 ] || fail "runaway pattern aborted $n times: $(cat "$SCRATCH/err")"
nomem="not enough memory: the scripts reached their memory cap"
n=$(grep -c "$nomem" "$SCRATCH/err" || true)
[ "$n" = 2 ] || fail "the memory hog failed $n times: $(cat "$SCRATCH/err")"
# hotplug2 test says the same.
timeout 60 "$HOTPLUG2" test -c "$SCRATCH/conf" -r "$SCRATCH/root" -m /dev/null \
    --event "$SCRATCH/rec" >"$SCRATCH/test.out" 2>"$SCRATCH/test.err" || true
grep -q "$nomem" "$SCRATCH/test.err" "$SCRATCH/test.out" ||
	fail "hotplug2 test: no memory cap: $(cat "$SCRATCH/test.err")"
grep -q "10-runaway.lua:1: aborted: ran longer than its budget" "$SCRATCH/test.err" "$SCRATCH/test.out" ||
	fail "hotplug2 test: no budget abort: $(cat "$SCRATCH/test.err")"
echo "ok: the vandal changed nothing for 30-user.lua; the runaway pattern and the memory hog were stopped on both events"
