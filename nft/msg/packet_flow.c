// SPDX-License-Identifier: GPL-2.0-or-later
#include "packet_flow.h"

#include <string.h>

#include "ct_parse.h"
#include "pkt_parse.h"

enum rg_packet_flow rg_packet_flow(const void *ct, size_t ct_len,
				   const uint8_t *pkt, size_t len,
				   struct rg_flow *f, uint8_t *proto,
				   struct rg_tuple *reply)
{
	enum rg_packet_flow pf = RG_PF_LOOKUP;
	struct rg_tuple t;

	if (ct && rg_ct_parse_attrs(ct, ct_len, f) == 0) {
		*proto = f->proto;
		*reply = f->reply;
		return RG_PF_COMPLETE;
	}
	if (!pkt)
		return RG_PF_UNPARSED;
	if (rg_pkt_parse(pkt, len, proto, &t) < 0) {
		if (rg_pkt_parse_addrs(pkt, len, &t) < 0)
			return RG_PF_UNPARSED;
		*proto = 0;
		pf = RG_PF_ADDRS;
	}
	memset(reply, 0, sizeof(*reply));
	reply->src = t.dst;
	reply->dst = t.src;
	reply->sport = t.dport;
	reply->dport = t.sport;
	return pf;
}
