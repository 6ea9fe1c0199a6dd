/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_ROUTE_H
#define RG_ROUTE_H

#include "addr.h"
#include "nlsock.h"

/*
 * The interface the firewall would send a packet to dst out of, asked of
 * the kernel's routing table (RTM_GETROUTE), like `ip route get`.
 * nl must be a NETLINK_ROUTE socket.
 */
int rg_route_oif(struct rg_nl *nl, const struct rg_addr *dst, int *oif);

#endif
