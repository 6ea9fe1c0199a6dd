// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The HTML report's view of an events file: per Expressway-C and
 * Expressway-E service, what E saw before the fix and after it. Pure.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

/* The exemption's key: C, E's internal address and port, the protocol. */
static struct rg_report_pair *find_pair(struct rg_report *r,
					const struct rg_report_ev *ev)
{
	struct rg_report_pair *p;
	size_t i, cap;

	for (i = 0; i < r->n_pair; i++) {
		p = &r->pair[i];
		if (rg_addr_equal(&p->c, &ev->c) && p->proto == ev->proto &&
		    !strcmp(p->e_internal, ev->e_internal))
			return p;
	}
	if (r->n_pair == r->cap_pair) {
		cap = r->cap_pair ? r->cap_pair * 2 : 8;
		p = realloc(r->pair, cap * sizeof(*p));
		if (!p)
			return NULL;
		r->pair = p;
		r->cap_pair = cap;
	}
	p = &r->pair[r->n_pair++];
	memset(p, 0, sizeof(*p));
	p->c = ev->c;
	p->proto = ev->proto;
	p->e_internal_addr = ev->e_internal_addr;
	p->e_internal_port = ev->e_internal_port;
	COPY(p->e_public, ev->e_public);
	COPY(p->e_internal, ev->e_internal);
	return p;
}

/* The earliest translated flow is the one the fix was made for. */
static void note_before(struct rg_report_pair *p, const struct rg_report_ev *ev)
{
	if (p->before_ts[0] && strcmp(ev->ts, p->before_ts) >= 0)
		return;
	COPY(p->before_ts, ev->ts);
	COPY(p->before_c, ev->c_ep);
	COPY(p->before, ev->e_sees);
}

/* A verified flow proves the fix; a clean flow stands in until one does. */
static void note_after(struct rg_report_pair *p, const struct rg_report_ev *ev,
		       bool verified)
{
	if (!verified && p->verified)
		return;
	if (!verified && p->after_ts[0] && strcmp(ev->ts, p->after_ts) < 0)
		return;
	if (verified && p->verified && strcmp(ev->ts, p->after_ts) >= 0)
		return;
	COPY(p->after_ts, ev->ts);
	COPY(p->after, ev->e_sees);
}

/*
 * What was done about the translation: the newest translated flow's
 * action (the clean flows after a fix say "none"). Ties go to the later
 * line: it was written last.
 */
static void note_action(struct rg_report_pair *p, const struct rg_report_ev *ev)
{
	if (p->action_ts[0] && strcmp(ev->ts, p->action_ts) < 0)
		return;
	COPY(p->action_ts, ev->ts);
	COPY(p->action, ev->action);
	COPY(p->reason, ev->reason);
}

static void add_flow(struct rg_report_pair *p, const struct rg_report_ev *ev)
{
	p->flows += ev->n;
	if (ev->translated) {
		p->translated += ev->n;
		note_before(p, ev);
		note_action(p, ev);
	} else {
		note_after(p, ev, false);
	}
}

static void add_verified(struct rg_report_pair *p,
			 const struct rg_report_ev *ev)
{
	note_after(p, ev, true);
	p->verified = true;
	/* The first verification's time is the one the fix took. */
	if (ev->has_ttf && !p->has_ttf) {
		p->has_ttf = true;
		p->ttf_ms = ev->ttf_ms;
	}
}

int rg_report_pair_add(struct rg_report *r, const struct rg_report_ev *ev)
{
	struct rg_report_pair *p = find_pair(r, ev);

	if (!p)
		return -1;
	if (ev->flow)
		add_flow(p, ev);
	else if (!strcmp(ev->type, "exempted") ||
		 (!strcmp(ev->type, "adopted") && ev->action &&
		  !strcmp(ev->action, "exempted")))
		p->exempted = true;
	else if (!strcmp(ev->type, "verified"))
		add_verified(p, ev);
	else if (!strcmp(ev->type, "reset"))
		p->resets++;
	return 0;
}

const char *rg_report_pair_after(const struct rg_report_pair *p)
{
	if (!p->after[0])
		return NULL;
	if (!p->verified && p->before_ts[0] &&
	    strcmp(p->after_ts, p->before_ts) <= 0)
		return NULL;
	return p->after;
}
