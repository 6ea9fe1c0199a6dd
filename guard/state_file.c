// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errmsg.h"
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

int rg_state_load(const char *path, struct rg_state *s, char *err,
		  size_t errlen)
{
	char *text = NULL;
	unsigned int line;
	size_t len;
	int ret = -1;

	rg_state_clear(s);
	if (rg_read_file_private(path, &text, &len)) {
		if (errno == ENOENT)
			ret = 0;
		else
			rg_errf(err, errlen, "%s: %s", path, refusal(errno));
		goto out;
	}
	line = nul_line(text, len);
	if (line) {
		rg_errf(err, errlen, "%s:%u: NUL byte in the file", path, line);
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

int rg_state_save(const char *path, const struct rg_state *s)
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
	if (parent_dir(path, dir, sizeof(dir)) || make_dir(dir) ||
	    rg_write_file_atomic(path, rg_strbuf_str(&text), text.len, 0600) ||
	    sync_dir(dir))
		goto out;
	ret = 0;
out:
	saved = errno;
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
