/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CT_H
#define RG_CT_H

#include "flow.h"
#include "nlsock.h"

/* Conntrack over ctnetlink: one dump, one lookup. */

/* Called for each TCP or UDP entry; returning -1 stops the dump. */
typedef int (*rg_ct_flow_fn)(const struct rg_flow *f, void *data);

/*
 * Dumps the whole table (IPv4 and IPv6). Entries that cannot be parsed are
 * counted in *skipped (may be NULL) and otherwise ignored.
 */
int rg_ct_dump(struct rg_nl *nl, rg_ct_flow_fn fn, void *data,
	       unsigned long *skipped);
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
