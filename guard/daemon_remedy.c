// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Remediate mode: exemptions installed in the kernel and kept in the state
 * file, always in that order, so the file never claims an exemption the
 * kernel refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ct.h"
#include "daemon_int.h"
#include "exempt.h"
#include "finding.h"
#include "remedy.h"
#include "state_file.h"

/* Longer than a queue backlog takes to drain, shorter than a C retries. */
#define GRACE_MS 100

int rg_daemon_load_state(struct daemon *d, bool reset_state)
{
	char err[RG_ERR_LEN], aside[PATH_MAX + 64];

	if (rg_state_load(d->cfg->state, &d->state, err, sizeof(err)) == 0)
		return 0;
	if (!reset_state) {
		rg_log("%s (nothing was changed; fix the file or start with --reset-state)",
		       err);
		return -1;
	}
	if (rg_state_set_aside(d->cfg->state, aside, sizeof(aside)) < 0) {
		rg_log("%s; and it cannot be kept aside: %s", err, strerror(errno));
		return -1;
	}
	rg_log("%s; kept aside as %s, starting with no exemption", err, aside);
	return 0;
}

/* The exemptions as an array, the way rg_exempt_sync() takes them. */
static int sync_kernel(struct daemon *d)
{
	struct rg_exemption *xs = calloc(d->state.n ? d->state.n : 1, sizeof(*xs));
	size_t i;
	int ret;

	if (!xs)
		return -1;
	for (i = 0; i < d->state.n; i++)
		xs[i] = d->state.v[i].x;
	ret = rg_exempt_sync(&d->nft, xs, d->state.n);
	free(xs);
	return ret;
}

int rg_daemon_restore(struct daemon *d)
{
	if (sync_kernel(d) < 0) {
		rg_log("cannot restore the %zu exemptions of %s: %s", d->state.n,
		       d->cfg->state, strerror(errno));
		return -1;
	}
	if (d->state.n)
		rg_log("restored %zu exemptions from %s", d->state.n, d->cfg->state);
	return 0;
}

int rg_daemon_reload_state(struct daemon *d)
{
	struct rg_state fresh;
	char err[RG_ERR_LEN];

	rg_state_init(&fresh);
	if (rg_state_load(d->cfg->state, &fresh, err, sizeof(err)) < 0) {
		rg_log("state not reloaded: %s", err);
		return -1;
	}
	rg_state_free(&d->state);
	d->state = fresh;
	return 0;
}

/*
 * The kernel holds the exemptions either way; a state file that cannot be
 * written (full or read-only disk) is reported once and retried by the
 * loop until it can, so a restart still finds every exemption.
 */
void rg_daemon_save_state(struct daemon *d)
{
	if (rg_state_save(d->cfg->state, &d->state) == 0) {
		if (d->state_dirty)
			rg_log("the state file %s is written again", d->cfg->state);
		d->state_dirty = false;
		return;
	}
	if (!d->state_dirty) {
		rg_log("cannot write the state file %s: %s; the exemptions stay in the kernel, retrying",
		       d->cfg->state, strerror(errno));
		rg_daemon_error_event(d, "state-write", errno);
	}
	d->state_dirty = true;
}

static void save(struct daemon *d)
{
	rg_daemon_save_state(d);
}

static void now_ts(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	rg_format_ts(&ts, buf, len);
}

static void base_event(const struct rg_flow *f, const struct rg_class *cl,
		       struct rg_event *ev)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	rg_finding_event(f, cl, &now, ev);
}

static void pending_add(struct daemon *d, const struct rg_exemption *x)
{
	struct pending *p;

	if (d->n_pending == MAX_PENDING)
		memmove(&d->pending[0], &d->pending[1],
			--d->n_pending * sizeof(d->pending[0]));
	p = &d->pending[d->n_pending++];
	p->x = *x;
	clock_gettime(CLOCK_MONOTONIC, &p->since);
}

/*
 * Whether the exemption was installed within the last GRACE_MS: packets
 * already queued then were translated before it existed.
 */
static bool just_exempted(const struct daemon *d, const struct rg_exemption *x)
{
	struct timespec now;
	unsigned int i;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < d->n_pending; i++) {
		if (!rg_exemption_equal(&d->pending[i].x, x))
			continue;
		ms = (now.tv_sec - d->pending[i].since.tv_sec) * 1000LL +
		     (now.tv_nsec - d->pending[i].since.tv_nsec) / 1000000;
		return ms < GRACE_MS;
	}
	return false;
}

/* Milliseconds since the exemption's translated SYN; -1 if not known. */
static long long pending_take(struct daemon *d, const struct rg_exemption *x)
{
	struct timespec now;
	unsigned int i;
	long long ms;

	for (i = 0; i < d->n_pending; i++) {
		if (!rg_exemption_equal(&d->pending[i].x, x))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - d->pending[i].since.tv_sec) * 1000LL +
		     (now.tv_nsec - d->pending[i].since.tv_nsec) / 1000000;
		memmove(&d->pending[i], &d->pending[i + 1],
			(d->n_pending - i - 1) * sizeof(d->pending[0]));
		d->n_pending--;
		return ms;
	}
	return -1;
}

static int install(struct daemon *d, const struct rg_exemption *x,
		   const struct rg_event *ev)
{
	struct rg_state_entry e;
	char c[RG_ENDPOINT_STRLEN], sees[RG_ENDPOINT_STRLEN];

	if (rg_exempt_change(&d->nft, x, true) < 0)
		return -1;
	memset(&e, 0, sizeof(e));
	e.x = *x;
	now_ts(e.added, sizeof(e.added));
	rg_endpoint_format(&ev->c, ev->c_port, c, sizeof(c));
	rg_endpoint_format(&ev->e_sees, ev->e_sees_port, sees, sizeof(sees));
	snprintf(e.why, sizeof(e.why), "%s seen by Expressway-E as %s", c, sees);
	if (rg_state_put(&d->state, &e) < 0)
		return -1;
	save(d);
	return 0;
}

static void reset_flow(struct daemon *d, const struct rg_flow *f,
		       const struct rg_class *cl)
{
	struct rg_event ev;

	if (rg_ct_delete(&d->ct, f) < 0 && errno != ENOENT) {
		rg_log("cannot delete the translated connection's conntrack entry: %s",
		       strerror(errno));
		return;
	}
	base_event(f, cl, &ev);
	ev.type = "reset";
	ev.action = "reset";
	ev.with_fix = false;
	d->status.counters.resets++;
	rg_daemon_event(d, &ev);
}

/*
 * A translated connection of an already exempted pair, found by the scan:
 * it was made before its exemption. Reported, and reset so that it
 * reconnects under the exemption (unless --no-reset).
 */
static void stale(struct daemon *d, const struct rg_flow *f,
		  const struct rg_class *cl)
{
	struct rg_event ev;

	base_event(f, cl, &ev);
	ev.action = "exempted";
	ev.with_fix = false;
	rg_daemon_event(d, &ev);
	if (d->cfg->reset)
		reset_flow(d, f, cl);
}

/* Returns whether the queued packet should be dropped. */
static bool exempt(struct daemon *d, const struct rg_flow *f,
		   const struct rg_class *cl, const struct rg_exemption *x,
		   bool from_queue)
{
	char element[RG_EXEMPT_ELEMENT_LEN], stmt[RG_EXEMPT_STATEMENT_LEN];
	struct rg_event ev;

	base_event(f, cl, &ev);
	if (install(d, x, &ev) < 0) {
		rg_log("cannot install the exemption: %s", strerror(errno));
		rg_daemon_event(d, &ev);	/* still a would-exempt finding */
		return false;
	}
	ev.action = "exempted";
	ev.with_fix = false;
	rg_daemon_event(d, &ev);
	rg_exemption_element(x, element, sizeof(element));
	rg_exemption_statement(x, stmt, sizeof(stmt));
	ev.type = "exempted";
	ev.element = element;
	ev.statement = stmt;
	rg_daemon_event(d, &ev);
	d->status.counters.exempted++;
	if (!from_queue) {
		if (d->cfg->reset)
			reset_flow(d, f, cl);
		return false;
	}
	/* Time to fix runs from this SYN to the first clean connection. */
	pending_add(d, x);
	return d->ctpath == RG_CT_ATTACHED;
}

static void verify(struct daemon *d, const struct rg_flow *f,
		   const struct rg_class *cl, const struct rg_exemption *x)
{
	struct rg_state_entry *e = rg_state_find(&d->state, x);
	long long ms = pending_take(d, x);
	struct rg_event ev;

	base_event(f, cl, &ev);
	rg_daemon_event(d, &ev);
	if (e) {
		e->verified = true;
		save(d);
	}
	ev.type = "verified";
	ev.action = "exempted";
	if (ms >= 0) {
		ev.has_time_to_fix = true;
		ev.time_to_fix_ms = ms;
		d->status.has_time_to_fix = true;
		d->status.last_time_to_fix_ms = ms;
	}
	d->status.counters.verified++;
	rg_daemon_event(d, &ev);
}

static bool known_ineffective(const struct daemon *d,
			      const struct rg_exemption *x)
{
	unsigned int i;

	for (i = 0; i < d->n_ineffective; i++)
		if (rg_exemption_equal(&d->ineffective[i], x))
			return true;
	return false;
}

static void refuse(struct daemon *d, const struct rg_flow *f,
		   const struct rg_class *cl, const char *reason)
{
	struct rg_event ev;

	base_event(f, cl, &ev);
	ev.type = "refused";
	ev.action = "refused";
	ev.reason = reason;
	ev.with_fix = false;
	d->status.counters.refused++;
	rg_daemon_event(d, &ev);
}

/*
 * Something translates this pair before reflguard's chain: the exemption
 * goes, and the pair is remembered so that its next flow is refused
 * rather than exempted again in a loop.
 */
static void ineffective(struct daemon *d, const struct rg_flow *f,
			const struct rg_class *cl, const struct rg_exemption *x)
{
	if (rg_exempt_change(&d->nft, x, false) < 0 && errno != ENOENT)
		rg_log("cannot remove the ineffective exemption: %s", strerror(errno));
	rg_state_del(&d->state, x);
	pending_take(d, x);
	save(d);
	if (d->n_ineffective == MAX_PENDING)
		memmove(&d->ineffective[0], &d->ineffective[1],
			--d->n_ineffective * sizeof(d->ineffective[0]));
	d->ineffective[d->n_ineffective++] = *x;
	refuse(d, f, cl, "exemption-ineffective");
}

bool rg_daemon_remedy(struct daemon *d, const struct rg_flow *f,
		      const struct rg_class *cl, bool from_queue)
{
	struct rg_exemption x;
	struct rg_event ev;

	rg_remedy_exemption(f, &x);
	switch (rg_remedy_decide(cl, rg_state_find(&d->state, &x), d->state.n,
				 d->cfg->max_exemptions)) {
	case RG_REMEDY_EXEMPT:
		if (known_ineffective(d, &x)) {
			refuse(d, f, cl, "exemption-ineffective");
			break;
		}
		return exempt(d, f, cl, &x, from_queue);
	case RG_REMEDY_VERIFY:
		verify(d, f, cl, &x);
		break;
	case RG_REMEDY_INEFFECTIVE:
		/* Only a connection made after the exemption can prove it
		 * ineffective: one the scan finds may predate it, and so may a
		 * packet queued while the exemption was being installed. */
		if (!from_queue || just_exempted(d, &x)) {
			stale(d, f, cl);
			break;
		}
		ineffective(d, f, cl, &x);
		break;
	case RG_REMEDY_LIMIT:
		refuse(d, f, cl, "limit");
		break;
	default:
		base_event(f, cl, &ev);
		rg_daemon_event(d, &ev);
	}
	return false;
}

static int manual_add(struct daemon *d, const struct rg_ctl_exempt *r)
{
	struct rg_state_entry e;
	unsigned int i;

	if (rg_exempt_change(&d->nft, &r->x, true) < 0)
		return -1;
	memset(&e, 0, sizeof(e));
	e.x = r->x;
	now_ts(e.added, sizeof(e.added));
	snprintf(e.why, sizeof(e.why), "manual (reflguard exempt add%s)",
		 r->force ? " --force" : "");
	if (rg_state_put(&d->state, &e) < 0) {
		rg_exempt_change(&d->nft, &r->x, false);
		return -1;
	}
	/* The operator's word overrides an earlier refusal of the pair. */
	for (i = 0; i < d->n_ineffective; i++)
		if (rg_exemption_equal(&d->ineffective[i], &r->x))
			d->ineffective[i] = d->ineffective[--d->n_ineffective];
	save(d);
	return 0;
}

static int manual_del(struct daemon *d, const struct rg_ctl_exempt *r)
{
	bool in_state = rg_state_find(&d->state, &r->x) != NULL;
	bool in_kernel = rg_exempt_change(&d->nft, &r->x, false) == 0;

	if (!in_kernel && errno != ENOENT)
		return -1;
	if (!in_state && !in_kernel) {
		errno = ENOENT;
		return -1;
	}
	if (in_state) {
		rg_state_del(&d->state, &r->x);
		pending_take(d, &r->x);
		save(d);
	}
	return 0;
}

static int manual_flush(struct daemon *d, size_t *removed)
{
	if (rg_exempt_sync(&d->nft, NULL, 0) < 0)
		return -1;
	*removed = d->state.n;
	rg_state_clear(&d->state);
	d->n_pending = 0;
	save(d);
	return 0;
}

void rg_daemon_exempt_request(struct daemon *d, const char *req, size_t len,
			      struct rg_strbuf *out)
{
	char err[RG_ERR_LEN];
	struct rg_ctl_exempt r;
	size_t removed = 0;
	int ret;

	/* A dry-run daemon keeps no state: the client changes it itself. */
	if (d->cfg->mode != RG_MODE_REMEDIATE) {
		rg_strbuf_add(out, "{\"error\":\"not remediating\"}\n");
		return;
	}
	if (rg_ctl_parse_exempt(req, len, &r, err, sizeof(err)) < 0) {
		rg_strbuf_addf(out, "{\"error\":\"bad request\"}\n");
		return;
	}
	if (r.op == RG_CTL_X_ADD)
		ret = manual_add(d, &r);
	else if (r.op == RG_CTL_X_DEL)
		ret = manual_del(d, &r);
	else
		ret = manual_flush(d, &removed);
	if (ret < 0)
		rg_strbuf_addf(out, "{\"ok\":false,\"errno\":%d}\n", errno);
	else
		rg_strbuf_addf(out, "{\"ok\":true,\"removed\":%zu}\n", removed);
}
