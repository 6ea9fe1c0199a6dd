// SPDX-License-Identifier: GPL-2.0-or-later
/* exempt = lines: the config key, the state's static entries, --nft. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "nft_text.h"
#include "state.h"
#include "statics.h"
#include "unit.h"

static struct rg_config cfg;

static int parse(const char *text, char *err, size_t len)
{
	rg_config_defaults(&cfg);
	return rg_config_parse_text(&cfg, text, "rg.conf", err, len);
}

static void parse_fails(const char *text, const char *msg)
{
	char err[RG_ERR_LEN] = "";

	CU_ASSERT_EQUAL(parse(text, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, msg);
}

static struct rg_exemption ex(const char *c, const char *e, const char *pp)
{
	struct rg_exemption x;
	char err[RG_ERR_LEN];

	memset(&x, 0, sizeof(x));
	CU_ASSERT_EQUAL(rg_exemption_parse(c, e, pp, &x, err, sizeof(err)), 0);
	return x;
}

static void test_exempt_key(void)
{
	char err[RG_ERR_LEN] = "";
	struct rg_exemption a = ex("10.0.30.2", "10.0.10.2", "tcp/7003");
	struct rg_exemption b = ex("2001:db8:30::2", "2001:db8:10::2", "udp/7010");

	CU_ASSERT_EQUAL(parse("# pair\nexempt = 10.0.30.2 10.0.10.2 tcp/7003\n\n"
			      "exempt =  2001:db8:30::2\t2001:db8:10::2 udp/7010  # v6\n",
			      err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(cfg.n_static, 2);
	CU_ASSERT(rg_exemption_equal(&cfg.statics[0].x, &a));
	CU_ASSERT_EQUAL(cfg.statics[0].line, 2);
	CU_ASSERT(rg_exemption_equal(&cfg.statics[1].x, &b));
	CU_ASSERT_EQUAL(cfg.statics[1].line, 4);
	CU_ASSERT_STRING_EQUAL(cfg.static_file, "rg.conf");
	CU_ASSERT(cfg.given & RG_KEY_EXEMPT);
	CU_ASSERT_PTR_EQUAL(rg_config_static(&cfg, &b), &cfg.statics[1]);
	b.port = 7011;
	CU_ASSERT_PTR_NULL(rg_config_static(&cfg, &b));
}

static void test_exempt_errors(void)
{
	parse_fails("exempt = 10.0.30.2\n",
		    "rg.conf:1: expected 'C_ADDR E_INTERNAL PROTO/PORT' for exempt, got '10.0.30.2'");
	parse_fails("\nexempt = 10.0.30.2 10.0.10.2 tcp/7003 more\n",
		    "rg.conf:2: expected 'C_ADDR E_INTERNAL PROTO/PORT' for exempt, got '10.0.30.2 10.0.10.2 tcp/7003 more'");
	parse_fails("exempt = 10.0.30.2 10.0.10.2 sctp/7003\n",
		    "rg.conf:1: invalid PROTO/PORT 'sctp/7003' for exempt");
	parse_fails("exempt = 10.0.30.2 10.0.10.2 tcp/0\n",
		    "rg.conf:1: invalid PROTO/PORT 'tcp/0' for exempt");
	parse_fails("exempt = 10.0.30.2 2001:db8::2 tcp/7003\n",
		    "rg.conf:1: C_ADDR and E_INTERNAL are of different families for exempt");
	parse_fails("exempt = 10.0.30.300 10.0.10.2 tcp/7003\n",
		    "rg.conf:1: invalid address '10.0.30.300' for C_ADDR for exempt");
	parse_fails("exempt = 10.0.30.2 expe.example tcp/7003\n",
		    "rg.conf:1: invalid address 'expe.example' for E_INTERNAL (host names are not resolved: give the IP address) for exempt");
	parse_fails("exempt = 10.0.30.2 10.0.10.2 tcp/7001-7010\n",
		    "rg.conf:1: a single port is needed, not the range 'tcp/7001-7010' for exempt (one exempt line per port)");
	parse_fails("exempt = 10.0.30.2 10.0.10.2 tcp/7003\nexempt = 10.0.30.2  10.0.10.2 tcp/7003\n",
		    "rg.conf:2: duplicate exempt '10.0.30.2  10.0.10.2 tcp/7003' (also on line 1)");
	/* A bad line leaves no exempt line behind: nothing is installed. */
	CU_ASSERT_EQUAL(cfg.n_static, 0);
}

static void test_exempt_limit(void)
{
	char err[RG_ERR_LEN], v[64];
	unsigned int i;

	rg_config_defaults(&cfg);
	for (i = 0; i < RG_MAX_STATIC; i++) {
		snprintf(v, sizeof(v), "10.0.30.2 10.0.10.2 tcp/%u", 1000 + i);
		CU_ASSERT_EQUAL(rg_config_set(&cfg, "exempt", v, err, sizeof(err)), 0);
	}
	CU_ASSERT_EQUAL(rg_config_set(&cfg, "exempt", "10.0.30.2 10.0.10.2 tcp/9",
				      err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "too many exempt lines (at most 128)");
}

static void test_log_key(void)
{
	char err[RG_ERR_LEN] = "";
	struct rg_config over;

	CU_ASSERT_EQUAL(parse("log = syslog\n", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.log, RG_LOG_SYSLOG);
	CU_ASSERT_STRING_EQUAL(rg_config_log_target_name(cfg.log), "syslog");
	rg_config_defaults(&over);
	CU_ASSERT_EQUAL(over.log, RG_LOG_AUTO);
	CU_ASSERT_EQUAL(rg_config_set(&over, "log", "stderr", err, sizeof(err)), 0);
	rg_config_merge(&cfg, &over);
	CU_ASSERT_EQUAL(cfg.log, RG_LOG_STDERR);
	parse_fails("log = journal\n",
		    "rg.conf:1: unknown log target 'journal' (auto, stderr or syslog)");
}

static struct rg_state_entry entry(struct rg_exemption x, bool is_static)
{
	struct rg_state_entry e;

	memset(&e, 0, sizeof(e));
	e.x = x;
	strcpy(e.added, "2026-11-25T12:00:00.000000Z");
	strcpy(e.why, "learnt");
	e.is_static = is_static;
	return e;
}

static void test_apply(void)
{
	struct rg_exemption learnt = ex("10.0.30.9", "10.0.10.2", "tcp/7003");
	struct rg_exemption gone = ex("10.0.30.8", "10.0.10.2", "tcp/7003");
	struct rg_exemption both = ex("10.0.30.2", "10.0.10.2", "tcp/7003");
	struct rg_state_entry e, *got;
	struct rg_state s;
	char err[RG_ERR_LEN];

	CU_ASSERT_EQUAL(parse("exempt = 10.0.30.2 10.0.10.2 tcp/7003\n"
			      "exempt = 10.0.30.2 10.0.10.2 tcp/7004\n", err, sizeof(err)), 0);
	rg_state_init(&s);
	e = entry(learnt, false);
	rg_state_put(&s, &e);
	e = entry(gone, true);		/* a line since removed */
	rg_state_put(&s, &e);
	e = entry(both, false);		/* learnt, then made a line */
	e.verified = true;
	rg_state_put(&s, &e);
	CU_ASSERT_EQUAL(rg_statics_apply(&s, &cfg, "NOW"), 0);
	CU_ASSERT_EQUAL(s.n, 3);
	CU_ASSERT_PTR_NULL(rg_state_find(&s, &gone));
	CU_ASSERT_FALSE(rg_state_find(&s, &learnt)->is_static);
	got = rg_state_find(&s, &both);
	CU_ASSERT(got->is_static && got->verified);
	CU_ASSERT_STRING_EQUAL(got->added, "2026-11-25T12:00:00.000000Z");
	CU_ASSERT_STRING_EQUAL(got->why, "static (exempt line rg.conf:1)");
	got = rg_state_find(&s, &cfg.statics[1].x);
	CU_ASSERT(got && got->is_static && !got->verified);
	CU_ASSERT_STRING_EQUAL(got->added, "NOW");
	CU_ASSERT_STRING_EQUAL(got->why, "static (exempt line rg.conf:2)");
	/* Statics count against no limit; flush keeps them. */
	CU_ASSERT_EQUAL(rg_state_dynamic(&s), 1);
	rg_state_clear_dynamic(&s);
	CU_ASSERT_EQUAL(s.n, 2);
	CU_ASSERT_EQUAL(rg_state_dynamic(&s), 0);
	/* No lines: every static entry is withdrawn. */
	rg_config_defaults(&cfg);
	CU_ASSERT_EQUAL(rg_statics_apply(&s, &cfg, "NOW"), 0);
	CU_ASSERT_EQUAL(s.n, 0);
	rg_state_free(&s);
}

static void test_state_static_field(void)
{
	struct rg_state s, back;
	struct rg_state_entry e = entry(ex("10.0.30.2", "10.0.10.2", "tcp/7003"), true);
	struct rg_strbuf out;
	char err[RG_ERR_LEN];

	rg_state_init(&s);
	rg_state_init(&back);
	rg_state_put(&s, &e);
	e = entry(ex("10.0.30.3", "10.0.10.2", "tcp/7003"), false);
	rg_state_put(&s, &e);
	rg_strbuf_init(&out);
	rg_state_serialize(&s, &out);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&out), "\"verified\":false,\"static\":true}"));
	/* Learnt entries are written as before the key existed. */
	CU_ASSERT_PTR_NULL(strstr(strstr(rg_strbuf_str(&out), "10.0.30.3"), "static"));
	CU_ASSERT_EQUAL(rg_state_parse(rg_strbuf_str(&out), "s", &back, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(back.n, 2);
	CU_ASSERT(back.v[0].is_static);
	CU_ASSERT_FALSE(back.v[1].is_static);
	rg_state_free(&back);
	rg_state_init(&back);
	CU_ASSERT_EQUAL(rg_state_parse("{\"version\":1,\"exemptions\":[\n"
				       "{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":7003,\"added\":\"x\",\"why\":\"y\",\"verified\":false,\"static\":1}\n"
				       "]}\n", "s", &back, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "s:2: field 'static' is not true or false");
	rg_strbuf_free(&out);
	rg_state_free(&s);
	rg_state_free(&back);
}

static void test_nft_fragment(void)
{
	struct rg_exemption xs[3] = {
		ex("10.0.30.2", "10.0.10.2", "tcp/7003"),
		ex("2001:db8:30::2", "2001:db8:10::2", "tcp/7003"),
		ex("10.0.30.2", "10.0.10.2", "udp/7004"),
	};
	struct rg_strbuf out;

	rg_strbuf_init(&out);
	rg_nft_text_fragment(xs, 3, &out);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out),
		"#!/usr/sbin/nft -f\n"
		"# reflguard's exemptions, for `nft -f` on a firewall without reflguard\n"
		"\n"
		"table ip reflguard {}\n"
		"delete table ip reflguard\n"
		"table ip reflguard {\n"
		"\tset exempt4 {\n"
		"\t\ttype ipv4_addr . ipv4_addr . inet_proto . inet_service\n"
		"\t\telements = {\n"
		"\t\t\t10.0.30.2 . 10.0.10.2 . tcp . 7003,\n"
		"\t\t\t10.0.30.2 . 10.0.10.2 . udp . 7004\n"
		"\t\t}\n"
		"\t}\n"
		"\n"
		"\tchain exempt {\n"
		"\t\ttype nat hook postrouting priority srcnat - 10; policy accept;\n"
		"\t\tip saddr . ip daddr . meta l4proto . th dport @exempt4 counter snat ip to ip saddr\n"
		"\t}\n"
		"}\n"
		"\n"
		"table ip6 reflguard {}\n"
		"delete table ip6 reflguard\n"
		"table ip6 reflguard {\n"
		"\tset exempt6 {\n"
		"\t\ttype ipv6_addr . ipv6_addr . inet_proto . inet_service\n"
		"\t\telements = {\n"
		"\t\t\t2001:db8:30::2 . 2001:db8:10::2 . tcp . 7003\n"
		"\t\t}\n"
		"\t}\n"
		"\n"
		"\tchain exempt {\n"
		"\t\ttype nat hook postrouting priority srcnat - 10; policy accept;\n"
		"\t\tip6 saddr . ip6 daddr . meta l4proto . th dport @exempt6 counter snat ip6 to ip6 saddr\n"
		"\t}\n"
		"}\n");
	rg_strbuf_reset(&out);
	rg_nft_text_fragment(xs, 0, &out);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&out), "# (no exemption)\n"));
	CU_ASSERT_PTR_NULL(strstr(rg_strbuf_str(&out), "table"));
	rg_strbuf_free(&out);
}

static const struct unit_test tests[] = {
	{ "exempt lines: IPv4 and IPv6, with their line", test_exempt_key },
	{ "exempt errors name the line and keep nothing", test_exempt_errors },
	{ "at most RG_MAX_STATIC exempt lines", test_exempt_limit },
	{ "log = auto|stderr|syslog", test_log_key },
	{ "statics replace the state's static entries", test_apply },
	{ "state file: \"static\":true, only when static", test_state_static_field },
	{ "exempt list --nft: both families, identity snat", test_nft_fragment },
	{ NULL, NULL }
};

int register_statics_tests(void)
{
	return unit_add_suite("statics", tests);
}
