// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.h"

#include <stdio.h>
#include <string.h>

const struct rg_command *rg_cli_find(const struct rg_command *cmds, size_t n,
				     const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/* Levenshtein distance, capped: anything past 'cap' counts as too far. */
static size_t distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[33];

	if (la > 32 || lb > 32)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* Two edits at most still read as a typo. */
#define NEAR_ENOUGH 3

/*
 * name when it is nearer word than *best_d, which it then becomes. Two
 * letters of word at least must stay: "foo" is no typo of "log".
 */
static const char *nearer(const char *word, const char *name, size_t *best_d)
{
	size_t d = distance(word, name, *best_d);

	if (d >= *best_d || d + 2 > strlen(word))
		return NULL;
	*best_d = d;
	return name;
}

const char *rg_cli_suggest(const struct rg_command *cmds, size_t n,
			   const char *word)
{
	const char *best = NULL, *hit;
	size_t best_d = NEAR_ENOUGH, i;

	for (i = 0; i < n; i++)
		if ((hit = nearer(word, cmds[i].name, &best_d)))
			best = hit;
	return best;
}

const char *rg_cli_suggest_word(const char *const *words, size_t n,
				const char *word)
{
	const char *best = NULL, *hit;
	size_t best_d = NEAR_ENOUGH, i;

	for (i = 0; i < n; i++)
		if ((hit = nearer(word, words[i], &best_d)))
			best = hit;
	return best;
}

const char *rg_cli_bad_option(char *const argv[], int optind, int optopt,
			      char *buf, size_t len)
{
	const char *word = argv[optind - 1];

	if (optopt && word && strncmp(word, "--", 2)) {
		snprintf(buf, len, "-%c", optopt);
		return buf;
	}
	return word ? word : "?";
}

const char *rg_cli_swallowed(char *const argv[], int optind,
			     const char *optarg)
{
	if (!optarg || strncmp(optarg, "--", 2) || optind < 3 ||
	    argv[optind - 1] != optarg)
		return NULL;
	return argv[optind - 2];
}
