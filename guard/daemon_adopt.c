// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A firewall pair's other node (keepalived + conntrackd): the peer's
 * exemptions, learnt from the marked conntrack entries conntrackd commits
 * here (docs/design.md, "Firewall pairs"). The entries come from an event
 * socket the kernel filters to marked ones, read a bounded amount a loop
 * turn, and from the start-up and resync scans; the decision is
 * guard/core/adopt.c's, the fix the same transaction any exemption is.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "adopt.h"
#include "ct_events.h"
#include "daemon_int.h"
#include "exempt_op.h"
#include "exempt_rule.h"
#include "finding.h"
#include "log.h"
#include "remedy.h"

#define ADOPT_READS 8		/* event datagrams read per loop turn */

/* An entry's events come several times (new, then each TCP state): one
 * decision per entry, unless it is exempted here meanwhile. */
static bool decided(struct daemon *d, const struct rg_flow *f)
{
	unsigned int i;

	if (!f->has_id)
		return false;
	for (i = 0; i < ADOPT_RECENT; i++)
		if (d->adopt_recent[i] == f->id)
			return true;
	d->adopt_recent[d->adopt_pos++ % ADOPT_RECENT] = f->id;
	return false;
}

static void event(const struct rg_flow *f,
		  const struct rg_class *cl, struct rg_event *ev)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	rg_finding_event(f, cl, &now, ev);
	ev->origin = "conntrack-mark";
}

static void refused(struct daemon *d, const struct rg_flow *f,
		    const struct rg_class *cl)
{
	struct rg_event ev;

	event(f, cl, &ev);
	d->status.counters.adopt_refused++;
	rg_daemon_event(d, &ev);
}

static void adopted(struct daemon *d, const struct rg_flow *f,
		    const struct rg_class *cl, const struct rg_exemption *x)
{
	char element[RG_EXEMPT_ELEMENT_LEN], stmt[RG_EXEMPT_STATEMENT_LEN];
	struct rg_event ev;

	event(f, cl, &ev);
	ev.type = "adopted";
	if (d->cfg->mode == RG_MODE_REMEDIATE) {
		if (rg_daemon_exempt_install(d, x, RG_EXEMPT_OP_WHY_ADOPTED) < 0) {
			rg_log("cannot adopt the exemption: %s", strerror(errno));
			return;
		}
		rg_exemption_element(x, element, sizeof(element));
		rg_exemption_statement(x, stmt, sizeof(stmt));
		ev.action = "exempted";
		ev.with_fix = false;
		ev.element = element;
		ev.statement = stmt;
	}
	d->status.counters.adopted++;
	rg_daemon_event(d, &ev);
}

void rg_daemon_adopt(struct daemon *d, const struct rg_flow *f)
{
	struct rg_segments seg;
	struct rg_adopt_in in;
	struct rg_exemption x;
	struct rg_class cl;

	if (!d->cfg->adopt || !rg_adopt_marked(f))
		return;
	rg_remedy_exemption(f, &x);
	memset(&in, 0, sizeof(in));
	in.f = f;
	in.seg = &seg;
	/* Our own exemption's flows are marked too: no route lookup for them. */
	in.exempted = rg_state_find(&d->state, &x) != NULL;
	if (in.exempted || decided(d, f))
		return;
	rg_daemon_flow_segments(d, f, &seg);
	in.ineffective = rg_remedy_memory_ineffective(&d->remedy, &x);
	in.withdrawn = rg_state_find(&d->withdrawn, &x) != NULL;
	in.active = rg_state_dynamic(&d->state);
	switch (rg_adopt_decide(d->cfg, &in, &cl)) {
	case RG_ADOPT_EXEMPT:
		adopted(d, f, &cl, &x);
		break;
	case RG_ADOPT_REFUSE:
		refused(d, f, &cl);
		break;
	default:
		break;
	}
}

/* Kept while the daemon runs: a restart forgets it (docs/design.md). */
void rg_daemon_withdrawn(struct daemon *d, const struct rg_exemption *x,
			 bool withdrawn)
{
	struct rg_state_entry e;

	if (!withdrawn) {
		rg_state_del(&d->withdrawn, x);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.x = *x;
	if (rg_state_put(&d->withdrawn, &e) < 0)
		rg_log("cannot remember a withdrawn exemption: %s", strerror(errno));
}

static int on_entry(const struct rg_flow *f, void *data)
{
	struct daemon *d = data;

	d->status.counters.ct_events++;
	rg_daemon_adopt(d, f);
	return 0;
}

/*
 * An overrun lost some entries: the resync's walk finds them again (it
 * recognises marked entries too), paced as the queue's overruns are.
 */
static void on_ct_events(void *arg)
{
	struct daemon *d = arg;

	if (rg_ct_events_read(&d->ctev, ADOPT_READS, on_entry, d) == 0)
		return;
	if (errno != ENOBUFS) {
		rg_log("conntrack events: %s", strerror(errno));
		return;
	}
	d->status.counters.ct_events_overruns++;
	d->resync_due = true;
}

/* Without the socket the scans still adopt: the daemon goes on. */
void rg_daemon_adopt_open(struct daemon *d)
{
	if (rg_ct_events_open(&d->ctev, RG_EXEMPT_MARK) < 0) {
		rg_log("conntrack events: %s; a firewall pair's peer's exemptions are adopted by the conntrack scans only",
		       strerror(errno));
		return;
	}
	if (!rg_evloop_add(&d->loop, mnl_socket_get_fd(d->ctev.sock), EPOLLIN,
			   on_ct_events, d)) {
		rg_log("conntrack events: %s; a firewall pair's peer's exemptions are adopted by the conntrack scans only",
		       strerror(errno));
		rg_nlsock_close(&d->ctev);
	}
}
