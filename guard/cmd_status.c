// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "config.h"
#include "ctl_client.h"
#include "strbuf.h"
#include "usage.h"

const char status_usage[] =
	"Usage: reflguard status [-c FILE] [--control PATH] [--json]\n"
	"\n"
	"Asks the running daemon for its mode, uptime, kernel path, counters and\n"
	"the last finding per Expressway-C.\n"
	"\n"
	"  -c, --config FILE  configuration (its control socket)\n"
	"  --control PATH     control socket (default " RG_DEFAULT_CONTROL ")\n"
	"  --json             print the daemon's JSON document\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 answered, 1 no daemon answered, 2 bad usage.\n";

#define STATUS_TIMEOUT_MS 2000

int status_main(int argc, char *argv[])
{
	const char *config = NULL, *control = NULL;
	bool json = false;
	const struct rg_opt opts[] = {
		{ "config", 'c', RG_OPT_STRING, .to.str = &config },
		{ "control", 0, RG_OPT_STRING, .to.str = &control },
		{ "json", 0, RG_OPT_FLAG, .to.flag = &json },
		{ 0 }
	};
	enum rg_ctl_client_result r;
	struct rg_strbuf reply;
	struct rg_config cfg;

	switch (rg_cmdline_opts("status", status_usage, 0, opts, argc, argv)) {
	case RG_CMDLINE_HELP: return RG_EXIT_OK;
	case RG_CMDLINE_BAD: return RG_EXIT_USAGE;
	case RG_CMDLINE_OK: break;
	}
	if (rg_usage_no_operands("status", argc, argv) < 0 ||
	    rg_ctl_client_config("status", config, control, &cfg) < 0)
		return RG_EXIT_USAGE;
	rg_strbuf_init(&reply);
	r = rg_ctl_client_ask("status", cfg.control, json ? "status json" : "status text",
			      &reply, STATUS_TIMEOUT_MS);
	if (r != RG_CTL_ANSWERED) {
		if (r == RG_CTL_NO_DAEMON)
			fprintf(stderr, "reflguard status: no daemon answers on %s: %s\n",
				cfg.control, strerror(errno));
		rg_strbuf_free(&reply);
		return RG_EXIT_FAIL;
	}
	fputs(rg_strbuf_str(&reply), stdout);
	rg_strbuf_free(&reply);
	return RG_EXIT_OK;
}
