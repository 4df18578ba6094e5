/* hotplug2-mkalias: write modules.alias for a Linux 2.4 module tree from its modules.*map files. */
#include <sys/stat.h>
#include <sys/utsname.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mapalias.h"
#include "pathnames.h"

/*
 * The maps are read in a fixed order (pci, usb, isapnp, ieee1394, input,
 * serio, ccw, of, pnpbios), each once, their lines in file order; a
 * pattern repeated for the same module is written once.
 */

struct output {
	FILE		*f;
	char		**seen;		/* "pattern module" strings, hashed */
	size_t		 size, n;
	size_t		 written;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: hotplug2-mkalias [-v] [-b BASEDIR] [-o FILE] [-w 32|64]\n"
	    "  -b BASEDIR  where the modules.*map files are "
	    "(default: /lib/modules/$(uname -r))\n"
	    "  -o FILE     output, - for standard output "
	    "(default: BASEDIR/modules.alias)\n"
	    "  -w BITS     bits in a kernel long, for modules.inputmap "
	    "(default: guessed)\n"
	    "  -v          report what was done\n"
	    "  -h, --help  this text\n");
}

static uint32_t
hash_str(const char *s)
{
	uint32_t	 h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Remember key; 1 if it is new, 0 if it was seen. */
static int
seen_add(struct output *o, const char *key)
{
	char	**n;
	size_t	  i, sz, slot;

	if (o->size < 2 * (o->n + 1)) {
		sz = o->size ? 2 * o->size : 1024;
		if ((n = calloc(sz, sizeof(*n))) == NULL)
			fatal("unable to allocate");
		for (i = 0; i < o->size; i++) {
			if (o->seen[i] == NULL)
				continue;
			for (slot = hash_str(o->seen[i]) & (sz - 1); n[slot];
			    slot = (slot + 1) & (sz - 1))
				;
			n[slot] = o->seen[i];
		}
		free(o->seen);
		o->seen = n;
		o->size = sz;
	}
	for (slot = hash_str(key) & (o->size - 1); o->seen[slot] != NULL;
	    slot = (slot + 1) & (o->size - 1))
		if (strcmp(o->seen[slot], key) == 0)
			return 0;
	if ((o->seen[slot] = strdup(key)) == NULL)
		fatal("unable to allocate");
	o->n++;
	return 1;
}

static void
write_alias(const char *pattern, const char *module, void *arg)
{
	struct output	*o = arg;
	char		 key[8192];

	if ((size_t)snprintf(key, sizeof(key), "%s %s", pattern, module) >=
	    sizeof(key))
		fatalx("alias too long: %s", pattern);
	if (!seen_add(o, key))
		return;
	if (fprintf(o->f, "alias %s\n", key) < 0)
		fatal("unable to write");
	o->written++;
}

/*
 * The word size of an inputmap's bitmaps: 64 bits when a word has more
 * than 8 hex digits, else this machine's.  A 32-bit map read on a 64-bit
 * machine whose words all fit in 8 digits needs -w 32.
 */
static int
guess_wordbits(FILE *f)
{
	char	*line = NULL, *s, *save, *w;
	size_t	 cap = 0;
	int	 bits = (int)sizeof(long) * 8, field;

	while (getline(&line, &cap, f) != -1) {
		for (field = 0, s = strtok_r(line, " \t\r\n", &save); s != NULL;
		    s = strtok_r(NULL, " \t\r\n", &save), field++) {
			/* Bitmaps are bare hex; driver_info has its 0x. */
			if (field < 6 || s[0] == '#' || strncmp(s, "0x", 2) == 0)
				continue;
			for (w = s; *w != '\0'; w += strcspn(w, ":"),
			    w += *w == ':')
				if (strcspn(w, ":") > 8)
					bits = 64;
		}
	}
	free(line);
	rewind(f);
	return bits;
}

/* Read one map, warning about its bad lines; -1 if it cannot be read. */
static int
read_map(const char *path, enum mapalias_type type, int wordbits,
    struct output *o, int verbose)
{
	FILE		*f;
	char		*line = NULL;
	const char	*why;
	size_t		 cap = 0, lineno = 0, before = o->written;
	int		 r;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (type == MAPALIAS_INPUT && wordbits == 0)
		wordbits = guess_wordbits(f);
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		r = mapalias_line(type, line, wordbits, write_alias, o, &why);
		if (r == -1)
			log_warnx("%s:%zu: %s; line skipped", path, lineno, why);
		else if (r == 0 && why != NULL)
			log_warnx("%s:%zu: %s", path, lineno, why);
	}
	if (ferror(f)) {
		log_warn("unable to read %s", path);
		free(line);
		fclose(f);
		return -1;
	}
	free(line);
	fclose(f);
	if (verbose)
		log_info("%s: %zu lines, %zu aliases", path, lineno,
		    o->written - before);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct output	 o;
	struct utsname	 u;
	struct stat	 st;
	const char	*base = NULL, *out = NULL;
	char		 basebuf[PATH_MAX], path[PATH_MAX], outbuf[PATH_MAX];
	char		 tmp[PATH_MAX + 32];
	int		 ch, wordbits = 0, verbose = 0, nmaps = 0, t;
	size_t		 i;

	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL,		0,		NULL, 0 }
	};

	log_init("hotplug2-mkalias", 1, 0);
	while ((ch = getopt_long(argc, argv, "b:ho:vw:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'b':
			base = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'w':
			if (strcmp(optarg, "32") == 0)
				wordbits = 32;
			else if (strcmp(optarg, "64") == 0)
				wordbits = 64;
			else {
				log_warnx("-w takes 32 or 64");
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	log_setverbose(verbose);
	if (base == NULL) {
		if (uname(&u) == -1)
			fatal("unable to read the kernel release");
		snprintf(basebuf, sizeof(basebuf), PATH_MODULES_DIR "/%s",
		    u.release);
		base = basebuf;
	}
	if (out == NULL) {
		if ((size_t)snprintf(outbuf, sizeof(outbuf), "%s/modules.alias",
		    base) >= sizeof(outbuf))
			fatalx("path too long");
		out = outbuf;
	}

	memset(&o, 0, sizeof(o));
	/* A new file renamed into place: readers never see half of one. */
	if (strcmp(out, "-") == 0)
		o.f = stdout;
	else {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", out,
		    (long)getpid()) >= sizeof(tmp))
			fatalx("path too long");
		if ((o.f = fopen(tmp, "w")) == NULL)
			fatal("unable to create %s", tmp);
	}
	fprintf(o.f, "# Aliases made by hotplug2-mkalias from the "
	    "modules.*map files of %s.\n", base);

	for (t = 0; t < MAPALIAS_NTYPES; t++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", base,
		    mapalias_file((enum mapalias_type)t)) >= sizeof(path))
			fatalx("path too long");
		if (stat(path, &st) == -1 && errno == ENOENT)
			continue;
		if (read_map(path, (enum mapalias_type)t, wordbits, &o,
		    verbose) == -1) {
			if (o.f != stdout)
				unlink(tmp);
			fatal("unable to read %s", path);
		}
		nmaps++;
	}
	if (nmaps == 0) {
		if (o.f != stdout) {
			fclose(o.f);
			unlink(tmp);
		}
		log_warnx("no modules.*map files in %s", base);
		return EXIT_FAIL;
	}
	if (fflush(o.f) == EOF || ferror(o.f)) {
		if (o.f != stdout)
			unlink(tmp);
		fatal("unable to write %s", out);
	}
	if (o.f != stdout) {
		if (fclose(o.f) == EOF) {
			unlink(tmp);
			fatal("unable to write %s", out);
		}
		if (rename(tmp, out) == -1) {
			unlink(tmp);
			fatal("unable to rename %s to %s", tmp, out);
		}
	}
	log_info("%zu aliases from %d maps written to %s", o.written, nmaps,
	    out);
	for (i = 0; i < o.size; i++)
		free(o.seen[i]);
	free(o.seen);
	return EXIT_OK;
}
