/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_ADOPT_H
#define RG_ADOPT_H

#include <stdbool.h>
#include <stddef.h>

#include "classify.h"
#include "config.h"
#include "flow.h"

/*
 * A firewall pair's other node: a conntrack entry marked RG_EXEMPT_MARK
 * (nft/exempt_rule.h) that this node did not exempt itself was exempted
 * by the peer, whose ruleset saw the pair translated, and reached us
 * through conntrackd. This node adopts the exemption only if it would make
 * it itself: an untranslated traversal flow of its own configuration,
 * whose C is allowed and whose routes here allow the fix. Pure: the
 * routes, the state and the limit are inputs.
 */

enum rg_adopt {
	RG_ADOPT_IGNORE = 0,	/* not marked, our own exemption, or closing */
	RG_ADOPT_EXEMPT,	/* adopt: install the pair's exemption */
	RG_ADOPT_REFUSE,	/* marked, but this node would not exempt it */
};

struct rg_adopt_in {
	const struct rg_flow *f;
	const struct rg_segments *seg;	/* the flow's routes on this node */
	bool exempted;			/* the state holds the pair already */
	bool ineffective;		/* found ineffective here earlier */
	bool withdrawn;			/* this node removed the pair's exemption */
	size_t active;			/* dynamic exemptions installed */
};

/* Whether the entry carries the exemption mark at all. */
bool rg_adopt_marked(const struct rg_flow *f);

/*
 * The decision; *cl is filled as rg_classify() does (cl->e NULL for a
 * flow to no watched address) with, for RG_ADOPT_EXEMPT, action
 * would-exempt and its assumption, for RG_ADOPT_REFUSE action refused and
 * cl->reason one word: not-watched, not-hairpinned, translated,
 * exemption-ineffective, withdrawn, not-expressway-c, route-unknown, same-segment,
 * same-link, limit.
 */
enum rg_adopt rg_adopt_decide(const struct rg_config *cfg,
			      const struct rg_adopt_in *in, struct rg_class *cl);

#endif
