// SPDX-License-Identifier: MIT
/* -l/-L BINARY:PATTERN: a user binary's function symbols, with prototypes from its DWARF. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "discover/declfmt.h"
#include "discover/list.h"
#include "types/types.h"
#include "types/usym.h"
#include "types/btf_cache.h"
#include "util/json.h"

long st_list_usyms(FILE *out, const char *binary, const char *glob, bool protos,
		   bool json, struct st_err *err)
{
	char path[PATH_MAX], **names = NULL;
	struct btf *btf = NULL;
	struct st_declfmt *fmt = NULL;
	struct st_btf_names *ix = NULL;
	int n, i;

	if (st_usym_find_binary(binary, path, sizeof(path), err))
		return -1;
	n = st_usym_list(path, glob, &names, err);
	if (n < 0)
		return -1;
	if (protos && n > 0) {
		struct st_err derr;

		/* No DWARF is normal for stripped binaries: list names without prototypes. */
		btf = st_btf_cache_dwarf(path, NULL, &derr);
		fmt = btf ? st_declfmt_new(btf) : NULL;
		ix = fmt ? st_btf_names_new(btf) : NULL;
	}
	for (i = 0; i < n; i++) {
		const char *decl = NULL;

		if (ix) {
			int id = st_btf_names_find(ix, names[i], BTF_KIND_FUNC);

			if (id > 0)
				decl = st_declfmt_decl(fmt, btf__type_by_id(btf, id)->type, names[i]);
		}
		if (json) {
			fprintf(out, "{\"v\":%d,\"kind\":\"symbol\",\"binary\":", ST_JSON_V);
			st_json_str(out, path);
			fputs(",\"name\":", out);
			st_json_str(out, names[i]);
			if (decl) {
				fputs(",\"proto\":", out);
				st_json_str(out, decl);
			}
			fputs("}\n", out);
		} else {
			fprintf(out, "%s%s\n", decl ? decl : names[i],
				protos && !decl ? "\t/* no debug info */" : "");
		}
		free(names[i]);
	}
	free(names);
	st_declfmt_free(fmt);
	st_btf_names_free(ix);
	btf__free(btf);
	return n;
}
