/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_ROUTE_CACHE_H
#define RG_ROUTE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/*
 * What the routing decision is asked with: the destination, and what
 * policy rules (`ip rule`) and VRFs select on: the flow's source, the
 * interface it came in by, its mark. Zero/AF_UNSPEC: not given.
 */
struct rg_route_key {
	struct rg_addr dst;
	struct rg_addr src;
	int iif;
	uint32_t mark;
};

/* The kernel's answer, see rg_route_get (nft/route.h). */
struct rg_route {
	int oif;
	bool has_gw;
	struct rg_addr gw;
	bool has_net;
	struct rg_prefix net;	/* the connected prefix of the next hop */
};

/*
 * The routing table's answer "how would this flow leave", kept per key
 * so that a flow costs no RTM_GETROUTE once its endpoints are known. Fixed size, direct-mapped: a collision replaces the older
 * answer, nothing is allocated. Pure; the daemon flushes it on every
 * rtnetlink route, rule, link or address change (and when it may have
 * missed one), so a cached answer is never older than the table's last
 * change.
 */
#define RG_ROUTE_CACHE_SLOTS 1024

struct rg_route_cache {
	struct rg_route_slot {
		struct rg_route_key key;
		struct rg_route r;
		uint32_t gen;		/* valid when equal to the cache's */
	} slot[RG_ROUTE_CACHE_SLOTS];
	uint32_t gen;
	uint64_t hits, misses, flushes;
};

void rg_route_cache_init(struct rg_route_cache *c);
/* true and *r when the key's answer is cached. */
bool rg_route_cache_get(struct rg_route_cache *c, const struct rg_route_key *k,
			struct rg_route *r);
void rg_route_cache_put(struct rg_route_cache *c, const struct rg_route_key *k,
			const struct rg_route *r);
/* Forgets every answer. */
void rg_route_cache_flush(struct rg_route_cache *c);

#endif
