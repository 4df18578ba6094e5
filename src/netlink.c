/* The kernel uevent netlink socket: open it, receive with the sender checks, multicast. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/netlink.h>

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "uevent.h"

static const char *const drop_names[NL_DROP_MAX] = {
	[NL_ACCEPT] = "accepted",
	[NL_DROP_NO_CREDS] = "no credentials",
	[NL_DROP_NOT_ROOT] = "sender not root",
	[NL_DROP_UNICAST] = "unicast",
	[NL_DROP_BAD_ADDR] = "not from netlink",
	[NL_DROP_TRUNCATED] = "truncated",
	[NL_DROP_MALFORMED] = "malformed",
	[NL_DROP_LIBUDEV] = "libudev format",
};

const char *
netlink_drop_name(enum netlink_drop d)
{
	if ((unsigned int)d >= NL_DROP_MAX)
		return "unknown";
	return drop_names[d];
}

/*
 * CVE-2009-1185: udev trusted any sender.  Only root may speak for the
 * kernel, and only by multicast: the kernel itself (nl_pid 0) or a root
 * helper such as hotplug2-dnode.  A unicast to our port, even from root,
 * is someone talking to us privately, not an event.
 */
enum netlink_drop
netlink_check_sender(const struct sockaddr_nl *addr, socklen_t addrlen,
    const struct ucred *cred)
{
	if (addr == NULL || addrlen < (socklen_t)sizeof(*addr) ||
	    addr->nl_family != AF_NETLINK)
		return NL_DROP_BAD_ADDR;
	if (cred == NULL)
		return NL_DROP_NO_CREDS;
	if (cred->uid != 0)
		return NL_DROP_NOT_ROOT;
	if (addr->nl_groups == 0)
		return NL_DROP_UNICAST;
	return NL_ACCEPT;
}

int
netlink_open(unsigned int groups, int rcvbuf, int *granted)
{
	struct sockaddr_nl	 sa;
	socklen_t		 len;
	int			 fd, on = 1, size = 0, saved;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_KOBJECT_UEVENT);
	if (fd == -1) {
		log_warn("unable to create the uevent netlink socket");
		return -1;
	}
	if (rcvbuf > 0) {
		/* SO_RCVBUFFORCE passes rmem_max but needs CAP_NET_ADMIN. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		    sizeof(rcvbuf)) == -1 &&
		    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf)) == -1)
			log_warn("unable to set the receive buffer size");
	}
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1) {
		log_warn("unable to set SO_PASSCRED");
		goto fail;
	}
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = groups;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		log_warn("unable to bind the uevent netlink socket");
		goto fail;
	}
	/*
	 * Logged only once bound: tests and scripts take this line to mean
	 * that the socket listens, and an event sent before bind is lost.
	 */
	if (rcvbuf > 0) {
		len = sizeof(size);
		if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len) == -1)
			log_warn("unable to read the receive buffer size");
		else if (size < rcvbuf)
			log_warnx("receive buffer is %d bytes, asked for %d: "
			    "events may be lost in storms", size, rcvbuf);
		else
			log_info("receive buffer is %d bytes", size);
	}
	if (granted != NULL)
		*granted = size;
	return fd;

fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Log a drop at most once a second, with how many went unlogged. */
static void
log_drop(enum netlink_drop why, const struct ucred *cred, const char *detail)
{
	static time_t		 last;
	static unsigned long	 quiet;
	struct timespec		 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last != 0 && now.tv_sec == last) {
		quiet++;
		return;
	}
	last = now.tv_sec;
	log_warnx("dropped a netlink message from pid %ld uid %ld: %s%s%s"
	    " (%lu more dropped unlogged)",
	    cred != NULL ? (long)cred->pid : -1L,
	    cred != NULL ? (long)cred->uid : -1L,
	    netlink_drop_name(why), detail != NULL ? ": " : "",
	    detail != NULL ? detail : "", quiet);
	quiet = 0;
}

int
netlink_recv(int fd, struct uevent *ev, struct netlink_stats *st)
{
	struct sockaddr_nl	 sa;
	struct iovec		 iov;
	struct msghdr		 msg;
	struct cmsghdr		*cmsg;
	const struct ucred	*cred = NULL;
	union {
		struct cmsghdr	 align;
		char		 buf[CMSG_SPACE(sizeof(struct ucred))];
	}			 control;
	enum netlink_drop	 why;
	const char		*reason = NULL;
	ssize_t			 n;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = ev->buf;
	iov.iov_len = sizeof(ev->buf);
	msg.msg_name = &sa;
	msg.msg_namelen = sizeof(sa);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);

	do
		n = recvmsg(fd, &msg, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == ENOBUFS)
			st->enobufs++;
		return -1;
	}
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET &&
		    cmsg->cmsg_type == SCM_CREDENTIALS &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(struct ucred)))
			cred = (const struct ucred *)CMSG_DATA(cmsg);

	why = netlink_check_sender(&sa, msg.msg_namelen, cred);
	if (why == NL_ACCEPT && (msg.msg_flags & MSG_TRUNC))
		why = NL_DROP_TRUNCATED;
	if (why == NL_ACCEPT && n >= 8 && memcmp(ev->buf, "libudev\0", 8) == 0)
		why = NL_DROP_LIBUDEV;
	if (why == NL_ACCEPT &&
	    uevent_parse(ev, ev->buf, (size_t)n, &reason) == -1)
		why = NL_DROP_MALFORMED;
	if (why != NL_ACCEPT) {
		st->dropped[why]++;
		ev->len = 0;
		log_drop(why, cred, reason);
		return 0;
	}
	st->accepted++;
	return 1;
}

int
netlink_multicast(int fd, unsigned int group, const void *buf, size_t len)
{
	struct sockaddr_nl	 sa;
	ssize_t			 n;

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1U << (group - 1);
	do
		n = sendto(fd, buf, len, 0, (struct sockaddr *)&sa,
		    sizeof(sa));
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int
netlink_send(int fd, const struct uevent *ev)
{
	return netlink_multicast(fd, NETLINK_UEVENT_GROUP, ev->buf, ev->len);
}

void
netlink_stats_log(const struct netlink_stats *st)
{
	unsigned int	 i;

	log_info("netlink: %lu accepted, %lu lost to ENOBUFS", st->accepted,
	    st->enobufs);
	for (i = 1; i < NL_DROP_MAX; i++)
		log_info("netlink: %lu dropped: %s", st->dropped[i],
		    netlink_drop_name((enum netlink_drop)i));
}
