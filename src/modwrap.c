/* hotplug2-modwrap: resolve a MODALIAS with the alias matcher and run the real modprobe once per module. */
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "config.h"
#include "log.h"

#define MODPROBE_DEFAULT	"/sbin/modprobe"

/* modprobe options whose value is the next argument (kmod and module-init-tools). */
static const char *const value_options[] = {
	"-C", "--config", "-d", "--dirname", "-S", "--set-version",
	"-w", "--wait", "-o", "--name", NULL
};

struct modules {
	char	**name;
	size_t	  n;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: hotplug2-modwrap [-a FILE] [--modprobe PATH] "
	    "[modprobe options] MODALIAS [parameters]\n"
	    "       hotplug2-modwrap -R [-a FILE] MODALIAS...\n"
	    "  -a, --alias-file FILE  modules.alias to read (default: "
	    "/lib/modules/$(uname -r)/modules.alias)\n"
	    "  -R, --resolve          print the matched modules, run nothing\n"
	    "  --modprobe PATH        the modprobe to run (default: "
	    "$MODPROBE_COMMAND, else " MODPROBE_DEFAULT ")\n");
}

static int
takes_value(const char *arg)
{
	size_t	 i;

	for (i = 0; value_options[i] != NULL; i++)
		if (strcmp(arg, value_options[i]) == 0)
			return 1;
	return 0;
}

/*
 * The value of option short/long in arg (and maybe next), as modprobe
 * would read it: "-dX", "-d X", "--dirname=X" or "--dirname X".  NULL if
 * arg is not that option.
 */
static const char *
option_value(const char *arg, const char *next, const char *sopt,
    const char *lopt)
{
	size_t	 n = strlen(lopt);

	if (strcmp(arg, sopt) == 0 || strcmp(arg, lopt) == 0)
		return next;
	if (strncmp(arg, sopt, 2) == 0 && arg[2] != '\0' && arg[1] != '-')
		return arg + 2;
	if (strncmp(arg, lopt, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

static void
collect(const char *module, void *arg)
{
	struct modules	*m = arg;
	char		**n;

	if ((n = reallocarray(m->name, m->n + 1, sizeof(*n))) == NULL)
		fatal("unable to allocate");
	m->name = n;
	if ((m->name[m->n++] = strdup(module)) == NULL)
		fatal("unable to allocate");
}

static void
print_module(const char *module, void *arg)
{
	(void)arg;
	printf("%s\n", module);
}

/*
 * Run modprobe with the pass-through options, the module and its
 * parameters: no shell, the arguments exactly as given.  The exit status,
 * 128 + the signal if it was killed, EXIT_SYSCALL if it could not run.
 */
static int
run_modprobe(const char *modprobe, char **pass, size_t npass,
    const char *module, char **params, size_t nparams)
{
	char	**argv;
	size_t	  i, n = 0;
	pid_t	  pid;
	int	  status;

	if ((argv = calloc(npass + nparams + 3, sizeof(*argv))) == NULL)
		fatal("unable to allocate");
	argv[n++] = (char *)modprobe;
	for (i = 0; i < npass; i++)
		argv[n++] = pass[i];
	argv[n++] = (char *)module;
	for (i = 0; i < nparams; i++)
		argv[n++] = params[i];
	argv[n] = NULL;

	fflush(NULL);
	if ((pid = fork()) == -1) {
		log_warn("unable to fork");
		free(argv);
		return EXIT_SYSCALL;
	}
	if (pid == 0) {
		execv(modprobe, argv);
		log_warn("unable to execute %s", modprobe);
		_exit(EXIT_SYSCALL);
	}
	free(argv);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			log_warn("unable to wait for %s", modprobe);
			return EXIT_SYSCALL;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_FAIL;
}

int
main(int argc, char *argv[])
{
	struct alias_index	*idx;
	struct modules		 mods = { NULL, 0 };
	struct utsname		 u;
	const char		*alias_file = NULL, *modprobe = NULL;
	const char		*dirname = "", *version = NULL, *v;
	char			 path[PATH_MAX], **pass;
	size_t			 npass = 0, i;
	int			 resolve = 0, first = 0, rc = EXIT_OK, r, k;

	log_init("hotplug2-modwrap", 1, 0);
	if ((pass = calloc((size_t)argc + 1, sizeof(*pass))) == NULL)
		fatal("unable to allocate");

	/* Our options are taken out; every other option goes to modprobe. */
	for (k = 1; k < argc; k++) {
		const char	*a = argv[k], *next = k + 1 < argc ?
			    argv[k + 1] : NULL;

		if (strcmp(a, "--") == 0) {
			k++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			free(pass);
			return EXIT_OK;
		}
		if (strcmp(a, "--version") == 0) {
			printf("hotplug2-modwrap %s\n", HOTPLUG2_VERSION);
			free(pass);
			return EXIT_OK;
		}
		if (strcmp(a, "-R") == 0 || strcmp(a, "--resolve") == 0) {
			resolve = 1;
			continue;
		}
		if ((v = option_value(a, next, "-a", "--alias-file")) != NULL ||
		    (v = option_value(a, next, "--modprobe", "--modprobe")) !=
		    NULL) {
			if (strncmp(a, "--modprobe", 10) == 0)
				modprobe = v;
			else
				alias_file = v;
			if (v == next)
				k++;
			continue;
		}
		if (strcmp(a, "-a") == 0 || strcmp(a, "--alias-file") == 0 ||
		    strcmp(a, "--modprobe") == 0) {
			log_warnx("%s needs a value", a);
			goto bad_usage;
		}
		/* modprobe's -d and -S also say where the modules are. */
		if ((v = option_value(a, next, "-d", "--dirname")) != NULL)
			dirname = v;
		if ((v = option_value(a, next, "-S", "--set-version")) != NULL)
			version = v;
		pass[npass++] = argv[k];
		if (takes_value(a)) {
			if (next == NULL) {
				log_warnx("%s needs a value", a);
				goto bad_usage;
			}
			pass[npass++] = argv[++k];
		}
	}
	if (k >= argc)
		goto bad_usage;
	first = k;

	if (alias_file == NULL) {
		if (version == NULL) {
			if (uname(&u) == -1)
				fatal("unable to read the kernel release");
			version = u.release;
		}
		if ((size_t)snprintf(path, sizeof(path),
		    "%s/lib/modules/%s/modules.alias", dirname, version) >=
		    sizeof(path))
			fatalx("alias file path too long");
		alias_file = path;
	}
	if (modprobe == NULL && (modprobe = getenv("MODPROBE_COMMAND")) !=
	    NULL && modprobe[0] == '\0')
		modprobe = NULL;
	if (modprobe == NULL)
		modprobe = MODPROBE_DEFAULT;

	idx = alias_load(alias_file);
	if (resolve) {
		if (idx == NULL) {
			log_warn("unable to load %s", alias_file);
			free(pass);
			return EXIT_SYSCALL;
		}
		for (k = first; k < argc; k++) {
			if ((r = alias_lookup(idx, argv[k], print_module,
			    NULL)) == -1)
				fatal("lookup of %.60s", argv[k]);
			if (r == 0)
				rc = EXIT_FAIL;
		}
		alias_free(idx);
		free(pass);
		if (fflush(stdout) == EOF)
			fatal("unable to write");
		return rc;
	}

	/* Without an alias file, plain module names must still load. */
	if (idx == NULL)
		log_warn("unable to load %s; running %s %s as given", alias_file,
		    modprobe, argv[first]);
	else if (alias_lookup(idx, argv[first], collect, &mods) == -1)
		fatal("lookup of %.60s", argv[first]);
	alias_free(idx);

	if (mods.n == 0)
		rc = run_modprobe(modprobe, pass, npass, argv[first],
		    argv + first + 1, (size_t)(argc - first - 1));
	for (i = 0; i < mods.n; i++) {
		r = run_modprobe(modprobe, pass, npass, mods.name[i],
		    argv + first + 1, (size_t)(argc - first - 1));
		if (r != 0 && rc == EXIT_OK)
			rc = r;
		free(mods.name[i]);
	}
	free(mods.name);
	free(pass);
	return rc;

bad_usage:
	usage(stderr);
	free(pass);
	return EXIT_USAGE;
}
