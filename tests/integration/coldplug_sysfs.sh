#!/bin/sh
# hotplug2-coldplug on a fake sysfs (a real laptop's, from the fixture):
# every uevent file under devices/ written once, "add", parents first.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/daemon_lib.sh"

tar -xJf "$SOURCE_DIR/tests/fixtures/sysfs-laptop.tar.xz" -C "$SCRATCH"
SYS="$SCRATCH/sys"
# A device directory that sysfs reaches by a link only must not be
# walked twice; a uevent file elsewhere (class/) must not be written.
ln -s ../../devices/pci0000:00 "$SYS/devices/platform/loop" ||
	fail "unable to make the loop link"
[ -d "$SYS/devices/platform/loop/" ] || fail "the loop link leads nowhere"

"$COLDPLUG" --sysfs "$SYS" --list >"$SCRATCH/list" ||
	fail "coldplug failed"
find "$SYS/devices" -name uevent -type f | sort >"$SCRATCH/expected"
sort "$SCRATCH/list" >"$SCRATCH/got"
cmp -s "$SCRATCH/expected" "$SCRATCH/got" ||
	fail "files written differ: $(diff "$SCRATCH/expected" "$SCRATCH/got" |
	    head -5)"
[ "$(uniq -d "$SCRATCH/got" | wc -l)" = 0 ] || fail "a file written twice"
[ "$(wc -l <"$SCRATCH/got")" -gt 400 ] || fail "too few uevent files"

# Parents before children: every listed directory's ancestors that have
# a uevent file are listed before it.
awk '{
	dir = $0; sub(/\/uevent$/, "", dir); seen[dir] = NR
	p = dir
	while (sub(/\/[^\/]*$/, "", p) && p != "") {
		if ((p "/uevent") in files && !(p in seen)) {
			print "child before parent: " dir; bad = 1
		}
	}
}
BEGIN { while ((getline f < ARGV[2]) > 0) files[f] = 1; ARGC = 2 }
END { exit bad }' "$SCRATCH/list" "$SCRATCH/expected" ||
	fail "order"

# What was written is "add" (the fixture's files are regular files).
bad=$(while read -r f; do head -c 3 "$f" | grep -qx add || echo "$f"; done \
    <"$SCRATCH/list" | head -3)
[ -z "$bad" ] || fail "not written with add: $bad"

# --dry-run lists the same files and writes nothing.
tar -xJf "$SOURCE_DIR/tests/fixtures/sysfs-laptop.tar.xz" -C "$SCRATCH" \
    --overwrite
"$COLDPLUG" --sysfs "$SYS" --dry-run | sort >"$SCRATCH/dry"
cmp -s "$SCRATCH/dry" "$SCRATCH/got" || fail "dry run lists other files"
# grep exits 1 when no file matches: 0 is a write, 2 an error (no file).
rc=0
# shellcheck disable=SC2046
grep -l '^add' $(cat "$SCRATCH/dry") >"$SCRATCH/dry.wrote" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "dry run wrote (grep exit $rc): $(head -3 "$SCRATCH/dry.wrote")"

# No sysfs and, in this build, whatever the 2.4 scan finds in an empty
# procfs: nothing, and no crash.
mkdir "$SCRATCH/proc"
rc=0
"$COLDPLUG" --sysfs "$SCRATCH/none" --procfs "$SCRATCH/proc" --print \
    >"$SCRATCH/none.out" 2>"$SCRATCH/none.err" || rc=$?
[ "$rc" = 0 ] || fail "no sysfs, empty procfs: exit $rc: $(cat "$SCRATCH/none.err")"
[ ! -s "$SCRATCH/none.out" ] || fail "no sysfs, empty procfs: printed $(head -c 200 "$SCRATCH/none.out")"
echo "coldplug_sysfs: $(wc -l <"$SCRATCH/got") uevent files, parents first"
