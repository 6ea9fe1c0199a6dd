// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The metrics endpoint's sockets. The packet path shares this loop, so
 * nothing here may wait: a slow, silent or hostile client costs a slot,
 * a 4 KiB buffer and at most RG_MSRV_DEADLINE_S seconds, never a stall.
 */
#include "metrics_server.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "http_request.h"
#include "metrics.h"
#include "send_buf.h"

/* Per wake-up, so a flood of connections cannot hold the loop. */
#define ACCEPTS_PER_WAKE 8

void rg_metrics_server_init(struct rg_msrv *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->fd = s->timerfd = -1;
	for (i = 0; i < RG_MSRV_CLIENTS; i++)
		s->c[i].fd = -1;
}

static socklen_t sockaddr_of(const struct rg_listen *l,
			     struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (l->addr.family == AF_INET6) {
		v6->sin6_family = AF_INET6;
		v6->sin6_addr = l->addr.u.v6;
		v6->sin6_port = htons(l->port);
		return sizeof(*v6);
	}
	v4->sin_family = AF_INET;
	v4->sin_addr = l->addr.u.v4;
	v4->sin_port = htons(l->port);
	return sizeof(*v4);
}

int rg_metrics_server_listen(struct rg_msrv *s, const struct rg_listen *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(l, &ss);
	int one = 1, err, fd;

	fd = socket(l->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* A restart must not fail on the last run's TIME_WAIT connections;
	 * another listener on the port still makes bind() fail. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (l->addr.family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0)
		goto fail;
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->timerfd < 0)
		goto fail;
	s->fd = fd;
	return 0;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static void drop(struct rg_msrv *s, struct rg_msrv_client *c)
{
	rg_evloop_del(s->loop, c->ev);
	c->ev = NULL;
	close(c->fd);
	c->fd = -1;
	rg_strbuf_free(&c->out);
}

/* A one-second tick while someone is connected, none otherwise. */
static void arm(struct rg_msrv *s, bool on)
{
	struct itimerspec t = { { 0, 0 }, { 0, 0 } };

	if (on)
		t.it_value.tv_sec = t.it_interval.tv_sec = 1;
	timerfd_settime(s->timerfd, 0, &t, NULL);
}

static unsigned int connected(const struct rg_msrv *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < RG_MSRV_CLIENTS; i++)
		n += s->c[i].fd >= 0;
	return n;
}

/* A free slot, or the oldest client's: a new scraper always gets in. */
static struct rg_msrv_client *slot(struct rg_msrv *s)
{
	struct rg_msrv_client *old = &s->c[0];
	unsigned int i;

	for (i = 0; i < RG_MSRV_CLIENTS; i++) {
		if (s->c[i].fd < 0)
			return &s->c[i];
		if (s->c[i].since.tv_sec < old->since.tv_sec ||
		    (s->c[i].since.tv_sec == old->since.tv_sec &&
		     s->c[i].since.tv_nsec < old->since.tv_nsec))
			old = &s->c[i];
	}
	drop(s, old);
	return old;
}

static void on_client(void *arg);

static void accept_one(struct rg_msrv *s, int fd)
{
	struct rg_msrv_client *c = slot(s);

	if (!connected(s))
		arm(s, true);
	c->fd = fd;
	c->phase = RG_MSRV_READ;
	c->len = c->sent = 0;
	rg_strbuf_init(&c->out);
	clock_gettime(CLOCK_MONOTONIC, &c->since);
	c->srv = s;
	c->ev = rg_evloop_add(s->loop, fd, EPOLLIN, on_client, c);
	if (!c->ev) {
		close(fd);
		c->fd = -1;
		rg_strbuf_free(&c->out);
	}
}

static void on_accept(void *arg)
{
	struct rg_msrv *s = arg;
	unsigned int n;
	int fd;

	for (n = 0; n < ACCEPTS_PER_WAKE; n++) {
		fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		accept_one(s, fd);
	}
}

static void set_events(struct rg_msrv *s, struct rg_msrv_client *c,
		       uint32_t events)
{
	if (rg_evloop_mod(s->loop, c->ev, events) < 0)
		drop(s, c);
}

/* Sends what the socket takes; the rest waits for EPOLLOUT. */
static void send_some(struct rg_msrv *s, struct rg_msrv_client *c)
{
	enum rg_send_buf r = rg_send_buf_some(c->fd, c->out.data, c->out.len,
					      &c->sent);

	if (r == RG_SEND_BUF_FAILED) {
		drop(s, c);
		return;
	}
	if (r == RG_SEND_BUF_MORE)
		return;
	/* All sent: the FIN says so; reading on to EOF keeps unread
	 * request bytes from turning our close into a reset that could
	 * cost the client its response. */
	shutdown(c->fd, SHUT_WR);
	c->phase = RG_MSRV_DRAIN;
	set_events(s, c, EPOLLIN);
}

static void respond(struct rg_msrv *s, struct rg_msrv_client *c, int status)
{
	struct rg_strbuf body;

	rg_strbuf_init(&body);
	if (status == 200)
		s->render(s->data, &body);
	else
		rg_strbuf_addf(&body, "%d\n", status);
	rg_http_request_response(&c->out, status, status == 200 ?
				 RG_METRICS_CONTENT_TYPE : "text/plain; charset=utf-8",
				 body.data, body.len);
	rg_strbuf_free(&body);
	if (rg_strbuf_failed(&c->out)) {
		drop(s, c);
		return;
	}
	c->phase = RG_MSRV_WRITE;
	set_events(s, c, EPOLLOUT);
	if (c->fd >= 0)
		send_some(s, c);
}

static void read_request(struct rg_msrv *s, struct rg_msrv_client *c)
{
	struct rg_http_request req;
	ssize_t n = recv(c->fd, c->in + c->len, sizeof(c->in) - c->len,
			 MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		drop(s, c);
		return;
	}
	c->len += (size_t)n;
	switch (rg_http_request_parse(c->in, c->len, sizeof(c->in), &req)) {
	case RG_HTTP_INCOMPLETE:
		break;
	case RG_HTTP_OK:
		respond(s, c, rg_http_request_route(&req, "/metrics"));
		break;
	case RG_HTTP_BAD:
		respond(s, c, 400);
		break;
	case RG_HTTP_TOO_LARGE:
		respond(s, c, 431);
		break;
	}
}

static void drain(struct rg_msrv *s, struct rg_msrv_client *c)
{
	ssize_t n = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
		drop(s, c);
}

/* The loop's handler of a client (evloop.h). */
static void on_client(void *arg)
{
	struct rg_msrv_client *c = arg;
	struct rg_msrv *s = c->srv;

	if (c->fd < 0)
		return;
	if (c->phase == RG_MSRV_READ)
		read_request(s, c);
	else if (c->phase == RG_MSRV_WRITE)
		send_some(s, c);
	else
		drain(s, c);
	if (!connected(s))
		arm(s, false);
}

/* The timer: clients past their deadline are closed. */
static void on_tick(void *arg)
{
	struct rg_msrv *s = arg;
	struct timespec now;
	uint64_t expirations;
	unsigned int i;

	if (read(s->timerfd, &expirations, sizeof(expirations)) < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < RG_MSRV_CLIENTS; i++)
		if (s->c[i].fd >= 0 &&
		    now.tv_sec - s->c[i].since.tv_sec >= RG_MSRV_DEADLINE_S)
			drop(s, &s->c[i]);
	if (!connected(s))
		arm(s, false);
}

int rg_metrics_server_watch(struct rg_msrv *s, struct rg_evloop *loop)
{
	s->loop = loop;
	if (!rg_evloop_add(loop, s->fd, EPOLLIN, on_accept, s) ||
	    !rg_evloop_add(loop, s->timerfd, EPOLLIN, on_tick, s))
		return -1;
	return 0;
}

void rg_metrics_server_close(struct rg_msrv *s)
{
	unsigned int i;

	for (i = 0; i < RG_MSRV_CLIENTS; i++)
		if (s->c[i].fd >= 0)
			drop(s, &s->c[i]);
	if (s->timerfd >= 0)
		close(s->timerfd);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = s->timerfd = -1;
}
