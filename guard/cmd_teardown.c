// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "control.h"
#include "errmsg.h"
#include "exempt.h"
#include "usage.h"

const char teardown_usage[] =
	"Usage: reflguard teardown [--purge] [-c FILE] [--state FILE] [--control PATH]\n"
	"\n"
	"Removes every table, chain, set and rule reflguard installed (its ip and\n"
	"ip6 'reflguard' tables), in one transaction: the firewall's ruleset is then\n"
	"exactly what it was before reflguard ran. The user's tables are not\n"
	"touched. A running daemon loses its chain too; stop it first.\n"
	"\n"
	"  --purge           also delete the state file, so a restart installs nothing\n"
	"  -c, --config FILE configuration (for the state file's path)\n"
	"  --state FILE      state file (default " RG_DEFAULT_STATE ")\n"
	"  --control PATH    the daemon's control socket, told to reload its state\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 done, 1 the kernel refused, 2 bad usage.\n";

static int parse(int argc, char *argv[], struct rg_config *cfg, bool *purge)
{
	static const struct option opts[] = {
		{ "purge", no_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 'S' },
		{ "control", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *config = NULL;
	char err[RG_ERR_LEN];
	struct rg_config over;
	int c;

	rg_config_defaults(&over);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		if (rg_usage_value("teardown", argv) < 0)
			return -1;
		switch (c) {
		case 'p': *purge = true; break;
		case 'c': config = optarg; break;
		case 'S':
		case 'C':
			if (rg_config_set(&over, c == 'S' ? "state" : "control", optarg,
					  err, sizeof(err)) < 0) {
				fprintf(stderr, "reflguard teardown: %s\n", err);
				return -1;
			}
			break;
		case 'h': fputs(teardown_usage, stdout); return 1;
		default:
			return rg_usage_bad_option("teardown", c, argv);
		}
	}
	if (rg_usage_no_operands("teardown", argc, argv) < 0)
		return -1;
	rg_config_defaults(cfg);
	if (rg_cmdline_load_file("teardown", config ? config : RG_DEFAULT_CONFIG,
				 config != NULL, cfg) < 0)
		return -1;
	rg_config_merge(cfg, &over);
	return 0;
}

int teardown_main(int argc, char *argv[])
{
	struct rg_strbuf reply;
	struct rg_config cfg;
	unsigned int tables = 0;
	bool purge = false;
	struct rg_nl nl;
	int ret;

	ret = parse(argc, argv, &cfg, &purge);
	if (ret)
		return ret > 0 ? RG_EXIT_OK : RG_EXIT_USAGE;
	if (rg_nl_open(&nl, NETLINK_NETFILTER) < 0 || rg_teardown(&nl, &tables) < 0) {
		fprintf(stderr, "reflguard teardown: %s\n", rg_errmsg_errno(errno));
		rg_nl_close(&nl);
		return RG_EXIT_FAIL;
	}
	rg_nl_close(&nl);
	printf("removed %u reflguard table%s\n", tables, tables == 1 ? "" : "s");
	if (purge) {
		if (unlink(cfg.state) < 0 && errno != ENOENT) {
			fprintf(stderr, "reflguard teardown: %s: %s\n", cfg.state,
				strerror(errno));
			return RG_EXIT_FAIL;
		}
		printf("removed the state file %s\n", cfg.state);
	}
	rg_strbuf_init(&reply);
	rg_ctl_request(cfg.control, "reload-state", &reply, 1000);
	rg_strbuf_free(&reply);
	return RG_EXIT_OK;
}
