/*
 * notify-recv: stand in for systemd's side of NOTIFY_SOCKET.
 * usage: notify-recv [-t SECONDS] NAME COMMAND [ARGS...]
 * Binds a datagram socket to NAME ("/path" or "@abstract"), runs COMMAND
 * with NOTIFY_SOCKET=NAME, prints the first datagram it receives, then
 * kills COMMAND at once (SIGKILL: whatever it logged so far is all it
 * did before it notified).  Exits 0 on a datagram, 1 on timeout or when
 * COMMAND ends first.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	char			 buf[4096];
	struct pollfd		 pfd;
	const char		*name;
	socklen_t		 len;
	ssize_t			 n;
	pid_t			 pid;
	int			 fd, status, i, seconds = 20;

	if (argc >= 3 && strcmp(argv[1], "-t") == 0) {
		seconds = atoi(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: notify-recv [-t SECONDS] NAME COMMAND...\n");
		return 100;
	}
	name = argv[1];
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(name) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "notify-recv: %s: name too long\n", name);
		return 100;
	}
	memcpy(sun.sun_path, name, strlen(name));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, len) == -1) {
		perror("notify-recv: bind");
		return 111;
	}
	if ((pid = fork()) == -1) {
		perror("notify-recv: fork");
		return 111;
	}
	if (pid == 0) {
		setenv("NOTIFY_SOCKET", name, 1);
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (i = 0; i < seconds * 10; i++) {
		if (poll(&pfd, 1, 100) == 1) {
			n = recv(fd, buf, sizeof(buf) - 1, 0);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			if (n < 0) {
				perror("notify-recv: recv");
				return 111;
			}
			buf[n] = '\0';
			fputs(buf, stdout);
			return 0;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "notify-recv: %s ended without "
			    "notifying (status %d)\n", argv[2], status);
			return 1;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fprintf(stderr, "notify-recv: nothing in %d s\n", seconds);
	return 1;
}
