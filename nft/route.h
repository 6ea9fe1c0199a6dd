/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_ROUTE_H
#define RG_ROUTE_H

#include "addr.h"
#include "nlsock.h"
#include "route_cache.h"

/*
 * The interface the firewall would send a packet to dst out of, asked of
 * the kernel's routing table (RTM_GETROUTE), like `ip route get`.
 * nl must be a NETLINK_ROUTE socket.
 */
int rg_route_oif(struct rg_nl *nl, const struct rg_addr *dst, int *oif);

/*
 * The kernel's answer for key's flow (`ip route get DST from SRC iif DEV
 * mark MARK`, with only what key sets): the interface, the gateway if
 * any, and (has_net) the connected prefix through which the firewall
 * reaches the next hop (`ip route get fibmatch`), which is the subnet the
 * destination or its gateway shares with the firewall.
 */
int rg_route_get(struct rg_nl *nl, const struct rg_route_key *key,
		 struct rg_route *r);

struct rg_segments;
/* Where C and E are, for the commands that ask once (no cache). */
void rg_route_segments(struct rg_nl *nl, const struct rg_addr *c,
		       const struct rg_addr *e, struct rg_segments *seg);

#define RG_ROUTE_MONITOR_RCVBUF (256 * 1024)

/*
 * A NETLINK_ROUTE socket subscribed to every change that can alter
 * rg_route_oif's answer (routes, rules, links, addresses).
 */
int rg_route_monitor_open(struct rg_nl *nl);
/*
 * Reads what is pending without blocking: 1 when something changed (or
 * may have: ENOBUFS), 0 when nothing did, -1 on another error.
 */
int rg_route_monitor_drain(struct rg_nl *nl);

#endif
