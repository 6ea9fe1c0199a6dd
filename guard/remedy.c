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

enum rg_remedy rg_remedy_decide(const struct rg_class *cl,
				const struct rg_state_entry *existing,
				size_t active, unsigned int max)
{
	if (existing) {
		/* A translated flow of an exempted pair means something runs
		 * before reflguard's chain and translates anyway. */
		if (cl->translated)
			return RG_REMEDY_INEFFECTIVE;
		return existing->verified ? RG_REMEDY_NONE : RG_REMEDY_VERIFY;
	}
	if (cl->action != RG_ACTION_WOULD_EXEMPT)
		return RG_REMEDY_NONE;
	return active >= max ? RG_REMEDY_LIMIT : RG_REMEDY_EXEMPT;
}
