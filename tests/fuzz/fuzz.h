/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_FUZZ_H
#define RG_FUZZ_H

/*
 * Shared by the libFuzzer targets. Each target copies the input into a
 * heap block of exactly the size the parser is told (or one more, for the
 * NUL of a C string), so that ASan reports a read of a single byte past
 * it; libFuzzer's own buffer would hide some of those.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a finding: abort() makes libFuzzer keep the input. */
#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static inline void *fuzz_alloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

/* Exactly size bytes, no NUL after them. */
static inline uint8_t *fuzz_copy(const uint8_t *data, size_t size)
{
	uint8_t *p = fuzz_alloc(size);

	if (size)
		memcpy(p, data, size);
	return p;
}

/* A C string of the input; an inner NUL ends it, as for a file's text. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *p = fuzz_alloc(size + 1);

	if (size)
		memcpy(p, data, size);
	p[size] = '\0';
	return p;
}

/* An error message must be a NUL-terminated string inside its buffer. */
static inline int fuzz_terminated(const char *buf, size_t len)
{
	return memchr(buf, '\0', len) != NULL;
}

#endif
