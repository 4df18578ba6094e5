/* nlsend: send one forged uevent on NETLINK_KOBJECT_UEVENT, multicast or unicast, for tests. */
#include <sys/types.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * usage: nlsend [-u PORT] STRING...
 * The strings are joined with NULs, each NUL-terminated, exactly as the
 * kernel writes a uevent.  Without -u the message goes to group 1.
 */
int
main(int argc, char *argv[])
{
	struct sockaddr_nl	 sa;
	char			 buf[16384];
	size_t			 len = 0, n;
	unsigned long		 port = 0;
	int			 fd, ch, unicast = 0;

	while ((ch = getopt(argc, argv, "u:")) != -1) {
		switch (ch) {
		case 'u':
			unicast = 1;
			port = strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: nlsend [-u PORT] STRING...\n");
			return 100;
		}
	}
	for (; optind < argc; optind++) {
		n = strlen(argv[optind]) + 1;
		if (len + n > sizeof(buf)) {
			fprintf(stderr, "nlsend: message too long\n");
			return 1;
		}
		memcpy(buf + len, argv[optind], n);
		len += n;
	}
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_KOBJECT_UEVENT);
	if (fd == -1) {
		perror("nlsend: socket");
		return 111;
	}
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (unicast)
		sa.nl_pid = (unsigned int)port;
	else
		sa.nl_groups = 1;
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("nlsend: sendto");
		return 111;
	}
	return 0;
}
