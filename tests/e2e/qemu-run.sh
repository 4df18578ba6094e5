#!/bin/sh
# Boot Debian's cloud (or generic) kernel under qemu (TCG, no KVM needed) from an initramfs
# made here, run one guest script as its init, optionally drive hot-plug
# through the qemu monitor, and report the guest script's result.
#
# usage: qemu-run.sh [-k] [-t SECONDS] [-m MEM] [-M "MODULE..."]
#                    [-b BINARY[:DEST]]... [-f SOURCE:DEST]... [-d IMAGE]
#                    [-c CHOREOGRAPHY] [-L LOG] [-e NAME=VALUE]...
#                    [-a KERNEL-ARGS] [-K cloud|generic] [-Q "QEMU-ARGS"]...
#                    GUEST_SCRIPT
#
# -K picks the kernel scripts/e2e-deps.sh extracted: cloud (the default,
# linux-image-cloud-amd64: virtio and little else) or generic
# (linux-image-amd64: USB, sound, SCSI CD-ROMs too).  -Q adds arguments to
# qemu's command line (split at blanks), e.g. more devices.
#
# The initramfs holds busybox (static, its applets linked into /bin on boot),
# the kernel modules named by -M with everything they depend on (default
# "virtio_pci virtio_blk virtio_net"; modules.dep, modules.alias and the rest
# made by depmod for exactly those), each -b binary with the shared libraries
# ldd names (DEST defaults to /bin/NAME), each -f file or directory, and a
# /dev holding only console and null. The machine has the -d raw image (an
# empty 16 MiB one by default) as a virtio-blk disk with id "vda", and a
# virtio-net device. Nothing loads a module or makes a node unless the guest
# script does.
#
# The guest script is sourced by the generated /init after
# tests/e2e/guest-lib.sh, with /proc, /sys and a tmpfs on /run mounted and
# E2E_VM=qemu. What it prints goes to this script's standard output; the
# whole serial console log is kept only when the run fails, or with -k.
#
# CHOREOGRAPHY is a host-side sh script sourced while qemu runs, with:
#   guest_wait NAME [SECONDS]  wait for the guest's e2e_signal NAME
#   monitor COMMAND            one human monitor command, e.g.
#                              monitor "device_del hot1"; fails on "Error"
#   E2E_SCRATCH                the scratch directory (host path), for images
# If it fails, the machine is stopped and the run fails.
#
# Exit status: 0 the guest script succeeded; 1 it failed, qemu timed out or
# the guest crashed, or the choreography failed; 77 a prerequisite is missing
# (1 when CI=true); 100 bad usage.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"

usage() {
	echo "usage: qemu-run.sh [-k] [-t SECONDS] [-m MEM] [-M \"MODULE...\"]" \
	    "[-b BINARY[:DEST]]... [-f SOURCE:DEST]... [-d IMAGE]" \
	    "[-c CHOREOGRAPHY] [-L LOG] [-e NAME=VALUE]... [-a KERNEL-ARGS]" \
	    "[-K cloud|generic] [-Q \"QEMU-ARGS\"]... GUEST_SCRIPT" >&2
	exit 100
}

timeout=300
mem=512M
modules="virtio_pci virtio_blk virtio_net"
binaries=
files=
disk=
choreo=
log=
keep=0
exports=
append=
kernel=cloud
qemu_args=
# TCG is what CI has; E2E_QEMU_ACCEL=kvm is only for quick local runs.
accel=${E2E_QEMU_ACCEL:-tcg}
nl='
'

quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

add_export() {
	case $1 in
	[A-Za-z_]*=*) ;;
	*) usage ;;
	esac
	exports="$exports
export ${1%%=*}=$(quote "${1#*=}")"
}

while getopts kt:m:M:b:f:d:c:L:e:a:K:Q: opt; do
	case $opt in
	k) keep=1 ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	M) modules=$OPTARG ;;
	b) binaries="$binaries$OPTARG$nl" ;;
	f) files="$files$OPTARG$nl" ;;
	d) disk=$OPTARG ;;
	c) choreo=$OPTARG ;;
	L) log=$OPTARG ;;
	e) add_export "$OPTARG" ;;
	a) append=$OPTARG ;;
	K) kernel=$OPTARG ;;
	Q) qemu_args="$qemu_args $OPTARG" ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 1 ] || usage
e2e_arguments "$1"
[ -z "$disk" ] || [ -r "$disk" ] || e2e_die "cannot read the disk $disk"

e2e_need_cmd qemu-system-x86_64 timeout perl depmod modprobe
[ -x /bin/busybox ] && file_is_static=$(LC_ALL=C ldd /bin/busybox 2>&1) || true
case ${file_is_static:-} in
*"not a dynamic executable"*) ;;
*) e2e_skip "no static /bin/busybox (package busybox-static)" ;;
esac
case $kernel in
cloud|generic) ;;
*) usage ;;
esac
kdir=$E2E_CACHE/linux-$kernel
[ -r "$kdir/version" ] ||
    e2e_skip "no extracted $kernel kernel in $kdir; run scripts/e2e-deps.sh"
kver=$(cat "$kdir/version")
vmlinuz=$kdir/boot/vmlinuz-$kver
[ -r "$vmlinuz" ] || e2e_skip "no $vmlinuz; run scripts/e2e-deps.sh"
[ "$(id -u)" = 0 ] || e2e_skip "making /dev/console in the initramfs needs root"

e2e_begin qemu
mon=$scratch/monitor

# --- the initramfs ---
root=$scratch/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/run" \
    "$root/tmp" "$root/e2e" "$root/etc" "$root/lib/modules/$kver" &&
ln -s bin "$root/sbin" &&
cp /bin/busybox "$root/bin/busybox" &&
ln -s busybox "$root/bin/sh" &&
mknod -m 600 "$root/dev/console" c 5 1 &&
mknod -m 666 "$root/dev/null" c 1 3 &&
cp "$script" "$root/e2e/guest.sh" &&
cp "$here/guest-lib.sh" "$root/e2e/guest-lib.sh" ||
    e2e_die "unable to lay out the initramfs"

# copy_in SOURCE DEST: SOURCE at DEST inside the initramfs.
copy_in() {
	mkdir -p "$root$(dirname "$2")" && cp -RL "$1" "$root$2" ||
	    e2e_die "unable to copy $1 into the initramfs"
}

# Modules: the closure that the host's kmod computes from the cache's
# modules.dep, then a depmod that describes exactly those.
mods=$kdir/lib/modules/$kver
for m in $modules; do
	deps=$(modprobe -d "$kdir" -S "$kver" --show-depends "$m" 2>&1) ||
	    e2e_die "module $m: $deps"
	printf '%s\n' "$deps" | while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		rel=${path#"$mods"/}
		mkdir -p "$(dirname "$root/lib/modules/$kver/$rel")" &&
		cp "$path" "$root/lib/modules/$kver/$rel" ||
		    e2e_die "unable to copy $path"
	done || exit 1
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -e "$mods/$f" ] && cp "$mods/$f" "$root/lib/modules/$kver/"
done
depmod -b "$root" "$kver" || e2e_die "depmod failed on the initramfs modules"

# Binaries with the libraries they link, at the same paths as on the host.
printf '%s' "$binaries" | while IFS= read -r spec; do
	src=${spec%%:*}
	dest=${spec#*:}
	[ "$dest" != "$spec" ] || dest=/bin/${src##*/}
	[ -x "$src" ] || e2e_die "no executable $src"
	copy_in "$src" "$dest"
	LC_ALL=C ldd "$src" 2>/dev/null |
	    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	    while read -r lib; do
		[ -e "$root$lib" ] || copy_in "$lib" "$lib"
	done
done || exit 1
printf '%s' "$files" | while IFS= read -r spec; do
	[ "${spec#*:}" != "$spec" ] || e2e_die "-f wants SOURCE:DEST, not $spec"
	copy_in "${spec%%:*}" "${spec#*:}"
done || exit 1

cat >"$root/init" <<EOF
#!/bin/sh
# Generated by qemu-run.sh: set the guest up, run the guest script, power off.
/bin/busybox --install -s /bin
PATH=/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/e2e
# Only kernel errors and worse interrupt the guest script's output.
echo 4 >/proc/sys/kernel/printk
export E2E_VM=qemu E2E_SCRATCH=/run/e2e TMPDIR=/tmp
$exports
read -r up idle </proc/uptime
echo "E2E-UPTIME init \$up"
echo E2E-BEGIN
(. /e2e/guest-lib.sh; . /e2e/guest.sh) </dev/null 2>&1
rc=\$?
echo "E2E-RESULT rc=\$rc"
read -r up idle </proc/uptime
echo "E2E-UPTIME end \$up"
if [ "\$rc" != 0 ]; then
	echo "=== guest dmesg (last 80 lines)"
	dmesg | tail -n 80
fi
poweroff -f
EOF
chmod +x "$root/init" || e2e_die "unable to write /init"
(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null) \
    >"$scratch/initramfs.cpio" || e2e_die "unable to pack the initramfs"

if [ -z "$disk" ]; then
	disk=$scratch/vda.img
	truncate -s 16M "$disk" || e2e_die "unable to make $disk"
fi

# monitor COMMAND: one human monitor command over the monitor socket. perl
# (Essential in Debian) speaks the unix socket; "(qemu) " is the prompt.
monitor() {
	E2E_MON=$mon E2E_CMD=$1 perl -MIO::Socket::UNIX -e '
		alarm 30;
		my $s = IO::Socket::UNIX->new(Peer => $ENV{E2E_MON})
		    or die "monitor: $!\n";
		sub prompt { my $b = ""; while ($b !~ /\(qemu\) $/) {
			sysread($s, my $c, 4096) or last; $b .= $c } $b }
		prompt();
		print $s "$ENV{E2E_CMD}\n";
		my $out = prompt();
		$out =~ s/\e\[[0-9;]*[A-Za-z]//g; $out =~ s/\r//g;
		$out =~ s/^.*?\n//s; $out =~ s/\(qemu\) $//;
		if ($out =~ /Error|error/) { print STDERR $out; exit 1 }
	' || { echo "$e2e_prog: monitor $1 failed" >&2; return 1; }
}

guest_wait() {
	e2e_guest_wait "$log" "$e2e_pid" qemu "$1" "${2:-120}"
}

E2E_SCRATCH=$scratch
start=$(e2e_now_ms)
# $qemu_args (from -Q) is split at blanks on purpose.
# shellcheck disable=SC2086
timeout -k 5 "$timeout" qemu-system-x86_64 -accel "$accel" -M pc -m "$mem" \
    -smp 1 -nodefaults -no-user-config -display none -no-reboot \
    -kernel "$vmlinuz" -initrd "$scratch/initramfs.cpio" \
    -append "console=ttyS0 rdinit=/init panic=-1 $append" \
    -serial "file:$log" -monitor "unix:$mon,server=on,wait=off" \
    -drive "if=none,id=disk0,format=raw,file=$disk" \
    -device virtio-blk-pci,drive=disk0,id=vda \
    -netdev user,id=net0 -device virtio-net-pci,netdev=net0,id=net0 \
    $qemu_args </dev/null >"$scratch/qemu.out" 2>&1 &
e2e_pid=$!

status=0
why=
if [ -n "$choreo" ]; then
	# Wait for the monitor socket: qemu makes it before the guest starts.
	e2e_poll 30 test -S "$mon" || true
	if ! (. "$choreo"); then
		status=1
		why="the choreography $choreo failed"
		monitor quit || kill "$e2e_pid" 2>/dev/null
	fi
fi
wait "$e2e_pid"
qrc=$?
e2e_pid=
ms=$(( $(e2e_now_ms) - start ))
if [ -s "$scratch/qemu.out" ]; then
	{ echo "=== qemu's own output"; cat "$scratch/qemu.out"; } >>"$log"
fi

rc=$(e2e_guest_rc "$log")
e2e_guest_output "$log"
up_init=$(tr -d '\r' <"$log" | sed -n 's/^E2E-UPTIME init //p')
up_end=$(tr -d '\r' <"$log" | sed -n 's/^E2E-UPTIME end //p')
echo "$e2e_prog: qemu ($accel) ran ${ms} ms, exit $qrc;" \
    "guest uptime at init ${up_init:-?} s, at the end ${up_end:-?} s;" \
    "guest script rc=${rc:-none}" >&2
e2e_verdict qemu "$qrc" "$rc"
e2e_finish "$log" "$keep" "$status" "$why"
