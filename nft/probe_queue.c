// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The live queue probe. Whether queued packets carry NFQA_CT cannot be read
 * from any flag the kernel exposes, so this sends one packet of its own
 * through a queue and looks: a temporary rule queues only packets bearing
 * reflguard's probe mark, the packet goes to the discard port on loopback,
 * and it is dropped once seen.
 */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink_queue.h>

#include "expr.h"

#define PROBE_MARK 0x52474431u		/* "RGD1" */
#define PROBE_QUEUE_FIRST 65000
#define PROBE_QUEUE_TRIES 32
#define PROBE_WAIT_MS 1000

struct seen {
	bool got;
	bool has_ct;
	uint32_t id;
};

static int queue_cfg(struct rg_nl *q, uint16_t num, uint8_t cmd,
		     uint32_t flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));	/* attribute padding goes out too */
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, num);

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = rg_nlsock_next_seq(q);
	if (cmd)
		nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, cmd);
	else {
		nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, 64);
		mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
		mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(flags));
	}
	return rg_nlsock_talk(q, nlh, NULL, NULL);
}

/* Queue numbers are shared by the whole namespace: take a free one. */
static int bind_free_queue(struct rg_nl *q, uint16_t *num)
{
	int i;

	for (i = 0; i < PROBE_QUEUE_TRIES; i++) {
		*num = (uint16_t)(PROBE_QUEUE_FIRST + i);
		if (queue_cfg(q, *num, NFQNL_CFG_CMD_BIND, 0) == 0)
			return 0;
		if (errno != EBUSY)
			return -1;
	}
	return -1;
}

struct probe_rule {
	enum rg_queue_path path;
	uint16_t num;
};

static int fill_probe_rule(struct nftnl_rule *r, const void *arg)
{
	const struct probe_rule *p = arg;
	enum rg_queue_path path = p->path;
	uint16_t num = p->num;
	uint32_t mark = PROBE_MARK;
	uint32_t new_bit = NF_CT_STATE_BIT(IP_CT_NEW), zero = 0;

	/* "ct state new" also makes the kernel track this namespace's
	 * packets, which is what a queued packet needs to carry NFQA_CT. */
	if (rg_expr_meta(r, NFT_META_MARK, NFT_REG_1) < 0 ||
	    rg_expr_cmp(r, NFT_REG_1, NFT_CMP_EQ, &mark, sizeof(mark)) < 0 ||
	    rg_expr_ct(r, NFT_CT_STATE, NFT_REG_1) < 0 ||
	    rg_expr_mask(r, NFT_REG_1, &new_bit, sizeof(new_bit)) < 0 ||
	    rg_expr_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, sizeof(zero)) < 0)
		return -1;
	if (path == RG_QUEUE_NATIVE)
		return rg_expr_queue_native(r, num, true);
	return rg_expr_queue_compat(r, num, true);
}

static int table_change(struct rg_nl *nl, bool add, enum rg_queue_path path,
			uint16_t num)
{
	const struct probe_rule p = { path, num };
	const struct rg_probe_chain chain = {
		"filter", NF_INET_LOCAL_OUT, 0, fill_probe_rule, &p,
	};

	return rg_probe_batch(nl, NFPROTO_IPV4, add ? RG_PROBE_ADD : RG_PROBE_DEL,
			      &chain);
}

static int send_marked_packet(void)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(9),		/* discard */
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	static const char payload[] = "reflguard doctor probe";
	uint32_t mark = PROBE_MARK;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = -1;

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) == 0 &&
	    sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&to,
		   sizeof(to)) >= 0)
		ret = 0;
	close(fd);
	return ret;
}

static int packet_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr[NFQA_MAX + 1] = { 0 };
	struct nfqnl_msg_packet_hdr *ph;
	struct seen *seen = data;

	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
		return MNL_CB_OK;
	if (mnl_attr_get_payload_len(attr[NFQA_PACKET_HDR]) < sizeof(*ph))
		return MNL_CB_OK;
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	seen->got = true;
	seen->id = ntohl(ph->packet_id);
	seen->has_ct = attr[NFQA_CT] != NULL;
	return MNL_CB_STOP;
}

static int wait_packet(struct rg_nl *q, struct seen *seen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pollfd pfd = { .fd = mnl_socket_get_fd(q->sock), .events = POLLIN };
	ssize_t n;

	while (!seen->got) {
		int r = poll(&pfd, 1, PROBE_WAIT_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			errno = r == 0 ? ETIMEDOUT : errno;
			return -1;
		}
		n = mnl_socket_recvfrom(q->sock, buf, sizeof(buf));
		if (n < 0)
			return -1;
		if (mnl_cb_run(buf, (size_t)n, 0, q->portid, packet_cb, seen) < 0)
			return -1;
	}
	return 0;
}

static void drop_packet(struct rg_nl *q, uint16_t num, uint32_t id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_VERDICT, num);

	nfq_nlmsg_verdict_put(nlh, (int)id, NF_DROP);
	mnl_socket_sendto(q->sock, nlh, nlh->nlmsg_len);
}

/* With the queue bound and configured: one packet through it. */
static struct rg_cap live_packet(struct rg_nl *nl, struct rg_nl *q,
				 enum rg_queue_path path, uint16_t num)
{
	struct seen seen = { 0 };
	struct rg_cap cap = { .state = RG_CAP_UNKNOWN };

	if (table_change(nl, true, path, num) < 0) {
		cap.err = errno;
		return cap;
	}
	if (send_marked_packet() < 0 || wait_packet(q, &seen) < 0)
		cap.err = errno;
	else
		cap.state = seen.has_ct ? RG_CAP_YES : RG_CAP_NO;
	if (seen.got)
		drop_packet(q, num, seen.id);
	table_change(nl, false, path, num);
	return cap;
}

void rg_probe_nfqueue(struct rg_nl *nl, enum rg_queue_path path,
		      struct rg_cap *nfqueue, struct rg_cap *nfqa_ct)
{
	struct rg_cap ct_refused, delivered;
	uint16_t num;
	struct rg_nl q;

	*nfqa_ct = (struct rg_cap){ .state = RG_CAP_UNKNOWN };
	if (rg_nlsock_open(&q, NETLINK_NETFILTER) < 0) {
		*nfqueue = rg_probe_cap_from_errno(errno);
		*nfqa_ct = *nfqueue;
		return;
	}
	if (bind_free_queue(&q, &num) < 0) {
		*nfqueue = rg_probe_cap_from_errno(errno);
		*nfqa_ct = *nfqueue;
		goto out;
	}
	*nfqueue = (struct rg_cap){ .state = RG_CAP_YES };
	if (path == RG_QUEUE_NONE) {
		nfqa_ct->err = ENOENT;
		goto out;
	}
	/* Kernels built without NETFILTER_NETLINK_GLUE_CT refuse the flag
	 * outright, which answers the question; the packet still goes through
	 * the queue to prove that the chosen queue path delivers. */
	if (queue_cfg(&q, num, 0, NFQA_CFG_F_CONNTRACK) == 0) {
		*nfqa_ct = live_packet(nl, &q, path, num);
		goto out;
	}
	ct_refused = rg_probe_cap_from_errno(errno);
	if (queue_cfg(&q, num, 0, 0) < 0) {
		*nfqueue = rg_probe_cap_from_errno(errno);
		goto out;
	}
	delivered = live_packet(nl, &q, path, num);
	if (delivered.state == RG_CAP_UNKNOWN)
		*nfqueue = delivered;
	*nfqa_ct = ct_refused;
out:
	/* Closing the socket unbinds the queue in the kernel. */
	rg_nlsock_close(&q);
}
