/*
 * kmod's alias rule written plainly, the reference the matcher's tests,
 * benchmark and fuzzer compare with: both sides normalized ('-' as '_'
 * outside brackets, unbalanced brackets refused), the pattern's bytes
 * before its first '*', '?' or '[' compared literally, fnmatch(3) for the
 * rest.  Include after <fnmatch.h> and <string.h>.
 */
#ifndef HOTPLUG2_KMOD_REF_H
#define HOTPLUG2_KMOD_REF_H

/* Normalize s in place; -1 when its brackets are unbalanced. */
static inline int
kmod_ref_normalize(char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '-')
			*s = '_';
		else if (*s == ']')
			return -1;
		else if (*s == '[') {
			while (*s != '\0' && *s != ']')
				s++;
			if (*s == '\0')
				return -1;
		}
	}
	return 0;
}

/* Whether the normalized pattern p matches the normalized query q. */
static inline int
kmod_ref_match(const char *p, const char *q)
{
	size_t	 n;

	n = strcspn(p, "*?[");
	if (strncmp(p, q, n) != 0)
		return 0;
	return fnmatch(p + n, q + n, 0) == 0;
}

#endif
