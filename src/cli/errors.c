// SPDX-License-Identifier: MIT
/* How the CLI reports errors, like a compiler: the message with its position, then the
 * expression and a caret under the column,
 *   surftrace: error: expression 1, column 29: no member 'comn'; did you mean 'comm'?
 *   p wake_up_new_task c=%0->comn
 *                               ^
 * with -f FILE as FILE:LINE:COL: error: ..., and with --json one JSON object per error on
 * stderr ({"v":1,"error":..,"expr":..,"index":..,"col":..[,"file":..,"line":..]}). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "util/err.h"
#include "util/json.h"

static struct {
	bool json, quiet;
	const char *const *exprs;
	const struct st_cli_src *srcs;
	int n;
} E;

void st_cli_errors_init(bool json, bool quiet, const char *const *exprs,
			const struct st_cli_src *srcs, int n)
{
	E.json = json;
	E.quiet = quiet;
	E.exprs = exprs;
	E.srcs = srcs;
	E.n = n;
}

static const struct st_cli_src *src_of(int index)
{
	return E.srcs && index >= 0 && index < E.n && E.srcs[index].file ? &E.srcs[index] : NULL;
}

/* The expression, then spaces (tabs where the expression has tabs) up to the column and
 * a caret. Columns count bytes; UTF-8 continuation bytes take no screen cell. */
static void caret(const char *expr, int col, int indent)
{
	int i;

	fprintf(stderr, "%*s%s\n%*s", indent, "", expr, indent, "");
	for (i = 0; i < col - 1 && expr[i]; i++)
		if (((unsigned char)expr[i] & 0xc0) != 0x80)
			fputc(expr[i] == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
}

static void json_error(const char *msg, int index, const char *expr, int col)
{
	const struct st_cli_src *s = src_of(index);

	fprintf(stderr, "{\"v\":%d,\"error\":", ST_JSON_V);
	st_json_str(stderr, msg);
	if (index >= 0) {
		fputs(",\"expr\":", stderr);
		st_json_str(stderr, expr);
		fprintf(stderr, ",\"index\":%d", index);
		if (col > 0)
			fprintf(stderr, ",\"col\":%d", col);
		if (s) {
			fputs(",\"file\":", stderr);
			st_json_str(stderr, s->file);
			fprintf(stderr, ",\"line\":%d", s->line);
			if (col > 0)
				fprintf(stderr, ",\"file_col\":%d", s->coloff + col);
		}
	}
	fputs("}\n", stderr);
}

void st_cli_expr_error(int index, const char *expr, const struct st_err *err)
{
	const struct st_cli_src *s = src_of(index);

	if (!expr && index >= 0 && index < E.n)
		expr = E.exprs[index];
	if (E.json) {
		json_error(err->msg, index, expr ? expr : "", err->col);
		return;
	}
	if (err->env)      /* the kernel's types are missing: not this expression's fault */
		fprintf(stderr, "surftrace: error: %s\n", err->msg);
	else if (s && err->col > 0)
		fprintf(stderr, "%s:%d:%d: error: %s\n", s->file, s->line, s->coloff + err->col,
			err->msg);
	else if (s)
		fprintf(stderr, "%s:%d: error: %s\n", s->file, s->line, err->msg);
	else if (err->col > 0)
		fprintf(stderr, "surftrace: error: expression %d, column %d: %s\n", index + 1,
			err->col, err->msg);
	else
		fprintf(stderr, "surftrace: error: expression %d: %s\n", index + 1, err->msg);
	if (expr && err->col > 0 && err->col <= (int)strlen(expr) + 1)
		caret(expr, err->col, s ? s->coloff : 0);
}

void st_cli_expr_notice(int index, const char *msg)
{
	const struct st_cli_src *s = src_of(index);

	if (E.quiet)
		return;
	if (E.json) {
		fprintf(stderr, "{\"v\":%d,\"note\":", ST_JSON_V);
		st_json_str(stderr, msg);
		fprintf(stderr, ",\"index\":%d}\n", index);
	} else if (s) {
		fprintf(stderr, "%s:%d: note: %s\n", s->file, s->line, msg);
	} else {
		fprintf(stderr, "surftrace: note: expression %d: %s\n", index + 1, msg);
	}
}

/* MSG as a JSON object, or as text with `pre` and `post` around it. */
static void verror(const char *pre, const char *post, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (E.json)
		json_error(msg, -1, NULL, 0);
	else
		fprintf(stderr, "surftrace: %s%s%s\n", pre, msg, post);
}

void st_cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror("error: ", "", fmt, ap);
	va_end(ap);
}

int st_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror("", "; see 'surftrace --help'", fmt, ap);
	va_end(ap);
	return 2;
}
