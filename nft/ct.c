// SPDX-License-Identifier: GPL-2.0-or-later
#include "ct.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "ct_msg.h"
#include "ct_parse.h"

static struct nlmsghdr *ct_msg(char *buf, struct rg_nl *nl, uint16_t type,
			       int family, uint16_t flags)
{
	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	return rg_ct_msg_put_header(buf, type, family, flags, rg_nlsock_next_seq(nl));
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
	int ret = rg_nlsock_talk(nl, nlh, dump_cb, ctx);

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
struct nlmsghdr *rg_ct_dump_request(char *buf, struct rg_nl *nl, int family,
				    const struct rg_addr *dst)
{
	struct nlmsghdr *nlh = ct_request(buf, nl, family, NLM_F_DUMP);
	struct nlattr *tuple, *ip, *filter;

	if (!dst)
		return nlh;
	tuple = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put(nlh, CTA_IP_V4_DST, 4, dst->u.bytes);
	mnl_attr_nest_end(nlh, ip);
	mnl_attr_nest_end(nlh, tuple);
	filter = mnl_attr_nest_start(nlh, CTA_FILTER);
	mnl_attr_put_u32(nlh, CTA_FILTER_ORIG_FLAGS, RG_CTA_FILTER_F_IP_DST);
	mnl_attr_nest_end(nlh, filter);
	return nlh;
}

static int dump_to(struct rg_nl *nl, const struct rg_addr *dst,
		   struct dump_ctx *ctx, unsigned long *skipped)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	ctx->dst = dst;
	return dump(nl, rg_ct_dump_request(buf, nl, AF_INET, dst), ctx, skipped);
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

int rg_ct_dump_family(struct rg_nl *nl, int family, rg_ct_flow_fn fn,
		      void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_ctx ctx = { .fn = fn, .data = data };

	return dump(nl, ct_request(buf, nl, family, NLM_F_DUMP), &ctx, NULL);
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

	rg_ct_msg_put_tuple(nlh, CTA_TUPLE_REPLY, family, proto, reply);
	if (rg_nlsock_talk(nl, nlh, get_cb, &ctx) < 0)
		return -1;
	if (!ctx.found) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

/*
 * An answer is a datagram of its own (netlink_unicast, one per reply),
 * whose truesize may be that of the page the kernel sized it for: room
 * for RG_CT_MANY_MAX of those. The kernel doubles what it is given.
 */
#define RG_CT_MANY_RCVBUF (RG_CT_MANY_MAX * 8192)

/*
 * A buffer that cannot grow (no CAP_NET_ADMIN, rmem_max) is no failure:
 * the answers it cannot hold are asked again, one at a time.
 */
static void fit_rcvbuf(struct rg_nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock), have = 0;
	socklen_t sl = sizeof(have);

	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &have, &sl) == 0 &&
	    have >= RG_CT_MANY_RCVBUF)
		return;
	rg_nlsock_set_rcvbuf(fd, RG_CT_MANY_RCVBUF / 2);
}

int rg_ct_many_open(struct rg_ct_many *m, struct rg_nl *nl)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->req = malloc(RG_CT_MANY_REQ_SIZE);
	m->resp = malloc((size_t)RG_CT_MANY_MAX * RG_CT_REPLY_SLOT);
	if (!m->req || !m->resp) {
		rg_ct_many_close(m);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < RG_CT_MANY_MAX; i++) {
		m->iov[i].iov_base = m->resp + i * RG_CT_REPLY_SLOT;
		m->iov[i].iov_len = RG_CT_REPLY_SLOT;
		m->msgs[i].msg_hdr.msg_iov = &m->iov[i];
		m->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	fit_rcvbuf(nl);
	return 0;
}

void rg_ct_many_close(struct rg_ct_many *m)
{
	free(m->req);
	free(m->resp);
	m->req = m->resp = NULL;
}

/*
 * The kernel handles the requests inside sendto(), one after the other
 * (netlink_rcv_skb): by its return every answer is queued, one datagram
 * each, and one recvmmsg() reads them all. ENOBUFS says some did not fit
 * and are lost; those that did are still read, until none is left.
 */
static void read_answers(struct rg_nl *nl, struct rg_ct_many *m, uint32_t seq,
			 struct rg_ct_answer *a, size_t n)
{
	int fd = mnl_socket_get_fd(nl->sock), got, k;
	size_t left = n;

	while (left > 0) {
		got = recvmmsg(fd, m->msgs, (unsigned int)left, MSG_DONTWAIT,
			       NULL);
		if (got < 0 && errno == ENOBUFS)
			m->overruns++;
		if (got < 0 && (errno == ENOBUFS || errno == EINTR))
			continue;
		if (got <= 0)
			break;		/* EAGAIN: the rest was lost */
		for (k = 0; k < got; k++)
			left -= rg_ct_msg_parse_answers(m->iov[k].iov_base,
							m->msgs[k].msg_len, seq,
							nl->portid, a, n);
	}
}

/* Whatever went unanswered, asked again the slow way. */
static void ask_alone(struct rg_nl *nl, const struct rg_ct_query *q,
		      struct rg_ct_answer *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i].err != RG_CT_UNANSWERED)
			continue;
		a[i].err = 0;
		if (rg_ct_get_by_reply(nl, q[i].family, q[i].proto,
				       &q[i].reply, &a[i].f) < 0)
			a[i].err = errno ? errno : EIO;
	}
}

int rg_ct_get_many(struct rg_nl *nl, struct rg_ct_many *m,
		   const struct rg_ct_query *q, size_t n,
		   struct rg_ct_answer *a)
{
	uint32_t seq;
	size_t i, len;

	if (n > RG_CT_MANY_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++)
		a[i].err = RG_CT_UNANSWERED;
	seq = rg_nlsock_next_seqs(nl, (uint32_t)n);
	/* What the builders leave unwritten (alignment padding) must not
	 * carry an earlier batch's bytes, or malloc's, to the kernel. */
	memset(m->req, 0, RG_CT_MANY_REQ_SIZE);
	len = rg_ct_msg_build_gets(m->req, RG_CT_MANY_REQ_SIZE, seq, q, n);
	if (len > 0 && mnl_socket_sendto(nl->sock, m->req, len) == (ssize_t)len)
		read_answers(nl, m, seq, a, n);
	ask_alone(nl, q, a, n);
	return 0;
}

int rg_ct_delete(struct rg_nl *nl, const struct rg_flow *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = ct_msg(buf, nl, IPCTNL_MSG_CT_DELETE, f->family,
				      NLM_F_ACK);

	rg_ct_msg_put_tuple(nlh, CTA_TUPLE_ORIG, f->family, f->proto, &f->orig);
	return rg_nlsock_talk(nl, nlh, NULL, NULL);
}

int rg_ct_set_mark(struct rg_nl *nl, const struct rg_flow *f, uint32_t mark,
		   uint32_t mask)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	/* A NEW without NLM_F_CREATE updates an existing entry only; the
	 * kernel keeps the bits outside mask (CTA_MARK_MASK). */
	struct nlmsghdr *nlh = ct_msg(buf, nl, IPCTNL_MSG_CT_NEW, f->family,
				      NLM_F_ACK);

	rg_ct_msg_put_tuple(nlh, CTA_TUPLE_ORIG, f->family, f->proto, &f->orig);
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(mark & mask));
	mnl_attr_put_u32(nlh, CTA_MARK_MASK, htonl(mask));
	return rg_nlsock_talk(nl, nlh, NULL, NULL);
}
