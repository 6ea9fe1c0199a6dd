/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_STRBUF_H
#define RG_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A growable string. Formatting code appends to one of these instead of
 * printing, so it stays free of I/O and can be unit-tested. An allocation
 * failure is sticky: later appends do nothing and rg_strbuf_failed() tells.
 */
struct rg_strbuf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

void rg_strbuf_init(struct rg_strbuf *sb);
void rg_strbuf_free(struct rg_strbuf *sb);
void rg_strbuf_reset(struct rg_strbuf *sb);
void rg_strbuf_add(struct rg_strbuf *sb, const char *s);
void rg_strbuf_addn(struct rg_strbuf *sb, const char *s, size_t n);
void rg_strbuf_addf(struct rg_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rg_strbuf_vaddf(struct rg_strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Never NULL: an empty or failed buffer reads as "". */
const char *rg_strbuf_str(const struct rg_strbuf *sb);
bool rg_strbuf_failed(const struct rg_strbuf *sb);

#endif
