// SPDX-License-Identifier: GPL-2.0-or-later
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int make_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	if (make_addr(path, &sun) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* mkdir of the last directory of path only: /run/reflguard, say. */
static int make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	if (strlen(path) >= sizeof(dir))
		return -1;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int rg_ctl_listen(const char *path)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd, ret;

	if (make_addr(path, &sun) < 0 || make_parent(path) < 0)
		return -1;
	fd = connect_to(path);
	if (fd >= 0) {
		close(fd);
		errno = EADDRINUSE;
		return -1;
	}
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* The umask makes the socket 0600 from its first instant. */
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ret < 0 || listen(fd, 8) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int remaining_ms(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

int rg_ctl_request(const char *path, const char *request,
		   struct rg_strbuf *reply, int timeout_ms)
{
	struct timespec deadline;
	struct pollfd pfd;
	char buf[4096];
	int fd, ret = -1;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	fd = connect_to(path);
	if (fd < 0)
		return -1;
	if (write(fd, request, strlen(request)) < 0 || write(fd, "\n", 1) < 0)
		goto out;
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (;;) {
		ssize_t n;

		if (poll(&pfd, 1, remaining_ms(&deadline)) <= 0) {
			errno = ETIMEDOUT;
			goto out;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		rg_strbuf_addn(reply, buf, (size_t)n);
	}
	ret = rg_strbuf_failed(reply) ? -1 : 0;
out:
	close(fd);
	return ret;
}
