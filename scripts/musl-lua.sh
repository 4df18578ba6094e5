#!/bin/sh
# Build Lua 5.1 for musl from Debian's lua5.1 source package (with Debian's
# patches), as a static library with a pkg-config file, for a fully static
# musl build of hotplug2.  Nothing is vendored: the source package is
# downloaded into a cache (a private apt source list; the system's apt
# configuration is not changed) and built there.
#
# usage: scripts/musl-lua.sh [PREFIX]
#   PREFIX defaults to $HOTPLUG2_MUSL_CACHE/lua5.1-musl
#   (HOTPLUG2_MUSL_CACHE defaults to /var/cache/hotplug2/musl).
# Then:
#   PKG_CONFIG_LIBDIR=PREFIX/lib/pkgconfig CC=musl-gcc cmake -S . -B build-musl \
#       -DHOTPLUG2_STATIC=ON -DHOTPLUG2_TESTS=OFF -DCMAKE_BUILD_TYPE=MinSizeRel
# Prints PREFIX on its last line.  Needs musl-gcc (musl-tools), dpkg-source
# (dpkg-dev) and, the first time, the Debian archive.
set -eu

cache=${HOTPLUG2_MUSL_CACHE:-/var/cache/hotplug2/musl}
prefix=${1:-$cache/lua5.1-musl}
version=5.1

die() {
	echo "musl-lua.sh: $*" >&2
	exit 1
}

command -v musl-gcc >/dev/null || die "no musl-gcc (Debian: musl-tools)"
command -v dpkg-source >/dev/null || die "no dpkg-source (Debian: dpkg-dev)"

if [ -r "$prefix/lib/liblua.a" ] && [ -r "$prefix/lib/pkgconfig/lua$version.pc" ]; then
	echo "$prefix"
	exit 0
fi

src=$cache/source
mkdir -p "$src"
if ! ls "$src"/lua5.1_*.dsc >/dev/null 2>&1; then
	# A source list of our own: deb-src for the suite this system runs.
	. /etc/os-release
	suite=${VERSION_CODENAME:-bookworm}
	apt=$cache/apt
	mkdir -p "$apt/lists/partial"
	echo "deb-src http://deb.debian.org/debian $suite main" >"$apt/sources.list"
	set -- -q -o Dir::Etc::SourceList="$apt/sources.list" \
	    -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists="$apt/lists" \
	    -o APT::Sandbox::User=root
	apt-get "$@" update >/dev/null || die "cannot read the Debian source index"
	(cd "$src" && apt-get "$@" source --download-only lua5.1 >/dev/null) ||
	    die "cannot download Debian's lua5.1 source package"
fi
dsc=$(ls "$src"/lua5.1_*.dsc | tail -n 1)

work=$cache/build
rm -rf "$work"
mkdir -p "$work"
dpkg-source --no-check -x "$dsc" "$work/lua" >/dev/null ||
    die "cannot unpack $dsc"

# The library is Lua's core and standard libraries; the lua and luac
# programs (lua.c, luac.c, print.c) are not part of it.
cd "$work/lua/src"
# What debian/rules writes before building: the multiarch triplet in
# Lua's default module paths (hotplug2 compiles its modules in and
# loads none from those paths).
triplet=$(musl-gcc -dumpmachine | sed 's/-gnu$/-musl/')
printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' \
    "$triplet" >lua5.1-deb-multiarch.h
objs=
for c in *.c; do
	case $c in lua.c | luac.c | print.c) continue ;; esac
	musl-gcc -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	    -fno-unwind-tables -DLUA_USE_POSIX \
	    -c "$c" -o "${c%.c}.o" || die "cannot compile $c"
	objs="$objs ${c%.c}.o"
done
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
rm -f "$prefix/lib/liblua.a"
# shellcheck disable=SC2086
ar rcs "$prefix/lib/liblua.a" $objs
cp lua.h luaconf.h lualib.h lauxlib.h lua5.1-deb-multiarch.h "$prefix/include/"
pkgver=$(sed -n 's/^Version: //p' "$dsc")
cat >"$prefix/lib/pkgconfig/lua$version.pc" <<EOF
prefix=$prefix
Name: Lua
Description: Lua $version for musl, from Debian's lua5.1 $pkgver source package
Version: 5.1.5
Cflags: -I\${prefix}/include
Libs: -L\${prefix}/lib -llua -lm
Libs.private: -lm
EOF
rm -rf "$work"
echo "$prefix"
