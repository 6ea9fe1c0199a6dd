// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "ctl_client.h"
#include "lock.h"
#include "probe.h"
#include "control.h"
#include "errmsg.h"
#include "exempt.h"
#include "usage.h"

const char teardown_usage[] =
	"Usage: reflguard teardown [--purge] [--stop] [-c FILE] [--state FILE] [--control PATH]\n"
	"\n"
	"Removes every table, chain, set and rule reflguard installed (its ip and\n"
	"ip6 'reflguard' tables), in one transaction: the firewall's ruleset is then\n"
	"exactly what it was before reflguard ran. The user's tables are not\n"
	"touched. A running daemon would put its chain back: teardown refuses,\n"
	"naming its pid, unless --stop asks it to stop first.\n"
	"\n"
	"  --purge           also delete the state file, so a restart installs nothing\n"
	"  --stop            stop the running daemon first (over its control socket)\n"
	"  -c, --config FILE configuration (the state file's and control socket's paths)\n"
	"  --state FILE      state file (default " RG_DEFAULT_STATE ")\n"
	"  --control PATH    the daemon's control socket, for --stop\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 done, 1 a daemon runs (without --stop) or the kernel refused,\n"
	"2 bad usage.\n";

static int parse(int argc, char *argv[], struct rg_config *cfg, bool *purge,
		 bool *stop)
{
	const char *config = NULL;
	struct rg_config over;
	const struct rg_opt opts[] = {
		{ "purge", 0, RG_OPT_FLAG, .to.flag = purge },
		{ "stop", 0, RG_OPT_FLAG, .to.flag = stop },
		{ "config", 'c', RG_OPT_STRING, .to.str = &config },
		{ "state", 0, RG_OPT_KEY, .to.over = &over },
		{ "control", 0, RG_OPT_KEY, .to.over = &over },
		{ 0 }
	};
	int ret;

	rg_config_defaults(&over);
	ret = rg_cmdline_opts("teardown", teardown_usage, 0, opts, argc, argv);
	if (ret != RG_CMDLINE_OK)
		return ret;
	if (rg_usage_no_operands("teardown", argc, argv) < 0)
		return -1;
	return rg_cmdline_file_and_flags("teardown", config, &over, cfg);
}

/* How long --stop waits for the daemon to let go of its lock. */
#define STOP_WAIT_MS 15000

/* Asks the daemon to stop, then waits to hold its lock. -1 after printing. */
static int stop_daemon(const struct rg_config *cfg, struct rg_lock *lock)
{
	pid_t pid = lock->holder;
	struct rg_strbuf reply;
	int res, waited;
	bool ok;

	rg_strbuf_init(&reply);
	res = rg_ctl_client_ask("teardown", cfg->control, "stop", &reply, 5000);
	ok = res == RG_CTL_ANSWERED && strstr(rg_strbuf_str(&reply), "\"ok\":true");
	if (res == RG_CTL_ANSWERED && !ok)
		fprintf(stderr, "reflguard teardown: the daemon (pid %ld) refused to stop: %s",
			(long)pid, rg_strbuf_str(&reply));
	else if (res == RG_CTL_NO_DAEMON)
		fprintf(stderr, "reflguard teardown: the daemon (pid %ld) does not answer on %s (its -c FILE or --control?); nothing removed\n",
			(long)pid, cfg->control);
	rg_strbuf_free(&reply);
	if (!ok)
		return -1;
	for (waited = 0; rg_lock_acquire(lock) < 0; waited += 50) {
		if (errno != EADDRINUSE || waited >= STOP_WAIT_MS) {
			fprintf(stderr, "reflguard teardown: the daemon (pid %ld) did not stop; nothing removed\n",
				(long)pid);
			return -1;
		}
		usleep(50 * 1000);
	}
	return 0;
}

/*
 * The daemon lock, held while tearing down: a running daemon would put
 * its chain back at once, and none may start meanwhile. -1 after printing.
 */
static int hold_lock(const struct rg_config *cfg, bool stop, struct rg_lock *lock)
{
	if (rg_lock_acquire(lock) == 0)
		return 0;
	if (errno != EADDRINUSE) {
		fprintf(stderr, "reflguard teardown: cannot take the daemon lock %s: %s\n",
			lock->path, strerror(errno));
		return -1;
	}
	if (stop)
		return stop_daemon(cfg, lock);
	fprintf(stderr, "reflguard teardown: a reflguard daemon (pid %ld) is running and would put its chain back; stop it first (systemctl stop reflguard), or use --stop; nothing removed\n",
		(long)lock->holder);
	return -1;
}

static int remove_all(const struct rg_config *cfg, bool purge)
{
	unsigned int tables = 0;
	struct rg_nl nl;

	if (rg_nlsock_open(&nl, NETLINK_NETFILTER) < 0 || rg_exempt_teardown(&nl, &tables) < 0) {
		fprintf(stderr, "reflguard teardown: %s\n", rg_errmsg_errno(errno));
		rg_nlsock_close(&nl);
		return RG_EXIT_FAIL;
	}
	rg_nlsock_close(&nl);
	printf("removed %u reflguard table%s\n", tables, tables == 1 ? "" : "s");
	if (purge) {
		if (unlink(cfg->state) < 0 && errno != ENOENT) {
			fprintf(stderr, "reflguard teardown: %s: %s\n", cfg->state,
				strerror(errno));
			return RG_EXIT_FAIL;
		}
		printf("removed the state file %s\n", cfg->state);
	}
	return RG_EXIT_OK;
}

int teardown_main(int argc, char *argv[])
{
	struct rg_lock lock = { .fd = -1 };
	bool purge = false, stop = false;
	struct rg_config cfg;
	int ret;

	ret = parse(argc, argv, &cfg, &purge, &stop);
	if (ret)
		return ret > 0 ? RG_EXIT_OK : RG_EXIT_USAGE;
	/* Before the lock, whose refusal would not say why. */
	if (rg_probe_net_admin().state == RG_CAP_NO) {
		fprintf(stderr, "reflguard teardown: %s\n", RG_ERRMSG_PRIVILEGE);
		return RG_EXIT_FAIL;
	}
	if (hold_lock(&cfg, stop, &lock) < 0)
		return RG_EXIT_FAIL;
	ret = remove_all(&cfg, purge);
	rg_lock_release(&lock);
	return ret;
}
