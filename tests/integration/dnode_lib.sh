# Helpers for the hotplug2-dnode tests (sourced after lib.sh).
DNODE="$BUILD_DIR/hotplug2-dnode"

# The kernel's own noise on 2.4: dnode must leave it out.
KERNEL_ENV="HOME=/ PATH=/sbin:/bin:/usr/sbin:/usr/bin"

# start_monitor: hotplug2 monitor --raw into $SCRATCH/out, once it listens.
start_monitor() {
	"$HOTPLUG2" monitor --raw -v >"$SCRATCH/out" 2>"$SCRATCH/monitor.err" &
	mon=$!
	cleanup_hooks="stop_monitor $cleanup_hooks"
	wait_for 5 grep -q "receive buffer" "$SCRATCH/monitor.err" ||
		fail "monitor did not start: $(cat "$SCRATCH/monitor.err")"
}

stop_monitor() {
	kill "$mon" 2>/dev/null || true
	wait "$mon" 2>/dev/null || true
}

# events: the monitor's recording as lines, one variable a line.
events() {
	tr '\0' '\n' <"$SCRATCH/out"
}

# record TAG: the lines of the one event that carries DNODE_TEST=TAG.
record() {
	events | awk -v tag="DNODE_TEST=$1" '
		/^[A-Za-z0-9_-]+@/ { if (found) exit; buf = $0 "\n"; next }
		{ buf = buf $0 "\n" }
		$0 == tag { found = 1 }
		END { if (found) printf "%s", buf }'
}

# expect TAG LINE: the event tagged TAG has exactly this line.
expect() {
	record "$1" | grep -qxF -- "$2" || {
		record "$1" >&2
		fail "event $1 lacks the line $2"
	}
}

# absent TAG PATTERN: no line of the event tagged TAG matches PATTERN.
absent() {
	if record "$1" | grep -q -- "$2"; then
		record "$1" >&2
		fail "event $1 has a line matching $2"
	fi
}

# tagged TAG KEY: KEY's value in each event tagged TAG, one a line, in arrival order.
tagged() {
	events | awk -v tag="DNODE_TEST=$1" -v key="$2=" '
		function flush() { if (found && val != "") print val }
		/^[A-Za-z0-9_-]+@/ { flush(); found = 0; val = ""; next }
		$0 == tag { found = 1 }
		index($0, key) == 1 { val = substr($0, length(key) + 1) }
		END { flush() }'
}
