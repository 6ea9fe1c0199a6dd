// SPDX-License-Identifier: GPL-2.0-or-later
#include "route_cache.h"

#include <string.h>

void rg_route_cache_init(struct rg_route_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->gen = 1;
}

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* FNV-1a over every field of the key that is given. */
static struct rg_route_slot *slot_of(struct rg_route_cache *c,
				     const struct rg_route_key *k)
{
	uint32_t h = 2166136261u ^ (uint32_t)k->dst.family;

	h = fnv(h, k->dst.u.bytes, rg_addr_len(&k->dst));
	h = fnv(h ^ (uint32_t)k->src.family, k->src.u.bytes, rg_addr_len(&k->src));
	h = fnv(h, &k->iif, sizeof(k->iif));
	h = fnv(h, &k->mark, sizeof(k->mark));
	return &c->slot[h % RG_ROUTE_CACHE_SLOTS];
}

static bool same_key(const struct rg_route_key *a, const struct rg_route_key *b)
{
	return rg_addr_equal(&a->dst, &b->dst) &&
	       a->src.family == b->src.family &&
	       (!a->src.family || rg_addr_equal(&a->src, &b->src)) &&
	       a->iif == b->iif && a->mark == b->mark;
}

bool rg_route_cache_get(struct rg_route_cache *c, const struct rg_route_key *k,
			struct rg_route *r)
{
	struct rg_route_slot *s = slot_of(c, k);

	if (s->gen != c->gen || !same_key(&s->key, k)) {
		c->misses++;
		return false;
	}
	c->hits++;
	*r = s->r;
	return true;
}

void rg_route_cache_put(struct rg_route_cache *c, const struct rg_route_key *k,
			const struct rg_route *r)
{
	struct rg_route_slot *s = slot_of(c, k);

	s->key = *k;
	s->r = *r;
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
