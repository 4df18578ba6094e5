/* modules.dep and modules.builtin as sets of module names, as depmod writes them on 2.6+ and 2.4. */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "modlist.h"

/* Lines as Debian 12's 6.1 kernel has them, and a 2.4 one. */
static const char dep[] =
    "kernel/arch/x86/crypto/aesni-intel.ko: kernel/crypto/crypto_simd.ko "
    "kernel/crypto/cryptd.ko\n"
    "kernel/drivers/usb/storage/uas.ko.xz: kernel/drivers/usb/storage/usb-storage.ko.xz\n"
    "kernel/drivers/usb/storage/usb-storage.ko.xz:\n"
    "kernel/fs/ext4/ext4.ko.zst: kernel/fs/jbd2/jbd2.ko.zst kernel/fs/mbcache.ko.zst\n"
    "\n"
    "# a comment\n"
    "/lib/modules/2.4.37/kernel/drivers/net/e100.o: /lib/modules/2.4.37/kernel/drivers/net/mii.o\n"
    "kernel/drivers/usb/storage/uas.ko.xz: again\n"
    "kernel/drivers/hid/hid-generic.ko";
static const char builtin[] =
    "kernel/drivers/input/serio/i8042.ko\nkernel/fs/ext4/ext4.ko\n";

struct has_case {
	const char	*module;
	int		 has;
};

static const struct has_case dep_cases[] = {
	{ "aesni_intel", 1 },
	{ "aesni-intel", 1 },		/* '-' and '_' are the same */
	{ "uas", 1 },
	{ "usb_storage", 1 },
	{ "usb-storage", 1 },
	{ "ext4", 1 },
	{ "e100", 1 },			/* 2.4: a full path and .o */
	{ "hid_generic", 1 },		/* the last line has no newline */
	{ "jbd2", 0 },			/* a dependency, not a line of its own */
	{ "crypto_simd", 0 },
	{ "a", 0 },
	{ "", 0 },
	{ "zzz", 0 },
	{ "# a comment", 0 },
};

static void
test_dep(void **state)
{
	struct modlist	*ml;
	size_t		 i;

	(void)state;
	ml = modlist_parse(dep, sizeof(dep) - 1);
	assert_non_null(ml);
	assert_int_equal(modlist_count(ml), 6);	/* uas once */
	for (i = 0; i < sizeof(dep_cases) / sizeof(dep_cases[0]); i++) {
		if (modlist_has(ml, dep_cases[i].module) != dep_cases[i].has)
			fail_msg("modlist_has(\"%s\") != %d", dep_cases[i].module,
			    dep_cases[i].has);
	}
	modlist_free(ml);
}

static void
test_builtin_file(void **state)
{
	struct modlist	*ml;
	char		 path[] = "/tmp/test_modlist.XXXXXX";
	char		 fifo[] = "/tmp/test_modlist.XXXXXX";
	int		 fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, builtin, sizeof(builtin) - 1),
	    (ssize_t)(sizeof(builtin) - 1));
	close(fd);
	ml = modlist_load(path);
	unlink(path);
	assert_non_null(ml);
	assert_int_equal(modlist_count(ml), 2);
	assert_true(modlist_has(ml, "i8042"));
	assert_true(modlist_has(ml, "ext4"));
	assert_false(modlist_has(ml, "uas"));
	assert_true(modlist_bytes(ml) < 200);
	modlist_free(ml);
	assert_null(modlist_load("/nonexistent/modules.dep"));
	assert_null(modlist_load("/tmp"));
	assert_int_equal(errno, EINVAL);
	/* A FIFO is refused at once, never waited on. */
	fd = mkstemp(fifo);
	assert_true(fd != -1);
	close(fd);
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_null(modlist_load(fifo));
	assert_int_equal(errno, EINVAL);
	unlink(fifo);
	ml = modlist_load("/dev/null");
	assert_non_null(ml);
	assert_int_equal(modlist_count(ml), 0);
	modlist_free(ml);
}

static void
test_empty_and_long(void **state)
{
	struct modlist	*ml;
	char		 line[600];

	(void)state;
	ml = modlist_parse("", 0);
	assert_non_null(ml);
	assert_int_equal(modlist_count(ml), 0);
	assert_false(modlist_has(ml, "ext4"));
	modlist_free(ml);
	/* A name longer than any module's is no module. */
	memset(line, 'a', sizeof(line) - 5);
	memcpy(line + sizeof(line) - 5, ".ko\n", 4);
	ml = modlist_parse(line, sizeof(line) - 1);
	assert_non_null(ml);
	assert_int_equal(modlist_count(ml), 0);
	line[300] = '\0';
	assert_false(modlist_has(ml, line));
	modlist_free(ml);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dep),
		cmocka_unit_test(test_builtin_file),
		cmocka_unit_test(test_empty_and_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
