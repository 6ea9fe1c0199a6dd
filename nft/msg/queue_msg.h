/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_QUEUE_MSG_H
#define RG_QUEUE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A queued packet; it points into the message it was read from. */
struct rg_packet {
	uint32_t id;
	const uint8_t *payload;
	size_t len;
	size_t orig_len;		/* before the copy range cut it: >= len */
	const void *ct;			/* NFQA_CT attributes, or NULL */
	size_t ct_len;
	uint32_t indev;			/* NFQA_IFINDEX_INDEV, 0: none */
	uint32_t mark;			/* NFQA_MARK, 0: none */
	uint8_t hook;			/* NF_INET_*: where it was queued */
};

/*
 * One nfnetlink_queue message of len bytes, as read from the socket. No
 * I/O. Returns 0 for a packet, -1 for anything else (an error answering a
 * verdict, another message type, a malformed message). cut: the socket
 * said MSG_TRUNC, the message is longer than len; it is read as far as it
 * came (the packet header comes first), so its packet can still get its
 * verdict. buf is written to then: its length field is trimmed to len.
 */
int rg_queue_msg_parse(void *buf, size_t len, bool cut, struct rg_packet *p);

#endif
