/* modules.alias loading, a wildcard-aware trie over its patterns, and lookups that answer as kmod does. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "globmatch.h"
#include "log.h"
#include "slurp.h"

/*
 * How kmod answers, and so how we must: depmod stores every pattern with
 * '-' turned into '_' outside brackets (a pattern with an unmatched bracket
 * is dropped), the query gets the same treatment, and a pattern matches
 * when fnmatch(pattern, query, 0) does.  kmod compares the literal part
 * before the first '*', '?' or '[' byte for byte (a backslash there is an
 * ordinary character) and hands the rest to fnmatch.
 *
 * The index is a radix trie over each pattern's "key": the pattern up to
 * the first '[' (or, after the first wildcard, the first backslash), with
 * runs of '*' collapsed.  '*' and '?' in keys are trie edges that the search
 * follows itself; an edge label may hold '?' anywhere but '*' only as its
 * first byte.  Whatever follows the key (the "tail", beginning with the
 * key's last '*' if it had one) is checked at the node where the key
 * ends, by a program compiled from it (globmatch.c).  A subtree that only
 * one key would use is not built: the rest of that key joins its tail.
 * So tails are matched only on the few candidates that the trie walk has
 * already narrowed down.
 *
 * A lookup's cost is a small multiple of (query length + 1) x (file size +
 * trie nodes) at most, whatever the file and the query: the walk follows each star
 * edge from each query position at most once (the star memo in struct
 * match), so a node is visited at most once per position; a tail is
 * matched in full at most twice per lookup and then only its head is
 * compared (the tail memo); a module found stops its other patterns'
 * tries.  So no file depmod writes comes near ALIAS_STEPS_MAX, which
 * stops what only a hostile file could make: a lookup that every query
 * position drives through a large trie.  A tail in the bracket syntax
 * globmatch leaves to fnmatch() ('^',
 * '[' or '\\' inside brackets) costs what glibc's does, which is
 * polynomial too; depmod's files have none.  alias_lookup_steps() counts
 * the work so that tests can hold the bound.
 */

#define NO_TAIL		UINT32_MAX
#define NO_VALUE	UINT32_MAX
#define LAST_VALUE	0x80000000u	/* in alias_value.module: the node's last */
#define WARN_MAX	20	/* malformed lines reported one by one */
/* A modules.alias larger than this is refused (Debian's is 1.3 MB). */
#define ALIAS_FILE_MAX	(256 * 1024 * 1024)

struct alias_node {
	uint32_t	label;		/* edge label, offset in text */
	uint32_t	child;		/* first child in nodes[] */
	uint32_t	value;		/* first value in values[], or NO_VALUE */
	uint16_t	label_len;
	uint16_t	nchild;		/* children, sorted by first label byte */
};

/* A node's values follow each other; the last has LAST_VALUE set. */
struct alias_value {
	uint32_t	tail;		/* offset of a tail record in tails, or NO_TAIL */
	uint32_t	module;		/* index in modules[], | LAST_VALUE */
};

struct alias_index {
	struct alias_node	*nodes;
	size_t			 nnodes;
	struct alias_value	*values;
	size_t			 nvalues;
	uint32_t		*modules;	/* name offsets in text */
	size_t			 nmodules;
	char			*text;
	size_t			 textlen;
	unsigned char		*tails;		/* tail records, see tail_add() */
	size_t			 tailslen;
	size_t			 patterns;
	size_t			 malformed;
	char			*path;		/* NULL when made by alias_parse */
	dev_t			 st_dev;
	ino_t			 st_ino;
	off_t			 st_size;
	struct timespec		 st_mtim;
};

/* One pattern while the index is built; its key is in the builder's keys. */
struct entry {
	uint32_t	 key;
	uint32_t	 keylen;
	uint32_t	 tail;
	uint32_t	 module;
};

/*
 * Building takes as little memory at its peak as it can, for the daemon's
 * sake: the keys are packed at the front of the file's buffer, which is
 * then shrunk; the nodes are counted in a first pass and allocated once.
 */
struct builder {
	struct alias_index	*idx;
	const char		*name;
	char			*keys;
	size_t			 keyslen;
	struct entry		*entries;
	size_t			 nentries;
	size_t			 cmodules, ctext;
	uint32_t		*hash;		/* module index + 1; 0 is free */
	size_t			 hashsize;
	uint32_t		*strs;		/* text offset + 1; 0 is free */
	size_t			 strsize, nstrs;
	uint32_t		*tailmap;	/* text offset + 1, record offset */
	size_t			 tailmapsize, ntails, ctails;
	unsigned char		*prog;		/* one compiled tail */
	size_t			 cprog;
	int			 counting;	/* first pass: count nodes only */
};

#define MEMO_LOCAL	64	/* star edges remembered without a malloc; a power of 2 */
#define TAILS_LOCAL	16	/* tails remembered without a malloc; a power of 2 */

/*
 * A slot of a lookup's hash tables: a key (0 is a free slot) and what is
 * known about it.  In the star memo the key is a star edge (node index +
 * 1), the value the lowest position it was followed from; in the tail
 * memo the key is a tail record (offset + 1), the value what
 * globmatch_latest() said, or TAIL_ONCE.
 */
struct memo_slot {
	uint32_t	node;
	uint32_t	from;
};

struct memo {
	struct memo_slot	*slot;
	size_t			 size, n;
};

#define TAIL_ONCE	UINT32_MAX	/* matched once, no latest start yet */
#define TAIL_NONE	(UINT32_MAX - 1)	/* the tail's rest matches no suffix */

/*
 * One lookup's state.  memo remembers, for each star edge followed, the
 * lowest query position it was followed from: every later position has
 * been tried already.  Without it, a query with many copies of the bytes
 * after the stars (usb:vppp...ddd...) would walk the same subtrees over
 * and over, exponentially often in the number of stars; with it, each
 * star edge tries each position once.  It grows as needed, so that bound
 * holds for every file: a memo that forgot edges would bring the
 * exponent back.
 */
struct match {
	const struct alias_index	*idx;
	const char			*q;
	size_t				 qlen;
	uint32_t			*ids;
	size_t				 n, cap;
	int				 nomem;
	uint32_t			 local[32];
	unsigned long			 steps;
	uint64_t			*seen;		/* modules found, or NULL */
	struct memo			 stars, tails;
	struct memo_slot		 stars_local[MEMO_LOCAL];
	struct memo_slot		 tails_local[TAILS_LOCAL];
};

/* Steps of the last lookup, for alias_lookup_steps(). */
static unsigned long	last_steps;

static int	grow(void *, size_t *, size_t, size_t);
static int	normalize(char *, size_t);
static int64_t	text_add(struct builder *, const char *, size_t,
		    const char *, size_t);
static int64_t	module_intern(struct builder *, const char *, size_t);
static int64_t	intern(struct builder *, const char *, size_t, const char *,
		    size_t);
static int	add_line(struct builder *, char *, size_t, size_t);
static int	entry_cmp(const void *, const void *, void *);
static int	collapsible(const struct builder *, size_t, size_t, size_t);
static int64_t	tail_add(struct builder *, uint32_t);
static int	leaf(struct builder *, uint32_t, size_t, size_t, size_t);
static int	build(struct builder *, uint32_t, size_t, size_t, size_t);
static struct alias_index *parse_owned(char *, size_t, const char *);
static void	visit(struct match *, const struct alias_node *, size_t);

/* Make room for want elements of size sz in *arr, of capacity *cap. */
static int
grow(void *arr, size_t *cap, size_t want, size_t sz)
{
	void	**p = arr;
	void	 *n;
	size_t	  c;

	if (want <= *cap)
		return 0;
	c = *cap ? *cap : 16;
	while (c < want)
		c *= 2;
	if ((n = realloc(*p, c * sz)) == NULL)
		return -1;
	*p = n;
	*cap = c;
	return 0;
}

/*
 * kmod's alias_normalize() in place: '-' becomes '_' outside brackets; an
 * unmatched '[' or ']' makes the string invalid (-1).
 */
static int
normalize(char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '-':
			s[i] = '_';
			break;
		case ']':
			return -1;
		case '[':
			while (i < n && s[i] != ']')
				i++;
			if (i == n)
				return -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Append a then b and a NUL to the text pool; the offset, or -1. */
static int64_t
text_add(struct builder *b, const char *a, size_t alen, const char *s,
    size_t slen)
{
	struct alias_index	*idx = b->idx;
	size_t			 off = idx->textlen;

	if (off + alen + slen + 1 > UINT32_MAX)
		return -1;
	if (grow(&idx->text, &b->ctext, off + alen + slen + 1, 1) == -1)
		return -1;
	memcpy(idx->text + off, a, alen);
	memcpy(idx->text + off + alen, s, slen);
	idx->text[off + alen + slen] = '\0';
	idx->textlen = off + alen + slen + 1;
	return (int64_t)off;
}

static uint32_t
hash_bytes(const char *s, size_t n)
{
	uint32_t	 h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The index of module name s (n bytes), added on first sight; -1 on ENOMEM. */
static int64_t
module_intern(struct builder *b, const char *s, size_t n)
{
	struct alias_index	*idx = b->idx;
	uint32_t		*nh, h, slot, id;
	size_t			 i, sz;
	int64_t			 off;
	const char		*name;

	if (b->hashsize < 2 * (idx->nmodules + 1)) {
		sz = b->hashsize ? 2 * b->hashsize : 1024;
		if ((nh = calloc(sz, sizeof(*nh))) == NULL)
			return -1;
		for (i = 0; i < b->hashsize; i++) {
			if ((id = b->hash[i]) == 0)
				continue;
			name = idx->text + idx->modules[id - 1];
			slot = hash_bytes(name, strlen(name)) & (sz - 1);
			while (nh[slot] != 0)
				slot = (slot + 1) & (sz - 1);
			nh[slot] = id;
		}
		free(b->hash);
		b->hash = nh;
		b->hashsize = sz;
	}
	h = hash_bytes(s, n);
	for (slot = h & (b->hashsize - 1); (id = b->hash[slot]) != 0;
	    slot = (slot + 1) & (b->hashsize - 1)) {
		name = idx->text + idx->modules[id - 1];
		if (strncmp(name, s, n) == 0 && name[n] == '\0')
			return id - 1;
	}
	if (grow(&idx->modules, &b->cmodules, idx->nmodules + 1,
	    sizeof(*idx->modules)) == -1)
		return -1;
	if ((off = text_add(b, "", 0, s, n)) == -1)
		return -1;
	idx->modules[idx->nmodules++] = (uint32_t)off;
	b->hash[slot] = (uint32_t)idx->nmodules;
	return (int64_t)idx->nmodules - 1;
}

/*
 * The offset of string a followed by s in the text pool, shared with an
 * equal string already there: labels and tails repeat a lot ("*sc",
 * "*dc*dsc*dp*ic*isc*ip*in*"), and the pool is most of the index.
 */
static int64_t
intern(struct builder *b, const char *a, size_t alen, const char *s,
    size_t slen)
{
	struct alias_index	*idx = b->idx;
	char			 buf[2 * ALIAS_MAX];
	uint32_t		*nt, h, slot, o;
	size_t			 i, sz, n = alen + slen;
	int64_t			 off;

	if (n >= sizeof(buf))
		return text_add(b, a, alen, s, slen);
	memcpy(buf, a, alen);
	memcpy(buf + alen, s, slen);
	buf[n] = '\0';
	if (b->strsize < 2 * (b->nstrs + 1)) {
		sz = b->strsize ? 2 * b->strsize : 4096;
		if ((nt = calloc(sz, sizeof(*nt))) == NULL)
			return -1;
		for (i = 0; i < b->strsize; i++) {
			if ((o = b->strs[i]) == 0)
				continue;
			slot = hash_bytes(idx->text + o - 1,
			    strlen(idx->text + o - 1)) & (sz - 1);
			while (nt[slot] != 0)
				slot = (slot + 1) & (sz - 1);
			nt[slot] = o;
		}
		free(b->strs);
		b->strs = nt;
		b->strsize = sz;
	}
	h = hash_bytes(buf, n);
	for (slot = h & (b->strsize - 1); (o = b->strs[slot]) != 0;
	    slot = (slot + 1) & (b->strsize - 1))
		if (strcmp(idx->text + o - 1, buf) == 0)
			return (int64_t)o - 1;
	if ((off = text_add(b, buf, n, "", 0)) == -1 || off + 1 > UINT32_MAX)
		return -1;
	b->strs[slot] = (uint32_t)off + 1;
	b->nstrs++;
	return off;
}

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void
malformed(struct builder *b, size_t lineno, const char *why)
{
	if (b->idx->malformed++ < WARN_MAX)
		log_warnx("%s:%zu: %s; line skipped", b->name, lineno, why);
}

/*
 * One line of n bytes, writable (it is normalized in place).  0 when
 * handled, including when reported as malformed; -1 on ENOMEM.
 */
static int
add_line(struct builder *b, char *s, size_t n, size_t lineno)
{
	char		*w[4], *p, *end = s + n;
	size_t		 wl[4], nw = 0, i, out, keylen;
	int64_t		 mod, tail = NO_TAIL;
	int		 wild = 0;

	for (p = s; p < end && nw < 4; ) {
		while (p < end && blank(*p))
			p++;
		if (p == end)
			break;
		w[nw] = p;
		while (p < end && !blank(*p))
			p++;
		wl[nw] = (size_t)(p - w[nw]);
		nw++;
	}
	if (nw == 0 || w[0][0] == '#')
		return 0;
	/* Other keywords (options, softdep, ...) are not ours to judge. */
	if (wl[0] != 5 || memcmp(w[0], "alias", 5) != 0)
		return 0;
	if (nw < 3) {
		malformed(b, lineno, "alias needs a pattern and a module");
		return 0;
	}
	if (nw > 3) {
		malformed(b, lineno, "text after the module name");
		return 0;
	}
	if (wl[1] >= ALIAS_MAX) {
		malformed(b, lineno, "pattern too long");
		return 0;
	}
	if (normalize(w[1], wl[1]) == -1) {
		malformed(b, lineno, "unmatched bracket in pattern");
		return 0;
	}
	if ((mod = module_intern(b, w[2], wl[2])) == -1)
		return -1;

	/* Cut the key, collapsing '*' runs in place (out never passes i). */
	p = w[1];
	for (i = out = 0; i < wl[1]; i++) {
		if (p[i] == '[' || (p[i] == '\\' && wild))
			break;
		if (p[i] == '*' || p[i] == '?')
			wild = 1;
		if (p[i] == '*' && out > 0 && p[out - 1] == '*')
			continue;
		p[out++] = p[i];
	}
	keylen = out;
	if (i < wl[1]) {
		/* The tail takes the key's trailing star, so it sits on a plain node. */
		if (keylen > 0 && p[keylen - 1] == '*')
			tail = intern(b, "*", 1, p + i, wl[1] - i), keylen--;
		else
			tail = intern(b, "", 0, p + i, wl[1] - i);
		if (tail == -1)
			return -1;
	}
	/* Pack the key after the previous ones; it never moves right. */
	memmove(b->keys + b->keyslen, p, keylen);
	b->entries[b->nentries].key = (uint32_t)b->keyslen;
	b->keyslen += keylen;
	b->entries[b->nentries].keylen = (uint32_t)keylen;
	b->entries[b->nentries].tail = (uint32_t)tail;
	b->entries[b->nentries].module = (uint32_t)mod;
	b->nentries++;
	b->idx->patterns++;
	return 0;
}

static int
entry_cmp(const void *va, const void *vb, void *keys)
{
	const struct entry	*a = va, *b = vb;
	size_t			 n = a->keylen < b->keylen ? a->keylen : b->keylen;
	int			 c;

	if ((c = memcmp((char *)keys + a->key, (char *)keys + b->key, n)) != 0)
		return c;
	if (a->keylen != b->keylen)
		return a->keylen < b->keylen ? -1 : 1;
	if (a->module != b->module)
		return a->module < b->module ? -1 : 1;
	return a->tail < b->tail ? -1 : a->tail > b->tail;
}

/*
 * Whether the entries [lo, hi) all have the same key and its rest from depth
 * can go to fnmatch: a subtree of one key is not worth its nodes.  A
 * backslash keeps the key in the trie, where it stays a plain character.
 */
static int
collapsible(const struct builder *b, size_t lo, size_t hi, size_t depth)
{
	const struct entry	*a = &b->entries[lo], *z = &b->entries[hi - 1];

	if (a->keylen != z->keylen || memcmp(b->keys + a->key, b->keys + z->key,
	    a->keylen) != 0)
		return 0;
	return memchr(b->keys + a->key + depth, '\\', a->keylen - depth) ==
	    NULL;
}

#define TAIL_PROG	0	/* a globmatch program follows */
#define TAIL_TEXT	1	/* an fnmatch() pattern follows, NUL-terminated */

/*
 * The tail at text offset off as a record in the index's tails: a kind
 * byte, the length in 4 bytes, then the bytes.  Each distinct tail is
 * compiled once; "sv*sd*bc*sc*i*" ends thousands of patterns.
 */
static int64_t
tail_add(struct builder *b, uint32_t off)
{
	struct alias_index	*idx = b->idx;
	const char		*t = idx->text + off;
	const void		*bytes;
	uint32_t		*nm, slot, len32;
	size_t			 i, sz, n = strlen(t), at;
	long			 len;
	unsigned char		 kind;

	if (b->tailmapsize < 2 * (b->ntails + 1)) {
		sz = b->tailmapsize ? 2 * b->tailmapsize : 1024;
		if ((nm = calloc(sz, 2 * sizeof(*nm))) == NULL)
			return -1;
		for (i = 0; i < b->tailmapsize; i++) {
			if (b->tailmap[2 * i] == 0)
				continue;
			slot = b->tailmap[2 * i] * 2654435761u & (sz - 1);
			while (nm[2 * slot] != 0)
				slot = (slot + 1) & (sz - 1);
			nm[2 * slot] = b->tailmap[2 * i];
			nm[2 * slot + 1] = b->tailmap[2 * i + 1];
		}
		free(b->tailmap);
		b->tailmap = nm;
		b->tailmapsize = sz;
	}
	for (slot = (off + 1) * 2654435761u & (b->tailmapsize - 1);
	    b->tailmap[2 * slot] != 0; slot = (slot + 1) & (b->tailmapsize - 1))
		if (b->tailmap[2 * slot] == off + 1)
			return b->tailmap[2 * slot + 1];

	if (grow(&b->prog, &b->cprog, GLOBMATCH_GROWTH * n + 1, 1) == -1)
		return -1;
	if ((len = globmatch_compile(t, n, b->prog)) >= 0) {
		kind = TAIL_PROG;
		bytes = b->prog;
	} else {
		kind = TAIL_TEXT;
		bytes = t;
		len = (long)n + 1;
	}
	at = idx->tailslen;
	if (at + 5 + (size_t)len >= NO_TAIL ||
	    grow(&idx->tails, &b->ctails, at + 5 + (size_t)len, 1) == -1)
		return -1;
	idx->tails[at] = kind;
	len32 = (uint32_t)len;
	memcpy(idx->tails + at + 1, &len32, 4);
	memcpy(idx->tails + at + 5, bytes, (size_t)len);
	idx->tailslen = at + 5 + (size_t)len;
	b->tailmap[2 * slot] = off + 1;
	b->tailmap[2 * slot + 1] = (uint32_t)at;
	b->ntails++;
	return (int64_t)at;
}

/*
 * Make the entries [lo, hi) values of node ni, their key rest and tail
 * joined.  Values with a tail come first: a lookup that reaches the node
 * before the query's end stops at the first value without one.  A line
 * that repeats an earlier one (same key, module and tail) adds nothing.
 */
static int
leaf(struct builder *b, uint32_t ni, size_t lo, size_t hi, size_t depth)
{
	struct alias_index	*idx = b->idx;
	struct entry		*e = b->entries;
	struct alias_value	*v = NULL;
	const char		*t;
	int64_t			 off;
	size_t			 g, prev;
	int			 pass, bare;

	if (b->counting)
		return 0;
	idx->nodes[ni].value = (uint32_t)idx->nvalues;
	for (pass = 0; pass < 2; pass++)
	for (g = lo, prev = hi; g < hi; g++) {
		bare = e[g].keylen == depth && e[g].tail == NO_TAIL;
		if (bare != pass)
			continue;
		/* Sorted by key, module and tail: repeats are neighbours. */
		if (prev != hi && e[prev].keylen == e[g].keylen &&
		    e[prev].module == e[g].module && e[prev].tail == e[g].tail)
			continue;
		prev = g;
		v = &idx->values[idx->nvalues++];
		v->module = e[g].module;
		off = e[g].tail == NO_TAIL ? -1 : (int64_t)e[g].tail;
		if (e[g].keylen != depth) {
			t = e[g].tail == NO_TAIL ? "" : idx->text + e[g].tail;
			/* The old tail stays in the pool unused; few patterns have one. */
			if ((off = intern(b, b->keys + e[g].key + depth,
			    e[g].keylen - depth, t, strlen(t))) == -1)
				return -1;
		}
		v->tail = NO_TAIL;
		if (off != -1) {
			if ((off = tail_add(b, (uint32_t)off)) == -1)
				return -1;
			v->tail = (uint32_t)off;
		}
	}
	v->module |= LAST_VALUE;
	return 0;
}

/*
 * Fill node ni from the sorted entries [lo, hi), which share their first
 * depth key bytes.  Keys that end here become its values; the rest are
 * grouped by their next byte into children, allocated side by side.  When
 * b->counting, only count the nodes.
 */
static int
build(struct builder *b, uint32_t ni, size_t lo, size_t hi, size_t depth)
{
	struct alias_index	*idx = b->idx;
	struct entry		*e = b->entries;
	struct alias_node	*c;
	const char		*k, *kz;
	size_t			 v, g, g2, ng, first, i, len, max;
	int64_t			 off;

	if (depth > 0 && collapsible(b, lo, hi, depth))
		return leaf(b, ni, lo, hi, depth);
	for (v = lo; v < hi && e[v].keylen == depth; v++)
		;
	if (v > lo && leaf(b, ni, lo, v, depth) == -1)
		return -1;
	for (ng = 0, g = v; g < hi; ng++, g = g2)
		for (g2 = g + 1; g2 < hi && b->keys[e[g2].key + depth] ==
		    b->keys[e[g].key + depth]; g2++)
			;
	if (ng == 0)
		return 0;
	first = idx->nnodes;
	if (first + ng > UINT32_MAX)
		return -1;
	idx->nnodes += ng;
	if (!b->counting) {
		for (i = first; i < first + ng; i++) {
			memset(&idx->nodes[i], 0, sizeof(idx->nodes[i]));
			idx->nodes[i].value = NO_VALUE;
		}
		idx->nodes[ni].child = (uint32_t)first;
		idx->nodes[ni].nchild = (uint16_t)ng;
	}

	for (i = first, g = v; g < hi; i++, g = g2) {
		for (g2 = g + 1; g2 < hi && b->keys[e[g2].key + depth] ==
		    b->keys[e[g].key + depth]; g2++)
			;
		/* Sorted, so the group's common prefix is its ends'. */
		k = b->keys + e[g].key + depth;
		kz = b->keys + e[g2 - 1].key + depth;
		max = (e[g].keylen < e[g2 - 1].keylen ? e[g].keylen :
		    e[g2 - 1].keylen) - depth;
		for (len = 1; len < max && k[len] == kz[len] && k[len] != '*';
		    len++)
			;
		if (!b->counting) {
			if ((off = intern(b, "", 0, k, len)) == -1)
				return -1;
			c = &idx->nodes[i];
			c->label = (uint32_t)off;
			c->label_len = (uint16_t)len;
		}
		if (build(b, (uint32_t)i, g, g2, depth + len) == -1)
			return -1;
	}
	return 0;
}

/* Shrink an array to n elements; keeping the larger block is harmless. */
static void
shrink(void *arr, size_t n, size_t sz)
{
	void	**p = arr;
	void	 *s;

	if (n > 0 && (s = realloc(*p, n * sz)) != NULL)
		*p = s;
}

/* Index buf (len bytes, ours to modify and free). */
static struct alias_index *
parse_owned(char *buf, size_t len, const char *name)
{
	struct builder	 b;
	char		*p, *nl, *end = buf + len, *k;
	size_t		 lineno = 0, nlines = 1, nnodes;

	memset(&b, 0, sizeof(b));
	b.name = name;
	b.keys = buf;
	if ((b.idx = calloc(1, sizeof(*b.idx))) == NULL)
		goto fail;
	/* No more entries than lines. */
	for (p = buf; p < end && (p = memchr(p, '\n', (size_t)(end - p))) !=
	    NULL; p++)
		nlines++;
	if ((b.entries = calloc(nlines, sizeof(*b.entries))) == NULL ||
	    text_add(&b, "", 0, "", 0) == -1)
		goto fail;

	for (p = buf; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (add_line(&b, p, (size_t)(nl - p), ++lineno) == -1)
			goto fail;
	}
	if (b.idx->malformed > WARN_MAX)
		log_warnx("%s: %zu malformed lines in all", name,
		    b.idx->malformed);
	free(b.hash);
	b.hash = NULL;
	if ((k = realloc(b.keys, b.keyslen + 1)) != NULL)
		b.keys = k;
	buf = NULL;

	if (b.nentries > 1)
		qsort_r(b.entries, b.nentries, sizeof(*b.entries), entry_cmp,
		    b.keys);
	/* Count the nodes, then build them into an array of that size. */
	b.counting = 1;
	b.idx->nnodes = 1;
	if (build(&b, 0, 0, b.nentries, 0) == -1)
		goto fail;
	nnodes = b.idx->nnodes;
	b.counting = 0;
	b.idx->nnodes = 1;
	if ((b.idx->nodes = calloc(nnodes, sizeof(*b.idx->nodes))) == NULL ||
	    (b.nentries > 0 && (b.idx->values = calloc(b.nentries,
	    sizeof(*b.idx->values))) == NULL))
		goto fail;
	b.idx->nodes[0].value = NO_VALUE;
	if (build(&b, 0, 0, b.nentries, 0) == -1)
		goto fail;

	shrink(&b.idx->modules, b.idx->nmodules, sizeof(*b.idx->modules));
	shrink(&b.idx->text, b.idx->textlen, 1);
	shrink(&b.idx->tails, b.idx->tailslen, 1);
	free(b.entries);
	free(b.strs);
	free(b.tailmap);
	free(b.prog);
	free(b.keys);
	return b.idx;

fail:
	free(b.entries);
	free(b.hash);
	free(b.strs);
	free(b.tailmap);
	free(b.prog);
	free(buf != NULL ? buf : b.keys);
	alias_free(b.idx);
	errno = ENOMEM;
	return NULL;
}

struct alias_index *
alias_parse(const char *buf, size_t len, const char *name)
{
	char	*copy;

	if ((copy = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(copy, buf, len);
	return parse_owned(copy, len, name);
}

struct alias_index *
alias_load(const char *path)
{
	struct alias_index	*idx;
	struct stat		 st;
	char			*buf;
	size_t			 len;

	if ((buf = slurp_file(path, ALIAS_FILE_MAX, &len, &st)) == NULL)
		return NULL;
	if ((idx = parse_owned(buf, len, path)) == NULL)
		return NULL;
	if ((idx->path = strdup(path)) == NULL) {
		alias_free(idx);
		return NULL;
	}
	idx->st_dev = st.st_dev;
	idx->st_ino = st.st_ino;
	idx->st_size = st.st_size;
	idx->st_mtim = st.st_mtim;
	return idx;
}

void
alias_free(struct alias_index *idx)
{
	if (idx == NULL)
		return;
	free(idx->nodes);
	free(idx->values);
	free(idx->modules);
	free(idx->text);
	free(idx->tails);
	free(idx->path);
	free(idx);
}

int
alias_refresh(struct alias_index **idxp)
{
	struct alias_index	*idx = *idxp, *n;
	struct stat		 st;

	if (idx->path == NULL)
		return 0;
	if (stat(idx->path, &st) == -1)
		return -1;
	if (st.st_dev == idx->st_dev && st.st_ino == idx->st_ino &&
	    st.st_size == idx->st_size &&
	    st.st_mtim.tv_sec == idx->st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == idx->st_mtim.tv_nsec)
		return 0;
	if ((n = alias_load(idx->path)) == NULL)
		return -1;
	alias_free(idx);
	*idxp = n;
	return 1;
}

static int	id_cmp(const void *, const void *);

/* Sort the ids found so far and drop repeats. */
static void
compact(struct match *m)
{
	size_t	 k, out;

	if (m->n > 1)
		qsort(m->ids, m->n, sizeof(*m->ids), id_cmp);
	for (k = out = 0; k < m->n; k++)
		if (out == 0 || m->ids[k] != m->ids[out - 1])
			m->ids[out++] = m->ids[k];
	m->n = out;
}

#define SEEN_AFTER	64	/* modules found before repeats are looked up */

/*
 * Note module id as found.  Below a star one pattern can match from
 * every position: past SEEN_AFTER finds, a bit per module says which are
 * found already, so each is kept once and its other patterns need not be
 * tried again.  Without memory for the bits, repeats are dropped before
 * the array grows.
 */
static void
add_module(struct match *m, uint32_t id)
{
	uint32_t	*n;
	size_t		 k;

	m->steps++;
	if (m->seen != NULL) {
		if (m->seen[id / 64] >> (id % 64) & 1)
			return;
		m->seen[id / 64] |= (uint64_t)1 << (id % 64);
	} else if (m->n >= SEEN_AFTER && (m->seen = calloc(
	    (m->idx->nmodules + 63) / 64, sizeof(*m->seen))) != NULL) {
		compact(m);
		m->steps += m->n;
		for (k = 0; k < m->n; k++)
			m->seen[m->ids[k] / 64] |= (uint64_t)1 << (m->ids[k] % 64);
		add_module(m, id);
		return;
	}
	if (m->n == m->cap) {
		m->steps += m->n;
		compact(m);
	}
	if (2 * m->n > m->cap) {
		if (m->ids == m->local) {
			if ((n = malloc(2 * m->cap * sizeof(*n))) != NULL)
				memcpy(n, m->local, sizeof(m->local));
		} else
			n = realloc(m->ids, 2 * m->cap * sizeof(*n));
		if (n == NULL) {
			m->nomem = 1;
			return;
		}
		m->ids = n;
		m->cap *= 2;
	}
	if (m->n < m->cap)
		m->ids[m->n++] = id;
}

/* The child of the cnt nodes at c whose label starts with byte ch, or NULL. */
static const struct alias_node *
child(const struct alias_index *idx, const struct alias_node *c, size_t cnt,
    unsigned char ch)
{
	size_t		 lo = 0, hi = cnt, mid;
	unsigned char	 f;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		f = (unsigned char)idx->text[c[mid].label];
		if (f == ch)
			return &c[mid];
		if (f < ch)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Does the label s (n bytes, '?' matching any byte) match the query at q? */
static int
label_eq(const char *s, const char *q, size_t n)
{
	size_t	 k;

	for (k = 0; k < n; k++)
		if (s[k] != q[k] && s[k] != '?')
			return 0;
	return 1;
}

/* Follow edge c from query position i. */
static void
edge(struct match *m, const struct alias_node *c, size_t i)
{
	const char	*s = m->idx->text + c->label;

	m->steps += c->label_len;
	if (m->qlen - i < c->label_len || !label_eq(s, m->q + i, c->label_len))
		return;
	visit(m, c, i + c->label_len);
}

/*
 * The slot of key id in t, free (then counted as used: the caller fills
 * it) or id's own; NULL when memory ran out.  local is t's first table,
 * which is never freed.
 */
static struct memo_slot *
memo_slot(struct match *m, struct memo *t, const struct memo_slot *local,
    uint32_t id)
{
	struct memo_slot	*nt;
	size_t			 i, sz, slot;

	if (2 * (t->n + 1) > t->size) {
		sz = 2 * t->size;
		if ((nt = calloc(sz, sizeof(*nt))) == NULL) {
			m->nomem = 1;
			return NULL;
		}
		for (i = 0; i < t->size; i++) {
			if (t->slot[i].node == 0)
				continue;
			for (slot = t->slot[i].node * 2654435761u & (sz - 1);
			    nt[slot].node != 0; slot = (slot + 1) & (sz - 1))
				;
			nt[slot] = t->slot[i];
		}
		if (t->slot != local)
			free(t->slot);
		t->slot = nt;
		t->size = sz;
	}
	for (slot = id * 2654435761u & (t->size - 1);
	    t->slot[slot].node != 0 && t->slot[slot].node != id;
	    slot = (slot + 1) & (t->size - 1))
		;
	if (t->slot[slot].node == 0)
		t->n++;
	return &t->slot[slot];
}

/* Follow the star edge c: its '*' may swallow any run of the query from i. */
static void
star(struct match *m, const struct alias_node *c, size_t i)
{
	const char		*rest = m->idx->text + c->label + 1, *p, *last, *from;
	size_t			 rlen = c->label_len - 1u, j, end = m->qlen;
	uint32_t		 id = (uint32_t)(c - m->idx->nodes) + 1;
	struct memo_slot	*ms;

	/* Positions from i up to end have not been tried from this edge. */
	if ((ms = memo_slot(m, &m->stars, m->stars_local, id)) == NULL)
		return;
	if (ms->node == id) {
		if (i >= ms->from)
			return;
		end = ms->from - 1;
		ms->from = (uint32_t)i;
	} else {
		ms->node = id;
		ms->from = (uint32_t)i;
	}
	m->steps++;
	if (rlen == 0) {
		for (j = i; j <= end && m->steps <= ALIAS_STEPS_MAX; j++)
			visit(m, c, j);
		return;
	}
	if (m->qlen - i < rlen)
		return;
	last = m->q + m->qlen - rlen;
	if (last > m->q + end)
		last = m->q + end;
	/* Each try costs at most the label; memchr goes 16 bytes a step. */
	if (rest[0] == '?') {
		for (p = m->q + i; p <= last && m->steps <= ALIAS_STEPS_MAX; p++) {
			m->steps += rlen;
			if (label_eq(rest, p, rlen))
				visit(m, c, (size_t)(p - m->q) + rlen);
		}
		return;
	}
	/* Jump from one occurrence of the literal that follows the star to the next. */
	for (p = m->q + i; p <= last && m->steps <= ALIAS_STEPS_MAX; p++) {
		from = p;
		if ((p = memchr(p, rest[0], (size_t)(last - p) + 1)) == NULL)
			break;
		m->steps += (size_t)(p - from) / 16 + rlen;
		if (label_eq(rest, p, rlen))
			visit(m, c, (size_t)(p - m->q) + rlen);
	}
}

/*
 * Does the tail record at off match the query from position i on?  Below
 * a star edge one tail is tried from many positions: the second time,
 * the latest start of its part after the first star is worked out once
 * for the whole query, and every later try only matches the head.
 */
static int
tail_match(struct match *m, uint32_t off, size_t i)
{
	const unsigned char	*r = m->idx->tails + off, *prog = r + 5;
	struct memo_slot	*ts;
	uint32_t		 len;
	size_t			 rest;
	long			 h, latest;

	memcpy(&len, r + 1, 4);
	if (r[0] != TAIL_PROG) {
		m->steps += len * (m->qlen - i + 1);
		return fnmatch((const char *)prog, m->q + i, 0) == 0;
	}
	if ((h = globmatch_head(prog, len, m->q + i, m->qlen - i, &rest,
	    &m->steps)) == -1)
		return 0;
	if (rest == len)
		return i + (size_t)h == m->qlen;
	if (m->tails.slot == NULL) {
		memset(m->tails_local, 0, sizeof(m->tails_local));
		m->tails.slot = m->tails_local;
		m->tails.size = TAILS_LOCAL;
	}
	if ((ts = memo_slot(m, &m->tails, m->tails_local, off + 1)) == NULL)
		return 0;
	if (ts->node == 0) {
		ts->node = off + 1;
		ts->from = TAIL_ONCE;
		return globmatch(prog, len, m->q + i, m->qlen - i, &m->steps,
		    ALIAS_STEPS_MAX);
	}
	if (ts->from == TAIL_ONCE) {
		latest = globmatch_latest(prog, len, rest, m->q, m->qlen,
		    &m->steps, ALIAS_STEPS_MAX);
		ts->from = latest < 0 ? TAIL_NONE : (uint32_t)latest;
	}
	return ts->from != TAIL_NONE && i + (size_t)h <= ts->from;
}

/* At node n, i bytes of the query consumed. */
static void
visit(struct match *m, const struct alias_node *n, size_t i)
{
	const struct alias_index	*idx = m->idx;
	const struct alias_value	*v;
	const struct alias_node		*c, *k;
	uint32_t			 id;
	unsigned char			 ch;

	/* Past the budget the walk unwinds: the lookup fails with ETIME. */
	if (++m->steps > ALIAS_STEPS_MAX)
		return;
	/* An empty index has no values array at all: no pointer into it. */
	if (n->value != NO_VALUE)
		for (v = idx->values + n->value;; v++) {
			if (++m->steps > ALIAS_STEPS_MAX)
				return;
			/* Values without a tail come last, and need the query's end. */
			if (v->tail == NO_TAIL && i != m->qlen)
				break;
			id = v->module & ~LAST_VALUE;
			/* A module found already needs no more tries. */
			if (m->seen != NULL && m->seen[id / 64] >> (id % 64) & 1)
				;
			else if (v->tail == NO_TAIL ? i == m->qlen :
			    tail_match(m, v->tail, i))
				add_module(m, id);
			if (v->module & LAST_VALUE)
				break;
		}
	if (n->nchild == 0)
		return;
	c = idx->nodes + n->child;
	if (i < m->qlen) {
		ch = (unsigned char)m->q[i];
		if (ch != '*' && ch != '?' &&
		    (k = child(idx, c, n->nchild, ch)) != NULL)
			edge(m, k, i);
		if ((k = child(idx, c, n->nchild, '?')) != NULL)
			edge(m, k, i);
	}
	if ((k = child(idx, c, n->nchild, '*')) != NULL)
		star(m, k, i);
}

static int
id_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
alias_lookup(const struct alias_index *idx, const char *modalias,
    void (*cb)(const char *, void *), void *arg)
{
	struct match	 m;
	char		 q[ALIAS_MAX];
	size_t		 n, k, out;

	/* kmod reads at most ALIAS_MAX - 1 bytes of the query. */
	n = strnlen(modalias, ALIAS_MAX - 1);
	memcpy(q, modalias, n);
	q[n] = '\0';
	if (normalize(q, n) == -1)
		return 0;

	m.n = 0;
	m.nomem = 0;
	m.steps = 0;
	m.seen = NULL;
	memset(m.stars_local, 0, sizeof(m.stars_local));
	m.stars.slot = m.stars_local;
	m.stars.size = MEMO_LOCAL;
	m.stars.n = 0;
	/* The tail memo is cleared on first use: most lookups need none. */
	m.tails.slot = NULL;
	m.tails.size = m.tails.n = 0;
	m.idx = idx;
	m.q = q;
	m.qlen = n;
	m.ids = m.local;
	m.cap = sizeof(m.local) / sizeof(m.local[0]);
	visit(&m, &idx->nodes[0], 0);
	last_steps = m.steps;
	free(m.seen);
	if (m.stars.slot != m.stars_local)
		free(m.stars.slot);
	if (m.tails.slot != NULL && m.tails.slot != m.tails_local)
		free(m.tails.slot);
	if (m.nomem || m.steps > ALIAS_STEPS_MAX) {
		if (m.ids != m.local)
			free(m.ids);
		errno = m.nomem ? ENOMEM : ETIME;
		return -1;
	}

	/* Module ids follow the file's order: sort, drop repeats. */
	compact(&m);
	out = m.n;
	if (cb != NULL)
		for (k = 0; k < out; k++)
			cb(idx->text + idx->modules[m.ids[k]], arg);
	if (m.ids != m.local)
		free(m.ids);
	return (int)out;
}

unsigned long
alias_lookup_steps(void)
{
	return last_steps;
}

void
alias_stats(const struct alias_index *idx, struct alias_stats *st)
{
	st->patterns = idx->patterns;
	st->modules = idx->nmodules;
	st->malformed = idx->malformed;
	st->nodes = idx->nnodes;
	st->bytes = sizeof(*idx) +
	    idx->nnodes * sizeof(*idx->nodes) +
	    idx->nvalues * sizeof(*idx->values) +
	    idx->nmodules * sizeof(*idx->modules) + idx->textlen +
	    idx->tailslen +
	    (idx->path != NULL ? strlen(idx->path) + 1 : 0);
}
