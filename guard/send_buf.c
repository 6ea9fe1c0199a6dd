// SPDX-License-Identifier: GPL-2.0-or-later
#include "send_buf.h"

#include <errno.h>
#include <sys/socket.h>

enum rg_send_buf rg_send_buf_some(int fd, const char *data, size_t len,
				  size_t *sent)
{
	ssize_t n = send(fd, data + *sent, len - *sent,
			 MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return RG_SEND_BUF_MORE;
	if (n < 0)
		return RG_SEND_BUF_FAILED;
	*sent += (size_t)n;
	return *sent == len ? RG_SEND_BUF_DONE : RG_SEND_BUF_MORE;
}
