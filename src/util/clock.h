/* SPDX-License-Identifier: MIT */
/* The one clock for deadlines, naps and rate windows: CLOCK_MONOTONIC in nanoseconds. */
#ifndef ST_UTIL_CLOCK_H
#define ST_UTIL_CLOCK_H
#include <time.h>

static inline long long st_mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

#endif
