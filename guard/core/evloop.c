// SPDX-License-Identifier: GPL-2.0-or-later
#include "evloop.h"

#include <errno.h>
#include <stdlib.h>

void rg_evloop_init(struct rg_evloop *l, rg_evloop_ctl ctl)
{
	*l = (struct rg_evloop){ .epfd = -1, .ctl = ctl };
}

static void unlink_live(struct rg_evloop *l, struct rg_evloop_fd *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		l->live = e->next;
	if (e->next)
		e->next->prev = e->prev;
}

struct rg_evloop_fd *rg_evloop_add(struct rg_evloop *l, int fd, uint32_t events,
				   rg_evloop_fn fn, void *arg)
{
	struct rg_evloop_fd *e = malloc(sizeof(*e));
	struct epoll_event ev = { .events = events };
	int err;

	if (!e)
		return NULL;
	*e = (struct rg_evloop_fd){ .fn = fn, .arg = arg, .fd = fd, .next = l->live };
	ev.data.ptr = e;
	if (l->ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		err = errno;
		free(e);
		errno = err;
		return NULL;
	}
	if (l->live)
		l->live->prev = e;
	l->live = e;
	return e;
}

int rg_evloop_mod(struct rg_evloop *l, struct rg_evloop_fd *e, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = e };

	return l->ctl(l->epfd, EPOLL_CTL_MOD, e->fd, &ev);
}

void rg_evloop_del(struct rg_evloop *l, struct rg_evloop_fd *e)
{
	l->ctl(l->epfd, EPOLL_CTL_DEL, e->fd, NULL);
	unlink_live(l, e);
	e->fd = -1;
	/* Events of this batch may still point here: freed when it ends. */
	if (l->dispatching) {
		e->next = l->removed;
		l->removed = e;
	} else {
		free(e);
	}
}

static void free_list(struct rg_evloop_fd *e)
{
	struct rg_evloop_fd *next;

	for (; e; e = next) {
		next = e->next;
		free(e);
	}
}

void rg_evloop_dispatch(struct rg_evloop *l, const struct epoll_event *evs, int n)
{
	struct rg_evloop_fd *e;
	int i;

	l->dispatching = true;
	for (i = 0; i < n; i++) {
		e = evs[i].data.ptr;
		if (e->fd >= 0)
			e->fn(e->arg);
	}
	l->dispatching = false;
	free_list(l->removed);
	l->removed = NULL;
}

void rg_evloop_free(struct rg_evloop *l)
{
	free_list(l->live);
	free_list(l->removed);
	l->live = l->removed = NULL;
}
