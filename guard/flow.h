/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_FLOW_H
#define RG_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/*
 * One connection as conntrack sees it. orig is what Expressway-C sent
 * (C -> E's public address); reply is what Expressway-E answers to, so
 * reply.dst/reply.dport is the peer E believes it talks to.
 */
struct rg_tuple {
	struct rg_addr src, dst;
	uint16_t sport, dport;		/* host byte order */
};

struct rg_flow {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	struct rg_tuple orig, reply;
	uint32_t status;		/* IPS_* bits, when known */
	uint32_t id;			/* conntrack id, when has_id */
	bool has_id;
	uint8_t tcp_state;		/* TCP_CONNTRACK_*, when has_tcp_state */
	bool has_tcp_state;
	uint32_t mark;			/* the ct mark, when has_mark */
	bool has_mark;
};

#endif
