// SPDX-License-Identifier: MIT
/* Event generator for the benches: calls getppid(2) COUNT times as fast as it can (or
 * with a pause of USEC microseconds between calls), then prints how many calls it made
 * and the rate. Its comm ("getppid_loop") is what the benches filter on, so every peer
 * sees exactly the events this program caused. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 1000000;   /* <= 0: forever */
	long pause_us = argc > 2 ? atol(argv[2]) : 0;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	long i;
	for (i = 0; count <= 0 || i < count; i++) {
		syscall(SYS_getppid);  /* not the libc wrapper: it must reach the kernel */
		if (pause_us)
			usleep((useconds_t)pause_us);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("calls=%ld secs=%.3f rate=%.0f\n", i, s, s > 0 ? (double)i / s : 0.0);
	return 0;
}
