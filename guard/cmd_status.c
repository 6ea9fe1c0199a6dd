// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "control.h"
#include "strbuf.h"
#include "usage.h"

const char status_usage[] =
	"Usage: reflguard status [--control PATH] [--json]\n"
	"\n"
	"Asks the running daemon for its mode, uptime, kernel path, counters and\n"
	"the last finding per Expressway-C.\n"
	"\n"
	"  --control PATH  control socket (default " RG_DEFAULT_CONTROL ")\n"
	"  --json          print the daemon's JSON document\n"
	"  -h, --help      show this help\n"
	"\n"
	"Exit status: 0 answered, 1 no daemon answered, 2 bad usage.\n";

#define STATUS_TIMEOUT_MS 2000

int status_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = RG_DEFAULT_CONTROL;
	struct rg_strbuf reply;
	bool json = false;
	int c, ret;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (rg_usage_value("status", argv) < 0)
			return RG_EXIT_USAGE;
		switch (c) {
		case 'C': path = optarg; break;
		case 'j': json = true; break;
		case 'h': fputs(status_usage, stdout); return RG_EXIT_OK;
		default:
			rg_usage_bad_option("status", c, argv);
			return RG_EXIT_USAGE;
		}
	}
	if (rg_usage_no_operands("status", argc, argv) < 0)
		return RG_EXIT_USAGE;
	rg_strbuf_init(&reply);
	ret = rg_ctl_request(path, json ? "status json" : "status text", &reply,
			     STATUS_TIMEOUT_MS);
	if (ret < 0 || reply.len == 0) {
		fprintf(stderr, "reflguard status: no daemon answers on %s: %s\n",
			path, ret < 0 ? strerror(errno) : "empty answer");
		rg_strbuf_free(&reply);
		return RG_EXIT_FAIL;
	}
	fputs(rg_strbuf_str(&reply), stdout);
	rg_strbuf_free(&reply);
	return RG_EXIT_OK;
}
