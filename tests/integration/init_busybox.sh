#!/bin/sh
# The inittab line of scripts/init/busybox, run as busybox init runs a
# ::sysinit: command (busybox sh -c): it returns only once the coldplug is
# done, and leaves the daemon running.
. "$SOURCE_DIR/tests/integration/lib.sh"
command -v busybox >/dev/null || skip "no busybox (apt-get install busybox-static)"
. "$SOURCE_DIR/tests/integration/init_lib.sh"
in_namespace

service_copy "$SOURCE_DIR/scripts/init/busybox" "$SCRATCH/busybox"
kill_daemon() { for p in $(daemon_pids); do kill "$p"; done; }
cleanup_hooks="$cleanup_hooks kill_daemon"
line=$(grep -v '^#' "$SCRATCH/busybox/inittab")
cmd=${line#::sysinit:}
[ "$cmd" != "$line" ] || fail "not a ::sysinit: line: $line"
busybox sh -c "$cmd" || fail "the ::sysinit: command failed"
[ -e "$SCRATCH/slow-done" ] || fail "the ::sysinit: command returned before the coldplug was done"
[ -n "$(daemon_pids)" ] || fail "no daemon left running"
echo "::sysinit: returned after the coldplug; daemon $(daemon_pids) runs"
