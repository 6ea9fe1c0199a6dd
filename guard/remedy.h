/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_REMEDY_H
#define RG_REMEDY_H

#include <stdbool.h>
#include <stddef.h>

#include "classify.h"
#include "exemption.h"
#include "flow.h"
#include "state.h"

/* What remediate mode does with a classified flow. Pure. */
enum rg_remedy {
	RG_REMEDY_NONE = 0,
	RG_REMEDY_EXEMPT,		/* install the exemption */
	RG_REMEDY_LIMIT,		/* would exempt, but max-exemptions is reached */
	RG_REMEDY_VERIFY,		/* first clean flow of an exempted pair */
	RG_REMEDY_INEFFECTIVE,		/* exempted, and still translated */
};

/* The exemption that keeps this flow's source: C . E internal . proto . port. */
void rg_remedy_exemption(const struct rg_flow *f, struct rg_exemption *x);

/*
 * existing: the state's entry for the flow's exemption, or NULL; active:
 * how many exemptions are installed.
 */
enum rg_remedy rg_remedy_decide(const struct rg_class *cl,
				const struct rg_state_entry *existing,
				size_t active, unsigned int max);

#endif
