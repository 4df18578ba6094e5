#!/bin/sh
# Every program and subcommand takes --help (and -h): exit 0, its usage on standard output, nothing on standard error.
. "$SOURCE_DIR/tests/integration/lib.sh"

n=0
for cmd in "hotplug2" "hotplug2 daemon" "hotplug2 monitor" "hotplug2 check" \
    "hotplug2 test" "hotplug2 convert" "hotplug2-dnode" "hotplug2-coldplug" \
    "hotplug2-modwrap" "hotplug2-mkalias"; do
	prog=${cmd%% *}
	sub=${cmd#"$prog"}
	for flag in --help -h; do
		rc=0
		# shellcheck disable=SC2086
		"$BUILD_DIR/$prog" $sub $flag >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
		[ "$rc" = 0 ] || fail "$cmd $flag: exit $rc: $(cat "$SCRATCH/err")"
		# "hotplug2 [daemon]": the word is optional.
		grep -q "^usage: $(printf '%s' "$cmd" | sed 's/ daemon/ \\[daemon\\]/')" "$SCRATCH/out" ||
			fail "$cmd $flag: no usage on stdout: $(head -3 "$SCRATCH/out")"
		[ ! -s "$SCRATCH/err" ] || fail "$cmd $flag wrote to stderr: $(cat "$SCRATCH/err")"
		n=$((n + 1))
	done
done
# Every subcommand the usage text lists is covered above.
"$BUILD_DIR/hotplug2" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' |
while read -r sub; do
	case " daemon monitor check test convert " in
	*" $sub "*) ;;
	*) fail "hotplug2 $sub is not covered by this test" ;;
	esac
done
echo "ok: $n --help and -h"
