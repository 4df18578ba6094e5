#!/bin/sh
# Installs are relocatable: "cmake --install --prefix" and DESTDIR place every file, and the paths compiled in and named in the man pages follow the configured prefix.
. "$SOURCE_DIR/tests/integration/lib.sh"

b=$SCRATCH/build
p1=$SCRATCH/p1
# A build of its own (no tests, no optimization: quick), configured for p1.
cmake -S "$SOURCE_DIR" -B "$b" -DHOTPLUG2_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_INSTALL_PREFIX="$p1" >"$SCRATCH/cmake.log" 2>&1 ||
	fail "configure: $(tail -20 "$SCRATCH/cmake.log")"
cmake --build "$b" -j2 >>"$SCRATCH/cmake.log" 2>&1 ||
	fail "build: $(tail -20 "$SCRATCH/cmake.log")"

# installed LOG: the files an install reported, one a line.
installed() {
	sed -n 's/^-- \(Installing\|Up-to-date\): //p' "$1"
}
# Every file of an installation into DIR: all under DIR, and all there.
check_install() {	# check_install LOG DIR LIBDIR
	installed "$1" >"$1.files"
	[ -s "$1.files" ] || fail "no file installed: $(cat "$1")"
	outside=$(grep -v "^$2/" "$1.files" || :)
	[ -z "$outside" ] || fail "installed outside $2: $outside"
	for f in sbin/hotplug2 sbin/hotplug2-dnode sbin/hotplug2-coldplug \
	    sbin/hotplug2-modwrap sbin/hotplug2-mkalias \
	    share/lua/5.1/hotplug2/actions.lua share/lua/5.1/hotplug2/match.lua \
	    share/lua/5.1/hotplug2/runner.lua share/lua/5.1/hotplug2/testing.lua \
	    "$3/lua/5.1/hotplug2/core.so" etc/hotplug2/10-modules.lua \
	    etc/hotplug2/30-nodes.lua share/man/man8/hotplug2.8 \
	    share/man/man8/hotplug2-dnode.8 share/man/man5/hotplug2.lua.5; do
		[ -f "$2/$f" ] || fail "not installed: $2/$f"
	done
}
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$b/CMakeCache.txt")

# --prefix at install time moves every file.
cmake --install "$b" --prefix "$SCRATCH/p" >"$SCRATCH/prefix.log" 2>&1 ||
	fail "install --prefix: $(cat "$SCRATCH/prefix.log")"
check_install "$SCRATCH/prefix.log" "$SCRATCH/p" "$libdir"
# DESTDIR puts the configured tree under it.
DESTDIR=$SCRATCH/d cmake --install "$b" >"$SCRATCH/destdir.log" 2>&1 ||
	fail "install with DESTDIR: $(cat "$SCRATCH/destdir.log")"
check_install "$SCRATCH/destdir.log" "$SCRATCH/d$p1" "$libdir"

# help_dir: the handler directory hotplug2 --help names.
help_dir() {
	"$b/hotplug2" --help | sed -n 's/^Handler scripts: \([^ ]*\) .*/\1/p'
}
[ "$(help_dir)" = "$p1/etc/hotplug2" ] || fail "hotplug2 --help names $(help_dir), want $p1/etc/hotplug2"
grep -q "$p1/etc/hotplug2" "$b/man/hotplug2.8" || fail "the man page does not name $p1/etc/hotplug2"

# Another prefix: the compiled-in paths and the man pages move with it.
p2=$SCRATCH/p2
cmake -S "$SOURCE_DIR" -B "$b" -DCMAKE_INSTALL_PREFIX="$p2" >"$SCRATCH/cmake.log" 2>&1 ||
	fail "reconfigure: $(tail -20 "$SCRATCH/cmake.log")"
cmake --build "$b" -j2 --target hotplug2 >>"$SCRATCH/cmake.log" 2>&1 ||
	fail "rebuild: $(tail -20 "$SCRATCH/cmake.log")"
[ "$(help_dir)" = "$p2/etc/hotplug2" ] || fail "after a new prefix, hotplug2 --help names $(help_dir)"
grep -q "$p2/etc/hotplug2" "$b/man/hotplug2.8" || fail "the man page does not follow the new prefix"
grep -q "$p1" "$b/man/hotplug2.8" && fail "the man page still names $p1"

# The prefix /usr: the scripts in /etc/hotplug2 (as GNUInstallDirs puts
# SYSCONFDIR), installed there under DESTDIR, the rest under /usr.
cmake -S "$SOURCE_DIR" -B "$b" -DCMAKE_INSTALL_PREFIX=/usr >"$SCRATCH/cmake.log" 2>&1 ||
	fail "reconfigure for /usr: $(tail -20 "$SCRATCH/cmake.log")"
grep -q '^#define PATH_CONFIG_DIR		"/etc/hotplug2"$' "$b/pathnames.h" ||
	fail "prefix /usr: $(grep CONFIG_DIR "$b/pathnames.h")"
DESTDIR=$SCRATCH/u cmake --install "$b" >"$SCRATCH/usr.log" 2>&1 ||
	fail "install for /usr: $(cat "$SCRATCH/usr.log")"
[ -f "$SCRATCH/u/etc/hotplug2/30-nodes.lua" ] || fail "prefix /usr: no /etc/hotplug2/30-nodes.lua"
[ -f "$SCRATCH/u/usr/sbin/hotplug2" ] || fail "prefix /usr: no /usr/sbin/hotplug2"
outside=$(installed "$SCRATCH/usr.log" | grep -Ev "^$SCRATCH/u/(usr/|etc/hotplug2(/|$))" || :)
[ -z "$outside" ] || fail "prefix /usr: installed elsewhere: $outside"
echo "ok: --prefix, DESTDIR and a new prefix place and name every path"
