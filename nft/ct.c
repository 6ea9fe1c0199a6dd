// SPDX-License-Identifier: GPL-2.0-or-later
#include "ct.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "ct_parse.h"

static struct nlmsghdr *ct_msg(char *buf, struct rg_nl *nl, uint16_t type,
			       int family, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)((NFNL_SUBSYS_CTNETLINK << 8) | type);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = rg_nl_next_seq(nl);
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)family;
	nfg->version = NFNETLINK_V0;
	return nlh;
}

static struct nlmsghdr *ct_request(char *buf, struct rg_nl *nl, int family,
				   uint16_t flags)
{
	return ct_msg(buf, nl, IPCTNL_MSG_CT_GET, family, flags);
}

struct dump_ctx {
	rg_ct_flow_fn fn;
	void *data;
	unsigned long skipped;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct rg_flow f;

	if (rg_ct_parse_msg(nlh, &f) < 0) {
		ctx->skipped++;		/* ICMP, SCTP, or a malformed entry */
		return MNL_CB_OK;
	}
	return ctx->fn(&f, ctx->data) < 0 ? MNL_CB_STOP : MNL_CB_OK;
}

int rg_ct_dump(struct rg_nl *nl, rg_ct_flow_fn fn, void *data,
	       unsigned long *skipped)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_ctx ctx = { fn, data, 0 };
	struct nlmsghdr *nlh = ct_request(buf, nl, AF_UNSPEC, NLM_F_DUMP);
	int ret = rg_nl_talk(nl, nlh, dump_cb, &ctx);

	if (skipped)
		*skipped = ctx.skipped;
	return ret;
}

static void put_tuple(struct nlmsghdr *nlh, uint16_t which, int family,
		      uint8_t proto, const struct rg_tuple *t)
{
	struct nlattr *tuple, *ip, *pr;
	size_t alen = family == AF_INET ? 4 : 16;

	tuple = mnl_attr_nest_start(nlh, which);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put(nlh, family == AF_INET ? CTA_IP_V4_SRC : CTA_IP_V6_SRC,
		     alen, t->src.u.bytes);
	mnl_attr_put(nlh, family == AF_INET ? CTA_IP_V4_DST : CTA_IP_V6_DST,
		     alen, t->dst.u.bytes);
	mnl_attr_nest_end(nlh, ip);
	pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(t->sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(t->dport));
	mnl_attr_nest_end(nlh, pr);
	mnl_attr_nest_end(nlh, tuple);
}

struct get_ctx {
	struct rg_flow *out;
	bool found;
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;

	if (rg_ct_parse_msg(nlh, ctx->out) == 0)
		ctx->found = true;
	return MNL_CB_OK;
}

int rg_ct_get_by_reply(struct rg_nl *nl, int family, uint8_t proto,
		       const struct rg_tuple *reply, struct rg_flow *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct get_ctx ctx = { out, false };
	struct nlmsghdr *nlh = ct_request(buf, nl, family, NLM_F_ACK);

	put_tuple(nlh, CTA_TUPLE_REPLY, family, proto, reply);
	if (rg_nl_talk(nl, nlh, get_cb, &ctx) < 0)
		return -1;
	if (!ctx.found) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

int rg_ct_delete(struct rg_nl *nl, const struct rg_flow *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = ct_msg(buf, nl, IPCTNL_MSG_CT_DELETE, f->family,
				      NLM_F_ACK);

	put_tuple(nlh, CTA_TUPLE_ORIG, f->family, f->proto, &f->orig);
	return rg_nl_talk(nl, nlh, NULL, NULL);
}
