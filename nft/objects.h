/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_OBJECTS_H
#define RG_OBJECTS_H

#include <stdint.h>

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "batch.h"

/*
 * build_* helpers in the manner of libnftnl's examples: each appends one
 * message to a transaction. Every message asks for an ack so the commit can
 * tell success from silence.
 */
int rg_batch_add_table(struct rg_batch *b, int family, const char *name);
int rg_batch_del_table(struct rg_batch *b, int family, const char *name);
/* A base chain: type "filter" or "nat", hook NF_INET_*, priority. */
int rg_batch_add_base_chain(struct rg_batch *b, int family, const char *table,
			    const char *chain, const char *type, int hook,
			    int prio);
/* Deletes every rule of a chain (a DELRULE without a handle). */
int rg_batch_flush_chain(struct rg_batch *b, int family, const char *table,
			 const char *chain);
int rg_batch_del_chain(struct rg_batch *b, int family, const char *table,
		       const char *chain);
/* Takes ownership of nothing: the caller frees r. */
int rg_batch_add_rule(struct rg_batch *b, struct nftnl_rule *r);


#endif
