// SPDX-License-Identifier: MIT
/* libFuzzer target for the expression parser: any byte string must either parse or fail
 * with a one-line message and a column inside the input; never crash, leak or read past
 * the end. The input is also split as an expression file and each line parsed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "expr/expr.h"

static void parse_one(const char *text)
{
	struct st_line *l = NULL;
	struct st_err err = { 0 };
	size_t len = strlen(text);

	if (st_parse_line(text, &l, &err) == 0) {
		if (!l)
			abort();
		st_line_free(l);
		return;
	}
	/* Errors must point into the text (or just past its end) and be one line. */
	if (l || !err.msg[0] || strchr(err.msg, '\n') || err.col < 0 || (size_t)err.col > len + 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), **lines = NULL;
	int n, i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	parse_one(text);
	n = st_split_lines(text, &lines);
	for (i = 0; i < n; i++) {
		parse_one(lines[i]);
		free(lines[i]);
	}
	free(lines);
	free(text);
	return 0;
}
