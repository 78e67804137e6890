// SPDX-License-Identifier: MIT
/* Bundle identity target (tests/discover/bundle.sh): built with -DPAD and without, so
 * foo_alpha moves by the one byte of pad() and the old entry offset lands inside its first
 * (10-byte) instruction. Prints "i foo_alpha(i)" per call. */
#include <stdio.h>
#include <stdlib.h>
#ifdef PAD
__attribute__((used, noinline)) void pad(void) { }
#endif
__attribute__((noinline)) long foo_alpha(long a)
{
	long r = a * 0x123456789abcLL;
	__asm__ volatile("" : "+r"(r) : : "memory");
	return r + 1;
}
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	for (int i = 0; i < n; i++)
		printf("%d %ld\n", i, foo_alpha(i));
	return 0;
}
