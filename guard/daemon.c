// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon: one epoll loop over the queue socket, the control socket and
 * a signalfd, in the manner of conntrackd. Set-up happens before the loop,
 * in an order that never leaves traffic waiting on reflguard: the queue is
 * bound before the rule that feeds it exists, and the rule queues with
 * bypass, so a missing handler lets packets through.
 */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netlink.h>

#include "caps.h"
#include "classify.h"
#include "control.h"
#include "ct.h"
#include "event.h"
#include "finding.h"
#include "observe.h"
#include "packet_flow.h"
#include "probe.h"
#include "queue.h"
#include "route.h"
#include "stats.h"

#define RECENT_IDS 256
#define MAX_CLIENTS 8
#define QUEUE_MAXLEN 1024

struct client {
	int fd;
	char req[128];
	size_t len;
};

struct daemon {
	const struct rg_config *cfg;
	struct rg_caps caps;
	enum rg_queue_path qpath;
	enum rg_ct_path ctpath;
	struct rg_nl nft, ct, rt;
	struct rg_queue queue;
	bool observing;
	int epfd, sigfd, ctlfd;
	FILE *events;
	struct rg_status status;
	uint32_t recent[RECENT_IDS];
	unsigned int recent_pos;
	struct client clients[MAX_CLIENTS];
	bool stop;
};

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char *fmt, ...)
{
	va_list ap;

	fputs("reflguard: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A flow already reported (a retransmitted SYN is queued again). */
static bool seen_recently(struct daemon *d, const struct rg_flow *f)
{
	unsigned int i;

	if (!f->has_id)
		return false;
	for (i = 0; i < RECENT_IDS; i++)
		if (d->recent[i] == f->id)
			return true;
	d->recent[d->recent_pos++ % RECENT_IDS] = f->id;
	return false;
}

static void segments(struct daemon *d, const struct rg_flow *f,
		     struct rg_segments *seg)
{
	seg->known = rg_route_oif(&d->rt, &f->orig.src, &seg->c_oif) == 0 &&
		     rg_route_oif(&d->rt, &f->reply.src, &seg->e_oif) == 0;
}

static void write_event(struct daemon *d, const struct rg_event *ev)
{
	struct rg_strbuf line;

	rg_strbuf_init(&line);
	rg_event_json(ev, &line);
	if (!rg_strbuf_failed(&line)) {
		fputs(rg_strbuf_str(&line), d->events);
		fflush(d->events);
		/* Status keeps the object without its newline. */
		line.data[line.len - 1] = '\0';
		rg_status_remember(&d->status, &ev->c, rg_strbuf_str(&line));
	}
	rg_strbuf_reset(&line);
	rg_event_human(ev, &line);
	fputs(rg_strbuf_str(&line), stderr);
	rg_strbuf_free(&line);
}

/* Classifies one flow and reports it; only_translated for the scan. */
static void handle_flow(struct daemon *d, const struct rg_flow *f,
			bool only_translated)
{
	struct rg_segments seg = { 0 };
	const struct rg_expressway_e *e;
	struct rg_class cl;
	struct rg_event ev;
	struct timespec now;

	if (!rg_classify_watched(d->cfg, f, &e))
		return;
	segments(d, f, &seg);
	if (!rg_classify(d->cfg, f, &seg, &cl))
		return;
	if (only_translated && !cl.translated)
		return;
	if (seen_recently(d, f))
		return;
	d->status.counters.flows_classified++;
	if (cl.translated)
		d->status.counters.translated_found++;
	if (cl.action == RG_ACTION_REFUSED)
		d->status.counters.refused++;
	clock_gettime(CLOCK_REALTIME, &now);
	rg_finding_event(f, &cl, &now, &ev);
	write_event(d, &ev);
}

static void on_packet(struct rg_queue *q, const struct rg_packet *p,
		      void *data)
{
	struct daemon *d = data;
	enum rg_packet_flow pf;
	struct rg_tuple reply;
	struct rg_flow f;
	uint8_t proto;

	d->status.counters.packets_queued++;
	pf = rg_packet_flow(p->ct, p->ct_len, p->payload, p->len, &f, &proto,
			    &reply);
	/* Accept first: the packet never waits for the classification, and
	 * without NFQA_CT the entry is only confirmed once it moves on. */
	rg_queue_verdict(q, p->id, NF_ACCEPT);
	if (pf == RG_PF_UNPARSED) {
		d->status.counters.packets_unparsed++;
		return;
	}
	if (pf == RG_PF_LOOKUP &&
	    rg_ct_get_by_reply(&d->ct, reply.src.family, proto, &reply, &f) < 0) {
		d->status.counters.lookup_failures++;
		return;
	}
	handle_flow(d, &f, false);
}

static int scan_cb(const struct rg_flow *f, void *data)
{
	struct daemon *d = data;

	d->status.counters.scan_flows++;
	handle_flow(d, f, true);
	return 0;
}

static void drain_queue(struct daemon *d)
{
	int n;

	do {
		n = rg_queue_receive(&d->queue, on_packet, d);
		if (n < 0 && errno == ENOBUFS) {
			/* Fail-open let those packets through; count them. */
			d->status.counters.enobufs++;
			n = 1;
		}
	} while (n > 0);
}

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

static void answer(struct daemon *d, struct client *c)
{
	struct rg_strbuf out;
	struct timespec now;

	rg_strbuf_init(&out);
	read_queue_drops(d);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!strncmp(c->req, "status json", 11))
		rg_status_json(&d->status, &now, &out);
	else if (!strncmp(c->req, "status text", 11) || !strncmp(c->req, "status\n", 7))
		rg_status_text(&d->status, &now, &out);
	else
		rg_strbuf_add(&out, "{\"error\":\"unknown request\"}\n");
	/* Small answers fit the socket buffer; a client too slow to take one
	 * is not waited for. */
	if (send(c->fd, out.data, out.len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_line("control: answer not sent: %s", strerror(errno));
	rg_strbuf_free(&out);
}

static void drop_client(struct daemon *d, struct client *c)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

static void on_client(struct daemon *d, struct client *c)
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

static void on_accept(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = accept4(d->ctlfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	size_t i;

	if (fd < 0)
		return;
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (d->clients[i].fd < 0) {
			d->clients[i] = (struct client){ .fd = fd };
			ev.data.u64 = 100 + i;
			if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
				return;
			d->clients[i].fd = -1;
			break;
		}
	}
	close(fd);	/* too many at once: the client retries */
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	if (read(d->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
		d->stop = true;
}

enum { TAG_QUEUE = 1, TAG_CTL, TAG_SIG };

static int watch(struct daemon *d, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void loop(struct daemon *d)
{
	struct epoll_event evs[16];
	int i, n;

	while (!d->stop) {
		n = epoll_wait(d->epfd, evs, 16, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_line("epoll: %s", strerror(errno));
			return;
		}
		for (i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;

			if (tag == TAG_QUEUE)
				drain_queue(d);
			else if (tag == TAG_CTL)
				on_accept(d);
			else if (tag == TAG_SIG)
				on_signal(d);
			else if (tag >= 100 && tag < 100 + MAX_CLIENTS)
				on_client(d, &d->clients[tag - 100]);
		}
	}
}

static int open_events(struct daemon *d)
{
	if (!strcmp(d->cfg->events, "-")) {
		d->events = stdout;
		return 0;
	}
	d->events = fopen(d->cfg->events, "ae");
	if (!d->events) {
		log_line("cannot open events file %s: %s", d->cfg->events,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int open_signals(struct daemon *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return d->sigfd < 0 ? -1 : 0;
}

static int open_sockets(struct daemon *d)
{
	if (rg_nl_open(&d->nft, NETLINK_NETFILTER) < 0 ||
	    rg_nl_open(&d->ct, NETLINK_NETFILTER) < 0 ||
	    rg_nl_open(&d->rt, NETLINK_ROUTE) < 0) {
		log_line("netlink: %s", strerror(errno));
		return -1;
	}
	d->ctlfd = rg_ctl_listen(d->cfg->control);
	if (d->ctlfd < 0) {
		if (errno == EADDRINUSE)
			log_line("another reflguard answers on %s; not starting",
				 d->cfg->control);
		else
			log_line("control socket %s: %s", d->cfg->control,
				 strerror(errno));
		return -1;
	}
	return 0;
}

static int choose_paths(struct daemon *d)
{
	const char *why = NULL;

	rg_probe_all(&d->caps);
	if (!rg_caps_can_run(&d->caps, &why)) {
		log_line("cannot run on this kernel: %s (see 'reflguard doctor')", why);
		return -1;
	}
	d->qpath = rg_caps_queue_path(&d->caps);
	d->ctpath = rg_caps_ct_path(&d->caps);
	d->status.queue_path = rg_queue_path_name(d->qpath);
	d->status.ct_path = rg_ct_path_name(d->ctpath);
	return 0;
}

static int start_observing(struct daemon *d)
{
	if (rg_queue_open(&d->queue, d->cfg->queue, d->ctpath == RG_CT_ATTACHED,
			  QUEUE_MAXLEN) < 0) {
		log_line(errno == EBUSY ?
			 "queue %u is bound by another program (choose another with --queue)" :
			 "queue %u: cannot bind", d->cfg->queue);
		return -1;
	}
	if (rg_observe_install(&d->nft, d->cfg, d->qpath, d->cfg->queue) < 0) {
		log_line("cannot install the observation chain: %s", strerror(errno));
		return -1;
	}
	d->observing = true;
	return 0;
}

static int setup(struct daemon *d)
{
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0 || open_signals(d) < 0)
		return -1;
	if (choose_paths(d) < 0 || open_events(d) < 0 || open_sockets(d) < 0)
		return -1;
	if (start_observing(d) < 0)
		return -1;
	if (watch(d, rg_queue_fd(&d->queue), TAG_QUEUE) < 0 ||
	    watch(d, d->ctlfd, TAG_CTL) < 0 || watch(d, d->sigfd, TAG_SIG) < 0)
		return -1;
	log_line("%s mode, queue %u (%s), conntrack %s; watching %zu Expressway-E",
		 rg_mode_name(d->cfg->mode), d->cfg->queue, d->status.queue_path,
		 d->status.ct_path, d->cfg->n_e);
	return 0;
}

/* Flows that predate the daemon: one conntrack dump. */
static void startup_scan(struct daemon *d)
{
	unsigned long skipped = 0;

	if (rg_ct_dump(&d->ct, scan_cb, d, &skipped) < 0)
		log_line("start-up conntrack scan failed: %s", strerror(errno));
}

static void teardown(struct daemon *d)
{
	size_t i;

	if (d->observing && rg_observe_remove(&d->nft) < 0)
		log_line("could not remove the observation chain: %s",
			 strerror(errno));
	for (i = 0; i < MAX_CLIENTS; i++)
		if (d->clients[i].fd >= 0)
			close(d->clients[i].fd);
	if (d->queue.buf)
		rg_queue_close(&d->queue);
	rg_nl_close(&d->nft);
	rg_nl_close(&d->ct);
	rg_nl_close(&d->rt);
	if (d->ctlfd >= 0) {
		close(d->ctlfd);
		unlink(d->cfg->control);
	}
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->events && d->events != stdout)
		fclose(d->events);
	else if (d->events)
		fflush(stdout);
	rg_status_free(&d->status);
}

int rg_daemon_run(const struct rg_config *cfg)
{
	struct daemon d;
	size_t i;
	int ret = 1;

	memset(&d, 0, sizeof(d));
	d.cfg = cfg;
	d.epfd = d.sigfd = d.ctlfd = -1;
	for (i = 0; i < MAX_CLIENTS; i++)
		d.clients[i].fd = -1;
	rg_status_init(&d.status);
	d.status.mode = rg_mode_name(cfg->mode);
	d.status.queue = cfg->queue;
	d.status.pid = (long)getpid();
	clock_gettime(CLOCK_MONOTONIC, &d.status.started);
	if (setup(&d) == 0) {
		startup_scan(&d);
		loop(&d);
		ret = 0;
		log_line("stopping");
	}
	teardown(&d);
	return ret;
}
