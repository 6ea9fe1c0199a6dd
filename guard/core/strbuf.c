// SPDX-License-Identifier: GPL-2.0-or-later
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rg_strbuf_init(struct rg_strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void rg_strbuf_free(struct rg_strbuf *sb)
{
	free(sb->data);
	rg_strbuf_init(sb);
}

void rg_strbuf_reset(struct rg_strbuf *sb)
{
	sb->len = 0;
	sb->failed = false;
	if (sb->data)
		sb->data[0] = '\0';
}

static bool reserve(struct rg_strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (sb->failed)
		return false;
	if (extra >= (size_t)-1 - sb->len) {
		sb->failed = true;
		return false;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = realloc(sb->data, cap);
	if (!p) {
		sb->failed = true;
		return false;
	}
	sb->data = p;
	sb->cap = cap;
	return true;
}

void rg_strbuf_addn(struct rg_strbuf *sb, const char *s, size_t n)
{
	if (!reserve(sb, n))
		return;
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void rg_strbuf_add(struct rg_strbuf *sb, const char *s)
{
	rg_strbuf_addn(sb, s, strlen(s));
}

/*
 * Formats straight into the room already there, and formats a second
 * time only when it did not fit: most appends fit, and printf is the
 * dearest part of an event.
 */
void rg_strbuf_vaddf(struct rg_strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	size_t room;
	int n;

	if (!reserve(sb, 0))
		return;
	room = sb->cap - sb->len;
	va_copy(copy, ap);
	n = vsnprintf(sb->data + sb->len, room, fmt, copy);
	va_end(copy);
	if (n < 0) {
		sb->data[sb->len] = '\0';
		sb->failed = true;
		return;
	}
	if ((size_t)n >= room) {
		/* Undo the cut copy: a failed reserve leaves the string as it was. */
		sb->data[sb->len] = '\0';
		if (!reserve(sb, (size_t)n))
			return;
		vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void rg_strbuf_addf(struct rg_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rg_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

const char *rg_strbuf_str(const struct rg_strbuf *sb)
{
	return sb->data && !sb->failed ? sb->data : "";
}

bool rg_strbuf_failed(const struct rg_strbuf *sb)
{
	return sb->failed;
}
