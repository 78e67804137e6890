// SPDX-License-Identifier: MIT
/* Hand-written recursive-descent checks; every accept path is listed explicitly so that
 * anything surprising is refused rather than passed to the kernel. */
#include "compile/kdef.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "compile/compile.h"
#include "util/err.h"

#define MAX_LINE 4096
#define MAX_DEPTH 8
#define MAX_PATH 2048

static bool is_ident_start(char c)
{
	return c == '_' || isalpha((unsigned char)c);
}

static bool is_ident_char(char c)
{
	return c == '_' || isalnum((unsigned char)c);
}

/* Identifier at *p; advances. */
static bool ident(const char **p)
{
	const char *s = *p;

	if (!is_ident_start(*s))
		return false;
	while (is_ident_char(*s))
		s++;
	*p = s;
	return true;
}

/* Unsigned number at *p: decimal or 0x hex; advances. */
static bool number(const char **p)
{
	const char *s = *p;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return false;
		while (isxdigit((unsigned char)*s))
			s++;
	} else {
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (s - *p > 18)
		return false;
	*p = s;
	return true;
}

/* Kernel symbol with compiler suffixes: foo, foo.isra.0, foo.cold */
static bool symbol(const char **p)
{
	const char *s = *p;

	if (!is_ident_start(*s))
		return false;
	while (is_ident_char(*s) || (*s == '.' && is_ident_char(s[1])))
		s++;
	*p = s;
	return true;
}

static bool fetch(const char **p, int depth)
{
	const char *s = *p;

	if (depth > MAX_DEPTH)
		return false;
	if (*s == '%') {                         /* register */
		s++;
		if (!isalpha((unsigned char)*s))
			return false;
		while (isalnum((unsigned char)*s))
			s++;
	} else if (*s == '$') {                  /* $retval $comm $stack $stackN $argN */
		s++;
		if (!strncmp(s, "retval", 6))
			s += 6;
		else if (!strncmp(s, "comm", 4))
			s += 4;
		else if (!strncmp(s, "stack", 5) || !strncmp(s, "arg", 3)) {
			s += *s == 's' ? 5 : 3;
			while (isdigit((unsigned char)*s))
				s++;
		} else
			return false;
	} else if (*s == '@') {                  /* @ADDR, @SYM[+|-OFF] */
		s++;
		if (*s == '+')                      /* uprobes: @+FILE_OFFSET */
			s++;
		if (isdigit((unsigned char)*s)) {
			if (!number(&s))
				return false;
		} else if (s[-1] == '+') {
			return false;
		} else {
			if (!symbol(&s))
				return false;
			if ((*s == '+' || *s == '-') && isdigit((unsigned char)s[1])) {
				s++;
				if (!number(&s))
					return false;
			}
		}
	} else if (*s == '+' || *s == '-' || isdigit((unsigned char)*s)) {
		if (*s == '+' || *s == '-')         /* [+|-][u]OFF(FETCH) */
			s++;
		if (*s == 'u')
			s++;
		if (!number(&s) || *s++ != '(' || !fetch(&s, depth + 1) || *s++ != ')')
			return false;
	} else {
		return false;
	}
	*p = s;
	return true;
}

int st_kdef_check_fetch(const char *f, struct st_err *err)
{
	const char *p = f;

	if (!f || !fetch(&p, 0) || *p)
		return st_err_set(err, 0, "invalid fetch argument '%s'", f ? f : "(null)");
	return 0;
}

static bool scalar_type(const char **p)
{
	static const char *const t[] = { "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
					 "x8", "x16", "x32", "x64", "char" };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t l = strlen(t[i]);

		/* the longest names first would be needed for prefixes: "u16" vs "u1" does
		 * not occur, since every name ends where a digit run ends */
		if (!strncmp(*p, t[i], l) && !isdigit((unsigned char)(*p)[l])) {
			*p += l;
			return true;
		}
	}
	return false;
}

int st_kdef_check_type(const char *type, struct st_err *err)
{
	static const char *const whole[] = { "string", "ustring", "symbol", "symstr" };
	const char *p = type;
	size_t i;

	if (!type)
		return st_err_set(err, 0, "missing type");
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		if (!strcmp(type, whole[i]))
			return 0;
	if (*p == 'b') {                        /* b<width>@<bit offset>/<container bits> */
		long w, o, c;
		char *e;

		w = strtol(p + 1, &e, 10);
		if (*e == '@' && isdigit((unsigned char)e[1])) {
			o = strtol(e + 1, &e, 10);
			if (*e == '/' && isdigit((unsigned char)e[1])) {
				c = strtol(e + 1, &e, 10);
				if (!*e && w > 0 && (c == 8 || c == 16 || c == 32 || c == 64) &&
				    o >= 0 && w + o <= c && isdigit((unsigned char)p[1]))
					return 0;
			}
		}
		return st_err_set(err, 0, "invalid bitfield type '%s'", type);
	}
	if (scalar_type(&p)) {
		if (!*p)
			return 0;
		if (*p == '[') {                    /* arrays: u8[6] */
			char *e;
			long n = strtol(p + 1, &e, 10);

			if (isdigit((unsigned char)p[1]) && n > 0 && n <= 1024 && e[0] == ']' && !e[1])
				return 0;
		}
	}
	return st_err_set(err, 0, "invalid type '%s'", type);
}

/* Why a uprobe binary path cannot go into uprobe_events or a script, or NULL when it can.
 * The kernel splits a definition on whitespace (its isspace() also takes 0xa0, so no byte
 * above 0x7e), ends a command at a newline and a comment at '#'; dash's echo expands '\'.
 * Whatever resolved to such a name, it is refused, never escaped. */
static const char *path_problem(const char *s, size_t n)
{
	size_t i;

	if (!n || s[0] != '/')
		return "is not absolute";
	if (n > MAX_PATH)
		return "is too long";
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			return "holds a newline";
		if (c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r')
			return "holds whitespace";
		if (c < 0x20 || c == 0x7f)
			return "holds a control character";
		if (c > 0x7f)
			return "holds a non-ASCII byte";
		if (c == '#')
			return "holds '#'";
		if (c == '\\')
			return "holds '\\'";
		if (c == '.' && s[i - 1] == '/' && s[i + 1] == '.' && (i + 2 == n || s[i + 2] == '/'))
			return "holds a '..' component";
	}
	return NULL;
}

int st_kdef_check_path(const char *path, struct st_err *err)
{
	const char *why;
	char q[200];

	if (!path)
		return st_err_set(err, 0, "a uprobe without a binary path");
	why = path_problem(path, strlen(path));
	if (!why)
		return 0;
	return st_err_set(err, 0, "binary path %s %s: a uprobe cannot name it safely (no "
			  "whitespace, control characters, non-ASCII bytes, '#' or '\\' allowed); "
			  "copy or link the binary to a plain path",
			  st_span_desc(path, strlen(path), q, sizeof(q)), why);
}

int st_kdef_check_definition(const char *def, const char *group, struct st_err *err)
{
	const char *p = def, *q;

	if (!def || strlen(def) > MAX_LINE)
		return st_err_set(err, 0, "definition missing or too long");
	for (q = def; *q; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
			return st_err_set(err, 0, "control or non-ASCII character in definition");
	if ((*p != 'p' && *p != 'r') || p[1] != ':')
		return st_err_set(err, 0, "definition must start with 'p:' or 'r:': '%s'", def);
	p += 2;
	if (group) {
		size_t gl = strlen(group);

		if (strncmp(p, group, gl) || p[gl] != '/')
			return st_err_set(err, 0, "definition is not in group '%s': '%s'", group, def);
		p += gl + 1;
	}
	if (!ident(&p) || *p++ != ' ')
		return st_err_set(err, 0, "bad event name in '%s'", def);
	/* target: /path:0xOFF (uprobe) or SYM[+OFF] (kprobe) */
	if (*p == '/') {
		const char *end = p + strcspn(p, " ");

		/* the kernel splits at the last ':' of the target, as we do */
		for (q = end; q > p && *q != ':'; q--)
			;
		if (q == p || path_problem(p, (size_t)(q - p)))
			return st_err_set(err, 0, "bad uprobe binary path in '%s'", def);
		p = q + 1;
		if (!number(&p))
			return st_err_set(err, 0, "bad uprobe offset in '%s'", def);
	} else {
		if (!symbol(&p))
			return st_err_set(err, 0, "bad probe target in '%s'", def);
		if (*p == '+') {
			p++;
			if (!number(&p))
				return st_err_set(err, 0, "bad offset in '%s'", def);
		}
	}
	while (*p == ' ') {
		const char *a;
		char type[64];
		size_t tl;

		p++;
		if (!ident(&p) || *p++ != '=')
			return st_err_set(err, 0, "bad argument name in '%s'", def);
		if (!fetch(&p, 0))
			return st_err_set(err, 0, "bad fetch argument in '%s'", def);
		if (*p == ':') {
			a = ++p;
			while (*p && *p != ' ')
				p++;
			tl = (size_t)(p - a);
			if (!tl || tl >= sizeof(type))
				return st_err_set(err, 0, "bad type in '%s'", def);
			memcpy(type, a, tl);
			type[tl] = '\0';
			if (st_kdef_check_type(type, err))
				return -1;
		}
	}
	if (*p)
		return st_err_set(err, 0, "unexpected text at '%s'", p);
	return 0;
}

int st_kdef_check_filter(const char *f, struct st_err *err)
{
	const char *p = f;

	if (!f || strlen(f) > MAX_LINE)
		return st_err_set(err, 0, "filter missing or too long");
	/* Refuse control bytes before anything echoes the text back to a terminal. */
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return st_err_set(err, 0, "control or non-ASCII character (0x%02x) in filter",
					  (unsigned char)*p);
	p = f;
	while (*p) {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (is_ident_start(*p)) {
			ident(&p);
		} else if (isdigit((unsigned char)*p) || (*p == '-' && isdigit((unsigned char)p[1]))) {
			if (*p == '-')
				p++;
			if (!number(&p))
				return st_err_set(err, 0, "bad number in filter '%s'", f);
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f ||
				    *p == '\\')
					return st_err_set(err, 0, "bad character in filter string");
			if (*p++ != '"')
				return st_err_set(err, 0, "unterminated string in filter '%s'", f);
		} else if (strchr("=!<>&|~()", *p)) {
			p++;
		} else {
			return st_err_set(err, 0, "unexpected character '%c' in filter '%s'", *p, f);
		}
	}
	return 0;
}

/* Event/group names of 'e' lines: identifiers with glob stars. */
static bool event_glob(const char *s)
{
	if (!s || !*s || strlen(s) > 256)
		return false;
	for (; *s; s++)
		if (!is_ident_char(*s) && *s != '*' && *s != '?')
			return false;
	return true;
}

int st_kdef_check_fields(const struct st_probe *p, struct st_err *err)
{
	size_t i;

	if (!p->type || !strchr("prePR", p->type))
		return st_err_set(err, 0, "unknown probe type '%c'", p->type);
	if (p->type == 'e') {
		if (!event_glob(p->group) || !event_glob(p->event))
			return st_err_set(err, 0, "bad trace event name");
		if (p->nargs)
			return st_err_set(err, 0, "a trace event line has no arguments");
		return 0;
	}
	for (i = 0; i < p->nargs; i++) {
		const char *n = p->args[i].name;

		if (!n || !ident(&n) || *n)
			return st_err_set(err, 0, "bad argument name");
		if (!p->args[i].fetch || st_kdef_check_fetch(p->args[i].fetch, err))
			return st_err_set(err, 0, "bad fetch argument for '%s'", p->args[i].name);
		if (p->args[i].ktype && st_kdef_check_type(p->args[i].ktype, err))
			return -1;
		if ((unsigned)p->args[i].conv > ST_CONV_BX64)
			return st_err_set(err, 0, "bad conversion for '%s'", p->args[i].name);
	}
	if (p->type == 'P' || p->type == 'R')
		return st_kdef_check_path(p->binary, err);
	return 0;
}

int st_kdef_check_probe(const struct st_probe *p, const char *group, struct st_err *err)
{
	char *def;

	if (p->filter && st_kdef_check_filter(p->filter, err))
		return -1;
	if (p->type == 'e')
		return st_kdef_check_fields(p, err);
	def = st_probe_definition(p, group, err);   /* checks fields and the text */
	free(def);
	return def ? 0 : -1;
}
