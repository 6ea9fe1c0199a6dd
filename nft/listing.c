// SPDX-License-Identifier: GPL-2.0-or-later
#include "listing.h"

#include <errno.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

struct list_ctx {
	const char *table;
	const char *chain;
	struct rg_table_contents *out;
};

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *ctx = data;
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
	    !strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), ctx->table)) {
		ctx->out->chains++;
		if (ctx->chain &&
		    !strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), ctx->chain))
			ctx->out->has_chain = true;
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *ctx = data;
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_nlmsg_parse(nlh, s) == 0 &&
	    !strcmp(nftnl_set_get_str(s, NFTNL_SET_TABLE), ctx->table))
		ctx->out->sets++;
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct list_ctx *)data)->out->exists = true;
	return MNL_CB_OK;
}

static int query(struct rg_nl *nl, uint16_t type, int family, uint16_t flags,
		 const char *table, mnl_cb_t cb, struct list_ctx *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, type, (uint16_t)family, flags,
				    rg_nlsock_next_seq(nl));
	if (table)
		mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, table);
	return rg_nlsock_talk(nl, nlh, cb, ctx);
}

int rg_listing_table_contents(struct rg_nl *nl, int family, const char *table,
			      const char *chain, struct rg_table_contents *out)
{
	struct list_ctx ctx = { table, chain, out };

	memset(out, 0, sizeof(*out));
	if (query(nl, NFT_MSG_GETTABLE, family, NLM_F_ACK, table, table_cb,
		  &ctx) < 0)
		return errno == ENOENT ? 0 : -1;
	if (query(nl, NFT_MSG_GETCHAIN, family, NLM_F_DUMP, NULL, chain_cb,
		  &ctx) < 0)
		return -1;
	return query(nl, NFT_MSG_GETSET, family, NLM_F_DUMP, NULL, set_cb, &ctx);
}

struct counter_ctx {
	uint64_t packets;
};

static int rule_counter_cb(const struct nlmsghdr *nlh, void *data)
{
	struct counter_ctx *ctx = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
	    (it = nftnl_expr_iter_create(r))) {
		while ((e = nftnl_expr_iter_next(it)))
			if (!strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter"))
				ctx->packets += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		nftnl_expr_iter_destroy(it);
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

int rg_listing_chain_packets(struct rg_nl *nl, int family, const char *table,
			     const char *chain, uint64_t *packets)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct counter_ctx ctx = { 0 };
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, (uint16_t)family,
				    NLM_F_DUMP, rg_nlsock_next_seq(nl));
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	if (rg_nlsock_talk(nl, nlh, rule_counter_cb, &ctx) < 0)
		return -1;
	*packets = ctx.packets;
	return 0;
}
