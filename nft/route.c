// SPDX-License-Identifier: GPL-2.0-or-later
#include "route.h"

#include "classify.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct route_ctx {
	struct rg_route *r;
	unsigned char family;
	bool found;
};

static void attr_addr(const struct nlattr *attr, unsigned char family,
		      struct rg_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	if (mnl_attr_get_payload_len(attr) == rg_addr_len(a))
		memcpy(a->u.bytes, mnl_attr_get_payload(attr), rg_addr_len(a));
	else
		a->family = 0;
}

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct route_ctx *ctx = data;

	switch (mnl_attr_get_type(attr)) {
	case RTA_OIF:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			ctx->r->oif = (int)mnl_attr_get_u32(attr);
			ctx->found = true;
		}
		break;
	case RTA_GATEWAY:
		attr_addr(attr, ctx->family, &ctx->r->gw);
		ctx->r->has_gw = ctx->r->gw.family != 0;
		break;
	case RTA_DST:
		attr_addr(attr, ctx->family, &ctx->r->net.addr);
		break;
	}
	return MNL_CB_OK;
}

/* What besides the destination selects the route: policy rules match
 * on the source, the incoming interface and the mark. */
static void rg_route_key_put(struct nlmsghdr *nlh, const struct rg_route_key *key,
			     const struct rg_addr *dst)
{
	if (key->src.family == dst->family) {
		mnl_attr_put(nlh, RTA_SRC, rg_addr_len(&key->src), key->src.u.bytes);
		((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_src_len =
			(unsigned char)(rg_addr_len(&key->src) * 8);
	}
	if (key->iif > 0)
		mnl_attr_put_u32(nlh, RTA_IIF, (uint32_t)key->iif);
	if (key->mark)
		mnl_attr_put_u32(nlh, RTA_MARK, key->mark);
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_ctx *ctx = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return MNL_CB_OK;
	ctx->r->net.len = rtm->rtm_dst_len;
	mnl_attr_parse(nlh, sizeof(struct rtmsg), attr_cb, data);
	/* A route reply is not followed by an ack unless asked for. */
	return MNL_CB_STOP;
}

/*
 * One RTM_GETROUTE for key's flow, like `ip route get DST from SRC iif
 * DEV mark MARK`; with RTM_F_FIB_MATCH (`ip route get fibmatch`) the
 * answer is the table's entry itself, with its prefix, instead of the
 * route to the single address.
 */
static int ask(struct rg_nl *nl, const struct rg_route_key *key,
	       const struct rg_addr *dst, unsigned int flags, struct rg_route *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct route_ctx ctx = { r, (unsigned char)dst->family, false };
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	memset(buf, 0, sizeof(buf));
	memset(r, 0, sizeof(*r));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = rg_nlsock_next_seq(nl);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)dst->family;
	rtm->rtm_dst_len = (unsigned char)(rg_addr_len(dst) * 8);
	rtm->rtm_flags = flags;
	mnl_attr_put(nlh, RTA_DST, rg_addr_len(dst), dst->u.bytes);
	rg_route_key_put(nlh, key, dst);
	if (rg_nlsock_talk(nl, nlh, route_cb, &ctx) < 0)
		return -1;
	if (!ctx.found) {
		errno = ENETUNREACH;
		return -1;
	}
	return 0;
}

/* The connected prefix the next hop is on: the firewall's own link. */
static void next_hop_net(struct rg_nl *nl, const struct rg_route_key *key,
			 struct rg_route *r)
{
	const struct rg_addr *hop = r->has_gw ? &r->gw : &key->dst;
	struct rg_route m;

	if (ask(nl, key, hop, RTM_F_FIB_MATCH, &m) < 0 || m.has_gw ||
	    m.oif != r->oif)
		return;
	r->net = m.net;
	r->net.addr.family = (unsigned char)hop->family;
	r->has_net = true;
}

int rg_route_get(struct rg_nl *nl, const struct rg_route_key *key,
		 struct rg_route *r)
{
	if (ask(nl, key, &key->dst, 0, r) < 0)
		return -1;
	memset(&r->net, 0, sizeof(r->net));
	next_hop_net(nl, key, r);
	return 0;
}

static int ask_kernel(void *ctx, const struct rg_route_key *k, struct rg_route *r)
{
	return rg_route_get(ctx, k, r);
}

void rg_route_segments(struct rg_nl *nl, const struct rg_addr *c,
		       const struct rg_addr *e, struct rg_segments *seg)
{
	struct rg_route_flow fl;

	memset(&fl, 0, sizeof(fl));
	fl.c = *c;
	fl.e = *e;
	rg_classify_routes(ask_kernel, nl, &fl, seg);
}

int rg_route_oif(struct rg_nl *nl, const struct rg_addr *dst, int *oif)
{
	struct rg_route_key key;
	struct rg_route r;

	memset(&key, 0, sizeof(key));
	key.dst = *dst;
	if (ask(nl, &key, dst, 0, &r) < 0)
		return -1;
	*oif = r.oif;
	return 0;
}

/*
 * Everything that can change the answer of rg_route_oif: routes, policy
 * rules, links going up or down, addresses (and the local routes with
 * them).
 */
static const unsigned int monitor_groups[] = {
	RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE,
	RTNLGRP_IPV6_RULE, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
	RTNLGRP_IPV6_IFADDR,
};

int rg_route_monitor_open(struct rg_nl *nl)
{
	int fd, group, size = RG_ROUTE_MONITOR_RCVBUF;
	size_t i;

	if (rg_nlsock_open(nl, NETLINK_ROUTE) < 0)
		return -1;
	fd = mnl_socket_get_fd(nl->sock);
	for (i = 0; i < sizeof(monitor_groups) / sizeof(monitor_groups[0]); i++) {
		group = (int)monitor_groups[i];
		if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP,
					  &group, sizeof(group)) < 0)
			goto fail;
	}
	/* A burst (an interface with many routes going down) is one flush:
	 * the size only spares a needless flush by ENOBUFS. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
fail:
	group = errno;
	rg_nlsock_close(nl);
	errno = group;
	return -1;
}

int rg_route_monitor_drain(struct rg_nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int fd = mnl_socket_get_fd(nl->sock), changed = 0;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			changed = 1;
		} else if (n < 0 && errno == ENOBUFS) {
			/* Some change was lost, so anything may have. */
			changed = 1;
		} else if (n < 0 && errno != EINTR) {
			return errno == EAGAIN ? changed : -1;
		} else if (n == 0) {
			return changed;
		}
	}
}
