// SPDX-License-Identifier: GPL-2.0-or-later
#include "remedy.h"

#include <string.h>

void rg_remedy_exemption(const struct rg_flow *f, struct rg_exemption *x)
{
	memset(x, 0, sizeof(*x));
	x->c = f->orig.src;
	/* After destination NAT: the reply comes from where E really is. */
	x->e_internal = f->reply.src;
	x->proto = f->proto;
	x->port = f->reply.sport;
}

/*
 * Only a connection made after the exemption can prove it ineffective: one
 * the scan finds may predate it, and so may a packet queued while the
 * exemption was being installed (within RG_REMEDY_GRACE_MS of it).
 */
static enum rg_remedy exempted(const struct rg_class *cl,
			       const struct rg_remedy_facts *in)
{
	long long age;

	/* A translated flow of an exempted pair means something runs
	 * before reflguard's chain and translates anyway. */
	if (!cl->translated)
		return in->existing->verified ? RG_REMEDY_NONE : RG_REMEDY_VERIFY;
	age = rg_remedy_memory_pending_age(in->mem, in->x, in->now);
	if (!in->from_queue || (age >= 0 && age < RG_REMEDY_GRACE_MS))
		return RG_REMEDY_STALE;
	/* An exempt line stays: only its owner, the config, removes it. */
	if (in->existing->is_static)
		return RG_REMEDY_STATIC_INEFFECTIVE;
	return RG_REMEDY_INEFFECTIVE;
}

enum rg_remedy rg_remedy_decide(const struct rg_class *cl,
				const struct rg_remedy_facts *in)
{
	if (in->existing)
		return exempted(cl, in);
	if (cl->action != RG_ACTION_WOULD_EXEMPT)
		return RG_REMEDY_NONE;
	/* Static exemptions are the config's: they count against no limit. */
	if (in->active >= in->max)
		return RG_REMEDY_LIMIT;
	/* Removed as ineffective once: refused rather than exempted again
	 * in a loop. */
	if (rg_remedy_memory_ineffective(in->mem, in->x))
		return RG_REMEDY_KNOWN_INEFFECTIVE;
	return RG_REMEDY_EXEMPT;
}
