// SPDX-License-Identifier: GPL-2.0-or-later
#include "ct_events.h"

#include <errno.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct_mark_filter.h"
#include "ct_parse.h"

static int subscribe(struct rg_nl *nl, uint32_t bits)
{
	struct sock_filter code[RG_CT_MARK_FILTER_LEN];
	struct sock_fprog prog = { 0, code };
	int fd = mnl_socket_get_fd(nl->sock);
	int groups[] = { NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_UPDATE };
	size_t i;

	prog.len = (unsigned short)rg_ct_mark_filter(bits, code,
						      RG_CT_MARK_FILTER_LEN);
	if (prog.len == 0) {
		errno = EINVAL;
		return -1;
	}
	/* The filter first: nothing unfiltered is ever queued. */
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return -1;
	/* Beyond rmem_max where the privilege allows; the default otherwise. */
	rg_nlsock_set_rcvbuf(fd, RG_CT_EVENTS_RCVBUF);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP,
					  &groups[i], sizeof(groups[i])) < 0)
			return -1;
	return 0;
}

int rg_ct_events_open(struct rg_nl *nl, uint32_t bits)
{
	int err;

	if (rg_nlsock_open(nl, NETLINK_NETFILTER) < 0)
		return -1;
	if (subscribe(nl, bits) == 0)
		return 0;
	err = errno;
	rg_nlsock_close(nl);
	errno = err;
	return -1;
}

struct ev_ctx {
	rg_ct_flow_fn fn;
	void *data;
};

static int entry_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ev_ctx *c = data;
	struct rg_flow f;

	if (nlh->nlmsg_type != (NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW))
		return MNL_CB_OK;
	if (rg_ct_parse_msg(nlh, &f) < 0)
		return MNL_CB_OK;	/* ICMP, SCTP, or malformed */
	c->fn(&f, c->data);
	return MNL_CB_OK;
}

int rg_ct_events_read(struct rg_nl *nl, unsigned int reads, rg_ct_flow_fn fn,
		      void *data)
{
	static char buf[RG_NL_DUMP_SIZE];
	struct ev_ctx c = { fn, data };
	unsigned int i;
	ssize_t n;

	for (i = 0; i < reads; i++) {
		n = recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return -1;
		/* Events carry sequence 0 and port 0: neither is checked. A
		 * malformed datagram is passed over. */
		mnl_cb_run(buf, (size_t)n, 0, 0, entry_cb, &c);
	}
	return 0;
}
