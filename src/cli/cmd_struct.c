// SPDX-License-Identifier: MIT
/* --struct NAME[.member...]: a pahole-style layout from the running kernel's BTF or --btf. */
#include <stdio.h>
#include "cli/cli.h"
#include "discover/layout.h"
#include "types/types.h"
#include "util/err.h"

int st_cmd_struct(const struct st_cli_opts *o, const char *name)
{
	struct st_err err = { 0 };
	struct st_types *t = st_types_open(o->btf, &err);
	int rc;

	if (!t) {
		st_cli_error("%s", err.msg);
		return 1;
	}
	rc = st_layout_print(stdout, st_types_btf_for(t, name), name, o->json, &err);
	st_types_free(t);
	if (rc) {
		st_cli_error("%s", err.msg);
		return 2;
	}
	return fflush(stdout) ? 1 : 0;
}
