#!/bin/sh
# docs/testing-rules.md, followed from an empty directory against hotplug2 installed (into a DESTDIR standing for /): every output as shown.
. "$SOURCE_DIR/tests/integration/lib.sh"

: "${HOTPLUG2_LUA_DIR:?}" "${HOTPLUG2_LUA_CDIR:?}" "${HOTPLUG2_SBINDIR:?}"
command -v busted >/dev/null || skip "no busted"
dest=$SCRATCH/dest
DESTDIR=$dest cmake --install "$BUILD_DIR" >"$SCRATCH/install.log" 2>&1 ||
	fail "cmake --install: $(cat "$SCRATCH/install.log")"
for f in "$HOTPLUG2_LUA_DIR/hotplug2/testing.lua" "$HOTPLUG2_LUA_DIR/hotplug2/runner.lua" \
    "$HOTPLUG2_LUA_CDIR/hotplug2/core.so" "$HOTPLUG2_SBINDIR/hotplug2"; do
	[ -e "$dest$f" ] || fail "not installed: $f"
done
# What an installation in / gives busted: the modules on Lua's search paths.
LUA_PATH="$dest$HOTPLUG2_LUA_DIR/?.lua;;"
LUA_CPATH="$dest$HOTPLUG2_LUA_CDIR/?.so;;"
PATH="$dest$HOTPLUG2_SBINDIR:$PATH"
export LUA_PATH LUA_CPATH PATH
mkdir "$SCRATCH/usb-policy"
lua5.1 "$SOURCE_DIR/tests/tools/doc_examples.lua" "$SOURCE_DIR/docs/testing-rules.md" \
    "$SCRATCH/usb-policy" || fail "docs/testing-rules.md: the examples give other output"
