/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_EVENT_H
#define RG_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"
#include "strbuf.h"

/*
 * One finding, as written to the events file (one JSON object per line)
 * and as one human log line. Pure: formatting only.
 */
struct rg_event {
	const char *type;		/* flow, refused, exempted, verified, reset, adopted */
	struct timespec ts;		/* CLOCK_REALTIME */
	uint8_t proto;			/* IPPROTO_TCP / IPPROTO_UDP */
	struct rg_addr c;		/* Expressway-C, as it sent */
	uint16_t c_port;
	struct rg_addr e_public;	/* the address C dialled */
	uint16_t e_public_port;
	struct rg_addr e_internal;	/* where the firewall sent it */
	uint16_t e_internal_port;
	struct rg_addr e_sees;		/* the peer Expressway-E saw */
	uint16_t e_sees_port;
	bool translated;
	const char *action;		/* none, would-exempt, refused, exempted */
	const char *reason;		/* NULL: JSON null */
	const char *assumes;		/* what a fix relies on; NULL: no key */
	bool with_fix;			/* add "fix": the nft statements */
	const char *element;		/* "exempted": the set element */
	const char *statement;		/* "exempted": the nft statement applied */
	const char *origin;		/* what told of the flow; NULL: no key
					 * ("conntrack-mark": a pair's peer) */
	long long time_to_fix_ms;	/* "verified": when has_time_to_fix */
	bool has_time_to_fix;
	/* A summary (guard/repeat.h): this event stands for `repeats` flows
	 * of its pair held back since `since`, itself the newest. 0: one. */
	unsigned long repeats;
	struct timespec since;
};

/* Community ID v1 ("1:" + base64 SHA-1), seed 0, of C's original tuple. */
int rg_community_id(const struct rg_addr *src, uint16_t sport,
		    const struct rg_addr *dst, uint16_t dport, uint8_t proto,
		    uint16_t seed, char *buf, size_t len);
#define RG_COMMUNITY_ID_LEN 64

/* Appends one JSON object and a newline. */
void rg_event_json(const struct rg_event *ev, struct rg_strbuf *out);
/*
 * The syslog priority of the event's human line: a translated finding or
 * a refusal is a warning, a fix a notice, a clean flow information.
 */
int rg_event_priority(const struct rg_event *ev);
/* Appends one line a firewall engineer can read, with a newline. */
void rg_event_human(const struct rg_event *ev, struct rg_strbuf *out);
/*
 * The nft statements remediation would apply for this flow, one per line,
 * each a complete command for `nft -f`.
 */
void rg_event_fix(const struct rg_event *ev, struct rg_strbuf *out);
/* Longer than the longest line of a fix (the IPv6 element line). */
#define RG_FIX_LINE_LEN 256
/* Line i of the fix, without its newline; false past the last. */
bool rg_event_fix_line(const struct rg_event *ev, unsigned int i, char *buf,
		       size_t len);
/* RFC 3339 UTC with microseconds: "2026-11-25T12:00:00.123456Z". */
void rg_format_ts(const struct timespec *ts, char *buf, size_t len);

#endif
