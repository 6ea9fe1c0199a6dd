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
