// SPDX-License-Identifier: GPL-2.0-or-later
#include "reset.h"

#include <sys/socket.h>

#include <linux/netfilter.h>

#include "batch.h"
#include "ct.h"
#include "observe.h"
#include "reset_rule.h"

static int add_rules(struct rg_batch *b, int nfproto)
{
	struct nftnl_rule *r;
	int i, ret;

	for (i = 0; i < RG_RESET_RULES; i++) {
		r = rg_reset_rule(nfproto, i);
		if (!r)
			return -1;
		ret = rg_batch_add_rule(b, r);
		nftnl_rule_free(r);
		if (ret < 0)
			return -1;
	}
	return 0;
}

/*
 * Rebuilt at each reset rather than once at start: resets are rare, and
 * a table someone deleted since is back before the mark is set. The
 * flush keeps the rules from piling up.
 */
static int install(struct rg_nl *nl, int nfproto)
{
	struct rg_batch b;
	int ret = -1;

	if (rg_batch_begin(&b, nl) < 0)
		goto out;
	if (rg_batch_add_table(&b, nfproto, RG_TABLE) < 0 ||
	    rg_batch_add_base_chain(&b, nfproto, RG_TABLE, RG_RESET_CHAIN,
				    "filter", NF_INET_PRE_ROUTING,
				    RG_RESET_PRIO) < 0 ||
	    rg_batch_flush_chain(&b, nfproto, RG_TABLE, RG_RESET_CHAIN) < 0 ||
	    add_rules(&b, nfproto) < 0)
		goto out;
	ret = rg_batch_commit(&b);
out:
	rg_batch_free(&b);
	return ret;
}

int rg_reset_arm(struct rg_nl *nft, struct rg_nl *ct, const struct rg_flow *f)
{
	int nfproto = f->family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;

	if (install(nft, nfproto) < 0)
		return -1;
	return rg_ct_set_mark(ct, f, RG_RESET_MARK, RG_RESET_MARK);
}
