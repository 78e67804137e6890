// SPDX-License-Identifier: MIT
/* Live check of arguments held in registers and on the stack: values the program passes
 * and prints, read back by uprobes (tests/abi/live.sh). */
#include <stdio.h>

struct twelve { int a, b, c; };        /* x86_64: a register pair; arm64: x-register pair */
struct big { long a, b, c; };          /* x86_64: the stack; arm64: by reference */

volatile long sink;

__attribute__((noinline)) long pair(struct twelve p, long x)
{
	sink = p.a + p.b + p.c + x;
	return sink;
}

__attribute__((noinline)) long spill(long x, struct big s, long y)
{
	sink = x + s.a + s.b + s.c + y;
	return sink;
}

int main(void)
{
	struct twelve p = { -5, 7, 9 };
	struct big s = { 100, -200, 300 };

	pair(p, 11);
	spill(12, s, 13);
	printf("a=%d b=%d c=%d x=%d\n", p.a, p.b, p.c, 11);
	printf("x=%d a=%ld b=%ld c=%ld y=%d\n", 12, s.a, s.b, s.c, 13);
	return 0;
}
