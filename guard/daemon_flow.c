// SPDX-License-Identifier: GPL-2.0-or-later
/* One flow: classified, reported, and in remediate mode fixed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "ct.h"
#include "daemon_int.h"
#include "event.h"
#include "finding.h"
#include "json.h"
#include "notify.h"
#include "packet_flow.h"
#include "pkt_parse.h"
#include "route.h"

#include <linux/netfilter.h>

/*
 * A packet of a flow already reported: a retransmitted SYN is queued again.
 * The conntrack id and tuples alone cannot tell it from a reconnection: the
 * kernel derives the id from the entry's address and original tuple, and a
 * port-keeping translation repeats the reply tuple too. The initial
 * sequence number can: a retransmission repeats it.
 */
static bool seen_recently(struct daemon *d, const struct rg_flow *f,
			  uint32_t seq)
{
	struct recent *r;
	unsigned int i;

	if (!f->has_id)
		return false;
	for (i = 0; i < RECENT_IDS; i++) {
		r = &d->recent[i];
		if (r->id == f->id && r->seq == seq &&
		    r->reply.dport == f->reply.dport &&
		    r->reply.sport == f->reply.sport &&
		    rg_addr_equal(&r->reply.dst, &f->reply.dst) &&
		    rg_addr_equal(&r->reply.src, &f->reply.src))
			return true;
	}
	r = &d->recent[d->recent_pos++ % RECENT_IDS];
	r->id = f->id;
	r->seq = seq;
	r->reply = f->reply;
	return false;
}

/*
 * Packets read from the queue after a route change were sent after it:
 * the change is already waiting on rtmon (the kernel announces it before
 * the changing call returns). So rtmon is read once per queue read,
 * before the first lookup, and a cached answer is never older than the
 * packet that asks.
 */
void rg_daemon_routes_check(struct daemon *d)
{
	d->routes_checked = true;
	if (rg_route_monitor_drain(&d->rtmon) != 0)
		rg_route_cache_flush(&d->routes);
}

static bool route_oif(struct daemon *d, const struct rg_addr *dst, int *oif)
{
	if (rg_route_cache_get(&d->routes, dst, oif))
		return true;
	if (rg_route_oif(&d->rt, dst, oif) < 0)
		return false;
	rg_route_cache_put(&d->routes, dst, *oif);
	return true;
}

static void segments(struct daemon *d, const struct rg_flow *f,
		     struct rg_segments *seg)
{
	if (!d->routes_checked)
		rg_daemon_routes_check(d);
	seg->known = route_oif(d, &f->orig.src, &seg->c_oif) &&
		     route_oif(d, &f->reply.src, &seg->e_oif);
}

/* systemctl status shows the counters; once a second is plenty. */
static void notify_status(struct daemon *d)
{
	const struct rg_counters *c = &d->status.counters;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec == d->last_notify)
		return;
	d->last_notify = now.tv_sec;
	rg_notifyf("STATUS=%s: %llu flows, %llu translated, %llu exempted, %llu refused",
		   d->status.mode, (unsigned long long)c->flows_classified,
		   (unsigned long long)c->translated_found,
		   (unsigned long long)c->exempted,
		   (unsigned long long)c->refused);
}

/*
 * Both streams are fully buffered and written out by rg_daemon_flush at
 * the end of each wake-up of the loop (and on the way out, SIGTERM
 * included): one write() per batch of packets instead of two per flow,
 * and a reader of the events file still sees each line within the
 * wake-up that produced it.
 */
void rg_daemon_event(struct daemon *d, const struct rg_event *ev)
{
	struct rg_strbuf *line = &d->line;

	notify_status(d);
	rg_strbuf_reset(line);
	rg_event_json(ev, line);
	if (!rg_strbuf_failed(line)) {
		fwrite(line->data, 1, line->len, d->events);
		/* Status keeps the object without its newline. */
		line->data[line->len - 1] = '\0';
		rg_status_remember(&d->status, &ev->c, rg_strbuf_str(line));
	}
	if (!d->human)
		return;
	rg_strbuf_reset(line);
	rg_event_human(ev, line);
	if (!rg_strbuf_failed(line))
		fwrite(line->data, 1, line->len, stderr);
}

void rg_daemon_flush(struct daemon *d)
{
	if (d->events)
		fflush(d->events);
	fflush(stderr);
}

void rg_daemon_error_event(struct daemon *d, const char *what, int err)
{
	struct rg_strbuf line;
	struct timespec now;
	struct rg_json j;
	char ts[40];

	clock_gettime(CLOCK_REALTIME, &now);
	rg_format_ts(&now, ts, sizeof(ts));
	rg_strbuf_init(&line);
	rg_json_init(&j, &line);
	rg_json_obj_begin(&j, NULL);
	rg_json_str(&j, "event", "error");
	rg_json_str(&j, "ts", ts);
	rg_json_str(&j, "what", what);
	rg_json_str(&j, "error", strerror(err));
	rg_json_obj_end(&j);
	rg_strbuf_add(&line, "\n");
	fputs(rg_strbuf_str(&line), d->events);
	rg_strbuf_free(&line);
}

static void count(struct daemon *d, const struct rg_class *cl)
{
	d->status.counters.flows_classified++;
	if (cl->translated)
		d->status.counters.translated_found++;
	if (cl->action == RG_ACTION_REFUSED)
		d->status.counters.refused++;
}

/*
 * Classifies one flow and reports it (and in remediate mode fixes it).
 * pkt: the queued packet that showed it, or NULL for a flow found by the
 * scan, which predates us and is reported only when translated.
 * Returns true when the queued packet should be dropped.
 */
static bool handle_flow(struct daemon *d, const struct rg_flow *f,
			const struct rg_packet *pkt)
{
	bool from_scan = pkt == NULL;
	uint32_t seq = 0;

	struct rg_segments seg = { 0 };
	const struct rg_expressway_e *e;
	struct rg_class cl;
	struct rg_event ev;
	struct timespec now;

	if (!rg_classify_watched(d->cfg, f, &e))
		return false;
	segments(d, f, &seg);
	if (!rg_classify(d->cfg, f, &seg, &cl))
		return false;
	if (from_scan && !cl.translated)
		return false;
	if (pkt) {
		rg_pkt_tcp_seq(pkt->payload, pkt->len, &seq);
		if (seen_recently(d, f, seq))
			return false;
	}
	count(d, &cl);
	if (d->cfg->mode == RG_MODE_REMEDIATE)
		return rg_daemon_remedy(d, f, &cl, !from_scan);
	clock_gettime(CLOCK_REALTIME, &now);
	rg_finding_event(f, &cl, &now, &ev);
	rg_daemon_event(d, &ev);
	return false;
}

void rg_daemon_on_packet(struct rg_queue *q, const struct rg_packet *p,
			 void *data)
{
	struct daemon *d = data;
	enum rg_packet_flow pf;
	struct rg_tuple reply;
	struct rg_flow f;
	uint8_t proto;
	bool drop;

	d->status.counters.packets_queued++;
	pf = rg_packet_flow(p->ct, p->ct_len, p->payload, p->len, &f, &proto,
			    &reply);
	if (pf == RG_PF_COMPLETE) {
		/* With NFQA_CT the entry is in hand: a flow being exempted can
		 * still lose this first SYN, before its NAT binding is
		 * confirmed, and its retransmission goes out untranslated. */
		drop = handle_flow(d, &f, p);
		rg_queue_verdict(q, p->id, drop ? NF_DROP : NF_ACCEPT);
		return;
	}
	/* Accept first: without NFQA_CT the entry is only confirmed, and so
	 * only found, once the packet moves on. */
	rg_queue_verdict(q, p->id, NF_ACCEPT);
	if (pf == RG_PF_UNPARSED) {
		d->status.counters.packets_unparsed++;
		return;
	}
	if (rg_ct_get_by_reply(&d->ct, reply.src.family, proto, &reply, &f) < 0) {
		d->status.counters.lookup_failures++;
		return;
	}
	handle_flow(d, &f, p);
}

struct scan_list {
	const struct rg_config *cfg;
	struct rg_flow *v;
	size_t n, cap;
	uint64_t seen;
};

/* Only candidates are kept: a dump of a million entries stays cheap. */
static int scan_cb(const struct rg_flow *f, void *data)
{
	struct scan_list *l = data;
	const struct rg_expressway_e *e;
	struct rg_flow *v;

	l->seen++;
	if (!rg_classify_watched(l->cfg, f, &e))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
	}
	l->v[l->n++] = *f;
	return 0;
}

/*
 * Flows that predate the daemon: the entries sent to a watched address
 * (a dump the kernel filters, see rg_ct_dump_dst), handled once it is
 * complete, since handling may itself talk ctnetlink (a reset) and the
 * dump's socket is busy until then.
 */
void rg_daemon_scan(struct daemon *d)
{
	struct scan_list l = { .cfg = d->cfg };
	struct rg_addr dsts[RG_MAX_E];
	size_t i, n = rg_classify_dsts(d->cfg, dsts);

	d->routes_checked = false;
	if (rg_ct_dump_dst(&d->ct, dsts, n, scan_cb, &l, NULL) < 0)
		rg_log("start-up conntrack scan failed: %s", strerror(errno));
	d->status.counters.scan_flows += l.seen;
	for (i = 0; i < l.n; i++)
		handle_flow(d, &l.v[i], NULL);
	free(l.v);
}

/*
 * ENOBUFS: the kernel could not hand us some queue messages (their packets
 * went through: fail-open). Counted, logged once a burst, and the flows
 * they carried are found again by a conntrack resync once drained.
 */
static void on_enobufs(struct daemon *d, bool *resync)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	d->status.counters.enobufs++;
	if (now.tv_sec - d->last_enobufs.tv_sec >= ENOBUFS_BURST_S)
		rg_log("queue socket overrun (ENOBUFS): packets passed unobserved; resyncing from conntrack");
	d->last_enobufs = now;
	*resync = true;
}

void rg_daemon_drain(struct daemon *d)
{
	bool resync = false;
	int n;

	do {
		d->routes_checked = false;
		n = rg_queue_receive(&d->queue, rg_daemon_on_packet, d);
		if (n < 0 && errno == ENOBUFS) {
			on_enobufs(d, &resync);
			n = 1;
		}
	} while (n > 0);
	if (resync)
		rg_daemon_scan(d);
}

