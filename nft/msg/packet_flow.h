/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_PACKET_FLOW_H
#define RG_PACKET_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/* What a queued packet tells of its connection. */
enum rg_packet_flow {
	RG_PF_UNPARSED = -1,	/* neither NFQA_CT nor readable headers */
	RG_PF_LOOKUP = 0,	/* look the entry up by *reply */
	RG_PF_COMPLETE = 1,	/* *f is the whole entry, from NFQA_CT */
	RG_PF_ADDRS = 2,	/* cut before its ports: *reply has addresses only */
	RG_PF_SEEN = 3,		/* nothing to look up (set by the daemon) */
};

/*
 * Where the kernel attached the conntrack entry (ct/ct_len: NFQA_CT's
 * payload), the flow is complete. Otherwise the packet, seen after source
 * NAT, reads translated source -> E's internal address: reversed, that is
 * the reply tuple conntrack can be asked about. A packet whose ports
 * cannot be read (cut by the copy range) still shows its addresses:
 * RG_PF_ADDRS, with *reply's ports and *proto zero. Pure.
 */
enum rg_packet_flow rg_packet_flow(const void *ct, size_t ct_len,
				   const uint8_t *pkt, size_t len,
				   struct rg_flow *f, uint8_t *proto,
				   struct rg_tuple *reply);

#endif
