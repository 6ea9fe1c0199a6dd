// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl_client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "control.h"

int rg_ctl_client_config(const char *cmd, const char *config,
			 const char *control, struct rg_config *cfg)
{
	char err[RG_ERR_LEN];

	rg_config_defaults(cfg);
	/* A control-group member may not be able to read the default file:
	 * it then asks on the default socket, as before -c existed. */
	if ((config || (!control && access(RG_DEFAULT_CONFIG, R_OK) == 0)) &&
	    rg_cmdline_load_file(cmd, config ? config : RG_DEFAULT_CONFIG,
				 config != NULL, cfg) < 0)
		return -1;
	if (control && rg_config_set(cfg, "control", control, err, sizeof(err)) < 0) {
		fprintf(stderr, "reflguard %s: --control: %s\n", cmd, err);
		return -1;
	}
	return 0;
}

enum rg_ctl_client_result rg_ctl_client_ask(const char *cmd, const char *path,
					    const char *request,
					    struct rg_strbuf *reply,
					    int timeout_ms)
{
	int ret = rg_control_request(path, request, reply, timeout_ms);

	if (ret == RG_CTL_REQ_NO_ANSWER)
		fprintf(stderr, "reflguard %s: a daemon is on %s but did not answer: %s\n",
			cmd, path, strerror(errno));
	return ret == 0 ? RG_CTL_ANSWERED : ret == RG_CTL_REQ_NO_DAEMON ?
	       RG_CTL_NO_DAEMON : RG_CTL_FAILED;
}
