// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_writer.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "state_file.h"

/* The serializer reads only v and n: the copy needs no index. */
static int write_copy(const char *path, struct rg_state_entry *v, size_t n)
{
	struct rg_state s;

	rg_state_init(&s);
	s.v = v;
	s.n = n;
	return rg_state_file_save(path, &s) == 0 ? 0 : errno;
}

static void report(struct rg_state_writer *w, int err)
{
	uint64_t one = 1;

	pthread_mutex_lock(&w->mu);
	w->writes++;
	w->failures += err != 0;
	w->last_errno = err;
	w->busy = false;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	/* A full counter (never, in practice) still leaves it readable. */
	if (write(w->evfd, &one, sizeof(one)) < 0)
		return;
}

static void *run(void *arg)
{
	struct rg_state_writer *w = arg;
	struct rg_state_entry *v;
	size_t n;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->has_next && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->has_next)
			break;
		v = w->next;
		n = w->n_next;
		w->next = NULL;
		w->has_next = false;
		pthread_mutex_unlock(&w->mu);
		report(w, write_copy(w->path, v, n));
		free(v);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int rg_state_writer_start(struct rg_state_writer *w, const char *path)
{
	sigset_t all, old;
	int err;

	memset(w, 0, sizeof(*w));
	if (strlen(path) >= sizeof(w->path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(w->path, path);
	w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->evfd < 0)
		return -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	/* Signals stay the loop's (its signalfd): the thread blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&w->thread, NULL, run, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		close(w->evfd);
		errno = err;
		return -1;
	}
	w->started = true;
	return 0;
}

static struct rg_state_entry *copy_entries(const struct rg_state *s)
{
	struct rg_state_entry *v = malloc((s->n ? s->n : 1) * sizeof(*v));

	if (v && s->n)
		memcpy(v, s->v, s->n * sizeof(*v));
	return v;
}

/* With mu held: the copy replaces any not yet taken. */
static int hand_over(struct rg_state_writer *w, const struct rg_state *s)
{
	struct rg_state_entry *v = copy_entries(s);

	if (!v)
		return -1;
	free(w->next);
	w->next = v;
	w->n_next = s->n;
	w->has_next = true;
	w->busy = true;
	pthread_cond_broadcast(&w->cv);
	return 1;
}

int rg_state_writer_offer(struct rg_state_writer *w, const struct rg_state *s)
{
	int ret = 0;

	pthread_mutex_lock(&w->mu);
	if (!w->busy)
		ret = hand_over(w, s);
	pthread_mutex_unlock(&w->mu);
	return ret;
}

void rg_state_writer_result(struct rg_state_writer *w, uint64_t *writes,
			    uint64_t *failures, int *last_errno)
{
	uint64_t n;

	if (read(w->evfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		n = 0;
	pthread_mutex_lock(&w->mu);
	*writes = w->writes;
	*failures = w->failures;
	*last_errno = w->last_errno;
	pthread_mutex_unlock(&w->mu);
}

int rg_state_writer_stop(struct rg_state_writer *w, const struct rg_state *s)
{
	uint64_t before;
	int ret = 0;

	if (!w->started)
		return 0;
	pthread_mutex_lock(&w->mu);
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	before = w->writes;
	if (s && hand_over(w, s) < 0)
		ret = -1;
	w->stop = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	if (!ret && w->writes > before && w->last_errno) {
		errno = w->last_errno;
		ret = -1;
	}
	free(w->next);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	close(w->evfd);
	w->started = false;
	return ret;
}
