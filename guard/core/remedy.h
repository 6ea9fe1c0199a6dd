/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_REMEDY_H
#define RG_REMEDY_H

#include <stdbool.h>
#include <stddef.h>

#include "classify.h"
#include "exemption.h"
#include "flow.h"
#include "remedy_memory.h"
#include "state.h"

/* Longer than a queue backlog takes to drain, shorter than a C retries. */
#define RG_REMEDY_GRACE_MS 100

/*
 * What remediate mode does with a classified flow. Pure. In the order of
 * docs/design.md's decision table.
 */
enum rg_remedy {
	RG_REMEDY_NONE = 0,		/* reported, nothing changed */
	RG_REMEDY_EXEMPT,		/* install the exemption */
	RG_REMEDY_LIMIT,		/* would exempt, but max-exemptions is reached */
	RG_REMEDY_KNOWN_INEFFECTIVE,	/* would exempt, but it did not work before */
	RG_REMEDY_VERIFY,		/* first clean flow of an exempted pair */
	RG_REMEDY_INEFFECTIVE,		/* exempted, and still translated */
	RG_REMEDY_STALE,		/* the same, but may predate the exemption */
	RG_REMEDY_STATIC_INEFFECTIVE,	/* the same for an exempt line: kept */
};

/* The exemption that keeps this flow's source: C . E internal . proto . port. */
void rg_remedy_exemption(const struct rg_flow *f, struct rg_exemption *x);

/* What the decision is taken on, besides the flow's class. */
struct rg_remedy_facts {
	const struct rg_exemption *x;		/* the flow's exemption */
	const struct rg_state_entry *existing;	/* the state's entry for x, or NULL */
	size_t active;				/* dynamic exemptions installed */
	unsigned int max;			/* max-exemptions */
	bool from_queue;			/* a queued packet, not the scan */
	const struct rg_remedy_memory *mem;
	const struct timespec *now;		/* CLOCK_MONOTONIC */
};

enum rg_remedy rg_remedy_decide(const struct rg_class *cl,
				const struct rg_remedy_facts *in);

#endif
