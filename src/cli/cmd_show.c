// SPDX-License-Identifier: MIT
/* surftrace -S: translate every expression and print what would be written; touches no
 * tracefs file for writing and needs no root. */
#include <stdio.h>
#include <stdlib.h>
#include "cli/cli.h"
#include "compile/compile.h"
#include "util/json.h"
#include "session/tracefs.h"

void st_cli_show_probe(const struct st_probe *p, bool json)
{
	char *def = st_probe_show_fxpr(p);
	char buf[512];
	const char *fxpr = def;

	if (p->type == 'e' && !json) {
		/* text: "e group/event"; JSON: "group/event" as the original's show format */
		snprintf(buf, sizeof(buf), "e %s", def ? def : "");
		fxpr = buf;
	}
	if (json) {
		printf("{\"v\":%d,\"type\":\"%c\",\"fxpr\":", ST_JSON_V, p->type);
		st_json_str(stdout, fxpr);
		printf(",\"filter\":");
		st_json_str(stdout, p->filter ? p->filter : "");
		printf("}\n");
	} else {
		printf("%s\n", fxpr ? fxpr : "");
		if (p->filter)
			printf("filter: %s\n", p->filter);
	}
	free(def);
}

int st_cmd_show(const struct st_cli_opts *o)
{
	struct st_translator_opts to = { .arch = o->arch, .btf_path = o->btf,
					 .vmlinux = o->vmlinux,
					 .tracefs = o->btf ? NULL : st_tracefs_find(),
					 .readme = o->kernel_readme[0] ? o->kernel_readme : NULL };
	struct st_translator *tr;
	struct st_err err = { 0 };
	int i, rc = 0;

	tr = st_translator_new(&to, &err);
	if (!tr) {
		st_cli_error("%s", err.msg);
		return 2;
	}
	for (i = 0; i < o->nexprs; i++) {
		struct st_probe *p = NULL;

		if (st_translate(tr, o->exprs[i], i, &p, &err)) {
			st_cli_expr_error(i, o->exprs[i], &err);
			rc = err.env ? 1 : 2;
			break;
		}
		if (p->notice)
			st_cli_expr_notice(i, p->notice);
		st_cli_show_probe(p, o->json);
		st_probe_free(p);
	}
	st_translator_free(tr);
	return rc;
}
