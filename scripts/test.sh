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
