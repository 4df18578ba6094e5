/* Table tests for the modules.alias matcher: parsing, kmod's matching rules, result order, reload, and a randomized check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alias.h"
#include "log.h"
#include "../tools/kmod_ref.h"

/*
 * Real lines from Debian's 6.1.0-56-amd64 modules.alias (depmod output, so
 * modules come grouped and in modules.order order), then hand-made lines
 * for the corners of kmod's rules.
 */
static const char real_file[] =
    "# Aliases extracted from modules themselves.\n"
    "alias pci:v00008086d00005511sv*sd*bc*sc*i* e1000e\n"
    "alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e\n"
    "alias usb:v*p*d*dc*dsc*dp*ic08isc06ip62in* uas\n"
    "alias usb:v*p*d*dc*dsc*dp*ic08isc06ip50in* uas\n"
    "alias usb:v13FDp3940d0[0-2]*dc*dsc*dp*ic*isc*ip*in* uas\n"
    "alias usb:v152Dp0567d011[4-7]dc*dsc*dp*ic*isc*ip*in* usb_storage\n"
    "alias usb:v13FDp3940d0[0-2]*dc*dsc*dp*ic*isc*ip*in* usb_storage\n"
    "alias usb:v*p*d*dc*dsc*dp*ic08isc06ip50in* usb_storage\n"
    "alias input:b*v*p*e*-e*1,*k*2C0,*r*a*m*l*s*f*w* joydev\n"
    "alias input:b*v*p*e*-e*1,*k*130,*r*a*m*l*s*f*w* joydev\n"
    "alias acpi*:PNP0501:* 8250_pnp\n"
    "alias pnp:dPNP0501* 8250_pnp\n"
    "alias mdio:0000000101000001000011101100???? marvell\n"
    "alias of:N*T*Cgoogle,cr50C* tpm_tis_spi\n"
    "alias of:N*T*Cgoogle,cr50 tpm_tis_spi\n"
    "alias of:N*T*Ctcg,tpm_tis-spiC* tpm_tis_spi\n"
    "alias dmi*:svn*DellInc.*:ct*32*: dell_laptop\n"
    "alias cpu:type:x86,ven*fam*mod*:feature:*0099* aesni_intel\n"
    "alias crypto-aes aesni_intel\n"
    "alias serio:ty01pr*id*ex* psmouse\n"
    "alias serio:ty01pr*id*ex* serio_raw\n"
    "alias hid:b0003g*v0000046Dp0000C71F hid_logitech_dj\n"
    "alias platform:intel_pmc_core intel_pmc_core\n"
    "alias virtio:d00000001v* virtio_net\n";

static const char edge_file[] =
    "alias foo-bar dash_pattern\n"		/* stored as foo_bar */
    "alias x[a-c]y bracket_range\n"		/* '-' kept inside brackets */
    "alias x[!a-c]y bracket_negated\n"
    "alias q?z question\n"
    "alias lit\\*star backslash_literal\n"	/* kmod: '\\' before a wildcard is a plain byte */
    "alias w*\\*end backslash_escape\n"		/* after a wildcard fnmatch rules: \\* is a '*' */
    "alias ab**cd stars\n"
    "alias empty* trailing_star\n"
    "alias dup dup_one\n"
    "alias dup dup_one\n"
    "alias d?p dup_one\n"
    "alias [x]solo bracket_first\n"
    "alias ord* zeta\n"
    "alias ord* alpha\n"
    "alias ord1* zeta\n"
    "alias t*[]x bracket_empty\n"	/* fnmatch: "[]x" is no set, so literal */
    "alias y[] bracket_short\n";	/* a tail shorter than a compiled set */

struct lookup_case {
	const char	*file;		/* real_file or edge_file */
	const char	*query;
	const char	*want;		/* modules, space-separated, in order */
};

static const struct lookup_case lookup_cases[] = {
	/* Real devices. */
	{ real_file, "pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00",
	    "e1000e" },
	{ real_file, "pci:v00008086d000010D4sv00008086sd0000A01Fbc02sc00i00", "" },
	{ real_file, "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00",
	    "uas usb_storage" },
	{ real_file, "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip62in00", "uas" },
	/* A 2.6.1x string without the in field misses patterns that have one. */
	{ real_file, "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50", "" },
	{ real_file, "usb:v13FDp3940d0200dc00dsc00dp00ic08isc06ip00in00",
	    "uas usb_storage" },
	{ real_file, "usb:v13FDp3940d0300dc00dsc00dp00ic08isc06ip00in00", "" },
	{ real_file, "usb:v152Dp0567d0116dc00dsc00dp00icFFisc00ip00in00",
	    "usb_storage" },
	{ real_file, "usb:v152Dp0567d0118dc00dsc00dp00icFFisc00ip00in00", "" },
	{ real_file, "input:b0003v046DpC218e0110-e0,1,3,4,15,k120,121,122,123,"
	    "124,125,126,127,128,129,12A,12B,130,ra0,1,2,5,10,11,m4,lsfw",
	    "joydev" },
	{ real_file, "input:b0011v0001p0001eAB41-e0,1,4,11,14,k71,72,73,ram4,"
	    "l0,1,2,sfw", "" },
	{ real_file, "acpi:PNP0501:", "8250_pnp" },
	{ real_file, "acpi:PNP0501:PNP0500:", "8250_pnp" },
	{ real_file, "acpi:PNP0502:", "" },
	{ real_file, "pnp:dPNP0501", "8250_pnp" },
	{ real_file, "mdio:00000001010000010000111011001010", "marvell" },
	{ real_file, "mdio:0000000101000001000011101100101", "" },
	{ real_file, "of:NtpmT(null)Cgoogle,cr50", "tpm_tis_spi" },
	{ real_file, "of:NtpmT(null)Cgoogle,cr50Ctcg,tpm_tis-spi", "tpm_tis_spi" },
	{ real_file, "of:NtpmT(null)Cgoogle,cr5", "" },
	{ real_file, "dmi:bvnDellInc.:bvr1.2.3:svnDellInc.:pnLatitude:ct32:cvr:",
	    "dell_laptop" },
	{ real_file, "dmi:bvnDellInc.:svnDellInc.:ct10:", "" },
	{ real_file, "cpu:type:x86,ven0000fam0006mod008E:feature:,0000,0001,0099,"
	    "00E7", "aesni_intel" },
	{ real_file, "crypto-aes", "aesni_intel" },
	{ real_file, "crypto_aes", "aesni_intel" },
	{ real_file, "serio:ty01pr00id00ex00", "psmouse serio_raw" },
	{ real_file, "hid:b0003g0102v0000046Dp0000C71F", "hid_logitech_dj" },
	{ real_file, "hid:b0003g0102v0000046Dp0000C71F0", "" },
	/* kmod makes '-' and '_' one in queries and patterns. */
	{ real_file, "platform:intel-pmc-core", "intel_pmc_core" },
	{ real_file, "virtio:d00000001v00001AF4", "virtio_net" },
	{ real_file, "", "" },

	{ edge_file, "foo-bar", "dash_pattern" },
	{ edge_file, "foo_bar", "dash_pattern" },
	{ edge_file, "xby", "bracket_range" },
	{ edge_file, "x-y", "bracket_negated" },
	{ edge_file, "xdy", "bracket_negated" },
	{ edge_file, "xy", "" },
	{ edge_file, "q!z", "question" },
	{ edge_file, "qz", "" },
	{ edge_file, "lit\\*star", "backslash_literal" },
	{ edge_file, "lit*star", "" },
	{ edge_file, "wxyz*end", "backslash_escape" },
	{ edge_file, "w*end", "backslash_escape" },
	{ edge_file, "wxyzend", "" },
	{ edge_file, "abcd", "stars" },
	{ edge_file, "ab--cd", "stars" },
	{ edge_file, "empty", "trailing_star" },
	{ edge_file, "empty and more", "trailing_star" },
	{ edge_file, "dup", "dup_one" },
	{ edge_file, "xsolo", "bracket_first" },
	{ edge_file, "ysolo", "" },
	/* Order: by each module's first line in the file. */
	{ edge_file, "ord1", "zeta alpha" },
	{ edge_file, "tq[]x", "bracket_empty" },
	{ edge_file, "tqx", "" },
	{ edge_file, "tq]", "" },
	{ edge_file, "y[]", "bracket_short" },
	/* A query with an unmatched bracket is refused, as kmod refuses it. */
	{ edge_file, "x[y", "" },
	{ edge_file, "x]y", "" },
};

struct collect {
	char	buf[512];
};

static void
collect_cb(const char *module, void *arg)
{
	struct collect	*c = arg;

	if (c->buf[0] != '\0')
		strcat(c->buf, " ");
	strcat(c->buf, module);
}

static int
count_words(const char *s)
{
	int	 n = 0, in = 0;

	for (; *s != '\0'; s++) {
		if (*s != ' ' && !in)
			n++;
		in = *s != ' ';
	}
	return n;
}

static void
test_lookup_table(void **state)
{
	struct alias_index	*real, *edge, *idx;
	struct collect		 c;
	size_t			 i;
	int			 n;

	(void)state;
	real = alias_parse(real_file, sizeof(real_file) - 1, "real");
	edge = alias_parse(edge_file, sizeof(edge_file) - 1, "edge");
	assert_non_null(real);
	assert_non_null(edge);
	for (i = 0; i < sizeof(lookup_cases) / sizeof(lookup_cases[0]); i++) {
		idx = lookup_cases[i].file == real_file ? real : edge;
		memset(&c, 0, sizeof(c));
		n = alias_lookup(idx, lookup_cases[i].query, collect_cb, &c);
		if (strcmp(c.buf, lookup_cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"",
			    lookup_cases[i].query, c.buf, lookup_cases[i].want);
		assert_int_equal(n, count_words(lookup_cases[i].want));
	}
	alias_free(real);
	alias_free(edge);
}

struct parse_case {
	const char	*name;
	const char	*text;
	size_t		 patterns;
	size_t		 modules;
	size_t		 malformed;
};

static const struct parse_case parse_cases[] = {
	{ "empty", "", 0, 0, 0 },
	{ "comments, blank lines, other keywords",
	    "# comment\n\n   \n\t# indented comment\noptions foo bar=1\n"
	    "softdep a pre: b\nalias a b\n", 1, 1, 0 },
	{ "tabs, CRLF and no final newline", "alias\tp1\tm1\r\nalias p2 m1", 2,
	    1, 0 },
	{ "missing module", "alias onlypattern\nalias p m\n", 1, 1, 1 },
	{ "missing pattern", "alias\n", 0, 0, 1 },
	{ "trailing text", "alias p m extra\n", 0, 0, 1 },
	{ "unmatched '['", "alias usb:v[12 m\n", 0, 0, 1 },
	{ "unmatched ']'", "alias usb:v12] m\n", 0, 0, 1 },
	{ "']' first in a set is not kmod's", "alias a[]b]c m\n", 0, 0, 1 },
	/* The only tail is shorter than the set it is compiled to try. */
	{ "short bracket tail", "alias y[] m\n", 1, 1, 0 },
	{ "real file", real_file, 24, 14, 0 },
};

static void
test_parse_table(void **state)
{
	struct alias_index	*idx;
	struct alias_stats	 st;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		idx = alias_parse(parse_cases[i].text,
		    strlen(parse_cases[i].text), parse_cases[i].name);
		assert_non_null(idx);
		alias_stats(idx, &st);
		if (st.patterns != parse_cases[i].patterns ||
		    st.modules != parse_cases[i].modules ||
		    st.malformed != parse_cases[i].malformed)
			fail_msg("%s: patterns %zu modules %zu malformed %zu",
			    parse_cases[i].name, st.patterns, st.modules,
			    st.malformed);
		assert_true(st.bytes > 0);
		alias_free(idx);
	}
}

/* Lines past a malformed one still count, and a long pattern is refused. */
static void
test_malformed_keeps_going(void **state)
{
	struct alias_index	*idx;
	struct alias_stats	 st;
	struct collect		 c;
	char			*text;
	size_t			 n = ALIAS_MAX + 64;

	(void)state;
	text = malloc(n + 64);
	assert_non_null(text);
	memcpy(text, "alias ", 6);
	memset(text + 6, 'a', ALIAS_MAX);
	strcpy(text + 6 + ALIAS_MAX, " long\nalias bad[ m\nalias good ok\n");
	idx = alias_parse(text, strlen(text), "long");
	assert_non_null(idx);
	alias_stats(idx, &st);
	assert_int_equal(st.patterns, 1);
	assert_int_equal(st.malformed, 2);
	memset(&c, 0, sizeof(c));
	assert_int_equal(alias_lookup(idx, "good", collect_cb, &c), 1);
	assert_string_equal(c.buf, "ok");
	alias_free(idx);
	free(text);
}

/*
 * An index without a single pattern answers nothing, and its lookups
 * compute no pointer into the values it does not have (UBSan's
 * "applying non-zero offset to null pointer" in the ASan build).
 */
static void
test_empty_index(void **state)
{
	static const char	*texts[] = { "", "# only a comment\n",
	    "options foo bar=1\n" };
	struct alias_index	*idx;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		idx = alias_parse(texts[i], strlen(texts[i]), "empty");
		assert_non_null(idx);
		assert_int_equal(alias_lookup(idx, "pci:v00008086", NULL, NULL),
		    0);
		assert_int_equal(alias_lookup(idx, "", NULL, NULL), 0);
		alias_free(idx);
	}
}

static void
count_cb(const char *module, void *arg)
{
	(void)module;
	++*(int *)arg;
}

/*
 * A file made so that every query position walks a large trie (each
 * pattern a star, then 'a' or '?' at each of 12 places) would cost
 * nodes x positions; past ALIAS_STEPS_MAX the lookup gives up with ETIME
 * and reports nothing, while a short query is still answered.
 */
static void
test_step_budget(void **state)
{
	struct alias_index	*idx;
	char			*text, *q, line[64];
	size_t			 k, j, len = 0, n = 4096;
	int			 calls = 0;

	(void)state;
	text = malloc(n * sizeof(line));
	q = malloc(ALIAS_MAX);
	assert_non_null(text);
	assert_non_null(q);
	for (k = 0; k < n; k++) {
		len += (size_t)sprintf(text + len, "alias *");
		for (j = 0; j < 12; j++)
			text[len++] = (k >> j) & 1 ? '?' : 'a';
		len += (size_t)sprintf(text + len, "*b m%zu\n", k % 7);
	}
	idx = alias_parse(text, len, "budget");
	assert_non_null(idx);
	memset(q, 'a', ALIAS_MAX - 2);
	q[ALIAS_MAX - 2] = 'b';
	q[ALIAS_MAX - 1] = '\0';
	errno = 0;
	assert_int_equal(alias_lookup(idx, q, count_cb, &calls), -1);
	assert_int_equal(errno, ETIME);
	assert_int_equal(calls, 0);
	assert_true(alias_lookup_steps() > ALIAS_STEPS_MAX);
	assert_int_equal(alias_lookup(idx, "aaaaaaaaaaaaab", count_cb, &calls), 7);
	assert_true(alias_lookup_steps() < ALIAS_STEPS_MAX / 4);
	alias_free(idx);
	free(text);
	free(q);
}

/* Many matches spill the lookup's small buffer onto the heap. */
static void
test_many_matches(void **state)
{
	struct alias_index	*idx;
	char			*text, line[64];
	size_t			 i, len = 0;

	(void)state;
	text = malloc(200 * sizeof(line));
	assert_non_null(text);
	for (i = 0; i < 200; i++) {
		snprintf(line, sizeof(line), "alias m%c* mod%03zu\n",
		    i % 2 ? '*' : 'o', i);
		memcpy(text + len, line, strlen(line));
		len += strlen(line);
	}
	idx = alias_parse(text, len, "many");
	assert_non_null(idx);
	assert_int_equal(alias_lookup(idx, "mouse", NULL, NULL), 200);
	assert_int_equal(alias_lookup(idx, "mice", NULL, NULL), 100);
	alias_free(idx);
	free(text);
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
test_load_and_refresh(void **state)
{
	struct alias_index	*idx, *old;
	char			 dir[] = "/tmp/test_alias.XXXXXX", path[64];
	struct collect		 c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/modules.alias", dir);

	errno = 0;
	assert_null(alias_load(path));
	assert_int_equal(errno, ENOENT);

	write_file(path, "alias pci:v* first\n");
	idx = alias_load(path);
	assert_non_null(idx);
	assert_int_equal(alias_refresh(&idx), 0);

	/* A new file (another inode and size) is picked up. */
	write_file(path, "alias pci:v* second\nalias usb:v* third\n");
	old = idx;
	assert_int_equal(alias_refresh(&idx), 1);
	assert_ptr_not_equal(idx, old);
	memset(&c, 0, sizeof(c));
	assert_int_equal(alias_lookup(idx, "pci:v1", collect_cb, &c), 1);
	assert_string_equal(c.buf, "second");
	assert_int_equal(alias_refresh(&idx), 0);

	/* A vanished file is an error, and the old index stays usable. */
	assert_int_equal(unlink(path), 0);
	old = idx;
	assert_int_equal(alias_refresh(&idx), -1);
	assert_ptr_equal(idx, old);
	assert_int_equal(alias_lookup(idx, "usb:v2", NULL, NULL), 1);
	alias_free(idx);

	/* An index made from a buffer has no file to reload. */
	idx = alias_parse("alias a b\n", 10, "buffer");
	assert_non_null(idx);
	assert_int_equal(alias_refresh(&idx), 0);
	alias_free(idx);
	assert_int_equal(rmdir(dir), 0);
}

/* kmod's rule (tests/tools/kmod_ref.h), the reference for the randomized comparison below. */
static int
ref_match(const char *pattern, const char *query)
{
	char	 p[512], q[512];

	snprintf(p, sizeof(p), "%s", pattern);
	snprintf(q, sizeof(q), "%s", query);
	if (kmod_ref_normalize(p) == -1 || kmod_ref_normalize(q) == -1)
		return 0;
	return kmod_ref_match(p, q);
}

/* A small deterministic generator, so every run tries the same cases. */
static uint32_t
rnd(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

static void
rnd_string(uint32_t *state, char *out, const char *alphabet, size_t maxlen)
{
	size_t	 n = rnd(state) % (maxlen + 1), i, na = strlen(alphabet);

	for (i = 0; i < n; i++)
		out[i] = alphabet[rnd(state) % na];
	out[n] = '\0';
}

/*
 * Thousands of random files and queries over a small alphabet full of
 * wildcards, brackets, dashes and backslashes: the index must agree with
 * the plain rule on every one.  Queries are made by mutating the patterns,
 * so that many of them match.
 */
static void
test_random_against_plain_rule(void **state)
{
	static const char	 pat_chars[] = "ab-_*?*[]!\\";
	static const char	 q_chars[] = "ab-_*[]\\";
	struct alias_index	*idx;
	char			 pats[24][16], mods[24][8], text[1024], q[24];
	uint32_t		 seed = 1, want, got_mask;
	size_t			 file, k, j, len, compared = 0, matched = 0;
	int			 npats, i, saved_stderr, devnull;

	(void)state;
	/* Many random patterns have unbalanced brackets: keep their warnings out of the log. */
	fflush(stderr);
	saved_stderr = dup(2);
	devnull = open("/dev/null", O_WRONLY);
	assert_true(saved_stderr != -1 && devnull != -1);
	dup2(devnull, 2);
	close(devnull);
	for (file = 0; file < 1500; file++) {
		npats = 1 + (int)(rnd(&seed) % 24);
		len = 0;
		for (i = 0; i < npats; i++) {
			rnd_string(&seed, pats[i], pat_chars, 10);
			if (pats[i][0] == '\0')
				strcpy(pats[i], "a");
			snprintf(mods[i], sizeof(mods[i]), "m%u",
			    (unsigned)(rnd(&seed) % 12));
			len += (size_t)snprintf(text + len, sizeof(text) - len,
			    "alias %s %s\n", pats[i], mods[i]);
		}
		idx = alias_parse(text, len, "random");
		assert_non_null(idx);
		for (k = 0; k < 40; k++) {
			if (k % 2 == 0)
				rnd_string(&seed, q, q_chars, 12);
			else {
				/* A pattern with its wildcards filled in. */
				const char	*p = pats[rnd(&seed) % npats];

				for (j = 0; *p != '\0' && j < sizeof(q) - 4; p++) {
					if (*p == '*')
						j += (size_t)snprintf(q + j, 4, "%.*s",
						    (int)(rnd(&seed) % 3), "ab-");
					else if (*p == '?')
						q[j++] = q_chars[rnd(&seed) % 8];
					else
						q[j++] = *p;
				}
				q[j] = '\0';
			}
			/* Modules as a bit set: m0..m11. */
			want = 0;
			for (i = 0; i < npats; i++)
				if (ref_match(pats[i], q))
					want |= 1u << atoi(mods[i] + 1);
			got_mask = 0;
			{
				struct collect	 c;
				char		*w, *save;

				memset(&c, 0, sizeof(c));
				alias_lookup(idx, q, collect_cb, &c);
				for (w = strtok_r(c.buf, " ", &save); w != NULL;
				    w = strtok_r(NULL, " ", &save)) {
					if (got_mask & (1u << atoi(w + 1)))
						fail_msg("%s returned twice", w);
					got_mask |= 1u << atoi(w + 1);
				}
			}
			if (got_mask != want) {
				dup2(saved_stderr, 2);
				fail_msg("query \"%s\" on\n%swant %#x got %#x", q,
				    text, want, got_mask);
			}
			compared++;
			matched += want != 0;
		}
		alias_free(idx);
	}
	dup2(saved_stderr, 2);
	close(saved_stderr);
	print_message("compared %zu random queries, %zu with matches\n",
	    compared, matched);
	assert_true(matched > compared / 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_table),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_malformed_keeps_going),
		cmocka_unit_test(test_empty_index),
		cmocka_unit_test(test_step_budget),
		cmocka_unit_test(test_many_matches),
		cmocka_unit_test(test_load_and_refresh),
		cmocka_unit_test(test_random_against_plain_rule),
	};

	log_init("test_alias", 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
