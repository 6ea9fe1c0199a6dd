/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_OUTQ_H
#define RG_OUTQ_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "ring.h"

/*
 * One output stream of the daemon (the events, the human lines): the loop
 * appends whole lines to a bounded ring and never waits; a writer thread
 * of the stream's own does the write() or syslog() that may block, on a
 * pipe nobody reads or a stalled journal. When the ring is full a line is
 * dropped and counted, never a packet delayed.
 */
struct rg_outq {
	pthread_mutex_t mu;
	pthread_cond_t work, idle, room;
	pthread_t thread;
	struct rg_ring ring;
	int fd;				/* -1: the lines go to syslog(3) */
	int newfd;			/* a reopened file, swapped in by the writer */
	bool running, stop, busy;
	bool stalled;			/* no line written for STALL_MS: drop at once */
	int64_t budget_ns;		/* what put may still wait this wake-up */
	atomic_bool abandon;		/* stop's wait is over: leave the line */
	/* The writer's lines: as many as fit, written with one write(). */
	char line[4 * RG_RING_LINE_MAX];
};

/* What the loop may wait for room, in all, per wake-up. */
#define RG_OUTQ_BUDGET_MS 50

/* Starts the writer of fd (-1: syslog), with a ring of cap bytes. */
int rg_outq_start(struct rg_outq *q, int fd, size_t cap);
/*
 * Appends a line. When the ring is full, a writer that is only behind (a
 * burst into a file) gets a bounded wait for room, so that no line is
 * lost to a burst: at most 10 ms without any line written (then it is
 * stalled, and lines are dropped at once until it writes again), and at
 * most the budget in all. Returns false when the line was dropped.
 */
bool rg_outq_put(struct rg_outq *q, int prio, const char *line, size_t len);
/* The budget put may wait, in all, until the next call: once a wake-up. */
void rg_outq_budget(struct rg_outq *q, int ms);
/* The writer closes its fd and takes fd from its next line on. */
void rg_outq_reopen(struct rg_outq *q, int fd);
/* Lines dropped so far, and those of a burst just ended (see ring.h). */
uint64_t rg_outq_dropped(struct rg_outq *q);
uint64_t rg_outq_burst_end(struct rg_outq *q);
/*
 * Writes out what is buffered, waiting at most ms for a stalled reader,
 * then stops the writer; its fd is left to the caller.
 */
void rg_outq_stop(struct rg_outq *q, int ms);
bool rg_outq_running(const struct rg_outq *q);
int rg_outq_fd(const struct rg_outq *q);

#endif
