// SPDX-License-Identifier: GPL-2.0-or-later
/* ctnetlink probe: ask the conntrack subsystem for its global counters. */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

static int stats_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, CTA_STATS_GLOBAL_MAX) < 0)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_OK;	/* skip what we cannot trust */
	tb[type] = attr;
	return MNL_CB_OK;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTA_STATS_GLOBAL_MAX + 1] = { 0 };
	uint32_t *entries = data;

	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), stats_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	if (tb[CTA_STATS_GLOBAL_ENTRIES])
		*entries = ntohl(mnl_attr_get_u32(tb[CTA_STATS_GLOBAL_ENTRIES]));
	return MNL_CB_OK;
}

struct rg_cap rg_probe_ctnetlink(uint32_t *entries)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	struct rg_nl nl;
	int ret;

	*entries = 0;
	if (rg_nlsock_open(&nl, NETLINK_NETFILTER) < 0)
		return rg_probe_cap_from_errno(errno);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = rg_nlsock_next_seq(&nl);
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	ret = rg_nlsock_talk(&nl, nlh, stats_cb, entries);
	rg_nlsock_close(&nl);
	/* Without nf_conntrack_netlink, nfnetlink finds no subsystem for the
	 * message and answers EINVAL. */
	if (ret < 0 && errno == EINVAL)
		return (struct rg_cap){ .state = RG_CAP_NO, .err = EINVAL };
	return rg_probe_cap_from_errno(ret < 0 ? errno : 0);
}
