/* hotplug2 convert: write an mdev.conf or hotplug2.rules file out as a Lua handler file; the translation itself is lua/hotplug2/convert.lua. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "convert.h"
#include "log.h"
#include "script.h"

static void
convert_usage(FILE *f)
{
	fprintf(f, "usage: hotplug2 convert mdev.conf|hotplug2.rules [FILE]\n"
	    "Write FILE (default /etc/mdev.conf or /etc/hotplug2.rules) to the\n"
	    "standard output as a Lua handler file that takes the same actions.\n"
	    "Errors name FILE:LINE; the exit status is then 2.\n"
	    "  -h, --help   this text\n");
}

int
convert_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL,		0,		NULL, 0 }
	};
	int	 ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			convert_usage(stdout);
			return EXIT_OK;
		default:
			convert_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2 || (strcmp(argv[0], "mdev.conf") != 0 &&
	    strcmp(argv[0], "hotplug2.rules") != 0)) {
		convert_usage(stderr);
		return EXIT_USAGE;
	}
	log_init("hotplug2 convert", 1, 0);
	if (script_call("hotplug2.convert", "main", argc, argv, stdout) == -1)
		return EXIT_CONFIG;
	return EXIT_OK;
}
