#!/bin/sh
# The modprobe runs of a coldplug: how many forks, and the wall time of
# `hotplug2 --coldplug --once`, when the modaliases of this machine
# resolve to modules that are not loaded.  Prints figures, asserts
# nothing.  As root, holding the kernel lock (it writes uevent files):
#
#	flock /tmp/hp2-kernel.lock sh tests/bench/coldplug-modprobe.sh \
#	    [HOTPLUG2 [OTHER_HOTPLUG2]] [ROUNDS]
#
# Each round runs every binary given once, interleaved, with the default
# scripts, Debian's modules.alias (HP2_ALIAS_FILE; the alias oracle's
# cache by default) and a fresh tmpfs --root, so no module counts as
# loaded; --modprobe is a script that logs its arguments and exits 0.
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
A=${1:-$SRC/build/hotplug2}
O=${2:-}
ROUNDS=${3:-5}
ALIAS=${HP2_ALIAS_FILE:-$(ls /var/cache/hotplug2/kmod-oracle/root/lib/modules/*/modules.alias 2>/dev/null | head -1)}
[ -r "$ALIAS" ] || { echo "no modules.alias (HP2_ALIAS_FILE)" >&2; exit 1; }
W=$(mktemp -d /tmp/hp2-coldplug-modprobe.XXXXXX)
mount -t tmpfs hp2bench "$W"
trap 'umount "$W"; rmdir "$W"' EXIT
cat >"$W/modprobe" <<EOS
#!/bin/sh
echo "\$*" >>"$W/asked"
EOS
chmod +x "$W/modprobe"

one() {	# HOTPLUG2 LABEL
	rm -rf "$W/root" && mkdir -p "$W/root/etc"
	printf 'root:x:0:0::/:/bin/sh\n' >"$W/root/etc/passwd"
	printf 'root:x:0:\n' >"$W/root/etc/group"
	: >"$W/asked"
	t0=$(date +%s%N)
	"$1" -f --coldplug --once --root "$W/root" -c "$SRC/lua/defaults" \
	    --alias-file "$ALIAS" --modprobe "$W/modprobe" 2>"$W/err" ||
		{ echo "$2: exited $?: $(tail -3 "$W/err")" >&2; return; }
	t1=$(date +%s%N)
	printf '%s\t%d runs\t%d names\t%d.%02d ms\n' "$2" \
	    "$(wc -l <"$W/asked")" "$(tr ' ' '\n' <"$W/asked" | grep -c '^[^-]')" \
	    $(( (t1 - t0) / 1000000 )) $(( (t1 - t0) / 10000 % 100 ))
}
i=0
while [ $i -lt "$ROUNDS" ]; do
	one "$A" "$A"
	[ -n "$O" ] && one "$O" "$O"
	i=$((i + 1))
done
