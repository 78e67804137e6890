// SPDX-License-Identifier: MIT
/* Uprobe offset target: insn_mix() mixes instruction lengths (a 64-bit immediate, a loop,
 * a multiply, a branch) so that probing every byte of it meets boundaries and the middles
 * of short and long instructions. Prints "i result" per call: the test compares this with
 * a run without probes, and the traced calls with the count it asked for. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) long insn_mix(long a, long b)
{
	long r = a * 0x123456789abcLL;
	int i;

	for (i = 0; i < (int)(b & 7); i++)
		r ^= (r << 7) + b + i;
	if (r & 1)
		r += 0x7fffffff;
	__asm__ volatile("" : "+r"(r) : : "memory");
	return r;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3, i;

	for (i = 0; i < n; i++)
		printf("%d %ld\n", i, insn_mix(i + 1, i % 6 + 1));
	return 0;
}
