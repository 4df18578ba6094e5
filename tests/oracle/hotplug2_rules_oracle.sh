#!/bin/sh
# The original hotplug2 (1.0-alpha, the last release) as the oracle for
# hotplug2_rules.  Not part of ctest: the original is not packaged, and
# nothing that fetches it lives in this tree.  Build it by hand outside
# the tree, then run, as root:
#
#   ORACLE=/tmp/oracle-hotplug2/hotplug2 BUILD_DIR=build SOURCE_DIR=. \
#       flock /tmp/hp2-kernel.lock sh tests/oracle/hotplug2_rules_oracle.sh
#
# under the kernel lock: the kernel sends its own uevents into every
# network namespace of the initial user namespace, so the original
# would act on any device event of the machine as well.
#
# (make STATIC_WORKER=single COPTS="-O1 -w -fcommon -fgnu89-inline
# -include sys/sysmacros.h" builds it with a current gcc and glibc.)
# Both read tests/migration/every.rules, with its commands pointed at a
# recorder, on the same events: the original from netlink, in a network
# namespace of its own (nothing else sees the events) with a tmpfs /dev;
# hotplug2 from a recording under a scratch --root.  The /dev trees and
# the recorded commands, each with its whole environment (less what the
# shell, PATH and HOME add), must be the same.
set -eu
: "${ORACLE:?set ORACLE to the original hotplug2 binary}"
S=$(mktemp -d)
trap '[ -n "${KEEP_SCRATCH:-}" ] && echo "kept $S" >&2 || rm -rf "$S"' EXIT
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
SOURCE_DIR=$(cd "$SOURCE_DIR" && pwd)
HOTPLUG2=$BUILD_DIR/hotplug2
NLSEND=$BUILD_DIR/tests/nlsend

cat >"$S/rec" <<EOS
#!/bin/sh
all=\$(env | grep -Ev '^(PWD|OLDPWD|SHLVL|_|PATH|HOME)=' | sort | tr '\n' ' ')
echo "\$* | \$all" >>"$S/cmds.log"
[ "\$1" != false ]
EOS
chmod 755 "$S/rec"
mkdir -p "$S/rules"
for f in every.rules every-included.rules; do
	sed "s|/bin/echo |$S/rec |; s|/bin/false|$S/rec false|; s|\"echo run |\"$S/rec run |" \
		"$SOURCE_DIR/tests/migration/$f" >"$S/rules/$f"
done

# The events: ACTION DEVPATH VAR=value...
cat >"$S/events.txt" <<'EOS'
add /devices/virtual/mem/null SUBSYSTEM=mem DEVNAME=null MAJOR=1 MINOR=3
add /devices/virtual/mem/zero SUBSYSTEM=mem DEVNAME=zero MAJOR=1 MINOR=5
add /devices/virtual/mem/kmsg SUBSYSTEM=mem DEVNAME=kmsg MAJOR=1 MINOR=11
add /devices/virtual/misc/fuse SUBSYSTEM=misc DEVNAME=fuse MAJOR=10 MINOR=229
add /devices/virtual/tty/tty3 SUBSYSTEM=tty DEVNAME=tty3 MAJOR=4 MINOR=3
add /devices/virtual/tty/tty12 SUBSYSTEM=tty DEVNAME=tty12 MAJOR=4 MINOR=12
add /devices/virtual/block/loop7 SUBSYSTEM=block DEVNAME=loop7 MAJOR=7 MINOR=7
add /devices/pci0000:00/0000:00:1f.3 SUBSYSTEM=pci MODALIAS=pci:v00008086d0000A348sv00001028
change /devices/virtual/tty/tty12 SUBSYSTEM=tty DEVNAME=tty12 MAJOR=4 MINOR=12
remove /devices/virtual/tty/tty3 SUBSYSTEM=tty DEVNAME=tty3 MAJOR=4 MINOR=3
remove /devices/virtual/mem/kmsg SUBSYSTEM=mem DEVNAME=kmsg MAJOR=1 MINOR=11
add /devices/virtual/tty/tty5 SUBSYSTEM=tty DEVNAME=tty5 MAJOR=4 MINOR=5
add /devices/virtual/vc/vcs1 SUBSYSTEM=vc DEVNAME=vcs1 MAJOR=7 MINOR=1
add /devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda SUBSYSTEM=block DEVNAME=sda MAJOR=8 MINOR=0 DEVTYPE=disk
add /devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1 SUBSYSTEM=block DEVNAME=sda1 MAJOR=8 MINOR=1 DEVTYPE=partition
add /devices/platform/i8042/serio0/input/input0/event0 SUBSYSTEM=input DEVNAME=input/event0 MAJOR=13 MINOR=64
add /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0 SUBSYSTEM=usb MODALIAS=usb:v046DpC52Bd1211dc00dsc00dp00ic03isc01ip01in00
remove /devices/virtual/misc/fuse SUBSYSTEM=misc DEVNAME=fuse MAJOR=10 MINOR=229
add /devices/virtual/mem/full SUBSYSTEM=mem DEVNAME=full MAJOR=1 MINOR=7
add /devices/platform/wl/firmware/wl SUBSYSTEM=firmware FIRMWARE=wl.bin
EOS
: >"$S/events"
seq=1
while read -r action devpath vars; do
	set -- "$action@$devpath" "ACTION=$action" "DEVPATH=$devpath" $vars "SEQNUM=$seq"
	for a; do printf '%s\0' "$a"; done >>"$S/events"
	echo "$*" >>"$S/events.args"
	seq=$((seq + 1))
done <"$S/events.txt"

tree() {
	(cd "$1" && find . -mindepth 1 | sort | while read -r f; do
		stat -c '%n %F %t:%T %a %U:%G' "$f"
		[ -L "$f" ] && echo "$f -> $(readlink "$f")" || true
	done)
}

# The original: its own network and mount namespace; it reads the rules
# file once, then the events one by one from netlink.
unshare -n -m bash -c "
	mount -t tmpfs -o mode=0755 none /dev
	cd '$S/rules'
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin '$ORACLE' --set-rules-file every.rules <'$S/events.txt' >'$S/oracle.out' 2>&1 &
	pid=\$!
	sleep 1
	while read -r line; do '$NLSEND' \$line; sleep 0.05; done <'$S/events.args'
	sleep 1
	kill \$pid || { echo 'the original hotplug2 died:' >&2; cat '$S/oracle.out' >&2; }
	cd /dev && find . -mindepth 1 | sort | while read -r f; do
		stat -c '%n %F %t:%T %a %U:%G' \"\$f\"
		[ -L \"\$f\" ] && echo \"\$f -> \$(readlink \"\$f\")\" || true
	done >'$S/oracle.tree'"
mv "$S/cmds.log" "$S/oracle.cmds" 2>/dev/null || : >"$S/oracle.cmds"

mkdir -p "$S/root/dev" "$S/root/etc" "$S/conf"
cp /etc/passwd /etc/group "$S/root/etc/"
echo "hotplug2_rules \"$S/rules/every.rules\"" >"$S/conf/50-rules.lua"
"$HOTPLUG2" -f --root "$S/root" -c "$S/conf" --replay "$S/events" 2>"$S/hp.err"
tree "$S/root/dev" >"$S/hp.tree"
mv "$S/cmds.log" "$S/hp.cmds" 2>/dev/null || : >"$S/hp.cmds"

status=0
for what in tree cmds; do
	sort "$S/oracle.$what" >"$S/oracle.$what.sorted"
	n=$(wc -l <"$S/oracle.$what")
	same=$(sort "$S/hp.$what" | comm -12 - "$S/oracle.$what.sorted" | wc -l)
	echo "$what: $n compared, $same matched"
	if ! diff "$S/oracle.$what" "$S/hp.$what"; then status=1; fi
done
exit $status
