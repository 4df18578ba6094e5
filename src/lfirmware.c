/* Firmware loading: the kernel's sysfs protocol, with files and links under the root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "lcorelib.h"
#include "rootfs.h"

static int
write_str(int fd, const char *s)
{
	size_t	 n = strlen(s);

	return write(fd, s, n) == (ssize_t)n ? 0 : -1;
}

/*
 * core.firmware(devpath, file [, within]): the sysfs protocol.  "1" to
 * loading, the file's bytes to data, "0" to loading: true.  With file
 * nil, "-1" to loading, so the kernel stops waiting at once: true, the
 * kernel was told.  When anything fails, or file is refused, "-1" too,
 * then an error.  Paths are under the root; within, when given, is the
 * firmware directory file is in, whose own links (linux-firmware has
 * many) are followed while they stay inside it.  Nothing here blocks:
 * loading, data and the file must be regular files.
 */
static int
l_firmware(lua_State *L)
{
	struct lcore	*c = core_of(L);
	struct timespec	 t0;
	char		 sysdir[PATH_MAX], path[PATH_MAX + 16], buf[8192];
	const char	*devpath = luaL_checkstring(L, 1);
	const char	*file = luaL_optstring(L, 2, NULL);
	const char	*within = luaL_optstring(L, 3, NULL);
	const char	*why = NULL, *what = "", *refused = NULL;
	ssize_t		 n;
	int		 loading = -1, data = -1, in = -1, ok = 0, saved = 0;

	while (*devpath == '/')
		devpath++;
	if (snprintf(sysdir, sizeof(sysdir), "sys/%s", devpath) >=
	    (int)sizeof(sysdir) || rootfs_check(sysdir, &why) == -1)
		return luaL_error(L, "refusing firmware DEVPATH '%s': %s",
		    devpath, why ? why : "too long");
	/* A refused file still tells the kernel, below. */
	if (file != NULL && rootfs_check(file, &refused) == -1)
		file = NULL;
	lcore_pause(&t0);
	snprintf(path, sizeof(path), "%s/loading", sysdir);
	if ((loading = rootfs_open_file(c->rootfd, NULL, path, O_WRONLY,
	    &why)) == -1) {
		what = path;
		goto out;
	}
	if (file == NULL)
		goto out;
	if ((in = rootfs_open_file(c->rootfd, within, file, O_RDONLY,
	    &why)) == -1) {
		what = file;
		goto out;
	}
	why = NULL;
	snprintf(path, sizeof(path), "%s/data", sysdir);
	if (write_str(loading, "1") == -1 ||
	    (data = rootfs_open_file(c->rootfd, NULL, path, O_WRONLY,
	    &why)) == -1) {
		what = path;
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(data, buf, (size_t)n) != n) {
			what = path;
			goto out;
		}
	if (n == -1) {
		what = file;
		goto out;
	}
	close(data);
	data = -1;
	ok = write_str(loading, "0") == 0;
	if (!ok)
		what = "loading";
out:
	saved = errno;
	if (data != -1)
		close(data);
	if (in != -1)
		close(in);
	if (loading != -1) {
		if (!ok)
			write_str(loading, "-1");
		close(loading);
	}
	lcore_resume(c, &t0);
	if (ok || (loading != -1 && file == NULL && refused == NULL)) {
		lua_pushboolean(L, 1);
		return 1;
	}
	if (refused != NULL)
		return luaL_error(L, "refusing firmware path '%s': %s",
		    lua_tostring(L, 2), refused);
	return luaL_error(L, "unable to load firmware for /%s: /%s: %s",
	    devpath, what, why != NULL ? why : strerror(saved));
}

const luaL_Reg lfirmware_funcs[] = {
	{ "firmware",		l_firmware },
	{ NULL,			NULL }
};
