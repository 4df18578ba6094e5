/* Readiness for systemd: one "READY=1" datagram to $NOTIFY_SOCKET, as sd_notify(3) describes. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"

#define NOTIFY_ENV	"NOTIFY_SOCKET"
#define NOTIFY_READY	"READY=1\n"

static struct sockaddr_un	notify_addr;
static socklen_t		notify_len;	/* 0: nothing to notify */

int
notify_init(void)
{
	const char	*name;
	size_t		 n;

	notify_len = 0;
	if ((name = getenv(NOTIFY_ENV)) == NULL)
		return 0;
	n = strlen(name);
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	if ((name[0] != '/' && name[0] != '@') || n < 2 ||
	    n >= sizeof(notify_addr.sun_path)) {
		log_warnx("%s=%s: not an absolute path or @name, "
		    "readiness will not be notified", NOTIFY_ENV, name);
		unsetenv(NOTIFY_ENV);
		return -1;
	}
	memcpy(notify_addr.sun_path, name, n);
	/*
	 * An abstract name starts with a NUL byte and is exactly as long
	 * as the address says: no terminating NUL is counted.
	 */
	if (name[0] == '@')
		notify_addr.sun_path[0] = '\0';
	notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	unsetenv(NOTIFY_ENV);
	return 0;
}

void
notify_ready(void)
{
	ssize_t	 n;
	int	 fd;

	if (notify_len == 0)
		return;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("unable to create the %s socket", NOTIFY_ENV);
		notify_len = 0;
		return;
	}
	n = sendto(fd, NOTIFY_READY, sizeof(NOTIFY_READY) - 1, MSG_NOSIGNAL,
	    (struct sockaddr *)&notify_addr, notify_len);
	if (n != (ssize_t)sizeof(NOTIFY_READY) - 1)
		log_warn("unable to notify readiness to %s%s",
		    notify_addr.sun_path[0] == '\0' ? "@" : "",
		    notify_addr.sun_path + (notify_addr.sun_path[0] == '\0'));
	close(fd);
	notify_len = 0;
}
