/* The module names depmod lists: modules.dep (the loadable ones) and modules.builtin (the built-in ones). */
#ifndef HOTPLUG2_MODLIST_H
#define HOTPLUG2_MODLIST_H

#include <stddef.h>

struct modlist;

/*
 * Index the module names of modules.dep or modules.builtin text: the
 * first field of each line ("kernel/drivers/usb/storage/uas.ko.xz:
 * deps..." or "kernel/fs/ext4/ext4.ko"), its file name without the
 * extensions, '-' made '_' as the kernel names modules.  Pure.  NULL
 * with errno ENOMEM.
 */
struct modlist	*modlist_parse(const char *buf, size_t len);

/* The same from a file; NULL with errno set when it cannot be read. */
struct modlist	*modlist_load(const char *path);

void		 modlist_free(struct modlist *ml);

/* Whether module (with '-' or '_') is listed. */
int		 modlist_has(const struct modlist *ml, const char *module);

/* Names listed; heap memory held. */
size_t		 modlist_count(const struct modlist *ml);
size_t		 modlist_bytes(const struct modlist *ml);

#endif
