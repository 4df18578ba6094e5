#!/bin/sh
# Run every test suite: the normal build, then the same suite under AddressSanitizer and UBSan.
# usage: scripts/test.sh [ctest arguments, e.g. -L unit]
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh

echo "== tests (build/) =="
(cd build && ctest --output-on-failure "$@")

echo "== tests under AddressSanitizer and UBSan (build-asan/) =="
werror=OFF; [ "${CI:-}" = true ] && werror=ON
cmake -S . -B build-asan -DHOTPLUG2_WERROR=$werror -DHOTPLUG2_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure "$@")
