# Helpers for the guest scripts of uml-run.sh and qemu-run.sh: the generated
# init sources this file before it sources the guest script (POSIX sh).
#
# Set by the init: E2E_VM (uml or qemu), E2E_SCRATCH (UML: the host's scratch
# directory, mounted read-write; qemu: a tmpfs), and whatever -e passed.

# e2e_fail MESSAGE: end the guest script with a failure.
e2e_fail() {
	echo "FAIL: $*"
	exit 1
}

# e2e_signal NAME: tell the host side (the choreography) that NAME happened.
# The host reads the console log, so this works the same under UML and qemu.
e2e_signal() {
	echo "E2E-SIGNAL $1"
}

# e2e_wait_host NAME [SECONDS]: wait for the choreography's host_signal NAME.
# Only UML shares a directory with the host; under qemu, wait for the device
# changes themselves.
e2e_wait_host() {
	[ "$E2E_VM" = uml ] || e2e_fail "e2e_wait_host works only under UML"
	e2e_wait "${2:-30}" test -e "$E2E_SCRATCH/host.$1" ||
	    e2e_fail "the host never signalled $1"
}

# e2e_wait SECONDS COMMAND...: run COMMAND every 50 ms until it succeeds.
e2e_wait() {
	e2e_limit=$(( $1 * 20 )); shift
	e2e_i=0
	while [ "$e2e_i" -lt "$e2e_limit" ]; do
		"$@" && return 0
		sleep 0.05
		e2e_i=$((e2e_i + 1))
	done
	return 1
}

# e2e_uptime: the guest's seconds since boot, for timings.
e2e_uptime() {
	read -r e2e_up e2e_idle </proc/uptime
	echo "$e2e_up"
}

# e2e_uml_modules: make /lib/modules point at the UML kernel's modules without
# writing to the host: an overlay over /usr/lib (on merged-/usr systems /lib
# is /usr/lib) whose upper layer is a tmpfs holds the symlink.
e2e_uml_modules() {
	[ "$E2E_VM" = uml ] || e2e_fail "e2e_uml_modules works only under UML"
	e2e_m=/usr/lib/uml/modules/$(uname -r)
	[ -d "$e2e_m" ] || e2e_fail "no $e2e_m"
	if [ -e "/lib/modules/$(uname -r)" ]; then
		return 0
	fi
	grep -qw overlay /proc/filesystems ||
	    insmod "$e2e_m/kernel/fs/overlayfs/overlay.ko" ||
	    e2e_fail "unable to load overlay.ko"
	mkdir -p /run/e2e-overlay/upper /run/e2e-overlay/work
	mount -t overlay overlay -o lowerdir=/usr/lib,upperdir=/run/e2e-overlay/upper,workdir=/run/e2e-overlay/work /usr/lib ||
	    e2e_fail "unable to mount the overlay on /usr/lib"
	if [ -d /usr/lib/modules ]; then
		ln -s "$e2e_m" /usr/lib/modules/
	else
		ln -s /usr/lib/uml/modules /usr/lib/modules
	fi
	[ -e "/lib/modules/$(uname -r)/modules.dep" ] ||
	    e2e_fail "/lib/modules/$(uname -r) is not usable"
}
