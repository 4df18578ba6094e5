/* One command: start it, log its output and how it ended, or run it to the end. */
#ifndef HOTPLUG2_CHILD_H
#define HOTPLUG2_CHILD_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define CHILD_CMDLINE_MAX	256	/* of the command line kept for the log */
#define CHILD_LINE_MAX		512	/* longer output lines are logged in parts */
#define CHILD_LOG_LINES_MAX	200	/* of output logged per command */
#define CHILD_TIMEOUT_DEFAULT_MS	60000

/* A child's output pipe and the line being assembled from it. */
struct child_output {
	int		 fd;		/* -1 once closed */
	unsigned int	 lines;		/* logged so far */
	size_t		 len;
	char		 buf[CHILD_LINE_MAX];
};

/*
 * Start argv with envp as its whole environment (NULL: ours).  argv[0]
 * is a path or a name looked up along envp's PATH, before the fork,
 * where a missing program is the caller's error; an exec that fails all
 * the same is too.  The child gets /dev/null (or an empty pipe) as
 * stdin, a pipe as stdout and stderr whose non-blocking read end goes to
 * *outfd (with outfd NULL it inherits ours), default signal handling,
 * its own process group and no other descriptor of ours.  With capfd,
 * stdout is a pipe of its own, whose read end goes to *capfd, and only
 * stderr goes to *outfd.  Returns the
 * pid, or -1 with errno set.
 */
pid_t	child_start(char *const argv[], char *const envp[], int *outfd,
	    int *capfd);

/*
 * Read what o's pipe holds and log it line by line as "argv0[pid]:
 * line", at most CHILD_LOG_LINES_MAX lines per command; close it at end
 * of file.  Returns 1 at end of file or error, else 0.  A bounded number
 * of reads per call: a child that writes without end cannot hold the
 * caller.
 */
int	child_drain(struct child_output *o, const char *cmd, pid_t pid);

/* Log what o still holds: the last line had no newline. */
void	child_flush(struct child_output *o, const char *cmd, pid_t pid);

/* "argv0 arg1 ..." for the log, cut at outlen. */
void	child_cmdline(char *out, size_t outlen, char *const argv[]);

/* Log how a command ended: failures as warnings, every status at debug. */
void	child_log_end(const char *cmd, pid_t pid, int status, int killed,
	    uint64_t ms);

/* The monotonic clock in milliseconds. */
uint64_t	child_now_ms(void);

/*
 * What child_run does while it waits: poll fd too and call fn(arg)
 * whenever it is readable (until fn returns 0), and kill the command as
 * soon as stop(), when not NULL, returns nonzero.
 */
struct child_wait {
	int		 fd;		/* -1: none */
	int		(*fn)(void *);
	void		*arg;
	int		(*stop)(void);
};

/* A command's standard output, kept: at most max bytes of it in buf. */
struct child_capture {
	char		*buf;
	size_t		 max;
	size_t		 len;		/* kept */
	int		 truncated;	/* it wrote more than max */
};

/*
 * Run argv and wait for it, at most timeout_ms, killing its process
 * group then; its output is logged as child_drain does, but for its
 * stdout when cap is given: that is kept in cap (more than cap->max
 * bytes is a warning, and the rest is read and dropped).  Returns 0 with
 * *status set to the exit status (128 + signal number when killed), or
 * -1 with errno set when it could not be started.  w and cap may be
 * NULL.
 */
int	child_run(char *const argv[], char *const envp[], unsigned int timeout_ms,
	    const struct child_wait *w, struct child_capture *cap, int *status);

#endif
