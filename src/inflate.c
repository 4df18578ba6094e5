/* A gzip member (RFC 1952) inflated into a caller's buffer (DEFLATE, RFC 1951): for the Lua modules compiled in compressed. */
#include <stdint.h>
#include <string.h>

#include "inflate.h"

#define MAXBITS		15	/* longest code */
#define NLITLEN		288	/* literal/length codes */
#define NDIST		30	/* distance codes */

struct in {
	const unsigned char	*p, *end;
	uint32_t		 bits;	/* pending bits, low first */
	int			 nbits;
	unsigned char		*out;
	size_t			 n, max;
};

/* A canonical Huffman code: count[len] codes of each length, symbols in code order. */
struct huff {
	short	 count[MAXBITS + 1];
	short	 symbol[NLITLEN];
};

static int
need(struct in *s, int n)
{
	while (s->nbits < n) {
		if (s->p == s->end)
			return -1;
		s->bits |= (uint32_t)*s->p++ << s->nbits;
		s->nbits += 8;
	}
	return 0;
}

/* n bits (n <= 16), first bit lowest; -1 past the end. */
static int
bits(struct in *s, int n)
{
	int	 v;

	if (need(s, n) == -1)
		return -1;
	v = (int)(s->bits & ((1U << n) - 1));
	s->bits >>= n;
	s->nbits -= n;
	return v;
}

/* Build h from code lengths; 0 when the code is usable (complete, or a single code). */
static int
build(struct huff *h, const unsigned char *len, int n)
{
	short	 offs[MAXBITS + 1];
	int	 i, left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (i = 0; i < n; i++)
		h->count[len[i]]++;
	if (h->count[0] == n)
		return 0;
	for (i = 1; i <= MAXBITS; i++) {
		left = left * 2 - h->count[i];
		if (left < 0)
			return -1;	/* more codes than room: not a code */
	}
	offs[1] = 0;
	for (i = 1; i < MAXBITS; i++)
		offs[i + 1] = (short)(offs[i] + h->count[i]);
	for (i = 0; i < n; i++)
		if (len[i] != 0)
			h->symbol[offs[len[i]]++] = (short)i;
	return 0;
}

/* One symbol, reading the code bit by bit (codes are sent most significant bit first). */
static int
decode(struct in *s, const struct huff *h)
{
	int	 code = 0, first = 0, index = 0, len, count, b;

	for (len = 1; len <= MAXBITS; len++) {
		if ((b = bits(s, 1)) == -1)
			return -1;
		code |= b;
		count = h->count[len];
		if (code - first < count)
			return h->symbol[index + (code - first)];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return -1;
}

static const short	 len_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15,
	17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
	258 };
static const short	 len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
	2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const unsigned short dist_base[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17,
	25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
	3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const short	 dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4,
	5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static int
codes(struct in *s, const struct huff *lit, const struct huff *dist)
{
	int	 sym, e, len;
	size_t	 d;

	for (;;) {
		if ((sym = decode(s, lit)) < 0)
			return -1;
		if (sym < 256) {
			if (s->n == s->max)
				return -1;
			s->out[s->n++] = (unsigned char)sym;
		} else if (sym == 256)
			return 0;
		else {
			sym -= 257;
			if (sym >= 29 || (e = bits(s, len_extra[sym])) < 0)
				return -1;
			len = len_base[sym] + e;
			if ((sym = decode(s, dist)) < 0 || sym >= 30 ||
			    (e = bits(s, dist_extra[sym])) < 0)
				return -1;
			d = (size_t)dist_base[sym] + (size_t)e;
			if (d > s->n || (size_t)len > s->max - s->n)
				return -1;
			/* Byte by byte: a copy may overlap what it makes. */
			while (len-- > 0) {
				s->out[s->n] = s->out[s->n - d];
				s->n++;
			}
		}
	}
}

static int
stored(struct in *s)
{
	unsigned int	 len, nlen;

	s->bits = 0;		/* to a byte boundary */
	s->nbits = 0;
	if (s->end - s->p < 4)
		return -1;
	len = s->p[0] | (unsigned int)s->p[1] << 8;
	nlen = s->p[2] | (unsigned int)s->p[3] << 8;
	s->p += 4;
	if (len != (~nlen & 0xffff) || (size_t)(s->end - s->p) < len ||
	    len > s->max - s->n)
		return -1;
	memcpy(s->out + s->n, s->p, len);
	s->p += len;
	s->n += len;
	return 0;
}

static int
fixed(struct in *s)
{
	static struct huff	 lit, dist;
	static int		 built;
	unsigned char		 len[NLITLEN];
	int			 i;

	if (!built) {
		for (i = 0; i < 144; i++)
			len[i] = 8;
		for (; i < 256; i++)
			len[i] = 9;
		for (; i < 280; i++)
			len[i] = 7;
		for (; i < NLITLEN; i++)
			len[i] = 8;
		build(&lit, len, NLITLEN);
		for (i = 0; i < NDIST; i++)
			len[i] = 5;
		build(&dist, len, NDIST);
		built = 1;
	}
	return codes(s, &lit, &dist);
}

static int
dynamic(struct in *s)
{
	static const unsigned char order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10,
	    5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	struct huff	 lit, dist, lens;
	unsigned char	 len[NLITLEN + NDIST];
	int		 nlen, ndist, ncode, i, sym, rep, v;

	if ((nlen = bits(s, 5)) < 0 || (ndist = bits(s, 5)) < 0 ||
	    (ncode = bits(s, 4)) < 0)
		return -1;
	nlen += 257;
	ndist += 1;
	ncode += 4;
	if (nlen > 286 || ndist > NDIST)
		return -1;
	memset(len, 0, sizeof(len));
	for (i = 0; i < ncode; i++) {
		if ((v = bits(s, 3)) < 0)
			return -1;
		len[order[i]] = (unsigned char)v;
	}
	if (build(&lens, len, 19) != 0)
		return -1;
	for (i = 0; i < nlen + ndist;) {
		if ((sym = decode(s, &lens)) < 0)
			return -1;
		if (sym < 16) {
			len[i++] = (unsigned char)sym;
			continue;
		}
		v = 0;
		if (sym == 16) {
			if (i == 0)
				return -1;
			v = len[i - 1];
			rep = bits(s, 2) + 3;
		} else if (sym == 17)
			rep = bits(s, 3) + 3;
		else
			rep = bits(s, 7) + 11;
		if (rep < 3 || i + rep > nlen + ndist)
			return -1;
		while (rep-- > 0)
			len[i++] = (unsigned char)v;
	}
	if (len[256] == 0 || build(&lit, len, nlen) != 0 ||
	    build(&dist, len + nlen, ndist) != 0)
		return -1;
	return codes(s, &lit, &dist);
}

static uint32_t
crc32(const unsigned char *p, size_t n)
{
	uint32_t	 c = 0xffffffffU;
	int		 k;

	while (n-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320U & (0U - (c & 1)));
	}
	return ~c;
}

size_t
gzip_size(const unsigned char *gz, size_t len)
{
	if (len < 18)
		return 0;
	return gz[len - 4] | (size_t)gz[len - 3] << 8 |
	    (size_t)gz[len - 2] << 16 | (size_t)gz[len - 1] << 24;
}

int
gzip_inflate(const unsigned char *gz, size_t len, unsigned char *out,
    size_t max, size_t *outlen)
{
	struct in	 s;
	const unsigned char *p = gz, *end = gz + len;
	uint32_t	 crc;
	int		 flags, last, type, rc;

	if (len < 18 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8)
		return -1;
	flags = p[3];
	p += 10;
	if (flags & 4) {	/* FEXTRA */
		size_t	 x = p[0] | (size_t)p[1] << 8;

		if ((size_t)(end - p) < x + 2)
			return -1;
		p += 2 + x;
	}
	if (flags & 8)		/* FNAME */
		while (p < end && *p++ != 0)
			;
	if (flags & 16)		/* FCOMMENT */
		while (p < end && *p++ != 0)
			;
	if (flags & 2)		/* FHCRC */
		p += 2;
	if (end - p < 8)
		return -1;
	memset(&s, 0, sizeof(s));
	s.p = p;
	s.end = end - 8;
	s.out = out;
	s.max = max;
	do {
		if ((last = bits(&s, 1)) < 0 || (type = bits(&s, 2)) < 0)
			return -1;
		if (type == 0)
			rc = stored(&s);
		else if (type == 1)
			rc = fixed(&s);
		else if (type == 2)
			rc = dynamic(&s);
		else
			rc = -1;
		if (rc != 0)
			return -1;
	} while (!last);
	crc = end[-8] | (uint32_t)end[-7] << 8 | (uint32_t)end[-6] << 16 |
	    (uint32_t)end[-5] << 24;
	if (crc != crc32(out, s.n) || s.n != gzip_size(gz, len))
		return -1;
	*outlen = s.n;
	return 0;
}
