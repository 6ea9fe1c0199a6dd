/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_NLSOCK_H
#define RG_NLSOCK_H

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/* A read's size: what the kernel fills a dump's messages up to. */
#define RG_NL_DUMP_SIZE 32768

/* One netlink socket and the sequence numbers sent on it. */
struct rg_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
};

/*
 * bus: NETLINK_NETFILTER for nftables, conntrack and the queue;
 * NETLINK_ROUTE for the route lookups (route.c).
 */
int rg_nlsock_open(struct rg_nl *nl, int bus);
void rg_nlsock_close(struct rg_nl *nl);
uint32_t rg_nlsock_next_seq(struct rg_nl *nl);
/* n sequence numbers in a row, for n requests sent at once: the first. */
uint32_t rg_nlsock_next_seqs(struct rg_nl *nl, uint32_t n);
/*
 * SO_RCVBUF of netlink socket fd set to val, past rmem_max where
 * CAP_NET_ADMIN allows (SO_RCVBUFFORCE), else as far as rmem_max lets it.
 * -1 with errno when neither is accepted.
 */
int rg_nlsock_set_rcvbuf(int fd, int val);

/*
 * Sends one request (or a dump) that asked for NLM_F_ACK and runs cb on every
 * reply until the ack or NLMSG_DONE. Returns 0, or -1 with errno set to the
 * kernel's error.
 */
int rg_nlsock_talk(struct rg_nl *nl, const struct nlmsghdr *req, mnl_cb_t cb,
		   void *data);

#endif
