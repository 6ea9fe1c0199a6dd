/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CMDLINE_H
#define RG_CMDLINE_H

#include <stdbool.h>

#include "cmdline_parse.h"
#include "config.h"

/*
 * The options `run` and `scan` share: every configuration key as a long
 * option, -c FILE, and for some commands --json. Errors are printed here,
 * at the command's edge, naming the flag; callers exit 2 on -1.
 */
struct rg_cmdline {
	struct rg_config over;		/* only what the flags set */
	const char *config_path;	/* -c, or NULL */
	bool json;
	bool help;
	bool reset_state;		/* --reset-state: start empty */
};

/*
 * A command's options by its table (see cmdline_parse.h): the usage on
 * stdout for --help, a bad flag's message on stderr. Returns
 * RG_CMDLINE_OK with optind at the operands, RG_CMDLINE_HELP, or
 * RG_CMDLINE_BAD (exit 2).
 */
int rg_cmdline_opts(const char *cmd, const char *usage, unsigned int flags,
		    const struct rg_opt *opts, int argc, char *argv[]);
/*
 * run's and scan's options, then their configuration: defaults, the file
 * (-c, or the default file when it exists), the flags; validated. -1 to
 * go on with *out, else the exit status (RG_EXIT_OK after --help,
 * RG_EXIT_USAGE), said already.
 */
int rg_cmdline_start(const char *cmd, const char *usage, unsigned int flags,
		     int argc, char *argv[], struct rg_cmdline *cl,
		     struct rg_config *out);
/* The same, for the daemon's reload: the message in err, not printed. */
int rg_cmdline_config_msg(const struct rg_cmdline *cl, struct rg_config *out,
			  char *err, size_t errlen);

/*
 * The configuration of a command that needs no Expressway-E (exempt,
 * teardown): defaults, then config (which must exist) or the default file
 * when it exists, then the flags in over; not validated. -1 after printing.
 */
int rg_cmdline_file_and_flags(const char *cmd, const char *config,
			      const struct rg_config *over, struct rg_config *out);

/* Parses a configuration file into cfg (no validation); a missing file is
 * fine unless must_exist. -1 after printing. */
int rg_cmdline_load_file(const char *cmd, const char *path, bool must_exist,
			 struct rg_config *cfg);

#endif
