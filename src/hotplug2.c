/* hotplug2: dispatch to the subcommand named on the command line. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "convert.h"
#include "daemon.h"
#include "log.h"
#include "monitor.h"
#include "pathnames.h"
#include "test.h"

struct subcommand {
	const char	*name;
	int		(*main)(int, char *[]);
	const char	*help;
};

/* Sorted by name, as they are listed in the usage text. */
static const struct subcommand subcommands[] = {
	{ "check",	check_main,	"load the handler scripts and report every problem" },
	{ "convert",	convert_main,	"write an mdev.conf or hotplug2.rules file as Lua" },
	{ "daemon",	daemon_main,	"run the daemon (also: hotplug2 [options])" },
	{ "monitor",	monitor_main,	"print kernel events as they arrive" },
	{ "test",	test_main,	"show what the scripts would do for one device" },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: hotplug2 [options]       run the daemon\n"
	    "       hotplug2 COMMAND [options]\n\ncommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
		    subcommands[i].help);
	fprintf(f, "\nhotplug2 COMMAND --help describes each one.\n"
	    "Handler scripts: %s (default of --config-dir).\n",
	    PATH_CONFIG_DIR);
}

int
main(int argc, char *argv[])
{
	size_t	 i;

	if (argc >= 2 && (strcmp(argv[1], "--version") == 0)) {
		printf("hotplug2 %s\n", HOTPLUG2_VERSION);
		return EXIT_OK;
	}
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return EXIT_OK;
	}
	/* daemon: no command, or options first, runs the daemon. */
	if (argc < 2 || argv[1][0] == '-')
		return daemon_main(argc, argv);
	for (i = 0; argc >= 2 &&
	    i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	usage(stderr);
	return EXIT_USAGE;
}
