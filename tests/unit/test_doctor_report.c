// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "doctor_report.h"
#include "unit.h"

static struct rg_caps lab_kernel(void)
{
	struct rg_caps c;
	const struct rg_cap yes = { .state = RG_CAP_YES };

	memset(&c, 0, sizeof(c));
	strcpy(c.kernel, "6.18.44 x86_64");
	c.net_admin = c.nftables = c.compat_queue = c.nfqueue = yes;
	c.ctnetlink = c.nat_ipv4 = c.nat_ipv6 = yes;
	c.native_queue = (struct rg_cap){ .state = RG_CAP_NO, .err = ENOENT };
	c.nfqa_ct = (struct rg_cap){ .state = RG_CAP_NO, .err = EOPNOTSUPP };
	c.ct_entries_known = true;
	c.ct_entries = 42;
	return c;
}

static void test_text_names_paths_and_verdict(void)
{
	struct rg_caps c = lab_kernel();
	struct rg_strbuf sb;
	const char *s;

	rg_strbuf_init(&sb);
	rg_doctor_report_text(&c, &sb);
	s = rg_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "kernel 6.18.44 x86_64\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "CONFIG_NFT_QUEUE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "CONFIG_NETFILTER_NETLINK_GLUE_CT"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "42 tracked connections"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "queue path:     xt NFQUEUE target"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "conntrack path: ctnetlink lookup"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "reflguard can run here."));
	rg_strbuf_free(&sb);
	/* One is singular. */
	c.ct_entries = 1;
	rg_strbuf_init(&sb);
	rg_doctor_report_text(&c, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb), " 1 tracked connection\n"));
	rg_strbuf_free(&sb);
}

static void test_text_gives_reason_when_it_cannot_run(void)
{
	struct rg_caps c = lab_kernel();
	struct rg_strbuf sb;

	c.net_admin = (struct rg_cap){ .state = RG_CAP_NO, .err = EPERM };
	c.nftables = (struct rg_cap){ .state = RG_CAP_UNKNOWN, .err = EPERM };
	rg_strbuf_init(&sb);
	rg_doctor_report_text(&c, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"reflguard cannot run here: it needs root or CAP_NET_ADMIN"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"probe failed: Operation not permitted"));
	rg_strbuf_free(&sb);
}

static void test_json_document(void)
{
	struct rg_caps c = lab_kernel();
	struct rg_strbuf sb;
	const char *s;

	rg_strbuf_init(&sb);
	rg_doctor_report_json(&c, &sb);
	s = rg_strbuf_str(&sb);
	CU_ASSERT_EQUAL(s[0], '{');
	CU_ASSERT_EQUAL(s[strlen(s) - 1], '\n');
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"can_run\":true,\"reason\":null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"queue_path\":\"compat\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"ct_path\":\"lookup\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"native_queue\":{\"state\":\"no\",\"error\":\"No such file or directory\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"nfqa_ct\":{\"state\":\"no\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"ct_entries\":42"));
	rg_strbuf_free(&sb);
}

static void test_json_reason_when_it_cannot_run(void)
{
	struct rg_caps c = lab_kernel();
	struct rg_strbuf sb;

	c.compat_queue = (struct rg_cap){ .state = RG_CAP_NO, .err = ENOENT };
	rg_strbuf_init(&sb);
	rg_doctor_report_json(&c, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb), "\"can_run\":false,\"reason\":\"neither"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb), "\"queue_path\":\"none\""));
	rg_strbuf_free(&sb);
}

static const struct unit_test tests[] = {
	{ "text names the paths and the verdict", test_text_names_paths_and_verdict },
	{ "text gives the reason it cannot run", test_text_gives_reason_when_it_cannot_run },
	{ "JSON document", test_json_document },
	{ "JSON reason when it cannot run", test_json_reason_when_it_cannot_run },
	{ NULL, NULL }
};

int register_doctor_report_tests(void)
{
	return unit_add_suite("doctor_report", tests);
}
