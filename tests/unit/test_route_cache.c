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

static struct rg_route_key key_of(const struct rg_addr *dst)
{
	struct rg_route_key k;

	memset(&k, 0, sizeof(k));
	k.dst = *dst;
	return k;
}

static void put(struct rg_route_cache *c, const struct rg_addr *dst, int oif)
{
	struct rg_route_key k = key_of(dst);
	struct rg_route r = { .oif = oif };

	rg_route_cache_put(c, &k, &r);
}

static bool get(struct rg_route_cache *c, const struct rg_addr *dst, int *oif)
{
	struct rg_route_key k = key_of(dst);
	struct rg_route r;

	if (!rg_route_cache_get(c, &k, &r))
		return false;
	*oif = r.oif;
	return true;
}

static void test_miss_then_hit(void)
{
	struct rg_route_cache *c = fresh();
	struct rg_addr a = addr("10.0.30.2");
	int oif = -1;

	CU_ASSERT_FALSE(get(c, &a, &oif));
	put(c, &a, 7);
	CU_ASSERT_TRUE(get(c, &a, &oif));
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

	put(c, &a, 3);
	put(c, &b, 4);
	rg_route_cache_flush(c);
	CU_ASSERT_FALSE(get(c, &a, &oif));
	CU_ASSERT_FALSE(get(c, &b, &oif));
	put(c, &b, 5);
	CU_ASSERT_TRUE(get(c, &b, &oif));
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
	put(c, &a, 3);
	rg_route_cache_flush(c);
	CU_ASSERT_EQUAL(c->gen, 1);
	CU_ASSERT_FALSE(get(c, &a, &oif));
	c->gen = UINT32_MAX;		/* what the slot would say otherwise */
	put(c, &a, 3);
	c->gen = 1;
	CU_ASSERT_FALSE(get(c, &a, &oif));
	free(c);
}

/* Same bytes, other family; and a colliding address replaces, never lies. */
static void test_keys_are_exact(void)
{
	struct rg_route_cache *c = fresh();
	struct rg_addr v4 = addr("10.0.0.1"), v6 = addr("::a00:1");
	char buf[32];
	int oif, i, wrong = 0;

	put(c, &v4, 1);
	CU_ASSERT_FALSE(get(c, &v6, &oif));
	for (i = 0; i < 4 * RG_ROUTE_CACHE_SLOTS; i++) {
		struct rg_addr a;

		snprintf(buf, sizeof(buf), "10.%d.%d.1", i / 256, i % 256);
		a = addr(buf);
		put(c, &a, i);
	}
	for (i = 0; i < 4 * RG_ROUTE_CACHE_SLOTS; i++) {
		struct rg_addr a;

		snprintf(buf, sizeof(buf), "10.%d.%d.1", i / 256, i % 256);
		a = addr(buf);
		if (get(c, &a, &oif) && oif != i)
			wrong++;
	}
	CU_ASSERT_EQUAL(wrong, 0);
	free(c);
}

/* Policy routing: the same destination from another source, interface
 * or mark is another question, with maybe another answer. */
static void test_key_has_policy_fields(void)
{
	struct rg_route_cache *c = fresh();
	struct rg_addr d = addr("10.0.10.2");
	struct rg_route_key k = key_of(&d), k2;
	struct rg_route r = { .oif = 1, .has_net = true }, got;

	rg_route_cache_put(c, &k, &r);
	k2 = k;
	k2.src = addr("10.0.30.2");
	CU_ASSERT_FALSE(rg_route_cache_get(c, &k2, &got));
	r.oif = 2;
	rg_route_cache_put(c, &k2, &r);
	k2 = k;
	k2.iif = 3;
	CU_ASSERT_FALSE(rg_route_cache_get(c, &k2, &got));
	k2 = k;
	k2.mark = 0x10;
	CU_ASSERT_FALSE(rg_route_cache_get(c, &k2, &got));
	CU_ASSERT_TRUE(rg_route_cache_get(c, &k, &got));
	CU_ASSERT_EQUAL(got.oif, 1);
	CU_ASSERT_TRUE(got.has_net);
	k2 = k;
	k2.src = addr("10.0.30.2");
	CU_ASSERT_TRUE(rg_route_cache_get(c, &k2, &got));
	CU_ASSERT_EQUAL(got.oif, 2);
	free(c);
}

static const struct unit_test tests[] = {
	{ "source, iif and mark are part of the key", test_key_has_policy_fields },
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
