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

#endif
