// SPDX-License-Identifier: GPL-2.0-or-later
#include "nlsock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int rg_nlsock_open(struct rg_nl *nl, int bus)
{
	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(bus);
	if (!nl->sock)
		return -1;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		errno = err;
		return -1;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	/* Distinct starting points keep replies to an earlier, abandoned
	 * socket from ever matching. */
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void rg_nlsock_close(struct rg_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

uint32_t rg_nlsock_next_seq(struct rg_nl *nl)
{
	return nl->seq++;
}

uint32_t rg_nlsock_next_seqs(struct rg_nl *nl, uint32_t n)
{
	uint32_t first = nl->seq;

	nl->seq += n;
	return first;
}

/*
 * The kernel sizes a dump's next skb after the largest read seen on the
 * socket, up to 32 KiB: a 4 KiB buffer means 8 times the dump calls, and a
 * hash set's dump walks the set from its start at each one.
 */
int rg_nlsock_talk(struct rg_nl *nl, const struct nlmsghdr *req, mnl_cb_t cb,
		   void *data)
{
	char buf[RG_NL_DUMP_SIZE];
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return -1;
		ret = mnl_cb_run(buf, (size_t)n, req->nlmsg_seq, nl->portid,
				 cb, data);
		if (ret < 0)
			return -1;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int rg_nlsock_set_rcvbuf(int fd, int val)
{
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
}
