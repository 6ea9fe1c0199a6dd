/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_OBSERVE_RULE_H
#define RG_OBSERVE_RULE_H

#include <stdint.h>

#include <libnftnl/rule.h>

#include "addr.h"
#include "caps.h"

/*
 * One rule of the observation chain, built without I/O:
 *
 *   ct state new ct status dnat meta l4proto P
 *   ct original daddr PUBLIC ct original proto-dst LO-HI
 *   counter queue num N bypass
 *
 * with the native queue expression or the xt NFQUEUE target, per path.
 * The caller frees the rule; NULL when it cannot be allocated.
 */
struct nftnl_rule *rg_observe_rule(int nfproto, const struct rg_addr *pub,
				   const struct rg_port_range *ports,
				   enum rg_queue_path path, uint16_t queue);

/*
 * The same without "ct status dnat", for the chain that sees a SYN before
 * any NAT (the lookup path's first view, see guard/core/syn_pair.h).
 */
struct nftnl_rule *rg_observe_rule_pre(int nfproto, const struct rg_addr *pub,
				       const struct rg_port_range *ports,
				       enum rg_queue_path path, uint16_t queue);

#endif
