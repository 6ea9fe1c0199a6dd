// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "daemon.h"

const char run_usage[] =
	"Usage: reflguard run [-c FILE] [--mode dry-run|remediate]\n"
	"                     [--expressway-e PUBLIC[=INTERNAL]]... [--expressway-c ADDR/LEN]...\n"
	"                     [--ports LIST] [--queue N] [--events FILE|-]\n"
	"                     [--state FILE] [--control PATH]\n"
	"\n"
	"Watches new traversal connections to Expressway-E's public address,\n"
	"classifies each hairpinned one from its conntrack entry and reports, as\n"
	"one JSON event per line, whether the firewall translated its source.\n"
	"\n"
	"  -c, --config FILE       configuration file (default " RG_DEFAULT_CONFIG " if present)\n"
	"  --mode MODE             dry-run (default); remediate is not available yet\n"
	"  --expressway-e P[=I]    Expressway-E public address, optionally =internal (repeatable)\n"
	"  --expressway-c PREFIX   only sources inside count as Expressway-C (repeatable)\n"
	"  --ports LIST            watched ports, e.g. tcp/7001-7010,tcp/7400 (default " RG_DEFAULT_PORTS ")\n"
	"  --queue N               nfqueue number (default 7003)\n"
	"  --events FILE|-         append events to FILE, or - for stdout (default)\n"
	"  --state FILE            state file (default " RG_DEFAULT_STATE ")\n"
	"  --control PATH          control socket (default " RG_DEFAULT_CONTROL ")\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 after SIGTERM or SIGINT, 1 when it cannot start, 2 bad input.\n";

int run_main(int argc, char *argv[])
{
	struct rg_cmdline cl;
	struct rg_config cfg;

	if (rg_cmdline_parse("run", run_usage, RG_CMDLINE_DAEMON, argc, argv, &cl) < 0)
		return RG_EXIT_USAGE;
	if (cl.help)
		return RG_EXIT_OK;
	if (rg_cmdline_config("run", &cl, &cfg) < 0)
		return RG_EXIT_USAGE;
	return rg_daemon_run(&cfg);
}
