// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "config_warn.h"
#include "unit.h"

static void assert_addr(const struct rg_addr *a, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	rg_addr_format(a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void assert_range(const struct rg_port_range *r, uint8_t proto,
			 uint16_t lo, uint16_t hi)
{
	CU_ASSERT_EQUAL(r->proto, proto);
	CU_ASSERT_EQUAL(r->lo, lo);
	CU_ASSERT_EQUAL(r->hi, hi);
}

static void set_ok(struct rg_config *c, const char *key, const char *value)
{
	char err[RG_ERR_LEN] = "";

	CU_ASSERT_EQUAL(rg_config_set(c, key, value, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
}

/* The setting fails with exactly msg and leaves c as it was. */
static void set_fails_on(struct rg_config *c, const char *key,
			 const char *value, const char *msg)
{
	static struct rg_config before;
	char err[RG_ERR_LEN] = "";

	memcpy(&before, c, sizeof(before));
	CU_ASSERT_EQUAL(rg_config_set(c, key, value, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, msg);
	CU_ASSERT_EQUAL(memcmp(c, &before, sizeof(before)), 0);
}

static void set_fails(const char *key, const char *value, const char *msg)
{
	static struct rg_config c;

	rg_config_defaults(&c);
	set_fails_on(&c, key, value, msg);
}

static void test_defaults(void)
{
	struct rg_config c;

	memset(&c, 0xa5, sizeof(c));
	rg_config_defaults(&c);
	CU_ASSERT_EQUAL(c.mode, RG_MODE_DRY_RUN);
	CU_ASSERT_EQUAL(c.n_e, 0);
	CU_ASSERT_EQUAL(c.n_c, 0);
	CU_ASSERT_EQUAL_FATAL(c.n_ports, 1);
	assert_range(&c.ports[0], IPPROTO_TCP, 7001, 7010);
	CU_ASSERT_EQUAL(c.queue, RG_DEFAULT_QUEUE);
	CU_ASSERT_STRING_EQUAL(c.events, RG_DEFAULT_EVENTS);
	CU_ASSERT_STRING_EQUAL(c.state, RG_DEFAULT_STATE);
	CU_ASSERT_STRING_EQUAL(c.control, RG_DEFAULT_CONTROL);
	CU_ASSERT_EQUAL(c.given, 0);
}

static void test_set_mode(void)
{
	struct rg_config c;

	rg_config_defaults(&c);
	set_ok(&c, "mode", "remediate");
	CU_ASSERT_EQUAL(c.mode, RG_MODE_REMEDIATE);
	set_ok(&c, "mode", "dry-run");
	CU_ASSERT_EQUAL(c.mode, RG_MODE_DRY_RUN);
	CU_ASSERT_EQUAL(c.given, RG_KEY_MODE);
	set_fails("mode", "fast", "unknown mode 'fast' (dry-run or remediate)");
	set_fails("mode", "Dry-Run", "unknown mode 'Dry-Run' (dry-run or remediate)");
}

static void test_set_expressway_e(void)
{
	struct rg_config c;

	rg_config_defaults(&c);
	set_ok(&c, "expressway-e", "64.100.0.10");
	set_ok(&c, "expressway-e", "64.100.0.11=10.0.10.2");
	set_ok(&c, "expressway-e", "2001:db8:64::10=fd00:10::2");
	CU_ASSERT_EQUAL_FATAL(c.n_e, 3);
	assert_addr(&c.e[0].pub, "64.100.0.10");
	CU_ASSERT_FALSE(c.e[0].has_internal);
	CU_ASSERT_EQUAL(c.e[0].internal.family, 0);
	assert_addr(&c.e[1].pub, "64.100.0.11");
	CU_ASSERT_TRUE(c.e[1].has_internal);
	assert_addr(&c.e[1].internal, "10.0.10.2");
	assert_addr(&c.e[2].pub, "2001:db8:64::10");
	assert_addr(&c.e[2].internal, "fd00:10::2");
	CU_ASSERT_EQUAL(c.given, RG_KEY_E);
}

static void test_set_expressway_e_errors(void)
{
	struct rg_config c;
	char pub[32];
	int i;

	set_fails("expressway-e", "300.1.1.1",
		  "invalid address '300.1.1.1' for expressway-e");
	set_fails("expressway-e", "64.100.0.10=10.1",
		  "invalid address '10.1' in '64.100.0.10=10.1' for expressway-e");
	set_fails("expressway-e", "=10.0.10.2",
		  "invalid address '' in '=10.0.10.2' for expressway-e");
	set_fails("expressway-e", "64.100.0.10=",
		  "invalid address '' in '64.100.0.10=' for expressway-e");
	set_fails("expressway-e", "64.100.0.10:7003",
		  "invalid address '64.100.0.10:7003' for expressway-e");
	set_fails("expressway-e", "expressway.example.com",
		  "invalid address 'expressway.example.com' for expressway-e (host names are not resolved: give the IP address)");
	set_fails("expressway-e", "64.100.0.10=exp-e",
		  "invalid address 'exp-e' in '64.100.0.10=exp-e' for expressway-e (host names are not resolved: give the IP address)");
	set_fails("expressway-e", "64.100.0.10=fd00:10::2",
		  "mixed address families in '64.100.0.10=fd00:10::2' for expressway-e (PUBLIC=INTERNAL, both IPv4 or both IPv6)");

	rg_config_defaults(&c);
	set_ok(&c, "expressway-e", "64.100.0.10=10.0.10.2");
	set_fails_on(&c, "expressway-e", "64.100.0.10",
		     "duplicate expressway-e '64.100.0.10'");
	set_ok(&c, "expressway-e", "2001:db8:64::10");
	set_fails_on(&c, "expressway-e", "2001:DB8:64:0::10=fd00:10::2",
		     "duplicate expressway-e '2001:db8:64::10'");

	rg_config_defaults(&c);
	for (i = 0; i < RG_MAX_E; i++) {
		snprintf(pub, sizeof(pub), "64.100.0.%d", i + 1);
		set_ok(&c, "expressway-e", pub);
	}
	set_fails_on(&c, "expressway-e", "64.100.1.1",
		     "too many expressway-e (at most 16)");
}

static void test_set_expressway_c(void)
{
	struct rg_config c;

	rg_config_defaults(&c);
	set_ok(&c, "expressway-c", "10.0.30.7/24");
	set_ok(&c, "expressway-c", "10.0.31.3");
	set_ok(&c, "expressway-c", "fd00:30::/64");
	CU_ASSERT_EQUAL_FATAL(c.n_c, 3);
	assert_addr(&c.c[0].addr, "10.0.30.0");
	CU_ASSERT_EQUAL(c.c[0].len, 24);
	assert_addr(&c.c[1].addr, "10.0.31.3");
	CU_ASSERT_EQUAL(c.c[1].len, 32);
	assert_addr(&c.c[2].addr, "fd00:30::");
	CU_ASSERT_EQUAL(c.c[2].len, 64);
	CU_ASSERT_EQUAL(c.given, RG_KEY_C);
}

static void test_set_expressway_c_errors(void)
{
	struct rg_config c;
	char pfx[32];
	int i;

	set_fails("expressway-c", "10.0.0.0/33",
		  "invalid prefix length '/33' in '10.0.0.0/33' for expressway-c");
	set_fails("expressway-c", "fd00::/129",
		  "invalid prefix length '/129' in 'fd00::/129' for expressway-c");
	set_fails("expressway-c", "10.0.0.0/-1",
		  "invalid prefix length '/-1' in '10.0.0.0/-1' for expressway-c");
	set_fails("expressway-c", "10.0.0.0/",
		  "invalid prefix length '/' in '10.0.0.0/' for expressway-c");
	set_fails("expressway-c", "10.0.0.0/24x",
		  "invalid prefix length '/24x' in '10.0.0.0/24x' for expressway-c");
	set_fails("expressway-c", "300.0.0.0/8",
		  "invalid address '300.0.0.0' in '300.0.0.0/8' for expressway-c");
	set_fails("expressway-c", "expc.example/32",
		  "invalid address 'expc.example' in 'expc.example/32' for expressway-c (host names are not resolved: give the IP address)");
	set_fails("expressway-c", "/24",
		  "invalid address '' in '/24' for expressway-c");
	set_fails("expressway-c", "10.1",
		  "invalid address '10.1' for expressway-c");

	rg_config_defaults(&c);
	for (i = 0; i < RG_MAX_C; i++) {
		snprintf(pfx, sizeof(pfx), "10.0.%d.0/24", i);
		set_ok(&c, "expressway-c", pfx);
	}
	set_fails_on(&c, "expressway-c", "10.1.0.0/16",
		     "too many expressway-c (at most 64)");
}

static void test_set_ports(void)
{
	struct rg_config c;

	rg_config_defaults(&c);
	set_ok(&c, "ports", "tcp/7003, udp/5060-5070,\ttcp/7100,tcp/1-65535");
	CU_ASSERT_EQUAL_FATAL(c.n_ports, 4);
	assert_range(&c.ports[0], IPPROTO_TCP, 7003, 7003);
	assert_range(&c.ports[1], IPPROTO_UDP, 5060, 5070);
	assert_range(&c.ports[2], IPPROTO_TCP, 7100, 7100);
	assert_range(&c.ports[3], IPPROTO_TCP, 1, 65535);
	/* A second "ports" replaces the list, it does not add to it. */
	set_ok(&c, "ports", "udp/5061");
	CU_ASSERT_EQUAL_FATAL(c.n_ports, 1);
	assert_range(&c.ports[0], IPPROTO_UDP, 5061, 5061);
	CU_ASSERT_EQUAL(c.given, RG_KEY_PORTS);
}

static void test_set_ports_errors(void)
{
	char list[RG_MAX_PORTS * 12 + 16] = "";
	int i;

	set_fails("ports", "tcp/70000", "invalid port '70000' in 'tcp/70000' for ports");
	set_fails("ports", "tcp/0", "invalid port '0' in 'tcp/0' for ports");
	set_fails("ports", "sctp/1",
		  "unknown protocol 'sctp' in 'sctp/1' for ports (tcp or udp)");
	set_fails("ports", "tcp/10-5",
		  "invalid port range '10-5' in 'tcp/10-5' for ports (low port above high)");
	set_fails("ports", "tcp/", "invalid port '' in 'tcp/' for ports");
	set_fails("ports", "7003",
		  "missing protocol in '7003' for ports (tcp/PORT or udp/PORT)");
	set_fails("ports", "tcp/7003, udp/5060-70000",
		  "invalid port '70000' in 'udp/5060-70000' for ports");
	set_fails("ports", "tcp/-5", "invalid port '' in 'tcp/-5' for ports");
	set_fails("ports", "tcp/5-", "invalid port '' in 'tcp/5-' for ports");
	set_fails("ports", "tcp/1-2-3", "invalid port '2-3' in 'tcp/1-2-3' for ports");
	set_fails("ports", "tcp/7003 ,udp/5060",
		  "invalid port '7003 ' in 'tcp/7003 ' for ports");
	set_fails("ports", "tcp/7003,,udp/5060",
		  "empty entry in 'tcp/7003,,udp/5060' for ports");
	set_fails("ports", "tcp/7003, ", "empty entry in 'tcp/7003, ' for ports");
	set_fails("ports", ",tcp/7003", "empty entry in ',tcp/7003' for ports");

	for (i = 0; i <= RG_MAX_PORTS; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%stcp/%d", i ? "," : "", 7000 + i);
	set_fails("ports", list, "too many port ranges in 'tcp/7000,tcp/7001,tcp/7002,tcp/7003,tcp/7004,tcp/7005,tcp/7006,tcp/7007,tcp/7008,tcp/7009,tcp/7010,tcp/7011,tcp/7012,tcp/7013,tcp/7014,tcp/7015,tcp/7016,tcp/7017,tcp/7018,tcp/7019,tcp/7020,tcp/7021,tcp/7022,tcp/7023,tcp/7024,tcp/7025,tcp/7026,tcp/7027,tcp/7028,tcp/7029,tcp/7030,tcp/7031,tcp/7032' for ports (at most 32)");
}

static void test_set_queue(void)
{
	struct rg_config c;

	rg_config_defaults(&c);
	set_ok(&c, "queue", "0");
	CU_ASSERT_EQUAL(c.queue, 0);
	set_ok(&c, "queue", "65535");
	CU_ASSERT_EQUAL(c.queue, 65535);
	CU_ASSERT_EQUAL(c.given, RG_KEY_QUEUE);
	set_fails("queue", "65536", "invalid queue number '65536' for queue (0 to 65535)");
	set_fails("queue", "-1", "invalid queue number '-1' for queue (0 to 65535)");
	set_fails("queue", "7003x", "invalid queue number '7003x' for queue (0 to 65535)");
	set_fails("queue", "+7", "invalid queue number '+7' for queue (0 to 65535)");
	set_fails("queue", "99999999999999999999999",
		  "invalid queue number '99999999999999999999999' for queue (0 to 65535)");
}

static void test_set_metrics(void)
{
	struct rg_config c;

	rg_config_defaults(&c);
	CU_ASSERT_EQUAL(c.metrics.port, 0);
	set_ok(&c, "metrics", "9153");
	assert_addr(&c.metrics.addr, "127.0.0.1");
	CU_ASSERT_EQUAL(c.metrics.port, 9153);
	set_ok(&c, "metrics", "0.0.0.0:65535");
	assert_addr(&c.metrics.addr, "0.0.0.0");
	CU_ASSERT_EQUAL(c.metrics.port, 65535);
	set_ok(&c, "metrics", "[::1]:1");
	assert_addr(&c.metrics.addr, "::1");
	CU_ASSERT_EQUAL(c.metrics.port, 1);
	CU_ASSERT_EQUAL(c.given, RG_KEY_METRICS);
	set_fails("metrics", "0", "invalid port '0' in '0' for metrics (1 to 65535)");
	set_fails("metrics", "10.0.0.1:65536",
		  "invalid port '65536' in '10.0.0.1:65536' for metrics (1 to 65535)");
	set_fails("metrics", "10.0.0.1:", "invalid port '' in '10.0.0.1:' for metrics (1 to 65535)");
	set_fails("metrics", "10.0.0.1", "invalid port '10.0.0.1' in '10.0.0.1' for metrics (1 to 65535)");
	set_fails("metrics", "+9153", "invalid port '+9153' in '+9153' for metrics (1 to 65535)");
	set_fails("metrics", "10.0.0.300:9153",
		  "invalid address '10.0.0.300' in '10.0.0.300:9153' for metrics (ADDR:PORT, [ADDR6]:PORT or PORT)");
	set_fails("metrics", "::1:9153",
		  "invalid address '::1' in '::1:9153' for metrics (ADDR:PORT, [ADDR6]:PORT or PORT)");
	set_fails("metrics", "[10.0.0.1]:9153",
		  "invalid address '[10.0.0.1]' in '[10.0.0.1]:9153' for metrics (ADDR:PORT, [ADDR6]:PORT or PORT)");
	set_fails("metrics", "localhost:9153",
		  "invalid address 'localhost' in 'localhost:9153' for metrics (ADDR:PORT, [ADDR6]:PORT or PORT) (host names are not resolved: give the IP address)");
	set_fails("metrics", ":9153",
		  "invalid address '' in ':9153' for metrics (ADDR:PORT, [ADDR6]:PORT or PORT)");
}

static void test_set_paths(void)
{
	static char longpath[PATH_MAX + 1];
	struct rg_config c;

	rg_config_defaults(&c);
	set_ok(&c, "events", "/var/log/reflguard/events.jsonl");
	set_ok(&c, "state", "/tmp/state.json");
	set_ok(&c, "control", "/tmp/control.sock");
	CU_ASSERT_STRING_EQUAL(c.events, "/var/log/reflguard/events.jsonl");
	CU_ASSERT_STRING_EQUAL(c.state, "/tmp/state.json");
	CU_ASSERT_STRING_EQUAL(c.control, "/tmp/control.sock");
	set_ok(&c, "events", "-");
	CU_ASSERT_STRING_EQUAL(c.events, "-");
	CU_ASSERT_EQUAL(c.given, RG_KEY_EVENTS | RG_KEY_STATE | RG_KEY_CONTROL);

	memset(longpath, 'a', PATH_MAX);
	set_fails("state", longpath, "path too long for state (at most 4095 bytes)");
	longpath[PATH_MAX - 1] = '\0';
	set_ok(&c, "control", longpath);
	CU_ASSERT_EQUAL(strlen(c.control), PATH_MAX - 1);
}

static void test_set_empty_and_unknown(void)
{
	static const char *const keys[] = {
		"mode", "expressway-e", "expressway-c", "ports", "queue",
		"events", "state", "control", NULL
	};
	const char *const *k;
	char msg[64];

	for (k = keys; *k; k++) {
		snprintf(msg, sizeof(msg), "empty value for %s", *k);
		set_fails(*k, "", msg);
	}
	set_fails("foo", "bar", "unknown key 'foo'");
	set_fails("Mode", "dry-run", "unknown key 'Mode' (did you mean 'mode'?)");
	set_fails("expresway-e", "64.100.0.10",
		  "unknown key 'expresway-e' (did you mean 'expressway-e'?)");
	set_fails("expressway_c", "10.0.30.2",
		  "unknown key 'expressway_c' (did you mean 'expressway-c'?)");
	set_fails("no-reset", "yes",
		  "unknown key 'no-reset' (in a file, --no-reset is 'reset = no')");
	set_fails("", "x", "unknown key ''");
}

static void test_error_truncated_to_buffer(void)
{
	struct rg_config c;
	char err[8];

	rg_config_defaults(&c);
	CU_ASSERT_EQUAL(rg_config_set(&c, "foo", "x", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "unknown");
	CU_ASSERT_EQUAL(rg_config_set(&c, "foo", "x", NULL, 0), -1);
}

static const char good_file[] =
	"# reflguard.conf\r\n"
	"\n"
	"mode = dry-run\n"
	"  expressway-e   =  64.100.0.10=10.0.10.2   # the E of the note\n"
	"expressway-e=2001:db8:64::10\n"
	"expressway-c = 10.0.30.0/24\n"
	"expressway-c = 10.0.31.3\n"
	"ports = tcp/7001-7010, udp/5060\n"
	"queue = 7100\n"
	"events = /var/log/reflguard/events.jsonl\n"
	"state = /tmp/state#1.json\n"
	"control = /run/rg.sock\t# trailing\n"
	"\t# indented comment\n"
	"   \n";

static void test_parse_file(void)
{
	char err[RG_ERR_LEN] = "";
	struct rg_config c;

	rg_config_defaults(&c);
	CU_ASSERT_EQUAL_FATAL(rg_config_parse_text(&c, good_file, "rg.conf", err,
						   sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(c.mode, RG_MODE_DRY_RUN);
	CU_ASSERT_EQUAL_FATAL(c.n_e, 2);
	assert_addr(&c.e[0].pub, "64.100.0.10");
	assert_addr(&c.e[0].internal, "10.0.10.2");
	assert_addr(&c.e[1].pub, "2001:db8:64::10");
	CU_ASSERT_FALSE(c.e[1].has_internal);
	CU_ASSERT_EQUAL_FATAL(c.n_c, 2);
	CU_ASSERT_EQUAL(c.c[1].len, 32);
	CU_ASSERT_EQUAL_FATAL(c.n_ports, 2);
	assert_range(&c.ports[1], IPPROTO_UDP, 5060, 5060);
	CU_ASSERT_EQUAL(c.queue, 7100);
	CU_ASSERT_STRING_EQUAL(c.events, "/var/log/reflguard/events.jsonl");
	/* '#' inside a word is part of the value, not a comment. */
	CU_ASSERT_STRING_EQUAL(c.state, "/tmp/state#1.json");
	CU_ASSERT_STRING_EQUAL(c.control, "/run/rg.sock");
	CU_ASSERT_EQUAL(c.given, 0xff);
}

static void test_parse_line_ends(void)
{
	char err[RG_ERR_LEN] = "";
	struct rg_config c;

	rg_config_defaults(&c);
	CU_ASSERT_EQUAL(rg_config_parse_text(&c,
		"expressway-e = 64.100.0.10\r\nmode = remediate\r\nqueue = 5\r\n",
		"crlf.conf", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.queue, 5);
	/* The parser takes the word; only validation refuses it for now. */
	CU_ASSERT_EQUAL(c.mode, RG_MODE_REMEDIATE);
	CU_ASSERT_EQUAL(rg_config_parse_text(&c, "queue = 6\nstate = /x",
					     "nonl.conf", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.queue, 6);
	CU_ASSERT_STRING_EQUAL(c.state, "/x");
	CU_ASSERT_EQUAL(rg_config_parse_text(&c, "", "empty.conf", err,
					     sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.queue, 6);
}

/* The text fails with exactly msg and leaves the configuration as it was. */
static void parse_fails(const char *text, const char *msg)
{
	static struct rg_config c, before;
	char err[RG_ERR_LEN] = "";

	rg_config_defaults(&c);
	memcpy(&before, &c, sizeof(c));
	CU_ASSERT_EQUAL(rg_config_parse_text(&c, text, "t.conf", err,
					     sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, msg);
	CU_ASSERT_EQUAL(memcmp(&c, &before, sizeof(c)), 0);
}

static void test_parse_errors(void)
{
	parse_fails("# header\nqueue = 5\nexpressway-e = 300.1.1.1\n",
		    "t.conf:3: invalid address '300.1.1.1' for expressway-e");
	parse_fails("queue = 5\nmode dry-run\n",
		    "t.conf:2: expected 'key = value', got 'mode dry-run'");
	parse_fails("= 64.100.0.10\n", "t.conf:1: expected 'key = value', got '= 64.100.0.10'");
	parse_fails("\n\nmode =\n", "t.conf:3: empty value for mode");
	parse_fails("mode = # dry-run\n", "t.conf:1: empty value for mode");
	parse_fails("queue = 5\n\n\nfoo = bar\n", "t.conf:4: unknown key 'foo'");
	parse_fails("mode = fast\n", "t.conf:1: unknown mode 'fast' (dry-run or remediate)");
	parse_fails("queue = 5\r\nqueue = x\r\n",
		    "t.conf:2: invalid queue number 'x' for queue (0 to 65535)");
	parse_fails("expressway-c = 10.0.0.0/33",
		    "t.conf:1: invalid prefix length '/33' in '10.0.0.0/33' for expressway-c");
	parse_fails("# ports\nports = tcp/7003, tcp/70000  # game ports\n",
		    "t.conf:2: invalid port '70000' in 'tcp/70000' for ports");
	parse_fails("expressway-e = 64.100.0.10\nexpressway-e = 64.100.0.10\n",
		    "t.conf:2: duplicate expressway-e '64.100.0.10'");
}

static void test_merge(void)
{
	struct rg_config base, over;
	char err[RG_ERR_LEN];

	rg_config_defaults(&base);
	CU_ASSERT_EQUAL_FATAL(rg_config_parse_text(&base, good_file, "rg.conf",
						   err, sizeof(err)), 0);
	rg_config_defaults(&over);
	set_ok(&over, "expressway-e", "64.100.0.20");
	set_ok(&over, "queue", "9");
	set_ok(&over, "mode", "remediate");
	rg_config_merge(&base, &over);
	/* Lists are replaced whole; keys over did not give stay. */
	CU_ASSERT_EQUAL_FATAL(base.n_e, 1);
	assert_addr(&base.e[0].pub, "64.100.0.20");
	CU_ASSERT_FALSE(base.e[0].has_internal);
	CU_ASSERT_EQUAL(base.queue, 9);
	CU_ASSERT_EQUAL(base.mode, RG_MODE_REMEDIATE);
	CU_ASSERT_EQUAL(base.n_c, 2);
	CU_ASSERT_EQUAL(base.n_ports, 2);
	CU_ASSERT_STRING_EQUAL(base.state, "/tmp/state#1.json");
	CU_ASSERT_EQUAL(base.given, 0xff);

	rg_config_defaults(&base);
	rg_config_defaults(&over);
	set_ok(&over, "ports", "udp/5060");
	set_ok(&over, "expressway-c", "10.9.0.0/16");
	set_ok(&over, "events", "/tmp/ev");
	set_ok(&over, "state", "/tmp/st");
	set_ok(&over, "control", "/tmp/ctl");
	set_ok(&over, "metrics", "[::1]:9153");
	rg_config_merge(&base, &over);
	CU_ASSERT_EQUAL(base.given, RG_KEY_PORTS | RG_KEY_C | RG_KEY_EVENTS |
				    RG_KEY_STATE | RG_KEY_CONTROL | RG_KEY_METRICS);
	CU_ASSERT_EQUAL(base.metrics.port, 9153);
	assert_addr(&base.metrics.addr, "::1");
	CU_ASSERT_EQUAL_FATAL(base.n_ports, 1);
	assert_range(&base.ports[0], IPPROTO_UDP, 5060, 5060);
	CU_ASSERT_EQUAL(base.n_c, 1);
	CU_ASSERT_EQUAL(base.n_e, 0);
	CU_ASSERT_EQUAL(base.queue, RG_DEFAULT_QUEUE);
	CU_ASSERT_STRING_EQUAL(base.events, "/tmp/ev");
	CU_ASSERT_STRING_EQUAL(base.state, "/tmp/st");
	CU_ASSERT_STRING_EQUAL(base.control, "/tmp/ctl");
}

static void test_merge_nothing_given(void)
{
	static struct rg_config base, over, before;
	char err[RG_ERR_LEN];

	rg_config_defaults(&base);
	CU_ASSERT_EQUAL_FATAL(rg_config_parse_text(&base, good_file, "rg.conf",
						   err, sizeof(err)), 0);
	memcpy(&before, &base, sizeof(base));
	rg_config_defaults(&over);
	rg_config_merge(&base, &over);
	CU_ASSERT_EQUAL(memcmp(&base, &before, sizeof(base)), 0);
}

static void test_validate(void)
{
	char err[RG_ERR_LEN] = "";
	struct rg_config c;

	rg_config_defaults(&c);
	CU_ASSERT_EQUAL(rg_config_validate(&c, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "no expressway-e given (use --expressway-e or 'expressway-e =' in the config file)");
	set_ok(&c, "expressway-e", "64.100.0.10");
	err[0] = '\0';
	CU_ASSERT_EQUAL(rg_config_validate(&c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	set_ok(&c, "mode", "remediate");
	CU_ASSERT_EQUAL(rg_config_validate(&c, err, sizeof(err)), 0);
}

static void test_remediation_keys(void)
{
	struct rg_config c;

	rg_config_defaults(&c);
	CU_ASSERT_EQUAL(c.max_exemptions, 64);
	CU_ASSERT_TRUE(c.reset);
	set_ok(&c, "max-exemptions", "1000000");
	CU_ASSERT_EQUAL(c.max_exemptions, 1000000);
	set_ok(&c, "max-exemptions", "2");
	CU_ASSERT_EQUAL(c.max_exemptions, 2);
	set_ok(&c, "reset", "no");
	CU_ASSERT_FALSE(c.reset);
	set_ok(&c, "reset", "yes");
	CU_ASSERT_TRUE(c.reset);
	set_fails("max-exemptions", "0", "invalid number '0' for max-exemptions (1 to 1000000)");
	set_fails("max-exemptions", "1000001", "invalid number '1000001' for max-exemptions (1 to 1000000)");
	set_fails("max-exemptions", "-1", "invalid number '-1' for max-exemptions (1 to 1000000)");
	set_fails("reset", "maybe", "invalid value 'maybe' for reset (yes or no)");
	CU_ASSERT_EQUAL(c.same_link, RG_SAME_LINK_EXEMPT);
	set_ok(&c, "same-link", "refuse");
	CU_ASSERT_EQUAL(c.same_link, RG_SAME_LINK_REFUSE);
	set_ok(&c, "same-link", "exempt");
	CU_ASSERT_EQUAL(c.same_link, RG_SAME_LINK_EXEMPT);
	set_fails("same-link", "yes", "invalid value 'yes' for same-link (exempt or refuse)");
}

/* A firewall pair's peer's exemptions are adopted unless told not to. */
static void test_adopt_key(void)
{
	struct rg_config c;

	rg_config_defaults(&c);
	CU_ASSERT_TRUE(c.adopt);
	set_ok(&c, "adopt", "no");
	CU_ASSERT_FALSE(c.adopt);
	set_ok(&c, "adopt", "yes");
	CU_ASSERT_TRUE(c.adopt);
	set_ok(&c, "adopt", "off");
	CU_ASSERT_FALSE(c.adopt);
	set_ok(&c, "adopt", "on");
	CU_ASSERT_TRUE(c.adopt);
	set_fails("adopt", "maybe", "invalid value 'maybe' for adopt (yes or no)");
}

static void test_repeat_interval(void)
{
	struct rg_config c;

	rg_config_defaults(&c);
	CU_ASSERT_EQUAL(c.repeat_interval, 60);
	set_ok(&c, "repeat-interval", "0");
	CU_ASSERT_EQUAL(c.repeat_interval, 0);
	set_ok(&c, "repeat-interval", "86400");
	CU_ASSERT_EQUAL(c.repeat_interval, 86400);
	set_fails("repeat-interval", "86401", "invalid number of seconds '86401' for repeat-interval (0 to 86400)");
	set_fails("repeat-interval", "", "empty value for repeat-interval");
	set_fails("repeat-interval", "10s", "invalid number of seconds '10s' for repeat-interval (0 to 86400)");
	set_fails("repeat-interval", "-1", "invalid number of seconds '-1' for repeat-interval (0 to 86400)");
}

static void test_queue_rcvbuf(void)
{
	static struct rg_config base, over;
	char err[RG_ERR_LEN];

	rg_config_defaults(&base);
	CU_ASSERT_EQUAL(base.queue_rcvbuf, 0);	/* sized to queue-maxlen */
	set_ok(&base, "queue-rcvbuf", "4096");
	CU_ASSERT_EQUAL(base.queue_rcvbuf, 4096);
	set_ok(&base, "queue-rcvbuf", "268435456");
	CU_ASSERT_EQUAL(base.queue_rcvbuf, 268435456u);
	set_fails("queue-rcvbuf", "4095", "invalid size '4095' for queue-rcvbuf (4096 to 268435456 bytes)");
	set_fails("queue-rcvbuf", "268435457", "invalid size '268435457' for queue-rcvbuf (4096 to 268435456 bytes)");
	set_fails("queue-rcvbuf", "99999999999999999999", "invalid size '99999999999999999999' for queue-rcvbuf (4096 to 268435456 bytes)");
	set_fails("queue-rcvbuf", "1m", "invalid size '1m' for queue-rcvbuf (4096 to 268435456 bytes)");
	set_fails("queue-rcvbuf", "-4096", "invalid size '-4096' for queue-rcvbuf (4096 to 268435456 bytes)");
	CU_ASSERT_EQUAL(rg_config_parse_text(&base, "queue-rcvbuf = 12\n", "rg.conf",
					     err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "rg.conf:1: invalid size '12' for queue-rcvbuf (4096 to 268435456 bytes)");
	rg_config_defaults(&base);
	rg_config_defaults(&over);
	set_ok(&over, "queue-rcvbuf", "65536");
	rg_config_merge(&base, &over);
	CU_ASSERT_EQUAL(base.queue_rcvbuf, 65536);
	CU_ASSERT_TRUE(base.given & RG_KEY_QUEUE_RCVBUF);
}

static void test_user_and_seccomp(void)
{
	struct rg_config base, over;
	char err[RG_ERR_LEN];

	rg_config_defaults(&base);
	CU_ASSERT_STRING_EQUAL(base.user, "");
	CU_ASSERT_TRUE(base.seccomp);
	CU_ASSERT_EQUAL(rg_config_parse_text(&base, "# x\nuser = rg-test_1.x\nseccomp = no\n",
					     "rg.conf", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(base.user, "rg-test_1.x");
	CU_ASSERT_EQUAL(base.user_line, 2);
	CU_ASSERT_FALSE(base.seccomp);
	CU_ASSERT_EQUAL(base.given, RG_KEY_USER | RG_KEY_SECCOMP);
	set_fails("user", "no body", "invalid user name 'no body' for user");
	set_fails("user", "../x", "invalid user name '../x' for user");
	set_fails("user", "a123456789012345678901234567890123456789012345678901234567890123",
		  "user name too long for user 'a123456789012345678901234567890123456789012345678901234567890123'");
	set_fails("seccomp", "maybe", "invalid value 'maybe' for seccomp (yes or no)");
	CU_ASSERT_EQUAL(rg_config_parse_text(&base, "\n\nuser = a:b\n", "rg.conf",
					     err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "rg.conf:3: invalid user name 'a:b' for user");
	/* A flag: no line; it replaces the file's. */
	rg_config_defaults(&over);
	set_ok(&over, "user", "root");
	set_ok(&over, "seccomp", "yes");
	CU_ASSERT_EQUAL(over.user_line, 0);
	rg_config_merge(&base, &over);
	CU_ASSERT_STRING_EQUAL(base.user, "root");
	CU_ASSERT_EQUAL(base.user_line, 0);
	CU_ASSERT_TRUE(base.seccomp);
}

static void test_mode_name(void)
{
	CU_ASSERT_STRING_EQUAL(rg_mode_name(RG_MODE_DRY_RUN), "dry-run");
	CU_ASSERT_STRING_EQUAL(rg_mode_name(RG_MODE_REMEDIATE), "remediate");
	CU_ASSERT_STRING_EQUAL(rg_mode_name((enum rg_mode)42), "?");
}

/* The warnings of c with the settings given, as check-config prints them. */
static size_t warnings(const char *mode, const char *c_prefix,
		       const char *metrics, struct rg_strbuf *out)
{
	struct rg_config c;

	rg_config_defaults(&c);
	set_ok(&c, "expressway-e", "64.100.0.10");
	set_ok(&c, "mode", mode);
	if (c_prefix)
		set_ok(&c, "expressway-c", c_prefix);
	if (metrics)
		set_ok(&c, "metrics", metrics);
	rg_strbuf_free(out);
	rg_strbuf_init(out);
	return rg_config_warn(&c, "r.conf", out);
}

static void test_warnings(void)
{
	struct rg_strbuf out;

	rg_strbuf_init(&out);
	CU_ASSERT_EQUAL(warnings("dry-run", NULL, NULL, &out), 0);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out), "");
	CU_ASSERT_EQUAL(warnings("remediate", "10.0.30.0/24", "9153", &out), 0);
	CU_ASSERT_EQUAL(warnings("remediate", NULL, NULL, &out), 1);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out),
		"r.conf: warning: mode = remediate without expressway-c: any source that dials Expressway-E's public address counts as Expressway-C and may be exempted\n");
	CU_ASSERT_EQUAL(warnings("dry-run", NULL, "127.0.0.53:9153", &out), 0);
	CU_ASSERT_EQUAL(warnings("dry-run", NULL, "[::1]:9153", &out), 0);
	CU_ASSERT_EQUAL(warnings("dry-run", NULL, "[::]:9153", &out), 1);
	CU_ASSERT_EQUAL(warnings("dry-run", NULL, "10.0.0.1:9153", &out), 1);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out),
		"r.conf: warning: metrics on 10.0.0.1:9153, not a loopback address: the endpoint has no authentication, so whoever reaches it reads the counters\n");
	CU_ASSERT_EQUAL(warnings("remediate", NULL, "0.0.0.0:9153", &out), 2);
	rg_strbuf_free(&out);
}

static const struct unit_test tests[] = {
	{ "defaults", test_defaults },
	{ "mode", test_set_mode },
	{ "expressway-e: public, public=internal, repeated", test_set_expressway_e },
	{ "expressway-e errors leave the config alone", test_set_expressway_e_errors },
	{ "expressway-c: prefixes and bare addresses", test_set_expressway_c },
	{ "expressway-c errors leave the config alone", test_set_expressway_c_errors },
	{ "ports: a comma list that replaces the list", test_set_ports },
	{ "ports errors name the bad item", test_set_ports_errors },
	{ "queue: 0 to 65535", test_set_queue },
	{ "metrics: PORT, ADDR:PORT, [ADDR6]:PORT", test_set_metrics },
	{ "warnings: remediate without expressway-c, metrics off loopback", test_warnings },
	{ "events, state and control paths", test_set_paths },
	{ "empty values and unknown keys", test_set_empty_and_unknown },
	{ "messages fit the caller's buffer", test_error_truncated_to_buffer },
	{ "a whole file: comments, blanks, whitespace", test_parse_file },
	{ "CRLF, no final newline, empty file", test_parse_line_ends },
	{ "file errors name FILE:LINE and change nothing", test_parse_errors },
	{ "merge replaces what was given, lists whole", test_merge },
	{ "merge of nothing changes nothing", test_merge_nothing_given },
	{ "validate: expressway-e required", test_validate },
	{ "max-exemptions and reset", test_remediation_keys },
	{ "adopt: yes by default, yes|no|on|off", test_adopt_key },
	{ "repeat-interval", test_repeat_interval },
	{ "queue-rcvbuf: bytes, bounded", test_queue_rcvbuf },
	{ "user and seccomp", test_user_and_seccomp },
	{ "mode names", test_mode_name },
	{ NULL, NULL }
};

int register_config_tests(void)
{
	return unit_add_suite("config", tests);
}
