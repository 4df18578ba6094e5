/* The kernel uevent netlink socket: open, receive with sender checks, send. */
#ifndef HOTPLUG2_NETLINK_H
#define HOTPLUG2_NETLINK_H

#include <sys/types.h>
#include <sys/socket.h>
#include <linux/netlink.h>

struct uevent;

#define NETLINK_UEVENT_GROUP	1
/*
 * The receive buffer asked for, udev's own: a storm waits there while the
 * handlers catch up (a 50,000-event burst of the default scripts needs
 * more than 16 MiB here).  The kernel takes the memory only for what
 * waits.  hotplug2 --buffer-size changes it, down to the minimum.
 */
#define NETLINK_RCVBUF_WANT	(128 * 1024 * 1024)
#define NETLINK_RCVBUF_MIN	(64 * 1024)

/* Why a message was dropped; each reason has its own counter. */
enum netlink_drop {
	NL_ACCEPT = 0,
	NL_DROP_NO_CREDS,	/* no SCM_CREDENTIALS */
	NL_DROP_NOT_ROOT,	/* credentials with uid != 0 */
	NL_DROP_UNICAST,	/* nl_groups == 0 */
	NL_DROP_BAD_ADDR,	/* not an AF_NETLINK sender */
	NL_DROP_TRUNCATED,	/* MSG_TRUNC */
	NL_DROP_MALFORMED,	/* uevent_parse refused it */
	NL_DROP_LIBUDEV,	/* libudev-format message */
	NL_DROP_MAX
};

struct netlink_stats {
	unsigned long	accepted;
	unsigned long	dropped[NL_DROP_MAX];
	unsigned long	enobufs;
};

const char	*netlink_drop_name(enum netlink_drop);

/*
 * Decide on a sender: addr is the source address (addrlen its length),
 * cred the SCM_CREDENTIALS payload or NULL when none came.  Pure: no I/O.
 */
enum netlink_drop netlink_check_sender(const struct sockaddr_nl *addr,
		    socklen_t addrlen, const struct ucred *cred);

/*
 * Open a non-blocking, close-on-exec uevent socket bound to group 1 (or
 * no group when groups is 0: a sender only).  rcvbuf bytes are asked for
 * with SO_RCVBUFFORCE, then SO_RCVBUF; the size granted is logged and
 * stored in *granted when not NULL.  Returns the fd or -1 (errno set).
 */
int		 netlink_open(unsigned int groups, int rcvbuf, int *granted);

/*
 * Receive one message.  Returns 1 with *ev filled when one was accepted,
 * 0 when a message was dropped (counted in st, logged rate-limited),
 * -1 with errno set otherwise: EAGAIN when nothing is waiting, ENOBUFS
 * when the kernel lost events (counted in st->enobufs).
 */
int		 netlink_recv(int fd, struct uevent *ev, struct netlink_stats *st);

/* Multicast an event to group 1, as hotplug2-dnode and coldplug do. */
int		 netlink_send(int fd, const struct uevent *ev);

/*
 * Multicast len bytes to group (1 the kernel's, 2 libudev's).  Needs
 * CAP_NET_ADMIN; the receivers see the sender's credentials.  0 or -1
 * with errno set.
 */
int		 netlink_multicast(int fd, unsigned int group, const void *buf,
		    size_t len);

/* Log the counters at info level (monitor -v, daemon exit). */
void		 netlink_stats_log(const struct netlink_stats *st);

#endif
