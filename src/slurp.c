/* A whole file in memory with one read where its size allows. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "slurp.h"

char *
slurp_fd(int fd, size_t hint, size_t max, size_t *len)
{
	char	*buf = NULL, *n;
	size_t	 cap, got = 0;
	ssize_t	 r;
	int	 saved;

	/* Room for the file, one byte more to see it end, and the NUL. */
	cap = (hint < max ? hint : max) + 2;
	if ((buf = malloc(cap)) == NULL)
		return NULL;
	for (;;) {
		if (got + 1 == cap) {
			if (got > max) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap - 1 > (max + 2) / 2 ? max + 2 : cap * 2;
			if ((n = realloc(buf, cap)) == NULL)
				goto fail;
			buf = n;
		}
		r = read(fd, buf + got, cap - 1 - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	*len = got;
	return buf;

fail:
	saved = errno;
	free(buf);
	errno = saved;
	return NULL;
}

char *
slurp_file(const char *path, size_t max, size_t *len, struct stat *stp)
{
	struct stat	 st;
	char		*buf;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	buf = slurp_fd(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, max,
	    len);
	saved = errno;
	close(fd);
	if (buf != NULL && stp != NULL)
		*stp = st;
	errno = saved;
	return buf;
}
