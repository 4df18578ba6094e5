/* --rebroadcast: the kernel-format copy of each handled event on another netlink group (the libudev-zero convention). */
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "rebroadcast.h"
#include "uevent.h"

int
rebroadcast_parse(const char *s, unsigned int *group, const char **why)
{
	const char	*p;
	unsigned long	 v = 0;

	if (*s == '\0') {
		*why = "expected a netlink group number from 3 to 32";
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			*why = "expected a netlink group number from 3 to 32 "
			    "(a number, not a mask)";
			return -1;
		}
		if (v <= REBROADCAST_GROUP_MAX)
			v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > REBROADCAST_GROUP_MAX) {
		*why = "netlink groups that a listener can join are 1 to 32; "
		    "expected 3 to 32";
		return -1;
	}
	if (v == 1) {
		*why = "group 1 is the kernel's own: every uevent listener, "
		    "hotplug2 included, would take the copies for new events";
		return -1;
	}
	if (v == 2) {
		*why = "group 2 is libudev's, for the udev broadcast in "
		    "libudev's format (libudev-zero listens on 3)";
		return -1;
	}
	*group = (unsigned int)v;
	return 0;
}

void
rebroadcast_init(struct rebroadcast *rb)
{
	rb->fd = -1;
	rb->group = 0;
	rb->sent = rb->failed = 0;
}

int
rebroadcast_open(struct rebroadcast *rb, unsigned int group)
{
	/* A sender only: it joins no group, so nothing is queued on it. */
	if ((rb->fd = netlink_open(0, 0, NULL)) == -1)
		return -1;
	rb->group = group;
	return 0;
}

void
rebroadcast_event(struct rebroadcast *rb, const struct uevent *ev)
{
	if (rb->fd == -1 || ev->len == 0)
		return;
	if (netlink_multicast(rb->fd, rb->group, ev->buf, ev->len) == 0) {
		rb->sent++;
		return;
	}
	/* Once: without CAP_NET_ADMIN every event would say it. */
	if (rb->failed++ == 0)
		log_warn("unable to rebroadcast %s to netlink group %u",
		    uevent_devpath(ev), rb->group);
}

void
rebroadcast_close(struct rebroadcast *rb)
{
	if (rb->fd == -1)
		return;
	log_info("rebroadcast to netlink group %u: %lu sent, %lu failed",
	    rb->group, rb->sent, rb->failed);
	close(rb->fd);
	rb->fd = -1;
}
