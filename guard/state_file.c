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

#include "errmsg.h"
#include "file.h"

/* Big reads: a state file of a million exemptions is a few hundred MB. */
#define CHUNK (1u << 20)

struct lines {
	char *buf;
	size_t have;	/* bytes in buf not yet handed to the reader */
};

/*
 * Hands every whole line in l to r and keeps the tail. A tail longer than
 * any valid line goes to r as it is, which refuses it by its length.
 */
static int feed(struct rg_state_reader *r, struct lines *l, bool eof)
{
	char *at = l->buf, *end = l->buf + l->have, *nl;

	while ((nl = memchr(at, '\n', (size_t)(end - at)))) {
		if (rg_state_reader_line(r, at, (size_t)(nl - at)))
			return -1;
		at = nl + 1;
	}
	if ((eof && at < end) || (size_t)(end - at) > RG_STATE_LINE_MAX) {
		if (rg_state_reader_line(r, at, (size_t)(end - at)))
			return -1;
		at = end;
	}
	l->have = (size_t)(end - at);
	memmove(l->buf, at, l->have);
	return 0;
}

/* Why a state file is not read: said plainly for the refusals. */
static const char *refusal(int err)
{
	if (err == ELOOP)
		return "a symbolic link: not followed (the state file must be a regular file)";
	if (err == EINVAL)
		return "not a regular file";
	if (err == EPERM)
		return "writable by group or others: not trusted (chmod 0600 it)";
	return strerror(err);
}

/* 1 on a parse error (err set), -1 with errno on a read error. */
static int read_lines(int fd, struct rg_state_reader *r)
{
	struct lines l = { .buf = malloc(CHUNK + RG_STATE_LINE_MAX + 1) };
	ssize_t got;
	int ret = -1;

	if (!l.buf)
		return -1;
	for (;;) {
		got = read(fd, l.buf + l.have, CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto out;
		l.have += (size_t)got;
		if (feed(r, &l, !got)) {
			ret = 1;
			goto out;
		}
		if (!got)
			break;
	}
	ret = rg_state_reader_end(r) ? 1 : 0;
out:
	free(l.buf);
	return ret;
}

/*
 * Read a line at a time rather than whole, so that the file's size
 * follows max-exemptions instead of a fixed read limit.
 */
int rg_state_file_load(const char *path, struct rg_state *s, char *err,
		       size_t errlen)
{
	struct rg_state_reader r;
	int fd, ret;

	rg_state_clear(s);
	fd = rg_file_open_private(path);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return rg_errmsgf(err, errlen, "%s: %s", path, refusal(errno));
	}
	rg_state_reader_init(&r, path, s, err, errlen);
	ret = read_lines(fd, &r);
	if (ret < 0)
		rg_errmsgf(err, errlen, "%s: %s", path, strerror(errno));
	close(fd);
	if (ret)
		rg_state_free(s);
	return ret ? -1 : 0;
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;
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

int rg_state_file_save(const char *path, const struct rg_state *s)
{
	char dir[PATH_MAX];
	struct rg_strbuf text;
	int ret = -1, saved;

	rg_strbuf_init(&text);
	rg_state_serialize(s, &text);
	if (rg_strbuf_failed(&text)) {
		errno = ENOMEM;
		goto out;
	}
	/* 0600, as it always was: only reflguard itself reads its state. */
	if (rg_file_dir(path, dir, sizeof(dir)) || make_dir(dir) ||
	    rg_file_write_atomic(path, rg_strbuf_str(&text), text.len, 0600) ||
	    sync_dir(dir))
		goto out;
	ret = 0;
out:
	saved = errno;
	rg_strbuf_free(&text);
	errno = saved;
	return ret;
}

int rg_state_file_set_aside(const char *path, char *aside, size_t len)
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
