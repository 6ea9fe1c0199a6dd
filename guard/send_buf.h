/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_SEND_BUF_H
#define RG_SEND_BUF_H

#include <stddef.h>

/* What rg_send_buf_some did. */
enum rg_send_buf {
	RG_SEND_BUF_FAILED = -1,	/* the peer is gone: drop it */
	RG_SEND_BUF_MORE = 0,		/* some or nothing sent: wait for EPOLLOUT */
	RG_SEND_BUF_DONE = 1,		/* all of it sent */
};

/*
 * Sends what the socket takes now of data[*sent..len), never waiting and
 * never raising SIGPIPE (a client that went away must not stop the loop);
 * *sent grows by what went.
 */
enum rg_send_buf rg_send_buf_some(int fd, const char *data, size_t len,
				  size_t *sent);

#endif
