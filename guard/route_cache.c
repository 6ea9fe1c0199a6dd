// SPDX-License-Identifier: GPL-2.0-or-later
#include "route_cache.h"

#include <string.h>

void rg_route_cache_init(struct rg_route_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->gen = 1;
}

/* FNV-1a over the family and the address's bytes. */
static struct rg_route_slot *slot_of(struct rg_route_cache *c,
				     const struct rg_addr *a)
{
	size_t i, n = rg_addr_len(a);
	uint32_t h = 2166136261u ^ (uint32_t)a->family;

	for (i = 0; i < n; i++)
		h = (h ^ a->u.bytes[i]) * 16777619u;
	return &c->slot[h % RG_ROUTE_CACHE_SLOTS];
}

bool rg_route_cache_get(struct rg_route_cache *c, const struct rg_addr *dst,
			int *oif)
{
	struct rg_route_slot *s = slot_of(c, dst);

	if (s->gen != c->gen || !rg_addr_equal(&s->dst, dst)) {
		c->misses++;
		return false;
	}
	c->hits++;
	*oif = s->oif;
	return true;
}

void rg_route_cache_put(struct rg_route_cache *c, const struct rg_addr *dst,
			int oif)
{
	struct rg_route_slot *s = slot_of(c, dst);

	s->dst = *dst;
	s->oif = oif;
	s->gen = c->gen;
}

/* A new generation invalidates every slot at once; at the wrap (after
 * four billion flushes) the slots are cleared so that none matches. */
void rg_route_cache_flush(struct rg_route_cache *c)
{
	c->flushes++;
	if (++c->gen == 0) {
		memset(c->slot, 0, sizeof(c->slot));
		c->gen = 1;
	}
}
