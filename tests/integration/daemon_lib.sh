# Helpers for the daemon's integration tests (sourced after lib.sh).
TESTD="$BUILD_DIR/hotplug2-testd"
COLDPLUG="$BUILD_DIR/hotplug2-coldplug"
BURST="$BUILD_DIR/uevent-burst"
DAEMON_PID=""

stop_daemon() {
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	DAEMON_PID=""
}
cleanup_hooks="$cleanup_hooks stop_daemon"

# start_daemon ARGS...: the test daemon in the foreground of a background
# job, stderr in $SCRATCH/daemon.err; returns once it is ready.
start_daemon() {
	rm -f "$SCRATCH/ready"
	"$TESTD" -f -v -v "$@" --ready-fd 3 3>"$SCRATCH/ready" \
	    2>>"$SCRATCH/daemon.err" &
	DAEMON_PID=$!
	wait_for 20 test -s "$SCRATCH/ready" ||
		fail "daemon not ready: $(cat "$SCRATCH/daemon.err")"
}

# lines FILE: its number of lines (0 when missing).
lines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# log_has PATTERN: the daemon's stderr has a line matching PATTERN.
log_has() {
	grep -q -- "$1" "$SCRATCH/daemon.err"
}

# Write ACTION to the uevent file of a device (one real kernel event).
kick() {
	printf '%s' "$2" >"$1/uevent"
}
