/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_EVLOOP_H
#define RG_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

/*
 * The daemon loop's registry of file descriptors, as conntrackd's
 * register_fd: each fd is added with its handler, and the epoll event's
 * data.ptr points at that entry, so the loop dispatches without knowing
 * the kinds. The module that opens an fd registers it, in one call:
 *
 *	if (!rg_evloop_add(&d->loop, fd, EPOLLIN, on_readable, arg))
 *		return -1;
 *
 * An entry removed while a batch is dispatched (a client closed by
 * another's handler, its fd number perhaps reused at once) is kept, dead,
 * until the batch ends: an event already returned for it is skipped, never
 * handed to whatever took its place. Pure: epoll_ctl is passed in.
 */
typedef void (*rg_evloop_fn)(void *arg);
typedef int (*rg_evloop_ctl)(int epfd, int op, int fd, struct epoll_event *ev);

struct rg_evloop_fd {
	rg_evloop_fn fn;
	void *arg;
	int fd;				/* -1 once removed */
	struct rg_evloop_fd *prev, *next;	/* the live list, or the removed */
};

struct rg_evloop {
	int epfd;			/* -1 until the daemon creates it */
	rg_evloop_ctl ctl;		/* epoll_ctl; a fake in the unit test */
	bool dispatching;
	struct rg_evloop_fd *live;	/* every registered fd, freed at the end */
	struct rg_evloop_fd *removed;	/* removed during this batch */
};

void rg_evloop_init(struct rg_evloop *l, rg_evloop_ctl ctl);
/* NULL with errno (epoll_ctl's, or ENOMEM) when it could not be added. */
struct rg_evloop_fd *rg_evloop_add(struct rg_evloop *l, int fd, uint32_t events,
				   rg_evloop_fn fn, void *arg);
/* The events waited for now; -1 with errno. */
int rg_evloop_mod(struct rg_evloop *l, struct rg_evloop_fd *e, uint32_t events);
/* Before the owner closes the fd; e is not to be used after. */
void rg_evloop_del(struct rg_evloop *l, struct rg_evloop_fd *e);
/* One epoll_wait's events, handled in the order they came. */
void rg_evloop_dispatch(struct rg_evloop *l, const struct epoll_event *evs, int n);
/* Frees every entry (the fds are their owners' to close). */
void rg_evloop_free(struct rg_evloop *l);

#endif
