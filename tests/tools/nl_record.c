/* nl-record: record every message multicast on one NETLINK_KOBJECT_UEVENT group, byte for byte, for tests. */
#include <sys/types.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * usage: nl-record GROUP OUT READY [DONE DEVPATH]
 *
 * Binds to GROUP (1 the kernel's, 2..32 others) with a 64 MiB receive
 * buffer and appends each message to OUT as it came, back to back (a
 * recording, as replay reads them: the kernel's messages end in a NUL).
 * Touches READY once bound, DONE when the message "add@DEVPATH" arrives.
 * On SIGTERM it takes what is still queued, prints "RECEIVED ENOBUFS
 * TRUNCATED" and exits 0.
 */

#define RCVBUF		(64 * 1024 * 1024)

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

int
main(int argc, char *argv[])
{
	struct sockaddr_nl	 sa;
	struct sigaction	 act;
	struct pollfd		 pfd;
	char			 buf[16385], want[4200];
	unsigned long		 group, n = 0, lost = 0, trunc = 0;
	ssize_t			 r;
	FILE			*out;
	int			 fd, size = RCVBUF;

	if (argc != 4 && argc != 6) {
		fprintf(stderr, "usage: nl-record GROUP OUT READY "
		    "[DONE DEVPATH]\n");
		return 100;
	}
	group = strtoul(argv[1], NULL, 10);
	if (group < 1 || group > 32)
		return 100;
	if (argc == 6)
		snprintf(want, sizeof(want), "add@%s", argv[5]);
	else
		want[0] = '\0';
	memset(&act, 0, sizeof(act));
	act.sa_handler = on_term;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	if ((out = fopen(argv[2], "w")) == NULL)
		return 111;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_KOBJECT_UEVENT);
	if (fd == -1)
		return 111;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1U << (group - 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("nl-record: bind");
		return 111;
	}
	touch(argv[3]);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		r = recv(fd, buf, sizeof(buf) - 1, MSG_TRUNC);
		if (r == -1) {
			if (errno == ENOBUFS) {
				lost++;
				continue;
			}
			if (errno != EAGAIN && errno != EINTR)
				return 111;
			/* Drained: after SIGTERM, that is the end. */
			if (stopping)
				break;
			/* A timeout: SIGTERM may come between recv and poll. */
			if (poll(&pfd, 1, 100) == -1 && errno != EINTR)
				return 111;
			continue;
		}
		if ((size_t)r > sizeof(buf) - 1) {
			trunc++;
			continue;
		}
		buf[r] = '\0';
		fwrite(buf, 1, (size_t)r, out);
		n++;
		if (want[0] != '\0' && (size_t)r > strlen(want) &&
		    strcmp(buf, want) == 0) {
			fflush(out);
			touch(argv[4]);
		}
	}
	if (fclose(out) != 0)
		return 111;
	printf("%lu %lu %lu\n", n, lost, trunc);
	return 0;
}
