/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_EXEMPT_RULE_H
#define RG_EXEMPT_RULE_H

#include <libnftnl/rule.h>
#include <libnftnl/set.h>

/*
 * The exemption objects of one family, built without I/O:
 *
 *   set exempt4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; }
 *   chain exempt { type nat hook postrouting priority srcnat - 10; }
 *   rule: ip saddr . ip daddr . meta l4proto . th dport @exempt4
 *         ct mark set ct mark & ~RG_EXEMPT_MARK | RG_EXEMPT_MARK
 *         snat ip to ip saddr
 *
 * The identity source NAT claims the connection's NAT binding before any
 * srcnat chain runs, in whatever table; the kernel then skips every later
 * source NAT for the connection, so the user's rules need no edit.
 *
 * A NAT chain sees a connection's first packet only, so the mark bit stays
 * on its conntrack entry: the sign, for a firewall pair's other node
 * (conntrackd replicates ct marks with the entries), that this node saw
 * its ruleset translate the pair and exempted it (guard/adopt.h). The
 * firewall's own mark bits are kept.
 */
#define RG_EXEMPT_CHAIN "exempt"
#define RG_EXEMPT_PRIO (100 - 10)
#define RG_EXEMPT_SET_ID 1
/* Beside RG_RESET_MARK (nft/reset_rule.h), one bit of the ct mark. */
#define RG_EXEMPT_MARK 0x20000000u

const char *rg_exempt_set_name(int nfproto);
struct nftnl_set *rg_exempt_set(int nfproto);
/* The set by table, name and family alone: what element messages name. */
struct nftnl_set *rg_exempt_set_ref(int nfproto);
struct nftnl_rule *rg_exempt_rule(int nfproto);

#endif
