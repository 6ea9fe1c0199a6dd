// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <stdio.h>

#include "caps.h"
#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "doctor_report.h"
#include "probe.h"
#include "strbuf.h"
#include "usage.h"

const char doctor_usage[] =
	"Usage: reflguard doctor [--json]\n"
	"\n"
	"Probes the running kernel through netlink and tells what reflguard can\n"
	"use: nftables, the native nft queue expression or the xt NFQUEUE compat\n"
	"target, conntrack attached to queued packets (NFQA_CT), ctnetlink, IPv4\n"
	"and IPv6 NAT, and privileges. Every probe works in a temporary table of\n"
	"its own and removes it.\n"
	"\n"
	"  --json      print one JSON object instead of the table\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit status: 0 reflguard can run, 1 it cannot (the reason is printed),\n"
	"2 bad usage.\n";

static int parse_args(int argc, char *argv[], bool *json)
{
	const struct rg_opt opts[] = {
		{ "json", 0, RG_OPT_FLAG, .to.flag = json },
		{ 0 }
	};
	int ret = rg_cmdline_opts("doctor", doctor_usage, 0, opts, argc, argv);

	if (ret != RG_CMDLINE_OK)
		return ret;
	return rg_usage_no_operands("doctor", argc, argv);
}

int doctor_main(int argc, char *argv[])
{
	struct rg_strbuf out;
	struct rg_caps caps;
	bool json = false;
	int ret;

	ret = parse_args(argc, argv, &json);
	if (ret)
		return ret > 0 ? RG_EXIT_OK : RG_EXIT_USAGE;
	rg_probe_all(&caps);
	rg_strbuf_init(&out);
	if (json)
		rg_doctor_report_json(&caps, &out);
	else
		rg_doctor_report_text(&caps, &out);
	if (rg_strbuf_failed(&out)) {
		fprintf(stderr, "reflguard doctor: out of memory\n");
		rg_strbuf_free(&out);
		return RG_EXIT_FAIL;
	}
	fputs(rg_strbuf_str(&out), stdout);
	rg_strbuf_free(&out);
	return rg_caps_can_run(&caps, NULL) ? RG_EXIT_OK : RG_EXIT_FAIL;
}
