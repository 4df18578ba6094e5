#!/bin/sh
# 200 hotplug2-dnode processes started at once lose no event, and their SEQNUMs are unique and gap-free.
. "$SOURCE_DIR/tests/integration/dnode_netns.sh"
. "$SOURCE_DIR/tests/integration/lib.sh"
. "$SOURCE_DIR/tests/integration/dnode_lib.sh"
need_root
N=200

export HOTPLUG2_SEQNUM_FILE="$SCRATCH/seqnum"
start_monitor

# Every helper waits on a FIFO, so that all of them start together when the
# test writes to it, as a 2.4 kernel starts helpers for a burst of events.
# The test holds the FIFO open read-write (fd 3) from before the first
# helper until after the last: a helper's open never blocks, and one that
# opens it late still finds its line. (With a FIFO that only a short-lived
# writer opened, a helper that opened after the writer closed waited for
# ever.)
mkfifo "$SCRATCH/go"
exec 3<>"$SCRATCH/go"
i=0
pids=
while [ $i -lt $N ]; do
	(
		exec 3>&-
		read -r _ <"$SCRATCH/go" || true
		env -i $KERNEL_ENV HOTPLUG2_SEQNUM_FILE="$HOTPLUG2_SEQNUM_FILE" \
		    ACTION=add PCI_CLASS=20000 PCI_ID=8086:1229 \
		    PCI_SUBSYS_ID=8086:000C PCI_SLOT_NAME="00:0c.$i" \
		    DNODE_TEST=concurrent DNODE_N=$i "$DNODE" pci ||
			echo "$i exited $?" >>"$SCRATCH/failed"
	) &
	pids="$pids $!"
	i=$((i + 1))
done
# One line per helper, all at once (200 bytes fit the FIFO's buffer).
awk -v n=$N 'BEGIN { for (i = 0; i < n; i++) print "go" }' >&3
for p in $pids; do
	wait "$p" || true
done
exec 3>&-
[ ! -s "$SCRATCH/failed" ] || { cat "$SCRATCH/failed" >&2; fail "helpers failed"; }

count() { tagged concurrent SEQNUM | wc -l; }
wait_for 5 sh -c "[ \$(tr '\0' '\n' <'$SCRATCH/out' | grep -c '^DNODE_TEST=concurrent\$') -ge $N ]" ||
	fail "only $(count) of $N events arrived"
stop_monitor

# Every helper's event arrived once.
tagged concurrent DNODE_N | sort -n >"$SCRATCH/ns"
seq 0 $((N - 1)) | cmp -s - "$SCRATCH/ns" ||
	fail "lost or duplicated events: $(uniq -d "$SCRATCH/ns" | head)"
# Their SEQNUMs are exactly 1..N: unique, and no gap.
tagged concurrent SEQNUM | sort -n >"$SCRATCH/seqs"
seq 1 $N | cmp -s - "$SCRATCH/seqs" || {
	echo "duplicates: $(uniq -d "$SCRATCH/seqs" | head)" >&2
	fail "SEQNUMs are not 1..$N"
}
[ "$(cat "$HOTPLUG2_SEQNUM_FILE")" = $N ] || fail "the counter is not at $N"
# How far from SEQNUM order they arrived: the daemon reorders within a window.
inversions=$(tagged concurrent SEQNUM | awk '
	{ if ($1 < max) n++; else max = $1 } END { print n + 0 }')
echo "ok: $N concurrent helpers, $N events, SEQNUMs 1..$N; $inversions arrived after a higher SEQNUM"
