// SPDX-License-Identifier: GPL-2.0-or-later
#include "objects.h"

#include <errno.h>

#include <libnftnl/common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include "expr.h"

#define MSG_FLAGS (NLM_F_CREATE | NLM_F_ACK)

static struct nftnl_table *table_new(int family, const char *name)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return NULL;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, (uint32_t)family);
	if (nftnl_table_set_str(t, NFTNL_TABLE_NAME, name) < 0) {
		nftnl_table_free(t);
		return NULL;
	}
	return t;
}

static int table_msg(struct rg_batch *b, int family, const char *name,
		     uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = table_new(family, name);
	struct nlmsghdr *nlh;

	if (!t)
		return -1;
	nlh = nftnl_table_nlmsg_build_hdr(rg_batch_buf(b), type,
					  (uint16_t)family, flags,
					  rg_batch_seq(b));
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return rg_batch_next(b);
}

int rg_batch_add_table(struct rg_batch *b, int family, const char *name)
{
	return table_msg(b, family, name, NFT_MSG_NEWTABLE, MSG_FLAGS);
}

int rg_batch_del_table(struct rg_batch *b, int family, const char *name)
{
	return table_msg(b, family, name, NFT_MSG_DELTABLE, NLM_F_ACK);
}

int rg_batch_add_base_chain(struct rg_batch *b, int family, const char *table,
			    const char *chain, const char *type, int hook,
			    int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -1;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nlh = nftnl_chain_nlmsg_build_hdr(rg_batch_buf(b), NFT_MSG_NEWCHAIN,
					  (uint16_t)family, MSG_FLAGS,
					  rg_batch_seq(b));
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return rg_batch_next(b);
}

int rg_batch_add_rule(struct rg_batch *b, struct nftnl_rule *r)
{
	uint16_t family = (uint16_t)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
	struct nlmsghdr *nlh;

	nlh = nftnl_rule_nlmsg_build_hdr(rg_batch_buf(b), NFT_MSG_NEWRULE,
					 family, MSG_FLAGS | NLM_F_APPEND,
					 rg_batch_seq(b));
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return rg_batch_next(b);
}


int rg_batch_flush_chain(struct rg_batch *b, int family, const char *table,
			 const char *chain)
{
	struct nftnl_rule *r = rg_rule_new(family, table, chain);
	struct nlmsghdr *nlh;

	if (!r)
		return -1;
	nlh = nftnl_rule_nlmsg_build_hdr(rg_batch_buf(b), NFT_MSG_DELRULE,
					 (uint16_t)family, NLM_F_ACK,
					 rg_batch_seq(b));
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return rg_batch_next(b);
}

int rg_batch_del_chain(struct rg_batch *b, int family, const char *table,
		       const char *chain)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -1;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain);
	nlh = nftnl_chain_nlmsg_build_hdr(rg_batch_buf(b), NFT_MSG_DELCHAIN,
					  (uint16_t)family, NLM_F_ACK,
					  rg_batch_seq(b));
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return rg_batch_next(b);
}
