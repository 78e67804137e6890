// SPDX-License-Identifier: MIT
/* Uprobe target for the live suites: calls st_target() N times and prints, one line per
 * call, exactly the values it passed and got back ("a b x name ret"), so tests compare
 * traced values with what the program itself says. Built with -g by the suites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct point {
	int x;
	long y;
	char name[16];
};

__attribute__((noinline)) int st_target(int a, long b, struct point *p)
{
	__asm__ volatile("" ::: "memory");  /* keep the call and its arguments */
	return a + (int)b + p->x;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3, i;
	struct point p = { 0, 0, "" };

	for (i = 0; i < n; i++) {
		p.x = i * 3 + 1;
		p.y = -i;
		snprintf(p.name, sizeof(p.name), "pt%d", i);
		printf("%d %ld %d %s %d\n", i, 1000L * i, p.x, p.name,
		       st_target(i, 1000L * i, &p));
	}
	return 0;
}
