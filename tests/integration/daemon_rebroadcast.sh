#!/bin/sh
# --rebroadcast GROUP: a listener on GROUP receives each handled event once, in order, byte for
# byte what the kernel sent (the default scripts' properties stay out of it); without the flag
# nothing reaches GROUP; bad groups are refused with a reason and exit 100.
. "$(dirname "$0")/lib.sh"
need_root
need_uevent_netlink
RECORD=$BUILD_DIR/nl-record
BURST=$BUILD_DIR/uevent-burst
GROUP=3
N=${BURST_EVENTS:-2000}
SENTINEL=/devices/virtual/mem/full
ROOT=$SCRATCH/root
mkdir -p "$ROOT/etc"
cp /etc/passwd /etc/group "$ROOT/etc/"

pids=""
stop_all() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	pids=""
}
cleanup_hooks="stop_all"

# Part 1: bad values, before anything is opened.
for bad in 0 1 2 33 abc -3 0x4 ""; do
	rc=0
	"$HOTPLUG2" -f -c "$SOURCE_DIR/lua/defaults" --root "$ROOT" --rebroadcast "$bad" \
	    2>"$SCRATCH/bad.err" || rc=$?
	[ "$rc" = 100 ] || fail "--rebroadcast '$bad': exit $rc, expected 100"
	grep -q -- "--rebroadcast $bad: " "$SCRATCH/bad.err" ||
		fail "--rebroadcast '$bad': no reason given: $(cat "$SCRATCH/bad.err")"
done
echo "refused with a reason: 0 1 2 33 abc -3 0x4 and the empty string"

# run NAME [OPTION...]: the daemon with the default scripts under ROOT and OPTIONs, a recorder
# on the kernel's group and one on GROUP, N events and the sentinel, whose node in ROOT says
# the daemon handled the burst.  Leaves NAME.kernel, NAME.group and FIRST LAST in NAME.seq.
run() {
	name=$1
	shift
	rm -rf "$ROOT/dev" "$ROOT/run" "$SCRATCH/ready"
	"$HOTPLUG2" -f -v -c "$SOURCE_DIR/lua/defaults" --root "$ROOT" --modprobe /bin/true \
	    "$@" --ready-fd 3 3>"$SCRATCH/ready" 2>"$SCRATCH/$name.err" &
	hp=$!
	pids="$hp"
	wait_for 20 test -s "$SCRATCH/ready" || fail "$name: hotplug2 not ready: $(cat "$SCRATCH/$name.err")"
	"$RECORD" 1 "$SCRATCH/$name.kernel" "$SCRATCH/$name.kready" >"$SCRATCH/$name.kres" &
	k=$!
	"$RECORD" $GROUP "$SCRATCH/$name.group" "$SCRATCH/$name.gready" >"$SCRATCH/$name.gres" &
	g=$!
	pids="$k $g $hp"
	wait_for 10 test -e "$SCRATCH/$name.kready" || fail "$name: no kernel recorder"
	wait_for 10 test -e "$SCRATCH/$name.gready" || fail "$name: no group $GROUP recorder"
	out=$(timeout 120 "$BURST" -a add -n "$N" -l "/sys$SENTINEL/uevent" -w "$ROOT/dev/full") ||
		fail "$name: the sentinel's node never appeared"
	set -- $out
	echo "$1 $2" >"$SCRATCH/$name.seq"
	# The daemon handled the sentinel; its copy, if any, is in the recorder's socket.
	sleep 0.5
	kill -TERM "$k" "$g"
	wait "$k" || fail "$name: the kernel recorder failed"
	wait "$g" || fail "$name: the group recorder failed"
	kill -TERM "$hp"
	wait "$hp" || true
	pids=""
}

# compare KERNEL GROUP FIRST LAST: the burst's messages (SEQNUM FIRST+1 to LAST) on both
# recordings, byte for byte, each once and in order; nothing on GROUP but the kernel's messages.
compare() {
	python3 - "$@" <<'EOF'
import re, sys
kernel, group, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

# A recording holds the messages back to back, each "ACTION@DEVPATH\0KEY=VALUE\0...".
def messages(path):
    msgs = []
    for f in open(path, "rb").read().split(b"\0")[:-1]:
        if re.match(rb"[a-z]+@/", f):
            msgs.append([f])
        else:
            msgs[-1].append(f)
    out = []
    for fields in msgs:
        seq = [f for f in fields if f.startswith(b"SEQNUM=")]
        out.append((int(seq[0][7:]) if seq else -1, b"\0".join(fields) + b"\0"))
    return out

k, g = messages(kernel), messages(group)
kb = [m for m in k if first < m[0] <= last]
gb = [m for m in g if first < m[0] <= last]
seqs = [s for s, _ in g]
dups = len(seqs) - len(set(seqs))
order = sum(1 for a, b in zip(seqs, seqs[1:]) if b <= a)
kset = {m for _, m in k}
foreign = sum(1 for _, m in g if m not in kset)
same = sum(1 for a, b in zip(kb, gb) if a == b)
print("group: %d messages, %d of the burst's %d; kernel: %d of the burst; %d byte-identical, "
      "%d duplicated, %d out of order, %d not as the kernel sent them"
      % (len(g), len(gb), last - first, len(kb), same, dups, order, foreign))
ok = (len(kb) == last - first and kb == gb and dups == 0 and order == 0 and foreign == 0)
sys.exit(0 if ok else 1)
EOF
}

# Part 2: on.
run on --rebroadcast $GROUP
set -- $(cat "$SCRATCH/on.seq")
compare "$SCRATCH/on.kernel" "$SCRATCH/on.group" "$1" "$2" || fail "the rebroadcast differs"
grep -q "rebroadcast to netlink group $GROUP: [0-9]* sent, 0 failed" "$SCRATCH/on.err" ||
	fail "no rebroadcast totals: $(tail -3 "$SCRATCH/on.err")"
# The default scripts set properties of their own (DEVMODE, USEC_INITIALIZED...): udev's
# database has them, the copy does not.
ls "$ROOT/run/udev/data/c1:7" >/dev/null || fail "no database entry for /dev/full"

# Part 3: off by default.
run off
set -- $(cat "$SCRATCH/off.gres")
[ "$1" = 0 ] || fail "without --rebroadcast, group $GROUP received $1 messages"
grep -q "rebroadcast" "$SCRATCH/off.err" && fail "a rebroadcast without the flag: $(grep rebroadcast "$SCRATCH/off.err")"
echo "without --rebroadcast: nothing on group $GROUP ($(wc -c <"$SCRATCH/off.kernel") bytes from the kernel meanwhile)"
# Part 4: without CAP_NET_ADMIN the sends fail: said once, counted, the events still handled.
if command -v setpriv >/dev/null; then
	mkdir -p "$SCRATCH/empty"
	chmod 755 "$SCRATCH"
	chmod 644 "$SCRATCH/on.kernel"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$HOTPLUG2" -f -v -c "$SCRATCH/empty" \
	    --root "$SCRATCH/empty" --no-udev --replay "$SCRATCH/on.kernel" --rebroadcast $GROUP \
	    2>"$SCRATCH/noperm.err" || fail "unprivileged replay failed: $(cat "$SCRATCH/noperm.err")"
	[ "$(grep -c "unable to rebroadcast" "$SCRATCH/noperm.err")" = 1 ] ||
		fail "not one warning: $(grep rebroadcast "$SCRATCH/noperm.err")"
	n=$(sed -n 's/.* \([0-9]*\) events handled.*/\1/p' "$SCRATCH/noperm.err")
	grep -q "rebroadcast to netlink group $GROUP: 0 sent, $n failed" "$SCRATCH/noperm.err" ||
		fail "no failure count: $(grep rebroadcast "$SCRATCH/noperm.err")"
	echo "without CAP_NET_ADMIN: one warning, $n events handled, $n sends failed"
fi
echo "PASS: --rebroadcast re-sends each handled event as the kernel sent it, once, in order; off by default"
