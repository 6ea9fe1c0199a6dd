/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_LOCK_H
#define RG_LOCK_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * One daemon per network namespace: an flock(2) on a file named after the
 * namespace (its inode in /proc/self/ns/net), in reflguard's runtime
 * directory (/run/reflguard, or systemd's $RUNTIME_DIRECTORY). The kernel
 * releases the lock with its holder, however it dies. Only the directory's
 * owner (root, or the User= the unit runs as) can create or open the file,
 * so no other user can take the lock first: an abstract socket, which any
 * user can bind, once let `nobody` keep the daemon from starting.
 *
 * The commands that change what a daemon owns (teardown, exempt without a
 * daemon) take the same lock while they work, so none runs behind a daemon.
 */
#define RG_RUN_DIR "/run/reflguard"

struct rg_lock {
	int fd;				/* -1: not held */
	pid_t holder;			/* after EADDRINUSE: the holder, 0 if unknown */
	char path[PATH_MAX];
};

/*
 * Takes the lock without waiting. 0, or -1 with errno: EADDRINUSE when
 * another process holds it (l->holder its pid), EPERM when the directory
 * or the file is not safe (owned by someone else, writable by others, not
 * a regular file), or what the system said. l->path names the file.
 */
int rg_lock_acquire(struct rg_lock *l);
/* Releases it (the file goes too); a lock not held is left alone. */
void rg_lock_release(struct rg_lock *l);

#endif
