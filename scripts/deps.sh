#!/bin/sh
# Install the Debian packages hotplug2 needs to build and test (only the missing ones), then build.
# usage: scripts/deps.sh [--no-build]
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential cmake pkg-config lua5.1 liblua5.1-0-dev luajit
libluajit-5.1-dev lua-busted libcmocka-dev kmod busybox-static util-linux
musl-tools xz-utils libkmod-dev file clang libclang-rt-14-dev libblkid-dev
e2fsprogs fdisk dosfstools debhelper lintian fakeroot systemd procps s6 runit
openrc python3-pyudev libudev-dev"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || { echo "deps.sh: run as root to install:$missing" >&2; exit 1; }
	echo "deps.sh: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Debian's udev, extracted (never installed): the oracle of tests/oracle/udev_links.sh
# and the libudev clients of the udev compatibility tests.
if [ "$(id -u)" = 0 ]; then
	scripts/udev-oracle.sh
fi

[ "${1:-}" = --no-build ] && exit 0
werror=OFF; [ "${CI:-}" = true ] && werror=ON
cmake -S . -B build -DHOTPLUG2_WERROR=$werror >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
