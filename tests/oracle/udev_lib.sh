# Debian's systemd-udevd as an oracle (sourced, POSIX sh; runs on the host
# and, under busybox, in the qemu guest): its rules and helpers laid out
# for udevd, device nodes made the way devtmpfs makes them, udevd run
# until the queue is empty, and /dev's symlinks recorded as
# "LINK -> TARGET" lines for tests/oracle/udev_compare.sh.
#
# UDEV_ORACLE is the tree scripts/udev-oracle.sh extracted (bin/udevadm,
# lib/udev, the libraries under usr/lib/x86_64-linux-gnu).

UDEV_ORACLE=${UDEV_ORACLE:-${HOTPLUG2_CACHE_DIR:-/var/cache/hotplug2}/udev-oracle/root}

# Rules files left out of the oracle, none of which makes a symlink:
#   50-firmware.rules        writes the firmware loading attribute;
#   60-autosuspend.rules     writes power/ attributes of USB devices;
#   64-btrfs.rules           runs "udevadm trigger", which would start a
#                            second round of events on the whole machine;
#   80-debian-compat.rules   loads sg (and sets modes of rare nodes);
#   80-drivers.rules         loads the modules of every MODALIAS;
#   80-net-setup-link.rules  names network interfaces.
# On the host a read-only /sys would stop the attribute writes anyway, but
# not the module loads; in the guest, leaving them out keeps the guest's
# udevd doing what the host's does.
UDEV_DROPPED="50-firmware.rules 60-autosuspend.rules 64-btrfs.rules
80-debian-compat.rules 80-drivers.rules 80-net-setup-link.rules"

udev_ld_path() {
	echo "$UDEV_ORACLE/usr/lib/x86_64-linux-gnu/systemd:$UDEV_ORACLE/usr/lib/x86_64-linux-gnu"
}

# udevadm ARGS...: the oracle's udevadm with its own libraries.
udevadm() {
	LD_LIBRARY_PATH=$(udev_ld_path) "$UDEV_ORACLE/bin/udevadm" "$@"
}

# udev_libdir DEST: the oracle's lib/udev (rules, helpers, hwdb.bin) at
# DEST, without the rules of UDEV_DROPPED.
udev_libdir() {
	mkdir -p "$1" && cp -R "$UDEV_ORACLE/lib/udev/." "$1/" || return 1
	for f in $UDEV_DROPPED; do
		rm -f "$1/rules.d/$f"
	done
}

# udev_mknodes DEV: the nodes devtmpfs would hold, in the directory DEV:
# every device of /sys/dev/char and /sys/dev/block at its DEVNAME, with
# DEVMODE or 0600, owned by root.  udevd only makes links and changes
# modes; it finds the nodes where the kernel put them.
udev_mknodes() {
	for udev_d in /sys/dev/char/* /sys/dev/block/*; do
		[ -r "$udev_d/uevent" ] || continue
		udev_name='' udev_mode=0600
		while IFS='=' read -r udev_k udev_v; do
			case $udev_k in
			DEVNAME) udev_name=$udev_v ;;
			DEVMODE) udev_mode=$udev_v ;;
			esac
		done <"$udev_d/uevent"
		[ -n "$udev_name" ] || continue
		udev_t=c
		case $udev_d in /sys/dev/block/*) udev_t=b ;; esac
		udev_mm=${udev_d##*/}
		case $udev_name in */*) mkdir -p "$1/${udev_name%/*}" ;; esac
		[ -e "$1/$udev_name" ] ||
		    mknod -m "$udev_mode" "$1/$udev_name" $udev_t "${udev_mm%:*}" "${udev_mm#*:}" ||
		    return 1
	done
}

# udev_record DEV: every symlink under DEV as "LINK -> TARGET", LINK
# relative to DEV, sorted.
udev_record() {
	(cd "$1" && find . -type l | sed 's|^\./||' | while read -r udev_l; do
		echo "$udev_l -> $(readlink "$udev_l")"
	done | LC_ALL=C sort)
}

# udev_daemon_start LIBDIR LOG [WRAPPER...]: systemd-udevd in the
# background (pid in udev_pid) with its rules and helpers at /lib/udev and
# /usr/lib/udev, which the caller bound to LIBDIR; WRAPPER runs it (the
# host passes a command that gives udevd a read-only /sys).  Waits for
# its control socket.
udev_daemon_start() {
	udev_lib=$1 udev_log=$2
	shift 2
	# udevadm acts as udevd when called by that name.
	ln -sf "$UDEV_ORACLE/bin/udevadm" "$udev_lib/systemd-udevd"
	SYSTEMD_LOG_TARGET=console LD_LIBRARY_PATH=$(udev_ld_path) \
	    "$@" "$udev_lib/systemd-udevd" >"$udev_log" 2>&1 &
	udev_pid=$!
	udev_i=0
	while ! [ -S /run/udev/control ]; do
		kill -0 "$udev_pid" 2>/dev/null || {
			echo "systemd-udevd exited: $(tail -n 5 "$udev_log")" >&2
			return 1
		}
		[ "$udev_i" -lt 200 ] || { echo "systemd-udevd: no control socket" >&2; return 1; }
		sleep 0.05
		udev_i=$((udev_i + 1))
	done
}

# udev_coldplug: every device announced again ("add"), and wait until udevd
# has handled all of it, including the events its rules cause.  Not
# "trigger --settle": that waits for every device it wrote to, and on the
# host the network interfaces' events go to the host's network namespace
# only, never to udevd's.
udev_coldplug() {
	udevadm trigger --action=add || return 1
	udevadm settle --timeout=120
}

# udev_daemon_stop: end udevd and wait for it.
udev_daemon_stop() {
	udevadm control --exit || kill "$udev_pid" 2>/dev/null
	wait "$udev_pid" 2>/dev/null || true
}

# udev_host_run DIR: the oracle on this machine, run inside "unshare -m -n"
# (a mount namespace, so the tmpfs /dev and /run and the bind mounts below
# go away with it; a network namespace, so udevd sees none of the host's
# interfaces and renames none).  DIR holds lib-udev (udev_libdir); the
# links go to DIR/udev.links, udevd's database to DIR/udev.db, its log to
# DIR/udevd.log.
#
# /dev is a tmpfs that udev_mknodes fills: never devtmpfs, the host's one
# instance, whose nodes udevd would chmod and chown.  udevd itself runs in
# a mount namespace of its own with a new read-only sysfs, so no rule can
# write an attribute of the host's devices; the trigger runs out here,
# where /sys is still the host's writable one, since announcing a device
# is a write to its uevent file.
udev_host_run() {
	mount --make-rprivate / &&
	mount -t tmpfs -o mode=0755 udev-oracle /dev &&
	mount -t tmpfs -o mode=0755 udev-oracle /run || return 1
	# Nothing of the host's own udev configuration, if it has any.
	if [ -d /etc/udev ]; then
		mount -t tmpfs -o mode=0755 udev-oracle /etc/udev || return 1
	fi
	mount --bind "$1/lib-udev" /usr/lib/udev || return 1
	if [ "$(readlink -f /lib/udev)" != "$(readlink -f /usr/lib/udev)" ]; then
		mount --bind "$1/lib-udev" /lib/udev || return 1
	fi
	udev_mknodes /dev || return 1
	udev_daemon_start "$1/lib-udev" "$1/udevd.log" \
	    unshare -m sh -c 'mount -t sysfs -o ro udev-oracle /sys && exec "$0" "$@"' ||
	    return 1
	udev_rc=0
	udev_coldplug || udev_rc=$?
	udev_daemon_stop
	udev_retry_failed "$1/udevd.log" \
	    unshare -m sh -c 'mount -t sysfs -o ro udev-oracle /sys && exec "$0" "$@"'
	udev_record /dev >"$1/udev.links"
	udevadm info --export-db >"$1/udev.db" || true
	return $udev_rc
}

# udev_retry_failed LOG [WRAPPER...]: the devices udevd gave up on ("NAME:
# Failed to process device" in its LOG), run through "udevadm test", which
# applies the same rules and links.  The worker takes a lock on a disk's
# node before it runs any rule, and where nobody may open the node (this
# machine's /dev/vda: EPERM, on devtmpfs too) the whole event fails;
# udevadm test takes no lock, and only what needs the open (blkid) fails,
# as it does for hotplug2.  Prints what it retried.
udev_retry_failed() {
	udev_failed_log=$1
	shift
	sed -n 's/^\([^ :]*\): Failed to process device.*/\1/p' "$udev_failed_log" | sort -u |
	while read -r udev_name; do
		for udev_d in /sys/dev/char/* /sys/dev/block/*; do
			udev_p=$(cd -P "$udev_d" && pwd) || continue
			[ "${udev_p##*/}" = "$udev_name" ] || continue
			echo "udevd could not process $udev_name ($(grep "^$udev_name: Failed to process" "$udev_failed_log" | head -n 1 | sed 's/.*ignoring: //')); udevadm test applies its rules"
			LD_LIBRARY_PATH=$(udev_ld_path) "$@" "$UDEV_ORACLE/bin/udevadm" \
			    test --action=add "$udev_p" >>"$udev_failed_log.test" 2>&1 ||
			    echo "udevadm test $udev_p failed too"
		done
	done
}
