# Build the Debian packages of this tree (sourced after lib.sh).
command -v dpkg-buildpackage >/dev/null || skip "no dpkg-buildpackage"
command -v dh >/dev/null || skip "no debhelper (apt-get install debhelper)"
command -v git >/dev/null || skip "no git"
git -C "$SOURCE_DIR" rev-parse --git-dir >/dev/null 2>&1 || skip "not a git tree"

# build_deb: the tree's tracked and new files (no build directories)
# copied to DEB_DIR/src, as a fresh clone with the working tree's
# edits, and dpkg-buildpackage -us -uc -b there; the packages land in
# DEB_DIR.  DEB_ROOT is then the files of both binary packages, unpacked.
# DEB_DIR is short: the Lua specs the build runs compare file names in
# messages, which Lua cuts at 60 characters (LUA_IDSIZE).
DEB_DIR=$(mktemp -d /tmp/hp2d.XXXXXX)
rm_deb_dir() { [ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$DEB_DIR"; }
cleanup_hooks="$cleanup_hooks rm_deb_dir"
build_deb() {
	out=$DEB_DIR
	mkdir -p "$out/src"
	(cd "$SOURCE_DIR" && git ls-files -z --cached --others --exclude-standard |
	    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	    tar --null -T - -cf -) | tar -C "$out/src" -xf -
	(cd "$out/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
		fail "dpkg-buildpackage: $(tail -30 "$out/build.log")"
	DEB_ROOT=$out/root
	mkdir -p "$DEB_ROOT"
	for p in hotplug2 lua-hotplug2; do
		deb=$(ls "$out/${p}_"*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] || fail "no $p package built"
		dpkg-deb -x "$deb" "$DEB_ROOT"
	done
}
