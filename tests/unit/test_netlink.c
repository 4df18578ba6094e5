/* Table tests for the netlink sender checks (CVE-2009-1185 and unicast). */
#include <sys/types.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "netlink.h"

struct sender_case {
	const char		*name;
	sa_family_t		 family;
	socklen_t		 addrlen;
	unsigned int		 pid, groups;
	int			 has_cred;
	uid_t			 uid;
	enum netlink_drop	 want;
};

static const struct sender_case sender_cases[] = {
	{ "kernel broadcast", AF_NETLINK, sizeof(struct sockaddr_nl), 0, 1,
	    1, 0, NL_ACCEPT },
	{ "root process multicast (hotplug2-dnode)", AF_NETLINK,
	    sizeof(struct sockaddr_nl), 4242, 1, 1, 0, NL_ACCEPT },
	{ "non-root multicast with CAP_NET_ADMIN", AF_NETLINK,
	    sizeof(struct sockaddr_nl), 4242, 1, 1, 65534, NL_DROP_NOT_ROOT },
	{ "kernel address but non-root credentials", AF_NETLINK,
	    sizeof(struct sockaddr_nl), 0, 1, 1, 1000, NL_DROP_NOT_ROOT },
	{ "no credentials", AF_NETLINK, sizeof(struct sockaddr_nl), 0, 1, 0,
	    0, NL_DROP_NO_CREDS },
	{ "root unicast to our port", AF_NETLINK, sizeof(struct sockaddr_nl),
	    4242, 0, 1, 0, NL_DROP_UNICAST },
	{ "kernel unicast", AF_NETLINK, sizeof(struct sockaddr_nl), 0, 0, 1, 0,
	    NL_DROP_UNICAST },
	{ "non-root unicast", AF_NETLINK, sizeof(struct sockaddr_nl), 4242, 0,
	    1, 1000, NL_DROP_NOT_ROOT },
	{ "wrong family", AF_UNIX, sizeof(struct sockaddr_nl), 0, 1, 1, 0,
	    NL_DROP_BAD_ADDR },
	{ "short address", AF_NETLINK, 4, 0, 1, 1, 0, NL_DROP_BAD_ADDR },
};

static void
test_check_sender(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(sender_cases) / sizeof(sender_cases[0]); i++) {
		const struct sender_case	*c = &sender_cases[i];
		struct sockaddr_nl		 sa;
		struct ucred			 cred;
		enum netlink_drop		 got;

		memset(&sa, 0, sizeof(sa));
		sa.nl_family = c->family;
		sa.nl_pid = c->pid;
		sa.nl_groups = c->groups;
		cred.pid = (pid_t)c->pid;
		cred.uid = c->uid;
		cred.gid = 0;
		got = netlink_check_sender(&sa, c->addrlen,
		    c->has_cred ? &cred : NULL);
		if (got != c->want)
			fail_msg("%s: got %s, want %s", c->name,
			    netlink_drop_name(got), netlink_drop_name(c->want));
	}
	assert_int_equal(netlink_check_sender(NULL, 0, NULL), NL_DROP_BAD_ADDR);
}

static void
test_drop_names(void **state)
{
	int	 i;

	(void)state;
	for (i = 0; i < NL_DROP_MAX; i++) {
		assert_non_null(netlink_drop_name((enum netlink_drop)i));
		assert_string_not_equal(netlink_drop_name((enum netlink_drop)i),
		    "unknown");
	}
	assert_string_equal(netlink_drop_name(NL_DROP_MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_sender),
		cmocka_unit_test(test_drop_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
