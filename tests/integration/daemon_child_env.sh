#!/bin/sh
# What commands get from the daemon: descriptors 0, 1 and 2 only, and an
# environment where the daemon's PATH and HOME stand and loader and shell
# start-up variables of a forged event never arrive.
. "$SOURCE_DIR/tests/integration/lib.sh"

C=$SCRATCH/conf
mkdir -p "$C" "$SCRATCH/root" "$SCRATCH/evil"
# A program the event's PATH would find; it must never run.
printf '#!/bin/sh\n: >%s/evil.ran\n' "$SCRATCH" >"$SCRATCH/evil/hp2-probe"
chmod +x "$SCRATCH/evil/hp2-probe"
# fds FILE: the descriptors "ls -l /proc/self/fd" listed, one "N TARGET" a line.
lsfd() {	# lsfd OUT: an argv that lists the command's descriptors into OUT
	printf '{ "/bin/sh", "-c", "exec >%s; exec /bin/ls -l /proc/self/fd" }' "$1"
}
cat >"$C/10-children.lua" <<EOC
on({ ACTION = "add" }, function(ev)
	exec(ev, $(lsfd "$SCRATCH/exec.fds"))
	run(ev, $(lsfd "$SCRATCH/run.fds"))
	run(ev, { "/bin/sh", "-c", "exec >$SCRATCH/env; exec /usr/bin/env" })
	exec(ev, { "hp2-probe" })
end)
-- Output read back through the daemon's own runner (spawn_sync).
on({ ACTION = "add" }, function(ev)
	import_program(ev, { "/bin/sh", "-c", "echo ID_FROM_CMD=\\'a b\\'; echo noise >&2" })
	run(ev, { "/bin/sh", "-c", "echo \"\$ID_FROM_CMD\" >$SCRATCH/imported" })
end)
EOC
printf 'add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=mem\0SEQNUM=1\0%s\0' \
    "PATH=$SCRATCH/evil:/bin" >"$SCRATCH/rec"
for v in LD_PRELOAD=/nonexistent/evil.so LD_LIBRARY_PATH=/evil LD_AUDIT=/evil \
    IFS=x ENV=/evil BASH_ENV=/evil SHELLOPTS=xtrace PS4=evil GCONV_PATH=/evil \
    LOCPATH=/evil MALLOC_CHECK_=3 GLIBC_TUNABLES=x HOME=/evil FOO=bar; do
	printf '%s\0' "$v" >>"$SCRATCH/rec"
done

# Descriptors the daemon inherited (3, 7) and its --ready-fd (9).
rc=0
"$HOTPLUG2" -f -v -v -c "$C" --root "$SCRATCH/root" --replay "$SCRATCH/rec" \
    --ready-fd 9 3</etc/passwd 7</etc/hostname 9>"$SCRATCH/ready" \
    2>"$SCRATCH/daemon.err" || rc=$?
[ "$rc" = 0 ] || fail "the replay exited $rc: $(cat "$SCRATCH/daemon.err")"
# exec runs in the background: wait for its file.
wait_for 10 test -s "$SCRATCH/exec.fds" || fail "exec did not run: $(cat "$SCRATCH/daemon.err")"

# Every descriptor is 0, 1, 2 or the one ls reads /proc/self/fd with.
check_fds() {
	awk '/ -> / { print $(NF - 2), $NF }' "$1" >"$1.n"
	[ -s "$1.n" ] || fail "$2: no descriptors listed: $(cat "$1")"
	awk '$1 > 2 && $2 !~ /^\/proc\/[0-9]+\/fd$/' "$1.n" >"$1.bad"
	[ ! -s "$1.bad" ] || fail "$2 got descriptors it must not: $(cat "$1.bad")"
	[ "$(awk '$1 > 2' "$1.n" | wc -l)" -le 1 ] || fail "$2: $(cat "$1.n")"
}
check_fds "$SCRATCH/exec.fds" exec
check_fds "$SCRATCH/run.fds" run

# The environment: the event's own variables, the daemon's PATH and HOME,
# none of the start-up variables.
grep -qx "FOO=bar" "$SCRATCH/env" || fail "the event's FOO did not arrive: $(cat "$SCRATCH/env")"
grep -qx "PATH=/usr/sbin:/usr/bin:/sbin:/bin" "$SCRATCH/env" ||
	fail "PATH is not the daemon's: $(grep ^PATH= "$SCRATCH/env")"
grep -qx "HOME=/" "$SCRATCH/env" || fail "HOME is not the daemon's: $(grep ^HOME= "$SCRATCH/env")"
bad=$(grep -E '^(LD_|MALLOC_|IFS=|ENV=|BASH_ENV=|SHELLOPTS=|PS4=|GCONV_PATH=|LOCPATH=|GLIBC_TUNABLES=)' \
    "$SCRATCH/env" || :)
[ -z "$bad" ] || fail "start-up variables reached the command: $bad"
grep -q "not passing LD_PRELOAD" "$SCRATCH/daemon.err" ||
	fail "dropping LD_PRELOAD was not logged: $(cat "$SCRATCH/daemon.err")"
# The event's PATH did not choose what runs; the miss names file:line.
[ ! -e "$SCRATCH/evil.ran" ] || fail "a program on the event's PATH ran"
grep -q "10-children.lua:5: exec: unable to run hp2-probe: No such file or directory" \
    "$SCRATCH/daemon.err" || fail "no file:line for a missing program: $(cat "$SCRATCH/daemon.err")"
# import_program read the command's stdout, not its stderr, as a property.
[ "$(cat "$SCRATCH/imported" 2>/dev/null)" = "a b" ] ||
	fail "import_program's property did not reach the next command: $(cat "$SCRATCH/daemon.err")"
grep -q "sh\[[0-9]*\]: noise" "$SCRATCH/daemon.err" || fail "the command's stderr was not logged"
echo ok
