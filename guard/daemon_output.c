// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's output: the events file and the human lines, both through
 * a bounded queue and a writer thread (guard/outq.c), so that the loop
 * never blocks on a reader that stopped reading. The events file is
 * opened so that nobody can make root write where it should not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "daemon_int.h"
#include "log.h"
#include "log_format.h"

#define EVENTS_QUEUE_BYTES (512 * 1024)	/* about 550 events */
#define STOP_WAIT_MS 2000		/* SIGTERM: for a stalled reader */

/* Nobody reads a stderr that is /dev/null or closed: no human lines. */
static bool stderr_read(void)
{
	struct stat st;

	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
}

/* /dev/null too: the usual way to say "no events". */
static bool usable(const struct stat *st)
{
	return S_ISREG(st->st_mode) || S_ISFIFO(st->st_mode) ||
	       (S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3));
}

/*
 * Opened before privileges drop, so: no symbolic link followed (one
 * planted in a world-writable directory would make root create or append
 * to its target), created 0640 at most, and nothing but a regular file, a
 * FIFO or /dev/null (a directory, a device or a socket is refused by
 * name, before it is opened).
 * A FIFO without a reader: at start, wait for one, as before; on a
 * reopen (loop), fail rather than wait.
 */
int rg_daemon_events_open(const char *path, bool may_wait, char *err, size_t len)
{
	int flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
		    O_NOCTTY | O_NONBLOCK;
	struct stat st;
	int fd;

	if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode) && !usable(&st)) {
		snprintf(err, len, "events file %s: not a regular file or a FIFO", path);
		errno = EINVAL;
		return -1;
	}
	fd = open(path, flags, 0640);
	if (fd < 0 && errno == ENXIO && may_wait)
		fd = open(path, flags & ~O_NONBLOCK, 0640);
	if (fd < 0) {
		int e = errno;

		if (e == ELOOP)
			snprintf(err, len, "events file %s: a symbolic link, refused (name the file itself)",
				 path);
		else
			snprintf(err, len, "cannot open events file %s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) < 0 || !usable(&st)) {
		snprintf(err, len, "events file %s: not a regular file or a FIFO", path);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	/* The writer thread waits for room itself: a blocking fd. */
	fcntl(fd, F_SETFL, O_WRONLY | O_APPEND);
	return fd;
}

/*
 * Under systemd with events = -, standard output and error are the same
 * journal stream: each finding would be there twice, as JSON and as the
 * human line. The human line stays (it carries the priority); the JSON
 * goes to an events file (events = FILE) for `reflguard report`.
 */
static bool events_to_journal(const struct daemon *d)
{
	return !strcmp(d->cfg->events, "-") && d->cfg->log != RG_LOG_SYSLOG &&
	       d->human && rg_log_fd_is_journal(STDOUT_FILENO);
}

/*
 * Opens the events file while the daemon is still root; its writer starts
 * after the privileges are dropped (rg_daemon_output_start), since a
 * thread keeps the capabilities it was born with. RG_DAEMON_BAD_INPUT when
 * the events path is at fault (a link, a directory, a socket).
 */
int rg_daemon_output_open(struct daemon *d)
{
	char err[256];

	d->evfd = -1;
	/* syslog(3) takes them whatever stderr is. */
	d->human = d->cfg->log == RG_LOG_SYSLOG || stderr_read();
	if (events_to_journal(d)) {
		d->events_off = true;
		rg_log_prio(LOG_INFO, "events = - and the journal: the findings go there once, as the human lines; set events = FILE for the JSON");
		return 0;
	}
	d->evfd = STDOUT_FILENO;
	if (strcmp(d->cfg->events, "-")) {
		d->evfd = rg_daemon_events_open(d->cfg->events, true, err, sizeof(err));
		if (d->evfd < 0) {
			rg_log_prio(LOG_ERR, "%s", err);
			return errno == ELOOP || errno == EINVAL || errno == EISDIR ?
			       RG_DAEMON_BAD_INPUT : RG_DAEMON_CANNOT_START;
		}
	}
	return 0;
}

int rg_daemon_output_start(struct daemon *d)
{
	if (d->evfd < 0)
		return 0;
	if (rg_outq_start(&d->evq, d->evfd, EVENTS_QUEUE_BYTES) < 0) {
		rg_log_prio(LOG_ERR, "cannot start the events writer: %s", strerror(errno));
		return -1;
	}
	d->evfd = -1;		/* the writer's now */
	return 0;
}

/*
 * SIGHUP and SIGUSR1: the events file is opened again by name, so that a
 * rotated one (renamed, as logrotate does) is left to its new name and
 * the lines from now on go to a new file. Lines already queued are
 * written once, to whichever file is current when their turn comes: none
 * is lost or written twice.
 */
void rg_daemon_output_reopen(struct daemon *d)
{
	char err[256];
	int fd;

	if (!rg_outq_running(&d->evq) || !strcmp(d->cfg->events, "-"))
		return;
	fd = rg_daemon_events_open(d->cfg->events, false, err, sizeof(err));
	if (fd < 0) {
		rg_log("%s; the events go on to the file open before", err);
		return;
	}
	rg_outq_reopen(&d->evq, fd);
	rg_log_prio(LOG_INFO, "events file %s reopened", d->cfg->events);
}

void rg_daemon_output_close(struct daemon *d)
{
	int fd;

	/* Opened, but set-up failed before its writer started. */
	if (d->evfd >= 0 && d->evfd != STDOUT_FILENO)
		close(d->evfd);
	d->evfd = -1;
	if (!rg_outq_running(&d->evq))
		return;
	rg_outq_stop(&d->evq, STOP_WAIT_MS);
	fd = rg_outq_fd(&d->evq);
	if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
}

/* One events line; a full queue drops it and counts it. */
void rg_daemon_output_line(struct daemon *d, const char *line, size_t len)
{
	ssize_t n;

	/* During set-up, before the writer starts: no traffic waits yet. */
	while (d->evfd >= 0 && len) {
		n = write(d->evfd, line, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		line += n;
		len -= (size_t)n;
	}
	if (d->events_off || !rg_outq_running(&d->evq))
		return;
	if (!rg_outq_put(&d->evq, 0, line, len))
		d->status.counters.events_dropped++;
}

/*
 * Once a wake-up: one log line per burst of drops, once it has ended.
 */
void rg_daemon_output_check(struct daemon *d)
{
	uint64_t n;

	d->status.counters.log_dropped = rg_log_dropped();
	if (rg_outq_running(&d->evq) && (n = rg_outq_burst_end(&d->evq)))
		rg_log("the events output stalled: %llu events dropped (the flows are still counted in status and metrics)",
		       (unsigned long long)n);
	if ((n = rg_log_burst_end()))
		rg_log("the log output stalled: %llu log lines dropped",
		       (unsigned long long)n);
}
