// SPDX-License-Identifier: GPL-2.0-or-later
#include <getopt.h>
#include <string.h>

#include "cmdline_parse.h"
#include "unit.h"

struct cmd {
	struct rg_config over;
	const char *config, *html;
	bool json, force;
};

/* One command's table, the shapes every command uses. */
static void table(struct cmd *c, struct rg_opt *opts)
{
	const struct rg_opt t[] = {
		{ "config", 'c', RG_OPT_STRING, .to.str = &c->config },
		{ "html", 0, RG_OPT_STRING, .to.str = &c->html },
		{ "json", 0, RG_OPT_FLAG, NULL, NULL, RG_CMDLINE_JSON, { .flag = &c->json } },
		{ "force", 0, RG_OPT_FLAG, .to.flag = &c->force },
		{ "expressway-e", 0, RG_OPT_KEY, .to.over = &c->over },
		{ "expressway-c", 0, RG_OPT_KEY, .to.over = &c->over },
		{ "queue", 0, RG_OPT_KEY, NULL, NULL, RG_CMDLINE_DAEMON, { .over = &c->over } },
		{ "no-reset", 0, RG_OPT_KEY, "reset", "no", RG_CMDLINE_DAEMON,
		  { .over = &c->over } },
		{ 0 }
	};

	memset(c, 0, sizeof(*c));
	rg_config_defaults(&c->over);
	memcpy(opts, t, sizeof(t));
}

/* Parses words (NULL-ended, the command first); msg keeps the message. */
static enum rg_cmdline_result parse(unsigned int flags, char **argv,
				    struct cmd *c, struct rg_strbuf *msg)
{
	struct rg_opt opts[9];
	int argc = 0;

	while (argv[argc])
		argc++;
	table(c, opts);
	rg_strbuf_reset(msg);
	return rg_cmdline_parse_opts("cmd", flags, opts, argc, argv, msg);
}

static void test_values_flags_and_operands(void)
{
	char *argv[] = { "cmd", "op1", "-c", "/f", "--html=/h", "--force", "--json",
			 "--queue", "5", "op2", NULL };
	struct rg_strbuf msg;
	struct cmd c;

	rg_strbuf_init(&msg);
	CU_ASSERT_EQUAL(parse(RG_CMDLINE_JSON | RG_CMDLINE_DAEMON, argv, &c, &msg),
			RG_CMDLINE_OK);
	CU_ASSERT_STRING_EQUAL(c.config, "/f");
	CU_ASSERT_STRING_EQUAL(c.html, "/h");
	CU_ASSERT(c.force && c.json);
	CU_ASSERT_EQUAL(c.over.queue, 5);
	CU_ASSERT(c.over.given & RG_KEY_QUEUE);
	/* getopt's permutation: the operands end up after the options. */
	CU_ASSERT_EQUAL(optind, 8);
	CU_ASSERT_STRING_EQUAL(argv[optind], "op1");
	CU_ASSERT_STRING_EQUAL(argv[optind + 1], "op2");
	rg_strbuf_free(&msg);
}

static void check_bad(unsigned int flags, char **argv, const char *want)
{
	struct rg_strbuf msg;
	struct cmd c;

	rg_strbuf_init(&msg);
	CU_ASSERT_EQUAL(parse(flags, argv, &c, &msg), RG_CMDLINE_BAD);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&msg), want);
	rg_strbuf_free(&msg);
}

static void test_unknown_and_missing(void)
{
	char *unknown[] = { "cmd", "--bogus=1", NULL };
	char *unknown_short[] = { "cmd", "-q", NULL };
	char *missing[] = { "cmd", "--html", NULL };
	char *missing_short[] = { "cmd", "-c", NULL };
	char *swallowed[] = { "cmd", "--html", "--json", NULL };
	char *no_value[] = { "cmd", "--force=yes", NULL };

	check_bad(0, unknown, "reflguard cmd: unknown option '--bogus=1' (see 'reflguard help cmd')");
	check_bad(0, unknown_short, "reflguard cmd: unknown option '-q' (see 'reflguard help cmd')");
	check_bad(0, missing, "reflguard cmd: missing value for '--html' (see 'reflguard help cmd')");
	check_bad(0, missing_short, "reflguard cmd: missing value for '-c' (see 'reflguard help cmd')");
	check_bad(0, swallowed, "reflguard cmd: missing value for '--html' ('--json' is the next option) (see 'reflguard help cmd')");
	check_bad(0, no_value, "reflguard cmd: unknown option '--force=yes' (see 'reflguard help cmd')");
}

/* An option the command does not take: a key by its key, others as typed. */
static void test_needs(void)
{
	char *json[] = { "cmd", "--json", NULL };
	char *queue[] = { "cmd", "--queue=5", NULL };
	char *no_reset[] = { "cmd", "--no-reset", NULL };

	check_bad(0, json, "reflguard cmd: unknown option '--json' (see 'reflguard help cmd')");
	check_bad(0, queue, "reflguard cmd: unknown option '--queue' (see 'reflguard help cmd')");
	check_bad(0, no_reset, "reflguard cmd: unknown option '--reset' (see 'reflguard help cmd')");
}

static void test_key_value(void)
{
	char *bad[] = { "cmd", "--queue", "70000", NULL };
	char *fixed[] = { "cmd", "--no-reset", NULL };
	struct rg_strbuf msg;
	struct cmd c;

	check_bad(RG_CMDLINE_DAEMON, bad,
		  "reflguard cmd: --queue: invalid queue number '70000' for queue (0 to 65535)");
	rg_strbuf_init(&msg);
	CU_ASSERT_EQUAL(parse(RG_CMDLINE_DAEMON, fixed, &c, &msg), RG_CMDLINE_OK);
	CU_ASSERT(!c.over.reset);
	CU_ASSERT(c.over.given & RG_KEY_RESET);
	rg_strbuf_free(&msg);
}

/* Keys with a value share getopt's value: "--expressway" is the first. */
static void test_abbreviations(void)
{
	char *keys[] = { "cmd", "--expressway", "64.100.0.10", NULL };
	char *ambiguous[] = { "cmd", "--h", "x", NULL };
	char *prefix[] = { "cmd", "--con", "/f", "--fo", NULL };
	struct rg_strbuf msg;
	struct cmd c;

	rg_strbuf_init(&msg);
	CU_ASSERT_EQUAL(parse(0, keys, &c, &msg), RG_CMDLINE_OK);
	CU_ASSERT_EQUAL(c.over.n_e, 1);
	CU_ASSERT_EQUAL(c.over.n_c, 0);
	CU_ASSERT_EQUAL(parse(0, prefix, &c, &msg), RG_CMDLINE_OK);
	CU_ASSERT_STRING_EQUAL(c.config, "/f");
	CU_ASSERT(c.force);
	rg_strbuf_free(&msg);
	check_bad(0, ambiguous, "reflguard cmd: unknown option '--h' (see 'reflguard help cmd')");
}

static void test_help(void)
{
	char *lng[] = { "cmd", "--json", "--help", "--bogus", NULL };
	char *shrt[] = { "cmd", "-h", NULL };
	struct rg_strbuf msg;
	struct cmd c;

	rg_strbuf_init(&msg);
	CU_ASSERT_EQUAL(parse(RG_CMDLINE_JSON, lng, &c, &msg), RG_CMDLINE_HELP);
	CU_ASSERT_EQUAL(parse(0, shrt, &c, &msg), RG_CMDLINE_HELP);
	CU_ASSERT_EQUAL(msg.len, 0);
	rg_strbuf_free(&msg);
}

static void test_find(void)
{
	bool h = false, v = false;
	const struct rg_opt opts[] = {
		{ "help", 'h', RG_OPT_FLAG, .to.flag = &h },
		{ "version", 'V', RG_OPT_FLAG, .to.flag = &v },
		{ 0 }
	};

	CU_ASSERT_PTR_EQUAL(rg_cmdline_parse_find(opts, "--help"), &opts[0]);
	CU_ASSERT_PTR_EQUAL(rg_cmdline_parse_find(opts, "-h"), &opts[0]);
	CU_ASSERT_PTR_EQUAL(rg_cmdline_parse_find(opts, "-V"), &opts[1]);
	CU_ASSERT_PTR_NULL(rg_cmdline_parse_find(opts, "--hel"));
	CU_ASSERT_PTR_NULL(rg_cmdline_parse_find(opts, "-hV"));
	CU_ASSERT_PTR_NULL(rg_cmdline_parse_find(opts, "-"));
	CU_ASSERT_PTR_NULL(rg_cmdline_parse_find(opts, "version"));
}

static const struct unit_test tests[] = {
	{ "values, flags and operands in any order", test_values_flags_and_operands },
	{ "unknown options and missing values name the word", test_unknown_and_missing },
	{ "an option the command does not take is unknown", test_needs },
	{ "a key's value is checked, a fixed value set", test_key_value },
	{ "abbreviations as getopt_long takes them", test_abbreviations },
	{ "-h and --help end the parse", test_help },
	{ "a whole word names an option", test_find },
	{ NULL, NULL }
};

int register_cmdline_parse_tests(void)
{
	return unit_add_suite("cmdline_parse", tests);
}
