/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CLASSIFY_H
#define RG_CLASSIFY_H

#include <stdbool.h>

#include "config.h"
#include "flow.h"
#include "route_cache.h"

/*
 * Where the firewall routes towards C and towards E, and (has_e_net) the
 * connected prefix through which it reaches E (E's subnet, or that of
 * E's gateway): the subnet whose hosts E answers without the firewall.
 */
struct rg_segments {
	bool known;
	int c_oif;
	int e_oif;
	bool has_e_net;
	struct rg_prefix e_net;
};

/*
 * How the routing table is asked: 0 and *r, or -1. The daemon's goes
 * through its cache, the commands' straight to the kernel.
 */
typedef int (*rg_route_fn)(void *ctx, const struct rg_route_key *k,
			   struct rg_route *r);

/* What is known of the flow's own routing: C's packets came in by iif
 * carrying mark (0: not known). */
struct rg_route_flow {
	struct rg_addr c, e;	/* C, E's internal address */
	int iif;
	uint32_t mark;
};

/*
 * The segments as the firewall really routes this flow, policy rules and
 * VRFs included: C's packets to E asked with C as source, their incoming
 * interface (else the one the firewall reaches C by) and mark, E's
 * replies to C with E as source, coming in from E's interface. A lookup
 * the kernel refuses with a source (rp_filter, no such interface) falls
 * back to the destination alone, as `ip route get DST` answers.
 */
void rg_classify_routes(rg_route_fn fn, void *ctx,
			const struct rg_route_flow *fl, struct rg_segments *seg);

/* The segments from the routes to C and to E (NULL: not routed). */
void rg_classify_segments(const struct rg_route *c, const struct rg_route *e,
			  struct rg_segments *seg);

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
	const char *assumes;		/* what a would-exempt relies on, or NULL */
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

/*
 * Whether E would answer C without the firewall once the translation is
 * gone: the refusal's reason ("route-unknown", "same-segment": C is in
 * the subnet through which the firewall reaches E; "same-link": C and E
 * share an interface and same-link = refuse), or NULL when exempting is
 * safe. *assumes is then "e-netmask" when it is safe only if E's netmask
 * is no wider than the firewall's prefix (C and E on one link), else NULL.
 */
const char *rg_classify_segment(const struct rg_config *cfg,
				const struct rg_addr *c,
				const struct rg_segments *seg,
				const char **assumes);

/*
 * What a translated flow from c gets once it is hairpinned: would-exempt
 * (with *assumes), or refused with *reason (not-expressway-c, then
 * rg_classify_segment's words).
 */
enum rg_action rg_classify_fix(const struct rg_config *cfg,
			       const struct rg_addr *c,
			       const struct rg_segments *seg,
			       const char **reason, const char **assumes);

const char *rg_action_name(enum rg_action a);
/* "flow" or "refused": the event type an action is reported as. */
const char *rg_action_event(enum rg_action a);

/* The addresses a watched flow is sent to (every Expressway-E's public
 * one), for a conntrack dump the kernel filters; returns how many. */
size_t rg_classify_dsts(const struct rg_config *cfg, struct rg_addr out[RG_MAX_E]);

#endif
