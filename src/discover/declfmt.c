// SPDX-License-Identifier: MIT
#include "discover/declfmt.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

struct st_declfmt {
	struct btf_dump *dump;
	char *buf;
	size_t len, cap;
	int failed;
};

/* btf_dump prints through a callback: collect the pieces into one growable buffer. */
static void collect(void *ctx, const char *fmt, va_list ap)
{
	struct st_declfmt *f = ctx;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		f->failed = 1;
		return;
	}
	if (f->len + (size_t)n + 1 > f->cap) {
		size_t cap = (f->cap ? f->cap : 128);
		char *nb;

		while (cap < f->len + (size_t)n + 1)
			cap *= 2;
		nb = realloc(f->buf, cap);
		if (!nb) {
			f->failed = 1;
			return;
		}
		f->buf = nb;
		f->cap = cap;
	}
	vsnprintf(f->buf + f->len, f->cap - f->len, fmt, ap);
	f->len += (size_t)n;
}

struct st_declfmt *st_declfmt_new(const struct btf *btf)
{
	struct st_declfmt *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->dump = btf_dump__new(btf, collect, f, NULL);
	if (!f->dump) {
		free(f);
		return NULL;
	}
	return f;
}

void st_declfmt_free(struct st_declfmt *f)
{
	if (!f)
		return;
	btf_dump__free(f->dump);
	free(f->buf);
	free(f);
}

const char *st_declfmt_decl(struct st_declfmt *f, __u32 id, const char *name)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, o, .field_name = name ? name : "");

	f->len = 0;
	f->failed = 0;
	if (btf_dump__emit_type_decl(f->dump, id, &o) < 0 || f->failed || !f->buf)
		return NULL;
	f->buf[f->len] = '\0';
	return f->buf;
}

static int is_ident(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

size_t st_decl_split(const char *decl, const char *name, size_t *decl_start)
{
	size_t nl = strlen(name);
	const char *p = decl, *hit = NULL, *k;

	if (!nl)
		return (size_t)-1;
	/* The declarator name is the first whole-word occurrence that a declarator can end
	 * with: end of text, '[' (array) or ')' (pointer to function/array). This skips a type
	 * spelled like the member ("struct thread_info thread_info") and parameter types. */
	while ((p = strstr(p, name))) {
		char after = p[nl];

		if (p > decl && !is_ident(p[-1]) &&
		    (after == '\0' || after == '[' || after == ')')) {
			hit = p;
			break;
		}
		p += nl;
	}
	if (!hit)
		return (size_t)-1;
	k = hit;
	while (k > decl && k[-1] == '*')
		k--;
	if (k > decl && k[-1] == '(') {
		/* pointer to function or array: "void (*func)(int)" */
		k--;
	} else {
		/* plain or pointer: the stars stay with the type ("struct file *" | "f") */
		k = hit;
	}
	*decl_start = (size_t)(k - decl);
	while (k > decl && k[-1] == ' ')
		k--;
	return (size_t)(k - decl);
}
