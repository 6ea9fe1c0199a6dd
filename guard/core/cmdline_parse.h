/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CMDLINE_PARSE_H
#define RG_CMDLINE_PARSE_H

#include <stdbool.h>

#include "config.h"
#include "strbuf.h"

/*
 * Every command's options, declared as data and read by one parser, so
 * that a bad flag gets the same words and exit status in every command.
 * The pure half of cmdline.c: the message is built here, printed there.
 */
enum {
	RG_CMDLINE_JSON = 1u << 0,	/* accept --json */
	RG_CMDLINE_DAEMON = 1u << 1,	/* accept the daemon-only keys */
};

enum rg_opt_kind {
	RG_OPT_FLAG,	/* no value: *to.flag = true */
	RG_OPT_STRING,	/* a value: *to.str points at it */
	RG_OPT_KEY,	/* a configuration key, set in *to.over */
};

struct rg_opt {
	const char *name;	/* the long option without "--"; NULL ends a table */
	char short_name;	/* 'c' for -c, or 0 */
	enum rg_opt_kind kind;
	/* RG_OPT_KEY: the key when it is not the name ("--no-reset": reset),
	 * and the value of an option that takes none ("no"). */
	const char *key;
	const char *value;
	/* RG_CMDLINE_* flags the command must pass, else the option is
	 * unknown to it: a key named by its key, as in the file. */
	unsigned int needs;
	union {
		bool *flag;
		const char **str;
		struct rg_config *over;
	} to;
};

/* At most this many options in a table, -h/--help aside. */
#define RG_CMDLINE_MAX_OPTS 31

enum rg_cmdline_result {
	RG_CMDLINE_BAD = -1,	/* the message is in msg */
	RG_CMDLINE_OK = 0,	/* optind is at the first operand */
	RG_CMDLINE_HELP = 1,	/* -h or --help: show the usage */
};

/*
 * getopt_long() over argv by opts, with -h/--help always accepted; flags
 * are the RG_CMDLINE_* the command passes. Options and operands may mix
 * (getopt's permutation). A missing value never takes the next option.
 * On RG_CMDLINE_BAD msg holds the line to print, without its newline.
 */
enum rg_cmdline_result rg_cmdline_parse_opts(const char *cmd, unsigned int flags,
					     const struct rg_opt *opts, int argc,
					     char *argv[], struct rg_strbuf *msg);
/* The option of opts that word names exactly ("--help", "-h"), or NULL. */
const struct rg_opt *rg_cmdline_parse_find(const struct rg_opt *opts,
					   const char *word);

#endif
