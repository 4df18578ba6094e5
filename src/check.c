/* hotplug2 check: load the handler scripts and report every problem. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "log.h"
#include "pathnames.h"
#include "script.h"

static void
check_usage(FILE *f)
{
	fprintf(f, "usage: hotplug2 check [-q] [DIR]\n"
	    "Load the handler scripts in DIR (default %s) as the daemon does,\n"
	    "report every problem with file:line, and exit 2 if there is any.\n"
	    "  -q, --quiet  print nothing when all is well\n"
	    "  -h, --help   this text\n", PATH_CONFIG_DIR);
}

int
check_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL, 'h' },
		{ "quiet",	no_argument,	NULL, 'q' },
		{ NULL,		0,		NULL, 0 }
	};
	struct script_options	 opts;
	struct script		*s;
	int			 ch, nerrors, quiet = 0;

	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			quiet = 1;
			break;
		case 'h':
			check_usage(stdout);
			return EXIT_OK;
		default:
			check_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1) {
		check_usage(stderr);
		return EXIT_USAGE;
	}
	log_init("hotplug2 check", 1, 0);
	memset(&opts, 0, sizeof(opts));
	opts.config_dir = argc == 1 ? argv[0] : PATH_CONFIG_DIR;
	opts.root = "/";
	opts.alias_file = "";	/* loading scripts needs no alias index */
	opts.dry_run = 1;	/* top-level code must not change anything */
	if ((s = script_load(&opts, &nerrors)) == NULL)
		return EXIT_FAIL;
	script_free(s);
	if (nerrors > 0) {
		fprintf(stderr, "%s: %d problem%s\n", opts.config_dir, nerrors,
		    nerrors == 1 ? "" : "s");
		return EXIT_CONFIG;
	}
	if (!quiet)
		printf("%s: ok\n", opts.config_dir);
	return EXIT_OK;
}
