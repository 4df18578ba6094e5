/* Answer many modules.alias lookups in one process: one query per input line, its modules on one output line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "log.h"

/*
 * The kmod-oracle test feeds thousands of modaliases through this: for
 * each line of standard input it prints the matched modules, separated by
 * spaces, in alias_lookup's order (an empty line when none match).
 */

static void
print_module(const char *module, void *arg)
{
	int	*first = arg;

	if (!*first)
		putchar(' ');
	fputs(module, stdout);
	*first = 0;
}

int
main(int argc, char *argv[])
{
	struct alias_index	*idx;
	char			*line = NULL;
	size_t			 cap = 0;
	ssize_t			 n;
	int			 first;

	log_init("alias-resolve", 1, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: alias-resolve MODULES.ALIAS < queries\n");
		return EXIT_USAGE;
	}
	if ((idx = alias_load(argv[1])) == NULL)
		fatal("unable to load %s", argv[1]);
	while ((n = getline(&line, &cap, stdin)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		first = 1;
		if (alias_lookup(idx, line, print_module, &first) == -1)
			fatal("lookup");
		putchar('\n');
	}
	free(line);
	alias_free(idx);
	if (fflush(stdout) == EOF)
		fatal("unable to write");
	return EXIT_OK;
}
