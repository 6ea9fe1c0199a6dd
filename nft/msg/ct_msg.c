// SPDX-License-Identifier: GPL-2.0-or-later
#include "ct_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "ct_parse.h"

struct nlmsghdr *rg_ct_msg_put_header(void *buf, uint16_t type, int family,
				      uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)((NFNL_SUBSYS_CTNETLINK << 8) | type);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)family;
	nfg->version = NFNETLINK_V0;
	return nlh;
}

void rg_ct_msg_put_tuple(struct nlmsghdr *nlh, uint16_t which, int family,
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

static bool families_known(const struct rg_ct_query *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (q[i].family != AF_INET && q[i].family != AF_INET6)
			return false;
	return true;
}

/*
 * No NLM_F_ACK: the kernel answers each GET once, with the entry or with
 * an NLMSG_ERROR (netlink_rcv_skb acknowledges a failed request anyway),
 * so a request's one answer is all there is to wait for.
 */
size_t rg_ct_msg_build_gets(void *buf, size_t size, uint32_t seq,
			    const struct rg_ct_query *q, size_t n)
{
	struct nlmsghdr *nlh;
	size_t i, off = 0;

	if (n > size / RG_CT_GET_MSG_MAX || !families_known(q, n))
		return 0;
	for (i = 0; i < n; i++) {
		nlh = rg_ct_msg_put_header((char *)buf + off, IPCTNL_MSG_CT_GET,
					   q[i].family, 0, seq + (uint32_t)i);
		rg_ct_msg_put_tuple(nlh, CTA_TUPLE_REPLY, q[i].family, q[i].proto,
				    &q[i].reply);
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	return off;
}

/* The request a message answers, or n when it answers none of ours. */
static size_t request_of(const struct nlmsghdr *nlh, uint32_t seq,
			 uint32_t portid, size_t n)
{
	/* Unsigned: a sequence that wrapped past 2^32 still matches. */
	uint32_t i = nlh->nlmsg_seq - seq;

	if (nlh->nlmsg_pid && nlh->nlmsg_pid != portid)
		return n;
	return i < n ? i : n;
}

/* The kernel's errors are -1 to -MAX_ERRNO (include/linux/err.h). */
#define RG_MAX_ERRNO 4095

/*
 * An NLMSG_ERROR's errno, 0 for an acknowledgement, or EPROTO when it is
 * short or holds no errno.
 */
static int error_of(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return EPROTO;
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error > 0 || e->error < -RG_MAX_ERRNO)
		return EPROTO;
	return -e->error;
}

/* Returns 1 when the message answered a request that had no answer yet. */
static size_t answer(const struct nlmsghdr *nlh, struct rg_ct_answer *a)
{
	uint16_t entry = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	int err;

	if (a->err != RG_CT_UNANSWERED)
		return 0;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		err = error_of(nlh);
	else if (nlh->nlmsg_type == entry)
		err = rg_ct_parse_msg(nlh, &a->f) < 0 ? EPROTO : 0;
	else
		return 0;
	/* An acknowledgement answers nothing: the entry, if any, does. */
	if (err == 0 && nlh->nlmsg_type == NLMSG_ERROR)
		return 0;
	a->err = err;
	return 1;
}

/*
 * mnl_nlmsg_ok compares nlmsg_len as an int: one past INT_MAX passes as
 * negative, and mnl_nlmsg_next then steps out of the buffer.
 */
static bool msg_ok(const struct nlmsghdr *nlh, int left)
{
	return mnl_nlmsg_ok(nlh, left) && nlh->nlmsg_len <= (uint32_t)left;
}

size_t rg_ct_msg_parse_answers(const void *buf, size_t len, uint32_t seq,
			       uint32_t portid, struct rg_ct_answer *a, size_t n)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > INT32_MAX ? INT32_MAX : (int)len;
	size_t i, got = 0;

	while (msg_ok(nlh, left)) {
		i = request_of(nlh, seq, portid, n);
		if (i < n)
			got += answer(nlh, &a[i]);
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return got;
}
