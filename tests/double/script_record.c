/*
 * A test double of the script layer (script.h) for the daemon's tests: it
 * records every event it is handed and starts commands through spawn.h,
 * as the Lua layer does, driven by a tiny line format so that shell tests
 * can write policies:
 *
 *	log FILE		append "SEQNUM ACTION DEVPATH" per event
 *	spawn MATCH ARGV...	spawn_async ARGV when DEVPATH contains MATCH
 *	sync MATCH ARGV...	spawn_sync ARGV (wait for it)
 *	# comment
 *
 * MATCH "*" matches every event.  The file is CONFIG_DIR/record.conf; a
 * line it does not understand is reported as file:line and counts as a
 * failed file, as a Lua syntax error would.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "script.h"
#include "spawn.h"
#include "uevent.h"

#define RULES_MAX	16
#define ARGS_MAX	16

struct rule {
	int		 kind;		/* 's' async, 'y' sync */
	char		*match;
	char		*argv[ARGS_MAX + 1];
};

struct script {
	FILE		*log;
	struct rule	 rule[RULES_MAX];
	int		 nrules;
	char		*words;		/* storage of every word */
};

static int
split(char *line, char **w, int max)
{
	int	 n = 0;
	char	*p;

	for (p = strtok(line, " \t\n"); p != NULL && n < max;
	    p = strtok(NULL, " \t\n"))
		w[n++] = p;
	return n;
}

struct script *
script_load(const struct script_options *opts, int *nerrors)
{
	struct script	*s;
	char		 path[4096], line[1024], *w[ARGS_MAX + 2];
	FILE		*f;
	int		 lineno = 0, n, i, bad = 0;
	size_t		 used = 0;

	*nerrors = 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->words = malloc(65536)) == NULL) {
		free(s);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/record.conf", opts->config_dir);
	if ((f = fopen(path, "r")) == NULL) {
		if (errno != ENOENT) {
			log_warn("%s", path);
			(*nerrors)++;
		}
		return s;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		/* Keep the words: copy the line into the storage first. */
		n = (int)strlen(line) + 1;
		if (used + (size_t)n > 65536)
			break;
		memcpy(s->words + used, line, (size_t)n);
		n = split(s->words + used, w, ARGS_MAX + 2);
		used += strlen(line) + 1;
		if (n == 0 || w[0][0] == '#')
			continue;
		if (strcmp(w[0], "log") == 0 && n == 2 && s->log == NULL) {
			if ((s->log = fopen(w[1], "a")) == NULL) {
				log_warn("%s:%d: %s", path, lineno, w[1]);
				bad = 1;
			}
		} else if ((strcmp(w[0], "spawn") == 0 ||
		    strcmp(w[0], "sync") == 0) && n >= 3 &&
		    s->nrules < RULES_MAX) {
			struct rule *r = &s->rule[s->nrules++];

			r->kind = w[0][1] == 'p' ? 's' : 'y';
			r->match = w[1];
			for (i = 2; i < n; i++)
				r->argv[i - 2] = w[i];
			r->argv[n - 2] = NULL;
		} else {
			log_warnx("%s:%d: cannot understand \"%s\"", path,
			    lineno, w[0]);
			bad = 1;
		}
	}
	fclose(f);
	if (bad) {
		/* A broken file is skipped as a whole, as the Lua layer does. */
		if (s->log != NULL)
			fclose(s->log);
		s->log = NULL;
		s->nrules = 0;
		(*nerrors)++;
	}
	return s;
}

void
script_free(struct script *s)
{
	if (s == NULL)
		return;
	if (s->log != NULL)
		fclose(s->log);
	free(s->words);
	free(s);
}

int
script_handle(struct script *s, const struct uevent *ev)
{
	char		*envp[UEVENT_VARS_MAX + 2];
	const char	*devpath = uevent_devpath(ev);
	size_t		 alen;
	const char	*action = uevent_action(ev, &alen);
	unsigned int	 i;
	int		 r, status, failed = 0;

	if (s->log != NULL) {
		fprintf(s->log, "%llu %.*s %s\n",
		    (unsigned long long)ev->seqnum, (int)alen, action, devpath);
		fflush(s->log);
	}
	for (r = 0; r < s->nrules; r++) {
		struct rule *rule = &s->rule[r];

		if (strcmp(rule->match, "*") != 0 &&
		    strstr(devpath, rule->match) == NULL)
			continue;
		for (i = 0; i < ev->nvars; i++)
			envp[i] = (char *)uevent_var(ev, i);
		envp[i++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
		envp[i] = NULL;
		if (rule->kind == 's') {
			if (spawn_async(rule->argv, envp, devpath,
			    ev->seqnum) == -1) {
				log_warn("spawn %s", rule->argv[0]);
				failed++;
			}
		} else if (spawn_sync(rule->argv, envp, 0, NULL, &status) == -1)
			failed++;
	}
	return failed;
}
