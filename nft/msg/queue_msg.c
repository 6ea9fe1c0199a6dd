// SPDX-License-Identifier: GPL-2.0-or-later
#include "queue_msg.h"

#include <arpa/inet.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>

/* NFQA_CAP_LEN: sent only when the copy range cut the packet. */
static size_t orig_len(const struct nlattr *cap, size_t len)
{
	uint32_t n;

	if (!cap || mnl_attr_get_payload_len(cap) < sizeof(n))
		return len;
	n = ntohl(mnl_attr_get_u32(cap));
	return n > len ? n : len;
}

int rg_queue_msg_parse(void *buf, size_t len, bool cut, struct rg_packet *p)
{
	struct nlattr *attr[NFQA_MAX + 1] = { 0 };
	struct nlmsghdr *nlh = buf;
	struct nfqnl_msg_packet_hdr *ph;

	if (len < sizeof(*nlh) || len > INT32_MAX)
		return -1;
	/* Aligned down: libmnl walks attributes up to the aligned end. */
	if (cut && nlh->nlmsg_len > len)
		nlh->nlmsg_len = (uint32_t)(len & ~(size_t)3);
	if (!mnl_nlmsg_ok(nlh, (int)len) || MNL_ALIGN(nlh->nlmsg_len) > len ||
	    nlh->nlmsg_type != (NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_PACKET) ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct nfgenmsg))
		return -1;
	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR] ||
	    mnl_attr_get_payload_len(attr[NFQA_PACKET_HDR]) < sizeof(*ph))
		return -1;
	memset(p, 0, sizeof(*p));
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	p->id = ntohl(ph->packet_id);
	p->hook = ph->hook;
	if (attr[NFQA_PAYLOAD]) {
		p->payload = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
		p->len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	}
	p->orig_len = orig_len(attr[NFQA_CAP_LEN], p->len);
	if (attr[NFQA_CT]) {
		p->ct = mnl_attr_get_payload(attr[NFQA_CT]);
		p->ct_len = mnl_attr_get_payload_len(attr[NFQA_CT]);
	}
	/* What the routing decision of C's packet was asked with, so the
	 * daemon can ask the same (policy rules on iif and fwmark). */
	if (attr[NFQA_IFINDEX_INDEV])
		p->indev = ntohl(mnl_attr_get_u32(attr[NFQA_IFINDEX_INDEV]));
	if (attr[NFQA_MARK])
		p->mark = ntohl(mnl_attr_get_u32(attr[NFQA_MARK]));
	return 0;
}
