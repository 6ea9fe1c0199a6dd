/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CLI_H
#define RG_CLI_H

#include <stddef.h>

enum {
	RG_EXIT_OK = 0,
	RG_EXIT_FAIL = 1,	/* the command ran and the answer is "no" */
	RG_EXIT_USAGE = 2,	/* bad input: nothing was changed */
};

struct rg_command {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *summary;
	const char *usage;
};

const struct rg_command *rg_cli_find(const struct rg_command *cmds, size_t n,
				     const char *name);
/* The command name closest to word when it is a likely typo, else NULL. */
const char *rg_cli_suggest(const struct rg_command *cmds, size_t n,
			   const char *word);
/* The same over a list of words (the configuration's keys). */
const char *rg_cli_suggest_word(const char *const *words, size_t n,
				const char *word);
/*
 * The word getopt_long() stopped at, for "unknown option 'WORD'": the
 * argument itself for long options, "-x" for a short one.
 */
const char *rg_cli_bad_option(char *const argv[], int optind, int optopt,
			      char *buf, size_t len);
/*
 * The option whose value is missing when getopt_long() took the next
 * option for it ("--expressway-e --mode remediate" gives --expressway-e
 * the value "--mode"), else NULL. Only a value in a word of its own
 * counts: "--events=--x" says what it means.
 */
const char *rg_cli_swallowed(char *const argv[], int optind,
			     const char *optarg);

#endif
