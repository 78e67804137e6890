// SPDX-License-Identifier: MIT
/* surftrace -i: the guide inside the surftrace binary; expressions run with this same
 * binary (/proc/self/exe), so no installed copy is needed. */
#include <limits.h>
#include <unistd.h>
#include "cli/cli.h"
#include "guide.h"        /* guide/: the guide itself (-Iguide for this file) */

int st_cmd_guide(const struct st_cli_opts *o)
{
	static char self[PATH_MAX];
	struct g_opts go = {
		.btf = o->btf,
		.arch = o->arch,
		.vmlinux = o->vmlinux,
		.load = o->file,
		.surftrace = "surftrace",
	};
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		go.surftrace = self;
	}
	/* with -f the file's lines arrive in exprs too: the guide loads those itself (once,
	 * from the file) and takes only the command line's (they come first) */
	go.exprs = o->exprs;
	while (go.nexprs < o->nexprs && !(o->srcs && o->srcs[go.nexprs].file))
		go.nexprs++;
	return g_main(&go);
}
