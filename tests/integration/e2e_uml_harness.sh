#!/bin/sh
# The UML harness works end to end: user-mode-linux boots on the host's /,
# runs the kernel's hotplug helper and hotplug2 monitor side by side, and a
# disk hot-added and removed through uml_mconsole reaches both identically.
. "$SOURCE_DIR/tests/integration/lib.sh"
e2e=$SOURCE_DIR/tests/e2e

# uml-run.sh exits 77 (1 in CI) itself when user-mode-linux is missing.
sh "$e2e/uml-run.sh" -t 120 -c "$e2e/uml-hotplug-disk.host.sh" \
    "$e2e/proof-uml-hotplug.guest.sh" || exit $?
