"""Real libudev clients against hotplug2 (tests/integration/udev_clients.sh): pyudev's monitor,
pyudev's device lookup, and the comparison of udevadm's records with the kernel's."""
import re
import sys


def monitor(subsystem, out, ready):
    import pyudev
    context = pyudev.Context()
    mon = pyudev.Monitor.from_netlink(context, source="udev")
    mon.filter_by(subsystem=subsystem)
    mon.start()
    with open(ready, "w") as f:
        f.write("ready\n")
    with open(out, "w", buffering=1) as f:
        for dev in iter(mon.poll, None):
            f.write("%s %s %s %s %s\n" % (dev.action, dev.properties.get("SEQNUM"),
                    dev.device_path, dev.subsystem, dev.properties.get("USEC_INITIALIZED")))


def device(node, prop, link, tag):
    import pyudev
    dev = pyudev.Devices.from_device_file(pyudev.Context(), node)
    checks = [
        ("initialized", dev.is_initialized, True),
        ("property %s" % prop, "=".join((prop, dev.properties.get(prop, ""))), prop + "=1"),
        ("link %s" % link, link in list(dev.device_links), True),
        ("tag %s" % tag, tag in list(dev.tags), True),
        ("USEC_INITIALIZED set", int(dev.properties.get("USEC_INITIALIZED", "0")) > 0, True),
    ]
    bad = 0
    for what, got, want in checks:
        ok = got == want
        bad += not ok
        print("pyudev %s: %s (%s)" % (node, what, "ok" if ok else "got %r" % (got,)))
    return bad


HEADER = re.compile(r"^(KERNEL|UDEV)\s*\[[0-9.]+\]\s+(\S+)\s+(\S+)\s+\((\S+)\)$")


def records(path):
    """udevadm monitor --kernel --udev --property: (source, properties) in order."""
    out, cur = [], None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = HEADER.match(line)
        if m:
            cur = (m.group(1), {})
            out.append(cur)
        elif line == "":
            cur = None
        elif cur is not None and "=" in line:
            k, v = line.split("=", 1)
            cur[1][k] = v
    return out


def compare(monfile, pyfile, subsystem):
    recs = records(monfile)
    kernel = [p for s, p in recs if s == "KERNEL"]
    udev = [p for s, p in recs if s == "UDEV"]
    by_seq = {}
    bad = 0
    for p in udev:
        by_seq.setdefault(p.get("SEQNUM"), []).append(p)
    for k in kernel:
        got = by_seq.get(k.get("SEQNUM"), [])
        if len(got) != 1:
            print("event %s %s %s: broadcast %d times" % (k.get("SEQNUM"), k.get("ACTION"),
                  k.get("DEVPATH"), len(got)))
            bad += 1
            continue
        u = got[0]
        for key, value in k.items():
            if u.get(key) != value:
                print("event %s %s: %s=%r in the kernel's, %r in udev's" % (k.get("SEQNUM"),
                      k.get("DEVPATH"), key, value, u.get(key)))
                bad += 1
        if not u.get("USEC_INITIALIZED"):
            print("event %s %s: no USEC_INITIALIZED" % (k.get("SEQNUM"), k.get("DEVPATH")))
            bad += 1
    kseq = set(k.get("SEQNUM") for k in kernel)
    extra = [u for u in udev if u.get("SEQNUM") not in kseq]
    for u in extra:
        print("udev event %s %s without a kernel event" % (u.get("SEQNUM"), u.get("DEVPATH")))
    bad += len(extra)
    print("udevadm monitor: %d kernel events, %d udev events, every kernel event broadcast once "
          "with all its properties: %s" % (len(kernel), len(udev), "yes" if bad == 0 else "NO"))

    want = sorted((u["ACTION"], u["SEQNUM"], u["DEVPATH"]) for u in udev
                  if u.get("SUBSYSTEM") == subsystem)
    got = []
    for line in open(pyfile):
        action, seq, devpath, sub, usec = line.split()
        if sub != subsystem:
            print("pyudev: %s %s of subsystem %s passed the filter" % (action, devpath, sub))
            bad += 1
        got.append((action, seq, devpath))
    got.sort()
    same = got == want
    bad += not same
    print("pyudev monitor filtered by subsystem %s: %d events, %d expected: %s" % (subsystem,
          len(got), len(want), "same" if same else "DIFFERENT"))
    if not same:
        print("  missing:", sorted(set(want) - set(got))[:10])
        print("  extra:", sorted(set(got) - set(want))[:10])
    return bad


def export_db(exportfile, monfile):
    """Every device an add event was handled for has a record, initialized."""
    recs = records(monfile)
    added = set(p["DEVPATH"] for s, p in recs if s == "UDEV" and p.get("ACTION") == "add")
    init, cur = set(), None
    for line in open(exportfile, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("P: "):
            cur = line[3:]
        elif line.startswith("E: USEC_INITIALIZED=") and cur:
            init.add(cur)
    missing = sorted(added - init)
    for d in missing[:10]:
        print("udevadm info --export-db: %s not initialized" % d)
    print("udevadm info --export-db: %d devices added by coldplug, %d of them listed initialized"
          % (len(added), len(added) - len(missing)))
    return len(missing) > 0 or len(added) == 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "monitor":
        monitor(*sys.argv[2:5])
    elif cmd == "device":
        sys.exit(1 if device(*sys.argv[2:6]) else 0)
    elif cmd == "compare":
        sys.exit(1 if compare(*sys.argv[2:5]) else 0)
    elif cmd == "export-db":
        sys.exit(1 if export_db(*sys.argv[2:4]) else 0)
    else:
        sys.exit("usage: udev_clients.py monitor|device|compare|export-db ...")
