#!/bin/sh
# hotplug2-dnode as user-mode-linux's real kernel helper: every event of a
# hot-added and removed disk reaches the daemon's scripts once, in SEQNUM
# order, and dnode's netlink copy matches the kernel's (tests/e2e/uml-dnode.guest.sh).
. "$SOURCE_DIR/tests/integration/lib.sh"
e2e=$SOURCE_DIR/tests/e2e
sh "$e2e/uml-run.sh" -t 120 -c "$e2e/uml-hotplug-disk.host.sh" \
    "$e2e/uml-dnode.guest.sh" || exit $?
