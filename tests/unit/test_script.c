/* The embedding as the daemon uses it: loading, events as tables, and handlers that fail, run away or leak. */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "script.h"
#include "uevent.h"

struct scratch {
	char	 dir[64];
	char	 cfg[128];
	char	 root[128];
};

static void
write_file(const char *dir, const char *name, const char *text)
{
	char	 path[PATH_MAX];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	static struct scratch	 s;

	snprintf(s.dir, sizeof(s.dir), "/tmp/hp2-script.XXXXXX");
	if (mkdtemp(s.dir) == NULL)
		return -1;
	snprintf(s.cfg, sizeof(s.cfg), "%s/cfg", s.dir);
	snprintf(s.root, sizeof(s.root), "%s/root", s.dir);
	if (mkdir(s.cfg, 0755) == -1 || mkdir(s.root, 0755) == -1)
		return -1;
	*state = &s;
	return 0;
}

static int
teardown(void **state)
{
	struct scratch	*s = *state;
	char		 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The kernel's event for /dev/null, as captured on this machine. */
static void
null_event(struct uevent *ev, const char *action, const char *seqnum)
{
	assert_int_equal(uevent_init(ev, action, "/devices/virtual/mem/null"), 0);
	assert_int_equal(uevent_set(ev, "ACTION", action), 0);
	assert_int_equal(uevent_set(ev, "DEVPATH", "/devices/virtual/mem/null"), 0);
	assert_int_equal(uevent_set(ev, "SUBSYSTEM", "mem"), 0);
	assert_int_equal(uevent_set(ev, "MAJOR", "1"), 0);
	assert_int_equal(uevent_set(ev, "MINOR", "3"), 0);
	assert_int_equal(uevent_set(ev, "DEVNAME", "null"), 0);
	assert_int_equal(uevent_set(ev, "DEVMODE", "0666"), 0);
	assert_int_equal(uevent_set(ev, "SEQNUM", seqnum), 0);
}

static int
link_is(const struct scratch *s, const char *name, const char *want)
{
	char	 path[PATH_MAX], buf[PATH_MAX];
	ssize_t	 n;

	snprintf(path, sizeof(path), "%s/dev/%s", s->root, name);
	if ((n = readlink(path, buf, sizeof(buf) - 1)) == -1)
		return 0;
	buf[n] = '\0';
	return strcmp(buf, want) == 0;
}

static void
test_events_and_failures(void **state)
{
	struct scratch		*s = *state;
	struct script_options	 opts;
	struct script		*sc;
	struct uevent		 ev;
	int			 nerrors;

	/* Links record what handlers saw: they need no privilege. */
	write_file(s->cfg, "10-seen.lua",
	    "on({ ACTION = 'add', SUBSYSTEM = 'mem', DEVNAME = present },\n"
	    "function(ev)\n"
	    "\tmake_link(ev, 'seen/' .. ev.SEQNUM, { target = ev.DEVPATH:gsub('/', '_') })\n"
	    "\tsetenv(ev, 'STEP', '1')\n"
	    "end)\n");
	write_file(s->cfg, "20-broken.lua", "on({}, function(ev) local x = nil; return x.y end)\n");
	write_file(s->cfg, "30-runaway.lua", "on({ SEQNUM = '2' }, function() while true do end end)\n");
	write_file(s->cfg, "40-syntax.lua", "on({}, function( end)\n");
	write_file(s->cfg, "50-after.lua",
	    "on({ STEP = '1' }, function(ev) make_link(ev, 'after/' .. ev.SEQNUM) return stop end)\n"
	    "on({}, function(ev) make_link(ev, 'never') end)\n");
	memset(&opts, 0, sizeof(opts));
	opts.config_dir = s->cfg;
	opts.root = s->root;
	opts.alias_file = "";
	opts.budget_ms = 20;
	assert_non_null(sc = script_load(&opts, &nerrors));
	assert_int_equal(nerrors, 1);	/* 40-syntax.lua */

	null_event(&ev, "add", "1");
	assert_int_equal(script_handle(sc, &ev), 1);	/* 20-broken */
	assert_true(link_is(s, "seen/1", "_devices_virtual_mem_null"));
	assert_true(link_is(s, "after/1", "../null"));

	null_event(&ev, "add", "2");
	assert_int_equal(script_handle(sc, &ev), 2);	/* broken, runaway */
	assert_true(link_is(s, "after/2", "../null"));
	assert_false(link_is(s, "never", "null"));

	/* No handler for remove takes it but the broken one. */
	null_event(&ev, "remove", "3");
	assert_int_equal(script_handle(sc, &ev), 1);
	script_free(sc);
}

static void
test_memory_cap(void **state)
{
	struct scratch		*s = *state;
	struct script_options	 opts;
	struct script		*sc;
	struct uevent		 ev;
	int			 i, nerrors, failed = 0;

	write_file(s->cfg, "10-leak.lua",
	    "local hoard = {}\n"
	    "on({}, function(ev)\n"
	    "\tfor i = 1, 20000 do hoard[#hoard + 1] = ev.SEQNUM .. ':' .. i end\n"
	    "end)\n");
	memset(&opts, 0, sizeof(opts));
	opts.config_dir = s->cfg;
	opts.root = s->root;
	opts.alias_file = "";
	opts.mem_cap = 2 * 1024 * 1024;
	assert_non_null(sc = script_load(&opts, &nerrors));
	assert_int_equal(nerrors, 0);
	for (i = 0; i < 100; i++) {
		char	 seq[16];

		snprintf(seq, sizeof(seq), "%d", i);
		null_event(&ev, "change", seq);
		failed += script_handle(sc, &ev);
		assert_true(script_memory(sc) <= opts.mem_cap);
	}
	/* 100 x 20000 strings do not fit in 2 MiB: the handler failed, the state lived. */
	assert_true(failed > 0);
	script_free(sc);
}

/* A 2.4-style PCI event (as dnode sends it) reaches the scripts with the MODALIAS the kernel would have sent. */
/*
 * Events make garbage and keep nothing: the heap stays near what the
 * scripts keep (a cycle each SCRIPT_GC_PAUSE percent), where Lua's own
 * pause of 200 lets it reach twice that.  Lua's collector is driven by
 * allocation alone, so the figures are the same on every run.
 */
static void
test_gc_pause(void **state)
{
	struct scratch		*s = *state;
	struct script_options	 opts;
	struct script		*sc;
	struct uevent		 ev;
	size_t			 live, peak = 0;
	int			 i, nerrors;

	write_file(s->cfg, "10-kept.lua",
	    "local kept = {}\n"
	    "for i = 1, 20000 do kept[i] = 'kept:' .. i end\n"
	    "on({}, function(ev)\n"
	    "\tlocal t = {}\n"
	    "\tfor i = 1, 200 do t[i] = ev.SEQNUM .. ':' .. i end\n"
	    "\tif #t == 0 then kept[#kept + 1] = t end\n"
	    "end)\n");
	memset(&opts, 0, sizeof(opts));
	opts.config_dir = s->cfg;
	opts.root = s->root;
	opts.alias_file = "";
	assert_non_null(sc = script_load(&opts, &nerrors));
	assert_int_equal(nerrors, 0);
	/* script_load collects: this is the live size. */
	live = script_memory(sc);
	for (i = 0; i < 2000; i++) {
		char	 seq[16];

		snprintf(seq, sizeof(seq), "%d", i);
		null_event(&ev, "change", seq);
		assert_int_equal(script_handle(sc, &ev), 0);
		if (script_memory(sc) > peak)
			peak = script_memory(sc);
	}
	print_message("live %zu bytes, peak %zu (%.2fx)\n", live, peak,
	    (double)peak / live);
	/* 1.17x here; 2.37x with Lua's default pause. */
	assert_true(peak < live / 100 * (SCRIPT_GC_PAUSE + 30));
	script_free(sc);
}

#ifdef HOTPLUG2_BLKID_DLOPEN
/* Whether the process maps a file whose name holds what. */
static int
mapped(const char *what)
{
	char	 line[512];
	FILE	*f;
	int	 found = 0;

	assert_non_null(f = fopen("/proc/self/maps", "r"));
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, what) != NULL;
	fclose(f);
	return found;
}
#endif

/*
 * A dynamic build opens libblkid at the first probe: loading the scripts
 * and events that probe nothing leave it unmapped (130 KB of RSS).
 */
static void
test_blkid_opened_at_first_probe(void **state)
{
#ifdef HOTPLUG2_BLKID_DLOPEN
	struct scratch		*s = *state;
	struct script_options	 opts;
	struct script		*sc;
	struct uevent		 ev;
	char			 dir[PATH_MAX];
	int			 nerrors;

	write_file(s->cfg, "10-probe.lua",
	    "on({ ACTION = 'add', SUBSYSTEM = 'block' }, function(ev)\n"
	    "\timport_builtin(ev, 'blkid')\n"
	    "end)\n");
	snprintf(dir, sizeof(dir), "%s/dev", s->root);
	assert_int_equal(mkdir(dir, 0755), 0);
	/* A regular file stands in for the disk: 64 KiB of zeros. */
	write_file(dir, "img", "");
	assert_int_equal(truncate(strcat(dir, "/img"), 65536), 0);
	memset(&opts, 0, sizeof(opts));
	opts.config_dir = s->cfg;
	opts.root = s->root;
	opts.alias_file = "";
	assert_false(mapped("libblkid"));
	assert_non_null(sc = script_load(&opts, &nerrors));
	assert_int_equal(nerrors, 0);
	null_event(&ev, "add", "1");
	assert_int_equal(script_handle(sc, &ev), 0);
	assert_false(mapped("libblkid"));

	assert_int_equal(uevent_init(&ev, "add", "/devices/virtual/block/img"), 0);
	assert_int_equal(uevent_set(&ev, "ACTION", "add"), 0);
	assert_int_equal(uevent_set(&ev, "DEVPATH", "/devices/virtual/block/img"), 0);
	assert_int_equal(uevent_set(&ev, "SUBSYSTEM", "block"), 0);
	assert_int_equal(uevent_set(&ev, "DEVNAME", "img"), 0);
	assert_int_equal(uevent_set(&ev, "SEQNUM", "2"), 0);
	assert_int_equal(script_handle(sc, &ev), 0);
	assert_true(mapped("libblkid"));
	script_free(sc);
#else
	(void)state;
	skip();
#endif
}

static void
test_modalias_synthesized(void **state)
{
	struct scratch		*s = *state;
	struct script_options	 opts;
	struct script		*sc;
	struct uevent		 ev;
	int			 nerrors;

	write_file(s->cfg, "10-alias.lua",
	    "on({ MODALIAS = present }, function(ev)\n"
	    "\tmake_link(ev, 'alias-' .. ev.SEQNUM, { target = ev.MODALIAS })\n"
	    "end)\n");
	memset(&opts, 0, sizeof(opts));
	opts.config_dir = s->cfg;
	opts.root = s->root;
	opts.alias_file = "";
	assert_non_null(sc = script_load(&opts, &nerrors));
	assert_int_equal(nerrors, 0);
	assert_int_equal(uevent_init(&ev, "add", ""), 0);
	assert_int_equal(uevent_set(&ev, "SUBSYSTEM", "pci"), 0);
	assert_int_equal(uevent_set(&ev, "PCI_CLASS", "C0300"), 0);
	assert_int_equal(uevent_set(&ev, "PCI_ID", "8086:2934"), 0);
	assert_int_equal(uevent_set(&ev, "PCI_SUBSYS_ID", "17AA:20F0"), 0);
	assert_int_equal(uevent_set(&ev, "SEQNUM", "1"), 0);
	assert_int_equal(script_handle(sc, &ev), 0);
	assert_true(link_is(s, "alias-1",
	    "pci:v00008086d00002934sv000017AAsd000020F0bc0Csc03i00"));
	/* A MODALIAS the kernel sent is kept as it is. */
	assert_int_equal(uevent_set(&ev, "MODALIAS", "pci:kernel"), 0);
	assert_int_equal(uevent_set(&ev, "SEQNUM", "2"), 0);
	assert_int_equal(script_handle(sc, &ev), 0);
	assert_true(link_is(s, "alias-2", "pci:kernel"));
	script_free(sc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_and_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_blkid_opened_at_first_probe,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_pause, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_memory_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_modalias_synthesized,
		    setup, teardown),
	};

	log_init("test_script", 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
