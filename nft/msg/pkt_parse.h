/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_PKT_PARSE_H
#define RG_PKT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/*
 * The addresses and ports of a queued packet, read from its network and
 * transport headers. No I/O; every length is checked, since the copy range
 * may cut the packet anywhere. Returns 0, or -1 when the packet is
 * truncated, a later fragment, or neither TCP nor UDP.
 */
int rg_pkt_parse(const uint8_t *pkt, size_t len, uint8_t *proto,
		 struct rg_tuple *t);

/*
 * The addresses alone, from the fixed IPv4 or IPv6 header: what is known
 * of a packet cut before its ports (its ports zero). -1 when even the
 * fixed header is cut or the version is neither 4 nor 6.
 */
int rg_pkt_parse_addrs(const uint8_t *pkt, size_t len, struct rg_tuple *t);

/*
 * The TCP sequence number: the initial one for a SYN, which a
 * retransmission repeats and a new connection does not. -1 for anything
 * but a readable TCP header.
 */
int rg_pkt_parse_tcp_seq(const uint8_t *pkt, size_t len, uint32_t *seq);

#endif
