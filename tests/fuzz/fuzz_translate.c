// SPDX-License-Identifier: MIT
/* libFuzzer target over parser + compiler: any line either translates or fails with a
 * one-line error whose column lies inside the line. Types come from the small BTF of
 * tests/unit/data/kfix.c (FUZZ_BTF), so runs do not depend on the host kernel. User-binary
 * lines (P/R) are skipped: they would make the fuzzer read arbitrary files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compile/compile.h"

static struct st_translator *tr;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_err err = { 0 };
	struct st_probe *p = NULL;
	char *line;
	size_t i = 0;

	if (!tr) {
		struct st_translator_opts o = { .arch = "x86_64", .ksyms_path = "", .tracefs = "" };

		o.btf_path = getenv("FUZZ_BTF") ? getenv("FUZZ_BTF") : "build/tests/kfix.o";
		tr = st_translator_new(&o, &err);
		if (!tr)
			abort();
	}
	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	while (line[i] == ' ' || line[i] == '\t')
		i++;
	if (line[i] == 'P' || line[i] == 'R' || strlen(line) != size) {
		free(line);
		return 0;
	}
	if (st_translate(tr, line, 0, &p, &err) == 0) {
		/* a translated probe always passes the definition checks */
		char *def = p->type == 'e' ? NULL : st_probe_definition(p, "g", &err);

		if (p->type != 'e' && !def)
			abort();
		free(def);
		st_probe_free(p);
	} else if (err.col < 0 || err.col > (int)size + 1 || strchr(err.msg, '\n')) {
		abort();
	}
	free(line);
	return 0;
}
