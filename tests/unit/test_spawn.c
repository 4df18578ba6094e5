/* cmocka tests for spawn.c's merged commands: one command per batch, the union of names, the events it holds back. */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "spawn.h"

static char	 dir[] = "/tmp/hp2-test-spawn.XXXXXX";
static char	 out[sizeof(dir) + 16];

/* A stand-in for modprobe -a: appends its names, one line per run. */
static const char *const fake[] = {
	"/bin/sh", "-c", "echo \"$*\" >>\"$OUT\"", "modprobe", NULL
};
#define FAKE_PREFIX	4

static char	 env_out[sizeof(out) + 8];

/* fake's argv with names appended. */
static void
request(const char *devpath, uint64_t seqnum, char *const envp[], ...)
{
	char		*argv[FAKE_PREFIX + 8];
	const char	*name;
	va_list		 ap;
	size_t		 n = 0;

	for (n = 0; fake[n] != NULL; n++)
		argv[n] = (char *)fake[n];
	va_start(ap, envp);
	while ((name = va_arg(ap, const char *)) != NULL)
		argv[n++] = (char *)name;
	va_end(ap);
	argv[n] = NULL;
	assert_int_equal(spawn_merged(argv, FAKE_PREFIX, envp, devpath,
	    seqnum), 0);
}

/* Reap until no command runs (5 s at most). */
static void
wait_all(void)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	int		 i;

	for (i = 0; i < 500 && spawn_running() + spawn_pending() > 0; i++) {
		spawn_reap(NULL, NULL);
		nanosleep(&ts, NULL);
	}
	assert_int_equal(spawn_running() + spawn_pending(), 0);
}

/* The lines the fake wrote, then the file emptied. */
static void
expect_runs(const char *want)
{
	char	 buf[512];
	FILE	*f;
	size_t	 n = 0;

	if ((f = fopen(out, "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	assert_string_equal(buf, want);
	assert_int_equal(truncate(out, 0) == 0 || n == 0, 1);
}

static void
test_one_command_for_a_batch(void **state)
{
	char	*env[] = { env_out, "PATH=/usr/bin:/bin", NULL };
	/* The same set in another order: Lua builds it in table order. */
	char	*env2[] = { "PATH=/usr/bin:/bin", env_out, NULL };

	(void)state;
	request("/devices/pci0000:00/0000:00:02.0", 10, env, "e1000e", NULL);
	request("/devices/pci0000:00/0000:00:1f.3", 11, env2, "snd-hda-intel",
	    "e1000e", NULL);
	request("/devices/usb1/1-1", 12, env, "usb_storage", "snd_hda_intel",
	    "uas", NULL);
	/* Held: nothing runs yet, and every event it serves is busy. */
	assert_int_equal(spawn_running(), 0);
	assert_int_equal(spawn_pending(), 0);
	assert_int_equal(spawn_held(), 3);
	assert_true(spawn_busy("/devices/pci0000:00/0000:00:02.0", NULL));
	assert_true(spawn_busy("/devices/pci0000:00", NULL));
	assert_true(spawn_busy("/devices/usb1/1-1/1-1:1.0", NULL));
	assert_false(spawn_busy("/devices/pci0000:00/0000:00:03.0", NULL));
	assert_false(spawn_busy("/devices/usb2", NULL));

	spawn_flush();
	assert_int_equal(spawn_held(), 0);
	assert_int_equal(spawn_running(), 1);
	/* Running, it still holds every event's devpath until reaped. */
	assert_true(spawn_busy("/devices/pci0000:00/0000:00:1f.3", NULL));
	assert_true(spawn_busy("/devices/usb1/1-1", NULL));
	wait_all();
	assert_false(spawn_busy("/devices/usb1/1-1", NULL));
	/* Each name once, in the order first asked, '-' and '_' alike. */
	expect_runs("e1000e snd-hda-intel usb_storage uas\n");
	spawn_flush();
	assert_int_equal(spawn_running(), 0);
}

static void
test_batches_are_not_merged(void **state)
{
	char	*env[] = { env_out, NULL };

	(void)state;
	request("/devices/a", 1, env, "m1", NULL);
	spawn_flush();
	request("/devices/b", 2, env, "m2", NULL);
	spawn_flush();
	wait_all();
	/* Two runs, in either order. */
	{
		char	 buf[64];
		FILE	*f = fopen(out, "r");
		size_t	 n;

		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		assert_true(strcmp(buf, "m1\nm2\n") == 0 ||
		    strcmp(buf, "m2\nm1\n") == 0);
		assert_int_equal(truncate(out, 0), 0);
	}
}

static void
test_other_environment_runs_at_once(void **state)
{
	char	*env[] = { env_out, NULL };
	char	*other[] = { env_out, "X=1", NULL };

	(void)state;
	request("/devices/a", 1, env, "m1", NULL);
	request("/devices/b", 2, other, "m2", NULL);
	/* Not like the held command: started as spawn_async starts it. */
	assert_int_equal(spawn_held(), 1);
	assert_int_equal(spawn_running(), 1);
	wait_all();
	expect_runs("m2\n");
	spawn_flush();
	wait_all();
	expect_runs("m1\n");
}

static void
test_sync_command_starts_it_first(void **state)
{
	char	*env[] = { env_out, NULL };
	char	*argv[] = { "/bin/sh", "-c", "cat \"$OUT\"", NULL };
	int	 status;

	(void)state;
	request("/devices/a", 1, env, "m1", NULL);
	assert_int_equal(spawn_running(), 0);
	assert_int_equal(spawn_sync(argv, env, 0, NULL, &status), 0);
	assert_int_equal(spawn_held(), 0);
	wait_all();
	expect_runs("m1\n");
}

static void
test_bounded(void **state)
{
	char	*env[] = { env_out, NULL };
	char	 names[SPAWN_MERGE_MAX + 1][8];
	int	 i;
	FILE	*f;
	int	 lines = 0, c;

	(void)state;
	/* One more event than a command serves: a second command. */
	for (i = 0; i <= SPAWN_MERGE_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "m%d", i);
		request("/devices/a", (uint64_t)i + 1, env, names[i], NULL);
	}
	assert_int_equal(spawn_held(), 1);
	spawn_flush();
	wait_all();
	assert_non_null(f = fopen(out, "r"));
	while ((c = getc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	assert_int_equal(lines, 2);
	assert_int_equal(truncate(out, 0), 0);
}

static void
test_drop_pending_drops_it(void **state)
{
	char	*env[] = { env_out, NULL };

	(void)state;
	request("/devices/a", 1, env, "m1", NULL);
	spawn_drop_pending();
	assert_int_equal(spawn_held(), 0);
	assert_false(spawn_busy("/devices/a", NULL));
	spawn_flush();
	assert_int_equal(spawn_running(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_command_for_a_batch),
		cmocka_unit_test(test_batches_are_not_merged),
		cmocka_unit_test(test_other_environment_runs_at_once),
		cmocka_unit_test(test_sync_command_starts_it_first),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_drop_pending_drops_it),
	};
	int	 rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(env_out, sizeof(env_out), "OUT=%s", out);
	log_init("test_spawn", 1, 0);
	spawn_init(4, 5000);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(out);
	rmdir(dir);
	return rc;
}
