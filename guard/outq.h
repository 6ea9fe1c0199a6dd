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
	pthread_cond_t work, idle;
	pthread_t thread;
	struct rg_ring ring;
	int fd;				/* -1: the lines go to syslog(3) */
	int newfd;			/* a reopened file, swapped in by the writer */
	bool running, stop, busy;
	atomic_bool abandon;		/* stop's wait is over: leave the line */
	/* The writer's lines: as many as fit, written with one write(). */
	char line[4 * RG_RING_LINE_MAX];
};

/* Starts the writer of fd (-1: syslog), with a ring of cap bytes. */
int rg_outq_start(struct rg_outq *q, int fd, size_t cap);
/*
 * Appends a line, never waiting: when the ring is full the line is
 * dropped whole and counted. Returns false when it was.
 */
bool rg_outq_put(struct rg_outq *q, int prio, const char *line, size_t len);
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
