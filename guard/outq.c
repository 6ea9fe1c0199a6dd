// SPDX-License-Identifier: GPL-2.0-or-later
#include "outq.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "mstime.h"

/*
 * All of it, or nothing more once the reader is gone (EPIPE): the fd may
 * be a non-blocking one someone else shares (stdout), so EAGAIN waits for
 * room here, in the writer, where waiting costs no packet.
 */
static void write_all(struct rg_outq *q, int fd, const char *p, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (len && !atomic_load(&q->abandon)) {
		n = write(fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EAGAIN) {
			poll(&pfd, 1, -1);
		} else if (n < 0 && errno != EINTR) {
			return;
		}
	}
}

static void emit(struct rg_outq *q, int fd, int prio, size_t len)
{
	if (fd >= 0) {
		write_all(q, fd, q->line, len);
		return;
	}
	/* syslog(3) frames the line itself: the text, no newline. */
	if (len && q->line[len - 1] == '\n')
		len--;
	syslog(prio, "%.*s", (int)len, q->line);
}

/* Under the lock: a reopened file takes over between two lines. */
static void swap_fd(struct rg_outq *q)
{
	if (q->newfd < 0)
		return;
	if (q->fd >= 0)
		close(q->fd);
	q->fd = q->newfd;
	q->newfd = -1;
}

/*
 * Under the lock: the lines to write next, into q->line. For a file, as
 * many as fit (one write() for a burst, as the loop's stdio buffer was);
 * for syslog(3), one, since each call is one message.
 */
static size_t take(struct rg_outq *q, int *prio)
{
	size_t len = rg_ring_get(&q->ring, prio, q->line), next;

	if (q->fd < 0)
		return len;
	while (len && (next = rg_ring_peek(&q->ring)) &&
	       len + next <= sizeof(q->line))
		len += rg_ring_get(&q->ring, prio, q->line + len);
	return len;
}

static void *writer(void *arg)
{
	struct rg_outq *q = arg;
	size_t len;
	int prio, fd;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		swap_fd(q);
		len = take(q, &prio);
		if (!len) {
			pthread_cond_broadcast(&q->idle);
			if (q->stop)
				break;
			pthread_cond_wait(&q->work, &q->mu);
			continue;
		}
		q->busy = true;
		fd = q->fd;
		pthread_mutex_unlock(&q->mu);
		emit(q, fd, prio, len);
		pthread_mutex_lock(&q->mu);
		q->busy = false;
		if (atomic_load(&q->abandon))
			break;
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/*
 * SIGUSR2 ends a blocked write() or syslog() with EINTR (no SA_RESTART):
 * how stop reclaims a writer stuck on a reader that will not read.
 * Cancelling it instead leaves its stack to the unwinder, which the
 * sanitizers do not follow.
 */
static void on_wake(int sig)
{
	(void)sig;
}

static void install_wake(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
}

int rg_outq_start(struct rg_outq *q, int fd, size_t cap)
{
	pthread_condattr_t ca;

	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->newfd = -1;
	atomic_init(&q->abandon, false);
	if (rg_ring_init(&q->ring, cap) < 0)
		return -1;
	install_wake();
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->idle, &ca);
	pthread_condattr_destroy(&ca);
	errno = pthread_create(&q->thread, NULL, writer, q);
	if (errno) {
		rg_ring_free(&q->ring);
		return -1;
	}
	q->running = true;
	return 0;
}

bool rg_outq_put(struct rg_outq *q, int prio, const char *line, size_t len)
{
	bool ok;

	pthread_mutex_lock(&q->mu);
	ok = rg_ring_put(&q->ring, prio, line, len);
	if (ok)
		pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
	return ok;
}

void rg_outq_reopen(struct rg_outq *q, int fd)
{
	pthread_mutex_lock(&q->mu);
	if (q->newfd >= 0)
		close(q->newfd);
	q->newfd = fd;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
}

uint64_t rg_outq_dropped(struct rg_outq *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->mu);
	n = q->ring.dropped;
	pthread_mutex_unlock(&q->mu);
	return n;
}

uint64_t rg_outq_burst_end(struct rg_outq *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->mu);
	n = rg_ring_burst_end(&q->ring);
	pthread_mutex_unlock(&q->mu);
	return n;
}

static void deadline_in(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	rg_mstime_add(t, ms);
}

/*
 * A reader still stalled at the deadline keeps the writer in write() or
 * syslog(): it is told to give up, and woken by SIGUSR2 until it has (a
 * signal that comes just before the call is lost, so more than one), for
 * at most another 500 ms. One that still has not is left behind with its
 * ring, which it may still be using; the daemon is exiting anyway.
 */
static bool reclaim(struct rg_outq *q)
{
	struct timespec until;
	int i;

	atomic_store(&q->abandon, true);
	for (i = 0; i < 10; i++) {
		pthread_kill(q->thread, SIGUSR2);
		clock_gettime(CLOCK_REALTIME, &until);
		rg_mstime_add(&until, 50);
		if (pthread_timedjoin_np(q->thread, NULL, &until) == 0)
			return true;
	}
	pthread_detach(q->thread);
	return false;
}

void rg_outq_stop(struct rg_outq *q, int ms)
{
	struct timespec until;
	bool drained;

	if (!q->running)
		return;
	deadline_in(&until, ms);
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_signal(&q->work);
	while (!(rg_ring_empty(&q->ring) && !q->busy) &&
	       pthread_cond_timedwait(&q->idle, &q->mu, &until) != ETIMEDOUT)
		;
	drained = rg_ring_empty(&q->ring) && !q->busy;
	pthread_mutex_unlock(&q->mu);
	q->running = false;
	if (drained)
		pthread_join(q->thread, NULL);
	else if (!reclaim(q))
		return;
	swap_fd(q);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->idle);
	pthread_mutex_destroy(&q->mu);
	rg_ring_free(&q->ring);
}

bool rg_outq_running(const struct rg_outq *q)
{
	return q->running;
}

int rg_outq_fd(const struct rg_outq *q)
{
	return q->fd;
}
