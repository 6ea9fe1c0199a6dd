// SPDX-License-Identifier: GPL-2.0-or-later
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* systemd's RuntimeDirectory= (owned by the unit's User=), else /run/reflguard. */
static const char *run_dir(void)
{
	const char *d = getenv("RUNTIME_DIRECTORY");

	return d && d[0] == '/' && !strchr(d, ':') ? d : RG_RUN_DIR;
}

static int set_path(struct rg_lock *l, const char **name)
{
	struct stat st;
	int n;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -1;
	n = snprintf(l->path, sizeof(l->path), "%s/daemon-net-%lu.lock",
		     run_dir(), (unsigned long)st.st_ino);
	if (n < 0 || (size_t)n >= sizeof(l->path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	*name = strrchr(l->path, '/') + 1;
	return 0;
}

/* Whoever may write in the directory may take the lock: only its owner. */
static int open_dir(const char *path, size_t len)
{
	char dir[PATH_MAX];
	struct stat st;
	int fd;

	memcpy(dir, path, len);
	dir[len] = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* Ours, private and regular: another user's file would be theirs to lock. */
static int safe_file(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IRWXG | S_IRWXO))) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static pid_t read_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (pid_t)strtol(buf, NULL, 10);
}

/*
 * One attempt: 1 when the file we locked was replaced meanwhile (a holder
 * releasing it unlinks it), so the caller tries again.
 */
static int try_lock(struct rg_lock *l, int dfd, const char *name)
{
	struct stat a, b;
	int err, fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (safe_file(fd) < 0)
		goto fail;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			l->holder = read_holder(fd);
			errno = EADDRINUSE;
		}
		goto fail;
	}
	if (fstat(fd, &a) < 0 || fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) < 0 ||
	    a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
		close(fd);
		return 1;
	}
	if (ftruncate(fd, 0) < 0 || dprintf(fd, "%ld\n", (long)getpid()) < 0)
		goto fail;
	l->fd = fd;
	return 0;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int rg_lock_acquire(struct rg_lock *l)
{
	const char *name;
	int dfd, ret = 1, tries, err;

	l->fd = -1;
	l->holder = 0;
	if (set_path(l, &name) < 0)
		return -1;
	dfd = open_dir(l->path, (size_t)(name - 1 - l->path));
	if (dfd < 0)
		return -1;
	for (tries = 0; ret == 1 && tries < 8; tries++)
		ret = try_lock(l, dfd, name);
	err = errno;
	close(dfd);
	if (ret == 1)
		err = EAGAIN;
	errno = err;
	return ret == 0 ? 0 : -1;
}

void rg_lock_release(struct rg_lock *l)
{
	if (l->fd < 0)
		return;
	/* Unlinked while held: a waiter that opened it sees the change. */
	unlink(l->path);
	close(l->fd);
	l->fd = -1;
}
