#!/bin/sh
# hotplug2-modwrap against a fake modprobe that records its calls: the right modules, once each, no shell, exit codes.
. "$SOURCE_DIR/tests/integration/lib.sh"

MODWRAP=$BUILD_DIR/hotplug2-modwrap
CALLS=$SCRATCH/calls
FAKE=$SCRATCH/modprobe
ROOT=$SCRATCH/root
ALIASES=$ROOT/lib/modules/2.4.37/modules.alias
unset MODPROBE_COMMAND

# The fake modprobe writes one line per call: its arguments joined by '|'.
# It fails with status 3 for module "failthree" and 5 for "failfive".
cat >"$FAKE" <<'EOF'
#!/bin/sh
line=""
for a; do line="$line|$a"; done
printf '%s\n' "${line#|}" >>"$CALLS"
for a; do
	case $a in
	failthree) exit 3 ;;
	failfive) exit 5 ;;
	esac
done
exit 0
EOF
chmod +x "$FAKE"
export CALLS

mkdir -p "$(dirname "$ALIASES")"
cat >"$ALIASES" <<'EOF'
# Real lines from Debian's 6.1 kernel, then test modules.
alias usb:v*p*d*dc*dsc*dp*ic08isc06ip50in* uas
alias usb:v*p*d*dc*dsc*dp*ic08isc06ip50in* usb_storage
alias usb:v13FDp3940d0[0-2]*dc*dsc*dp*ic*isc*ip*in* uas
alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e
alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e
alias test:bad failthree
alias test:bad okay
alias test:bad failfive
alias this line is malformed
EOF

# run EXPECTED_STATUS ARGS...: run modwrap, check its status, leave its output in $SCRATCH/out.
run() {
	want=$1; shift
	: >"$CALLS"
	set +e
	"$MODWRAP" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
	got=$?
	set -e
	[ "$got" -eq "$want" ] ||
	    fail "modwrap $*: status $got, want $want; stderr: $(cat "$SCRATCH/err")"
}

expect_calls() {
	printf '%s\n' "$@" >"$SCRATCH/want"
	[ $# -gt 0 ] || : >"$SCRATCH/want"
	diff -u "$SCRATCH/want" "$CALLS" >&2 || fail "modprobe calls differ"
}

# One modprobe per matched module, in file order, options passed through.
run 0 --modprobe "$FAKE" -a "$ALIASES" -q -b \
    usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00
expect_calls "-q|-b|uas" "-q|-b|usb_storage"

# A module matched by two lines is loaded once.
run 0 --modprobe "$FAKE" -a "$ALIASES" \
    pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00
expect_calls "e1000e"

# Nothing matches: modprobe gets the argument unchanged, parameters too.
run 0 --modprobe "$FAKE" -a "$ALIASES" -v e1000 debug=1
expect_calls "-v|e1000|debug=1"

# Every module is tried; the status is the first failure's.
run 3 --modprobe "$FAKE" -a "$ALIASES" test:bad
expect_calls "failthree" "okay" "failfive"

# MODPROBE_COMMAND names the modprobe; --modprobe wins over it.
export MODPROBE_COMMAND="$FAKE"
run 0 -a "$ALIASES" e1000
expect_calls "e1000"
export MODPROBE_COMMAND=/nonexistent
run 0 --modprobe="$FAKE" --alias-file="$ALIASES" e1000
expect_calls "e1000"
unset MODPROBE_COMMAND

# modprobe's -d and -S, with their values, choose the default alias file.
run 0 --modprobe "$FAKE" -d "$ROOT" -S 2.4.37 -C /dev/null \
    usb:v13FDp3940d0100dc00dsc00dp00ic08isc06ip00in00
expect_calls "-d|$ROOT|-S|2.4.37|-C|/dev/null|uas"
run 0 --modprobe "$FAKE" --dirname="$ROOT" --set-version=2.4.37 \
    usb:v13FDp3940d0100dc00dsc00dp00ic08isc06ip00in00
expect_calls "--dirname=$ROOT|--set-version=2.4.37|uas"

# Arguments reach modprobe as they are: no shell in between.
run 0 --modprobe "$FAKE" -a "$ALIASES" -- '$(touch pwned); x=`y` *'
expect_calls '$(touch pwned); x=`y` *'
[ ! -e pwned ] && [ ! -e "$SCRATCH/pwned" ] || fail "a shell ran the argument"

# No alias file: a plain module name still loads, with a warning.
run 0 --modprobe "$FAKE" -a "$SCRATCH/none" e1000
expect_calls "e1000"
grep -q "unable to load" "$SCRATCH/err" || fail "no warning about the alias file"

# A modprobe that cannot run.
run 111 --modprobe "$SCRATCH/none" -a "$ALIASES" e1000

# --resolve prints modules, one per line, and runs nothing.
run 0 --modprobe "$FAKE" -a "$ALIASES" -R \
    usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00
expect_calls
printf 'uas\nusb_storage\n' | diff -u - "$SCRATCH/out" >&2 ||
    fail "resolve output differs"
run 0 -R -a "$ALIASES" test:bad \
    pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00
printf 'failthree\nokay\nfailfive\ne1000e\n' | diff -u - "$SCRATCH/out" >&2 ||
    fail "resolve output of two aliases differs"
run 1 --resolve -a "$ALIASES" pci:v00001234d00005678sv00000000sd00000000bc00sc00i00
[ ! -s "$SCRATCH/out" ] || fail "resolve printed something for no match"
run 1 -R -a "$ALIASES" test:bad nomatch
run 111 -R -a "$SCRATCH/none" e1000

# The malformed line was reported with file:line.
run 0 -R -a "$ALIASES" test:bad
grep -q "modules.alias:10:" "$SCRATCH/err" || fail "no file:line warning"

# Usage errors.
run 100 --modprobe "$FAKE"
run 100 -a
run 100 --modprobe "$FAKE" -a "$ALIASES" -d
run 0 --help
grep -q "usage:" "$SCRATCH/out" || fail "no usage text"
echo "modwrap: all cases passed"
