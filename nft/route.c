// SPDX-License-Identifier: GPL-2.0-or-later
#include "route.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct oif_ctx {
	int oif;
	bool found;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct oif_ctx *ctx = data;

	if (mnl_attr_get_type(attr) == RTA_OIF &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
		ctx->oif = (int)mnl_attr_get_u32(attr);
		ctx->found = true;
	}
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(struct rtmsg), attr_cb, data);
	/* A route reply is not followed by an ack unless asked for. */
	return MNL_CB_STOP;
}

int rg_route_oif(struct rg_nl *nl, const struct rg_addr *dst, int *oif)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct oif_ctx ctx = { 0, false };
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = rg_nl_next_seq(nl);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)dst->family;
	rtm->rtm_dst_len = (unsigned char)(rg_addr_len(dst) * 8);
	mnl_attr_put(nlh, RTA_DST, rg_addr_len(dst), dst->u.bytes);
	if (rg_nl_talk(nl, nlh, route_cb, &ctx) < 0)
		return -1;
	if (!ctx.found) {
		errno = ENETUNREACH;
		return -1;
	}
	*oif = ctx.oif;
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

	if (rg_nl_open(nl, NETLINK_ROUTE) < 0)
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
	rg_nl_close(nl);
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
