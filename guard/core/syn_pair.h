/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_SYN_PAIR_H
#define RG_SYN_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"

/*
 * Without NFQA_CT a queued first packet's conntrack entry cannot be read
 * before its verdict. A TCP SYN is then looked at twice: once in
 * prerouting, before any NAT (what C sent: C . port -> public . port),
 * once in postrouting after source NAT (the translated view). NAT keeps
 * the initial sequence number, so the two views pair on it and together
 * are the whole conntrack entry, before the translated SYN's verdict.
 * Fixed size, nothing allocated; the oldest view gives way. Pure.
 */
#define RG_SYN_PAIR_SLOTS 256

struct rg_syn_pair {
	struct rg_syn_view {
		struct rg_tuple orig;	/* the SYN as C sent it */
		uint32_t seq;
		uint8_t proto;
		bool used;
	} v[RG_SYN_PAIR_SLOTS];
	unsigned int pos;
};

void rg_syn_pair_init(struct rg_syn_pair *p);
/* The SYN seen before NAT. */
void rg_syn_pair_before(struct rg_syn_pair *p, const struct rg_tuple *orig,
			uint8_t proto, uint32_t seq);
/*
 * The SYN seen after NAT, as the reply tuple it implies (reply->src is
 * where it goes, reply->dst where it comes from): true and the whole
 * flow in *f when its view before NAT is known. The view stays, for a
 * retransmission of the same SYN.
 */
bool rg_syn_pair_after(const struct rg_syn_pair *p, const struct rg_tuple *reply,
		       uint8_t proto, uint32_t seq, struct rg_flow *f);

#endif
