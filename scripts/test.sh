#!/bin/sh
# Run every test suite: the normal build, the same suite under AddressSanitizer
# and UBSan, and against LuaJIT; check that the static build links; run each
# fuzz target for FUZZ_SECONDS (default 60).
# usage: scripts/test.sh [ctest arguments, e.g. -L unit]
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
# The end-to-end tests boot user-mode-linux and qemu (as root; without them,
# and outside CI, those tests report themselves skipped).
if [ "$(id -u)" = 0 ]; then
	scripts/e2e-deps.sh
fi
werror=OFF; [ "${CI:-}" = true ] && werror=ON

echo "== fully static programs (build-static/) =="
cmake -S . -B build-static -DHOTPLUG2_WERROR=$werror -DHOTPLUG2_STATIC=ON \
    -DHOTPLUG2_TESTS=OFF >/dev/null
cmake --build build-static -j"$(nproc)" >/dev/null
n=0
for p in build-static/hotplug2*; do
	[ -f "$p" ] && [ -x "$p" ] || continue
	file "$p" | grep -q "statically linked" ||
		{ echo "FAIL: $p is not statically linked" >&2; exit 1; }
	n=$((n + 1))
done
build-static/hotplug2 check lua/defaults
echo "static programs: $n built, all statically linked"

echo "== fully static musl daemon (build-musl/), Lua from Debian's source package =="
lua_musl=$(scripts/musl-lua.sh | tail -n 1)
PKG_CONFIG_LIBDIR=$lua_musl/lib/pkgconfig CC=musl-gcc cmake -S . -B build-musl \
    -DHOTPLUG2_WERROR=$werror -DHOTPLUG2_STATIC=ON -DHOTPLUG2_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
cmake --build build-musl -j"$(nproc)" >/dev/null
file build-musl/hotplug2 | grep -q "statically linked" ||
    { echo "FAIL: build-musl/hotplug2 is not statically linked" >&2; exit 1; }
build-musl/hotplug2 check lua/defaults
# One event through the musl daemon and the default scripts: the node appears.
scratch=$(mktemp -d)
printf 'add@/devices/virtual/mem/null\0ACTION=add\0DEVPATH=/devices/virtual/mem/null\0SUBSYSTEM=mem\0DEVNAME=null\0MAJOR=1\0MINOR=3\0SEQNUM=1\0' |
    build-musl/hotplug2 -f -c lua/defaults -r "$scratch" -a /dev/null -R - 2>/dev/null
[ -e "$scratch/dev/null" ] ||
    { echo "FAIL: the musl daemon made no $scratch/dev/null" >&2; exit 1; }
rm -rf "$scratch"
strip -o build-musl/hotplug2.stripped build-musl/hotplug2
echo "static musl daemon: $(wc -c <build-musl/hotplug2.stripped) bytes stripped, handled a replayed event"

echo "== tests against LuaJIT (build-luajit/) =="
cmake -S . -B build-luajit -DHOTPLUG2_WERROR=$werror -DHOTPLUG2_LUAJIT=ON >/dev/null
cmake --build build-luajit -j"$(nproc)" >/dev/null
# The oracle compares the C matcher with kmod; there is no Lua in it.
(cd build-luajit && ctest --output-on-failure -E '^alias_oracle$' "$@")

echo "== tests under AddressSanitizer and UBSan (build-asan/) =="
cmake -S . -B build-asan -DHOTPLUG2_WERROR=$werror -DHOTPLUG2_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure "$@")

echo "== fuzzing (build-fuzz/) =="
scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

echo "== tests (build/) =="
(cd build && ctest --output-on-failure "$@")
