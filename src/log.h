/* Logging for every hotplug2 program: stderr in the foreground, syslog otherwise. */
#ifndef HOTPLUG2_LOG_H
#define HOTPLUG2_LOG_H

#include <stdarg.h>

/* Levels, in the order of syslog's: a message is shown when level <= verbosity. */
#define LOG_LEVEL_WARN	0
#define LOG_LEVEL_INFO	1
#define LOG_LEVEL_DEBUG	2

void	log_init(const char *progname, int to_stderr, int verbose);
void	log_setverbose(int verbose);
int	log_getverbose(void);
void	log_to_syslog(int enable);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	vlog(int, const char *, va_list) __attribute__((format(printf, 2, 0)));

/* Exit codes shared by every program (documented in docs/hotplug2.8). */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_CONFIG	2
#define EXIT_USAGE	100
#define EXIT_SYSCALL	111

#endif
