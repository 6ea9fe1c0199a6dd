// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "daemon.h"
#include "privs.h"

const char run_usage[] =
	"Usage: reflguard run [-c FILE] [--mode dry-run|remediate]\n"
	"                     [--expressway-e PUBLIC[=INTERNAL]]... [--expressway-c ADDR/LEN]...\n"
	"                     [--ports LIST] [--queue N] [--events FILE|-]\n"
	"                     [--state FILE] [--control PATH] [--max-exemptions N]\n"
	"                     [--no-reset] [--reset-state] [--queue-maxlen N]\n"
	"                     [--queue-rcvbuf BYTES] [--control-group GROUP]\n"
	"                     [--log auto|stderr|syslog] [--metrics [ADDR:]PORT]\n"
	"                     [--user USER] [--no-seccomp]\n"
	"                     [--repeat-interval SECONDS]\n"
	"                     [--same-link exempt|refuse] [--adopt yes|no]\n"
	"\n"
	"Watches new traversal connections to Expressway-E's public address,\n"
	"classifies each hairpinned one from its conntrack entry and reports, as\n"
	"one JSON event per line, whether the firewall translated its source.\n"
	"\n"
	"  -c, --config FILE       configuration file (default " RG_DEFAULT_CONFIG " if present)\n"
	"  --mode MODE             dry-run (default): report; remediate: also install exemptions\n"
	"  --expressway-e P[=I]    Expressway-E public address, optionally =internal (repeatable)\n"
	"  --expressway-c PREFIX   only sources inside count as Expressway-C (repeatable)\n"
	"  --ports LIST            watched ports, e.g. tcp/7001-7010,tcp/7400 (default " RG_DEFAULT_PORTS ")\n"
	"  --queue N               nfqueue number (default 7003)\n"
	"  --events FILE|-         append events to FILE, or - for stdout (default); SIGUSR1\n"
	"                          or SIGHUP reopens FILE (after a rotation)\n"
	"  --repeat-interval S     a pair's repeated finding within S seconds: the first\n"
	"                          written at once, then one line with the count (default 60;\n"
	"                          0: every flow's event)\n"
	"  --state FILE            state file (default " RG_DEFAULT_STATE ")\n"
	"  --control PATH          control socket (default " RG_DEFAULT_CONTROL ")\n"
	"  --control-group GROUP   let GROUP read status on the control socket (mode 0660);\n"
	"                          changes stay root's\n"
	"  --metrics [ADDR:]PORT   serve Prometheus metrics on http://ADDR:PORT/metrics\n"
	"                          (PORT alone: 127.0.0.1; [ADDR6]:PORT for IPv6; default off)\n"
	"  --max-exemptions N      refuse (reason limit) past N exemptions (default 64)\n"
	"  --queue-maxlen N        packets the kernel holds for reflguard before it lets\n"
	"                          further ones through unobserved (default 1024)\n"
	"  --queue-rcvbuf BYTES    the queue socket's receive buffer (default: room for\n"
	"                          queue-maxlen packets, 1280 bytes each)\n"
	"  --no-reset              keep translated connections found at start (default: delete\n"
	"                          their conntrack entries once exempted, so they reconnect)\n"
	"  --same-link WHAT        C and E in different subnets on one interface of the\n"
	"                          firewall: exempt (default; assumes E's netmask is the\n"
	"                          firewall's prefix) or refuse (reason same-link)\n"
	"  --adopt yes|no          exempt the pairs a firewall pair's peer exempted, as\n"
	"                          its conntrack entries marked 0x20000000 come (conntrackd),\n"
	"                          when this node would exempt them itself (default yes)\n"
	"  --reset-state           start with no exemption; a bad state file is kept aside\n"
	"  --log TARGET            human lines: auto (default: stderr, with journal priority\n"
	"                          prefixes when stderr is the journal), stderr or syslog\n"
	"  --user USER             the user the daemon becomes once set up, keeping\n"
	"                          CAP_NET_ADMIN alone (default " RG_DEFAULT_USER " where it exists;\n"
	"                          root: stay root, with CAP_NET_ADMIN alone)\n"
	"  --no-seccomp            no system call allow-list (default: one, on x86_64\n"
	"                          and aarch64)\n"
	"  -h, --help              show this help\n"
	"\n"
	"In remediate mode each translated hairpinned flow from an Expressway-C gets an\n"
	"exemption: in reflguard's own table, an identity source NAT before srcnat for\n"
	"C . E internal . proto . port, so Expressway-E sees C's real address and port.\n"
	"The configuration's 'exempt =' lines are installed at start, whatever was\n"
	"learnt, and follow the file on SIGHUP.\n"
	"\n"
	"Exit status: 0 after SIGTERM or SIGINT, 1 when it cannot start, 2 bad input\n"
	"(including a state file that cannot be parsed).\n";

/* A user that does not exist is bad input, named where it was given. */
static int check_user(const struct rg_cmdline *cl, const struct rg_config *cfg)
{
	struct rg_privs_user u;
	const char *why;

	if (!*cfg->user || rg_privs_find_user(cfg->user, &u) == 0)
		return 0;
	why = errno == ENOENT ? "no such user" : strerror(errno);
	if (cl->over.given & RG_KEY_USER)
		fprintf(stderr, "reflguard run: --user: %s '%s'\n", why, cfg->user);
	else
		fprintf(stderr, "reflguard run: %s:%u: %s '%s' for user\n",
			cl->config_path ? cl->config_path : RG_DEFAULT_CONFIG,
			cfg->user_line, why, cfg->user);
	return -1;
}

int run_main(int argc, char *argv[])
{
	struct rg_cmdline cl;
	struct rg_config cfg;

	if (rg_cmdline_parse("run", run_usage, RG_CMDLINE_DAEMON, argc, argv, &cl) < 0)
		return RG_EXIT_USAGE;
	if (cl.help)
		return RG_EXIT_OK;
	if (rg_cmdline_config("run", &cl, &cfg) < 0 || check_user(&cl, &cfg) < 0)
		return RG_EXIT_USAGE;
	return rg_daemon_run(&cfg, &cl);
}
