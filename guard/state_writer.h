/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_STATE_WRITER_H
#define RG_STATE_WRITER_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "state.h"

/*
 * The state file written beside the daemon's loop, by a thread of its
 * own: a write (serialize, fsync the file and its directory) takes
 * milliseconds to seconds, and verdicts must not wait on it. The loop
 * hands over a copy of the entries when the thread is idle; changes made
 * meanwhile wait for the next copy, so a burst of exemptions costs a
 * few writes, not one each. The thread reports each write through an
 * eventfd the loop watches.
 *
 * The thread makes these system calls only (strace of a run): futex (the
 * mutex and the condition), mkdir, getpid, unlink, openat, write, fsync,
 * close, rename (the file, its temporary and its directory), write on
 * the eventfd, mmap, munmap, mprotect and madvise (malloc's arena of the
 * thread); glibc's thread start adds set_robust_list and rseq, its end
 * madvise and exit. The loop's side: eventfd2, clone3 (rt_sigprocmask
 * around it), read of the eventfd, futex. Its signals are all blocked.
 */
struct rg_state_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char path[PATH_MAX];
	int evfd;			/* readable: a write ended */
	bool started;
	/* Under mu. */
	struct rg_state_entry *next;	/* handed over, not yet written */
	size_t n_next;
	bool has_next, busy, stop;
	uint64_t writes, failures;	/* ended writes, of them failed */
	int last_errno;			/* of the last write, 0 when it worked */
};

/* Starts the thread, for a copy of path; -1 with errno. */
int rg_state_writer_start(struct rg_state_writer *w, const char *path);
/*
 * Hands a copy of s over when the thread is idle: 1 when handed, 0 when
 * it is busy (offer again after its next report), -1 (ENOMEM).
 */
int rg_state_writer_offer(struct rg_state_writer *w, const struct rg_state *s);
/* Reads the eventfd; the counters and the last write's errno. */
void rg_state_writer_result(struct rg_state_writer *w, uint64_t *writes,
			    uint64_t *failures, int *last_errno);
/*
 * Writes s (when not NULL) after whatever is being written, then stops
 * the thread. 0, or -1 with errno when that last write failed.
 */
int rg_state_writer_stop(struct rg_state_writer *w, const struct rg_state *s);

#endif
