/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_QUEUE_H
#define RG_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nlsock.h"

/* One nfnetlink_queue binding, driven through libmnl. */
struct rg_queue {
	struct rg_nl nl;
	uint16_t num;
	bool bound;
	char *buf;
	size_t buflen;
};

/* A queued packet, valid only during the callback. */
struct rg_packet {
	uint32_t id;
	const uint8_t *payload;
	size_t len;
	const void *ct;			/* NFQA_CT attributes, or NULL */
	size_t ct_len;
};

typedef void (*rg_packet_fn)(struct rg_queue *q, const struct rg_packet *p,
			     void *data);

/*
 * Binds queue num with fail-open (the kernel accepts packets it cannot
 * hand over), copies only the headers reflguard reads, and asks for
 * NFQA_CT when want_ct. EBUSY: another program holds that queue.
 */
int rg_queue_open(struct rg_queue *q, uint16_t num, bool want_ct,
		  uint32_t maxlen);
int rg_queue_fd(const struct rg_queue *q);
/*
 * Reads one batch of pending messages without blocking and calls fn for
 * each packet. Returns the number of packets, 0 when none was pending, or
 * -1 (errno ENOBUFS: the kernel dropped messages for want of buffer).
 */
int rg_queue_receive(struct rg_queue *q, rg_packet_fn fn, void *data);
int rg_queue_verdict(struct rg_queue *q, uint32_t id, int verdict);
void rg_queue_close(struct rg_queue *q);

/* How many headers a queued packet is copied with. */
#define RG_QUEUE_COPY_RANGE 128

#endif
