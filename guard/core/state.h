/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_STATE_H
#define RG_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exemption.h"
#include "strbuf.h"

/*
 * The exemptions reflguard has installed, as kept in the state file so a
 * restart is in force from its first packet. Pure: text in, text out.
 *
 * The file is JSON in a fixed layout, one exemption per line, so that an
 * error can be named by its line:
 *
 *   {"version":1,"exemptions":[
 *   {"c":"10.0.30.2","e_internal":"10.0.10.2","proto":"tcp","port":7003,"added":"2026-11-25T12:00:00.000000Z","why":"...","verified":false},
 *   {...,"verified":false,"static":true},     (from an exempt line)
 *   ...
 *   ]}
 */
#define RG_STATE_WHY_LEN 160
#define RG_STATE_TS_LEN 32

struct rg_state_entry {
	struct rg_exemption x;
	char added[RG_STATE_TS_LEN];		/* RFC 3339 UTC */
	char why[RG_STATE_WHY_LEN];		/* what the flow looked like, or "manual" */
	bool verified;				/* a later connection was seen clean */
	bool is_static;				/* from an exempt line: "static":true */
};

struct rg_state {
	struct rg_state_entry *v;
	size_t n, cap;
	/* An open-addressing index of v: position + 1, 0 for an empty slot;
	 * idx_cap is a power of two at least twice n. A state of a million
	 * exemptions loads in linear time. */
	uint32_t *idx;
	size_t idx_cap;
	size_t n_static;	/* of n: asked per flow, so kept, not counted */
};

void rg_state_init(struct rg_state *s);
void rg_state_free(struct rg_state *s);
/*
 * Copies e in; an entry for the same exemption is replaced. -1 with errno
 * EINVAL for an invalid exemption, ENOMEM when it cannot grow.
 */
int rg_state_put(struct rg_state *s, const struct rg_state_entry *e);
/* 0 when removed, -1 (errno ENOENT) when not there. O(n): it keeps the
 * order and rebuilds the index. */
int rg_state_del(struct rg_state *s, const struct rg_exemption *x);
struct rg_state_entry *rg_state_find(const struct rg_state *s,
				     const struct rg_exemption *x);
void rg_state_clear(struct rg_state *s);
/* Entries not from exempt lines: what max-exemptions counts. */
size_t rg_state_dynamic(const struct rg_state *s);
/*
 * How the entry came: "static" (an exempt line), "manual" (reflguard
 * exempt add, whose why says so), "learnt" (from a translated flow).
 */
const char *rg_state_kind(const struct rg_state_entry *e);
/* Drops every entry but the static ones (exempt flush). */
void rg_state_clear_dynamic(struct rg_state *s);
/* Keeps, in order, the entries keep() says yes to; the index follows. */
void rg_state_keep(struct rg_state *s,
		   bool (*keep)(const struct rg_state_entry *, const void *),
		   const void *data);

void rg_state_serialize(const struct rg_state *s, struct rg_strbuf *out);
/*
 * Parses a whole file's text into *s (which must be empty). On error -1
 * with err as "FILE:LINE: message" and *s left empty.
 */
int rg_state_parse(const char *text, const char *filename, struct rg_state *s,
		   char *err, size_t errlen);

/*
 * The same, a line at a time, for a file too large to hold whole: init,
 * each line without its '\n', then end. Any -1 leaves err set; the
 * caller then frees *s. A line is at most RG_STATE_LINE_MAX bytes (the
 * longest valid one, every "why" byte escaped, is under half of it) and a
 * file holds at most RG_STATE_MAX_ENTRIES exemptions: the largest
 * max-exemptions and every exempt line.
 */
#define RG_STATE_LINE_MAX 4096u
#define RG_STATE_MAX_ENTRIES (1000000u + 128u)

struct rg_state_reader {
	const char *file;
	struct rg_state *s;
	char *err;
	size_t errlen;
	int where;
	unsigned int line;
	unsigned int obj_line;	/* the last exemption's line, 0 before one */
	bool comma;		/* that line ended in ',' */
};

void rg_state_reader_init(struct rg_state_reader *r, const char *filename,
			  struct rg_state *s, char *err, size_t errlen);
int rg_state_reader_line(struct rg_state_reader *r, const char *line,
			 size_t n);
int rg_state_reader_end(struct rg_state_reader *r);

#endif
