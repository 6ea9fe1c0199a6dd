/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CLASSIFY_H
#define RG_CLASSIFY_H

#include <stdbool.h>

#include "config.h"
#include "flow.h"

/* Where the firewall routes towards C and towards E; equal = one segment. */
struct rg_segments {
	bool known;
	int c_oif;
	int e_oif;
};

enum rg_action {
	RG_ACTION_NONE = 0,		/* clean hairpin: nothing to do */
	RG_ACTION_WOULD_EXEMPT,		/* dry-run: remediation would fix it */
	RG_ACTION_REFUSED,		/* translated, but a fix is unsafe */
};

struct rg_class {
	const struct rg_expressway_e *e;	/* the watched E, or NULL */
	const struct rg_port_range *port;	/* the watched range, or NULL */
	bool hairpinned;
	bool translated;
	enum rg_action action;
	const char *reason;		/* for REFUSED: a stable word */
};

/*
 * Decides what a conntrack entry is. Returns true when it is a hairpinned
 * traversal flow to a watched Expressway-E (and so worth an event), false
 * for every other connection.
 *
 * hairpinned: the original destination is a watched public address on a
 *             watched port and the reply comes from E's internal address;
 * translated: the reply destination (the peer E sees) differs from the
 *             original source in address or port.
 */
bool rg_classify(const struct rg_config *cfg, const struct rg_flow *f,
		 const struct rg_segments *seg, struct rg_class *out);

/* Whether a flow is a candidate at all, before any route lookup. */
/* What E sees differs from C's own address or port. */
bool rg_classify_translated(const struct rg_flow *f);
bool rg_classify_watched(const struct rg_config *cfg, const struct rg_flow *f,
			 const struct rg_expressway_e **e);

const char *rg_action_name(enum rg_action a);
/* "flow" or "refused": the event type an action is reported as. */
const char *rg_action_event(enum rg_action a);

/* The addresses a watched flow is sent to (every Expressway-E's public
 * one), for a conntrack dump the kernel filters; returns how many. */
size_t rg_classify_dsts(const struct rg_config *cfg, struct rg_addr out[RG_MAX_E]);

#endif
