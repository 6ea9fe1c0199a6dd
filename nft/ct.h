/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CT_H
#define RG_CT_H

#include "flow.h"
#include "nlsock.h"

/* Conntrack over ctnetlink: a filtered dump, a lookup, a delete. */

/* Called for each TCP or UDP entry; returning -1 stops the dump. */
typedef int (*rg_ct_flow_fn)(const struct rg_flow *f, void *data);

/*
 * The entries whose original destination may be one of dsts[n]: IPv4
 * ones filtered by the kernel, one dump per address (all IPv4 entries on
 * a kernel without the filter), IPv6 ones by family. fn must still check
 * the destination itself; it sees each entry once.
 */
int rg_ct_dump_dst(struct rg_nl *nl, const struct rg_addr *dsts, size_t n,
		   rg_ct_flow_fn fn, void *data, unsigned long *skipped);
/*
 * Looks an entry up by its reply tuple, which is what a packet seen after
 * source NAT gives: (E internal -> translated source). -1 with errno ENOENT
 * when no such entry exists.
 */
int rg_ct_get_by_reply(struct rg_nl *nl, int family, uint8_t proto,
		       const struct rg_tuple *reply, struct rg_flow *out);

/*
 * Deletes an entry by its original tuple, so the endpoints' next packet
 * starts a new connection that meets the current ruleset. -1 with errno
 * ENOENT when it is already gone.
 */
int rg_ct_delete(struct rg_nl *nl, const struct rg_flow *f);

#endif
