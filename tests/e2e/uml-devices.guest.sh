# hotplug2 as the only device manager (issue 9): on a tmpfs /dev, the daemon
# with the default scripts coldplugs, and every node of the kernel's devtmpfs
# (mounted elsewhere) exists with the same name, type and major:minor; then a
# hot-added disk appears as its block node and goes when it is removed.
hp2=$BUILD_DIR/hotplug2
[ -x "$hp2" ] || e2e_fail "no $hp2"
[ -x "$BUILD_DIR/hotplug2-coldplug" ] || e2e_fail "no hotplug2-coldplug"
defaults=$SOURCE_DIR/lua/defaults

mkdir -p /run/devtmpfs
mount -t devtmpfs devtmpfs /run/devtmpfs || e2e_fail "unable to mount devtmpfs"
mount -t tmpfs -o mode=0755 tmpfs /dev || e2e_fail "unable to mount a tmpfs on /dev"
# What every initramfs has: the daemon's children need /dev/null.
mknod -m 666 /dev/null c 1 3 && mknod -m 600 /dev/console c 5 1 ||
    e2e_fail "unable to make /dev/null and /dev/console"

t0=$(e2e_uptime)
"$hp2" -f -C -o -c "$defaults" >/run/coldplug.out 2>/run/coldplug.err ||
    e2e_fail "hotplug2 --coldplug --once failed: $(cat /run/coldplug.err)"
echo "coldplug: hotplug2 --coldplug --once from $t0 s to $(e2e_uptime) s of uptime"

# nodes DIR: "name type major:minor" of every device node under DIR, sorted.
nodes() {
	(cd "$1" && find . \( -type b -o -type c \) -exec stat -c '%n %F %Hr:%Lr' {} + |
	    sort)
}
nodes /run/devtmpfs >/run/want
nodes /dev >/run/got
if ! cmp -s /run/want /run/got; then
	diff /run/want /run/got | head -n 40
	e2e_fail "/dev differs from devtmpfs"
fi
echo "coldplug: $(wc -l </run/want) nodes compared with devtmpfs" \
    "(name, type, major:minor): all equal"

"$hp2" -f -c "$defaults" -d 3 3>/run/ready >/run/daemon.out 2>/run/daemon.err &
daemon=$!
e2e_wait 20 test -s /run/ready || e2e_fail "the daemon never got ready"
e2e_signal ready
e2e_wait 30 test -b /dev/ubdb || e2e_fail "/dev/ubdb did not appear"
nodes /dev | grep '^\./ubdb ' >/run/got-ubdb
nodes /run/devtmpfs | grep '^\./ubdb ' >/run/want-ubdb
cmp -s /run/want-ubdb /run/got-ubdb ||
    e2e_fail "/dev/ubdb is $(cat /run/got-ubdb), devtmpfs has $(cat /run/want-ubdb)"
echo "hot-add: $(cat /run/got-ubdb), as in devtmpfs"
e2e_signal added
e2e_wait 30 test ! -e /dev/ubdb || e2e_fail "/dev/ubdb stayed after removal"
echo "hot-remove: /dev/ubdb is gone"
kill "$daemon"
wait "$daemon"
