/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_REPEAT_H
#define RG_REPEAT_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

/*
 * Output bounded at its source, as IDS thresholding does: a pair's
 * finding repeated within the interval (a cluster of Expressway-C
 * reconnecting, a flood on the traversal ports) is written once at once;
 * the repeats are counted, and when the interval since that first one has
 * passed, one line stands for them all, the newest of them with
 * "repeats": N and "since" (the first repeat's time). Status, metrics and
 * `reflguard report` still count every flow.
 *
 * The pair, from the event's fields: the event type ("flow" or "refused";
 * the others, exempted, verified, reset, are never held back), C's
 * address, E's internal address, protocol and port, whether translated,
 * the action and the reason. C's port and what E saw change with every
 * connection and are not part of it.
 *
 * Pure: the time is a parameter, milliseconds of a monotonic clock.
 */
#define RG_REPEAT_PAIRS 256		/* pairs held at once; more pass through */

struct rg_repeat_slot {
	struct rg_event first;		/* the one written: the pair's key */
	struct rg_event last;		/* the newest repeat */
	int64_t until_ms;		/* the interval ends */
	unsigned long count;		/* repeats held back */
	bool used;
};

struct rg_repeat {
	unsigned int interval_s;	/* 0: every event written */
	struct rg_repeat_slot slot[RG_REPEAT_PAIRS];
};

void rg_repeat_init(struct rg_repeat *r, unsigned int interval_s);
/* Whether ev is to be written now; false: it is counted for a summary. */
bool rg_repeat_pass(struct rg_repeat *r, const struct rg_event *ev,
		    int64_t now_ms);
/*
 * One summary due at now_ms (INT64_MAX: all of them, at stop) into out,
 * with out->repeats and out->since set; false when none is. A pair whose
 * interval ended without a repeat is let go.
 */
bool rg_repeat_due(struct rg_repeat *r, int64_t now_ms, struct rg_event *out);
/* Ms until the next interval ends (for the loop's timeout); -1: none. */
int64_t rg_repeat_wait_ms(const struct rg_repeat *r, int64_t now_ms);

#endif
