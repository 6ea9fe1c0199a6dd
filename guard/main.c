// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reflguard: finds and fixes the source translation of hairpinned
 * Expressway-C to Expressway-E traversal connections on a Linux firewall.
 */
#include <stdio.h>

#include "cli.h"
#include "cmdline_parse.h"
#include "commands.h"

static int help_main(int argc, char *argv[]);

static const struct rg_command commands[] = {
	{ "run", run_main, "Run the daemon: watch, classify, report", run_usage },
	{ "scan", scan_main, "List translated hairpinned flows in conntrack now", scan_usage },
	{ "status", status_main, "Ask the running daemon how it is doing", status_usage },
	{ "reload", reload_main, "Ask the running daemon to read its configuration again", reload_usage },
	{ "exempt", exempt_main, "List, add or remove exemptions by hand", exempt_usage },
	{ "teardown", teardown_main, "Remove everything reflguard installed", teardown_usage },
	{ "doctor", doctor_main, "Probe the kernel for what reflguard can use", doctor_usage },
	{ "check-config", check_config_main, "Validate a configuration file", check_config_usage },
	{ "report", report_main, "Summarise an events file for the firewall owner", report_usage },
	{ "help", help_main, "Show the help of a command",
	  "Usage: reflguard help [COMMAND]\n" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: reflguard <command> [options]\n"
		   "       reflguard --help | --version\n\n"
		   "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'reflguard help COMMAND' shows the options of one command.\n");
}

static int unknown_command(const char *word)
{
	const char *near = rg_cli_suggest(commands, NCOMMANDS, word);

	if (near)
		fprintf(stderr, "reflguard: unknown command '%s' (did you mean '%s'? see 'reflguard --help')\n",
			word, near);
	else
		fprintf(stderr, "reflguard: unknown command '%s' (see 'reflguard --help')\n",
			word);
	return RG_EXIT_USAGE;
}

/* "reflguard -c FILE run": the options belong after the command. */
static int option_first(int argc, char *argv[])
{
	int i;

	for (i = 2; i < argc; i++) {
		if (rg_cli_find(commands, NCOMMANDS, argv[i])) {
			fprintf(stderr, "reflguard: unknown option '%s' (options go after the command: 'reflguard %s %s ...')\n",
				argv[1], argv[i], argv[1]);
			return RG_EXIT_USAGE;
		}
	}
	fprintf(stderr, "reflguard: unknown option '%s' (see 'reflguard --help')\n",
		argv[1]);
	return RG_EXIT_USAGE;
}

static int help_main(int argc, char *argv[])
{
	const struct rg_command *cmd;

	if (argc == 1) {
		show_usage(stdout);
		return RG_EXIT_OK;
	}
	if (argc > 2) {
		fprintf(stderr, "reflguard help: unexpected argument '%s' (usage: reflguard help [COMMAND])\n",
			argv[2]);
		return RG_EXIT_USAGE;
	}
	cmd = rg_cli_find(commands, NCOMMANDS, argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	fputs(cmd->usage, stdout);
	return RG_EXIT_OK;
}

/* reflguard's own options, before any command: whole words only. */
static bool show_help, show_version;
static const struct rg_opt main_opts[] = {
	{ "help", 'h', RG_OPT_FLAG, .to.flag = &show_help },
	{ "version", 'V', RG_OPT_FLAG, .to.flag = &show_version },
	{ 0 }
};

int main(int argc, char *argv[])
{
	const struct rg_command *cmd;
	const struct rg_opt *opt;

	if (argc < 2) {
		show_usage(stderr);
		return RG_EXIT_USAGE;
	}
	opt = rg_cmdline_parse_find(main_opts, argv[1]);
	if (opt)
		*opt->to.flag = true;
	if (show_help) {
		show_usage(stdout);
		return RG_EXIT_OK;
	}
	if (show_version) {
		printf("reflguard %s\n", RG_VERSION);
		return RG_EXIT_OK;
	}
	if (argv[1][0] == '-')
		return option_first(argc, argv);
	cmd = rg_cli_find(commands, NCOMMANDS, argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	return cmd->fn(argc - 1, argv + 1);
}
