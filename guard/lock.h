/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_LOCK_H
#define RG_LOCK_H

#include <sys/types.h>

/*
 * One daemon per network namespace: the lock is an abstract UNIX socket,
 * which the kernel scopes to the namespace and releases when its holder
 * dies, however it dies (kill -9 included), so no stale lock survives.
 *
 * Returns the lock's fd, or -1: errno EADDRINUSE when another daemon holds
 * it, with *holder its pid (0 when it cannot be told).
 */
int rg_lock_acquire(pid_t *holder);

#endif
