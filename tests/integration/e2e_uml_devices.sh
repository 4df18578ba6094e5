#!/bin/sh
# hotplug2 as user-mode-linux's only device manager: its coldplug makes every
# node devtmpfs has, and it follows a disk's hot-add and removal
# (tests/e2e/uml-devices.guest.sh).
. "$SOURCE_DIR/tests/integration/lib.sh"
e2e=$SOURCE_DIR/tests/e2e
sh "$e2e/uml-run.sh" -t 120 -c "$e2e/uml-hotplug-disk.host.sh" \
    "$e2e/uml-devices.guest.sh" || exit $?
