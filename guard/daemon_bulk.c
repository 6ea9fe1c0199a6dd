// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bulk exemption work beside the verdicts: an `exempt flush` or the
 * reinstatement of a deleted table can touch up to max-exemptions
 * elements, and one transaction of a million elements holds the loop (and
 * so every verdict) for seconds. The job keeps what the state held when it
 * began and sends BULK_SLICE elements a loop turn, each slice checked
 * against the state of that turn: an exemption added meanwhile is not
 * deleted, one deleted meanwhile is not brought back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "exempt.h"
#include "log.h"
#include "plural.h"

bool rg_daemon_bulk_busy(const struct daemon *d)
{
	return d->bulk.kind != BULK_NONE;
}

void rg_daemon_bulk_free(struct daemon *d)
{
	free(d->bulk.xs);
	memset(&d->bulk, 0, sizeof(d->bulk));
}

void rg_daemon_bulk_forget(struct daemon *d, const struct client *c)
{
	if (d->bulk.waiter == c)
		d->bulk.waiter = NULL;
}

/*
 * The job's exemptions: the whole state, or only its dynamic part. The
 * exempt lines come first: a reinstatement's first slice brings back what
 * the operator named before the rest.
 */
static int snapshot(struct daemon *d, bool dynamic_only)
{
	size_t i, n = 0;
	int pass;

	d->bulk.xs = calloc(d->state.n ? d->state.n : 1, sizeof(*d->bulk.xs));
	if (!d->bulk.xs)
		return -1;
	for (pass = dynamic_only; pass < 2; pass++)
		for (i = 0; i < d->state.n; i++)
			if (d->state.v[i].is_static == !pass)
				d->bulk.xs[n++] = d->state.v[i].x;
	d->bulk.n = n;
	d->bulk.pos = 0;
	return 0;
}

/*
 * The next slice: a restore sends what the state still holds, a flush
 * what it has not taken back since. The slice is copied to out.
 */
static size_t next_slice(struct daemon *d, struct rg_exemption *out)
{
	bool want = d->bulk.kind == BULK_RESTORE;
	size_t k = 0;

	while (d->bulk.pos < d->bulk.n && k < BULK_SLICE) {
		const struct rg_exemption *x = &d->bulk.xs[d->bulk.pos++];

		if ((rg_state_find(&d->state, x) != NULL) == want)
			out[k++] = *x;
	}
	return k;
}

/* An element someone else deleted fails its whole slice: one at a time. */
static int delete_each(struct daemon *d, const struct rg_exemption *xs, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (rg_exempt_change(&d->nft, &xs[i], false) < 0 && errno != ENOENT)
			return -1;
	return 0;
}

static int send_slice(struct daemon *d, const struct rg_exemption *xs, size_t k)
{
	size_t i;

	if (k == 0)
		return 0;
	if (d->bulk.kind == BULK_RESTORE)
		return rg_exempt_change_many(&d->nft, xs, k, true);
	/* A slice at a time, as the kernel: a million at once would hold
	 * the loop. */
	for (i = 0; i < k; i++)
		rg_daemon_withdrawn(d, &xs[i], true);
	if (rg_exempt_change_many(&d->nft, xs, k, false) == 0)
		return 0;
	return errno == ENOENT ? delete_each(d, xs, k) : -1;
}

static void finish(struct daemon *d, int err)
{
	char answer[96];

	if (d->bulk.kind == BULK_RESTORE && !err) {
		d->status.counters.reinstated++;
		rg_logp(LOG_INFO, "reinstated %zu %s from the state", d->bulk.n,
			rg_plural(d->bulk.n, "exemption", "exemptions"));
	} else if (d->bulk.kind == BULK_RESTORE) {
		rg_log("cannot reinstate the exemptions: %s", strerror(err));
	} else if (err) {
		rg_log("exempt flush: %zu %s left in the kernel: %s",
		       d->bulk.n - d->bulk.pos,
		       rg_plural(d->bulk.n - d->bulk.pos, "exemption", "exemptions"),
		       strerror(err));
	}
	if (d->bulk.kind == BULK_FLUSH && d->bulk.waiter) {
		if (err)
			snprintf(answer, sizeof(answer), "{\"ok\":false,\"errno\":%d}\n", err);
		else
			snprintf(answer, sizeof(answer), "{\"ok\":true,\"removed\":%zu}\n",
				 d->bulk.removed);
		rg_daemon_ctl_deferred(d, d->bulk.waiter, answer);
	}
	rg_daemon_bulk_free(d);
}

void rg_daemon_bulk_step(struct daemon *d)
{
	static struct rg_exemption slice[BULK_SLICE];
	size_t k;

	if (d->bulk.kind == BULK_NONE)
		return;
	k = next_slice(d, slice);
	if (send_slice(d, slice, k) < 0) {
		finish(d, errno ? errno : EIO);
		return;
	}
	if (d->bulk.pos == d->bulk.n)
		finish(d, 0);
}

int rg_daemon_bulk_restore(struct daemon *d)
{
	static struct rg_exemption slice[BULK_SLICE];
	size_t k;

	if (rg_daemon_bulk_busy(d)) {
		errno = EBUSY;
		return -1;
	}
	if (snapshot(d, false) < 0)
		return -1;
	d->bulk.kind = BULK_RESTORE;
	/* The first slice makes the kernel hold exactly it: objects
	 * recreated, the set emptied of what someone else put there. */
	k = next_slice(d, slice);
	if (rg_exempt_sync(&d->nft, slice, k) < 0) {
		finish(d, errno ? errno : EIO);
		return -1;
	}
	if (d->bulk.pos == d->bulk.n)
		finish(d, 0);
	return 0;
}

int rg_daemon_bulk_flush(struct daemon *d, struct client *c)
{
	if (rg_daemon_bulk_busy(d)) {
		errno = EBUSY;
		return -1;
	}
	if (snapshot(d, true) < 0)
		return -1;
	d->bulk.kind = BULK_FLUSH;
	d->bulk.removed = d->bulk.n;
	d->bulk.waiter = c;
	c->deferred = true;
	rg_state_clear_dynamic(&d->state);
	d->n_pending = 0;
	rg_daemon_save_state(d);
	return 0;
}
