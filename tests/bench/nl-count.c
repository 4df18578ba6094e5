/*
 * nl-count: the bare netlink listener of the benchmark, the ceiling any
 * daemon can reach.  It receives uevents until an "add" of DEVPATH
 * arrives, then touches DONE and prints how many it received and how
 * many times the kernel reported lost events.
 *
 *	nl-count READY DONE DEVPATH
 */
#include <sys/socket.h>

#include <linux/netlink.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_nl	 sa;
	char			 buf[8192], want[4200];
	unsigned long		 n = 0, lost = 0;
	ssize_t			 r;
	int			 fd, size = 32 * 1024 * 1024;

	if (argc != 4) {
		fprintf(stderr, "usage: nl-count READY DONE DEVPATH\n");
		return 100;
	}
	snprintf(want, sizeof(want), "add@%s", argv[3]);
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_KOBJECT_UEVENT);
	if (fd == -1)
		return 111;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		return 111;
	close(open(argv[1], O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	for (;;) {
		r = recv(fd, buf, sizeof(buf) - 1, 0);
		if (r == -1) {
			if (errno == ENOBUFS)
				lost++;
			else if (errno != EINTR)
				return 111;
			continue;
		}
		n++;
		buf[r] = '\0';
		if (strcmp(buf, want) == 0)
			break;
	}
	close(open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	printf("%lu %lu\n", n, lost);
	return 0;
}
