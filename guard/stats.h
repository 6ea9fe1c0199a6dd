/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_STATS_H
#define RG_STATS_H

#include <stdint.h>
#include <time.h>

#include "addr.h"
#include "state.h"
#include "strbuf.h"

/* Why a translated flow was refused: the words its event carries. */
enum rg_refuse_reason {
	RG_REFUSE_NOT_C = 0,		/* not-expressway-c */
	RG_REFUSE_ROUTE,		/* route-unknown */
	RG_REFUSE_SAME_SEGMENT,		/* same-segment */
	RG_REFUSE_LIMIT,		/* limit */
	RG_REFUSE_INEFFECTIVE,		/* exemption-ineffective */
	RG_REFUSE_SAME_LINK,		/* same-link */
	RG_REFUSE_OTHER,		/* any word added later */
	RG_REFUSE_N
};

/* The word for each reason, in enum order. */
extern const char *const rg_refuse_reasons[RG_REFUSE_N];

/* What the daemon counts and remembers for `reflguard status`. Pure. */
struct rg_counters {
	uint64_t packets_queued;
	uint64_t packets_unparsed;
	uint64_t flows_classified;
	uint64_t translated_found;
	uint64_t refused;
	uint64_t lookup_failures;
	uint64_t lookup_overruns;	/* lookup answers lost to ENOBUFS */
	uint64_t queue_drops;		/* dropped by the kernel, from /proc */
	uint64_t queue_user_drops;	/* could not be delivered to us */
	uint64_t queue_overflow;	/* matched but let through unqueued */
	uint64_t enobufs;
	uint64_t scan_flows;
	uint64_t exempted;
	uint64_t verified;
	uint64_t resets;
	uint64_t reinstated;
	uint64_t unexempted;		/* exemptions the daemon removed */
	uint64_t events_dropped;	/* events lines the stalled output lost */
	uint64_t log_dropped;		/* log lines the same */
	uint64_t state_writes;		/* state file writes ended */
	uint64_t state_write_failures;	/* of them, failed */
	uint64_t ct_events;		/* marked entries the kernel let through */
	uint64_t adopted;		/* a pair's peer's exemptions taken */
	uint64_t adopt_refused;		/* marked entries this node would not exempt */
	uint64_t ct_events_overruns;	/* the marked-entry event socket's ENOBUFS */
	uint64_t refused_by[RG_REFUSE_N];	/* refused, split by reason */
};

/* Counts one refusal: the total and its reason's share. */
void rg_counters_refused(struct rg_counters *c, const char *reason);

#define RG_MAX_FINDINGS 64

/* The most recent event for each Expressway-C address. */
struct rg_finding {
	struct rg_addr c;
	char *event_json;		/* one JSON object, no newline */
};

struct rg_status {
	const char *mode;
	const char *queue_path;
	const char *ct_path;
	uint16_t queue;
	long pid;
	struct timespec started;	/* CLOCK_MONOTONIC */
	struct rg_counters counters;
	struct rg_finding findings[RG_MAX_FINDINGS];
	unsigned int n_findings;
	const struct rg_state *state;	/* remediate: the active exemptions */
	bool has_time_to_fix;
	long long last_time_to_fix_ms;
};

void rg_status_init(struct rg_status *s);
void rg_status_free(struct rg_status *s);
/* Keeps json as the latest finding for c; the oldest C goes when full. */
int rg_status_remember(struct rg_status *s, const struct rg_addr *c,
		       const char *json);
void rg_status_json(const struct rg_status *s, const struct timespec *now,
		    struct rg_strbuf *out);

/* The same for a person: a few aligned lines. */
void rg_status_text(const struct rg_status *s, const struct timespec *now,
		    struct rg_strbuf *out);

#endif
