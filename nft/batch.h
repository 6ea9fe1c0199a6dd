/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_BATCH_H
#define RG_BATCH_H

#include <stdint.h>

#include <sys/uio.h>

#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "nlsock.h"

/*
 * One nftables transaction: every message between begin and commit is
 * applied atomically by the kernel, or none is.
 */
struct rg_batch {
	struct nftnl_batch *b;
	struct rg_nl *nl;
	uint32_t last_seq;
	unsigned int msgs;
};

int rg_batch_begin(struct rg_batch *batch, struct rg_nl *nl);
/* The buffer to build the next message in; pass its seq to the builder. */
char *rg_batch_buf(struct rg_batch *batch);
uint32_t rg_batch_seq(struct rg_batch *batch);
/* Call after each message built in rg_batch_buf(). */
int rg_batch_next(struct rg_batch *batch);
/*
 * Sends the transaction and reads every answer. Returns 0 when the kernel
 * committed it, or -1 with errno the first error it reported.
 */
int rg_batch_commit(struct rg_batch *batch);
void rg_batch_free(struct rg_batch *batch);

/*
 * One transaction over reflguard's families (IPv4, then IPv6): fn adds to
 * b what the family nfproto needs, perhaps nothing. The batch is sent only
 * if some call added a message, so a change that finds nothing to do
 * costs no commit. 0, or -1 with errno (fn's, or the kernel's).
 */
typedef int (*rg_batch_family_fn)(struct rg_nl *nl, struct rg_batch *b,
				  int nfproto, void *arg);
int rg_batch_families(struct rg_nl *nl, rg_batch_family_fn fn, void *arg);

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
