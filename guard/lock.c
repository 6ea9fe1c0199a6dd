// SPDX-License-Identifier: GPL-2.0-or-later
#include "lock.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The leading NUL makes it abstract: no file, gone with its holder. */
static const char lock_name[] = "\0reflguard/daemon";

static socklen_t lock_addr(struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, lock_name, sizeof(lock_name) - 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   sizeof(lock_name) - 1);
}

/* Asks the holder who it is: SO_PEERCRED of a connection to it. */
static pid_t holder_pid(void)
{
	struct sockaddr_un sun;
	socklen_t len = lock_addr(&sun), clen;
	struct ucred cred;
	pid_t pid = 0;
	/* Non-blocking: a holder too busy to accept must not hang us. */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	clen = sizeof(cred);
	if (connect(fd, (struct sockaddr *)&sun, len) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0)
		pid = cred.pid;
	close(fd);
	return pid;
}

int rg_lock_acquire(pid_t *holder)
{
	struct sockaddr_un sun;
	socklen_t len = lock_addr(&sun);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	*holder = 0;
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, len) < 0 || listen(fd, 4) < 0) {
		int err = errno;

		close(fd);
		if (err == EADDRINUSE)
			*holder = holder_pid();
		errno = err;
		return -1;
	}
	return fd;
}
