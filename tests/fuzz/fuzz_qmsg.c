// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The queue message parser: one message as recvmmsg() puts it in a slot.
 * The first input byte's low bit says whether the socket reported
 * MSG_TRUNC (the message was longer than the slot); the rest is the
 * message. What parses must point inside the message.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "queue_msg.h"

static bool inside(const uint8_t *buf, size_t size, const void *p, size_t len)
{
	const uint8_t *q = p;

	return q >= buf && len <= size && (size_t)(q - buf) <= size - len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rg_packet p;
	uint8_t *msg;
	bool cut;
	int ret;

	if (size < 1)
		return 0;
	cut = data[0] & 1;
	msg = fuzz_copy(data + 1, size - 1);
	ret = rg_queue_msg_parse(msg, size - 1, cut, &p);
	FUZZ_CHECK(ret == 0 || ret == -1);
	if (ret == 0) {
		FUZZ_CHECK(!p.payload || inside(msg, size - 1, p.payload, p.len));
		FUZZ_CHECK(p.payload || p.len == 0);
		FUZZ_CHECK(p.orig_len >= p.len);
		FUZZ_CHECK(!p.ct || inside(msg, size - 1, p.ct, p.ct_len));
	}
	free(msg);
	return 0;
}
