// SPDX-License-Identifier: GPL-2.0-or-later
#include "queue.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>

static int send_config(struct rg_queue *q, uint8_t cmd, uint32_t flags,
		       uint32_t maxlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, q->num);
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = rg_nlsock_next_seq(&q->nl);
	if (cmd) {
		nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, cmd);
	} else {
		nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET,
					 RG_QUEUE_COPY_RANGE);
		nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
		mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
		mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(flags));
	}
	return rg_nlsock_talk(&q->nl, nlh, NULL, NULL);
}

int rg_queue_rcvbuf_for(uint32_t maxlen)
{
	uint64_t want = (uint64_t)maxlen * RG_QUEUE_TRUESIZE;

	return want > INT_MAX ? INT_MAX : (int)want;
}

/*
 * The kernel doubles what it is given (half for its own bookkeeping, says
 * socket(7)) and drops a message once the truesize of what waits passes
 * the doubled value: so half of the wanted size is asked for.
 */
static int set_rcvbuf(struct rg_queue *q, int rcvbuf)
{
	int fd = rg_queue_fd(q);
	socklen_t len = sizeof(q->rcvbuf);

	if (rg_nlsock_set_rcvbuf(fd, rcvbuf / 2) < 0)
		return -1;
	return getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &q->rcvbuf, &len);
}

static int alloc_slots(struct rg_queue *q)
{
	int i;

	q->buf = malloc((size_t)RG_QUEUE_BATCH * RG_QUEUE_SLOT);
	q->msgs = calloc(RG_QUEUE_BATCH, sizeof(*q->msgs));
	q->iov = calloc(RG_QUEUE_BATCH, sizeof(*q->iov));
	if (!q->buf || !q->msgs || !q->iov)
		return -1;
	for (i = 0; i < RG_QUEUE_BATCH; i++) {
		q->iov[i].iov_base = q->buf + (size_t)i * RG_QUEUE_SLOT;
		q->iov[i].iov_len = RG_QUEUE_SLOT;
		q->msgs[i].msg_hdr.msg_iov = &q->iov[i];
		q->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

int rg_queue_open(struct rg_queue *q, uint16_t num, bool want_ct,
		  uint32_t maxlen, int rcvbuf)
{
	uint32_t flags = NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO;
	int err;

	memset(q, 0, sizeof(*q));
	q->num = num;
	if (alloc_slots(q) < 0)
		goto fail;
	if (rg_nlsock_open(&q->nl, NETLINK_NETFILTER) < 0)
		goto fail;
	if (set_rcvbuf(q, rcvbuf) < 0)
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

int rg_queue_read(struct rg_queue *q, struct rg_packet *p, int max)
{
	int i, n, count = 0;

	if (max > RG_QUEUE_BATCH)
		max = RG_QUEUE_BATCH;
	/* Only non-packets read: read on, rather than say "nothing pending". */
	while (count == 0) {
		/* An error after the first message (ENOBUFS) is kept by the
		 * socket and returned by the next call. */
		n = recvmmsg(rg_queue_fd(q), q->msgs, (unsigned int)max,
			     MSG_DONTWAIT, NULL);
		if (n <= 0)
			return n == 0 || errno == EAGAIN || errno == EWOULDBLOCK ?
			       0 : -1;
		for (i = 0; i < n; i++)
			if (rg_queue_msg_parse(q->iov[i].iov_base,
					       q->msgs[i].msg_len,
					       q->msgs[i].msg_hdr.msg_flags & MSG_TRUNC,
					       &p[count]) == 0)
				count++;
	}
	return count;
}

static int send_verdict(struct rg_queue *q, uint16_t type, uint32_t id,
			int verdict)
{
	char buf[128];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = nfq_nlmsg_put(buf, type, q->num);
	nfq_nlmsg_verdict_put(nlh, (int)id, verdict);
	return mnl_socket_sendto(q->nl.sock, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

int rg_queue_verdict(struct rg_queue *q, uint32_t id, int verdict)
{
	return send_verdict(q, NFQNL_MSG_VERDICT, id, verdict);
}

int rg_queue_accept_through(struct rg_queue *q, uint32_t id)
{
	return send_verdict(q, NFQNL_MSG_VERDICT_BATCH, id, NF_ACCEPT);
}

void rg_queue_close(struct rg_queue *q)
{
	/* Closing the socket is enough: the kernel unbinds the queue of a
	 * released netlink port. */
	rg_nlsock_close(&q->nl);
	q->bound = false;
	free(q->buf);
	free(q->msgs);
	free(q->iov);
	q->buf = NULL;
	q->msgs = NULL;
	q->iov = NULL;
}
