// SPDX-License-Identifier: GPL-2.0-or-later
#include "observe.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "addr.h"
#include "batch.h"
#include "listing.h"
#include "observe_rule.h"


static int af_of(int nfproto)
{
	return nfproto == NFPROTO_IPV4 ? AF_INET : AF_INET6;
}

static bool family_used(const struct rg_observe_watch *w, int nfproto)
{
	size_t i;

	for (i = 0; i < w->n_pub; i++)
		if (w->pub[i].family == af_of(nfproto))
			return true;
	return false;
}

static int add_rule(struct rg_batch *b, int nfproto, const struct rg_addr *pub,
		    const struct rg_port_range *ports, enum rg_queue_path path,
		    uint16_t queue)
{
	struct nftnl_rule *r = rg_observe_rule(nfproto, pub, ports, path, queue);
	int ret;

	if (!r)
		return -1;
	ret = rg_batch_add_rule(b, r);
	nftnl_rule_free(r);
	return ret;
}

/* The SYNs before NAT: TCP ports only, sequence numbers pair them. */
static int add_pre(struct rg_batch *b, int nfproto,
		   const struct rg_observe_watch *w, enum rg_queue_path path,
		   uint16_t queue)
{
	struct nftnl_rule *r;
	size_t i, j;
	int ret;

	if (rg_batch_add_base_chain(b, nfproto, RG_TABLE, RG_OBSERVE_PRE_CHAIN,
				    "filter", NF_INET_PRE_ROUTING,
				    RG_OBSERVE_PRE_PRIO) < 0 ||
	    rg_batch_flush_chain(b, nfproto, RG_TABLE, RG_OBSERVE_PRE_CHAIN) < 0)
		return -1;
	for (i = 0; i < w->n_pub; i++) {
		if (w->pub[i].family != af_of(nfproto))
			continue;
		for (j = 0; j < w->n_ports; j++) {
			if (w->ports[j].proto != IPPROTO_TCP)
				continue;
			r = rg_observe_rule_pre(nfproto, &w->pub[i],
						&w->ports[j], path, queue);
			ret = r ? rg_batch_add_rule(b, r) : -1;
			if (r)
				nftnl_rule_free(r);
			if (ret < 0)
				return -1;
		}
	}
	return 0;
}

static int add_family(struct rg_batch *b, int nfproto,
		      const struct rg_observe_watch *w, enum rg_queue_path path,
		      uint16_t queue, bool pre_view)
{
	size_t i, j;

	if (rg_batch_add_table(b, nfproto, RG_TABLE) < 0 ||
	    rg_batch_add_base_chain(b, nfproto, RG_TABLE, RG_OBSERVE_CHAIN,
				    "filter", NF_INET_POST_ROUTING,
				    RG_OBSERVE_PRIO) < 0 ||
	    rg_batch_flush_chain(b, nfproto, RG_TABLE, RG_OBSERVE_CHAIN) < 0)
		return -1;
	if (pre_view && add_pre(b, nfproto, w, path, queue) < 0)
		return -1;
	for (i = 0; i < w->n_pub; i++) {
		if (w->pub[i].family != af_of(nfproto))
			continue;
		for (j = 0; j < w->n_ports; j++)
			if (add_rule(b, nfproto, &w->pub[i], &w->ports[j],
				     path, queue) < 0)
				return -1;
	}
	return 0;
}

int rg_observe_install(struct rg_nl *nl, const struct rg_observe_watch *w,
		       enum rg_queue_path path, uint16_t queue, bool pre_view)
{
	struct rg_batch b;
	size_t i;
	int ret = -1;

	if (path == RG_QUEUE_NONE) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (rg_batch_begin(&b, nl) < 0)
		goto out;
	for (i = 0; i < RG_ADDR_NFAMILIES; i++)
		if (family_used(w, rg_addr_families[i]) &&
		    add_family(&b, rg_addr_families[i], w, path, queue, pre_view) < 0)
			goto out;
	ret = rg_batch_commit(&b);
out:
	rg_batch_free(&b);
	return ret;
}

/* One family's part of the removal transaction. */
static int remove_family(struct rg_nl *nl, struct rg_batch *b, int nfproto,
			 void *unused)
{
	struct rg_table_contents tc, pre;

	(void)unused;
	if (rg_listing_table_contents(nl, nfproto, RG_TABLE, RG_OBSERVE_CHAIN, &tc) < 0 ||
	    rg_listing_table_contents(nl, nfproto, RG_TABLE, RG_OBSERVE_PRE_CHAIN, &pre) < 0)
		return -1;
	if (!tc.exists || (!tc.has_chain && !pre.has_chain))
		return 0;
	if (tc.chains == (unsigned int)tc.has_chain + pre.has_chain && tc.sets == 0)
		return rg_batch_del_table(b, nfproto, RG_TABLE);
	if (pre.has_chain &&
	    (rg_batch_flush_chain(b, nfproto, RG_TABLE, RG_OBSERVE_PRE_CHAIN) < 0 ||
	     rg_batch_del_chain(b, nfproto, RG_TABLE, RG_OBSERVE_PRE_CHAIN) < 0))
		return -1;
	if (!tc.has_chain)
		return 0;
	if (rg_batch_flush_chain(b, nfproto, RG_TABLE, RG_OBSERVE_CHAIN) < 0)
		return -1;
	return rg_batch_del_chain(b, nfproto, RG_TABLE, RG_OBSERVE_CHAIN);
}

int rg_observe_remove(struct rg_nl *nl)
{
	return rg_batch_families(nl, remove_family, NULL);
}
