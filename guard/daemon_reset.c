// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resets: a translated connection made before its exemption is ended, so
 * that it reconnects under it, and both of its ends are told at once
 * (see nft/msg/reset_rule.h) instead of waiting for their own timeouts.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include <linux/netfilter/nf_conntrack_tcp.h>

#include "daemon_int.h"
#include "finding.h"
#include "mstime.h"
#include "reset.h"

/*
 * A live TCP connection has ends to tell; one closing or closed (TIME_WAIT,
 * CLOSE) or of unknown state only needs its entry gone.
 */
static bool has_live_ends(const struct rg_flow *f)
{
	return f->proto == IPPROTO_TCP && f->has_tcp_state &&
	       f->tcp_state >= TCP_CONNTRACK_SYN_SENT &&
	       f->tcp_state <= TCP_CONNTRACK_LAST_ACK;
}

static void due_in(struct timespec *t, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	rg_mstime_add(t, ms);
}

/* Marks the entry and holds it RESET_HOLD_MS; false to delete it now. */
static bool arm(struct daemon *d, const struct rg_flow *f)
{
	struct held_reset *h;

	if (!has_live_ends(f) || d->n_held == MAX_HELD_RESETS)
		return false;
	if (rg_reset_arm(&d->nft, &d->ct, f) < 0) {
		if (errno == ENOENT)
			return true;	/* gone already: nothing to tell */
		rg_log("cannot arm the reset of the translated connection: %s; deleting its conntrack entry",
		       strerror(errno));
		return false;
	}
	h = &d->held[d->n_held++];
	h->f = *f;
	due_in(&h->due, RESET_HOLD_MS);
	return true;
}

static int delete_entry(struct daemon *d, const struct rg_flow *f)
{
	if (rg_ct_delete(&d->ct, f) < 0 && errno != ENOENT) {
		rg_log("cannot delete the translated connection's conntrack entry: %s",
		       strerror(errno));
		return -1;
	}
	return 0;
}

void rg_daemon_reset(struct daemon *d, const struct rg_flow *f,
		     const struct rg_event *base)
{
	struct rg_event ev = *base;

	if (!arm(d, f) && delete_entry(d, f) < 0)
		return;
	ev.type = "reset";
	ev.action = "reset";
	ev.with_fix = false;
	d->status.counters.resets++;
	rg_daemon_event(d, &ev);
}

static long ms_until(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)rg_mstime_diff(t, &now);
}

int rg_daemon_reset_wait_ms(const struct daemon *d)
{
	long ms, best = -1;
	unsigned int i;

	for (i = 0; i < d->n_held; i++) {
		ms = ms_until(&d->held[i].due);
		if (ms < 0)
			ms = 0;
		if (best < 0 || ms < best)
			best = ms;
	}
	return (int)best;
}

/*
 * The hold is over: the entry goes, as a reset did before, so a new
 * connection from the same port starts a new entry under the exemption.
 * all: on the way out, every held entry, since nobody will later.
 */
void rg_daemon_resets_due(struct daemon *d, bool all)
{
	unsigned int i = 0;

	while (i < d->n_held) {
		if (!all && ms_until(&d->held[i].due) > 0) {
			i++;
			continue;
		}
		delete_entry(d, &d->held[i].f);
		d->held[i] = d->held[--d->n_held];
	}
}
