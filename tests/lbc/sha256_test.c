// SPDX-License-Identifier: MIT
/* Hashes FILE with lbc's SHA-256, fed in pseudo-random chunk sizes (1..1000 bytes) so
 * the block buffering is exercised; prints the hex digest. sha256.sh compares it with
 * coreutils' sha256sum. */
#include "util/sha256.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct st_sha256 s;
	unsigned char d[32], buf[4096];
	char hex[65];
	size_t n;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "rb")))
		return 2;
	srand(1);
	st_sha256_init(&s);
	for (;;) {
		size_t want = (size_t)(rand() % 1000) + 1;

		n = fread(buf, 1, want, f);
		if (!n)
			break;
		st_sha256_update(&s, buf, n);
	}
	fclose(f);
	st_sha256_final(&s, d);
	st_sha256_hex(d, hex);
	puts(hex);
	return 0;
}
