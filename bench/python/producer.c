// SPDX-License-Identifier: MIT
/* Makes N sys_enter_getppid events as fast as one CPU can: the event source of the
 * Python binding benchmark (python_bench.py). */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, i;

	for (i = 0; i < n; i++)
		getppid();
	return 0;
}
