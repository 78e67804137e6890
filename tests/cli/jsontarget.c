// SPDX-License-Identifier: MIT
/* Uprobe target for tests/cli/json.sh: passes a 64-bit pointer value and strings with
 * UTF-8 and invalid bytes, also as its own comm, and prints exactly what it passed
 * (pointer in hex, strings as hex bytes) so the test compares JSON with ground truth. */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

__attribute__((noinline)) int st_json_target(const void *ptr, const char *s)
{
	__asm__ volatile("" ::: "memory");
	return (int)((unsigned long)ptr & 1) + (int)strlen(s);
}

static void call(const void *ptr, const char *s)
{
	char comm[17] = "";

	prctl(PR_SET_NAME, s, 0, 0, 0);
	prctl(PR_GET_NAME, comm, 0, 0, 0);
	printf("%p ", ptr);
	for (const char *p = s; *p; p++)
		printf("%02x", (unsigned char)*p);
	printf(" ");
	for (const char *p = comm; *p; p++)
		printf("%02x", (unsigned char)*p);
	printf(" %d\n", st_json_target(ptr, s));
}

/* One case per process (argv[1]: 0 or 1), so that each comm belongs to its own pid. */
int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '1')
		call((const void *)0x7ffd00000001UL, "bad\xff\xfe" "b\x01t");
	else    /* above 2^53: a double (jq, JavaScript) cannot hold it exactly */
		call((const void *)0xffff888012345679UL, "caf\xc3\xa9");
	fflush(stdout);
	usleep(200000);         /* the reader resolves comm from /proc while we live */
	return 0;
}
