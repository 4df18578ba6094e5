# Host-side helpers shared by uml-run.sh and qemu-run.sh (sourced, POSIX sh).

# Where scripts/e2e-deps.sh keeps the extracted kernels, outside /boot and
# /lib/modules so the host's own kernel files are never touched.
E2E_CACHE=${HOTPLUG2_E2E_CACHE:-/var/cache/hotplug2-e2e}

e2e_prog=${0##*/}

e2e_die() {
	echo "$e2e_prog: $*" >&2
	exit 1
}

# A missing prerequisite skips (exit 77) outside CI and fails inside it, so a
# CI run can never pass by skipping the end-to-end tests.
e2e_skip() {
	if [ "${CI:-}" = true ]; then
		echo "$e2e_prog: FAIL: prerequisite missing in CI: $*" >&2
		exit 1
	fi
	echo "$e2e_prog: SKIP: $*" >&2
	exit 77
}

e2e_need_cmd() {
	for c; do
		command -v "$c" >/dev/null 2>&1 ||
		    e2e_skip "$c not found; run scripts/e2e-deps.sh"
	done
}

# e2e_poll SECONDS COMMAND...: run COMMAND every 100 ms until it succeeds.
e2e_poll() {
	e2e_limit=$(( $1 * 10 )); shift
	e2e_i=0
	while [ "$e2e_i" -lt "$e2e_limit" ]; do
		"$@" && return 0
		sleep 0.1
		e2e_i=$((e2e_i + 1))
	done
	return 1
}

# e2e_arguments SCRIPT: $script, the guest script, and $choreo, the
# choreography (may be empty), checked readable; $choreo made absolute,
# since "." searches PATH for a name without a slash.
e2e_arguments() {
	script=$1
	[ -r "$script" ] || e2e_die "cannot read the guest script $script"
	[ -z "$choreo" ] || [ -r "$choreo" ] ||
	    e2e_die "cannot read the choreography $choreo"
	case $choreo in
	""|/*) ;;
	*) choreo=$PWD/$choreo ;;
	esac
}

# e2e_begin KIND: $scratch, a scratch directory removed at exit, when the
# guest's process ($e2e_pid, once the caller sets it) is killed too; $log,
# emptied (by default BUILD_DIR/e2e-logs/KIND-SCRIPT.log, after the guest
# script in $script).
e2e_begin() {
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/hp2-$1.XXXXXX") ||
	    e2e_die "unable to make a scratch directory"
	if [ -z "$log" ]; then
		e2e_name=${script##*/}
		log=${E2E_LOG_DIR:-${BUILD_DIR:-${TMPDIR:-/tmp}}/e2e-logs}/$1-${e2e_name%.sh}.log
	fi
	mkdir -p "$(dirname "$log")" || e2e_die "unable to make the log directory"
	: >"$log" || e2e_die "unable to write the log $log"
	e2e_pid=
	trap e2e_end EXIT
	trap 'exit 1' INT TERM HUP
}

e2e_end() {
	if [ -n "$e2e_pid" ] && kill -0 "$e2e_pid" 2>/dev/null; then
		kill "$e2e_pid" 2>/dev/null
		wait "$e2e_pid" 2>/dev/null
	fi
	rm -rf "$scratch"
}

# The milliseconds since the epoch, for the boot timings.
e2e_now_ms() {
	date +%s%3N
}

# e2e_guest_output LOG: the lines the guest script printed, between the
# E2E-BEGIN marker and the E2E-RESULT line, without the serial line's CR.
e2e_guest_output() {
	tr -d '\r' <"$1" | sed -n '/^E2E-BEGIN$/,/^E2E-RESULT /{
		/^E2E-BEGIN$/d
		/^E2E-RESULT /d
		p
	}'
}

# e2e_guest_rc LOG: the guest script's exit status, or nothing when the
# guest never got that far (it crashed, hung or was killed).
e2e_guest_rc() {
	tr -d '\r' <"$1" | sed -n 's/^E2E-RESULT rc=\([0-9]*\)$/\1/p' | tail -n 1
}

# e2e_guest_wait LOG PID VM NAME SECONDS: wait until the guest script prints
# "E2E-SIGNAL NAME" on its console LOG; fail when the VM (process PID) ends
# first or after SECONDS.  The choreography scripts call it as guest_wait.
e2e_guest_wait() {
	e2e_j=0
	e2e_limit=$(( $5 * 10 ))
	while ! tr -d '\r' <"$1" | grep -qx "E2E-SIGNAL $4"; do
		kill -0 "$2" 2>/dev/null || {
			echo "$e2e_prog: $3 ended before signalling $4" >&2
			return 1
		}
		[ "$e2e_j" -lt "$e2e_limit" ] || {
			echo "$e2e_prog: no signal $4 from the guest" >&2
			return 1
		}
		sleep 0.1
		e2e_j=$((e2e_j + 1))
	done
}

# e2e_verdict VM VMRC RC: when the choreography passed (status 0), judge the
# run from the VM's exit status VMRC and the guest script's RC; sets status
# and why for e2e_finish.
e2e_verdict() {
	[ "$status" = 0 ] || return 0
	if [ "$2" = 124 ] || [ "$2" = 137 ]; then
		status=1 why="timed out after $timeout s"
	elif [ -z "$3" ]; then
		status=1 why="the guest script never finished ($1 exit $2)"
	elif [ "$3" != 0 ]; then
		status=1 why="the guest script failed with $3"
	elif [ "$2" != 0 ]; then
		status=1 why="$1 exited with $2 after the guest script"
	fi
}

# e2e_finish LOG KEEP STATUS WHY: keep the whole log and show its tail when the
# run failed (or when asked to), remove it otherwise, and exit with STATUS.
e2e_finish() {
	if [ "$3" != 0 ] || [ "$2" = 1 ]; then
		if [ "$3" != 0 ]; then
			echo "$e2e_prog: FAIL: $4" >&2
			echo "$e2e_prog: last lines of the guest log $1:" >&2
			tr -d '\r' <"$1" | tail -n 40 | sed 's/^/  | /' >&2
		fi
		echo "$e2e_prog: guest log kept: $1" >&2
	else
		rm -f "$1"
	fi
	exit "$3"
}
