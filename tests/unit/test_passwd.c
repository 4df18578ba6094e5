/* Table tests for the passwd(5)/group(5) lookups that work under --root and in static builds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "passwd.h"

/* Debian 12's default /etc/group, and the head of its /etc/passwd. */
static const char debian_group[] =
    "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\n"
    "disk:x:6:\nlp:x:7:\nmail:x:8:\nnews:x:9:\nuucp:x:10:\nman:x:12:\n"
    "proxy:x:13:\nkmem:x:15:\ndialout:x:20:\nfax:x:21:\nvoice:x:22:\n"
    "cdrom:x:24:\nfloppy:x:25:\ntape:x:26:\nsudo:x:27:\naudio:x:29:\n"
    "dip:x:30:\nwww-data:x:33:\nbackup:x:34:\noperator:x:37:\nlist:x:38:\n"
    "irc:x:39:\nsrc:x:40:\nshadow:x:42:\nutmp:x:43:\nvideo:x:44:\n"
    "sasl:x:45:\nplugdev:x:46:\nstaff:x:50:\ngames:x:60:\nusers:x:100:\n"
    "nogroup:x:65534:\n";
static const char debian_passwd[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

struct lookup_case {
	const char	*name;
	const char	*text;
	const char	*key;
	int		 rc;
	unsigned long	 id;
	unsigned int	 line;
};

static const struct lookup_case lookup_cases[] = {
	{ "first line", debian_group, "root", 1, 0, 1 },
	{ "tty", debian_group, "tty", 1, 5, 6 },
	{ "dialout", debian_group, "dialout", 1, 20, 15 },
	{ "audio", debian_group, "audio", 1, 29, 22 },
	{ "last line", debian_group, "nogroup", 1, 65534, 38 },
	{ "absent", debian_group, "kvm", 0, 0, 0 },
	{ "prefix of a name is not the name", debian_group, "dis", 0, 0, 0 },
	{ "a name longer than any entry", debian_group, "diskdiskdisk", 0, 0, 0 },
	{ "passwd: uid is the third field too", debian_passwd, "nobody", 1, 65534, 3 },
	{ "no trailing newline", "a:x:1:\nb:x:2:", "b", 1, 2, 2 },
	{ "empty file", "", "root", 0, 0, 0 },
	{ "comment and blank lines", "# groups\n\nwheel:x:10:root\n", "wheel", 1, 10, 3 },
	{ "junk on other lines is ignored", "garbage\n::\nkvm:x:102:\n", "kvm", 1, 102, 3 },
	{ "id not a number", "kvm:x:1o2:\n", "kvm", -1, 0, 1 },
	{ "empty id", "kvm:x::\n", "kvm", -1, 0, 1 },
	{ "only two fields", "kvm:x\n", "kvm", -1, 0, 1 },
	{ "id too large", "kvm:x:99999999999:\n", "kvm", -1, 0, 1 },
	{ "empty name is never found", "::0:\n", "", 0, 0, 0 },
	{ "first of duplicates wins", "kvm:x:102:\nkvm:x:103:\n", "kvm", 1, 102, 1 },
};

static void
test_lookup(void **state)
{
	const struct lookup_case	*c;
	unsigned long			 id;
	unsigned int			 line;
	size_t				 i;
	int				 rc;

	(void)state;
	for (i = 0; i < sizeof(lookup_cases) / sizeof(*c); i++) {
		c = &lookup_cases[i];
		id = 4242;
		line = 0;
		rc = passwd_lookup(c->text, strlen(c->text), c->key, &id, &line);
		if (rc != c->rc)
			fail_msg("%s: rc %d, want %d", c->name, rc, c->rc);
		if (rc == 1 && id != c->id)
			fail_msg("%s: id %lu, want %lu", c->name, id, c->id);
		if (rc != 0 && line != c->line)
			fail_msg("%s: line %u, want %u", c->name, line, c->line);
	}
}

static void
test_numeric(void **state)
{
	static const struct {
		const char	*in;
		int		 rc;
		unsigned long	 id;
	} cases[] = {
		{ "0", 1, 0 }, { "1000", 1, 1000 }, { "4294967294", 1, 4294967294UL },
		{ "4294967295", 0, 0 }, { "", 0, 0 }, { "12a", 0, 0 }, { "-1", 0, 0 },
		{ "tty", 0, 0 },
	};
	unsigned long	 id;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		id = 7;
		assert_int_equal(passwd_numeric(cases[i].in, &id), cases[i].rc);
		if (cases[i].rc)
			assert_int_equal(id, cases[i].id);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_numeric),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
