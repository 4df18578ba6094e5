# Shared helpers for the integration tests (sourced by each test script).
set -eu

: "${BUILD_DIR:?BUILD_DIR must point at the build tree}"
: "${SOURCE_DIR:?SOURCE_DIR must point at the source tree}"
HOTPLUG2="$BUILD_DIR/hotplug2"

# A scratch directory, removed on exit unless KEEP_SCRATCH is set.
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/hotplug2-test.XXXXXX")
cleanup_hooks=""
on_exit() {
	for h in $cleanup_hooks; do $h || true; done
	[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"
}
trap on_exit EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Skip with a reason, except in CI, where a missing prerequisite is a failure.
skip() {
	if [ "${CI:-}" = true ]; then
		fail "cannot run in CI: $*"
	fi
	echo "SKIP: $*" >&2
	exit 77
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

need_uevent_netlink() {
	[ -w /sys/class/mem/null/uevent ] ||
		skip "no writable /sys/class/mem/null/uevent"
}

# wait_for SECONDS COMMAND...: poll every 50 ms until COMMAND succeeds.
wait_for() {
	limit=$(( $1 * 20 )); shift
	i=0
	while [ $i -lt $limit ]; do
		if "$@"; then return 0; fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# The netlink port id of a process's uevent socket, from /proc/net/netlink.
netlink_port_of() {
	pid=$1
	for fd in /proc/"$pid"/fd/*; do
		link=$(readlink "$fd" 2>/dev/null) || continue
		case $link in socket:*) ;; *) continue ;; esac
		inode=${link#socket:[}; inode=${inode%]}
		# Columns: sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
		awk -v ino="$inode" '$2 == 15 && $10 == ino { print $3 }' \
		    /proc/net/netlink
	done | head -n 1
}
