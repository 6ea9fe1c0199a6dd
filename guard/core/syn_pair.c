// SPDX-License-Identifier: GPL-2.0-or-later
#include "syn_pair.h"

#include <string.h>

void rg_syn_pair_init(struct rg_syn_pair *p)
{
	memset(p, 0, sizeof(*p));
}

void rg_syn_pair_before(struct rg_syn_pair *p, const struct rg_tuple *orig,
			uint8_t proto, uint32_t seq)
{
	struct rg_syn_view *v;
	unsigned int i;

	/* A retransmission is the same view: keep one. */
	for (i = 0; i < RG_SYN_PAIR_SLOTS; i++) {
		v = &p->v[i];
		if (v->used && v->seq == seq && v->proto == proto &&
		    v->orig.sport == orig->sport &&
		    rg_addr_equal(&v->orig.src, &orig->src))
			return;
	}
	v = &p->v[p->pos++ % RG_SYN_PAIR_SLOTS];
	v->orig = *orig;
	v->seq = seq;
	v->proto = proto;
	v->used = true;
}

/*
 * The sequence number is C's random choice; a family mismatch or a
 * destination port the translation could not have made rules out a
 * chance equality (destination NAT may change the port, so only the
 * family and protocol must agree).
 */
bool rg_syn_pair_after(const struct rg_syn_pair *p, const struct rg_tuple *reply,
		       uint8_t proto, uint32_t seq, struct rg_flow *f)
{
	const struct rg_syn_view *v;
	unsigned int i;

	for (i = 0; i < RG_SYN_PAIR_SLOTS; i++) {
		v = &p->v[i];
		if (!v->used || v->seq != seq || v->proto != proto ||
		    v->orig.src.family != reply->src.family)
			continue;
		memset(f, 0, sizeof(*f));
		f->family = v->orig.src.family;
		f->proto = proto;
		f->orig = v->orig;
		f->reply = *reply;
		return true;
	}
	return false;
}
