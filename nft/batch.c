// SPDX-License-Identifier: GPL-2.0-or-later
#include "batch.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include "addr.h"
#include "expr.h"

/*
 * A page of batch buffer, and the room past the write position that one
 * message may take: a message is built whole before the batch moves on, so
 * the overrun must hold the largest one reflguard builds (a NEWSETELEM of
 * RG_ELEMS_PER_MSG IPv6 elements, about 15 KiB).
 */
#define BATCH_PAGE (64 * 1024)
#define BATCH_OVERRUN (32 * 1024)

int rg_batch_begin(struct rg_batch *batch, struct rg_nl *nl)
{
	memset(batch, 0, sizeof(*batch));
	batch->nl = nl;
	batch->b = nftnl_batch_alloc(BATCH_PAGE, BATCH_OVERRUN);
	if (!batch->b)
		return -1;
	nftnl_batch_begin(rg_batch_buf(batch), rg_nlsock_next_seq(nl));
	return nftnl_batch_update(batch->b);
}

/*
 * libnftnl leaves attribute padding unwritten; zeroing the space first keeps
 * uninitialised heap bytes off the wire (and valgrind quiet). The current
 * page always has BATCH_OVERRUN bytes free past the write position.
 */
char *rg_batch_buf(struct rg_batch *batch)
{
	char *buf = nftnl_batch_buffer(batch->b);

	memset(buf, 0, BATCH_OVERRUN);
	return buf;
}

uint32_t rg_batch_seq(struct rg_batch *batch)
{
	batch->last_seq = rg_nlsock_next_seq(batch->nl);
	return batch->last_seq;
}

int rg_batch_next(struct rg_batch *batch)
{
	batch->msgs++;
	return nftnl_batch_update(batch->b);
}

/*
 * The kernel refuses a netlink message larger than the socket's send
 * buffer (EMSGSIZE), and a batch is sent as one: grow the buffer to fit,
 * as nftables does. SO_SNDBUFFORCE goes past the sysctl limit with
 * CAP_NET_ADMIN, which reflguard has.
 */
static void fit_sndbuf(int fd, size_t len)
{
	int have = 0, want;
	socklen_t sl = sizeof(have);

	if (len > (size_t)INT_MAX / 2)
		return;
	want = (int)len + 4096;
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &sl) == 0 && have / 2 >= want)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want));
}

/*
 * Every message of the batch asked for an ack, and the kernel queues them
 * all before sendmsg() returns: 391 for 100k exemptions, each an skb of
 * about 1 KiB of truesize, past the default 212992 bytes. An ack that
 * does not fit is dropped (ENOBUFS) and the batch's outcome unknown, so
 * the receive buffer grows to hold them all.
 */
#define ACK_TRUESIZE 2048

static void fit_rcvbuf(int fd, unsigned int msgs)
{
	int have = 0, want;
	socklen_t sl = sizeof(have);

	if (msgs > (unsigned int)INT_MAX / 2 / ACK_TRUESIZE)
		return;
	want = (int)msgs * ACK_TRUESIZE + 65536;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &have, &sl) == 0 && have / 2 >= want)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want));
}

static int send_batch(struct rg_batch *batch)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int iovlen = nftnl_batch_iovec_len(batch->b);
	struct iovec *iov = calloc((size_t)iovlen, sizeof(*iov));
	struct msghdr msg = {
		.msg_name = &kernel,
		.msg_namelen = sizeof(kernel),
		.msg_iovlen = (size_t)iovlen,
	};
	size_t total = 0;
	ssize_t n;

	if (!iov)
		return -1;
	nftnl_batch_iovec(batch->b, iov, (uint32_t)iovlen);
	msg.msg_iov = iov;
	for (int i = 0; i < iovlen; i++)
		total += iov[i].iov_len;
	fit_sndbuf(mnl_socket_get_fd(batch->nl->sock), total);
	fit_rcvbuf(mnl_socket_get_fd(batch->nl->sock), batch->msgs + 2);
	n = sendmsg(mnl_socket_get_fd(batch->nl->sock), &msg, 0);
	free(iov);
	return n < 0 ? -1 : 0;
}

/*
 * The kernel handles a batch inside sendmsg(), so every error and the final
 * ack are queued on the socket by the time it returns: drain without
 * blocking, as nftables does.
 */
static int read_answers(struct rg_batch *batch)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int fd = mnl_socket_get_fd(batch->nl->sock);
	int first_err = 0;
	bool acked = false;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *err;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
				continue;
			err = mnl_nlmsg_get_payload(nlh);
			if (err->error && !first_err)
				first_err = -err->error;
			if (!err->error && nlh->nlmsg_seq == batch->last_seq)
				acked = true;
		}
	}
	if (first_err) {
		errno = first_err;
		return -1;
	}
	if (!acked) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int rg_batch_commit(struct rg_batch *batch)
{
	nftnl_batch_end(rg_batch_buf(batch), rg_nlsock_next_seq(batch->nl));
	if (nftnl_batch_update(batch->b) < 0)
		return -1;
	if (send_batch(batch) < 0)
		return -1;
	return read_answers(batch);
}

void rg_batch_free(struct rg_batch *batch)
{
	if (batch->b)
		nftnl_batch_free(batch->b);
	batch->b = NULL;
}

int rg_batch_families(struct rg_nl *nl, rg_batch_family_fn fn, void *arg)
{
	struct rg_batch b;
	unsigned int before;
	size_t i;
	int ret = -1;

	if (rg_batch_begin(&b, nl) < 0)
		goto out;
	before = b.msgs;
	for (i = 0; i < RG_ADDR_NFAMILIES; i++)
		if (fn(nl, &b, rg_addr_families[i], arg) < 0)
			goto out;
	ret = b.msgs == before ? 0 : rg_batch_commit(&b);
out:
	rg_batch_free(&b);
	return ret;
}

#define MSG_FLAGS (NLM_F_CREATE | NLM_F_ACK)

static struct nftnl_table *table_new(int family, const char *name)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return NULL;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, (uint32_t)family);
	if (nftnl_table_set_str(t, NFTNL_TABLE_NAME, name) < 0) {
		nftnl_table_free(t);
		return NULL;
	}
	return t;
}

static int table_msg(struct rg_batch *b, int family, const char *name,
		     uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = table_new(family, name);
	struct nlmsghdr *nlh;

	if (!t)
		return -1;
	nlh = nftnl_table_nlmsg_build_hdr(rg_batch_buf(b), type,
					  (uint16_t)family, flags,
					  rg_batch_seq(b));
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return rg_batch_next(b);
}

int rg_batch_add_table(struct rg_batch *b, int family, const char *name)
{
	return table_msg(b, family, name, NFT_MSG_NEWTABLE, MSG_FLAGS);
}

int rg_batch_del_table(struct rg_batch *b, int family, const char *name)
{
	return table_msg(b, family, name, NFT_MSG_DELTABLE, NLM_F_ACK);
}

int rg_batch_add_base_chain(struct rg_batch *b, int family, const char *table,
			    const char *chain, const char *type, int hook,
			    int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -1;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nlh = nftnl_chain_nlmsg_build_hdr(rg_batch_buf(b), NFT_MSG_NEWCHAIN,
					  (uint16_t)family, MSG_FLAGS,
					  rg_batch_seq(b));
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return rg_batch_next(b);
}

int rg_batch_add_rule(struct rg_batch *b, struct nftnl_rule *r)
{
	uint16_t family = (uint16_t)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
	struct nlmsghdr *nlh;

	nlh = nftnl_rule_nlmsg_build_hdr(rg_batch_buf(b), NFT_MSG_NEWRULE,
					 family, MSG_FLAGS | NLM_F_APPEND,
					 rg_batch_seq(b));
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return rg_batch_next(b);
}

int rg_batch_flush_chain(struct rg_batch *b, int family, const char *table,
			 const char *chain)
{
	struct nftnl_rule *r = rg_expr_rule_new(family, table, chain);
	struct nlmsghdr *nlh;

	if (!r)
		return -1;
	nlh = nftnl_rule_nlmsg_build_hdr(rg_batch_buf(b), NFT_MSG_DELRULE,
					 (uint16_t)family, NLM_F_ACK,
					 rg_batch_seq(b));
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return rg_batch_next(b);
}

int rg_batch_del_chain(struct rg_batch *b, int family, const char *table,
		       const char *chain)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -1;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain);
	nlh = nftnl_chain_nlmsg_build_hdr(rg_batch_buf(b), NFT_MSG_DELCHAIN,
					  (uint16_t)family, NLM_F_ACK,
					  rg_batch_seq(b));
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return rg_batch_next(b);
}
