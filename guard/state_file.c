// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"

/* The parser stops at a NUL, so what follows one would go unchecked. */
static unsigned int nul_line(const char *text, size_t len)
{
	unsigned int line = 1;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!text[i])
			return line;
		if (text[i] == '\n')
			line++;
	}
	return 0;
}

int rg_state_load(const char *path, struct rg_state *s, char *err,
		  size_t errlen)
{
	char *text = NULL;
	unsigned int line;
	size_t len;
	int ret = -1;

	rg_state_clear(s);
	if (rg_read_file(path, &text, &len)) {
		if (errno == ENOENT)
			ret = 0;
		else if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	line = nul_line(text, len);
	if (line) {
		if (err && errlen)
			snprintf(err, errlen, "%s:%u: NUL byte in the file",
				 path, line);
		goto out;
	}
	ret = rg_state_parse(text, path, s, err, errlen);
out:
	free(text);
	return ret;
}

static int parent_dir(const char *path, char *dir, size_t len)
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

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;
	return 0;
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

/* Without it the rename itself may not survive a crash. */
static int sync_dir(const char *dir)
{
	int fd, ret, saved;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

static int tmp_name(const char *path, char *tmp, size_t len)
{
	int n = snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Writes and syncs a new file tmp; on failure it is gone again. */
static int write_tmp(const char *tmp, const struct rg_strbuf *text)
{
	int fd, ret = -1, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, rg_strbuf_str(text), text->len) || fsync(fd))
		goto out;
	ret = 0;
out:
	saved = errno;
	/* close() reports a failed delayed write on some filesystems (NFS). */
	if (close(fd) && !ret) {
		saved = errno;
		ret = -1;
	}
	if (ret)
		unlink(tmp);
	errno = saved;
	return ret;
}

int rg_state_save(const char *path, const struct rg_state *s)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	struct rg_strbuf text;
	bool made = false;
	int ret = -1, saved;

	rg_strbuf_init(&text);
	rg_state_serialize(s, &text);
	if (rg_strbuf_failed(&text)) {
		errno = ENOMEM;
		goto out;
	}
	if (parent_dir(path, dir, sizeof(dir)) || make_dir(dir) ||
	    tmp_name(path, tmp, sizeof(tmp)))
		goto out;
	/* Only a crashed process with our pid can have left this one. */
	if (unlink(tmp) && errno != ENOENT)
		goto out;
	if (write_tmp(tmp, &text))
		goto out;
	made = true;
	if (rename(tmp, path))
		goto out;
	made = false;
	if (sync_dir(dir))
		goto out;
	ret = 0;
out:
	saved = errno;
	if (made)
		unlink(tmp);
	rg_strbuf_free(&text);
	errno = saved;
	return ret;
}

int rg_state_set_aside(const char *path, char *aside, size_t len)
{
	time_t now = time(NULL);
	char stamp[32];
	struct tm tm;
	int n;

	if (!gmtime_r(&now, &tm))
		return -1;
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	n = snprintf(aside, len, "%s.bad-%s", path, stamp);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return rename(path, aside);
}
