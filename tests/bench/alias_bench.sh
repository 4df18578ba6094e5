#!/bin/sh
# Run the alias matcher benchmark on the Debian kernel the kmod-oracle test fetched: prints figures, asserts nothing.
# usage: tests/bench/alias_bench.sh [BUILD_DIR]   (run `ctest -L oracle` in BUILD_DIR first)
set -eu
cd "$(dirname "$0")/../.."
BUILD_DIR=${1:-build}
CACHE=${HOTPLUG2_CACHE_DIR:-/var/cache/hotplug2}
[ -f "$CACHE/kmod-oracle/version" ] || CACHE=$BUILD_DIR/cache
ORACLE=$CACHE/kmod-oracle
[ -f "$ORACLE/version" ] || {
	echo "no kernel fetched yet: run (cd $BUILD_DIR && ctest -L oracle) first" >&2
	exit 1
}
VER=$(cat "$ORACLE/version")
ALIASES=$ORACLE/root/lib/modules/$VER/modules.alias
QUERIES=$(mktemp)
trap 'rm -f "$QUERIES"' EXIT

# Real hardware ids only: every PCI device and USB product of pci.ids and
# usb.ids (as queries.awk writes them), plus this machine's modaliases.
find /sys/devices -name modalias -type f -exec cat {} + 2>/dev/null >"$QUERIES.sys" || true
awk -f tests/oracle/queries.awk "$ORACLE/ids/pci.ids" "$ORACLE/ids/usb.ids" \
    "$QUERIES.sys" | sort -u >"$QUERIES"
rm -f "$QUERIES.sys"
echo "queries: $(wc -l <"$QUERIES") real modaliases; kernel $(cat "$ORACLE/package")"
"$BUILD_DIR/tests/alias-bench" "$ALIASES" "$QUERIES" "$ORACLE/root" "$VER"
