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
 *         snat ip to ip saddr
 *
 * The identity source NAT claims the connection's NAT binding before any
 * srcnat chain runs, in whatever table; the kernel then skips every later
 * source NAT for the connection, so the user's rules need no edit.
 */
#define RG_EXEMPT_CHAIN "exempt"
#define RG_EXEMPT_PRIO (100 - 10)
#define RG_EXEMPT_SET_ID 1

const char *rg_exempt_set_name(int nfproto);
struct nftnl_set *rg_exempt_set(int nfproto);
/* The set by table, name and family alone: what element messages name. */
struct nftnl_set *rg_exempt_set_ref(int nfproto);
struct nftnl_rule *rg_exempt_rule(int nfproto);

#endif
