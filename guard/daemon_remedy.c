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
#include "log.h"
#include "plural.h"
#include "remedy.h"
#include "state_file.h"
#include "state_writer.h"
#include "statics.h"

/* Longer than a queue backlog takes to drain, shorter than a C retries. */
#define GRACE_MS 100

static void now_ts(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	rg_format_ts(&ts, buf, len);
}

/* The state file's static entries replaced by cfg's exempt lines. */
static int with_statics(struct rg_state *s, const struct rg_config *cfg)
{
	char ts[RG_STATE_TS_LEN];

	now_ts(ts, sizeof(ts));
	if (rg_statics_apply(s, cfg, ts) == 0)
		return 0;
	rg_log("cannot take the %zu exempt %s: %s", cfg->n_static,
	       rg_plural(cfg->n_static, "line", "lines"), strerror(errno));
	return -1;
}

static int load_state(struct daemon *d, bool reset_state)
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

int rg_daemon_load_state(struct daemon *d, bool reset_state)
{
	if (load_state(d, reset_state) < 0)
		return -1;
	return with_statics(&d->state, d->cfg);
}

/* The exemptions as an array, the way rg_exempt_sync() takes them. */
static int sync_kernel(struct daemon *d, const struct rg_state *st)
{
	struct rg_exemption *xs = calloc(st->n ? st->n : 1, sizeof(*xs));
	size_t i;
	int ret;

	if (!xs)
		return -1;
	for (i = 0; i < st->n; i++)
		xs[i] = st->v[i].x;
	ret = rg_exempt_sync(&d->nft, xs, st->n);
	free(xs);
	return ret;
}

int rg_daemon_restore(struct daemon *d)
{
	if (sync_kernel(d, &d->state) < 0) {
		rg_log("cannot restore the %zu %s of %s: %s", d->state.n,
		       rg_plural(d->state.n, "exemption", "exemptions"),
		       d->cfg->state, strerror(errno));
		return -1;
	}
	if (d->state.n)
		rg_logp(LOG_INFO, "restored %zu %s from %s, %zu of them static (exempt lines)",
			d->state.n, rg_plural(d->state.n, "exemption", "exemptions"),
			d->cfg->state,
			d->state.n - rg_state_dynamic(&d->state));
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
	/* Whoever wrote the file, the exempt lines are the daemon's config's. */
	if (with_statics(&fresh, d->cfg) < 0) {
		rg_state_free(&fresh);
		return -1;
	}
	rg_state_free(&d->state);
	d->state = fresh;
	return 0;
}

static void save(struct daemon *d);

static int copy_state(struct rg_state *dst, const struct rg_state *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		if (rg_state_put(dst, &src->v[i]) < 0)
			return -1;
	return 0;
}

/* How many static entries of a are not static in b. */
static size_t statics_missing(const struct rg_state *a, const struct rg_state *b)
{
	const struct rg_state_entry *e;
	size_t i, n = 0;

	for (i = 0; i < a->n; i++) {
		if (!a->v[i].is_static)
			continue;
		e = rg_state_find(b, &a->v[i].x);
		n += !e || !e->is_static;
	}
	return n;
}

/* Exempt lines gone from the file are not to come back by adoption. */
static void withdraw_statics(struct daemon *d, const struct rg_state *next)
{
	const struct rg_state_entry *e;
	size_t i;

	for (i = 0; i < d->state.n; i++) {
		e = &d->state.v[i];
		if (e->is_static && !rg_state_find(next, &e->x))
			rg_daemon_withdrawn(d, &e->x, true);
	}
	for (i = 0; i < next->n; i++)
		if (next->v[i].is_static)
			rg_daemon_withdrawn(d, &next->v[i].x, false);
}

int rg_daemon_apply_statics(struct daemon *d, const struct rg_config *cfg)
{
	struct rg_state next;
	size_t added, withdrawn;
	int ret = -1;

	rg_state_init(&next);
	if (copy_state(&next, &d->state) < 0 || with_statics(&next, cfg) < 0)
		goto out;
	/* One batch: lines added and lines removed change together. */
	if (sync_kernel(d, &next) < 0) {
		rg_log("cannot apply the %zu exempt %s: %s", cfg->n_static,
		       rg_plural(cfg->n_static, "line", "lines"), strerror(errno));
		goto out;
	}
	added = statics_missing(&next, &d->state);
	withdrawn = statics_missing(&d->state, &next);
	withdraw_statics(d, &next);
	rg_state_free(&d->state);
	d->state = next;
	rg_state_init(&next);
	save(d);
	if (added || withdrawn)
		rg_logp(LOG_NOTICE, "exempt lines: %zu installed, %zu withdrawn", added,
			withdrawn);
	ret = 0;
out:
	rg_state_free(&next);
	return ret;
}

static void write_failed(struct daemon *d, int err)
{
	if (!d->state_dirty) {
		rg_log("cannot write the state file %s: %s; the exemptions stay in the kernel, retrying",
		       d->cfg->state, strerror(err));
		rg_daemon_error_event(d, "state-write", err);
	}
	d->state_dirty = true;
}

static void write_worked(struct daemon *d)
{
	if (d->state_dirty)
		rg_logp(LOG_NOTICE, "the state file %s is written again", d->cfg->state);
	d->state_dirty = false;
}

/* Before the writer runs (or if it could not start): in the loop. */
static void write_here(struct daemon *d)
{
	d->state_owed = false;
	if (rg_state_save(d->cfg->state, &d->state) == 0)
		write_worked(d);
	else
		write_failed(d, errno);
}

static void offer(struct daemon *d)
{
	int ret;

	if (!d->state_owed)
		return;
	if (!d->writer.started) {
		write_here(d);
		return;
	}
	ret = rg_state_writer_offer(&d->writer, &d->state);
	if (ret > 0)
		d->state_owed = false;
	else if (ret < 0)
		write_failed(d, errno);
}

/*
 * The kernel holds the exemptions either way; a state file that cannot be
 * written (full or read-only disk) is reported once and retried by the
 * loop until it can, so a restart still finds every exemption.
 */
void rg_daemon_save_state(struct daemon *d)
{
	d->state_owed = true;
	offer(d);
}

int rg_daemon_state_start(struct daemon *d)
{
	if (rg_state_writer_start(&d->writer, d->cfg->state) < 0) {
		rg_log("cannot start the state writer: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void rg_daemon_state_written(struct daemon *d)
{
	uint64_t writes, failures;
	int err;

	rg_state_writer_result(&d->writer, &writes, &failures, &err);
	d->status.counters.state_writes = writes;
	d->status.counters.state_write_failures = failures;
	if (err)
		write_failed(d, err);
	else
		write_worked(d);
	offer(d);
}

/* What changed since the last copy is written before the daemon exits. */
void rg_daemon_state_stop(struct daemon *d)
{
	bool owed = d->state_owed || d->state_dirty;

	if (!d->writer.started)
		return;
	if (rg_state_writer_stop(&d->writer, owed ? &d->state : NULL) < 0)
		rg_log("cannot write the state file %s at stop: %s; the exemptions stay in the kernel",
		       d->cfg->state, strerror(errno));
	d->state_owed = false;
}

static void save(struct daemon *d)
{
	rg_daemon_save_state(d);
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

	base_event(f, cl, &ev);
	rg_daemon_reset(d, f, &ev);
}

/*
 * A translated connection of an already exempted pair, found by the scan:
 * it was made before its exemption. Reported, and reset so that it
 * reconnects under the exemption (unless --no-reset).
 */
static bool stale(struct daemon *d, const struct rg_flow *f,
		  const struct rg_class *cl, bool from_queue)
{
	struct rg_event ev;

	base_event(f, cl, &ev);
	ev.action = "exempted";
	ev.with_fix = false;
	rg_daemon_event(d, &ev);
	/* Decided before its verdict (NFQA_CT, or the SYN paired with its
	 * view before NAT), this is a first SYN whose entry is not confirmed
	 * yet: there is no connection to reset (a delete finds nothing, and
	 * the SYN would go on to open it translated). Dropped, it takes its
	 * NAT binding along, and C's retransmission meets the exemption. */
	if (from_queue && d->before_verdict)
		return true;
	if (d->cfg->reset)
		reset_flow(d, f, cl);
	return false;
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
	return d->before_verdict;
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

bool rg_daemon_known_ineffective(const struct daemon *d,
				 const struct rg_exemption *x)
{
	return known_ineffective(d, x);
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
	rg_counters_refused(&d->status.counters, reason);
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
	const struct rg_state_entry *e = rg_state_find(&d->state, x);

	/* An exempt line stays: only its owner, the config, removes it. */
	if (e && e->is_static) {
		refuse(d, f, cl, "exemption-ineffective");
		return;
	}
	if (rg_exempt_change(&d->nft, x, false) < 0 && errno != ENOENT)
		rg_log("cannot remove the ineffective exemption: %s", strerror(errno));
	if (rg_state_del(&d->state, x) == 0)
		d->status.counters.unexempted++;
	rg_daemon_withdrawn(d, x, true);
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
	/* Static exemptions are the config's: they count against no limit. */
	switch (rg_remedy_decide(cl, rg_state_find(&d->state, &x),
				 rg_state_dynamic(&d->state),
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
		if (!from_queue || just_exempted(d, &x))
			return stale(d, f, cl, from_queue);
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
	rg_daemon_withdrawn(d, &r->x, false);
	/* The operator's word overrides an earlier refusal of the pair. */
	for (i = 0; i < d->n_ineffective; i++)
		if (rg_exemption_equal(&d->ineffective[i], &r->x))
			d->ineffective[i] = d->ineffective[--d->n_ineffective];
	save(d);
	return 0;
}

static int manual_del(struct daemon *d, const struct rg_ctl_exempt *r)
{
	const struct rg_state_entry *st = rg_state_find(&d->state, &r->x);
	bool in_state = st != NULL, in_kernel;

	/* The configuration owns an exempt line; the client names it. */
	if (st && st->is_static) {
		errno = EPERM;
		return -1;
	}
	in_kernel = rg_exempt_change(&d->nft, &r->x, false) == 0;
	if (!in_kernel && errno != ENOENT)
		return -1;
	if (!in_state && !in_kernel) {
		errno = ENOENT;
		return -1;
	}
	rg_daemon_withdrawn(d, &r->x, true);
	if (in_state) {
		rg_state_del(&d->state, &r->x);
		pending_take(d, &r->x);
		save(d);
	}
	return 0;
}

void rg_daemon_exempt_request(struct daemon *d, struct client *c,
			      struct rg_strbuf *out)
{
	char err[RG_ERR_LEN];
	struct rg_ctl_exempt r;
	int ret;

	/* A dry-run daemon keeps no state: the client changes it itself. */
	if (d->cfg->mode != RG_MODE_REMEDIATE) {
		rg_strbuf_add(out, "{\"error\":\"not remediating\"}\n");
		return;
	}
	if (rg_ctl_parse_exempt(c->req, c->len, &r, err, sizeof(err)) < 0) {
		rg_strbuf_addf(out, "{\"error\":\"bad request\"}\n");
		return;
	}
	if (r.op == RG_CTL_X_ADD)
		ret = manual_add(d, &r);
	else if (r.op == RG_CTL_X_DEL)
		ret = manual_del(d, &r);
	else
		ret = rg_daemon_bulk_flush(d, c);
	if (ret < 0)
		rg_strbuf_addf(out, "{\"ok\":false,\"errno\":%d}\n", errno);
	else if (!c->deferred)
		rg_strbuf_add(out, "{\"ok\":true,\"removed\":0}\n");
}
