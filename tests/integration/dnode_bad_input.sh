#!/bin/sh
# hotplug2-dnode refuses bad input with a non-zero exit and a message on stderr and in syslog.
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/dnode_lib.sh"
need_root
command -v busybox >/dev/null || skip "busybox (for syslogd) is missing"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace"

# In a private mount namespace with its own /dev (and a network namespace,
# so that an event sent by mistake reaches no one), busybox syslogd owns
# /dev/log, so the messages dnode sends to syslog can be read back.
cat >"$SCRATCH/run.sh" <<'INNER'
set -u
mount -t tmpfs tmpfs /dev
mknod -m 666 /dev/null c 1 3
busybox syslogd -n -O "$SCRATCH/syslog" &
syslogd=$!
i=0
while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

# case NAME EXPECTED-STATUS MESSAGE-PATTERN COMMAND...
case_() {
	name=$1 want=$2 pattern=$3; shift 3
	"$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err"
	echo "$name $? $want $pattern" >>"$SCRATCH/results"
}
seqfile=HOTPLUG2_SEQNUM_FILE=$SCRATCH/seqnum
case_ no-action 1 "pci event without ACTION" \
    env -i $seqfile PCI_ID=8086:1229 "$DNODE" pci
case_ no-argument 100 "no SUBSYSTEM argument" \
    env -i $seqfile ACTION=add "$DNODE"
case_ bad-subsystem 1 "bad SUBSYSTEM argument" \
    env -i $seqfile ACTION=add "$DNODE" "../pci"
case_ bad-action 1 "bad ACTION" \
    env -i $seqfile "ACTION=add now" "$DNODE" pci
case_ relative-devpath 1 "does not start with '/'" \
    env -i $seqfile ACTION=add DEVPATH=devices/x "$DNODE" pci
case_ bad-seqnum 1 "bad SEQNUM" \
    env -i $seqfile ACTION=add SEQNUM=12x "$DNODE" pci
big=$(printf '%3000s' '' | tr ' ' x)
case_ oversized 1 "environment is too large" \
    env -i $seqfile ACTION=add A=$big B=$big C=$big "$DNODE" pci
case_ unknown-option 100 "unknown option" \
    env -i $seqfile ACTION=add "$DNODE" --frobnicate pci
# Options after the operands are options too, never the ACTION.
case_ option-after-operand 100 "unknown option --frobnicate" \
    env -i $seqfile "$DNODE" pci --frobnicate
case_ too-many 100 "too many arguments" \
    env -i $seqfile "$DNODE" pci add extra
sleep 0.3
kill $syslogd
wait $syslogd 2>/dev/null
exit 0
INNER
SCRATCH=$SCRATCH DNODE=$DNODE unshare -m -n --propagation private \
    sh "$SCRATCH/run.sh" || fail "the namespace run failed"

n=0
while read -r name status want pattern; do
	[ "$status" = "$want" ] ||
		fail "$name: exit status $status, want $want"
	grep -q "hotplug2-dnode: .*$pattern" "$SCRATCH/$name.err" ||
		{ cat "$SCRATCH/$name.err" >&2; fail "$name: no message on stderr"; }
	grep -q "hotplug2-dnode.*$pattern" "$SCRATCH/syslog" ||
		{ cat "$SCRATCH/syslog" >&2; fail "$name: no message in syslog"; }
	n=$((n + 1))
done <"$SCRATCH/results"
[ $n = 10 ] || fail "ran $n cases, not 10"
[ ! -e "$SCRATCH/seqnum" ] || fail "a refused event took a SEQNUM"

# "hotplug2-dnode pci -n" is a dry run, wherever -n is, and "--" ends the
# options.  In a network namespace of its own: a wrong send reaches no one.
for args in "pci -n" "-n pci" "pci add -n" "-v pci -n" "-n -- pci"; do
	rm -f "$SCRATCH/seqnum.dry"
	rc=0
	# shellcheck disable=SC2086
	env -i HOTPLUG2_SEQNUM_FILE="$SCRATCH/seqnum.dry" ACTION=add PCI_ID=8086:1229 \
	    unshare -n "$DNODE" $args >"$SCRATCH/dry.out" 2>"$SCRATCH/dry.err" || rc=$?
	[ "$rc" = 0 ] || fail "dnode $args: exit $rc: $(cat "$SCRATCH/dry.err")"
	head -c 4 "$SCRATCH/dry.out" | grep -qx "add@" ||
		fail "dnode $args: no event printed: $(cat "$SCRATCH/dry.out" "$SCRATCH/dry.err")"
	[ ! -e "$SCRATCH/seqnum.dry" ] || fail "dnode $args sent the event"
done
rc=0
env -i ACTION=add unshare -n "$DNODE" -n -- pci -n >"$SCRATCH/dry.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "dnode -n -- pci -n: exit $rc: $(cat "$SCRATCH/dry.out")"
echo "ok: $n kinds of bad input refused, on stderr and in syslog; options anywhere"
