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
	const struct rg_addr *dst;	/* the filter asked for, or NULL */
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct rg_flow f;

	if (rg_ct_parse_msg(nlh, &f) < 0) {
		ctx->skipped++;		/* ICMP, SCTP, or a malformed entry */
		return MNL_CB_OK;
	}
	/* A kernel that ignored the filter: the entry is another dump's. */
	if (ctx->dst && !rg_addr_equal(&f.orig.dst, ctx->dst))
		return MNL_CB_OK;
	return ctx->fn(&f, ctx->data) < 0 ? MNL_CB_STOP : MNL_CB_OK;
}

static int dump(struct rg_nl *nl, struct nlmsghdr *nlh, struct dump_ctx *ctx,
		unsigned long *skipped)
{
	int ret = rg_nl_talk(nl, nlh, dump_cb, ctx);

	if (skipped)
		*skipped += ctx->skipped;
	ctx->skipped = 0;
	return ret;
}

/* The kernel's CTA_FILTER_F_CTA_IP_DST (net/netfilter/nf_internals.h),
 * which the uapi headers do not carry. */
#define RG_CTA_FILTER_F_IP_DST (1u << 1)

/*
 * One IPv4 dump the kernel filters to the entries whose original
 * destination is dst (CTA_FILTER, Linux 5.8): the rest of a million-entry
 * table is never formatted nor copied.
 */
static int dump_to(struct rg_nl *nl, const struct rg_addr *dst,
		   struct dump_ctx *ctx, unsigned long *skipped)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = ct_request(buf, nl, AF_INET, NLM_F_DUMP);
	struct nlattr *tuple, *ip, *filter;

	tuple = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put(nlh, CTA_IP_V4_DST, 4, dst->u.bytes);
	mnl_attr_nest_end(nlh, ip);
	mnl_attr_nest_end(nlh, tuple);
	filter = mnl_attr_nest_start(nlh, CTA_FILTER);
	mnl_attr_put_u32(nlh, CTA_FILTER_ORIG_FLAGS, RG_CTA_FILTER_F_IP_DST);
	mnl_attr_nest_end(nlh, filter);
	ctx->dst = dst;
	return dump(nl, nlh, ctx, skipped);
}

static bool seen_before(const struct rg_addr *dsts, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (rg_addr_equal(&dsts[k], &dsts[i]))
			return true;
	return false;
}

/*
 * A kernel without CTA_FILTER (before 5.8) ignores the attribute and
 * sends every IPv4 entry each time: dump_cb keeps each dump's own, so
 * the result is the same, at the old cost per address. One that refuses
 * the filter gets one plain IPv4 dump.
 */
static int dump_v4(struct rg_nl *nl, const struct rg_addr *dsts, size_t n,
		   struct dump_ctx *ctx, unsigned long *skipped)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	size_t i;

	for (i = 0; i < n; i++) {
		if (dsts[i].family != AF_INET || seen_before(dsts, i))
			continue;
		if (dump_to(nl, &dsts[i], ctx, skipped) == 0)
			continue;
		if (errno != EOPNOTSUPP && errno != EINVAL)
			return -1;
		ctx->dst = NULL;
		return dump(nl, ct_request(buf, nl, AF_INET, NLM_F_DUMP), ctx,
			    skipped);
	}
	return 0;
}

static bool any_of(const struct rg_addr *dsts, size_t n, int family)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (dsts[i].family == family)
			return true;
	return false;
}

int rg_ct_dump_dst(struct rg_nl *nl, const struct rg_addr *dsts, size_t n,
		   rg_ct_flow_fn fn, void *data, unsigned long *skipped)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_ctx ctx = { .fn = fn, .data = data };

	if (skipped)
		*skipped = 0;
	if (dump_v4(nl, dsts, n, &ctx, skipped) < 0)
		return -1;
	/* IPv6 by family only: the kernel's IPv6 address filter compares
	 * with the sense inverted (!ipv6_addr_cmp in
	 * ctnetlink_filter_match_tuple): asked for the entries to one
	 * address, Linux 6.18 sends every other IPv6 entry and none of
	 * those (measured). */
	ctx.dst = NULL;
	if (any_of(dsts, n, AF_INET6))
		return dump(nl, ct_request(buf, nl, AF_INET6, NLM_F_DUMP),
			    &ctx, skipped);
	return 0;
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
