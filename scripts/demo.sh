#!/bin/sh
# The main job, safely: watch this machine's real kernel events with hotplug2 monitor.
# It pokes /sys/class/mem/null/uevent once so there is something to see.
# usage: scripts/demo.sh [seconds, default: until Ctrl-C]
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh

echo "hotplug2 monitor: watching kernel uevents (Ctrl-C to stop)" >&2
(sleep 0.5; echo change >/sys/class/mem/null/uevent) &
if [ $# -ge 1 ]; then
	timeout -s INT "$1" build/hotplug2 monitor -v || [ $? = 124 ]
else
	exec build/hotplug2 monitor -v
fi
