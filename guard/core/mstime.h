/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_MSTIME_H
#define RG_MSTIME_H

#include <stdint.h>
#include <time.h>

/*
 * Milliseconds and struct timespec, one way everywhere: the callers read
 * the clock, these only count. Partial milliseconds are dropped.
 */

/* later - earlier, in ms (negative when later is the earlier one). */
long long rg_mstime_diff(const struct timespec *later,
			 const struct timespec *earlier);
/* t in ms since its clock's epoch. */
int64_t rg_mstime_of(const struct timespec *t);
/* t moved ms (0 or more) later, tv_nsec kept below a second. */
void rg_mstime_add(struct timespec *t, long ms);

#endif
