// SPDX-License-Identifier: MIT
/* Filters are rewritten token by token: constants follow the variable they are compared
 * with (ip_ dotted quads become the network-order integer, b16_/B16_ values are byte-swapped),
 * strings are re-quoted, unknown variables are errors that list the known ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compile/compile.h"
#include "compile/filter.h"
#include "types/evformat.h"
#include "util/file.h"

/* Fields every event has: the common_* header, plus the kernel's generic "cpu"/"comm"
 * filter fields (accepted on any event since Linux 5.x). */
static const struct st_fvar common_fields[] = {
	{ "common_pid", 0 }, { "common_preempt_count", 0 }, { "common_flags", 0 },
	{ "common_type", 0 }, { "common_cpu", 0 }, { "cpu", 0 }, { "CPU", 0 },
	{ "comm", 1 }, { "COMM", 1 },
};
#define NCOMMON (sizeof(common_fields) / sizeof(common_fields[0]))

static const struct st_fvar *find_var(const struct st_fvar *vars, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(vars[i].name, name))
			return &vars[i];
	for (i = 0; i < NCOMMON; i++)
		if (!strcmp(name, common_fields[i].name))
			return &common_fields[i];
	return NULL;
}

static int unknown_var(const struct st_ftok *t, const struct st_fvar *vars, size_t n,
		       struct st_err *err)
{
	const char *cands[128];
	char list[256] = "";
	size_t i, c = 0, l;
	const char *s;

	for (i = 0; i < n && c < 120; i++)
		cands[c++] = vars[i].name;
	for (i = 0; i < NCOMMON && i < 4; i++)   /* list the common_* ones */
		cands[c++] = common_fields[i].name;
	s = st_suggest(t->text, cands, c);
	for (i = 0; i < c; i++) {
		l = strlen(list);
		if (l + strlen(cands[i]) + 8 >= sizeof(list)) {
			snprintf(list + l, sizeof(list) - l, ", ...");
			break;
		}
		snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", cands[i]);
	}
	if (s)
		return st_err_set(err, t->col, "unknown variable '%s' in filter; did you mean '%s'? "
				  "(defined: %s)", t->text, s, list);
	return st_err_set(err, t->col, "unknown variable '%s' in filter (defined: %s)", t->text,
			  list);
}

static int parse_ip(const char *s, unsigned int *out)
{
	unsigned int b[4];
	char tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4)
		return -1;
	if (b[0] > 255 || b[1] > 255 || b[2] > 255 || b[3] > 255)
		return -1;
	/* bytes in network order as they sit in memory, read as a little-endian u32 */
	*out = b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24;
	return 0;
}

static unsigned long long bswap_n(unsigned long long v, int bytes)
{
	unsigned long long r = 0;
	int i;

	for (i = 0; i < bytes; i++) {
		r = (r << 8) | (v & 0xff);
		v >>= 8;
	}
	return r;
}

static int conv_number(const struct st_ftok *t, const char *var, FILE *o, struct st_err *err)
{
	enum st_conv cv = st_conv_from_name(var);
	unsigned long long v;
	char *end;
	int bytes;
	bool neg = t->text[0] == '-';

	if (cv == ST_CONV_NONE || cv == ST_CONV_IP) {
		fputs(t->text, o);
		return 0;
	}
	bytes = (cv == ST_CONV_B16 || cv == ST_CONV_BX16) ? 2 :
		(cv == ST_CONV_B32 || cv == ST_CONV_BX32) ? 4 : 8;
	v = strtoull(t->text, &end, 0);
	if (neg || *end)
		return st_err_set(err, t->col, "'%s' is not a byte-order value for '%s'", t->text, var);
	if (bytes < 8 && v >> (bytes * 8))
		return st_err_set(err, t->col, "%s does not fit the %d bits of '%s'", t->text,
				  bytes * 8, var);
	v = bswap_n(v, bytes);
	if (cv == ST_CONV_BX16 || cv == ST_CONV_BX32 || cv == ST_CONV_BX64)
		fprintf(o, "0x%llx", v);
	else
		fprintf(o, "%llu", v);
	return 0;
}

static void put_string(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', o);
		fputc(*s, o);
	}
	fputc('"', o);
}

/* The kernel's filter rules (Documentation/trace/events.rst, 5.1): numeric fields take
 * == != < <= > >= &, string fields == != ~ (glob). */
static int check_operator(const struct st_ftok *t, const struct st_fvar *cur, const char *name,
			  struct st_err *err)
{
	bool glob = !strcmp(t->text, "~");

	if (cur && cur->kind == 1 && !glob && strcmp(t->text, "==") && strcmp(t->text, "!="))
		return st_err_set(err, t->col, "'%s' is a string: it takes ==, != or ~ (glob), "
				  "not '%s'", name, t->text);
	if (cur && cur->kind == 0 && glob)
		return st_err_set(err, t->col, "'%s' is a number: ~ (glob) is for strings; use == "
				  "!= < <= > >= or &", name);
	return 0;
}

int st_filter_compile(const struct st_filter *f, const struct st_fvar *vars, size_t nvars,
		      bool check, char **out, struct st_err *err)
{
	const struct st_fvar *cur = NULL;
	const char *curname = "";
	char *buf = NULL;
	size_t len = 0, i;
	FILE *o = open_memstream(&buf, &len);
	int rc = 0;

	if (!o)
		return st_err_set(err, f->col, "out of memory");
	for (i = 0; i < f->ntoks && !rc; i++) {
		const struct st_ftok *t = &f->toks[i];

		switch (t->kind) {
		case ST_FT_IDENT:
			cur = find_var(vars, nvars, t->text);
			curname = t->text;
			if (!cur && check) {
				rc = unknown_var(t, vars, nvars, err);
				break;
			}
			fputs(t->text, o);
			break;
		case ST_FT_NUMBER:
			if (cur && cur->kind == 1) {
				rc = st_err_set(err, t->col, "'%s' is a string; compare it with a quoted "
						"string, not %s", curname, t->text);
				break;
			}
			rc = conv_number(t, curname, o, err);
			break;
		case ST_FT_IPADDR: {
			unsigned int ip;

			if (cur && cur->kind == 1) {
				rc = st_err_set(err, t->col, "'%s' is a string; an address (%s) "
						"compares with a 32-bit number in network order",
						curname, t->text);
				break;
			}
			if (st_conv_from_name(curname) != ST_CONV_IP) {
				rc = st_err_set(err, t->col, "address %s compared with '%s': only ip_ "
						"variables take dotted addresses (name it ip_%s)",
						t->text, curname, curname);
				break;
			}
			if (parse_ip(t->text, &ip)) {
				rc = st_err_set(err, t->col, "'%s' is not an IPv4 address", t->text);
				break;
			}
			fprintf(o, "0x%x", ip);
			break;
		}
		case ST_FT_STRING:
			if (cur && cur->kind == 0 && check) {
				rc = st_err_set(err, t->col, "'%s' is a number; it cannot be compared "
						"with the string \"%s\"", curname, t->text);
				break;
			}
			put_string(o, t->text);
			break;
		case ST_FT_CMP:
			rc = check_operator(t, cur, curname, err);
			if (!rc)
				fputs(t->text, o);
			break;
		case ST_FT_AND:
		case ST_FT_OR:
		case ST_FT_NOT:
		case ST_FT_LPAREN:
		case ST_FT_RPAREN:
			fputs(t->text ? t->text : "", o);
			break;
		}
	}
	fclose(o);
	if (rc) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

int st_event_fields(const char *tracefs, const char *group, const char *event,
		    struct st_fvar **vars)
{
	struct st_evfield *f;
	struct st_fvar *v;
	char ge[512];
	int n, i, k = 0;

	*vars = NULL;
	if (st_pathf(ge, sizeof(ge), "%s/%s", group, event))
		return -1;
	n = st_evformat_fields(tracefs, ge, &f);
	if (n < 0)
		return -1;
	v = calloc((size_t)n + 1, sizeof(*v));
	for (i = 0; v && i < n; i++) {
		const char *d = f[i].decl;

		if (f[i].common)
			continue;
		v[k].name = strdup(f[i].name);
		if (!v[k].name)
			break;
		/* a string: char arrays, __data_loc char[] */
		v[k++].kind = strstr(d, "char") && (strchr(d, '[') || strstr(d, "__data_loc")) ?
				      1 : 0;
	}
	st_evfields_free(f, n);
	*vars = v;
	return v ? k : -1;
}

void st_fvars_free(struct st_fvar *vars, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free((char *)vars[i].name);
	free(vars);
}
