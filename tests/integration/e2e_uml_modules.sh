#!/bin/sh
# The default scripts load a real module and its dependencies from MODALIAS
# inside user-mode-linux (tests/e2e/uml-modules.guest.sh).
. "$SOURCE_DIR/tests/integration/lib.sh"
sh "$SOURCE_DIR/tests/e2e/uml-run.sh" -t 120 \
    "$SOURCE_DIR/tests/e2e/uml-modules.guest.sh" || exit $?
