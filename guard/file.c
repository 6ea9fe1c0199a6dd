// SPDX-License-Identifier: GPL-2.0-or-later
#include "file.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Grows buf to hold need bytes. The limit keeps a wrong path (/dev/zero)
 * from eating memory; room for one byte past it and the NUL lets a file
 * of exactly RG_FILE_MAX bytes end in a read that returns 0.
 */
static int grow(char **buf, size_t *cap, size_t need)
{
	const size_t limit = RG_FILE_MAX + 2;
	size_t n = *cap ? *cap : 4096;
	char *p;

	if (need > limit) {
		errno = EFBIG;
		return -1;
	}
	while (n < need)
		n *= 2;
	if (n > limit)
		n = limit;
	p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

/* Reads fd to its end into a NUL-terminated buffer; closes fd. */
static int read_fd(int fd, char **out, size_t *len)
{
	size_t used = 0, cap = 0;
	char *buf = NULL;
	ssize_t r;
	int ret = -1, saved;

	for (;;) {
		if (used + 1 >= cap && grow(&buf, &cap, used + 2))
			goto out;
		r = read(fd, buf + used, cap - used - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (!r)
			break;
		used += (size_t)r;
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	buf = NULL;
	ret = 0;
out:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return ret;
}

int rg_file_read(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return read_fd(fd, out, len);
}

int rg_file_open_private(const char *path)
{
	/* O_NONBLOCK: a FIFO put there must not hang the open. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		int err = S_ISREG(st.st_mode) ? EPERM : EINVAL;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Unique per process, so two writers of one path never share it. */
static int tmp_name(const char *path, char *tmp, size_t len)
{
	int n = snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int rg_file_write_atomic(const char *path, const char *data, size_t len,
			 mode_t mode)
{
	char tmp[PATH_MAX];
	int fd = -1, ret = -1, saved;
	bool made = false;

	if (tmp_name(path, tmp, sizeof(tmp)))
		return -1;
	/*
	 * Only a crashed process with our pid can have left this one; O_EXCL
	 * below then makes sure nothing else put a file (or a link) there.
	 */
	if (unlink(tmp) && errno != ENOENT)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	made = true;
	if (write_all(fd, data, len) || fsync(fd))
		goto out;
	/* close() reports a failed delayed write on some filesystems (NFS). */
	ret = close(fd);
	fd = -1;
	if (ret || rename(tmp, path)) {
		ret = -1;
		goto out;
	}
	made = false;
	ret = 0;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	errno = saved;
	return ret;
}

int rg_file_dir(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/'), *from = path;
	size_t n;

	if (!slash) {
		from = ".";
		n = 1;
	} else {
		/* "/state.json" lives in "/", not in "". */
		n = slash == path ? 1 : (size_t)(slash - path);
	}
	if (n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, from, n);
	dir[n] = '\0';
	return 0;
}
