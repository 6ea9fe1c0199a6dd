// SPDX-License-Identifier: GPL-2.0-or-later
#include "repeat.h"

#include <string.h>

void rg_repeat_init(struct rg_repeat *r, unsigned int interval_s)
{
	memset(r, 0, sizeof(*r));
	r->interval_s = interval_s;
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool held_type(const struct rg_event *ev)
{
	return ev->type && (!strcmp(ev->type, "flow") || !strcmp(ev->type, "refused"));
}

static bool same_pair(const struct rg_event *a, const struct rg_event *b)
{
	return str_eq(a->type, b->type) && rg_addr_equal(&a->c, &b->c) &&
	       rg_addr_equal(&a->e_internal, &b->e_internal) &&
	       a->e_internal_port == b->e_internal_port && a->proto == b->proto &&
	       a->translated == b->translated && str_eq(a->action, b->action) &&
	       str_eq(a->reason, b->reason);
}

static struct rg_repeat_slot *find(struct rg_repeat *r, const struct rg_event *ev)
{
	unsigned int i;

	for (i = 0; i < RG_REPEAT_PAIRS; i++)
		if (r->slot[i].used && same_pair(&r->slot[i].first, ev))
			return &r->slot[i];
	return NULL;
}

static struct rg_repeat_slot *free_slot(struct rg_repeat *r)
{
	unsigned int i;

	for (i = 0; i < RG_REPEAT_PAIRS; i++)
		if (!r->slot[i].used)
			return &r->slot[i];
	return NULL;
}

bool rg_repeat_pass(struct rg_repeat *r, const struct rg_event *ev,
		    int64_t now_ms)
{
	struct rg_repeat_slot *s;

	if (!r->interval_s || !held_type(ev))
		return true;
	s = find(r, ev);
	/* Past the interval with repeats held, the summary is still to be
	 * taken (rg_repeat_due): this one joins it rather than overtake it. */
	if (s && (now_ms < s->until_ms || s->count)) {
		struct timespec since = s->count ? s->last.since : ev->ts;

		s->last = *ev;
		s->last.since = since;
		s->count++;
		return false;
	}
	if (!s)
		s = free_slot(r);
	if (!s)
		return true;		/* too many pairs at once: not held */
	s->used = true;
	s->first = *ev;
	s->count = 0;
	s->until_ms = now_ms + (int64_t)r->interval_s * 1000;
	return true;
}

bool rg_repeat_due(struct rg_repeat *r, int64_t now_ms, struct rg_event *out)
{
	struct rg_repeat_slot *s;
	unsigned int i;

	for (i = 0; i < RG_REPEAT_PAIRS; i++) {
		s = &r->slot[i];
		if (!s->used || now_ms < s->until_ms)
			continue;
		s->used = false;
		if (!s->count)
			continue;
		*out = s->last;
		out->repeats = s->count;
		return true;
	}
	return false;
}

int64_t rg_repeat_wait_ms(const struct rg_repeat *r, int64_t now_ms)
{
	int64_t best = -1, left;
	unsigned int i;

	for (i = 0; i < RG_REPEAT_PAIRS; i++) {
		if (!r->slot[i].used || !r->slot[i].count)
			continue;
		left = r->slot[i].until_ms - now_ms;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best;
}
