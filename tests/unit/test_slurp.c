/* Whole-file reads: exactly the bytes, up to the bound and not one past it, whatever the size hint says. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "slurp.h"

/* A file holding n bytes 'a'..; its path in path. */
static void
make_file(char *path, size_t n)
{
	char	 buf[256];
	size_t	 i;
	int	 fd;

	for (i = 0; i < n && i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
}

static void
test_bounds(void **state)
{
	static const size_t	 hints[] = { 0, 1, 9, 10, 11, 100 };
	size_t			 n, len, h;
	char			*buf;

	(void)state;
	for (n = 0; n <= 12; n++) {
		char	 path[] = "/tmp/test_slurp.XXXXXX";

		make_file(path, n);
		/* The real size, and hints that are wrong both ways. */
		for (h = 0; h < sizeof(hints) / sizeof(hints[0]); h++) {
			int	 fd = open(path, O_RDONLY);

			assert_true(fd != -1);
			errno = 0;
			buf = slurp_fd(fd, hints[h], 10, &len);
			close(fd);
			if (n <= 10) {
				if (buf == NULL)
					fail_msg("%zu bytes, hint %zu: NULL", n,
					    hints[h]);
				assert_int_equal(len, n);
				assert_int_equal(buf[len], '\0');
				assert_int_equal(strlen(buf), n);
				free(buf);
			} else {
				if (buf != NULL)
					fail_msg("%zu bytes over a bound of 10, "
					    "hint %zu: read", n, hints[h]);
				assert_int_equal(errno, EFBIG);
			}
		}
		buf = slurp_file(path, 10, &len, NULL);
		assert_true(n <= 10 ? buf != NULL : buf == NULL);
		free(buf);
		unlink(path);
	}
	assert_null(slurp_file("/tmp", 10, &len, NULL));
	assert_int_equal(errno, EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
