// SPDX-License-Identifier: GPL-2.0-or-later
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
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

int rg_read_file(const char *path, char **out, size_t *len)
{
	size_t used = 0, cap = 0;
	char *buf = NULL;
	ssize_t r;
	int fd, ret = -1, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
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
