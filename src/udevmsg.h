/* libudev's monitor message: the header libudev's socket filters read, then the device's properties. */
#ifndef HOTPLUG2_UDEVMSG_H
#define HOTPLUG2_UDEVMSG_H

#include <stddef.h>
#include <stdint.h>

/*
 * The layout, as systemd 252's sd-device sends it and its receivers
 * check it (all fields 32 bits wide):
 *
 *	offset	field			byte order
 *	0	"libudev\0"
 *	8	magic 0xfeedcafe	big-endian
 *	12	header size (40)	host
 *	16	properties offset	host
 *	20	properties length	host
 *	24	subsystem hash		big-endian
 *	28	devtype hash		big-endian (0: no DEVTYPE)
 *	32	tag bloom, high half	big-endian
 *	36	tag bloom, low half	big-endian
 *	40	KEY=VALUE\0 ...
 *
 * The big-endian fields are the ones the receivers' BPF filters load.
 */
#define UDEVMSG_PREFIX		"libudev"
#define UDEVMSG_MAGIC		0xfeedcafeU
#define UDEVMSG_HEADER_SIZE	40
#define UDEVMSG_GROUP		2	/* NETLINK_KOBJECT_UEVENT group */
/* A receiver reads into 8 KiB and drops anything longer as truncated. */
#define UDEVMSG_MAX		8192

struct udevmsg_header {
	uint32_t	 magic;
	uint32_t	 header_size;
	uint32_t	 properties_off;
	uint32_t	 properties_len;
	uint32_t	 subsystem_hash;
	uint32_t	 devtype_hash;
	uint64_t	 tag_bloom;
};

/*
 * MurmurHash2 with seed 0, four bytes at a time in host order, as
 * libudev hashes subsystems, devtypes and tags: a receiver on the same
 * machine computes the same value.
 */
uint32_t	 udevmsg_hash32(const char *s, size_t len);

/* The four bits a tag sets in the 64-bit bloom filter. */
uint64_t	 udevmsg_bloom64(const char *tag, size_t len);

/*
 * Build a message from props, len bytes of NUL-terminated "KEY=VALUE"
 * strings.  The subsystem and devtype hashes come from SUBSYSTEM and
 * DEVTYPE, the bloom filter from the tags listed in TAGS (":a:b:").
 * Returns the message's length, or 0 with *reason set when props is
 * not a property list with SUBSYSTEM, or the message would exceed outlen
 * or UDEVMSG_MAX.  Pure: no I/O.
 */
size_t		 udevmsg_build(char *out, size_t outlen, const char *props,
		    size_t len, const char **reason);

/* Read a message's header back (tests, tools); -1 with *reason if it is not one. */
int		 udevmsg_parse(const char *msg, size_t len,
		    struct udevmsg_header *h, const char **reason);

#endif
