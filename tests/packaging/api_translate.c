// SPDX-License-Identifier: MIT
/* Built by tests/packaging/install.sh against the installed tree only
 * (pkg-config --cflags --libs libsurftrace): translates the expressions given as
 * arguments through the public API and writes the equivalent shell script to stdout,
 * whose probe lines the test compares with `surftrace -S`. */
#include <stdio.h>
#include <surftrace.h>

int main(int argc, char **argv)
{
	struct surftrace_err err;
	struct surftrace *st = surftrace_new(NULL, &err);
	int i, rc = 0;

	if (!st) {
		fprintf(stderr, "surftrace_new: %s\n", err.msg);
		return 1;
	}
	for (i = 1; i < argc && !rc; i++)
		if (surftrace_add(st, argv[i], &err) < 0) {
			fprintf(stderr, "surftrace_add(%s): col %d: %s\n", argv[i], err.col, err.msg);
			rc = 1;
		}
	if (!rc && surftrace_write_script(st, stdout, &err)) {
		fprintf(stderr, "surftrace_write_script: %s\n", err.msg);
		rc = 1;
	}
	surftrace_free(st);
	return rc;
}
