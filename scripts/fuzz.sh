#!/bin/sh
# Build the libFuzzer targets of tests/fuzz in build-fuzz/ (clang, ASan+UBSan) and run each for SECONDS.
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default 60 s each, every target)
# Exit status: 0 when no target found anything, 1 when one crashed, leaked or timed out.
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
[ $# -gt 0 ] && shift
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-2}

CC=clang cmake -S . -B "$BUILD" -DHOTPLUG2_FUZZ=ON -DHOTPLUG2_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if [ $# -gt 0 ]; then
	TARGETS=$(for t in "$@"; do echo "fuzz_$t"; done)
else
	TARGETS=$(cat "$BUILD/fuzz-targets.txt")
fi
for t in $TARGETS; do
	cmake --build "$BUILD" -j"$JOBS" --target "$t" >/dev/null
done

# Seeds come from the tree (tests/fuzz/corpus/NAME, read only); what the
# fuzzer adds goes to a scratch corpus, so runs never dirty the tree.
status=0
for t in $TARGETS; do
	name=${t#fuzz_}
	work="$BUILD/corpus/$name"
	mkdir -p "$work" "$BUILD/artifacts/$name"
	seeds=tests/fuzz/corpus/$name
	[ -d "$seeds" ] || seeds=
	log="$BUILD/$t.log"
	# -close_fd_mask=2: the targets' warnings (malformed lines) would
	# cost more than the runs; the sanitizers and libFuzzer still report.
	if "$BUILD/tests/fuzz/$t" -max_total_time="$SECONDS_EACH" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -close_fd_mask=2 \
	    -artifact_prefix="$BUILD/artifacts/$name/" \
	    "$work" $seeds >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "$t: ${execs:-?} executions in ${SECONDS_EACH} s, nothing found"
	else
		echo "$t: FOUND A BUG (log $log, input in $BUILD/artifacts/$name/;"
		echo "  run $BUILD/tests/fuzz/$t on it for the target's own messages):"
		grep -E "ERROR|runtime error|SUMMARY|query|abort|Test unit written" \
		    "$log" | head -12
		status=1
	fi
done
exit $status
