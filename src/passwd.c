/* Name to id lookups in /etc/passwd and /etc/group text, parsed without getpwnam so --root and static builds work. */
#include <stddef.h>
#include <string.h>

#include "passwd.h"

/* Ids above this are not ids: uid_t is 32 bits and (uid_t)-1 means "no change". */
#define PASSWD_ID_MAX	4294967294UL

int
passwd_numeric(const char *name, unsigned long *id)
{
	unsigned long	 v = 0;
	const char	*p;

	if (name == NULL || *name == '\0')
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		if (v > (PASSWD_ID_MAX - (unsigned long)(*p - '0')) / 10)
			return 0;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	*id = v;
	return 1;
}

/*
 * Parse the id field [s, e): decimal digits only, within range.
 */
static int
parse_id(const char *s, const char *e, unsigned long *id)
{
	unsigned long	 v = 0;

	if (s == e)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (PASSWD_ID_MAX - (unsigned long)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*id = v;
	return 0;
}

int
passwd_lookup(const char *text, size_t len, const char *name,
    unsigned long *id, unsigned int *line)
{
	const char	*p = text, *end = text + len, *eol, *f2, *f3, *f4;
	size_t		 nlen = strlen(name);
	unsigned int	 n = 0;

	if (nlen == 0)
		return 0;
	for (; p < end; p = eol + 1) {
		n++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		/* Only the line that names us matters; others may be junk. */
		if ((size_t)(eol - p) <= nlen || memcmp(p, name, nlen) != 0 ||
		    p[nlen] != ':')
			continue;
		f2 = p + nlen + 1;
		f3 = memchr(f2, ':', (size_t)(eol - f2));
		if (f3 == NULL)
			goto bad;
		f3++;
		f4 = memchr(f3, ':', (size_t)(eol - f3));
		if (f4 == NULL)
			f4 = eol;
		if (parse_id(f3, f4, id) == -1)
			goto bad;
		if (line != NULL)
			*line = n;
		return 1;
bad:
		if (line != NULL)
			*line = n;
		return -1;
	}
	return 0;
}
