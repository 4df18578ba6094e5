/* hotplug2-coldplug: make the kernel announce every present device again (or, on 2.4, announce them ourselves). */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devpath.h"
#include "log.h"
#include "modalias.h"
#include "netlink.h"
#include "pathnames.h"
#include "uevent.h"

/* Deeper than any real sysfs tree (the laptop fixture's deepest is 12). */
#define COLDPLUG_DEPTH_MAX	64

struct coldplug {
	const char	*sysfs;
	const char	*procfs;
	int		 list;		/* print each uevent file written */
	int		 dry_run;	/* only print */
	int		 print;		/* 2.4: wire events to stdout */
	int		 nlfd;
	unsigned long	 written, failed, sent;
	char		 path[4096];	/* for messages and --list */
};

static void
coldplug_usage(FILE *f)
{
	fprintf(f,
"usage: hotplug2-coldplug [-lnpv] [--sysfs DIR] [--procfs DIR]\n"
"Make the kernel announce every device again by writing \"add\" to each\n"
"uevent file under DIR/devices, parents before children.  Without sysfs\n"
"(Linux 2.4) read PCI, USB and ISAPnP devices from /proc/bus and send\n"
"the add events that hotplug2-dnode would have sent.\n"
"  -S, --sysfs DIR   sysfs root (default /sys)\n"
"  -P, --procfs DIR  procfs root for the 2.4 scan (default /proc)\n"
"  -l, --list        print each uevent file as it is written\n"
"  -n, --dry-run     print the uevent files, write nothing\n"
"  -p, --print       2.4: write the events to stdout (wire format)\n"
"  -v, --verbose     more logging\n"
"  -h, --help        this text\n");
}

/* Write "add" to the uevent file in dir fd; path is for messages. */
static void
trigger(struct coldplug *c, int dfd, size_t plen)
{
	int	 fd;

	snprintf(c->path + plen, sizeof(c->path) - plen, "/uevent");
	if (c->list || c->dry_run)
		printf("%s\n", c->path);
	if (c->dry_run)
		goto out;
	if ((fd = openat(dfd, "uevent", O_WRONLY | O_CLOEXEC)) == -1 ||
	    write(fd, "add", 3) != 3) {
		/* Some devices refuse (no driver core uevent): not fatal. */
		log_debug("%s: %s", c->path, strerror(errno));
		c->failed++;
	} else
		c->written++;
	if (fd != -1)
		close(fd);
out:
	c->path[plen] = '\0';
}

/*
 * Depth first, the directory's own uevent before its subdirectories:
 * parents are announced before their children.  Symbolic links are not
 * followed (sysfs links every device from several places).  Each
 * directory is read once: the names of its subdirectories are kept
 * while it is, then the uevent file is written, then they are walked.
 * A device's "power" directory holds attributes, never devices (the
 * driver core could not add a child of that name), so it is skipped:
 * it is almost half of the directories under /sys/devices.
 */
static void
walk(struct coldplug *c, int dfd, size_t plen, int depth)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*names = NULL, *p, *grown;
	size_t		 used = 0, cap = 0, n;
	int		 fd, has_uevent = 0, isdir;

	if ((d = fdopendir(dfd)) == NULL) {
		log_warn("%s", c->path);
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1)
				continue;
			isdir = S_ISDIR(st.st_mode);
		} else
			isdir = de->d_type == DT_DIR;
		if (!isdir) {
			if (strcmp(de->d_name, "uevent") == 0)
				has_uevent = 1;
			continue;
		}
		n = strlen(de->d_name) + 1;
		if (used + n > cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			if (cap < used + n)
				cap = used + n;
			if ((grown = realloc(names, cap)) == NULL) {
				log_warn("%s", c->path);
				break;
			}
			names = grown;
		}
		memcpy(names + used, de->d_name, n);
		used += n;
	}
	if (has_uevent)
		trigger(c, dirfd(d), plen);
	for (p = names; depth < COLDPLUG_DEPTH_MAX && p < names + used;
	    p += n) {
		n = strlen(p) + 1;
		if (has_uevent && strcmp(p, "power") == 0)
			continue;
		if (plen + n + sizeof("/uevent") > sizeof(c->path))
			continue;
		fd = openat(dirfd(d), p,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1)
			continue;
		c->path[plen] = '/';
		memcpy(c->path + plen + 1, p, n);
		walk(c, fd, plen + n, depth + 1);
		c->path[plen] = '\0';
	}
	free(names);
	closedir(d);
}

static int
coldplug_sysfs(struct coldplug *c)
{
	int	 fd;

	snprintf(c->path, sizeof(c->path), "%s/devices", c->sysfs);
	if ((fd = open(c->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", c->path);
		return EXIT_SYSCALL;
	}
	walk(c, fd, strlen(c->path), 0);
	log_info("%lu uevent files written, %lu refused", c->written,
	    c->failed);
	return EXIT_OK;
}

/*
 * Linux 2.4: no sysfs, no uevent files.  The devices are listed in
 * /proc/bus; build the event the kernel's hotplug call would have
 * passed to hotplug2-dnode, with the DEVPATH and MODALIAS dnode adds,
 * and multicast it as dnode does.
 */
static void
send_event(struct coldplug *c, struct uevent *scratch, const char *subsystem)
{
	struct uevent	 ev;
	char		 devpath[512], modalias[MODALIAS_MAX];
	const char	*why;
	unsigned int	 i;

	if (uevent_set(scratch, "SUBSYSTEM", subsystem) == -1)
		return;
	if (devpath_derive(scratch, subsystem, devpath, sizeof(devpath)) == 0 ||
	    uevent_init(&ev, "add", devpath) == -1) {
		log_warnx("%s: no DEVPATH for a %s device", c->path, subsystem);
		return;
	}
	/* scratch holds ACTION first, then the bus variables. */
	for (i = 0; i < scratch->nvars; i++) {
		const char	*v = uevent_var(scratch, i);
		char		 key[64];
		size_t		 k = strcspn(v, "=");

		if (k >= sizeof(key) || strncmp(v, "ACTION=", 7) == 0)
			continue;
		memcpy(key, v, k);
		key[k] = '\0';
		uevent_set(&ev, key, v + k + 1);
	}
	if (modalias_synthesize(&ev, subsystem, modalias, sizeof(modalias),
	    &why) > 0)
		uevent_set(&ev, "MODALIAS", modalias);
	else
		log_debug("%s: no MODALIAS: %s", uevent_devpath(&ev), why);
	if (c->print || c->dry_run) {
		fwrite(ev.buf, 1, ev.len, stdout);
		c->sent++;
		return;
	}
	if (netlink_send(c->nlfd, &ev) == -1)
		log_warn("unable to send the event of %s", uevent_devpath(&ev));
	else
		c->sent++;
}

static unsigned int
le16(const unsigned char *p)
{
	return (unsigned int)p[0] | (unsigned int)p[1] << 8;
}

/* /proc/bus/pci/BB/DD.F: config space (256 bytes for root, 64 for others). */
static void
scan_pci_device(struct coldplug *c, int dfd, const char *bus,
    const char *name)
{
	unsigned char	 cfg[256];
	struct uevent	 ev;
	unsigned int	 slot, fn, cls, sv = 0, sd = 0;
	char		 buf[64], *end;
	ssize_t		 n;
	int		 fd;

	slot = (unsigned int)strtoul(name, &end, 16);
	if (*end != '.')
		return;
	fn = (unsigned int)strtoul(end + 1, &end, 10);
	if (*end != '\0')
		return;
	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, cfg, sizeof(cfg));
	close(fd);
	if (n < 48)
		return;
	cls = (unsigned int)cfg[0x0b] << 16 | (unsigned int)cfg[0x0a] << 8 |
	    cfg[0x09];
	/* Subsystem ids sit at 0x2c (header type 0) or 0x40 (cardbus, 2). */
	if ((cfg[0x0e] & 0x7f) == 0) {
		sv = le16(cfg + 0x2c);
		sd = le16(cfg + 0x2e);
	} else if ((cfg[0x0e] & 0x7f) == 2 && n >= 0x44) {
		sv = le16(cfg + 0x40);
		sd = le16(cfg + 0x42);
	}
	if (uevent_init(&ev, "add", "") == -1)
		return;
	snprintf(buf, sizeof(buf), "%04X", cls);
	uevent_set(&ev, "PCI_CLASS", buf);
	snprintf(buf, sizeof(buf), "%04X:%04X", le16(cfg), le16(cfg + 2));
	uevent_set(&ev, "PCI_ID", buf);
	snprintf(buf, sizeof(buf), "%04X:%04X", sv, sd);
	uevent_set(&ev, "PCI_SUBSYS_ID", buf);
	/* "00" on 2.4, "0000:00" where /proc names the domain too. */
	snprintf(buf, sizeof(buf), "%s:%02x.%u", bus, slot, fn);
	uevent_set(&ev, "PCI_SLOT_NAME", buf);
	send_event(c, &ev, "pci");
}

/*
 * /proc/bus/usb/BBB/DDD: the device descriptor, then the configuration
 * descriptors.  Like 2.4.27+, one event per interface of the first
 * configuration when the device class is 0 (per interface), else one.
 */
static void
scan_usb_device(struct coldplug *c, int dfd, const char *bus,
    const char *name)
{
	unsigned char	 d[4096];
	struct uevent	 ev;
	char		 buf[64];
	ssize_t		 n;
	size_t		 off, total;
	int		 fd, nintf = 0;

	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, d, sizeof(d));
	close(fd);
	if (n < 18 || d[1] != 1)
		return;
	if (uevent_init(&ev, "add", "") == -1)
		return;
	snprintf(buf, sizeof(buf), "%x/%x/%x", le16(d + 8), le16(d + 10),
	    le16(d + 12));
	uevent_set(&ev, "PRODUCT", buf);
	snprintf(buf, sizeof(buf), "%d/%d/%d", d[4], d[5], d[6]);
	uevent_set(&ev, "TYPE", buf);
	uevent_set(&ev, "DEVFS", "/proc/bus/usb");
	snprintf(buf, sizeof(buf), "/proc/bus/usb/%s/%s", bus, name);
	uevent_set(&ev, "DEVICE", buf);
	if (d[4] != 0) {
		send_event(c, &ev, "usb");
		return;
	}
	/* The first configuration's interfaces, alternate setting 0. */
	off = d[0];
	if (off + 9 > (size_t)n || d[off + 1] != 2)
		return;
	total = le16(d + off + 2);
	if (off + total > (size_t)n)
		total = (size_t)n - off;
	total += off;
	while (off + 2 <= total && d[off] >= 2) {
		if (d[off + 1] == 4 && off + 9 <= total && d[off + 3] == 0) {
			struct uevent	 iev = ev;

			snprintf(buf, sizeof(buf), "%d/%d/%d", d[off + 5],
			    d[off + 6], d[off + 7]);
			uevent_set(&iev, "INTERFACE", buf);
			send_event(c, &iev, "usb");
			nintf++;
		}
		off += d[off];
	}
	if (nintf == 0)
		send_event(c, &ev, "usb");
}

/* Each directory of /proc/bus/BUS is a bus; each file in it a device. */
static void
scan_bus_dirs(struct coldplug *c, const char *bus,
    void (*device)(struct coldplug *, int, const char *, const char *))
{
	struct dirent	*de, *fe;
	DIR		*top, *sub;
	int		 fd;

	snprintf(c->path, sizeof(c->path), "%s/bus/%s", c->procfs, bus);
	if ((top = opendir(c->path)) == NULL)
		return;
	while ((de = readdir(top)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "devices") == 0 ||
		    strcmp(de->d_name, "drivers") == 0)
			continue;
		fd = openat(dirfd(top), de->d_name,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd == -1 || (sub = fdopendir(fd)) == NULL) {
			if (fd != -1)
				close(fd);
			continue;
		}
		while ((fe = readdir(sub)) != NULL)
			if (fe->d_name[0] != '.')
				device(c, dirfd(sub), de->d_name, fe->d_name);
		closedir(sub);
	}
	closedir(top);
}

/* /proc/bus/isapnp/devices: "CCDD\tVVVVFFFF..." per logical device. */
static void
scan_isapnp(struct coldplug *c)
{
	char		 line[512], id[8], hex[9], *tab, *f;
	struct uevent	 ev;
	unsigned long	 v;
	size_t		 len;
	FILE		*fp;

	snprintf(c->path, sizeof(c->path), "%s/bus/isapnp/devices", c->procfs);
	if ((fp = fopen(c->path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		f = tab + 1;
		len = strspn(f, "0123456789abcdefABCDEF");
		/* The card's id may come before the device's: take the last. */
		if (len != 8 && len != 16)
			continue;
		memcpy(hex, f + len - 8, 8);
		hex[8] = '\0';
		v = strtoul(hex, NULL, 16);
		if (modalias_isapnp_id((unsigned int)(v >> 16),
		    (unsigned int)(v & 0xffff), id) == -1)
			continue;
		if (uevent_init(&ev, "add", "") == -1)
			continue;
		uevent_set(&ev, "PNP_ID", id);
		send_event(c, &ev, "isapnp");
	}
	fclose(fp);
}

static int
coldplug_procfs(struct coldplug *c)
{
	if (!c->print && !c->dry_run &&
	    (c->nlfd = netlink_open(0, 0, NULL)) == -1)
		return EXIT_SYSCALL;
	scan_bus_dirs(c, "pci", scan_pci_device);
	scan_bus_dirs(c, "usb", scan_usb_device);
	scan_isapnp(c);
	fflush(stdout);
	log_info("%lu events sent", c->sent);
	return EXIT_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dry-run",	no_argument,		NULL, 'n' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "list",	no_argument,		NULL, 'l' },
		{ "print",	no_argument,		NULL, 'p' },
		{ "procfs",	required_argument,	NULL, 'P' },
		{ "sysfs",	required_argument,	NULL, 'S' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ NULL,		0,			NULL, 0 }
	};
	struct coldplug	 c;
	struct stat	 st;
	int		 ch, verbose = 0;

	memset(&c, 0, sizeof(c));
	c.sysfs = PATH_SYSFS;
	c.procfs = PATH_PROCFS;
	c.nlfd = -1;
	while ((ch = getopt_long(argc, argv, "hlnP:pS:v", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'h':
			coldplug_usage(stdout);
			return EXIT_OK;
		case 'l':
			c.list = 1;
			break;
		case 'n':
			c.dry_run = 1;
			break;
		case 'P':
			c.procfs = optarg;
			break;
		case 'p':
			c.print = 1;
			break;
		case 'S':
			c.sysfs = optarg;
			break;
		case 'v':
			verbose++;
			break;
		default:
			coldplug_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		coldplug_usage(stderr);
		return EXIT_USAGE;
	}
	log_init("hotplug2-coldplug", 1, verbose);
	snprintf(c.path, sizeof(c.path), "%s/devices", c.sysfs);
	if (stat(c.path, &st) == 0 && S_ISDIR(st.st_mode))
		return coldplug_sysfs(&c);
	return coldplug_procfs(&c);
}
