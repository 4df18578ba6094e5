/* libudev's monitor message: header, filter hashes, tag bloom filter and properties (see udevmsg.h). */
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

#include "udevmsg.h"

uint32_t
udevmsg_hash32(const char *s, size_t len)
{
	const uint32_t		 m = 0x5bd1e995U;
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 h = (uint32_t)len, k;

	while (len >= 4) {
		memcpy(&k, p, 4);
		k *= m;
		k ^= k >> 24;
		k *= m;
		h *= m;
		h ^= k;
		p += 4;
		len -= 4;
	}
	switch (len) {
	case 3:
		h ^= (uint32_t)p[2] << 16;
		/* FALLTHROUGH */
	case 2:
		h ^= (uint32_t)p[1] << 8;
		/* FALLTHROUGH */
	case 1:
		h ^= p[0];
		h *= m;
	}
	h ^= h >> 13;
	h *= m;
	h ^= h >> 15;
	return h;
}

uint64_t
udevmsg_bloom64(const char *tag, size_t len)
{
	uint32_t	 h = udevmsg_hash32(tag, len);
	uint64_t	 bits = 0;
	int		 i;

	/* Four 6-bit slices of the hash, from the low end. */
	for (i = 0; i < 4; i++)
		bits |= UINT64_C(1) << ((h >> (6 * i)) & 63);
	return bits;
}

/* The value of KEY in a property list, or NULL. */
static const char *
prop_value(const char *props, size_t len, const char *key, size_t *vlen)
{
	size_t		 klen = strlen(key), n;
	const char	*p = props, *end = props + len;

	for (; p < end; p += n + 1) {
		n = strlen(p);
		if (n > klen && p[klen] == '=' && memcmp(p, key, klen) == 0) {
			*vlen = n - klen - 1;
			return p + klen + 1;
		}
	}
	return NULL;
}

static void
put32(char *out, size_t off, uint32_t v)
{
	memcpy(out + off, &v, 4);
}

size_t
udevmsg_build(char *out, size_t outlen, const char *props, size_t len,
    const char **reason)
{
	const char	*v, *tag, *colon;
	size_t		 vlen, i;
	uint64_t	 bloom = 0;

	if (len == 0 || props[len - 1] != '\0') {
		*reason = "properties not NUL-terminated";
		return 0;
	}
	for (i = 0; i < len; i += strlen(props + i) + 1)
		if (strchr(props + i, '=') == NULL ||
		    props[i] == '=') {
			*reason = "a property is not KEY=VALUE";
			return 0;
		}
	if (UDEVMSG_HEADER_SIZE + len > outlen ||
	    UDEVMSG_HEADER_SIZE + len > UDEVMSG_MAX) {
		*reason = "message too long for a libudev receiver";
		return 0;
	}
	if ((v = prop_value(props, len, "SUBSYSTEM", &vlen)) == NULL) {
		*reason = "no SUBSYSTEM";
		return 0;
	}
	memset(out, 0, UDEVMSG_HEADER_SIZE);
	memcpy(out, UDEVMSG_PREFIX, sizeof(UDEVMSG_PREFIX));
	put32(out, 8, htonl(UDEVMSG_MAGIC));
	put32(out, 12, UDEVMSG_HEADER_SIZE);
	put32(out, 16, UDEVMSG_HEADER_SIZE);
	put32(out, 20, (uint32_t)len);
	put32(out, 24, htonl(udevmsg_hash32(v, vlen)));
	if ((v = prop_value(props, len, "DEVTYPE", &vlen)) != NULL)
		put32(out, 28, htonl(udevmsg_hash32(v, vlen)));
	if ((v = prop_value(props, len, "TAGS", &vlen)) != NULL)
		for (tag = v; tag < v + vlen; tag = colon + 1) {
			if ((colon = memchr(tag, ':', v + vlen - tag)) == NULL)
				colon = v + vlen;
			if (colon > tag)
				bloom |= udevmsg_bloom64(tag,
				    (size_t)(colon - tag));
		}
	put32(out, 32, htonl((uint32_t)(bloom >> 32)));
	put32(out, 36, htonl((uint32_t)bloom));
	memcpy(out + UDEVMSG_HEADER_SIZE, props, len);
	return UDEVMSG_HEADER_SIZE + len;
}

static uint32_t
get32(const char *msg, size_t off)
{
	uint32_t	 v;

	memcpy(&v, msg + off, 4);
	return v;
}

int
udevmsg_parse(const char *msg, size_t len, struct udevmsg_header *h,
    const char **reason)
{
	if (len < UDEVMSG_HEADER_SIZE ||
	    memcmp(msg, UDEVMSG_PREFIX, sizeof(UDEVMSG_PREFIX)) != 0) {
		*reason = "no libudev header";
		return -1;
	}
	h->magic = ntohl(get32(msg, 8));
	h->header_size = get32(msg, 12);
	h->properties_off = get32(msg, 16);
	h->properties_len = get32(msg, 20);
	h->subsystem_hash = ntohl(get32(msg, 24));
	h->devtype_hash = ntohl(get32(msg, 28));
	h->tag_bloom = (uint64_t)ntohl(get32(msg, 32)) << 32 |
	    ntohl(get32(msg, 36));
	if (h->magic != UDEVMSG_MAGIC) {
		*reason = "wrong magic";
		return -1;
	}
	if (h->properties_off < UDEVMSG_HEADER_SIZE ||
	    h->properties_off > len ||
	    h->properties_len > len - h->properties_off) {
		*reason = "properties outside the message";
		return -1;
	}
	return 0;
}
