# Helpers for the tests of the service definitions in scripts/init (sourced
# after lib.sh).  Each test runs in its own mount namespace with a tmpfs on
# /dev, and the daemon coldplugs the real kernel into a scratch --root with
# the default handlers and a recording modprobe: the host's /dev and its
# modules are never touched.
need_root
need_uevent_netlink
unshare -m true 2>/dev/null || skip "cannot make a mount namespace"

# in_namespace: run the calling test script again in a mount namespace of
# its own, with a tmpfs on /dev holding only null; returns only there.
in_namespace() {
	if [ -z "${HP2_INIT_NS:-}" ]; then
		HP2_INIT_NS=1 unshare -m --propagation private \
		    sh "$0" && rc=0 || rc=$?
		exit $rc
	fi
	mount -t tmpfs -o mode=0755 hp2-test-dev /dev
	mknod -m 0666 /dev/null c 1 3
}

# service_copy SRC DEST: copy a service directory of scripts/init, with the
# daemon's path replaced by a wrapper that adds the scratch root, the
# source tree's default handlers (and a slow one) and the recording modprobe.  Nothing else
# in the definition changes.
service_copy() {
	root=$SCRATCH/root
	mkdir -p "$root/etc"
	cp /etc/passwd /etc/group "$root/etc/"
	cat >"$root/modprobe" <<EOF2
#!/bin/sh
echo "modprobe \$*" >>"$root/modprobe.log"
EOF2
	cat >"$SCRATCH/hotplug2" <<EOF2
#!/bin/sh
exec "$BUILD_DIR/hotplug2" "\$@" -v --root "$root" \
    -c "$SCRATCH/conf" --modprobe "$root/modprobe"
EOF2
	# The default handlers, and one that holds the coldplug back for 2 s,
	# so that a definition that does not wait for readiness is caught.
	mkdir -p "$SCRATCH/conf"
	cp "$SOURCE_DIR"/lua/defaults/*.lua "$SCRATCH/conf/"
	cat >"$SCRATCH/conf/99-slow.lua" <<EOF2
on({ ACTION = "add", DEVPATH = "/devices/virtual/mem/null" },
    function(ev) run(ev, { "/bin/sh", "-c", "sleep 2; touch $SCRATCH/slow-done" }) end)
EOF2
	chmod +x "$root/modprobe" "$SCRATCH/hotplug2"
	cp -R "$1" "$2"
	for f in "$2"/*; do
		sed "s|/usr/sbin/hotplug2|$SCRATCH/hotplug2|g" "$f" >"$f.new"
		cat "$f.new" >"$f"
		rm "$f.new"
	done
}

# daemon_pids: the pids of the daemon started by this test's wrapper.
daemon_pids() {
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		[ "$exe" = "$BUILD_DIR/hotplug2" ] || continue
		grep -q "$SCRATCH/root" "$p/cmdline" 2>/dev/null &&
			echo "${p#/proc/}"
	done
	return 0
}

# daemon_copy: $SCRATCH/bin/hotplug2, a copy of the daemon with its
# coldplug program beside it, for init scripts that find the daemon by
# its executable (start-stop-daemon --exec, pidof); HOTPLUG2_ARGS holds
# what service_copy's wrapper adds.  Call service_copy first.
daemon_copy() {
	mkdir -p "$SCRATCH/bin"
	cp "$BUILD_DIR/hotplug2" "$BUILD_DIR/hotplug2-coldplug" "$SCRATCH/bin/"
	HOTPLUG2_ARGS="-v --root $SCRATCH/root -c $SCRATCH/conf --modprobe $SCRATCH/root/modprobe"
	mkdir -p "$SCRATCH/default"
	cat >"$SCRATCH/default/hotplug2" <<EOF2
HOTPLUG2=$SCRATCH/bin/hotplug2
HOTPLUG2_ARGS="$HOTPLUG2_ARGS"
EOF2
	# Only in this namespace: the scripts read /etc/default/hotplug2.
	mount --bind "$SCRATCH/default" /etc/default
}

# copy_pids: the pids of daemon_copy's daemon.
copy_pids() {
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		[ "$exe" = "$SCRATCH/bin/hotplug2" ] && echo "${p#/proc/}"
	done
	return 0
}

# kick_null: one real "change" event for /dev/null.
kick_null() {
	printf change >/sys/class/mem/null/uevent
}
