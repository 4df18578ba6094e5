/* Table tests for the PATH lookup before a fork, and the descriptors a child keeps, with and without close_range. */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exec.h"

struct resolve_case {
	const char	*name;
	const char	*path;
	const char	*file;		/* NULL: fails with err */
	int		 err;
};

static const struct resolve_case resolve_cases[] = {
	{ "sh", "/nonexistent:/bin", "/bin/sh", 0 },
	{ "sh", "/bin:/usr/bin", "/bin/sh", 0 },
	{ "sh", NULL, "/usr/bin/sh", 0 },	/* EXEC_DEFAULT_PATH */
	/* Empty and relative entries never count: not the working directory. */
	{ "sh", ":.:bin", NULL, ENOENT },
	{ "sh", "", NULL, ENOENT },
	{ "/bin/sh", "/nonexistent", "/bin/sh", 0 },
	{ "/nonexistent/sh", "/bin", NULL, ENOENT },
	{ "", "/bin", NULL, ENOENT },
	/* Found, but not a program: EACCES, as execvp reports. */
	{ "passwd", "/etc", NULL, EACCES },
	{ "passwd", "/etc:/nonexistent", NULL, EACCES },
	{ "passwd", "/etc:/usr/bin", "/usr/bin/passwd", 0 },
	{ "/etc", "/bin", NULL, EACCES },
	{ "/etc/passwd", "/bin", NULL, EACCES },
};

static void
test_resolve(void **state)
{
	char	 out[PATH_MAX];
	size_t	 i;
	int	 rc;

	(void)state;
	for (i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]); i++) {
		const struct resolve_case *c = &resolve_cases[i];

		errno = 0;
		rc = exec_resolve(c->name, c->path, out, sizeof(out));
		if (c->file != NULL) {
			if (rc != 0)
				fail_msg("%s along %s: %s", c->name,
				    c->path ? c->path : "(default)",
				    strerror(errno));
			assert_string_equal(out, c->file);
		} else {
			assert_int_equal(rc, -1);
			if (errno != c->err)
				fail_msg("%s along %s: errno %d, want %d",
				    c->name, c->path, errno, c->err);
		}
	}
}

static void
test_resolve_too_long(void **state)
{
	char	 out[16];

	(void)state;
	assert_int_equal(exec_resolve("/usr/bin/something-long", NULL, out,
	    sizeof(out)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	/* A directory whose join does not fit is passed over. */
	assert_int_equal(exec_resolve("sh", "/a/very/long/directory:/bin", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "/bin/sh");
}

static void
test_env_path(void **state)
{
	char	*with[] = { "A=1", "PATHX=no", "PATH=/x:/y", NULL };
	char	*without[] = { "A=1", NULL };

	(void)state;
	assert_string_equal(exec_env_path(with), "/x:/y");
	assert_null(exec_env_path(without));
	assert_null(exec_env_path(NULL));
}

/* Make close_range fail with ENOSYS, as on kernels before 5.9. */
static int
deny_close_range(void)
{
#ifdef SYS_close_range
	struct sock_filter	 insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close_range, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	 prog = { sizeof(insns) / sizeof(insns[0]),
	    insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == -1)
		return -1;
	if (syscall(SYS_close_range, 3U, ~0U, 0) != -1 || errno != ENOSYS)
		return -1;
#endif
	return 0;
}

/*
 * In a child: open descriptors low and high, call exec_close_from_3, and
 * exit 0 when 0-2 stay as they were and every other is close-on-exec.
 */
static int
child_closes(int old_kernel)
{
	int	 fds[3], i, st;
	pid_t	 pid;

	if ((pid = fork()) == 0) {
		if (old_kernel && deny_close_range() == -1)
			_exit(3);
		fds[0] = open("/dev/null", O_RDONLY);
		fds[1] = dup2(fds[0], 200);
		fds[2] = dup2(fds[0], 1000);
		if (fds[0] < 3 || fds[1] != 200 || fds[2] != 1000)
			_exit(4);
		exec_close_from_3();
		for (i = 0; i < 3; i++)
			if (!(fcntl(fds[i], F_GETFD) & FD_CLOEXEC))
				_exit(10 + i);
		for (i = 0; i < 3; i++)
			if (fcntl(i, F_GETFD) == -1 ||
			    (fcntl(i, F_GETFD) & FD_CLOEXEC))
				_exit(20 + i);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void
test_close_range(void **state)
{
	(void)state;
	assert_int_equal(child_closes(0), 0);
}

static void
test_close_fallback(void **state)
{
	(void)state;
	assert_int_equal(child_closes(1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_too_long),
		cmocka_unit_test(test_env_path),
		cmocka_unit_test(test_close_range),
		cmocka_unit_test(test_close_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
