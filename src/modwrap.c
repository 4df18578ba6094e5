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
#include "pathnames.h"


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
	    PATH_MODULES_DIR "/$(uname -r)/modules.alias)\n"
	    "  -R, --resolve          print the matched modules, run nothing\n"
	    "  --modprobe PATH        the modprobe to run (default: "
	    "$MODPROBE_COMMAND, else " PATH_MODPROBE ")\n");
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

/* What the command line says, once our own options are taken out. */
struct invocation {
	const char	 *alias_file;
	const char	 *modprobe;
	const char	 *dirname;	/* modprobe's -d */
	const char	 *version;	/* modprobe's -S */
	char		**pass;		/* options for modprobe */
	size_t		  npass;
	int		  resolve;
	int		  first;	/* argv index of the MODALIAS */
};

/*
 * Take our options out of argv; every other option goes to modprobe.
 * Returns -1 to go on, else the exit status (--help, --version, a usage
 * error).
 */
static int
parse_args(struct invocation *inv, int argc, char *argv[])
{
	const char	*v;
	int		 k;

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
			return EXIT_OK;
		}
		if (strcmp(a, "--version") == 0) {
			printf("hotplug2-modwrap %s\n", HOTPLUG2_VERSION);
			return EXIT_OK;
		}
		if (strcmp(a, "-R") == 0 || strcmp(a, "--resolve") == 0) {
			inv->resolve = 1;
			continue;
		}
		if ((v = option_value(a, next, "-a", "--alias-file")) != NULL ||
		    (v = option_value(a, next, "--modprobe", "--modprobe")) !=
		    NULL) {
			if (strncmp(a, "--modprobe", 10) == 0)
				inv->modprobe = v;
			else
				inv->alias_file = v;
			if (v == next)
				k++;
			continue;
		}
		if (strcmp(a, "-a") == 0 || strcmp(a, "--alias-file") == 0 ||
		    strcmp(a, "--modprobe") == 0) {
			log_warnx("%s needs a value", a);
			usage(stderr);
			return EXIT_USAGE;
		}
		/* modprobe's -d and -S also say where the modules are. */
		if ((v = option_value(a, next, "-d", "--dirname")) != NULL)
			inv->dirname = v;
		if ((v = option_value(a, next, "-S", "--set-version")) != NULL)
			inv->version = v;
		inv->pass[inv->npass++] = argv[k];
		if (takes_value(a)) {
			if (next == NULL) {
				log_warnx("%s needs a value", a);
				usage(stderr);
				return EXIT_USAGE;
			}
			inv->pass[inv->npass++] = argv[++k];
		}
	}
	if (k >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	inv->first = k;
	return -1;
}

/*
 * The defaults of what was not given: modules.alias of the kernel that
 * modprobe would use (path holds it), and the modprobe to run.
 */
static void
fill_defaults(struct invocation *inv, char *path, size_t pathlen)
{
	struct utsname	 u;

	if (inv->alias_file == NULL) {
		if (inv->version == NULL) {
			if (uname(&u) == -1)
				fatal("unable to read the kernel release");
			inv->version = u.release;
		}
		if ((size_t)snprintf(path, pathlen,
		    "%s/lib/modules/%s/modules.alias", inv->dirname,
		    inv->version) >= pathlen)
			fatalx("alias file path too long");
		inv->alias_file = path;
	}
	if (inv->modprobe == NULL && (inv->modprobe =
	    getenv("MODPROBE_COMMAND")) != NULL && inv->modprobe[0] == '\0')
		inv->modprobe = NULL;
	if (inv->modprobe == NULL)
		inv->modprobe = PATH_MODPROBE;
}

/* -R: print the modules of each MODALIAS; exit 1 when one has none. */
static int
resolve_all(struct alias_index *idx, const char *alias_file, int first,
    int argc, char *argv[])
{
	int	 k, r, rc = EXIT_OK;

	if (idx == NULL) {
		log_warn("unable to load %s", alias_file);
		return EXIT_SYSCALL;
	}
	for (k = first; k < argc; k++) {
		if ((r = alias_lookup(idx, argv[k], print_module, NULL)) == -1)
			fatal("lookup of %.60s", argv[k]);
		if (r == 0)
			rc = EXIT_FAIL;
	}
	if (fflush(stdout) == EOF)
		fatal("unable to write");
	return rc;
}

/*
 * modprobe each module the MODALIAS at argv[first] matches, with the
 * parameters after it; the MODALIAS itself when none matches (or there
 * is no index), so that plain module names still load.  The first
 * failure's status.
 */
static int
load_all(const struct invocation *inv, struct alias_index *idx, int argc,
    char *argv[])
{
	struct modules	 mods = { NULL, 0 };
	char		**params = argv + inv->first + 1;
	size_t		  nparams = (size_t)(argc - inv->first - 1), i;
	int		  r, rc = EXIT_OK;

	if (idx == NULL)
		log_warn("unable to load %s; running %s %s as given",
		    inv->alias_file, inv->modprobe, argv[inv->first]);
	else if (alias_lookup(idx, argv[inv->first], collect, &mods) == -1)
		fatal("lookup of %.60s", argv[inv->first]);
	if (mods.n == 0)
		rc = run_modprobe(inv->modprobe, inv->pass, inv->npass,
		    argv[inv->first], params, nparams);
	for (i = 0; i < mods.n; i++) {
		r = run_modprobe(inv->modprobe, inv->pass, inv->npass,
		    mods.name[i], params, nparams);
		if (r != 0 && rc == EXIT_OK)
			rc = r;
		free(mods.name[i]);
	}
	free(mods.name);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct invocation	 inv = { NULL, NULL, "", NULL, NULL, 0, 0, 0 };
	struct alias_index	*idx;
	char			 path[PATH_MAX];
	int			 rc;

	log_init("hotplug2-modwrap", 1, 0);
	if ((inv.pass = calloc((size_t)argc + 1, sizeof(*inv.pass))) == NULL)
		fatal("unable to allocate");
	if ((rc = parse_args(&inv, argc, argv)) != -1) {
		free(inv.pass);
		return rc;
	}
	fill_defaults(&inv, path, sizeof(path));
	idx = alias_load(inv.alias_file);
	if (inv.resolve)
		rc = resolve_all(idx, inv.alias_file, inv.first, argc, argv);
	else
		rc = load_all(&inv, idx, argc, argv);
	alias_free(idx);
	free(inv.pass);
	return rc;
}
