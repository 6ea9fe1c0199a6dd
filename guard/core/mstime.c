// SPDX-License-Identifier: GPL-2.0-or-later
#include "mstime.h"

#define NS_PER_MS 1000000L
#define NS_PER_S 1000000000L

long long rg_mstime_diff(const struct timespec *later,
			 const struct timespec *earlier)
{
	return (later->tv_sec - earlier->tv_sec) * 1000LL +
	       (later->tv_nsec - earlier->tv_nsec) / NS_PER_MS;
}

int64_t rg_mstime_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000 + t->tv_nsec / NS_PER_MS;
}

void rg_mstime_add(struct timespec *t, long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * NS_PER_MS;
	if (t->tv_nsec >= NS_PER_S) {
		t->tv_sec++;
		t->tv_nsec -= NS_PER_S;
	}
}
