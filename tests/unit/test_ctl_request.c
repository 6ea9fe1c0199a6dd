// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "ctl_request.h"
#include "unit.h"

/*
 * Parsed from a heap copy of exactly len bytes, with no NUL after them,
 * so that ASan reports any read past what the client sent.
 */
static enum rg_ctl_request parse_n(const char *s, size_t len)
{
	char *copy = malloc(len ? len : 1);
	enum rg_ctl_request r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, s, len);
	r = rg_ctl_request_parse(copy, len);
	free(copy);
	return r;
}

static enum rg_ctl_request parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* What `reflguard status` and `exempt`/`teardown` send. */
static void test_client_requests(void)
{
	CU_ASSERT_EQUAL(parse("status json\n"), RG_CTL_STATUS_JSON);
	CU_ASSERT_EQUAL(parse("status text\n"), RG_CTL_STATUS_TEXT);
	CU_ASSERT_EQUAL(parse("reload-state\n"), RG_CTL_RELOAD_STATE);
	CU_ASSERT_EQUAL(parse("status\n"), RG_CTL_STATUS_TEXT);
	CU_ASSERT_EQUAL(parse("reload\n"), RG_CTL_RELOAD);
	CU_ASSERT_EQUAL(parse("stop\n"), RG_CTL_STOP);
	CU_ASSERT_EQUAL(parse("reload\r\n"), RG_CTL_RELOAD);
	CU_ASSERT_EQUAL(parse("stop"), RG_CTL_STOP);
}

/* The control group reads; whatever changes something is root's. */
static void test_changes(void)
{
	CU_ASSERT_FALSE(rg_ctl_request_changes(RG_CTL_STATUS_JSON));
	CU_ASSERT_FALSE(rg_ctl_request_changes(RG_CTL_STATUS_TEXT));
	CU_ASSERT_FALSE(rg_ctl_request_changes(RG_CTL_UNKNOWN));
	CU_ASSERT_TRUE(rg_ctl_request_changes(RG_CTL_RELOAD_STATE));
	CU_ASSERT_TRUE(rg_ctl_request_changes(RG_CTL_EXEMPT));
	CU_ASSERT_TRUE(rg_ctl_request_changes(RG_CTL_RELOAD));
	CU_ASSERT_TRUE(rg_ctl_request_changes(RG_CTL_STOP));
}

/* A buffer the daemon answers without a newline: it filled up. */
static void test_whole_buffer(void)
{
	CU_ASSERT_EQUAL(parse("status json"), RG_CTL_STATUS_JSON);
	CU_ASSERT_EQUAL(parse("status text"), RG_CTL_STATUS_TEXT);
	CU_ASSERT_EQUAL(parse("status"), RG_CTL_STATUS_TEXT);
	CU_ASSERT_EQUAL(parse("reload-state"), RG_CTL_RELOAD_STATE);
}

static void test_crlf(void)
{
	CU_ASSERT_EQUAL(parse("status json\r\n"), RG_CTL_STATUS_JSON);
	CU_ASSERT_EQUAL(parse("status text\r\n"), RG_CTL_STATUS_TEXT);
	CU_ASSERT_EQUAL(parse("status\r\n"), RG_CTL_STATUS_TEXT);
	CU_ASSERT_EQUAL(parse("reload-state\r\n"), RG_CTL_RELOAD_STATE);
	CU_ASSERT_EQUAL(parse("reload-state\r"), RG_CTL_RELOAD_STATE);
	/* One '\r' only, and only at the end. */
	CU_ASSERT_EQUAL(parse("status json\r\r\n"), RG_CTL_UNKNOWN);
	CU_ASSERT_EQUAL(parse("status\rjson\n"), RG_CTL_UNKNOWN);
}

/* Only the first line is the request. */
static void test_first_line_only(void)
{
	CU_ASSERT_EQUAL(parse("status json\nreload-state\n"), RG_CTL_STATUS_JSON);
	CU_ASSERT_EQUAL(parse("reload-state\nstatus json"), RG_CTL_RELOAD_STATE);
	CU_ASSERT_EQUAL(parse("\nstatus json\n"), RG_CTL_UNKNOWN);
}

static void test_unknown(void)
{
	static const char *const bad[] = {
		"", "\n", "\r\n", "status json extra\n", "status jsonx\n",
		"status textual\n", "statusjson\n", "status  json\n",
		" status json\n", "status json \n", "Status json\n",
		"STATUS JSON\n", "status js\n", "stat", "reload-state now\n",
		"reload-states\n", "reload now\n", "reloads\n", "stop now\n",
		"stopp\n", "Stop\n", " stop\n", "sto\n", "help\n", "status\tjson\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(parse(bad[i]), RG_CTL_UNKNOWN);
}

/* A NUL does not end the request early: "status json\0..." is not one. */
static void test_nul_bytes(void)
{
	CU_ASSERT_EQUAL(parse_n("status json\0\n", 13), RG_CTL_UNKNOWN);
	CU_ASSERT_EQUAL(parse_n("status\0json\n", 12), RG_CTL_UNKNOWN);
	CU_ASSERT_EQUAL(parse_n("\0", 1), RG_CTL_UNKNOWN);
	CU_ASSERT_EQUAL(parse_n("status json\nx\0y", 15), RG_CTL_STATUS_JSON);
}

/* Every cut of a request short of its last byte is not that request. */
static void test_truncated(void)
{
	static const char *const reqs[] = { "status json\n", "status text\n",
					    "reload-state\n" };
	size_t i, len;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		size_t full = strlen(reqs[i]);

		for (len = 0; len + 1 < full; len++) {
			enum rg_ctl_request want = RG_CTL_UNKNOWN;

			/* "status json" cut to "status" is a request too,
			 * and "reload-state" cut to "reload"; the daemon
			 * answers a line only once its newline came. */
			if (len == 6 && i < 2)
				want = RG_CTL_STATUS_TEXT;
			if (len == 6 && i == 2)
				want = RG_CTL_RELOAD;
			CU_ASSERT_EQUAL(parse_n(reqs[i], len), want);
		}
	}
}

/* A full 127-byte buffer with no newline, as the daemon passes it on. */
static void test_full_buffer(void)
{
	char buf[127];

	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "status json", 11);
	CU_ASSERT_EQUAL(parse_n(buf, sizeof(buf)), RG_CTL_UNKNOWN);
	CU_ASSERT_EQUAL(rg_ctl_request_parse(NULL, 0), RG_CTL_UNKNOWN);
}

static int parse_x(const char *s, struct rg_ctl_exempt *r)
{
	char err[256] = "";
	char *copy = malloc(strlen(s) + 1);
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, s, strlen(s));
	ret = rg_ctl_request_parse_exempt(copy, strlen(s), r, err, sizeof(err));
	free(copy);
	return ret;
}

/* exempt add/del/flush through the daemon: formatted, parsed back. */
static void test_exempt_round_trip(void)
{
	struct rg_ctl_exempt r, back;
	char line[RG_CTL_REQ_MAX + 1];

	CU_ASSERT_EQUAL(parse("exempt-flush\n"), RG_CTL_EXEMPT);
	CU_ASSERT_EQUAL(parse("exempt-add 10.0.30.2 10.0.10.2 tcp/7003\n"), RG_CTL_EXEMPT);
	CU_ASSERT_EQUAL(parse_n("exempt-\0add\n", 12), RG_CTL_UNKNOWN);
	CU_ASSERT_EQUAL(parse("exempt-\n"), RG_CTL_UNKNOWN);
	CU_ASSERT_EQUAL(parse_x("exempt-flush\n", &r), 0);
	CU_ASSERT_EQUAL(r.op, RG_CTL_X_FLUSH);
	CU_ASSERT_EQUAL(parse_x("exempt-add 10.0.30.2 10.0.10.2 tcp/7003 force", &r), 0);
	CU_ASSERT_EQUAL(r.op, RG_CTL_X_ADD);
	CU_ASSERT_TRUE(r.force);
	CU_ASSERT_EQUAL(r.x.port, 7003);
	CU_ASSERT_EQUAL_FATAL(rg_ctl_request_format_exempt(&r, line, sizeof(line)), 0);
	CU_ASSERT_STRING_EQUAL(line, "exempt-add 10.0.30.2 10.0.10.2 tcp/7003 force");
	CU_ASSERT_EQUAL(parse_x(line, &back), 0);
	CU_ASSERT_TRUE(rg_exemption_equal(&back.x, &r.x) && back.force);
	r.op = RG_CTL_X_DEL;
	r.force = false;
	CU_ASSERT_EQUAL_FATAL(parse_x("exempt-del ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff1 "
				      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff2 udp/65535", &r), 0);
	CU_ASSERT_EQUAL_FATAL(rg_ctl_request_format_exempt(&r, line, sizeof(line)), 0);
	CU_ASSERT_EQUAL(parse_x(line, &back), 0);
	CU_ASSERT_TRUE(rg_exemption_equal(&back.x, &r.x));
	CU_ASSERT_EQUAL(back.op, RG_CTL_X_DEL);
}

static void test_exempt_bad(void)
{
	static const char *const bad[] = {
		"exempt-flush now", "exempt-add 10.0.30.2 10.0.10.2",
		"exempt-add 10.0.30.2 10.0.10.2 tcp/7003 forced",
		"exempt-del 10.0.30.2 10.0.10.2 tcp/7003 force",
		"exempt-add 10.0.30.2 fd00::2 tcp/7003", "exempt-add 1 2 3",
		"exempt-nope", "exempt-add a b c d e f g",
	};
	struct rg_ctl_exempt r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(parse_x(bad[i], &r), -1);
}

static const struct unit_test tests[] = {
	{ "exempt requests: formatted and parsed back", test_exempt_round_trip },
	{ "exempt requests: malformed ones refused", test_exempt_bad },
	{ "what the clients send", test_client_requests },
	{ "which requests change something", test_changes },
	{ "request without newline", test_whole_buffer },
	{ "trailing carriage return", test_crlf },
	{ "first line only", test_first_line_only },
	{ "unknown requests", test_unknown },
	{ "NUL bytes", test_nul_bytes },
	{ "truncated requests", test_truncated },
	{ "full buffer, empty buffer", test_full_buffer },
	{ NULL, NULL },
};

int register_ctl_request_tests(void)
{
	return unit_add_suite("ctl_request", tests);
}
