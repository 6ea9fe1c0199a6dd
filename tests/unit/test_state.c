// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "state.h"
#include "unit.h"

#define HEAD "{\"version\":1,\"exemptions\":[\n"
#define FOOT "]}\n"
/* One object line; the parse tests vary one field at a time. */
#define OBJ(c, e, proto, port, added, why, verified)			\
	"{\"c\":\"" c "\",\"e_internal\":\"" e "\",\"proto\":\"" proto	\
	"\",\"port\":" port ",\"added\":\"" added "\",\"why\":\"" why	\
	"\",\"verified\":" verified "}"
#define TS "2026-11-25T12:00:00.000000Z"
#define A OBJ("10.0.30.2", "10.0.10.2", "tcp", "7003", TS, "manual", "false")
#define B OBJ("10.0.31.3", "10.0.10.2", "tcp", "7003", TS, "manual", "true")
#define C OBJ("fd00:30::2", "fd00:10::2", "udp", "5060", TS, "x", "false")

static struct rg_state_entry entry(const char *c, const char *e,
				   uint8_t proto, uint16_t port,
				   const char *why, bool verified)
{
	struct rg_state_entry en;

	memset(&en, 0, sizeof(en));
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(c, &en.x.c), 0);
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(e, &en.x.e_internal), 0);
	en.x.proto = proto;
	en.x.port = port;
	snprintf(en.added, sizeof(en.added), "%s", TS);
	snprintf(en.why, sizeof(en.why), "%s", why);
	en.verified = verified;
	return en;
}

static bool same_entry(const struct rg_state_entry *a,
		       const struct rg_state_entry *b)
{
	return rg_exemption_equal(&a->x, &b->x) &&
	       !strcmp(a->added, b->added) && !strcmp(a->why, b->why) &&
	       a->verified == b->verified;
}

static int parse(const char *text, struct rg_state *s, char *err, size_t len)
{
	return rg_state_parse(text, "state.json", s, err, len);
}

/* Serializes s, checks the text, parses it back and compares. */
static void round_trip(const struct rg_state *s, const char *want)
{
	struct rg_state back;
	struct rg_strbuf out;
	char err[512] = "";
	size_t i;

	rg_strbuf_init(&out);
	rg_state_init(&back);
	rg_state_serialize(s, &out);
	CU_ASSERT_FALSE(rg_strbuf_failed(&out));
	if (want)
		CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out), want);
	CU_ASSERT_EQUAL(parse(rg_strbuf_str(&out), &back, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL_FATAL(back.n, s->n);
	for (i = 0; i < s->n; i++)
		CU_ASSERT_TRUE(same_entry(&back.v[i], &s->v[i]));
	rg_state_free(&back);
	rg_strbuf_free(&out);
}

static void test_round_trip_empty(void)
{
	struct rg_state s;

	rg_state_init(&s);
	round_trip(&s, HEAD FOOT);
	rg_state_free(&s);
}

static void test_round_trip_one(void)
{
	struct rg_state_entry e = entry("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
					7003, "manual", false);
	struct rg_state s;

	rg_state_init(&s);
	CU_ASSERT_EQUAL_FATAL(rg_state_put(&s, &e), 0);
	round_trip(&s, HEAD A "\n" FOOT);
	rg_state_free(&s);
}

static void test_round_trip_three(void)
{
	struct rg_state_entry e[3] = {
		entry("10.0.30.2", "10.0.10.2", IPPROTO_TCP, 7003,
		      "10.0.30.2:27901 seen by E as \"64.100.0.10:4401\" \\ C:\\x\ttab\nnl", false),
		entry("fd00:30::2", "fd00:10::2", IPPROTO_UDP, 5060,
		      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e", true),
		entry("10.0.31.3", "10.0.10.2", IPPROTO_TCP, 7010, "", false),
	};
	struct rg_strbuf out;
	struct rg_state s;
	size_t i;

	rg_state_init(&s);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL_FATAL(rg_state_put(&s, &e[i]), 0);
	round_trip(&s, NULL);
	/* One object per line, commas on all but the last. */
	rg_strbuf_init(&out);
	rg_state_serialize(&s, &out);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out), HEAD
		"{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":7003,\"added\":\"" TS "\",\"why\":\"10.0.30.2:27901 seen by E as \\\"64.100.0.10:4401\\\" \\\\ C:\\\\x\\ttab\\nnl\",\"verified\":false},\n"
		"{\"c\":\"fd00:30::2\",\"e_internal\":\"fd00:10::2\",\"proto\":\"udp\",\"port\":5060,\"added\":\"" TS "\",\"why\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e\",\"verified\":true},\n"
		"{\"c\":\"10.0.31.3\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":7010,\"added\":\"" TS "\",\"why\":\"\",\"verified\":false}\n"
		FOOT);
	rg_strbuf_free(&out);
	rg_state_free(&s);
}

/* Text the reader would refuse is never written: invalid UTF-8 becomes '?'. */
static void test_serialize_invalid_utf8(void)
{
	struct rg_state_entry e = entry("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
					7003, "latin1 caf\xe9 \xc3", false);
	struct rg_state s, back;
	struct rg_strbuf out;
	char err[512] = "";

	rg_state_init(&s);
	rg_state_init(&back);
	rg_strbuf_init(&out);
	CU_ASSERT_EQUAL_FATAL(rg_state_put(&s, &e), 0);
	rg_state_serialize(&s, &out);
	CU_ASSERT_EQUAL_FATAL(parse(rg_strbuf_str(&out), &back, err,
				    sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(back.n, 1);
	CU_ASSERT_STRING_EQUAL(back.v[0].why, "latin1 caf? ?");
	rg_strbuf_free(&out);
	rg_state_free(&back);
	rg_state_free(&s);
}

static void test_parse_accepts(void)
{
	static const char *const ok[] = {
		HEAD FOOT,
		HEAD "]}",				/* no final newline */
		HEAD FOOT "\n\n  \n",			/* blank trailing lines */
		"  {\"version\":1,\"exemptions\":[ \r\n" A " ,\r\n" B "\r\n ]} \r\n",
		HEAD "\t" A ",\n" B "\t\n" FOOT,
	};
	char err[512];
	struct rg_state s;
	size_t i;

	rg_state_init(&s);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(parse(ok[i], &s, err, sizeof(err)), 0);
		CU_ASSERT_STRING_EQUAL(err, "");
	}
	CU_ASSERT_EQUAL(s.n, 2);
	CU_ASSERT_STRING_EQUAL(s.v[0].why, "manual");
	CU_ASSERT_FALSE(s.v[0].verified);
	CU_ASSERT_TRUE(s.v[1].verified);
	rg_state_free(&s);
}

/* Fails with exactly msg, and *s is left empty. */
static void fails(const char *text, const char *msg)
{
	struct rg_state s;
	char err[512] = "";

	rg_state_init(&s);
	CU_ASSERT_EQUAL(parse(text, &s, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, msg);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_PTR_NULL(s.v);
	rg_state_free(&s);
}

#define NOT_STATE "not a reflguard state file (expected '{\"version\":1,\"exemptions\":[')"

static void test_parse_header_errors(void)
{
	fails("", "state.json:1: " NOT_STATE);
	fails("\n" HEAD FOOT, "state.json:1: " NOT_STATE);
	fails("{\"version\":1,\"exemptions\":[]}\n", "state.json:1: " NOT_STATE);
	fails("{\"version\": 1,\"exemptions\":[\n" FOOT,
	      "state.json:1: " NOT_STATE);
	fails("{\"version\":,\"exemptions\":[\n" FOOT,
	      "state.json:1: " NOT_STATE);
	fails("{\"version\":1,\"exemptions\":[x\n" FOOT,
	      "state.json:1: " NOT_STATE);
	fails("c = 10.0.30.2\n", "state.json:1: " NOT_STATE);
	fails("{\"version\":2,\"exemptions\":[\n" FOOT,
	      "state.json:1: unsupported version 2");
	fails("{\"version\":10,\"exemptions\":[\n" FOOT,
	      "state.json:1: unsupported version 10");
	fails("{\"version\":01,\"exemptions\":[\n" FOOT,
	      "state.json:1: unsupported version 01");
}

static void test_parse_structure_errors(void)
{
	fails(HEAD, "state.json:2: missing closing ']}'");
	fails(HEAD A ",\n" B ",\n" C ",\n",
	      "state.json:5: missing closing ']}'");
	fails(HEAD A ",\n" B ",\n" C,
	      "state.json:5: missing closing ']}'");
	fails(HEAD FOOT "x\n", "state.json:3: unexpected text 'x' after ']}'");
	fails(HEAD FOOT "\n" FOOT,
	      "state.json:4: unexpected text ']}' after ']}'");
	fails(HEAD "]}x\n", "state.json:2: unexpected text 'x' after ']}'");
	fails(HEAD "]},\n", "state.json:2: unexpected text ',' after ']}'");
	fails(HEAD A "\n" B "\n" FOOT,
	      "state.json:2: missing ',' before the next exemption");
	fails(HEAD A ",\n" B ",\n" FOOT,
	      "state.json:3: unexpected ',' after the last exemption");
	fails(HEAD A ",\n\n" B "\n" FOOT,
	      "state.json:3: blank line where an exemption or ']}' was expected");
	fails(HEAD A ",\n" B ",,\n" FOOT, "state.json:3: malformed JSON");
	fails(HEAD ",\n" FOOT, "state.json:2: malformed JSON");
	fails(HEAD A " " A "\n" FOOT, "state.json:2: malformed JSON");
	fails(HEAD "{\"c\":\"10.0.30.2\"\n" FOOT, "state.json:2: malformed JSON");
	fails(HEAD "{\"c\":{\"x\":1}}\n" FOOT, "state.json:2: malformed JSON");
	fails(HEAD "]\n" FOOT, "state.json:2: malformed JSON");
	fails(HEAD A ",\n" A "\n" FOOT,
	      "state.json:3: duplicate exemption 10.0.30.2 . 10.0.10.2 . tcp . 7003");
	fails(HEAD A ",\n" B ",\n" C ",\n" OBJ("fd00:30:0::2", "FD00:10::2",
	      "udp", "5060", "", "other", "true") "\n" FOOT,
	      "state.json:5: duplicate exemption fd00:30::2 . fd00:10::2 . udp . 5060");
}

static void test_parse_field_errors(void)
{
	fails(HEAD A ",\n{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"added\":\"\",\"why\":\"\",\"verified\":false}\n" FOOT,
	      "state.json:3: missing field 'port'");
	fails(HEAD "{\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":1,\"added\":\"\",\"why\":\"\",\"verified\":false}\n" FOOT,
	      "state.json:2: missing field 'c'");
	fails(HEAD "{\"c\":\"10.0.30.2\",\"proto\":\"tcp\",\"port\":1,\"added\":\"\",\"why\":\"\",\"verified\":false}\n" FOOT,
	      "state.json:2: missing field 'e_internal'");
	fails(HEAD "{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"port\":1,\"added\":\"\",\"why\":\"\",\"verified\":false}\n" FOOT,
	      "state.json:2: missing field 'proto'");
	fails(HEAD "{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":1,\"why\":\"\",\"verified\":false}\n" FOOT,
	      "state.json:2: missing field 'added'");
	fails(HEAD "{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":1,\"added\":\"\",\"verified\":false}\n" FOOT,
	      "state.json:2: missing field 'why'");
	fails(HEAD "{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":1,\"added\":\"\",\"why\":\"\"}\n" FOOT,
	      "state.json:2: missing field 'verified'");
	fails(HEAD A ",\n" B ",\n" OBJ("10.0.30.2", "10.0.10.2", "tcp", "7003", "", "", "false") ",\n" FOOT,
	      "state.json:4: duplicate exemption 10.0.30.2 . 10.0.10.2 . tcp . 7003");
	fails(HEAD OBJ("300.1.1.1", "10.0.10.2", "tcp", "7003", TS, "", "false") "\n" FOOT,
	      "state.json:2: invalid address '300.1.1.1' for c");
	fails(HEAD A ",\n" OBJ("10.0.30.2", "10.1", "tcp", "7003", TS, "", "false") "\n" FOOT,
	      "state.json:3: invalid address '10.1' for e_internal");
	fails(HEAD OBJ("10.0.30.2", "fd00:10::2", "tcp", "7003", TS, "", "false") "\n" FOOT,
	      "state.json:2: c and e_internal are of different families");
	fails(HEAD OBJ("10.0.30.2", "10.0.10.2", "icmp", "7003", TS, "", "false") "\n" FOOT,
	      "state.json:2: invalid proto 'icmp' (tcp or udp)");
	fails(HEAD OBJ("10.0.30.2", "10.0.10.2", "TCP", "7003", TS, "", "false") "\n" FOOT,
	      "state.json:2: invalid proto 'TCP' (tcp or udp)");
}

static void test_parse_value_errors(void)
{
	static const char *const ports[] = {
		"70000", "0", "-1", "7003.0", "7e3", "65536", "1234567",
	};
	char text[1024], msg[256];
	size_t i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		snprintf(text, sizeof(text), HEAD A ",\n{\"c\":\"10.0.31.3\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":%s,\"added\":\"\",\"why\":\"\",\"verified\":false}\n" FOOT,
			 ports[i]);
		snprintf(msg, sizeof(msg),
			 "state.json:3: invalid port '%s' (1 to 65535)", ports[i]);
		fails(text, msg);
	}
	fails(HEAD "{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":\"7003\",\"added\":\"\",\"why\":\"\",\"verified\":false}\n" FOOT,
	      "state.json:2: field 'port' is not a number");
	fails(HEAD "{\"c\":1,\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":7003,\"added\":\"\",\"why\":\"\",\"verified\":false}\n" FOOT,
	      "state.json:2: field 'c' is not a string");
	fails(HEAD "{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":7003,\"added\":null,\"why\":\"\",\"verified\":false}\n" FOOT,
	      "state.json:2: field 'added' is not a string");
	fails(HEAD OBJ("10.0.30.2", "10.0.10.2", "tcp", "7003", TS, "", "\"no\"") "\n" FOOT,
	      "state.json:2: field 'verified' is not true or false");
	fails(HEAD "{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":7003,\"added\":\"\",\"why\":\"\",\"verified\":false,\"note\":\"\"}\n" FOOT,
	      "state.json:2: unknown field 'note'");
}

/* why and added are refused, not cut, when they do not fit. */
static void test_parse_too_long(void)
{
	char text[2048], why[RG_STATE_WHY_LEN + 1], added[RG_STATE_TS_LEN + 1];
	struct rg_state s;
	char err[512] = "";
	int i;

	memset(why, 'w', sizeof(why) - 1);
	why[sizeof(why) - 2] = '\0';			/* 159: fits */
	memset(added, 'a', sizeof(added) - 1);
	added[sizeof(added) - 2] = '\0';		/* 31: fits */
	snprintf(text, sizeof(text), HEAD OBJ("10.0.30.2", "10.0.10.2", "tcp", "7003", "%s", "%s", "false") "\n" FOOT,
		 added, why);
	rg_state_init(&s);
	CU_ASSERT_EQUAL(parse(text, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	CU_ASSERT_EQUAL(strlen(s.v[0].why), RG_STATE_WHY_LEN - 1);
	CU_ASSERT_EQUAL(strlen(s.v[0].added), RG_STATE_TS_LEN - 1);
	rg_state_free(&s);

	why[sizeof(why) - 2] = 'w';			/* 160 */
	why[sizeof(why) - 1] = '\0';
	snprintf(text, sizeof(text), HEAD OBJ("10.0.30.2", "10.0.10.2", "tcp", "7003", TS, "%s", "false") "\n" FOOT,
		 why);
	fails(text, "state.json:2: field 'why' is too long (at most 159 bytes)");
	added[sizeof(added) - 2] = 'a';			/* 32 */
	added[sizeof(added) - 1] = '\0';
	snprintf(text, sizeof(text), HEAD A ",\n" OBJ("10.0.31.3", "10.0.10.2", "tcp", "7003", "%s", "", "false") "\n" FOOT,
		 added);
	fails(text, "state.json:3: field 'added' is too long (at most 31 bytes)");
	/* An escape counts for what it stands for: 80 x "\u00e9" is 160 bytes. */
	strcpy(text, HEAD "{\"c\":\"10.0.30.2\",\"e_internal\":\"10.0.10.2\",\"proto\":\"tcp\",\"port\":7003,\"added\":\"\",\"verified\":false,\"why\":\"");
	for (i = 0; i < 80; i++)
		strcat(text, "\\u00e9");
	strcat(text, "\"}\n" FOOT);
	fails(text, "state.json:2: field 'why' is too long (at most 159 bytes)");
}

/* A parse into a state that held entries replaces them. */
static void test_parse_into_used_state(void)
{
	struct rg_state_entry e = entry("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
					7003, "old", false);
	struct rg_state s;
	char err[512] = "";

	rg_state_init(&s);
	CU_ASSERT_EQUAL_FATAL(rg_state_put(&s, &e), 0);
	CU_ASSERT_EQUAL(parse(HEAD B "\n" FOOT, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	CU_ASSERT_TRUE(s.v[0].verified);
	CU_ASSERT_EQUAL(parse(HEAD A ",\n" FOOT, &s, NULL, 0), -1);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_PTR_NULL(s.v);
	rg_state_free(&s);
}

static void test_put_find_del_clear(void)
{
	struct rg_state_entry a = entry("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
					7003, "first", false);
	struct rg_state_entry b = entry("10.0.31.3", "10.0.10.2", IPPROTO_TCP,
					7003, "b", false);
	struct rg_state_entry c = entry("10.0.30.2", "10.0.10.2", IPPROTO_UDP,
					7003, "c", false);
	struct rg_state_entry a2 = a;
	struct rg_state s;

	rg_state_init(&s);
	CU_ASSERT_PTR_NULL(rg_state_find(&s, &a.x));
	CU_ASSERT_EQUAL(rg_state_put(&s, &a), 0);
	CU_ASSERT_EQUAL(rg_state_put(&s, &b), 0);
	CU_ASSERT_EQUAL(rg_state_put(&s, &c), 0);
	CU_ASSERT_EQUAL(s.n, 3);
	/* Same exemption: replaced in place, not added. */
	snprintf(a2.why, sizeof(a2.why), "second");
	a2.verified = true;
	CU_ASSERT_EQUAL(rg_state_put(&s, &a2), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 3);
	CU_ASSERT_TRUE(same_entry(&s.v[0], &a2));
	CU_ASSERT_PTR_EQUAL(rg_state_find(&s, &a.x), &s.v[0]);
	CU_ASSERT_PTR_EQUAL(rg_state_find(&s, &c.x), &s.v[2]);
	/* Deleting keeps the order of the others. */
	CU_ASSERT_EQUAL(rg_state_del(&s, &b.x), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 2);
	CU_ASSERT_TRUE(same_entry(&s.v[0], &a2));
	CU_ASSERT_TRUE(same_entry(&s.v[1], &c));
	CU_ASSERT_PTR_NULL(rg_state_find(&s, &b.x));
	errno = 0;
	CU_ASSERT_EQUAL(rg_state_del(&s, &b.x), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(rg_state_del(&s, &c.x), 0);
	CU_ASSERT_EQUAL(rg_state_del(&s, &a.x), 0);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_EQUAL(rg_state_put(&s, &b), 0);
	rg_state_clear(&s);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_PTR_NULL(rg_state_find(&s, &b.x));
	rg_state_free(&s);
	CU_ASSERT_PTR_NULL(s.v);
	CU_ASSERT_EQUAL(s.cap, 0);
}

static bool not_b(const struct rg_state_entry *e, const void *b)
{
	return !rg_exemption_equal(&e->x, b);
}

/* The count of dynamic entries follows every change, and keep() reindexes. */
static void test_dynamic_count(void)
{
	struct rg_state_entry a = entry("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
					7003, "a", false);
	struct rg_state_entry b = entry("10.0.31.3", "10.0.10.2", IPPROTO_TCP,
					7003, "b", false);
	struct rg_state_entry c = entry("10.0.32.4", "10.0.10.2", IPPROTO_TCP,
					7003, "c", false);
	struct rg_state s;

	rg_state_init(&s);
	b.is_static = true;
	CU_ASSERT_EQUAL(rg_state_put(&s, &a), 0);
	CU_ASSERT_EQUAL(rg_state_put(&s, &b), 0);
	CU_ASSERT_EQUAL(rg_state_put(&s, &c), 0);
	CU_ASSERT_EQUAL(rg_state_dynamic(&s), 2);
	/* Replacing changes what the entry is. */
	a.is_static = true;
	CU_ASSERT_EQUAL(rg_state_put(&s, &a), 0);
	CU_ASSERT_EQUAL(rg_state_dynamic(&s), 1);
	a.is_static = false;
	CU_ASSERT_EQUAL(rg_state_put(&s, &a), 0);
	CU_ASSERT_EQUAL(rg_state_dynamic(&s), 2);
	rg_state_keep(&s, not_b, &b.x);
	CU_ASSERT_EQUAL(s.n, 2);
	CU_ASSERT_EQUAL(rg_state_dynamic(&s), 2);
	CU_ASSERT_PTR_NULL(rg_state_find(&s, &b.x));
	CU_ASSERT_PTR_EQUAL(rg_state_find(&s, &c.x), &s.v[1]);
	CU_ASSERT_EQUAL(rg_state_put(&s, &b), 0);
	rg_state_clear_dynamic(&s);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	CU_ASSERT_EQUAL(rg_state_dynamic(&s), 0);
	CU_ASSERT_PTR_EQUAL(rg_state_find(&s, &b.x), &s.v[0]);
	CU_ASSERT_PTR_NULL(rg_state_find(&s, &a.x));
	CU_ASSERT_EQUAL(rg_state_del(&s, &b.x), 0);
	CU_ASSERT_EQUAL(rg_state_dynamic(&s), 0);
	rg_state_free(&s);
}

static void test_put_grows(void)
{
	struct rg_state_entry e = entry("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
					1, "", false);
	struct rg_state s;
	uint16_t port;

	rg_state_init(&s);
	for (port = 1; port <= 100; port++) {
		e.x.port = port;
		CU_ASSERT_EQUAL_FATAL(rg_state_put(&s, &e), 0);
	}
	CU_ASSERT_EQUAL(s.n, 100);
	CU_ASSERT(s.cap >= 100 && s.cap <= 200);
	for (port = 1; port <= 100; port++) {
		e.x.port = port;
		CU_ASSERT_PTR_EQUAL(rg_state_find(&s, &e.x), &s.v[port - 1]);
	}
	round_trip(&s, NULL);
	rg_state_free(&s);
}

/* An entry whose strings lack their NUL is stored cut, never overread. */
static void test_put_unterminated(void)
{
	struct rg_state_entry e = entry("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
					7003, "", false);
	struct rg_state s;

	memset(e.why, 'w', sizeof(e.why));
	memset(e.added, 'a', sizeof(e.added));
	rg_state_init(&s);
	CU_ASSERT_EQUAL_FATAL(rg_state_put(&s, &e), 0);
	CU_ASSERT_EQUAL(strlen(s.v[0].why), RG_STATE_WHY_LEN - 1);
	CU_ASSERT_EQUAL(strlen(s.v[0].added), RG_STATE_TS_LEN - 1);
	round_trip(&s, NULL);
	rg_state_free(&s);
}

/* 200k entries: every one found at its place, a duplicate replaces, a
 * delete keeps the order and the rest findable; and it takes linear time
 * (the old linear find made this minutes). */
static void test_many_entries_indexed(void)
{
	const size_t n = 200000;
	struct rg_state_entry e = entry("10.0.0.0", "10.0.10.2", IPPROTO_TCP,
					7003, "many", false);
	struct rg_state_entry *got;
	struct rg_state s;
	size_t i, bad = 0;

	rg_state_init(&s);
	for (i = 0; i < n; i++) {
		e.x.c.u.v4.s_addr = htonl(0x0a000000u + (uint32_t)i);
		e.x.port = (uint16_t)(7000 + i % 3);
		CU_ASSERT_EQUAL_FATAL(rg_state_put(&s, &e), 0);
	}
	CU_ASSERT_EQUAL(s.n, n);
	for (i = 0; i < n; i++) {
		e.x.c.u.v4.s_addr = htonl(0x0a000000u + (uint32_t)i);
		e.x.port = (uint16_t)(7000 + i % 3);
		got = rg_state_find(&s, &e.x);
		bad += got != &s.v[i];
	}
	CU_ASSERT_EQUAL(bad, 0);
	e.x.c.u.v4.s_addr = htonl(0x0a000000u + 5);
	e.x.port = 7002;
	e.verified = true;
	CU_ASSERT_EQUAL(rg_state_put(&s, &e), 0);
	CU_ASSERT_EQUAL(s.n, n);
	CU_ASSERT_TRUE(s.v[5].verified);
	e.x.port = 7001;		/* not there: another port */
	CU_ASSERT_PTR_NULL(rg_state_find(&s, &e.x));
	e.x.c.u.v4.s_addr = htonl(0x0a000000u + 1);
	CU_ASSERT_EQUAL(rg_state_del(&s, &e.x), 0);
	CU_ASSERT_PTR_NULL(rg_state_find(&s, &e.x));
	e.x.c.u.v4.s_addr = htonl(0x0a000000u + 2);
	e.x.port = 7002;
	CU_ASSERT_PTR_EQUAL(rg_state_find(&s, &e.x), &s.v[1]);
	rg_state_clear(&s);
	CU_ASSERT_PTR_NULL(rg_state_find(&s, &e.x));
	CU_ASSERT_EQUAL(rg_state_put(&s, &e), 0);
	CU_ASSERT_PTR_EQUAL(rg_state_find(&s, &e.x), &s.v[0]);
	rg_state_free(&s);
}

static void test_kind(void)
{
	struct rg_state_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.why, sizeof(e.why), "10.0.30.2:27901 seen by Expressway-E as 64.100.0.10:4401");
	CU_ASSERT_STRING_EQUAL(rg_state_kind(&e), "learnt");
	snprintf(e.why, sizeof(e.why), "manual (reflguard exempt add --force)");
	CU_ASSERT_STRING_EQUAL(rg_state_kind(&e), "manual");
	e.is_static = true;
	CU_ASSERT_STRING_EQUAL(rg_state_kind(&e), "static");
}

/* The longest line the writer makes must be one the reader takes. */
static void test_longest_line_reads_back(void)
{
	struct rg_state_entry e = entry("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
					"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
					IPPROTO_UDP, 65535, "", true);
	struct rg_state s, back;
	struct rg_strbuf out;
	const char *at, *nl;
	char err[512] = "";

	memset(e.why, 1, sizeof(e.why) - 1);	/* each written as \u0001 */
	memset(e.added, '9', sizeof(e.added) - 1);
	e.is_static = true;
	rg_state_init(&s);
	rg_state_init(&back);
	rg_strbuf_init(&out);
	CU_ASSERT_EQUAL(rg_state_put(&s, &e), 0);
	rg_state_serialize(&s, &out);
	for (at = rg_strbuf_str(&out); (nl = strchr(at, '\n')); at = nl + 1)
		CU_ASSERT((size_t)(nl - at) <= RG_STATE_LINE_MAX / 2);
	CU_ASSERT_EQUAL(parse(rg_strbuf_str(&out), &back, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(back.n, 1);
	CU_ASSERT(same_entry(&back.v[0], &e));
	rg_strbuf_free(&out);
	rg_state_free(&s);
	rg_state_free(&back);
}

/* Fed a line at a time, as the loader does, with its two bounds. */
static void test_reader_lines(void)
{
	char err[512] = "", *big = malloc(RG_STATE_LINE_MAX + 2);
	struct rg_state_reader r;
	struct rg_state s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	rg_state_init(&s);
	rg_state_reader_init(&r, "state.json", &s, err, sizeof(err));
	CU_ASSERT_EQUAL(rg_state_reader_line(&r, HEAD, strlen(HEAD) - 1), 0);
	CU_ASSERT_EQUAL(rg_state_reader_line(&r, A ",", strlen(A ",")), 0);
	CU_ASSERT_EQUAL(rg_state_reader_line(&r, B, strlen(B)), 0);
	CU_ASSERT_EQUAL(rg_state_reader_line(&r, "]}", 2), 0);
	CU_ASSERT_EQUAL(rg_state_reader_end(&r), 0);
	CU_ASSERT_EQUAL(s.n, 2);

	rg_state_reader_init(&r, "state.json", &s, err, sizeof(err));
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_EQUAL(rg_state_reader_line(&r, HEAD, strlen(HEAD) - 1), 0);
	memset(big, ' ', RG_STATE_LINE_MAX + 1);
	CU_ASSERT_EQUAL(rg_state_reader_line(&r, big, RG_STATE_LINE_MAX + 1), -1);
	CU_ASSERT_STRING_EQUAL(err, "state.json:2: line longer than 4096 bytes");

	rg_state_reader_init(&r, "state.json", &s, err, sizeof(err));
	CU_ASSERT_EQUAL(rg_state_reader_line(&r, "{\"version\"\0", 12), -1);
	CU_ASSERT_STRING_EQUAL(err, "state.json:1: NUL byte in the file");

	rg_state_reader_init(&r, "state.json", &s, err, sizeof(err));
	CU_ASSERT_EQUAL(rg_state_reader_line(&r, HEAD, strlen(HEAD) - 1), 0);
	CU_ASSERT_EQUAL(rg_state_reader_end(&r), -1);
	CU_ASSERT_STRING_EQUAL(err, "state.json:2: missing closing ']}'");
	free(big);
	rg_state_free(&s);
}

static const struct unit_test tests[] = {
	{ "kind: learnt, manual (exempt add), static", test_kind },
	{ "the longest line written reads back", test_longest_line_reads_back },
	{ "reader: a line at a time, line length and NUL bounds", test_reader_lines },
	{ "200k entries: indexed find, replace, delete, clear", test_many_entries_indexed },
	{ "round trip: no exemption", test_round_trip_empty },
	{ "round trip: one exemption, exact text", test_round_trip_one },
	{ "round trip: three, IPv6, escapes, UTF-8", test_round_trip_three },
	{ "invalid UTF-8 is written as '?'", test_serialize_invalid_utf8 },
	{ "parse: whitespace, CRLF, blank trailing lines", test_parse_accepts },
	{ "parse errors: header and version", test_parse_header_errors },
	{ "parse errors: layout, commas, footer, duplicates", test_parse_structure_errors },
	{ "parse errors: missing and invalid fields", test_parse_field_errors },
	{ "parse errors: port, types, unknown fields", test_parse_value_errors },
	{ "parse errors: why and added too long", test_parse_too_long },
	{ "parse replaces what the state held", test_parse_into_used_state },
	{ "put, replace, find, del, clear", test_put_find_del_clear },
	{ "dynamic count and keep() follow every change", test_dynamic_count },
	{ "put grows by doubling", test_put_grows },
	{ "put terminates unterminated strings", test_put_unterminated },
	{ NULL, NULL }
};

int register_state_tests(void)
{
	return unit_add_suite("state", tests);
}
