// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>

#include "cli.h"
#include "unit.h"

static int dummy(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	return 0;
}

static const struct rg_command cmds[] = {
	{ "doctor", dummy, "", "" },
	{ "scan", dummy, "", "" },
	{ "status", dummy, "", "" },
};

static void test_find(void)
{
	CU_ASSERT_PTR_EQUAL(rg_cli_find(cmds, 3, "scan"), &cmds[1]);
	CU_ASSERT_PTR_NULL(rg_cli_find(cmds, 3, "sca"));
	CU_ASSERT_PTR_NULL(rg_cli_find(cmds, 3, ""));
}

static void test_suggest_typo(void)
{
	CU_ASSERT_STRING_EQUAL(rg_cli_suggest(cmds, 3, "doctr"), "doctor");
	CU_ASSERT_STRING_EQUAL(rg_cli_suggest(cmds, 3, "stauts"), "status");
	CU_ASSERT_STRING_EQUAL(rg_cli_suggest(cmds, 3, "scna"), "scan");
}

static void test_suggest_word(void)
{
	static const char *const keys[] = { "mode", "log", "queue-maxlen", "queue" };

	CU_ASSERT_STRING_EQUAL(rg_cli_suggest_word(keys, 4, "qeueu"), "queue");
	CU_ASSERT_STRING_EQUAL(rg_cli_suggest_word(keys, 4, "queue-maxln"), "queue-maxlen");
	CU_ASSERT_STRING_EQUAL(rg_cli_suggest_word(keys, 4, "mod"), "mode");
	/* Too few letters left to call it a typo. */
	CU_ASSERT_PTR_NULL(rg_cli_suggest_word(keys, 4, "foo"));
	CU_ASSERT_PTR_NULL(rg_cli_suggest_word(keys, 4, "lg"));
	CU_ASSERT_PTR_NULL(rg_cli_suggest_word(keys, 4, ""));
}

static void test_no_suggestion_for_unrelated_word(void)
{
	CU_ASSERT_PTR_NULL(rg_cli_suggest(cmds, 3, "frobnicate"));
	CU_ASSERT_PTR_NULL(rg_cli_suggest(cmds, 3,
		"an-argument-far-longer-than-any-command-name-ever-is"));
}

static void test_bad_option_word(void)
{
	char *long_argv[] = { "doctor", "--bogus=1", NULL };
	char *short_argv[] = { "doctor", "-q", NULL };
	char buf[8];

	CU_ASSERT_STRING_EQUAL(rg_cli_bad_option(long_argv, 2, 0, buf, sizeof(buf)),
			       "--bogus=1");
	CU_ASSERT_STRING_EQUAL(rg_cli_bad_option(short_argv, 2, 'q', buf, sizeof(buf)),
			       "-q");
}

/* optind as getopt_long() leaves it, just past the value it took. */
static void test_swallowed_value(void)
{
	char *argv[] = { "run", "--expressway-e", "--mode", "remediate",
			 "-c", "--json", "--events=--x", "--ports", "-7001", NULL };

	CU_ASSERT_STRING_EQUAL(rg_cli_swallowed(argv, 3, argv[2]), "--expressway-e");
	CU_ASSERT_STRING_EQUAL(rg_cli_swallowed(argv, 6, argv[5]), "-c");
	/* A value is a value: a real one, one given with '=', a lone dash. */
	CU_ASSERT_PTR_NULL(rg_cli_swallowed(argv, 4, argv[3]));
	CU_ASSERT_PTR_NULL(rg_cli_swallowed(argv, 7, argv[6] + 9));
	CU_ASSERT_PTR_NULL(rg_cli_swallowed(argv, 9, argv[8]));
	/* An option without a value. */
	CU_ASSERT_PTR_NULL(rg_cli_swallowed(argv, 6, NULL));
}

static const struct unit_test tests[] = {
	{ "find a command by exact name", test_find },
	{ "suggest the command a typo meant", test_suggest_typo },
	{ "no suggestion for an unrelated word", test_no_suggestion_for_unrelated_word },
	{ "suggest the word of a list a typo meant", test_suggest_word },
	{ "name the offending option", test_bad_option_word },
	{ "a missing value does not swallow the next option", test_swallowed_value },
	{ NULL, NULL }
};

int register_cli_tests(void)
{
	return unit_add_suite("cli", tests);
}
