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

#include "mstime.h"

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

/*
 * A blocking connect to a socket whose backlog is full waits: the send
 * timeout bounds that wait, as poll() bounds the rest.
 */
static int connect_to(const char *path, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	struct sockaddr_un sun;
	int fd;

	if (make_addr(path, &sun) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
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

/*
 * What is at path already: nothing, or a socket nobody answers on (a
 * killed daemon's), which goes. A socket that answers is another daemon;
 * anything else (a symlink, a file) is not ours to replace or follow.
 */
static int clear_path(const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = ENOTSOCK;
		return -1;
	}
	fd = connect_to(path, 1000);
	if (fd >= 0 || errno != ECONNREFUSED) {
		if (fd >= 0)
			close(fd);
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int rg_control_listen(const char *path, mode_t mode)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd, ret;

	if (make_addr(path, &sun) < 0 || make_parent(path) < 0 ||
	    clear_path(path) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* The umask gives the socket its mode from its first instant: no
	 * chmod by path afterwards, which would follow a planted link. */
	old = umask(~mode & 0777);
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
	ms = rg_mstime_diff(deadline, &now);
	return ms > 0 ? (int)ms : 0;
}

/* Connected: sends the line, reads to EOF; -1 with errno on any failure. */
static int exchange(int fd, const char *request, struct rg_strbuf *reply,
		    const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct rg_strbuf line;
	char buf[4096];
	ssize_t n;
	int ret;

	rg_strbuf_init(&line);
	rg_strbuf_addf(&line, "%s\n", request);
	/* A daemon that closed on us is an error here, never a SIGPIPE. */
	ret = rg_strbuf_failed(&line) ? -1 :
	      (int)send(fd, line.data, line.len, MSG_NOSIGNAL);
	rg_strbuf_free(&line);
	if (ret < 0)
		return -1;
	for (;;) {
		if (poll(&pfd, 1, remaining_ms(deadline)) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		rg_strbuf_addn(reply, buf, (size_t)n);
	}
	if (rg_strbuf_failed(reply)) {
		errno = ENOMEM;
		return -1;
	}
	/* Closed without a word: dropped, not answered. */
	if (reply->len == 0) {
		errno = ECONNRESET;
		return -1;
	}
	return 0;
}

int rg_control_request(const char *path, const char *request,
		       struct rg_strbuf *reply, int timeout_ms)
{
	struct timespec deadline;
	int fd, ret, err;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	rg_mstime_add(&deadline, timeout_ms);
	fd = connect_to(path, timeout_ms);
	if (fd < 0)
		return errno == ENOENT || errno == ECONNREFUSED ?
		       RG_CTL_REQ_NO_DAEMON : RG_CTL_REQ_NO_ANSWER;
	ret = exchange(fd, request, reply, &deadline) < 0 ? RG_CTL_REQ_NO_ANSWER : 0;
	err = errno;
	close(fd);
	errno = err;
	return ret;
}
