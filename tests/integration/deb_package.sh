#!/bin/sh
# The Debian packages: dpkg-buildpackage -us -uc -b builds them from a copy
# of the tree, lintian finds nothing, the files and conffiles are where
# Debian wants them, the systemd unit passes systemd-analyze verify,
# Debian's busted finds hotplug2.testing with no flags, and the postinst
# starts nothing while another device manager runs.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/deb_lib.sh"
need_root
command -v lintian >/dev/null || skip "no lintian"
command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace"

build_deb
R=$DEB_ROOT
echo "built: $(cd "$DEB_DIR" && ls ./*.deb | tr '\n' ' ')"

# lintian, informational tags aside: no error and no warning that is not
# overridden in debian/ with its reason.
lintian "$DEB_DIR"/hotplug2_*.changes >"$SCRATCH/lintian" 2>&1 || :
grep -v "running with root privileges" "$SCRATCH/lintian" |
    grep "^[EW]:" >"$SCRATCH/lintian.bad" &&
	fail "lintian: $(cat "$SCRATCH/lintian.bad")"
echo "lintian: no errors, no warnings"

for f in usr/sbin/hotplug2 usr/sbin/hotplug2-coldplug usr/sbin/hotplug2-dnode \
    usr/sbin/hotplug2-modwrap usr/sbin/hotplug2-mkalias \
    etc/hotplug2/10-modules.lua etc/hotplug2/30-nodes.lua \
    lib/systemd/system/hotplug2.service etc/init.d/hotplug2 \
    usr/share/man/man8/hotplug2.8.gz usr/share/man/man5/hotplug2.lua.5.gz \
    usr/share/doc/hotplug2/README.Debian \
    usr/share/lua/5.1/hotplug2/testing.lua \
    usr/lib/x86_64-linux-gnu/lua/5.1/hotplug2/core.so; do
	case $f in usr/lib/x86_64-linux-gnu/*)
		f=usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/${f#usr/lib/x86_64-linux-gnu/} ;;
	esac
	[ -e "$R/$f" ] || fail "not in the packages: /$f"
done
[ "$("$R/usr/sbin/hotplug2" --help | sed -n 's/^Handler scripts: \([^ ]*\) .*/\1/p')" = /etc/hotplug2 ] ||
	fail "the packaged daemon does not read /etc/hotplug2"
dpkg-deb -e "$DEB_DIR"/hotplug2_*.deb "$SCRATCH/control"
for f in "$R"/etc/hotplug2/*.lua; do
	grep -qx "${f#"$R"}" "$SCRATCH/control/conffiles" ||
		fail "${f#"$R"} is not a conffile"
done
echo "files: programs, handlers (conffiles), unit, init script, man pages, Lua modules"

# systemd-analyze verify against the package's tree (with /bin/kill, which
# its ExecReload names, from procps): nothing to report.
mkdir -p "$R/bin" && cp /bin/kill "$R/bin/kill"
systemd-analyze --man=no --root="$R" verify /lib/systemd/system/hotplug2.service \
    >"$SCRATCH/verify" 2>&1 || fail "systemd-analyze verify: $(cat "$SCRATCH/verify")"
[ ! -s "$SCRATCH/verify" ] || fail "systemd-analyze verify: $(cat "$SCRATCH/verify")"
rm "$R/bin/kill"
for want in Type=notify After=systemd-tmpfiles-setup-dev.service \
    Before=sysinit.target "ExecReload=/bin/kill -HUP \$MAINPID"; do
	grep -qx "$want" "$R/lib/systemd/system/hotplug2.service" ||
		fail "the unit has no $want"
done
echo "systemd-analyze verify: clean; Type=notify, ordered like udev, reload by SIGHUP"

# Debian's busted and lua5.1, with no flags and no LUA_PATH, see the
# packaged modules: overlaid on /usr in a mount namespace of their own.
cat >"$SCRATCH/spec.lua" <<'EOF2'
local testing = require "hotplug2.testing"
describe("the packaged hotplug2.testing", function()
	it("loads handlers and records their actions", function()
		local hp = testing.new { config_dir = os.getenv("RULES") }
		local acts = hp:handle { ACTION = "add", DEVPATH = "/devices/virtual/mem/null",
			SUBSYSTEM = "mem", DEVNAME = "null", MAJOR = "1", MINOR = "3" }
		assert.are.equal("mknod", acts[1][1])
		assert.are.equal("/dev/null", acts[1].path)
	end)
end)
EOF2
mkdir -p "$SCRATCH/rules"
echo 'on({ ACTION = "add", DEVNAME = present }, function(ev) make_node(ev) end)' \
    >"$SCRATCH/rules/10-nodes.lua"
mkdir -p "$SCRATCH/work"
RULES=$SCRATCH/rules unshare -m --propagation private sh -c '
	mount -t overlay hp2-test-usr -o "lowerdir=$1/usr:/usr,upperdir=$2/up,workdir=$2/work" /usr 2>/dev/null ||
	{ mkdir -p "$2/up" && mount -t overlay hp2-test-usr -o "lowerdir=$1/usr:/usr" /usr; } || exit 77
	unset LUA_PATH LUA_CPATH LUA_PATH_5_1 LUA_CPATH_5_1
	cd "$2" && busted -o utfTerminal "$2/spec.lua"' sh "$R" "$SCRATCH" \
    >"$SCRATCH/busted.out" 2>&1 && rc=0 || rc=$?
[ $rc = 77 ] && skip "no overlayfs to lay the package over /usr"
[ $rc = 0 ] || fail "Debian's busted with the package: $(cat "$SCRATCH/busted.out")"
echo "busted (no flags): $(grep -o '[0-9]* success' "$SCRATCH/busted.out")"

# The postinst, in a pid namespace where only what this test starts runs,
# with update-rc.d, invoke-rc.d and deb-systemd-helper recording calls.
mkdir -p "$SCRATCH/stub"
for t in update-rc.d invoke-rc.d deb-systemd-helper deb-systemd-invoke systemctl; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$t" "$SCRATCH" >"$SCRATCH/stub/$t"
	chmod +x "$SCRATCH/stub/$t"
done
# A first installation: debhelper's snippet finds no state of the unit.
cat >>"$SCRATCH/stub/deb-systemd-helper" <<'EOF2'
case "$1 $2" in "debian-installed "*|"--quiet was-enabled") exit 1 ;; esac
EOF2
# postinst_calls [PROGRAM-NAME]: what "postinst configure" called, with a
# process named PROGRAM-NAME running.
postinst_calls() {
	rm -f "$SCRATCH/calls"
	unshare -m -p -f --mount-proc --propagation private sh -c '
		if [ -n "$2" ]; then
			cp /bin/sleep "$1/$2" && "$1/$2" 30 &
			while ! grep -qx "$2" /proc/[0-9]*/comm 2>/dev/null; do sleep 0.05; done
		fi
		PATH=$1/stub:$PATH sh "$1/control/postinst" configure ""' \
	    sh "$SCRATCH" "${1:-}" >"$SCRATCH/postinst.out" 2>&1 ||
		fail "postinst failed: $(cat "$SCRATCH/postinst.out")"
	cat "$SCRATCH/calls" 2>/dev/null || :
}
calls=$(postinst_calls)
echo "$calls" | grep -q "update-rc.d hotplug2 enable" ||
	fail "no other device manager, but the postinst did not enable hotplug2: $calls"
echo "$calls" | grep -q "invoke-rc.d hotplug2 start" ||
	fail "no other device manager, but the postinst did not start hotplug2: $calls"
for other in systemd-udevd mdevd mdev udevd; do
	calls=$(postinst_calls "$other")
	case $calls in *"hotplug2 enable"*|*"hotplug2 start"*|*"enable hotplug2"*)
		fail "with $other running the postinst ran: $calls" ;;
	esac
	grep -q "README.Debian" "$SCRATCH/postinst.out" ||
		fail "with $other running the postinst did not point at README.Debian"
done
echo "postinst: enables and starts hotplug2 alone; not with systemd-udevd, udevd, mdev or mdevd running"
