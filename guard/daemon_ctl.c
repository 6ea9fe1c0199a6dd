// SPDX-License-Identifier: GPL-2.0-or-later
/* The control socket: one request line in, one answer out, never blocking. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctl_request.h"
#include "daemon_int.h"
#include "listing.h"
#include "observe.h"

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
	static const int families[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	uint64_t matched = 0, n;
	size_t i;

	for (i = 0; i < 2; i++)
		if (rg_chain_packets(&d->nft, families[i], RG_TABLE,
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

static void answer(struct daemon *d, struct client *c)
{
	struct rg_strbuf out;
	struct timespec now;

	rg_strbuf_init(&out);
	rg_daemon_refresh_counters(d);
	clock_gettime(CLOCK_MONOTONIC, &now);
	switch (rg_ctl_parse_request(c->req, c->len)) {
	case RG_CTL_STATUS_JSON:
		rg_status_json(&d->status, &now, &out);
		break;
	case RG_CTL_STATUS_TEXT:
		rg_status_text(&d->status, &now, &out);
		break;
	case RG_CTL_RELOAD_STATE:
		/* Reading is for the control group; changing is root's. */
		if (c->uid != 0 && c->uid != geteuid())
			rg_strbuf_add(&out, "{\"error\":\"permission denied\"}\n");
		else
			rg_strbuf_add(&out, rg_daemon_reload_state(d) == 0 ?
				      "{\"ok\":true}\n" : "{\"ok\":false}\n");
		break;
	case RG_CTL_EXEMPT:
		if (c->uid != 0 && c->uid != geteuid())
			rg_strbuf_add(&out, "{\"error\":\"permission denied\"}\n");
		else
			rg_daemon_exempt_request(d, c->req, c->len, &out);
		break;
	case RG_CTL_UNKNOWN:
		rg_strbuf_add(&out, "{\"error\":\"unknown request\"}\n");
		break;
	}
	/* Small answers fit the socket buffer; a client too slow to take one
	 * is not waited for. */
	if (send(c->fd, out.data, out.len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		rg_log("control: answer not sent: %s", strerror(errno));
	rg_strbuf_free(&out);
}

static void drop_client(struct daemon *d, struct client *c)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

void rg_daemon_client(struct daemon *d, struct client *c)
{
	ssize_t n = recv(c->fd, c->req + c->len, sizeof(c->req) - 1 - c->len,
			 MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n > 0) {
		c->len += (size_t)n;
		c->req[c->len] = '\0';
		if (!strchr(c->req, '\n') && c->len < sizeof(c->req) - 1)
			return;
		answer(d, c);
	}
	drop_client(d, c);
}

void rg_daemon_accept(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = accept4(d->ctlfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	size_t i;

	if (fd < 0)
		return;
	struct ucred cred;
	socklen_t len = sizeof(cred);

	/* Who is asking decides what they may ask: SO_PEERCRED. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		close(fd);
		return;
	}
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (d->clients[i].fd < 0) {
			d->clients[i] = (struct client){ .fd = fd, .uid = cred.uid };
			ev.data.u64 = 100 + i;
			if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
				return;
			d->clients[i].fd = -1;
			break;
		}
	}
	close(fd);	/* too many at once: the client retries */
}

