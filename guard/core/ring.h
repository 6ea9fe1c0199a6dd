/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_RING_H
#define RG_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A bounded FIFO of whole lines, each with a small tag (a syslog
 * priority): what the daemon's output goes through, so that the loop only
 * appends and never waits on a reader (guard/outq.c does the writing).
 * A line that does not fit is dropped whole and counted: the buffer never
 * holds half a line, and never grows. Pure: no I/O, no locking.
 */
#define RG_RING_LINE_MAX 4096		/* longer lines are cut to this */

struct rg_ring {
	unsigned char *buf;
	size_t cap, head, used;		/* bytes; head: the oldest record */
	uint64_t dropped;		/* lines that did not fit, ever */
	uint64_t unreported;		/* of them, not yet told of */
	bool last_ok;			/* the last put fitted */
};

int rg_ring_init(struct rg_ring *r, size_t cap);
void rg_ring_free(struct rg_ring *r);
/* Appends one line; false (and counted) when it does not fit whole. */
bool rg_ring_put(struct rg_ring *r, int tag, const char *line, size_t len);
/*
 * Takes the oldest line out into buf (RG_RING_LINE_MAX bytes); returns its
 * length, or 0 when the ring is empty.
 */
size_t rg_ring_get(struct rg_ring *r, int *tag, char *buf);
bool rg_ring_empty(const struct rg_ring *r);
/* Whether a line of len bytes would fit now. */
bool rg_ring_fits(const struct rg_ring *r, size_t len);
/* The length of the oldest line, without taking it; 0 when empty. */
size_t rg_ring_peek(const struct rg_ring *r);
/*
 * Lines dropped in a burst that has ended (a line fitted again since),
 * counted once: one log line per burst, not per line. 0 while it lasts.
 */
uint64_t rg_ring_burst_end(struct rg_ring *r);

#endif
