#!/bin/sh
# Every shell script in scripts/init parses (sh -n, and busybox sh -n for
# those busybox runs), and the procd script follows procd's documented
# conventions: procd cannot run here, so this is all it gets.
. "$SOURCE_DIR/tests/integration/lib.sh"
init=$SOURCE_DIR/scripts/init
n=0
for f in "$init"/procd/hotplug2 "$init"/openrc/hotplug2 \
    "$init"/sysvinit/hotplug2 "$init"/s6/hotplug2/run \
    "$init"/runit/hotplug2/run "$init"/runit/hotplug2/check; do
	sh -n "$f" || fail "$f does not parse"
	[ -x "$f" ] || fail "$f is not executable"
	n=$((n + 1))
done
if command -v busybox >/dev/null; then
	busybox sh -n "$init/procd/hotplug2" || fail "busybox sh: procd/hotplug2 does not parse"
fi

# procd: an rc.common script with USE_PROCD=1, START and STOP, a
# start_service that opens and closes one instance whose command stays in
# the foreground (procd supervises it) and is respawned.
p=$init/procd/hotplug2
[ "$(head -n 1 "$p")" = "#!/bin/sh /etc/rc.common" ] || fail "procd: not an rc.common script"
for want in '^USE_PROCD=1$' '^START=[0-9][0-9]*$' '^STOP=[0-9][0-9]*$' \
    '^start_service() {$' '^	procd_open_instance$' '^	procd_close_instance$' \
    '^	procd_set_param command "\$PROG" --foreground' '^	procd_set_param respawn$' \
    '^reload_service() {$' "procd_send_signal hotplug2 '\\*' HUP"; do
	grep -q "$want" "$p" || fail "procd: no line matching $want"
done
# The functions rc.common provides, stubbed: start_service must call them
# in order, once each, with what procd documents.
calls=$(sh -c '
	procd_open_instance() { echo open; }
	procd_set_param() { echo "set $*"; }
	procd_close_instance() { echo close; }
	procd_send_signal() { echo "signal $*"; }
	. "$1"; start_service; reload_service' sh "$p") || fail "procd: start_service failed"
[ "$(echo "$calls" | head -n 1)" = open ] || fail "procd: no instance opened first: $calls"
[ "$(echo "$calls" | tail -n 1)" = "signal hotplug2 * HUP" ] || fail "procd: reload: $calls"
echo "$calls" | grep -qx "set command /usr/sbin/hotplug2 --foreground --coldplug" ||
	fail "procd: the command is not /usr/sbin/hotplug2 --foreground --coldplug: $calls"
echo "procd: $(echo "$calls" | tr '\n' ';')"

# inittab: one ::sysinit: line of busybox init's id:runlevels:action:process form.
line=$(grep -v '^#' "$init/busybox/inittab")
case $line in ::sysinit:/*) ;; *) fail "inittab: not a ::sysinit: line: $line" ;; esac
sh -n -c "${line#::sysinit:}" || fail "inittab: the command does not parse"
echo "scripts: $n parse; inittab: $line"
