#!/bin/sh
# Install what the end-to-end tests need (only what is missing): user-mode-linux,
# uml-utilities and qemu from Debian, and Debian's cloud and generic kernels,
# which are downloaded and extracted into a cache, never installed, so the
# host's /boot and /lib/modules stay untouched.
# usage: scripts/e2e-deps.sh   (HOTPLUG2_E2E_CACHE overrides /var/cache/hotplug2-e2e)
set -eu

PACKAGES="user-mode-linux uml-utilities qemu-system-x86 busybox-static kmod
perl-base fdisk e2fsprogs dosfstools xorriso libinput-tools"
cache=${HOTPLUG2_E2E_CACHE:-/var/cache/hotplug2-e2e}

die() {
	echo "e2e-deps.sh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "run as root"
export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() {
	[ "$updated" = 1 ] && return 0
	apt-get update -qq >/dev/null
	updated=1
}

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "e2e-deps.sh: installing:$missing" >&2
	apt_update
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# extract_kernel METAPACKAGE DIR: the kernel package METAPACKAGE names
# (linux-image-cloud-amd64: virtio and little else; linux-image-amd64:
# USB, sound, SCSI CD-ROMs too), extracted into $cache/DIR with its
# modules.dep, unless that version is there already.
extract_kernel() {
	meta=$1
	dest=$cache/$2
	pkg=$(kernel_package "$meta")
	if [ -z "$pkg" ]; then
		apt_update
		pkg=$(kernel_package "$meta")
	fi
	if [ -z "$pkg" ]; then
		[ -r "$dest/version" ] ||
			die "cannot resolve $meta and have no cached kernel"
		echo "e2e-deps.sh: cannot resolve $meta;" \
		    "keeping the cached $(cat "$dest/version")" >&2
		return 0
	fi
	kver=${pkg#linux-image-}
	if [ -r "$dest/version" ] && [ "$(cat "$dest/version")" = "$kver" ] &&
	    [ -r "$dest/lib/modules/$kver/modules.dep" ]; then
		return 0
	fi

	echo "e2e-deps.sh: extracting $pkg into $dest" >&2
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/download.XXXXXX")
	trap 'rm -rf "$tmp" "$dest.new"' EXIT
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg") ||
		die "unable to download $pkg"
	rm -rf "$dest.new"
	mkdir "$dest.new"
	dpkg-deb -x "$tmp"/*.deb "$dest.new"
	# The package ships no modules.dep or modules.alias: its postinst runs depmod.
	depmod -b "$dest.new" "$kver"
	echo "$kver" >"$dest.new/version"
	rm -rf "$dest"
	mv "$dest.new" "$dest"
	rm -rf "$tmp"
	trap - EXIT
}

# The metapackage names the current kernel package.
kernel_package() {
	apt-cache depends "$1" 2>/dev/null |
	    awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

extract_kernel linux-image-cloud-amd64 linux-cloud
extract_kernel linux-image-amd64 linux-generic
