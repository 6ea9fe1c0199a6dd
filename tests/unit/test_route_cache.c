// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route_cache.h"
#include "unit.h"

static struct rg_route_cache *fresh(void)
{
	struct rg_route_cache *c = malloc(sizeof(*c));

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	rg_route_cache_init(c);
	return c;
}

static struct rg_addr addr(const char *s)
{
	struct rg_addr a;

	CU_ASSERT_EQUAL(rg_addr_parse(s, &a), 0);
	return a;
}

static void test_miss_then_hit(void)
{
	struct rg_route_cache *c = fresh();
	struct rg_addr a = addr("10.0.30.2");
	int oif = -1;

	CU_ASSERT_FALSE(rg_route_cache_get(c, &a, &oif));
	rg_route_cache_put(c, &a, 7);
	CU_ASSERT_TRUE(rg_route_cache_get(c, &a, &oif));
	CU_ASSERT_EQUAL(oif, 7);
	CU_ASSERT_EQUAL(c->hits, 1);
	CU_ASSERT_EQUAL(c->misses, 1);
	free(c);
}

static void test_flush_forgets_all(void)
{
	struct rg_route_cache *c = fresh();
	struct rg_addr a = addr("10.0.30.2"), b = addr("fd00:10::2");
	int oif;

	rg_route_cache_put(c, &a, 3);
	rg_route_cache_put(c, &b, 4);
	rg_route_cache_flush(c);
	CU_ASSERT_FALSE(rg_route_cache_get(c, &a, &oif));
	CU_ASSERT_FALSE(rg_route_cache_get(c, &b, &oif));
	rg_route_cache_put(c, &b, 5);
	CU_ASSERT_TRUE(rg_route_cache_get(c, &b, &oif));
	CU_ASSERT_EQUAL(oif, 5);
	free(c);
}

/* A slot's generation from before the wrap must not match after it. */
static void test_generation_wrap(void)
{
	struct rg_route_cache *c = fresh();
	struct rg_addr a = addr("10.0.30.2");
	int oif;

	c->gen = UINT32_MAX;
	rg_route_cache_put(c, &a, 3);
	rg_route_cache_flush(c);
	CU_ASSERT_EQUAL(c->gen, 1);
	CU_ASSERT_FALSE(rg_route_cache_get(c, &a, &oif));
	c->gen = UINT32_MAX;		/* what the slot would say otherwise */
	rg_route_cache_put(c, &a, 3);
	c->gen = 1;
	CU_ASSERT_FALSE(rg_route_cache_get(c, &a, &oif));
	free(c);
}

/* Same bytes, other family; and a colliding address replaces, never lies. */
static void test_keys_are_exact(void)
{
	struct rg_route_cache *c = fresh();
	struct rg_addr v4 = addr("10.0.0.1"), v6 = addr("::a00:1");
	char buf[32];
	int oif, i, wrong = 0;

	rg_route_cache_put(c, &v4, 1);
	CU_ASSERT_FALSE(rg_route_cache_get(c, &v6, &oif));
	for (i = 0; i < 4 * RG_ROUTE_CACHE_SLOTS; i++) {
		struct rg_addr a;

		snprintf(buf, sizeof(buf), "10.%d.%d.1", i / 256, i % 256);
		a = addr(buf);
		rg_route_cache_put(c, &a, i);
	}
	for (i = 0; i < 4 * RG_ROUTE_CACHE_SLOTS; i++) {
		struct rg_addr a;

		snprintf(buf, sizeof(buf), "10.%d.%d.1", i / 256, i % 256);
		a = addr(buf);
		if (rg_route_cache_get(c, &a, &oif) && oif != i)
			wrong++;
	}
	CU_ASSERT_EQUAL(wrong, 0);
	free(c);
}

static const struct unit_test tests[] = {
	{ "a miss, then the answer put", test_miss_then_hit },
	{ "a flush forgets every answer", test_flush_forgets_all },
	{ "the generation's wrap clears the slots", test_generation_wrap },
	{ "keys are exact: family and bytes", test_keys_are_exact },
	{ NULL, NULL }
};

int register_route_cache_tests(void)
{
	return unit_add_suite("route_cache", tests);
}
