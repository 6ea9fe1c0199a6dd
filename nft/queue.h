/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_QUEUE_H
#define RG_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nlsock.h"
#include "queue_msg.h"

/*
 * How many bytes of a queued packet are copied to us: an IPv6 header (40),
 * up to 272 bytes of extension headers, and the first 8 bytes of TCP or UDP
 * (ports and sequence number). An IPv4 packet needs at most 60 + 8. The
 * queue sees only the first packet of a flow, mostly a SYN of 60 to 80
 * bytes, so the range costs nothing for those.
 */
#define RG_QUEUE_COPY_RANGE 320
/* Messages read per recvmmsg(), and the room for each (packet + NFQA_CT). */
#define RG_QUEUE_BATCH 64
#define RG_QUEUE_SLOT 2048
/*
 * What one queued packet costs the socket's receive buffer (skb truesize),
 * measured with the copy range above: the default buffer is queue-maxlen
 * times this, so the queue can really hold queue-maxlen packets.
 */
#define RG_QUEUE_TRUESIZE 1280

struct mmsghdr;
struct iovec;

/* One nfnetlink_queue binding, driven through libmnl. */
struct rg_queue {
	struct rg_nl nl;
	uint16_t num;
	bool bound;
	char *buf;			/* RG_QUEUE_BATCH slots */
	struct mmsghdr *msgs;
	struct iovec *iov;
	int rcvbuf;			/* the receive buffer, as the kernel reports it */
};

/*
 * Binds queue num with fail-open (the kernel accepts packets it cannot
 * hand over) and GSO (large packets are not segmented for us), copies only
 * the headers reflguard reads, and asks for NFQA_CT when want_ct. rcvbuf:
 * the receive buffer wanted, in bytes as the kernel counts them (set with
 * SO_RCVBUFFORCE, which needs CAP_NET_ADMIN; without it SO_RCVBUF, capped
 * by net.core.rmem_max); q->rcvbuf tells what the kernel granted.
 * EBUSY: another program holds that queue.
 */
int rg_queue_open(struct rg_queue *q, uint16_t num, bool want_ct,
		  uint32_t maxlen, int rcvbuf);
/* The default receive buffer for a queue of maxlen packets. */
int rg_queue_rcvbuf_for(uint32_t maxlen);
int rg_queue_fd(const struct rg_queue *q);
/*
 * Reads up to max (at most RG_QUEUE_BATCH) pending packets with one
 * recvmmsg() and without blocking; they stay valid until the next read. Returns the number of packets, 0 when
 * none was pending, or -1 (errno ENOBUFS: the kernel dropped messages for
 * want of buffer; the next read goes on).
 */
int rg_queue_read(struct rg_queue *q, struct rg_packet *p, int max);
int rg_queue_verdict(struct rg_queue *q, uint32_t id, int verdict);
/*
 * Accepts, with one NFQNL_MSG_VERDICT_BATCH, every packet still waiting
 * for a verdict whose id is at most id: the packets read up to and
 * including the one with this id. The ids of one queue only grow, and
 * messages are read in their order, so no unread packet is among them.
 */
int rg_queue_accept_through(struct rg_queue *q, uint32_t id);
void rg_queue_close(struct rg_queue *q);

#endif
