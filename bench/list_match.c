// SPDX-License-Identifier: MIT
/* Times the discovery listing itself (glob match + print over the loaded function list),
 * apart from the kernel's cost of producing /proc/kallsyms and the list's load/sort.
 * usage: list_match [GLOB [ROUNDS]]   (default '*', 20) -> ms per listing */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "discover/list.h"
#include "session/tracefs.h"
#include "types/ksyms.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : "*";
	int rounds = argc > 2 ? atoi(argv[2]) : 20, i;
	struct st_err err = { 0 };
	double t0, t1, best = 1e9;
	struct st_ksyms *k;
	FILE *null = fopen("/dev/null", "w");
	long n = 0;

	t0 = now_ms();
	k = st_ksyms_load(NULL, st_tracefs_find(), &err);
	t1 = now_ms();
	if (!k || !null) {
		fprintf(stderr, "list_match: %s\n", err.msg);
		return 1;
	}
	printf("load: %zu functions in %.1f ms\n", st_ksyms_count(k), t1 - t0);
	for (i = 0; i < rounds; i++) {
		t0 = now_ms();
		n = st_list_kfuncs(null, k, NULL, glob, false, false, &err);
		fflush(null);
		t1 = now_ms();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	printf("list '%s': %ld matches, best of %d: %.2f ms\n", glob, n, rounds, best);
	st_ksyms_free(k);
	fclose(null);
	return 0;
}
