// SPDX-License-Identifier: GPL-2.0-or-later
/* One flow: classified, reported, and in remediate mode fixed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "classify.h"
#include "ct.h"
#include "daemon_int.h"
#include "event.h"
#include "finding.h"
#include "json.h"
#include "log.h"
#include "notify.h"
#include "packet_flow.h"
#include "pkt_parse.h"
#include "plural.h"
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

static int route_get(void *ctx, const struct rg_route_key *k,
		     struct rg_route *r)
{
	struct daemon *d = ctx;

	if (rg_route_cache_get(&d->routes, k, r))
		return 0;
	if (rg_route_get(&d->rt, k, r) < 0)
		return -1;
	rg_route_cache_put(&d->routes, k, r);
	return 0;
}

/* pkt: the queued packet, whose incoming interface and mark are those
 * its routing decision was made with; NULL for a flow found by a scan. */
static void segments(struct daemon *d, const struct rg_flow *f,
		     const struct rg_packet *pkt, struct rg_segments *seg)
{
	struct rg_route_flow fl;

	if (!d->routes_checked)
		rg_daemon_routes_check(d);
	memset(&fl, 0, sizeof(fl));
	fl.c = f->orig.src;
	fl.e = f->reply.src;
	if (pkt) {
		fl.iif = (int)pkt->indev;
		fl.mark = pkt->mark;
	}
	rg_classify_routes(route_get, d, &fl, seg);
}

void rg_daemon_flow_segments(struct daemon *d, const struct rg_flow *f,
			     struct rg_segments *seg)
{
	segments(d, f, NULL, seg);
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
	rg_notifyf("STATUS=%s: %llu %s, %llu translated, %llu exempted, %llu refused",
		   d->status.mode, (unsigned long long)c->flows_classified,
		   rg_plural(c->flows_classified, "flow", "flows"),
		   (unsigned long long)c->translated_found,
		   (unsigned long long)c->exempted,
		   (unsigned long long)c->refused);
}

/*
 * Both streams go through bounded queues with writer threads of their own
 * (daemon_output.c): the loop never waits on a reader, and a line that
 * does not fit is dropped and counted, never a packet held.
 */
static void write_event(struct daemon *d, const struct rg_event *ev)
{
	struct rg_strbuf *line = &d->line;

	rg_strbuf_reset(line);
	rg_event_json(ev, line);
	if (!rg_strbuf_failed(line)) {
		rg_daemon_output_line(d, line->data, line->len);
		/* Status keeps the object without its newline. */
		line->data[line->len - 1] = '\0';
		rg_status_remember(&d->status, &ev->c, rg_strbuf_str(line));
	}
	if (!d->human)
		return;
	rg_strbuf_reset(line);
	rg_event_human(ev, line);
	if (!rg_strbuf_failed(line))
		rg_log_line(rg_event_priority(ev), rg_strbuf_str(line));
}

long rg_daemon_ms_since(const struct timespec *then)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - then->tv_sec) * 1000 +
	       (now.tv_nsec - then->tv_nsec) / 1000000;
}

int64_t rg_daemon_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* A pair's repeated finding is held back for a summary (guard/repeat.h). */
void rg_daemon_event(struct daemon *d, const struct rg_event *ev)
{
	notify_status(d);
	if (rg_repeat_pass(&d->repeat, ev, rg_daemon_now_ms()))
		write_event(d, ev);
}

/* The summaries due, and at stop (now INT64_MAX) all of them. */
void rg_daemon_repeats(struct daemon *d, int64_t now_ms)
{
	struct rg_event ev;

	while (rg_repeat_due(&d->repeat, now_ms, &ev))
		write_event(d, &ev);
}

void rg_daemon_flush(struct daemon *d)
{
	rg_daemon_repeats(d, rg_daemon_now_ms());
	rg_daemon_output_check(d);
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
	if (!rg_strbuf_failed(&line))
		rg_daemon_output_line(d, line.data, line.len);
	rg_strbuf_free(&line);
}

static void count(struct daemon *d, const struct rg_class *cl)
{
	d->status.counters.flows_classified++;
	if (cl->translated)
		d->status.counters.translated_found++;
	if (cl->action == RG_ACTION_REFUSED)
		rg_counters_refused(&d->status.counters, cl->reason);
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
	/* The scan reports only translated flows: a clean one (most, once
	 * exempted) costs no route lookup, unless a pair's peer marked it. */
	if (from_scan && !rg_classify_translated(f)) {
		rg_daemon_adopt(d, f);
		return false;
	}
	segments(d, f, pkt, &seg);
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

/*
 * Without NFQA_CT, a SYN queued in prerouting (before any NAT) is what C
 * sent: kept, to pair with its translated view; true when p was one.
 */
static bool before_nat(struct daemon *d, const struct rg_packet *p,
		       struct queued *qd)
{
	struct rg_tuple orig;
	uint32_t seq;

	if (p->hook != NF_INET_PRE_ROUTING)
		return false;
	if (qd->pf == RG_PF_LOOKUP && qd->proto == IPPROTO_TCP &&
	    rg_pkt_tcp_seq(p->payload, p->len, &seq) == 0) {
		orig.src = qd->reply.dst;
		orig.sport = qd->reply.dport;
		orig.dst = qd->reply.src;
		orig.dport = qd->reply.sport;
		rg_syn_pair_before(&d->syns, &orig, qd->proto, seq);
	}
	qd->pf = RG_PF_SEEN;
	return true;
}

/* The translated view of a SYN seen before NAT: the whole flow, now. */
static void paired(struct daemon *d, const struct rg_packet *p,
		   struct queued *qd)
{
	uint32_t seq;

	if (qd->pf != RG_PF_LOOKUP || qd->proto != IPPROTO_TCP ||
	    rg_pkt_tcp_seq(p->payload, p->len, &seq) < 0 ||
	    !rg_syn_pair_after(&d->syns, &qd->reply, qd->proto, seq, &qd->f))
		return;
	/* No conntrack id: id 0 with the sequence number and reply tuple
	 * still tell a retransmission (seen_recently). */
	qd->f.has_id = true;
	qd->pf = RG_PF_COMPLETE;
}

/*
 * One packet's first look: with NFQA_CT, or with the SYN's view before
 * NAT, the whole flow is handled now, before the verdict.
 */
static void first_look(struct daemon *d, const struct rg_packet *p,
		       struct queued *qd, uint32_t *accept, bool *any)
{
	bool drop = false;

	d->status.counters.packets_queued++;
	qd->pf = rg_packet_flow(p->ct, p->ct_len, p->payload, p->len, &qd->f,
				&qd->proto, &qd->reply);
	if (before_nat(d, p, qd)) {
		*accept = p->id;
		*any = true;
		return;
	}
	paired(d, p, qd);
	/* A flow being exempted can still lose this first SYN, before its
	 * NAT binding is confirmed, and its retransmission goes out
	 * untranslated. */
	if (qd->pf == RG_PF_COMPLETE) {
		d->before_verdict = true;
		drop = handle_flow(d, &qd->f, p);
		d->before_verdict = false;
	}
	if (drop) {
		rg_queue_verdict(&d->queue, p->id, NF_DROP);
		return;
	}
	*accept = p->id;
	*any = true;
	if (qd->pf != RG_PF_UNPARSED && qd->pf != RG_PF_ADDRS)
		return;
	d->status.counters.packets_unparsed++;
	/* Cut before its ports (IPv6 extension headers past the copy range):
	 * its entry is found by the addresses it does show. */
	if (qd->pf == RG_PF_ADDRS)
		rg_daemon_cut_add(d, &qd->reply);
}

/* Nanoseconds since t0, for the handling histogram. */
static uint64_t since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)((now.tv_sec - t0->tv_sec) * 1000000000LL +
			  (now.tv_nsec - t0->tv_nsec));
}

/*
 * The lookups of a batch, all in one ctnetlink round trip: ct_a[k]
 * answers the batch's k-th packet to look up.
 */
static void lookup_all(struct daemon *d, int n)
{
	struct rg_ct_query *q;
	struct queued *qd;
	size_t k = 0;
	int i;

	for (i = 0; i < n; i++) {
		qd = &d->queued[i];
		if (qd->pf != RG_PF_LOOKUP)
			continue;
		q = &d->ct_q[k++];
		q->family = qd->reply.src.family;
		q->proto = qd->proto;
		q->reply = qd->reply;
	}
	if (k == 0)
		return;		/* NFQA_CT: every entry came with its packet */
	rg_ct_get_many(&d->ct, &d->ct_many, d->ct_q, k, d->ct_a);
	d->status.counters.lookup_overruns = d->ct_many.overruns;
}

/*
 * A batch of queued packets: the verdicts first, all in one batch verdict
 * (a dropped packet has had its own before it), then the lookups. Without
 * NFQA_CT the entry is only confirmed, and so only found, once the packet
 * moves on. Each packet's handling time counts from the batch's receipt,
 * so a packet that waited behind the others' lookups says so.
 */
static void handle_batch(struct daemon *d, int n)
{
	const struct rg_ct_answer *a = d->ct_a;
	uint32_t accept = 0;
	bool any = false;
	struct timespec t0;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		first_look(d, &d->pkts[i], &d->queued[i], &accept, &any);
	if (any)
		rg_queue_accept_through(&d->queue, accept);
	lookup_all(d, n);
	for (i = 0; i < n; i++) {
		if (d->queued[i].pf == RG_PF_LOOKUP) {
			if (a->err != 0)
				d->status.counters.lookup_failures++;
			else
				handle_flow(d, &a->f, &d->pkts[i]);
			a++;
		}
		rg_hist_observe(&d->handling, since(&t0));
	}
}

void rg_daemon_flow_found(struct daemon *d, const struct rg_flow *f)
{
	/* No sequence number: the entry itself is the key. */
	if (!seen_recently(d, f, 0))
		handle_flow(d, f, NULL);
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

void rg_daemon_scan_free(struct daemon *d)
{
	free(d->scan_v);
	d->scan_v = NULL;
	d->scan_n = d->scan_pos = d->scan_cap = 0;
}

/* A resync's entry: appended to the candidates being handled. */
static int walk_cb(const struct rg_flow *f, void *data)
{
	struct daemon *d = data;
	struct scan_list l = { d->cfg, d->scan_v, d->scan_n, d->scan_cap, 0 };
	int ret = scan_cb(f, &l);

	d->scan_v = l.v;
	d->scan_n = l.n;
	d->scan_cap = l.cap;
	d->status.counters.scan_flows += l.seen;
	return ret;
}

/*
 * Flows that predate the daemon: the entries sent to a watched address
 * (a dump the kernel filters, see rg_ct_dump_dst), handled once it is
 * complete, since handling may itself talk ctnetlink (a reset) and the
 * dump's socket is busy until then. A newer scan replaces what is left
 * of an older one: it saw the same table later.
 */
void rg_daemon_scan(struct daemon *d)
{
	struct scan_list l = { .cfg = d->cfg };
	struct rg_addr dsts[RG_MAX_E];
	size_t n = rg_classify_dsts(d->cfg, dsts);

	rg_daemon_scan_free(d);
	if (rg_ct_dump_dst(&d->ct, dsts, n, scan_cb, &l, NULL) < 0)
		rg_log("start-up conntrack scan failed: %s", strerror(errno));
	d->status.counters.scan_flows += l.seen;
	d->scan_v = l.v;
	d->scan_n = l.n;
	d->scan_cap = l.cap;
}

bool rg_daemon_scan_pending(const struct daemon *d)
{
	return d->scan_pos < d->scan_n;
}

/*
 * A flow costs up to two route lookups and, in remediate mode, a
 * transaction: a resync under a flood of new sources holds tens of
 * thousands. The loop comes back for the rest once the queue is served.
 */
bool rg_daemon_scan_slice(struct daemon *d)
{
	size_t end = d->scan_pos + SCAN_SLICE;

	if (end > d->scan_n)
		end = d->scan_n;
	d->routes_checked = false;
	while (d->scan_pos < end)
		handle_flow(d, &d->scan_v[d->scan_pos++], NULL);
	if (rg_daemon_scan_pending(d))
		return true;
	/* A dump still being read appends to the list. */
	if (!d->walking)
		rg_daemon_scan_free(d);
	return false;
}

/*
 * ENOBUFS: the kernel could not hand us some queue messages (their packets
 * went through: fail-open). Counted, logged once a burst (a burst ends
 * after ENOBUFS_BURST_S seconds without one), and the flows they carried
 * are found again by a conntrack resync once drained.
 */
static void on_enobufs(struct daemon *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	d->status.counters.enobufs++;
	if (d->status.counters.enobufs == 1 ||
	    now.tv_sec - d->last_enobufs.tv_sec >= ENOBUFS_BURST_S) {
		rg_log("queue socket overrun (ENOBUFS): packets passed unobserved; resyncing from conntrack");
		d->resync_log = true;
	}
	d->last_enobufs = now;
	d->resync_due = true;
}

/*
 * A scan reads the whole conntrack table: under a sustained overload (or
 * a stream of cut packets) one per drain would keep the daemon scanning
 * instead of draining, and so overrunning again. So the next may start
 * RESYNC_MIN_MS after the last ended, or RESYNC_SHARE times as long as it
 * took if that is longer (a table of a million entries takes seconds): the
 * scans take at most 1/RESYNC_SHARE of the time.
 */
int rg_daemon_resync_wait_ms(const struct daemon *d)
{
	long gap = d->last_resync_ms * RESYNC_SHARE, left;

	/* The next waits for the one being read (its socket wakes the loop). */
	if (!d->resync_due || d->walking)
		return -1;
	if (gap < RESYNC_MIN_MS)
		gap = RESYNC_MIN_MS;
	left = gap - rg_daemon_ms_since(&d->last_resync);
	return left > 0 ? (int)left : 0;
}

static void walk_end(struct daemon *d, int ret)
{
	d->walking = false;
	d->last_resync_ms = d->walk_ms;
	clock_gettime(CLOCK_MONOTONIC, &d->last_resync);
	if (ret < 0)
		rg_log("conntrack resync failed: %s", strerror(errno));
	if (d->resync_log)
		rg_log("resynced from conntrack after ENOBUFS: %lu %s scanned",
		       d->walk.seen, rg_plural(d->walk.seen, "entry", "entries"));
	d->resync_log = false;
	if (!rg_daemon_scan_pending(d))
		rg_daemon_scan_free(d);
}

/*
 * The loop's timeout brings the resync that had to wait. Its dump is read
 * a few datagrams a loop turn (rg_daemon_scan_step): a table of 100k
 * entries read in one piece held the verdicts for a quarter second. Only
 * the time spent reading counts towards the next one's wait.
 */
void rg_daemon_resync_if_due(struct daemon *d)
{
	struct rg_addr dsts[RG_MAX_E];
	size_t n = rg_classify_dsts(d->cfg, dsts);
	struct timespec start;
	int ret;

	if (rg_daemon_resync_wait_ms(d) != 0)
		return;
	d->resync_due = false;
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* A newer scan replaces what is left of an older one. */
	rg_daemon_scan_free(d);
	ret = rg_ct_walk_begin(&d->walk, &d->ctscan, dsts, n, walk_cb, d);
	d->walk_ms = rg_daemon_ms_since(&start);
	d->walking = ret > 0;
	if (ret <= 0)
		walk_end(d, ret);
}

void rg_daemon_scan_step(struct daemon *d)
{
	char junk[256];
	struct timespec start;
	int ret, i;

	/* What an abandoned dump left: read, so the socket quiets down. */
	if (!d->walking) {
		for (i = 0; i < SCAN_READS; i++)
			if (recv(mnl_socket_get_fd(d->ctscan.sock), junk, sizeof(junk),
				 MSG_DONTWAIT) <= 0)
				break;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	ret = rg_ct_walk_step(&d->walk, SCAN_READS);
	d->walk_ms += rg_daemon_ms_since(&start);
	if (ret <= 0)
		walk_end(d, ret);
}

/*
 * Reads what the queue holds, a batch per recvmmsg(), up to DRAIN_CAP
 * packets a wake-up so the other sockets are served too (epoll comes back
 * for the rest).
 */
void rg_daemon_drain(struct daemon *d)
{
	int n, total = 0;

	do {
		d->routes_checked = false;
		n = rg_queue_read(&d->queue, d->pkts, RG_QUEUE_BATCH);
		if (n < 0 && errno == ENOBUFS) {
			on_enobufs(d);
			n = 1;
		} else if (n > 0) {
			handle_batch(d, n);
			total += n;
		}
	} while (n > 0 && total < DRAIN_CAP);
	rg_daemon_resync_if_due(d);
	rg_daemon_cut_lookup_if_due(d);
}
