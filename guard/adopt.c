// SPDX-License-Identifier: GPL-2.0-or-later
#include "adopt.h"

#include <string.h>

#include <linux/netfilter/nf_conntrack_tcp.h>

#include "exempt_rule.h"

bool rg_adopt_marked(const struct rg_flow *f)
{
	return f->has_mark && (f->mark & RG_EXEMPT_MARK);
}

/*
 * A TCP connection closing or closed (FIN_WAIT to CLOSE) claims nothing
 * any more: its entry lingers for minutes after the exemption that marked
 * it may have been removed here (a flush, a teardown and restart), and the
 * peer's live connections are what conntrackd commits at failover.
 */
static bool closing(const struct rg_flow *f)
{
	return f->has_tcp_state && f->tcp_state > TCP_CONNTRACK_ESTABLISHED &&
	       f->tcp_state != TCP_CONNTRACK_SYN_SENT2;
}

static enum rg_adopt refuse(struct rg_class *cl, const char *reason)
{
	cl->action = RG_ACTION_REFUSED;
	cl->reason = reason;
	return RG_ADOPT_REFUSE;
}

/* Not this node's traversal flow as its configuration describes it. */
static const char *not_ours(const struct rg_config *cfg, const struct rg_flow *f,
			    struct rg_class *cl)
{
	const struct rg_expressway_e *e;

	if (rg_classify(cfg, f, NULL, cl))
		return NULL;
	/* rg_classify says false for both: tell which. */
	if (!rg_classify_watched(cfg, f, &e))
		return "not-watched";
	cl->e = e;
	return "not-hairpinned";
}

/*
 * The checks are those of a translated flow seen here (classify.c's
 * decide), in the same order, then the limit as remedy.c applies it: the
 * peer's word stands for the translation alone, which this node cannot
 * see (its own ruleset never translated the flow).
 */
enum rg_adopt rg_adopt_decide(const struct rg_config *cfg,
			      const struct rg_adopt_in *in, struct rg_class *cl)
{
	const struct rg_flow *f = in->f;
	const char *why;

	memset(cl, 0, sizeof(*cl));
	if (!rg_adopt_marked(f) || in->exempted || closing(f))
		return RG_ADOPT_IGNORE;
	if ((why = not_ours(cfg, f, cl)))
		return refuse(cl, why);
	/* An exemption keeps C's address and port: a flow E sees otherwise
	 * was not made by one, whatever its mark says. */
	if (cl->translated)
		return refuse(cl, "translated");
	if (in->ineffective)
		return refuse(cl, "exemption-ineffective");
	/* This node's own connections of the pair keep the mark its rule
	 * set: they must not bring back what was removed here. */
	if (in->withdrawn)
		return refuse(cl, "withdrawn");
	if (rg_classify_fix(cfg, &f->orig.src, in->seg, &why,
			    &cl->assumes) == RG_ACTION_REFUSED)
		return refuse(cl, why);
	if (in->active >= cfg->max_exemptions)
		return refuse(cl, "limit");
	cl->action = RG_ACTION_WOULD_EXEMPT;
	return RG_ADOPT_EXEMPT;
}
