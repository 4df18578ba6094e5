/* --rebroadcast: each handled event re-sent as the kernel sent it, on a netlink group of the user's choice. */
#ifndef HOTPLUG2_REBROADCAST_H
#define HOTPLUG2_REBROADCAST_H

struct uevent;

/*
 * The groups a user may choose.  1 is the kernel's own (every uevent
 * listener, hotplug2 included, would take the copies for new events), 2
 * is libudev's, which carries the udev broadcast in libudev's format;
 * above 32 no process can join a group by bind(2).  libudev-zero listens
 * on group 3 (its bit mask 0x4).
 */
#define REBROADCAST_GROUP_MIN	3
#define REBROADCAST_GROUP_MAX	32

struct rebroadcast {
	int		 fd;		/* -1: off */
	unsigned int	 group;
	unsigned long	 sent, failed;
};

/*
 * The group of "--rebroadcast S": 0 with *group set, or -1 with *why
 * saying what is wrong with S.  Pure: no I/O.
 */
int		 rebroadcast_parse(const char *s, unsigned int *group,
		    const char **why);

/* Off: what rebroadcast_event and rebroadcast_close expect before open. */
void		 rebroadcast_init(struct rebroadcast *rb);

/* A sending socket for group: 0, or -1 (logged). */
int		 rebroadcast_open(struct rebroadcast *rb, unsigned int group);

/*
 * Multicast ev's wire form, the bytes the kernel (or hotplug2-dnode,
 * or coldplug on 2.4) sent, unchanged.  A failure is logged once and
 * counted; nothing when rb is off.
 */
void		 rebroadcast_event(struct rebroadcast *rb, const struct uevent *ev);

/* Log the counters and close the socket. */
void		 rebroadcast_close(struct rebroadcast *rb);

#endif
