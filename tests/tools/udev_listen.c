/* udev-listen: a real libudev client (the system's libudev1) for the burst test: a monitor that records SEQNUMs, or libudev's view of which devices are initialized. */
#include <sys/types.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

/*
 * usage:
 *	udev-listen monitor udev|kernel OUT READY [DONE DEVPATH]
 *	udev-listen enumerate
 *
 * monitor: a libudev monitor (udev_monitor_new_from_netlink) with a
 * 128 MiB receive buffer (udev_monitor_set_receive_buffer_size) writes
 * "SEQNUM ACTION DEVPATH" to OUT for each device it receives, touches
 * READY once it listens and DONE when it receives an "add" of DEVPATH.
 * On SIGTERM it takes what is still queued on its socket, then prints
 * "RECEIVED ENOBUFS" (devices received; receives that failed with
 * ENOBUFS, each a loss the kernel reported) and exits 0.
 *
 * enumerate: every device udev_enumerate_scan_devices finds in /sys, one
 * line each, "ID INITIALIZED SYSPATH": ID the name of its database entry
 * as udev computes it (docs/udev-compat.md), INITIALIZED 1 when libudev
 * found the entry (udev_device_get_is_initialized), else 0.
 */

#define RCVBUF		(128 * 1024 * 1024)

static volatile sig_atomic_t	 stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
touch(const char *path)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) != -1)
		close(fd);
}

/* Take every device waiting; returns how many, -1 at a hard error. */
static int
drain(struct udev_monitor *mon, FILE *out, const char *done,
    const char *want, unsigned long *received, unsigned long *enobufs)
{
	struct udev_device	*dev;
	const char		*action, *devpath;
	int			 n = 0;

	for (;;) {
		errno = 0;
		if ((dev = udev_monitor_receive_device(mon)) == NULL) {
			if (errno == ENOBUFS) {
				(*enobufs)++;
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || errno == 0)
				return n;
			fprintf(stderr, "udev-listen: receive: %s\n",
			    strerror(errno));
			return -1;
		}
		action = udev_device_get_action(dev);
		devpath = udev_device_get_devpath(dev);
		fprintf(out, "%llu %s %s\n",
		    (unsigned long long)udev_device_get_seqnum(dev),
		    action != NULL ? action : "-",
		    devpath != NULL ? devpath : "-");
		(*received)++;
		n++;
		if (want != NULL && action != NULL && devpath != NULL &&
		    strcmp(action, "add") == 0 && strcmp(devpath, want) == 0) {
			fflush(out);
			touch(done);
		}
		udev_device_unref(dev);
	}
}

static int
monitor(int argc, char *argv[])
{
	struct udev		*udev;
	struct udev_monitor	*mon;
	struct pollfd		 pfd;
	struct sigaction	 sa;
	unsigned long		 received = 0, enobufs = 0;
	const char		*done = NULL, *want = NULL;
	FILE			*out;

	if (argc != 5 && argc != 7)
		return 100;
	if (argc == 7) {
		done = argv[5];
		want = argv[6];
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((out = fopen(argv[3], "w")) == NULL) {
		fprintf(stderr, "udev-listen: %s: %s\n", argv[3],
		    strerror(errno));
		return 111;
	}
	if ((udev = udev_new()) == NULL ||
	    (mon = udev_monitor_new_from_netlink(udev, argv[2])) == NULL) {
		fprintf(stderr, "udev-listen: no %s monitor\n", argv[2]);
		return 111;
	}
	if (udev_monitor_set_receive_buffer_size(mon, RCVBUF) < 0)
		fprintf(stderr, "udev-listen: receive buffer not set\n");
	if (udev_monitor_enable_receiving(mon) < 0) {
		fprintf(stderr, "udev-listen: enable_receiving failed\n");
		return 111;
	}
	touch(argv[4]);
	pfd.fd = udev_monitor_get_fd(mon);
	pfd.events = POLLIN;
	while (!stopping) {
		/* A timeout: SIGTERM may come between drain and poll. */
		if (poll(&pfd, 1, 100) == -1) {
			if (errno == EINTR)
				continue;
			return 111;
		}
		if (drain(mon, out, done, want, &received, &enobufs) == -1)
			return 111;
	}
	/* The kernel queued everything sent before SIGTERM: take it. */
	if (drain(mon, out, done, want, &received, &enobufs) == -1)
		return 111;
	if (fclose(out) != 0)
		return 111;
	printf("%lu %lu\n", received, enobufs);
	udev_monitor_unref(mon);
	udev_unref(udev);
	return 0;
}

/* The database entry's name, as udev's device id (see udevdb.lua). */
static void
device_id(struct udev_device *dev, char *out, size_t outlen)
{
	dev_t		 devnum = udev_device_get_devnum(dev);
	const char	*subsystem = udev_device_get_subsystem(dev);
	const char	*sysname = udev_device_get_sysname(dev);
	const char	*ifindex, *syspath, *p;
	char		 bus[256];
	size_t		 n;

	if (subsystem == NULL)
		subsystem = "";
	if (major(devnum) > 0) {
		snprintf(out, outlen, "%c%u:%u",
		    strcmp(subsystem, "block") == 0 ? 'b' : 'c',
		    major(devnum), minor(devnum));
		return;
	}
	ifindex = udev_device_get_property_value(dev, "IFINDEX");
	if (ifindex != NULL && atoi(ifindex) > 0) {
		snprintf(out, outlen, "n%d", atoi(ifindex));
		return;
	}
	syspath = udev_device_get_syspath(dev);
	if (strcmp(subsystem, "drivers") == 0 && syspath != NULL &&
	    (p = strstr(syspath, "/bus/")) != NULL) {
		p += 5;
		n = strcspn(p, "/");
		if (n < sizeof(bus)) {
			memcpy(bus, p, n);
			bus[n] = '\0';
			snprintf(out, outlen, "+drivers:%s:%s", bus, sysname);
			return;
		}
	}
	snprintf(out, outlen, "+%s:%s", subsystem, sysname != NULL ? sysname :
	    "");
}

static int
enumerate(void)
{
	struct udev		*udev;
	struct udev_enumerate	*e;
	struct udev_list_entry	*le;
	struct udev_device	*dev;
	char			 id[1024];

	if ((udev = udev_new()) == NULL || (e = udev_enumerate_new(udev)) ==
	    NULL || udev_enumerate_scan_devices(e) < 0) {
		fprintf(stderr, "udev-listen: cannot enumerate\n");
		return 111;
	}
	udev_list_entry_foreach(le, udev_enumerate_get_list_entry(e)) {
		dev = udev_device_new_from_syspath(udev,
		    udev_list_entry_get_name(le));
		if (dev == NULL)
			continue;	/* gone meanwhile */
		device_id(dev, id, sizeof(id));
		printf("%s %d %s\n", id, udev_device_get_is_initialized(dev),
		    udev_device_get_syspath(dev));
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
	udev_unref(udev);
	return 0;
}

int
main(int argc, char *argv[])
{
	int	 rc = 100;

	if (argc >= 2 && strcmp(argv[1], "monitor") == 0)
		rc = monitor(argc, argv);
	else if (argc == 2 && strcmp(argv[1], "enumerate") == 0)
		rc = enumerate();
	if (rc == 100)
		fprintf(stderr, "usage: udev-listen monitor udev|kernel OUT "
		    "READY [DONE DEVPATH]\n       udev-listen enumerate\n");
	return rc;
}
