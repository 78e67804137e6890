// SPDX-License-Identifier: MIT
/* The skeleton baseline's loader: open, load, attach, report, detach. What a libbpf-tools
 * style program does before its first event. */
#include "forkcount.skel.h"
#include <stdio.h>

int main(void)
{
	struct forkcount_bpf *s = forkcount_bpf__open_and_load();
	int err;

	if (!s)
		return 1;
	err = forkcount_bpf__attach(s);
	if (!err)
		printf("attached\n"), fflush(stdout);
	forkcount_bpf__destroy(s);
	return err ? 1 : 0;
}
