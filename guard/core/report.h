/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_REPORT_H
#define RG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "strbuf.h"

/*
 * `reflguard report`: an events file summarised per Expressway-C for the
 * firewall's owner. Pure: the caller feeds the lines it has read and
 * prints the text it gets back.
 */
#define RG_REPORT_MAX_KEPT 8	/* distinct values listed per Expressway-C */
#define RG_REPORT_REASON_LEN 64
#define RG_REPORT_TS_LEN 28	/* "2026-11-25T12:00:00.123456Z" and NUL */
#define RG_REPORT_ACTION_LEN 24

/*
 * One events line, checked. The strings point into the parsed line: valid
 * only while rg_report_feed() runs.
 */
struct rg_report_ev {
	const char *type, *ts, *action, *reason;
	const char *c_ep, *e_public, *e_internal, *e_sees;
	struct rg_addr c, e_internal_addr;
	uint16_t c_port, e_internal_port;
	uint8_t proto;
	bool translated;
	bool flow;			/* "flow" or "refused": one per connection */
	unsigned long n;		/* connections it stands for: "repeats", else 1 */
	bool has_ttf;
	long long ttf_ms;		/* "verified": time_to_fix_ms */
};

/*
 * One Expressway-C towards one Expressway-E service (internal address,
 * protocol and port: what an exemption is keyed on), before and after
 * the fix, for the HTML report.
 */
struct rg_report_pair {
	struct rg_addr c;
	char e_public[RG_ENDPOINT_STRLEN];
	char e_internal[RG_ENDPOINT_STRLEN];
	struct rg_addr e_internal_addr;
	uint16_t e_internal_port;
	uint8_t proto;
	unsigned long flows, translated, resets;
	/* The first translated flow: C's own end, and the peer E saw. */
	char before_c[RG_ENDPOINT_STRLEN], before[RG_ENDPOINT_STRLEN];
	char before_ts[RG_REPORT_TS_LEN];
	/* The verified flow, else the newest clean one: "" when none. */
	char after[RG_ENDPOINT_STRLEN], after_ts[RG_REPORT_TS_LEN];
	/* The newest flow's action and reason ("" for none), and its time. */
	char action[RG_REPORT_ACTION_LEN], reason[RG_REPORT_REASON_LEN];
	char action_ts[RG_REPORT_TS_LEN];
	bool exempted, verified, has_ttf;
	long long ttf_ms;
};

struct rg_report_e {
	char pub[RG_ENDPOINT_STRLEN];
	char internal[RG_ENDPOINT_STRLEN];
	uint8_t proto;
};

struct rg_report_reason {
	char text[RG_REPORT_REASON_LEN];
	unsigned long flows;
};

/* The newest translated flow of one C: what its recommended fix is built from. */
struct rg_report_latest {
	char ts[RG_REPORT_TS_LEN];
	struct rg_addr c, e_internal;
	uint16_t e_internal_port;
	uint8_t proto;
	bool refused;
	bool exempted;			/* reflguard installed the fix */
	char reason[RG_REPORT_REASON_LEN];	/* "" when none */
};

struct rg_report_c {
	struct rg_addr addr;
	struct rg_report_e e[RG_REPORT_MAX_KEPT];
	size_t n_e;
	char sees[RG_REPORT_MAX_KEPT][RG_ENDPOINT_STRLEN];
	size_t n_sees;
	bool more_e, more_sees;		/* distinct values past the limit */
	bool real_seen;			/* some flow kept C's own address */
	char first[RG_REPORT_TS_LEN], last[RG_REPORT_TS_LEN];
	unsigned long flows, translated;
	struct rg_report_reason refused[RG_REPORT_MAX_KEPT];
	size_t n_refused;
	bool has_latest;
	struct rg_report_latest latest;
};

struct rg_report {
	struct rg_report_c *c;		/* in the order first seen */
	size_t n_c, cap_c;
	struct rg_report_pair *pair;	/* in the order first seen */
	size_t n_pair, cap_pair;
	/* flows: "flow" and "refused" events; the rest count remediation. */
	unsigned long flows, translated, skipped;
	unsigned long events;		/* lines read as a reflguard event */
	unsigned long refused, exempted, verified, resets;
	char first[RG_REPORT_TS_LEN], last[RG_REPORT_TS_LEN];	/* any event */
	bool failed;			/* out of memory: the summary is partial */
};

void rg_report_init(struct rg_report *r);
void rg_report_free(struct rg_report *r);
/*
 * Adds one line of an events file. Returns 0 when it was counted (or is
 * blank), -1 when it was skipped as malformed or memory ran out.
 */
int rg_report_feed(struct rg_report *r, const char *line, size_t len);
void rg_report_text(const struct rg_report *r, struct rg_strbuf *out);
void rg_report_json(const struct rg_report *r, struct rg_strbuf *out);

/* guard/core/report_pair.c: adds any event to its pair; -1 when out of memory. */
int rg_report_pair_add(struct rg_report *r, const struct rg_report_ev *ev);
/*
 * What E saw after the fix: the verified flow, or a clean flow newer than
 * the first translated one; NULL when there is none.
 */
const char *rg_report_pair_after(const struct rg_report_pair *p);

#endif
