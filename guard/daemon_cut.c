// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flows whose first packet the queue cut before its ports (IPv6 extension
 * headers past the copy range), on the kernel path without NFQA_CT: the
 * packet still shows its addresses, so conntrack is asked for the entries
 * between them rather than read whole, as an ENOBUFS resync must.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "daemon_int.h"
#include "grow.h"

struct cut_found {
	const struct daemon *d;
	struct rg_flow *v;
	size_t n, cap;
};

static bool asked(const struct daemon *d, const struct rg_flow *f)
{
	unsigned int i;

	for (i = 0; i < d->n_cut; i++)
		if (rg_addr_equal(&d->cut[i].src, &f->reply.src) &&
		    rg_addr_equal(&d->cut[i].dst, &f->reply.dst))
			return true;
	return false;
}

/* Kept until the dump is complete: handling may talk ctnetlink. */
static int found_cb(const struct rg_flow *f, void *data)
{
	struct cut_found *l = data;
	struct rg_flow *v;

	if (!asked(l->d, f))
		return 0;
	v = rg_grow(l->v, &l->cap, l->n, sizeof(*v), 16);
	if (!v)
		return -1;
	l->v = v;
	l->v[l->n++] = *f;
	return 0;
}

void rg_daemon_cut_add(struct daemon *d, const struct rg_tuple *reply)
{
	unsigned int i;

	for (i = 0; i < d->n_cut; i++)
		if (rg_addr_equal(&d->cut[i].src, &reply->src) &&
		    rg_addr_equal(&d->cut[i].dst, &reply->dst))
			return;
	/* More pairs than a batch of lookups holds: the full resync. */
	if (d->n_cut == MAX_CUT) {
		d->resync_due = true;
		return;
	}
	d->cut[d->n_cut++] = *reply;
}

static bool has_family(const struct daemon *d, int family)
{
	unsigned int i;

	for (i = 0; i < d->n_cut; i++)
		if (d->cut[i].src.family == family)
			return true;
	return false;
}

/*
 * A lookup reads a family's whole table (below), so a stream of cut
 * packets gets one every CUT_MIN_MS, or RESYNC_SHARE times as long as the
 * last took, whichever is longer; each answers every pair gathered since.
 */
int rg_daemon_cut_wait_ms(const struct daemon *d)
{
	long gap = d->last_cut_ms * RESYNC_SHARE, left;

	if (d->n_cut == 0)
		return -1;
	if (gap < CUT_MIN_MS)
		gap = CUT_MIN_MS;
	left = gap - rg_daemon_ms_since(&d->last_cut);
	return left > 0 ? (int)left : 0;
}

/*
 * By family, matched here: the kernel's IPv6 address filter is inverted
 * (see rg_ct_dump_dst), and IPv4 packets are never cut. The flows found
 * are handled as the scan handles its own.
 */
void rg_daemon_cut_lookup_if_due(struct daemon *d)
{
	struct cut_found l = { .d = d };
	struct timespec start;
	size_t i;

	if (rg_daemon_cut_wait_ms(d) != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < RG_ADDR_NFAMILIES; i++)
		if (has_family(d, rg_addr_families[i]) &&
		    rg_ct_dump_family(&d->ct, rg_addr_families[i], found_cb, &l) < 0)
			rg_log("conntrack lookup for a cut packet failed: %s",
			       strerror(errno));
	d->n_cut = 0;
	d->routes_checked = false;
	for (i = 0; i < l.n; i++)
		rg_daemon_flow_found(d, &l.v[i]);
	free(l.v);
	d->last_cut_ms = rg_daemon_ms_since(&start);
	clock_gettime(CLOCK_MONOTONIC, &d->last_cut);
}
