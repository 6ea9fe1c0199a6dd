// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make check-pure's self-test: an object that does I/O in the ways a pure
 * module must not (a file, the clock, the environment, a socket, stdout),
 * so the check is seen to fail before it is trusted to pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

int rg_impure(void);

int rg_impure(void)
{
	FILE *f = fopen("/dev/null", "r");
	struct timespec ts;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("%s %d\n", getenv("HOME") ? "home" : "", fd);
	if (f)
		fclose(f);
	return (int)ts.tv_sec;
}
