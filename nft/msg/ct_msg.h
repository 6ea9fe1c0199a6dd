/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CT_MSG_H
#define RG_CT_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "flow.h"

/*
 * Many conntrack lookups in one round trip, the pure part: the GET
 * requests laid one after the other in a buffer, each with its own
 * sequence number, and the kernel's answers matched back to them by that
 * number. No I/O (rg_ct_get_many in ct.c sends and reads).
 */

#define RG_CT_MANY_MAX 64		/* lookups per round trip */
/* A GET by an IPv6 reply tuple takes 96 bytes; room to spare. */
#define RG_CT_GET_MSG_MAX 128
#define RG_CT_MANY_REQ_SIZE (RG_CT_MANY_MAX * RG_CT_GET_MSG_MAX)

/* One lookup: the entry whose reply tuple is reply. */
struct rg_ct_query {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	struct rg_tuple reply;
};

#define RG_CT_UNANSWERED (-1)

/*
 * One lookup's answer: err 0 and f the entry, ENOENT when there is none,
 * another errno the kernel gave, or RG_CT_UNANSWERED while none came.
 */
struct rg_ct_answer {
	int err;
	struct rg_flow f;
};

/* A ctnetlink message's headers at buf (nlmsghdr and nfgenmsg). */
struct nlmsghdr *rg_ct_msg_put_header(void *buf, uint16_t type, int family,
				      uint16_t flags, uint32_t seq);
/* One tuple nest (CTA_TUPLE_ORIG or CTA_TUPLE_REPLY) at the end of nlh. */
void rg_ct_msg_put_tuple(struct nlmsghdr *nlh, uint16_t which, int family,
			 uint8_t proto, const struct rg_tuple *t);

/*
 * The n GET requests, sequence numbers seq, seq + 1, ..., one after the
 * other in buf. Returns their length, or 0 when n * RG_CT_GET_MSG_MAX
 * passes size or a query's family is neither AF_INET nor AF_INET6.
 */
size_t rg_ct_msg_build_gets(void *buf, size_t size, uint32_t seq,
			    const struct rg_ct_query *q, size_t n);

/*
 * The messages of one datagram (buf/len, as read) against the n requests
 * sent from seq on: a conntrack entry answers its request (err 0), an
 * NLMSG_ERROR gives its error. A message for another socket or sequence,
 * an acknowledgement, or a second answer to the same request is passed
 * over; an entry that cannot be parsed answers EPROTO. Returns how many
 * requests were answered; a message that runs past len ends the datagram.
 */
size_t rg_ct_msg_parse_answers(const void *buf, size_t len, uint32_t seq,
			       uint32_t portid, struct rg_ct_answer *a, size_t n);

#endif
