// SPDX-License-Identifier: GPL-2.0-or-later
#include "queue.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>

static int send_config(struct rg_queue *q, uint8_t cmd, uint32_t flags,
		       uint32_t maxlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->num);
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = rg_nl_next_seq(&q->nl);
	if (cmd) {
		nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, cmd);
	} else {
		nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET,
					 RG_QUEUE_COPY_RANGE);
		nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
		mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
		mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(flags));
	}
	return rg_nl_talk(&q->nl, nlh, NULL, NULL);
}

int rg_queue_open(struct rg_queue *q, uint16_t num, bool want_ct,
		  uint32_t maxlen)
{
	uint32_t flags = NFQA_CFG_F_FAIL_OPEN;
	int err;

	memset(q, 0, sizeof(*q));
	q->num = num;
	q->buflen = MNL_SOCKET_BUFFER_SIZE * 8;
	q->buf = malloc(q->buflen);
	if (!q->buf)
		return -1;
	if (rg_nl_open(&q->nl, NETLINK_NETFILTER) < 0)
		goto fail;
	if (send_config(q, NFQNL_CFG_CMD_BIND, 0, 0) < 0)
		goto fail;
	q->bound = true;
	if (want_ct)
		flags |= NFQA_CFG_F_CONNTRACK;
	if (send_config(q, 0, flags, maxlen) < 0)
		goto fail;
	return 0;
fail:
	err = errno;
	rg_queue_close(q);
	errno = err;
	return -1;
}

int rg_queue_fd(const struct rg_queue *q)
{
	return mnl_socket_get_fd(q->nl.sock);
}

struct recv_ctx {
	struct rg_queue *q;
	rg_packet_fn fn;
	void *data;
	int count;
};

static int packet_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr[NFQA_MAX + 1] = { 0 };
	struct recv_ctx *ctx = data;
	struct nfqnl_msg_packet_hdr *ph;
	struct rg_packet p = { 0 };

	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
		return MNL_CB_OK;
	if (mnl_attr_get_payload_len(attr[NFQA_PACKET_HDR]) < sizeof(*ph))
		return MNL_CB_OK;
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	p.id = ntohl(ph->packet_id);
	if (attr[NFQA_PAYLOAD]) {
		p.payload = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
		p.len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	}
	if (attr[NFQA_CT]) {
		p.ct = mnl_attr_get_payload(attr[NFQA_CT]);
		p.ct_len = mnl_attr_get_payload_len(attr[NFQA_CT]);
	}
	ctx->count++;
	ctx->fn(ctx->q, &p, ctx->data);
	return MNL_CB_OK;
}

int rg_queue_receive(struct rg_queue *q, rg_packet_fn fn, void *data)
{
	struct recv_ctx ctx = { q, fn, data, 0 };
	ssize_t n;

	n = recv(rg_queue_fd(q), q->buf, q->buflen, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	if (mnl_cb_run(q->buf, (size_t)n, 0, q->nl.portid, packet_cb, &ctx) < 0)
		return -1;
	return ctx.count;
}

int rg_queue_verdict(struct rg_queue *q, uint32_t id, int verdict)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_VERDICT, q->num);
	nfq_nlmsg_verdict_put(nlh, (int)id, verdict);
	return mnl_socket_sendto(q->nl.sock, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

void rg_queue_close(struct rg_queue *q)
{
	/* Closing the socket is enough: the kernel unbinds the queue of a
	 * released netlink port. */
	rg_nl_close(&q->nl);
	q->bound = false;
	free(q->buf);
	q->buf = NULL;
}
