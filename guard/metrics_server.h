/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_METRICS_SERVER_H
#define RG_METRICS_SERVER_H

#include <stdint.h>
#include <time.h>

#include "config.h"
#include "evloop.h"
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
	struct rg_evloop_fd *ev;	/* its entry in the loop */
	struct rg_msrv *srv;		/* for the loop's handler */
};

/* Writes the metrics text for one scrape. */
typedef void (*rg_msrv_render)(void *data, struct rg_strbuf *body);

struct rg_msrv {
	int fd, timerfd;		/* -1 when off */
	struct rg_evloop *loop;
	rg_msrv_render render;
	void *data;
	struct rg_msrv_client c[RG_MSRV_CLIENTS];
};

void rg_metrics_server_init(struct rg_msrv *s);
/* Binds and listens; -1 with errno (EADDRINUSE: the port is taken). */
int rg_metrics_server_listen(struct rg_msrv *s, const struct rg_listen *l);
/* Adds the listener and the deadline timer to the loop; the clients
 * are added and removed as they come and go. */
int rg_metrics_server_watch(struct rg_msrv *s, struct rg_evloop *loop);
void rg_metrics_server_close(struct rg_msrv *s);

#endif
