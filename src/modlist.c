/* The module names depmod lists: modules.dep (the loadable ones) and modules.builtin (the built-in ones). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modlist.h"
#include "slurp.h"

/* A modules.dep larger than this is not one (Debian's is 0.5 MB). */
#define MODLIST_FILE_MAX	(64 * 1024 * 1024)
/* Longer names are not module names (the kernel's limit is 56). */
#define MODLIST_NAME_MAX	255

struct modlist {
	char		*names;		/* NUL-terminated names, back to back */
	uint32_t	*sorted;	/* offsets into names, in strcmp order */
	size_t		 count;
	size_t		 size;		/* of names */
};

static const char	*cmp_base;

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(cmp_base + *(const uint32_t *)a,
	    cmp_base + *(const uint32_t *)b);
}

/* s[0..n) as a module name into out: basename, no extension, '_' for '-'. */
static size_t
module_name(const char *s, size_t n, char *out)
{
	const char	*base = s, *p;
	size_t		 len, i;

	for (p = s; p < s + n; p++)
		if (*p == '/')
			base = p + 1;
	for (len = 0; base + len < s + n && base[len] != '.'; len++)
		;
	if (len == 0 || len > MODLIST_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		out[i] = base[i] == '-' ? '_' : base[i];
	out[len] = '\0';
	return len;
}

struct modlist *
modlist_parse(const char *buf, size_t len)
{
	struct modlist	*ml;
	const char	*line, *end = buf + len, *nl;
	size_t		 lines = 0, n, f, i, j;
	char		*names;

	for (line = buf; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		lines++;
	}
	if ((ml = calloc(1, sizeof(*ml))) == NULL)
		return NULL;
	/* Each name is at most its line, plus its NUL. */
	if ((ml->names = malloc(len + lines + 1)) == NULL ||
	    (ml->sorted = malloc((lines + 1) * sizeof(*ml->sorted))) == NULL) {
		modlist_free(ml);
		errno = ENOMEM;
		return NULL;
	}
	names = ml->names;
	for (line = buf; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		for (f = 0; line + f < nl && line[f] != ':' && line[f] != ' ' &&
		    line[f] != '\t' && line[f] != '\r'; f++)
			;
		if (line[0] == '#' || (n = module_name(line, f, names +
		    ml->size)) == 0)
			continue;
		ml->sorted[ml->count++] = (uint32_t)ml->size;
		ml->size += n + 1;
	}
	cmp_base = ml->names;
	qsort(ml->sorted, ml->count, sizeof(*ml->sorted), name_cmp);
	/* One entry per name: the same module may be listed twice. */
	for (i = j = 0; i < ml->count; i++)
		if (j == 0 || strcmp(ml->names + ml->sorted[j - 1],
		    ml->names + ml->sorted[i]) != 0)
			ml->sorted[j++] = ml->sorted[i];
	ml->count = j;
	/* Keep what the names need, not the size of the file. */
	if ((names = realloc(ml->names, ml->size + 1)) != NULL)
		ml->names = names;
	return ml;
}

struct modlist *
modlist_load(const char *path)
{
	struct modlist	*ml;
	char		*buf;
	size_t		 len;
	int		 saved;

	if ((buf = slurp_file(path, MODLIST_FILE_MAX, &len, NULL)) == NULL)
		return NULL;
	ml = modlist_parse(buf, len);
	saved = errno;
	free(buf);
	errno = saved;
	return ml;
}

void
modlist_free(struct modlist *ml)
{
	if (ml == NULL)
		return;
	free(ml->names);
	free(ml->sorted);
	free(ml);
}

int
modlist_has(const struct modlist *ml, const char *module)
{
	char	 name[MODLIST_NAME_MAX + 1];
	size_t	 lo = 0, hi = ml->count, mid, i;
	int	 c;

	for (i = 0; module[i] != '\0'; i++) {
		if (i == MODLIST_NAME_MAX)
			return 0;
		name[i] = module[i] == '-' ? '_' : module[i];
	}
	name[i] = '\0';
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, ml->names + ml->sorted[mid]);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

size_t
modlist_count(const struct modlist *ml)
{
	return ml->count;
}

size_t
modlist_bytes(const struct modlist *ml)
{
	return sizeof(*ml) + ml->size + ml->count * sizeof(*ml->sorted);
}
