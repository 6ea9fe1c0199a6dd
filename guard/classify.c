// SPDX-License-Identifier: GPL-2.0-or-later
#include "classify.h"

#include <string.h>

static const struct rg_port_range *watched_port(const struct rg_config *cfg,
						uint8_t proto, uint16_t port)
{
	size_t i;

	for (i = 0; i < cfg->n_ports; i++)
		if (rg_port_range_contains(&cfg->ports[i], proto, port))
			return &cfg->ports[i];
	return NULL;
}

static const struct rg_expressway_e *watched_e(const struct rg_config *cfg,
					       const struct rg_addr *dst)
{
	size_t i;

	for (i = 0; i < cfg->n_e; i++)
		if (rg_addr_equal(&cfg->e[i].pub, dst))
			return &cfg->e[i];
	return NULL;
}

size_t rg_classify_dsts(const struct rg_config *cfg, struct rg_addr out[RG_MAX_E])
{
	size_t i;

	for (i = 0; i < cfg->n_e && i < RG_MAX_E; i++)
		out[i] = cfg->e[i].pub;
	return i;
}

bool rg_classify_watched(const struct rg_config *cfg, const struct rg_flow *f,
			 const struct rg_expressway_e **e)
{
	*e = watched_e(cfg, &f->orig.dst);
	return *e && watched_port(cfg, f->proto, f->orig.dport);
}

/*
 * The reply must come from E's internal address: from the configured one,
 * or, when none was given, from anywhere but the public address itself
 * (which is what destination NAT to some internal host looks like).
 */
static bool reflected(const struct rg_expressway_e *e, const struct rg_flow *f)
{
	if (e->has_internal)
		return rg_addr_equal(&e->internal, &f->reply.src);
	return !rg_addr_equal(&e->pub, &f->reply.src);
}

static bool is_expressway_c(const struct rg_config *cfg, const struct rg_addr *a)
{
	size_t i;

	if (cfg->n_c == 0)
		return true;
	for (i = 0; i < cfg->n_c; i++)
		if (rg_prefix_contains(&cfg->c[i], a))
			return true;
	return false;
}

void rg_classify_segments(const struct rg_route *c, const struct rg_route *e,
			  struct rg_segments *seg)
{
	memset(seg, 0, sizeof(*seg));
	if (!c || !e)
		return;
	seg->known = true;
	seg->c_oif = c->oif;
	seg->e_oif = e->oif;
	seg->has_e_net = e->has_net;
	seg->e_net = e->net;
}

/* The route for key, else for its destination alone. */
static int ask_flow(rg_route_fn fn, void *ctx, const struct rg_route_key *k,
		    struct rg_route *r)
{
	struct rg_route_key plain;

	if (fn(ctx, k, r) == 0)
		return 0;
	memset(&plain, 0, sizeof(plain));
	plain.dst = k->dst;
	return fn(ctx, &plain, r);
}

void rg_classify_routes(rg_route_fn fn, void *ctx,
			const struct rg_route_flow *fl, struct rg_segments *seg)
{
	struct rg_route_key k;
	struct rg_route rc, re;

	memset(&k, 0, sizeof(k));
	k.dst = fl->c;
	if (fn(ctx, &k, &rc) < 0)
		goto unknown;
	/* C's packets, after destination NAT, to E. */
	k.dst = fl->e;
	k.src = fl->c;
	k.iif = fl->iif ? fl->iif : rc.oif;
	k.mark = fl->mark;
	if (ask_flow(fn, ctx, &k, &re) < 0)
		goto unknown;
	/* E's replies to C, once E sees C's own address. */
	k.dst = fl->c;
	k.src = fl->e;
	k.iif = re.oif;
	if (ask_flow(fn, ctx, &k, &rc) < 0)
		goto unknown;
	rg_classify_segments(&rc, &re, seg);
	return;
unknown:
	rg_classify_segments(NULL, NULL, seg);
}

const char *rg_classify_segment(const struct rg_config *cfg,
				const struct rg_addr *c,
				const struct rg_segments *seg,
				const char **assumes)
{
	bool inside;

	*assumes = NULL;
	if (!seg || !seg->known)
		return "route-unknown";
	/* Without the prefix, the interface is all there is to go on. */
	inside = seg->has_e_net ? rg_prefix_contains(&seg->e_net, c) :
				  seg->c_oif == seg->e_oif;
	if (inside)
		return "same-segment";
	if (seg->c_oif != seg->e_oif)
		return NULL;
	/* Subnets sharing a link: E with a wider netmask than the
	 * firewall's prefix would reach C on the link itself. */
	if (cfg->same_link == RG_SAME_LINK_REFUSE)
		return "same-link";
	*assumes = "e-netmask";
	return NULL;
}

enum rg_action rg_classify_fix(const struct rg_config *cfg,
			       const struct rg_addr *c,
			       const struct rg_segments *seg,
			       const char **reason, const char **assumes)
{
	*assumes = NULL;
	/* The order matters: the first reason that applies is the one a
	 * firewall owner must act on. */
	if (!is_expressway_c(cfg, c))
		*reason = "not-expressway-c";
	else if (!(*reason = rg_classify_segment(cfg, c, seg, assumes)))
		return RG_ACTION_WOULD_EXEMPT;
	return RG_ACTION_REFUSED;
}

static void decide(const struct rg_config *cfg, const struct rg_flow *f,
		   const struct rg_segments *seg, struct rg_class *out)
{
	if (!out->translated) {
		out->action = RG_ACTION_NONE;
		return;
	}
	out->action = rg_classify_fix(cfg, &f->orig.src, seg, &out->reason,
				      &out->assumes);
}

bool rg_classify_translated(const struct rg_flow *f)
{
	return !rg_addr_equal(&f->reply.dst, &f->orig.src) ||
	       f->reply.dport != f->orig.sport;
}

bool rg_classify(const struct rg_config *cfg, const struct rg_flow *f,
		 const struct rg_segments *seg, struct rg_class *out)
{
	memset(out, 0, sizeof(*out));
	if (!rg_classify_watched(cfg, f, &out->e))
		return false;
	out->port = watched_port(cfg, f->proto, f->orig.dport);
	if (!reflected(out->e, f))
		return false;
	out->hairpinned = true;
	out->translated = rg_classify_translated(f);
	decide(cfg, f, seg, out);
	return true;
}

const char *rg_action_name(enum rg_action a)
{
	switch (a) {
	case RG_ACTION_WOULD_EXEMPT: return "would-exempt";
	case RG_ACTION_REFUSED:      return "refused";
	default:                     return "none";
	}
}

const char *rg_action_event(enum rg_action a)
{
	return a == RG_ACTION_REFUSED ? "refused" : "flow";
}
