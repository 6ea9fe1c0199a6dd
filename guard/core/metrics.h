/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_METRICS_H
#define RG_METRICS_H

#include <stdint.h>

#include "status.h"
#include "strbuf.h"

/*
 * The daemon's counters in the Prometheus text exposition format, version
 * 0.0.4. Pure: the daemon hands in a snapshot, this writes the text.
 */
#define RG_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Upper bounds of the handling-time buckets, in nanoseconds; +Inf follows. */
#define RG_HIST_BOUNDS 15
extern const uint64_t rg_metrics_hist_bounds_ns[RG_HIST_BOUNDS];

/* A latency histogram: counts per bucket (not cumulative), sum and count. */
struct rg_hist {
	uint64_t bucket[RG_HIST_BOUNDS + 1];	/* the last: above every bound */
	uint64_t count;
	uint64_t sum_ns;
};

/* Records one duration; no allocation, a few comparisons. */
void rg_metrics_hist_observe(struct rg_hist *h, uint64_t ns);

struct rg_metrics_info {
	const char *version;
	int64_t start_time_s;		/* CLOCK_REALTIME at start */
};

void rg_metrics_format(const struct rg_status *s, const struct rg_hist *h,
		       const struct rg_metrics_info *info, struct rg_strbuf *out);

/* A label value with \, " and newline escaped, as the format wants. */
void rg_metrics_label(struct rg_strbuf *out, const char *value);

#endif
