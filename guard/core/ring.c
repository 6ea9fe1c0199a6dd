// SPDX-License-Identifier: GPL-2.0-or-later
#include "ring.h"

#include <stdlib.h>
#include <string.h>

/* Each record: this header, then the line's bytes. */
struct rec {
	uint32_t len;
	int32_t tag;
};

int rg_ring_init(struct rg_ring *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->buf = malloc(cap);
	if (!r->buf)
		return -1;
	r->cap = cap;
	return 0;
}

void rg_ring_free(struct rg_ring *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/* Copies n bytes in at logical offset off from head, wrapping. */
static void copy_in(struct rg_ring *r, size_t off, const void *p, size_t n)
{
	size_t at = (r->head + off) % r->cap, first = r->cap - at;

	if (first > n)
		first = n;
	memcpy(r->buf + at, p, first);
	memcpy(r->buf, (const unsigned char *)p + first, n - first);
}

static void copy_out(const struct rg_ring *r, size_t off, void *p, size_t n)
{
	size_t at = (r->head + off) % r->cap, first = r->cap - at;

	if (first > n)
		first = n;
	memcpy(p, r->buf + at, first);
	memcpy((unsigned char *)p + first, r->buf, n - first);
}

bool rg_ring_fits(const struct rg_ring *r, size_t len)
{
	if (len > RG_RING_LINE_MAX)
		len = RG_RING_LINE_MAX;
	return r->cap - r->used >= sizeof(struct rec) + len;
}

bool rg_ring_put(struct rg_ring *r, int tag, const char *line, size_t len)
{
	struct rec h;

	if (len > RG_RING_LINE_MAX)
		len = RG_RING_LINE_MAX;
	if (!len)
		return true;
	r->last_ok = rg_ring_fits(r, len);
	if (!r->last_ok) {
		r->dropped++;
		r->unreported++;
		return false;
	}
	h.len = (uint32_t)len;
	h.tag = tag;
	copy_in(r, r->used, &h, sizeof(h));
	copy_in(r, r->used + sizeof(h), line, len);
	r->used += sizeof(h) + len;
	return true;
}

size_t rg_ring_get(struct rg_ring *r, int *tag, char *buf)
{
	struct rec h;

	if (r->used < sizeof(h))
		return 0;
	copy_out(r, 0, &h, sizeof(h));
	copy_out(r, sizeof(h), buf, h.len);
	*tag = h.tag;
	r->head = (r->head + sizeof(h) + h.len) % r->cap;
	r->used -= sizeof(h) + h.len;
	if (!r->used)
		r->head = 0;
	return h.len;
}

size_t rg_ring_peek(const struct rg_ring *r)
{
	struct rec h;

	if (r->used < sizeof(h))
		return 0;
	copy_out(r, 0, &h, sizeof(h));
	return h.len;
}

bool rg_ring_empty(const struct rg_ring *r)
{
	return r->used == 0;
}

uint64_t rg_ring_burst_end(struct rg_ring *r)
{
	uint64_t n = r->unreported;

	if (!r->last_ok)
		return 0;
	r->unreported = 0;
	return n;
}
