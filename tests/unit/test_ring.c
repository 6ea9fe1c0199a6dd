// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "ring.h"
#include "unit.h"

static char out[RG_RING_LINE_MAX];

static void test_fifo(void)
{
	struct rg_ring r;
	int tag = -1;

	CU_ASSERT_EQUAL_FATAL(rg_ring_init(&r, 256), 0);
	CU_ASSERT(rg_ring_empty(&r));
	CU_ASSERT_EQUAL(rg_ring_get(&r, &tag, out), 0);
	CU_ASSERT(rg_ring_put(&r, 4, "one\n", 4));
	CU_ASSERT(rg_ring_put(&r, 6, "two!\n", 5));
	CU_ASSERT_EQUAL(rg_ring_peek(&r), 4);
	CU_ASSERT_EQUAL(rg_ring_get(&r, &tag, out), 4);
	CU_ASSERT_EQUAL(rg_ring_peek(&r), 5);
	CU_ASSERT_EQUAL(tag, 4);
	CU_ASSERT(!memcmp(out, "one\n", 4));
	CU_ASSERT_EQUAL(rg_ring_get(&r, &tag, out), 5);
	CU_ASSERT_EQUAL(tag, 6);
	CU_ASSERT(!memcmp(out, "two!\n", 5));
	CU_ASSERT(rg_ring_empty(&r));
	CU_ASSERT_EQUAL(rg_ring_peek(&r), 0);
	rg_ring_free(&r);
}

/* A full ring drops the new line whole, counts it, keeps the old ones. */
static void test_full_drops_whole_lines(void)
{
	char line[100];
	struct rg_ring r;
	int tag, n = 0;

	memset(line, 'x', sizeof(line));
	CU_ASSERT_EQUAL_FATAL(rg_ring_init(&r, 300), 0);
	while (rg_ring_put(&r, 0, line, sizeof(line)))
		n++;
	CU_ASSERT_EQUAL(n, 2);			/* 2 x (8 + 100) <= 300 < 3 x 108 */
	CU_ASSERT_FALSE(rg_ring_fits(&r, sizeof(line)));
	CU_ASSERT(rg_ring_fits(&r, 6));
	CU_ASSERT_EQUAL(r.dropped, 1);
	CU_ASSERT_FALSE(rg_ring_put(&r, 0, line, sizeof(line)));
	CU_ASSERT_EQUAL(r.dropped, 2);
	/* A shorter line still fits in what is left. */
	CU_ASSERT(rg_ring_put(&r, 0, "short\n", 6));
	CU_ASSERT_EQUAL(rg_ring_get(&r, &tag, out), sizeof(line));
	CU_ASSERT_EQUAL(rg_ring_get(&r, &tag, out), sizeof(line));
	CU_ASSERT_EQUAL(rg_ring_get(&r, &tag, out), 6);
	CU_ASSERT(!memcmp(out, "short\n", 6));
	rg_ring_free(&r);
}

/* Records wrap around the end of the buffer and come out intact: one
 * stays in while the next is written, so the offsets walk the ring. */
static size_t wrap_len(int i)
{
	return (size_t)(10 + i % 30);
}

static void test_wrap(void)
{
	char line[40], want[40];
	struct rg_ring r;
	int i, tag;

	CU_ASSERT_EQUAL_FATAL(rg_ring_init(&r, 130), 0);
	memset(line, 'a', sizeof(line));
	CU_ASSERT_FATAL(rg_ring_put(&r, 0, line, wrap_len(0)));
	for (i = 1; i < 60; i++) {
		memset(line, 'a' + i % 26, sizeof(line));
		CU_ASSERT_FATAL(rg_ring_put(&r, i, line, wrap_len(i)));
		memset(want, 'a' + (i - 1) % 26, sizeof(want));
		CU_ASSERT_EQUAL(rg_ring_get(&r, &tag, out), wrap_len(i - 1));
		CU_ASSERT_EQUAL(tag, i - 1);
		CU_ASSERT(!memcmp(out, want, wrap_len(i - 1)));
	}
	CU_ASSERT_EQUAL(r.dropped, 0);
	rg_ring_free(&r);
}

static void test_long_line_cut(void)
{
	static char big[RG_RING_LINE_MAX + 100];
	struct rg_ring r;
	int tag;

	CU_ASSERT_EQUAL_FATAL(rg_ring_init(&r, 2 * RG_RING_LINE_MAX), 0);
	CU_ASSERT(rg_ring_put(&r, 0, big, sizeof(big)));
	CU_ASSERT_EQUAL(rg_ring_get(&r, &tag, out), RG_RING_LINE_MAX);
	rg_ring_free(&r);
}

/* One report per burst of drops, once lines fit again. */
static void test_burst(void)
{
	char line[100] = { 0 };
	struct rg_ring r;
	int tag;

	CU_ASSERT_EQUAL_FATAL(rg_ring_init(&r, 120), 0);
	CU_ASSERT_EQUAL(rg_ring_burst_end(&r), 0);
	CU_ASSERT(rg_ring_put(&r, 0, line, 100));
	CU_ASSERT_FALSE(rg_ring_put(&r, 0, line, 100));
	CU_ASSERT_FALSE(rg_ring_put(&r, 0, line, 100));
	CU_ASSERT_EQUAL(rg_ring_burst_end(&r), 0);	/* still dropping */
	rg_ring_get(&r, &tag, out);
	CU_ASSERT(rg_ring_put(&r, 0, line, 100));
	CU_ASSERT_EQUAL(rg_ring_burst_end(&r), 2);
	CU_ASSERT_EQUAL(rg_ring_burst_end(&r), 0);
	CU_ASSERT_EQUAL(r.dropped, 2);
	rg_ring_free(&r);
}

int register_ring_tests(void)
{
	static const struct unit_test tests[] = {
		{ "fifo", test_fifo },
		{ "full drops whole lines", test_full_drops_whole_lines },
		{ "wrap", test_wrap },
		{ "long line cut", test_long_line_cut },
		{ "burst", test_burst },
		{ NULL, NULL },
	};

	return unit_add_suite("ring", tests);
}
