// SPDX-License-Identifier: MIT
/* Uprobe target of the Python tests: `pytarget N` calls py_target() N times with values
 * the tests know in advance (a negative int, a UTF-8 string, an IPv4 address in network
 * order) and prints each call's arguments, so traced values are compared with ground
 * truth the program states itself; `pytarget N wait` then stays alive until stdin closes
 * (its comm is still readable). `pytarget loop N` only calls py_tick() N times;
 * `pytarget waitloop N` first waits for a line on stdin (time to attach to its pid), then
 * stays alive until stdin closes. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int py_target(int neg, const char *name, unsigned int addr, long big)
{
	__asm__ volatile("" ::: "memory");
	return neg + (int)strlen(name) + (int)(addr & 1) + (int)big;
}

__attribute__((noinline)) int py_tick(int i)
{
	__asm__ volatile("" ::: "memory");
	return i + 1;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "héllo", "wörld", "日本" };
	int n, i, s = 0;

	if (argc > 2 && !strcmp(argv[1], "waitloop")) {
		char line[16];

		if (!fgets(line, sizeof(line), stdin))
			return 1;
		n = atoi(argv[2]);
		for (i = 0; i < n; i++)
			s += py_tick(i);
		printf("%d\n", s);
		fflush(stdout);
		while (getchar() != EOF)   /* alive until stdin closes: its maps stay readable */
			;
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "loop")) {
		n = atoi(argv[2]);
		for (i = 0; i < n; i++)
			s += py_tick(i);
		printf("%d\n", s);
		return 0;
	}
	n = argc > 1 ? atoi(argv[1]) : 3;
	for (i = 0; i < n; i++) {
		const char *nm = names[i % 3];
		unsigned int a = htonl(0x0a000001u + (unsigned int)i);   /* 10.0.0.(1+i) */

		printf("%d %s 10.0.0.%d %ld\n", -1 - i, nm, 1 + i, -5000000000L * (i + 1));
		fflush(stdout);
		s += py_target(-1 - i, nm, a, -5000000000L * (i + 1));
	}
	if (argc > 2 && !strcmp(argv[2], "wait"))
		while (getchar() != EOF)
			;
	return s == 12345;
}
