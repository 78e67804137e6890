// SPDX-License-Identifier: MIT
/* Argument values. How each argument prints is taken from the event's print fmt, which the
 * kernel generated from the fetch type (x64 -> "0x%Lx", string -> "\"%s\"", u8[3] ->
 * "{%u,%u,%u}", char -> "'%c'"): the format file alone says "u64" for an x64. */
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>
#include "output/output_int.h"
#include "util/json.h"

static bool is_probe_field(const char *name)
{
	return !strcmp(name, "__probe_ip") || !strcmp(name, "__probe_func") ||
	       !strcmp(name, "__probe_ret_ip");
}

/* The spec of `name` in a print fmt like "(%lx) a=0x%Lx s=\"%s\"": the text after
 * " name=" up to the next space outside braces and quotes. */
static bool spec_of(const char *fmt, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *p = fmt; (p = strstr(p, name)); p += nl) {
		if ((p != fmt && p[-1] != ' ') || p[nl] != '=')
			continue;
		const char *s = p + nl + 1, *e = s;
		int depth = 0;
		bool q = false;
		for (; *e; e++) {
			if (*e == '"')
				q = !q;
			else if (*e == '{')
				depth++;
			else if (*e == '}')
				depth--;
			else if (*e == ' ' && !depth && !q)
				break;
		}
		size_t len = (size_t)(e - s);
		if (len >= n)
			len = n - 1;
		memcpy(out, s, len);
		out[len] = '\0';
		return true;
	}
	return false;
}

static enum st_kind kind_of_spec(const char *spec)
{
	if (strstr(spec, "%pS") || strstr(spec, "%ps"))
		return K_SYMBOL;
	if (strstr(spec, "%s"))
		return K_STRING;
	if (strstr(spec, "'%c'") || strstr(spec, "%c"))
		return K_CHAR;
	if (strchr(spec, 'x') || strchr(spec, 'X'))
		return K_HEX;
	if (strchr(spec, 'd') || strchr(spec, 'i'))
		return K_SIGNED;
	return K_UNSIGNED;
}

/* Element size from a kernel fetch type name: u8 s16 x32 char ... */
static int elem_size(const char *type, int field_size)
{
	const char *d = type + strcspn(type, "0123456789");
	int bits = atoi(d);
	if (!strncmp(type, "char", 4) || !strncmp(type, "unsigned char", 13))
		return 1;
	if (bits == 8 || bits == 16 || bits == 32 || bits == 64)
		return bits / 8;
	return field_size > 0 && field_size <= 8 ? field_size : 1;
}

static void build_arg(struct st_oarg *a, struct tep_format_field *f, const char *fmt,
		      const struct st_probe *probe)
{
	char spec[128];
	a->f = f;
	a->conv = ST_CONV_NONE;
	a->elem = f->size;
	a->array = false;
	bool have = fmt && spec_of(fmt, f->name, spec, sizeof(spec));
	if (f->flags & TEP_FIELD_IS_DYNAMIC)
		a->kind = K_STRING;      /* string/ustring fetches are __data_loc char[] */
	else if (have)
		a->kind = kind_of_spec(spec);
	else
		a->kind = f->flags & TEP_FIELD_IS_SIGNED ? K_SIGNED : K_UNSIGNED;
	if (a->kind != K_STRING && ((have && spec[0] == '{') || (f->flags & TEP_FIELD_IS_ARRAY))) {
		a->array = true;
		a->elem = elem_size(f->type, 0);
	}
	if (a->elem <= 0 || a->elem > 8)
		a->elem = 8;
	for (size_t i = 0; probe && i < probe->nargs; i++)
		if (probe->args[i].name && !strcmp(probe->args[i].name, f->name))
			a->conv = probe->args[i].conv;
	if (a->conv == ST_CONV_NONE)
		a->conv = st_conv_from_name(f->name);
}

/* A syscall event's constant parts: its name as ftrace prints it ("sys_openat"), its
 * arguments (every field but __syscall_nr) or its "ret". */
static int build_syscall(struct st_oevent *oe, struct tep_event *tev,
			 struct tep_format_field *nr)
{
	const char *name = tev->name + (oe->syscall == 'e' ? 10 : 9);  /* sys_enter_/sys_exit_ */
	int n = 0;

	if (asprintf(&oe->sysname, "sys_%s", name) < 0) {
		oe->sysname = NULL;
		return -1;
	}
	oe->sysname_len = strlen(oe->sysname);
	if (oe->syscall == 'x') {
		oe->sysret = tep_find_field(tev, "ret");
		return 0;
	}
	for (struct tep_format_field *f = tev->format.fields; f; f = f->next)
		n++;
	oe->sysargs = calloc((size_t)n + 1, sizeof(*oe->sysargs));
	if (!oe->sysargs)
		return -1;
	for (struct tep_format_field *f = tev->format.fields; f; f = f->next)
		if (f != nr)
			oe->sysargs[oe->nsysargs++] = f;
	return 0;
}

int st_oevent_build(struct st_oevent *oe, struct tep_event *tev,
		    const struct st_probe *probe)
{
	memset(oe, 0, sizeof(*oe));
	oe->built = true;
	oe->ptype = probe ? probe->type : 0;
	oe->ip = tep_find_field(tev, "__probe_ip");
	oe->func = tep_find_field(tev, "__probe_func");
	oe->retip = tep_find_field(tev, "__probe_ret_ip");
	oe->dynamic = oe->ip || (oe->func && oe->retip);
	struct tep_format_field *nr = tep_find_field(tev, "__syscall_nr");
	if (!strcmp(tev->system, "syscalls") && nr)
		oe->syscall = !strncmp(tev->name, "sys_enter_", 10) ? 'e'
			    : !strncmp(tev->name, "sys_exit_", 9) ? 'x' : 0;
	if (oe->syscall && build_syscall(oe, tev, nr))
		return -1;
	if (!oe->dynamic)
		return 0;   /* trace events print through libtraceevent */
	int n = 0;
	for (struct tep_format_field *f = tev->format.fields; f; f = f->next)
		n += !is_probe_field(f->name);
	oe->args = calloc((size_t)(n ? n : 1), sizeof(*oe->args));
	if (!oe->args)
		return -1;
	for (struct tep_format_field *f = tev->format.fields; f; f = f->next)
		if (!is_probe_field(f->name))
			build_arg(&oe->args[oe->nargs++], f, tev->print_fmt.format, probe);
	return 0;
}

static void put_sb_str(void *ctx, const char *s, size_t n)
{
	st_sb_put(ctx, s, n);
}

/* s as an escaped JSON string followed by `tail`, in a new string (NULL: no memory). */
static char *json_piece(const char *head, const char *s, const char *tail)
{
	size_t cap = strlen(head) + 6 * strlen(s) + strlen(tail) + 3;
	struct st_sb b = { .p = malloc(cap + 1), .cap = cap };

	if (!b.p)
		return NULL;
	st_sb_puts(&b, head);
	st_json_escape(put_sb_str, &b, s, strlen(s));
	st_sb_puts(&b, tail);
	b.p[b.len] = '\0';
	return b.p;
}

int st_oevent_build_json(struct st_oevent *oe, struct tep_event *tev)
{
	int n = 0, i = 0;

	if (oe->jhead)
		return 0;
	if (oe->dynamic)
		n = oe->nargs;
	else
		for (struct tep_format_field *f = tev->format.fields; f; f = f->next)
			n++;
	oe->jkeys = calloc((size_t)(n ? n : 1), sizeof(*oe->jkeys));
	if (!oe->jkeys)
		return -1;
	oe->njkeys = n;
	if (oe->dynamic) {
		for (i = 0; i < n; i++)
			if (!(oe->jkeys[i].s = json_piece(i ? "," : "", oe->args[i].f->name, ":")))
				return -1;
	} else {
		for (struct tep_format_field *f = tev->format.fields; f; f = f->next, i++) {
			if (!(oe->jkeys[i].s = json_piece(i ? "," : "", f->name, ":")))
				return -1;
			oe->jkeys[i].plain = st_field_oarg(f, &oe->jkeys[i].a);
		}
	}
	for (i = 0; i < n; i++)
		oe->jkeys[i].len = strlen(oe->jkeys[i].s);
	oe->jhead = json_piece(",\"event\":", tev->name, ",\"args\":{");
	if (!oe->jhead)
		return -1;
	oe->jhead_len = strlen(oe->jhead);
	return 0;
}

void st_oevent_clear(struct st_oevent *oe)
{
	for (int i = 0; i < oe->njkeys; i++)
		free(oe->jkeys[i].s);
	free(oe->jkeys);
	free(oe->jhead);
	free(oe->args);
	free(oe->sysname);
	free(oe->sysargs);
	memset(oe, 0, sizeof(*oe));
}

/* The string of a __data_loc field: pointer and length inside the record. */
static const char *dyn_str(struct tep_format_field *f, struct tep_handle *tep,
			   const void *data, int size, size_t *len)
{
	if (f->offset + 4 > size)
		return NULL;
	unsigned int loc = (unsigned int)tep_read_number(tep, (const char *)data + f->offset, 4);
	unsigned int off = loc & 0xffff, l = loc >> 16;
	if (f->flags & TEP_FIELD_IS_RELATIVE)
		off += (unsigned int)(f->offset + f->size);
	if (off > (unsigned int)size || l > (unsigned int)size - off)
		return NULL;
	const char *s = (const char *)data + off;
	*len = strnlen(s, l);
	return s;
}

/* One number as ftrace prints it: signed, 0x-hex, 'c' chars, else unsigned. */
static void put_num_text(struct st_sb *b, unsigned long long v, int sz, bool sign, bool hex,
			 bool chr)
{
	int sh = sz > 0 && sz < 8 ? 64 - sz * 8 : 0;
	if (sign) {
		st_sb_printf(b, "%lld", (long long)(v << sh) >> sh);
	} else if (hex) {
		st_sb_printf(b, "0x%llx", v);
	} else if (chr) {
		char c = (char)v;
		if (c >= 0x20 && c < 0x7f)
			st_sb_printf(b, "'%c'", c);
		else
			st_sb_printf(b, "'\\x%02x'", (unsigned char)c);
	} else {
		st_sb_printf(b, "%llu", v);
	}
}

/* The text form of a value (the original's line); JSON is st_value_put_json. */
static void st_value_put_text(struct st_sb *b, struct tep_handle *tep, const struct st_value *v)
{
	switch (v->type) {
	case ST_VAL_INT:
		st_sb_printf(b, "%lld", v->i);
		break;
	case ST_VAL_UINT:
	case ST_VAL_HEX:
		put_num_text(b, v->u, 8, false, v->type == ST_VAL_HEX, v->chr);
		break;
	case ST_VAL_STR:
		st_sb_put(b, "\"", 1);
		st_sb_put(b, v->str, v->len);
		st_sb_put(b, "\"", 1);
		break;
	case ST_VAL_TEXT:
		st_sb_put(b, v->str, v->len);
		break;
	case ST_VAL_ARRAY:
		st_sb_put(b, "{", 1);
		for (int i = 0; i < v->n; i++) {
			if (i)
				st_sb_put(b, ",", 1);
			put_num_text(b, tep_read_number(tep, (const char *)v->data + i * v->elem,
							v->elem),
				     v->elem, v->sign, v->hex, v->chr);
		}
		st_sb_put(b, "}", 1);
		break;
	default:
		st_sb_puts(b, "(fault)");
	}
}

void st_oarg_put(struct st_output *out, struct st_sb *b, const struct st_oarg *a,
		 struct tep_handle *tep, const void *data, int size)
{
	struct st_value v;
	st_oarg_value(out, a, tep, data, size, &v);
	st_value_put_text(b, tep, &v);
}

/* Typed values (st_output_field): what --json shows, as C values instead of text. */
static void num_value(struct st_value *v, enum st_kind k, enum st_conv conv,
		      unsigned long long raw, int sz)
{
	if (conv != ST_CONV_NONE && st_conv_format(conv, raw, sz, v->buf, sizeof(v->buf))) {
		if (conv == ST_CONV_IP || conv == ST_CONV_BX16 || conv == ST_CONV_BX32 ||
		    conv == ST_CONV_BX64) {
			v->type = ST_VAL_TEXT;
			v->str = v->buf;
			v->len = strlen(v->buf);
		} else {          /* byte-swapped decimal: a number, as in JSON */
			v->type = ST_VAL_UINT;
			v->u = strtoull(v->buf, NULL, 10);
		}
		return;
	}
	if (k == K_SIGNED) {
		int sh = sz < 8 ? 64 - sz * 8 : 0;
		v->type = ST_VAL_INT;
		v->i = (long long)(raw << sh) >> sh;
	} else if (k == K_HEX) {
		v->type = ST_VAL_HEX;
		v->u = raw;
	} else {
		v->type = ST_VAL_UINT;
		v->u = raw;
		v->chr = k == K_CHAR;
	}
}

static void str_value(struct st_value *v, const char *s, size_t len)
{
	v->type = s ? ST_VAL_STR : ST_VAL_NONE;
	v->str = s;
	v->len = len;
}

void st_oarg_value(struct st_output *out, const struct st_oarg *a, struct tep_handle *tep,
		   const void *data, int size, struct st_value *v)
{
	struct tep_format_field *f = a->f;
	v->name = f->name;
	v->type = ST_VAL_NONE;
	v->sign = v->hex = v->chr = false;
	if (a->kind == K_STRING) {
		size_t len = 0;
		const char *s = (f->flags & TEP_FIELD_IS_DYNAMIC) ? dyn_str(f, tep, data, size, &len)
			: (f->offset + f->size <= size ? (const char *)data + f->offset : NULL);
		if (s && !(f->flags & TEP_FIELD_IS_DYNAMIC))
			len = strnlen(s, (size_t)f->size);
		str_value(v, s, len);
		return;
	}
	if (f->offset + f->size > size)
		return;
	const char *p = (const char *)data + f->offset;
	if (a->kind == K_SYMBOL && !a->array) {
		struct st_sb b = { .p = v->buf, .cap = sizeof(v->buf) - 1 };
		st_addrsyms_put(out ? st_output_syms(out) : NULL, &b,
				tep_read_number(tep, p, f->size > 8 ? 8 : f->size), true);
		v->buf[b.len] = '\0';
		v->type = ST_VAL_TEXT;
		v->str = v->buf;
		v->len = b.len;
		return;
	}
	if (!a->array) {
		int sz = f->size > 8 ? 8 : f->size;
		num_value(v, a->kind, a->conv, tep_read_number(tep, p, sz), sz);
		return;
	}
	v->type = ST_VAL_ARRAY;
	v->data = p;
	v->elem = a->elem;
	v->n = f->size / a->elem;
	v->sign = a->kind == K_SIGNED;
	v->hex = a->kind == K_HEX;
	v->chr = a->kind == K_CHAR;
}

bool st_field_oarg(struct tep_format_field *f, struct st_oarg *a)
{
	bool chars = !strncmp(f->type, "char", 4) || strstr(f->type, " char") != NULL;

	memset(a, 0, sizeof(*a));
	a->f = f;
	a->elem = f->size;
	a->conv = ST_CONV_NONE;
	if ((f->flags & TEP_FIELD_IS_DYNAMIC) && !chars)
		return false;
	if ((f->flags & TEP_FIELD_IS_DYNAMIC) || ((f->flags & TEP_FIELD_IS_ARRAY) && chars)) {
		a->kind = K_STRING;
	} else {
		a->kind = f->flags & TEP_FIELD_IS_POINTER ? K_HEX
			: f->flags & TEP_FIELD_IS_SIGNED ? K_SIGNED : K_UNSIGNED;
		if (f->flags & TEP_FIELD_IS_ARRAY) {
			a->array = true;
			a->elem = f->elementsize > 0 && f->elementsize <= 8 ? (int)f->elementsize
									  : elem_size(f->type, 0);
		}
		if (a->elem <= 0 || a->elem > 8)
			a->elem = 8;
	}
	return true;
}

void st_field_value_as(const struct st_oarg *a, bool plain, struct tep_handle *tep,
		       const void *data, int size, struct st_value *v)
{
	struct tep_format_field *f = a->f;

	if (plain) {
		st_oarg_value(NULL, a, tep, data, size, v);
		return;
	}
	/* dynamic non-string arrays (e.g. __data_loc u8[]): bytes */
	v->name = f->name;
	v->type = ST_VAL_NONE;
	if (f->offset + 4 > size)
		return;
	unsigned int loc = (unsigned int)tep_read_number(tep, (const char *)data + f->offset, 4);
	unsigned int off = loc & 0xffff, len = loc >> 16;
	if (f->flags & TEP_FIELD_IS_RELATIVE)
		off += (unsigned int)(f->offset + f->size);
	if (off > (unsigned int)size || len > (unsigned int)size - off)
		return;
	v->type = ST_VAL_ARRAY;
	v->data = (const char *)data + off;
	v->elem = 1;
	v->n = (int)len;
}

void st_field_value(struct tep_format_field *f, struct tep_handle *tep, const void *data,
		    int size, struct st_value *v)
{
	struct st_oarg a;
	bool plain = st_field_oarg(f, &a);

	st_field_value_as(&a, plain, tep, data, size, v);
}

/* A number as JSON: decimal, or "0x.." text (hex) */
static void put_json_num(struct st_sb *b, unsigned long long u, bool neg, bool hex)
{
	char tmp[48], *p = tmp;

	if (hex) {
		*p++ = '"';
		p = st_fmt_hex(p, u);
		*p++ = '"';
	} else {
		if (neg) {
			*p++ = '-';
			u = 0 - u;
		}
		p = st_fmt_u(p, u, 0, ' ', false);
	}
	st_sb_put(b, tmp, (size_t)(p - tmp));
}

void st_value_put_json(struct st_sb *b, struct tep_handle *tep, const struct st_value *v)
{
	switch (v->type) {
	case ST_VAL_INT:
		put_json_num(b, (unsigned long long)v->i, v->i < 0, false);
		break;
	case ST_VAL_UINT:
		put_json_num(b, v->u, false, false);
		break;
	case ST_VAL_HEX:
		/* a string, so that 64-bit addresses keep every bit in jq/JavaScript */
		put_json_num(b, v->u, false, true);
		break;
	case ST_VAL_STR:
	case ST_VAL_TEXT:
		st_sb_json_str(b, v->str, v->len);
		break;
	case ST_VAL_ARRAY:
		st_sb_put(b, "[", 1);
		for (int i = 0; i < v->n; i++) {
			unsigned long long e = tep_read_number(tep, (const char *)v->data +
							       i * v->elem, v->elem);
			int sh = 64 - v->elem * 8;
			if (i)
				st_sb_put(b, ",", 1);
			if (v->sign && !v->hex) {
				long long x = (long long)(e << sh) >> sh;

				put_json_num(b, (unsigned long long)x, x < 0, false);
			} else {
				put_json_num(b, e, false, v->hex);
			}
		}
		st_sb_put(b, "]", 1);
		break;
	default:
		st_sb_puts(b, "null");
	}
}

void st_field_put_json(struct st_sb *b, const struct st_oarg *a, bool plain,
		       struct tep_handle *tep, const void *data, int size, struct st_value *v)
{
	struct tep_format_field *f = a->f;
	int sz = f->size > 8 ? 8 : f->size;

	/* a plain number: straight from the record (what st_oarg_value then
	 * st_value_put_json print, without the value in between) */
	if (plain && !a->array && a->conv == ST_CONV_NONE && sz > 0 &&
	    (a->kind == K_SIGNED || a->kind == K_UNSIGNED || a->kind == K_HEX)) {
		unsigned long long raw;

		if (f->offset + f->size > size) {
			st_sb_put(b, "null", 4);
			return;
		}
		raw = tep_read_number(tep, (const char *)data + f->offset, sz);
		if (a->kind == K_SIGNED) {
			int sh = sz < 8 ? 64 - sz * 8 : 0;
			long long x = (long long)(raw << sh) >> sh;

			put_json_num(b, (unsigned long long)x, x < 0, false);
		} else {
			put_json_num(b, raw, false, a->kind == K_HEX);
		}
		return;
	}
	st_field_value_as(a, plain, tep, data, size, v);
	st_value_put_json(b, tep, v);
}
