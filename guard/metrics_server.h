/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_METRICS_SERVER_H
#define RG_METRICS_SERVER_H

#include <stdint.h>
#include <time.h>

#include "config.h"
#include "strbuf.h"

/*
 * The HTTP endpoint for Prometheus, inside the daemon's epoll loop. It
 * never blocks: every socket is non-blocking, a few clients at most, each
 * with a small buffer and a deadline, one response each, then closed.
 */
#define RG_MSRV_CLIENTS 8
#define RG_MSRV_BUF 4096
#define RG_MSRV_DEADLINE_S 5

enum rg_msrv_phase {
	RG_MSRV_READ = 0,		/* gathering the request */
	RG_MSRV_WRITE,			/* sending the response */
	RG_MSRV_DRAIN,			/* sent and shut down; reading to EOF */
};

struct rg_msrv_client {
	int fd;				/* -1: free */
	enum rg_msrv_phase phase;
	struct timespec since;		/* CLOCK_MONOTONIC of the accept */
	char in[RG_MSRV_BUF];
	size_t len;
	struct rg_strbuf out;
	size_t sent;
};

/* Writes the metrics text for one scrape. */
typedef void (*rg_msrv_render)(void *data, struct rg_strbuf *body);

struct rg_msrv {
	int fd, timerfd, epfd;		/* -1 when off */
	uint64_t tag_client;		/* client i's epoll tag is tag_client + i */
	rg_msrv_render render;
	void *data;
	struct rg_msrv_client c[RG_MSRV_CLIENTS];
};

void rg_msrv_init(struct rg_msrv *s);
/* Binds and listens; -1 with errno (EADDRINUSE: the port is taken). */
int rg_msrv_listen(struct rg_msrv *s, const struct rg_listen *l);
/* Adds the listener and the deadline timer to epfd under the given tags. */
int rg_msrv_watch(struct rg_msrv *s, int epfd, uint64_t tag_listen,
		  uint64_t tag_timer, uint64_t tag_client);
void rg_msrv_accept(struct rg_msrv *s);
void rg_msrv_client(struct rg_msrv *s, unsigned int i);
/* The timer: clients past their deadline are closed. */
void rg_msrv_tick(struct rg_msrv *s);
void rg_msrv_close(struct rg_msrv *s);

#endif
