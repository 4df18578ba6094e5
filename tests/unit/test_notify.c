/* Table tests for the NOTIFY_SOCKET protocol: one "READY=1" datagram to a path or an abstract name, never to anything else. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "notify.h"

/* bind_dgram NAME: a datagram socket bound to NAME ("/path" or "@abstract"). */
static int
bind_dgram(const char *name)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(strlen(name) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, name, strlen(name));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name));
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	else
		unlink(name);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_int_not_equal(fd, -1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	return fd;
}

/* take FD: the one datagram waiting on FD, or "" when there is none. */
static const char *
take(int fd)
{
	static char	 buf[256];
	ssize_t		 n;

	n = recv(fd, buf, sizeof(buf) - 1, 0);
	if (n == -1) {
		assert_int_equal(errno, EAGAIN);
		n = 0;
	}
	buf[n] = '\0';
	return buf;
}

static void
notify_once(const char *name)
{
	int	 fd;

	fd = bind_dgram(name);
	assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
	assert_int_equal(notify_init(), 0);
	/* Taken out of the environment: the handlers' programs never see it. */
	assert_null(getenv("NOTIFY_SOCKET"));
	assert_string_equal(take(fd), "");
	notify_ready();
	assert_string_equal(take(fd), "READY=1\n");
	/* Once only: a second coldplug or resynchronization sends nothing. */
	notify_ready();
	assert_string_equal(take(fd), "");
	close(fd);
	if (name[0] == '/')
		unlink(name);
}

static void
test_path(void **state)
{
	char	 name[64];

	(void)state;
	snprintf(name, sizeof(name), "/tmp/hp2-notify-test.%ld",
	    (long)getpid());
	notify_once(name);
}

static void
test_abstract(void **state)
{
	char	 name[64];

	(void)state;
	snprintf(name, sizeof(name), "@hp2-notify-test.%ld", (long)getpid());
	notify_once(name);
}

static void
test_unset(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_init(), 0);
	notify_ready();		/* nothing to send to, nothing to fail */
}

/* Names the protocol does not allow are refused and removed. */
static void
test_bad_names(void **state)
{
	static const char *bad[] = {
		"", "@", "relative/socket", "tmp/x",
		"/a/path/longer/than/the/one/hundred/and/eight/bytes/a/unix"
		    "/socket/address/can/hold/in/sun_path/xxxxxxxxxxxxxxxxxxxxxx",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv("NOTIFY_SOCKET", bad[i], 1), 0);
		assert_int_equal(notify_init(), -1);
		assert_null(getenv("NOTIFY_SOCKET"));
		notify_ready();
	}
}

/* Nobody listening: logged, not fatal, and the daemon goes on. */
static void
test_nobody_listens(void **state)
{
	(void)state;
	assert_int_equal(setenv("NOTIFY_SOCKET", "@hp2-notify-nobody", 1), 0);
	assert_int_equal(notify_init(), 0);
	notify_ready();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_nobody_listens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
