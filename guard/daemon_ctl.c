// SPDX-License-Identifier: GPL-2.0-or-later
/* The control socket: one request line in, one answer out, never blocking. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "ctl_request.h"
#include "daemon_int.h"
#include "json.h"
#include "listing.h"
#include "log.h"
#include "observe.h"
#include "send_buf.h"

#include <linux/netfilter.h>

/* The kernel's own counters for our queue, from procfs. */
static void read_queue_drops(struct daemon *d)
{
	FILE *f = fopen("/proc/net/netfilter/nfnetlink_queue", "re");
	unsigned int num, portid, total, mode, range, dropped, udropped;
	char line[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u %u %u %u %u %u %u", &num, &portid, &total,
			   &mode, &range, &dropped, &udropped) == 7 &&
		    num == d->cfg->queue) {
			d->status.counters.queue_drops = dropped;
			d->status.counters.queue_user_drops = udropped;
		}
	}
	fclose(f);
}

/*
 * With fail-open, the kernel lets a packet through when the queue is full
 * and counts it nowhere; the observation rules count every packet they
 * matched, so the difference is what the queue could not take.
 */
static void read_overflow(struct daemon *d)
{
	uint64_t matched = 0, n;
	size_t i;

	for (i = 0; i < RG_ADDR_NFAMILIES; i++)
		if (rg_listing_chain_packets(&d->nft, rg_addr_families[i], RG_TABLE,
					     RG_OBSERVE_CHAIN, &n) == 0)
			matched += n;
	d->status.counters.queue_overflow =
		matched > d->status.counters.packets_queued ?
		matched - d->status.counters.packets_queued : 0;
}

void rg_daemon_refresh_counters(struct daemon *d)
{
	read_queue_drops(d);
	read_overflow(d);
}

static bool privileged(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

static void reload(struct daemon *d, struct rg_strbuf *out)
{
	char msg[RG_ERR_LEN + 128];
	struct rg_json j;

	rg_json_init(&j, out);
	rg_json_obj_begin(&j, NULL);
	if (rg_daemon_reload_config(d, msg, sizeof(msg)) == 0) {
		rg_json_bool(&j, "ok", true);
	} else {
		rg_json_bool(&j, "ok", false);
		rg_json_str(&j, "error", msg);
	}
	rg_json_obj_end(&j);
	rg_strbuf_add(out, "\n");
}

static void act(struct daemon *d, struct client *c, enum rg_ctl_request req,
		struct rg_strbuf *out)
{
	struct timespec now;

	switch (req) {
	case RG_CTL_STATUS_JSON:
	case RG_CTL_STATUS_TEXT:
		rg_daemon_refresh_counters(d);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (req == RG_CTL_STATUS_JSON)
			rg_status_json(&d->status, &now, out);
		else
			rg_status_text(&d->status, &now, out);
		break;
	case RG_CTL_RELOAD_STATE:
		rg_strbuf_add(out, rg_daemon_reload_state(d) == 0 ?
			      "{\"ok\":true}\n" : "{\"ok\":false}\n");
		break;
	case RG_CTL_EXEMPT:
		rg_daemon_exempt_request(d, c, out);
		break;
	case RG_CTL_RELOAD:
		reload(d, out);
		break;
	case RG_CTL_STOP:
		rg_log_prio(LOG_INFO, "stop asked over the control socket (uid %ld)",
			    (long)c->uid);
		rg_strbuf_addf(out, "{\"ok\":true,\"pid\":%ld}\n", (long)getpid());
		d->stop = true;
		break;
	case RG_CTL_UNKNOWN:
		rg_strbuf_add(out, "{\"error\":\"unknown request\"}\n");
		break;
	}
}

static void answer(struct daemon *d, struct client *c)
{
	enum rg_ctl_request req = rg_ctl_request_parse(c->req, c->len);

	/* Reading is for the control group; changing is root's. */
	if (rg_ctl_request_changes(req) && !privileged(c->uid))
		rg_strbuf_add(&c->out, "{\"error\":\"permission denied\"}\n");
	else
		act(d, c, req, &c->out);
	if (rg_strbuf_failed(&c->out) || c->out.len > CTL_OUT_MAX) {
		rg_log("control: answer of %zu bytes not sent: too large", c->out.len);
		rg_strbuf_reset(&c->out);
		rg_strbuf_add(&c->out, "{\"error\":\"answer too large\"}\n");
	}
	c->answered = !c->deferred;
}

/* A one-second tick while someone is connected, none otherwise. */
static void arm(struct daemon *d)
{
	struct itimerspec t = { { 0, 0 }, { 0, 0 } };
	size_t i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (d->clients[i].fd >= 0)
			t.it_value.tv_sec = t.it_interval.tv_sec = 1;
	timerfd_settime(d->ctl_timerfd, 0, &t, NULL);
}

static void drop_client(struct daemon *d, struct client *c)
{
	char junk[256];
	int i;

	/* What the client wrote past its line, read, so that our close is
	 * an EOF to it and not a reset that could cost it the answer; a
	 * bounded read: a client writing on must not hold the loop. */
	for (i = 0; i < 16 && recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT) > 0; i++)
		;
	rg_daemon_bulk_forget(d, c);
	c->deferred = false;
	rg_evloop_del(&d->loop, c->ev);
	c->ev = NULL;
	close(c->fd);
	c->fd = -1;
	rg_strbuf_free(&c->out);
}

static void set_events(struct daemon *d, struct client *c, uint32_t events)
{
	if (rg_evloop_mod(&d->loop, c->ev, events) < 0)
		drop_client(d, c);
}

/* Sends what the socket takes; the rest waits for EPOLLOUT. */
static void send_some(struct daemon *d, struct client *c)
{
	size_t before = c->sent;
	enum rg_send_buf r = rg_send_buf_some(c->fd, c->out.data, c->out.len,
					      &c->sent);

	if (r == RG_SEND_BUF_FAILED) {
		drop_client(d, c);
		return;
	}
	/* A reader that keeps reading keeps its slot. */
	if (c->sent != before)
		clock_gettime(CLOCK_MONOTONIC, &c->since);
	if (r == RG_SEND_BUF_DONE)
		drop_client(d, c);
}

static void read_request(struct daemon *d, struct client *c)
{
	ssize_t n = recv(c->fd, c->req + c->len, sizeof(c->req) - 1 - c->len,
			 MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		drop_client(d, c);
		return;
	}
	c->len += (size_t)n;
	c->req[c->len] = '\0';
	if (!memchr(c->req, '\n', c->len) && c->len < sizeof(c->req) - 1)
		return;
	answer(d, c);
	/* A deferred client is woken only by its hang-up meanwhile. */
	set_events(d, c, c->deferred ? 0 : EPOLLOUT);
	if (c->fd >= 0 && !c->deferred)
		send_some(d, c);
}

void rg_daemon_ctl_deferred(struct daemon *d, struct client *c, const char *text)
{
	c->deferred = false;
	rg_strbuf_add(&c->out, text);
	c->answered = true;
	clock_gettime(CLOCK_MONOTONIC, &c->since);
	set_events(d, c, EPOLLOUT);
	if (c->fd >= 0)
		send_some(d, c);
}

/* The loop's handler of a client (evloop.h). */
static void on_client(void *arg)
{
	struct client *c = arg;
	struct daemon *d = c->d;

	if (c->fd < 0)
		return;
	if (c->deferred)
		drop_client(d, c);
	else if (c->answered)
		send_some(d, c);
	else
		read_request(d, c);
	if (c->fd < 0)
		arm(d);
}

static bool older(const struct client *a, const struct client *b)
{
	return a->since.tv_sec < b->since.tv_sec ||
	       (a->since.tv_sec == b->since.tv_sec && a->since.tv_nsec < b->since.tv_nsec);
}

/*
 * A free slot, or the oldest client's: idle clients cannot keep the
 * socket from answering. An unprivileged newcomer (the control group) only
 * ever takes an unprivileged client's slot, so it cannot cut root off.
 */
static struct client *slot(struct daemon *d, uid_t uid)
{
	struct client *victim = NULL, *c;
	size_t i;

	for (i = 0; i < MAX_CLIENTS; i++) {
		c = &d->clients[i];
		if (c->fd < 0)
			return c;
		if (privileged(c->uid) && !privileged(uid))
			continue;
		if (!victim || (privileged(victim->uid) && !privileged(c->uid)) ||
		    (privileged(victim->uid) == privileged(c->uid) && older(c, victim)))
			victim = c;
	}
	if (victim)
		drop_client(d, victim);
	return victim;
}

static void accept_one(struct daemon *d, int fd)
{
	socklen_t len = sizeof(struct ucred);
	struct ucred cred;
	struct client *c;

	/* Who is asking decides what they may ask: SO_PEERCRED. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !(c = slot(d, cred.uid))) {
		close(fd);
		return;
	}
	*c = (struct client){ .fd = fd, .uid = cred.uid, .d = d };
	rg_strbuf_init(&c->out);
	clock_gettime(CLOCK_MONOTONIC, &c->since);
	c->ev = rg_evloop_add(&d->loop, fd, EPOLLIN, on_client, c);
	if (!c->ev) {
		close(fd);
		c->fd = -1;
		return;
	}
	arm(d);
}

/* Per wake-up, so a flood of connections cannot hold the loop. */
#define ACCEPTS_PER_WAKE 8

static void on_accept(void *arg)
{
	struct daemon *d = arg;
	int fd, n;

	for (n = 0; n < ACCEPTS_PER_WAKE; n++) {
		fd = accept4(d->ctlfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		accept_one(d, fd);
	}
}

/* The timer: clients past their deadline are dropped. */
static void on_tick(void *arg)
{
	struct daemon *d = arg;
	struct timespec now;
	uint64_t expirations;
	size_t i;

	if (read(d->ctl_timerfd, &expirations, sizeof(expirations)) < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (d->clients[i].fd >= 0 && !d->clients[i].deferred &&
		    now.tv_sec - d->clients[i].since.tv_sec >= CTL_DEADLINE_S)
			drop_client(d, &d->clients[i]);
	arm(d);
}

int rg_daemon_ctl_watch(struct daemon *d)
{
	d->ctl_timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->ctl_timerfd < 0 ||
	    !rg_evloop_add(&d->loop, d->ctlfd, EPOLLIN, on_accept, d) ||
	    !rg_evloop_add(&d->loop, d->ctl_timerfd, EPOLLIN, on_tick, d))
		return -1;
	return 0;
}

void rg_daemon_ctl_close(struct daemon *d)
{
	size_t i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (d->clients[i].fd >= 0)
			drop_client(d, &d->clients[i]);
	if (d->ctl_timerfd >= 0)
		close(d->ctl_timerfd);
	d->ctl_timerfd = -1;
}
