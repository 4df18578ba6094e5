/* libFuzzer target: passwd/group lookups against a plain line-by-line reference. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passwd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The rule of passwd(5) written plainly: the first line "name:x:id..." decides. */
static int
reference(const char *text, size_t len, const char *name, unsigned long *id,
    unsigned int *lineno)
{
	size_t		 nlen = strlen(name), i, start = 0, f, k;
	unsigned int	 line = 0;
	unsigned long	 v;
	int		 colons;

	if (nlen == 0)
		return 0;
	while (start < len) {
		line++;
		for (i = start; i < len && text[i] != '\n'; i++)
			;
		if (i - start > nlen && memcmp(text + start, name, nlen) == 0 &&
		    text[start + nlen] == ':') {
			*lineno = line;
			/* The id is the field after the second colon. */
			for (f = start + nlen + 1, colons = 1; f < i && colons < 2;
			    f++)
				if (text[f] == ':')
					colons++;
			if (colons < 2 || f == i || text[f] == ':')
				return -1;
			for (v = 0, k = f; k < i && text[k] != ':'; k++) {
				if (text[k] < '0' || text[k] > '9')
					return -1;
				v = v * 10 + (unsigned long)(text[k] - '0');
				if (v > 4294967294UL)
					return -1;
			}
			*id = v;
			return 1;
		}
		start = i + 1;
	}
	return 0;
}

/* The name is everything before the first NUL, the file everything after. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text;
	char		*name;
	const uint8_t	*nul;
	size_t		 nlen, len;
	unsigned long	 id = 0, rid = 0;
	unsigned int	 line = 0, rline = 0;
	int		 r, want;

	if ((nul = memchr(data, '\0', size)) == NULL)
		return 0;
	nlen = (size_t)(nul - data);
	if ((name = malloc(nlen + 1)) == NULL)
		return 0;
	memcpy(name, data, nlen);
	name[nlen] = '\0';
	text = (const char *)nul + 1;
	len = size - nlen - 1;
	r = passwd_lookup(text, len, name, &id, &line);
	want = reference(text, len, name, &rid, &rline);
	if (r != want || (r == 1 && id != rid) || (r != 0 && line != rline))
		abort();
	if (passwd_numeric(name, &id) == 1 && (nlen == 0 ||
	    strspn(name, "0123456789") != nlen))
		abort();
	free(name);
	return 0;
}
