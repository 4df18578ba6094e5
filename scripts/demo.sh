#!/bin/sh
# The main job, safely: run the hotplug2 daemon on this machine's real kernel
# with the default scripts and a coldplug, every path under a scratch
# directory (--root), then print what it did: the nodes it made, the modules
# it asked for (through a recording modprobe) and its log.
# usage: scripts/demo.sh [seconds to keep running after coldplug, default 0]
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (netlink, /sys)" >&2; exit 1; }

ROOT=$(mktemp -d /tmp/hotplug2-demo.XXXXXX)
mkdir -p "$ROOT/etc"
cp /etc/passwd /etc/group "$ROOT/etc/"
cat >"$ROOT/modprobe" <<EOF2
#!/bin/sh
echo "modprobe \$*" >>"$ROOT/modprobe.log"
EOF2
chmod +x "$ROOT/modprobe"

echo "hotplug2: coldplug with lua/defaults, everything under $ROOT" >&2
if [ "${1:-0}" -gt 0 ]; then
	(sleep 0.5; echo change >/sys/class/mem/null/uevent) &
	timeout -s TERM "$1" build/hotplug2 -f -v -c lua/defaults \
	    --root "$ROOT" --modprobe "$ROOT/modprobe" --coldplug \
	    2>"$ROOT/log" || [ $? = 124 ]
else
	build/hotplug2 -f -v -c lua/defaults --root "$ROOT" \
	    --modprobe "$ROOT/modprobe" --coldplug --once 2>"$ROOT/log"
fi

echo
echo "== log ($ROOT/log)"
grep -v "netlink: 0 dropped" "$ROOT/log" || true
echo
echo "== nodes made under $ROOT/dev: $(find "$ROOT/dev" \( -type c -o -type b \) | wc -l) (devtmpfs has $(find /dev \( -type c -o -type b \) | wc -l))"
ls -l "$ROOT/dev" | head -20
echo "..."
echo
echo "== modules requested"
cat "$ROOT/modprobe.log" 2>/dev/null || echo "(none: no modules.alias on this machine, or every module loaded)"
