/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_ROUTE_CACHE_H
#define RG_ROUTE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/*
 * The routing table's answer "which interface would dst leave by", kept
 * per address so that a flow costs no RTM_GETROUTE once its endpoints are
 * known. Fixed size, direct-mapped: a collision replaces the older
 * answer, nothing is allocated. Pure; the daemon flushes it on every
 * rtnetlink route, rule, link or address change (and when it may have
 * missed one), so a cached answer is never older than the table's last
 * change.
 */
#define RG_ROUTE_CACHE_SLOTS 1024

struct rg_route_cache {
	struct rg_route_slot {
		struct rg_addr dst;
		int oif;
		uint32_t gen;		/* valid when equal to the cache's */
	} slot[RG_ROUTE_CACHE_SLOTS];
	uint32_t gen;
	uint64_t hits, misses, flushes;
};

void rg_route_cache_init(struct rg_route_cache *c);
/* true and *oif when dst's answer is cached. */
bool rg_route_cache_get(struct rg_route_cache *c, const struct rg_addr *dst,
			int *oif);
void rg_route_cache_put(struct rg_route_cache *c, const struct rg_addr *dst,
			int oif);
/* Forgets every answer. */
void rg_route_cache_flush(struct rg_route_cache *c);

#endif
