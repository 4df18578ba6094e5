# Real module loading (issue 9): with /lib/modules pointing at UML's modules,
# a replayed event whose MODALIAS resolves to virtio_net makes the default
# scripts load it for real, after its dependencies (failover, net_failover).
hp2=$BUILD_DIR/hotplug2
[ -x "$hp2" ] || e2e_fail "no $hp2"
e2e_uml_modules
for m in virtio_net net_failover failover; do
	[ ! -d "/sys/module/$m" ] || e2e_fail "$m is loaded before the test"
done

# One event in the kernel's wire format, as hotplug2 monitor --raw records it.
printf '%s\0' "add@/devices/e2e/virtio9" ACTION=add \
    DEVPATH=/devices/e2e/virtio9 SUBSYSTEM=virtio \
    MODALIAS=virtio:d00000001v00001AF4 SEQNUM=100000 >/run/event.rec
"$hp2" -f -v -v -R /run/event.rec -c "$SOURCE_DIR/lua/defaults" \
    >/run/daemon.out 2>/run/daemon.err ||
    e2e_fail "the replay failed: $(cat /run/daemon.err)"
grep "modprobe" /run/daemon.err

# /proc/modules: "name size refcount users,  state ..."; a module lists
# those that use it, so each dependency names the module that needed it.
# /proc/modules lists the newest module first: a dependency loaded before
# virtio_net comes after it.
awk '
	{ users[$1] = $4; line[$1] = NR }
	END {
		bad = 0
		if (!("virtio_net" in users)) { print "virtio_net not loaded"; bad++ }
		if (!(line["virtio_net"] < line["net_failover"] &&
		    line["net_failover"] < line["failover"])) {
			print "/proc/modules order is not virtio_net, net_failover, failover"
			bad++
		}
		if (users["net_failover"] !~ /virtio_net/) { print "net_failover is not used by virtio_net"; bad++ }
		if (users["failover"] !~ /net_failover/) { print "failover is not used by net_failover"; bad++ }
		exit bad ? 1 : 0
	}' /proc/modules || e2e_fail "virtio_net and its dependencies are not loaded"
echo "loaded from MODALIAS virtio:d00000001v00001AF4: virtio_net," \
    "after net_failover and failover, which it uses (3 modules compared," \
    "by /proc/modules users and order)"
