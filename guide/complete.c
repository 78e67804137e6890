// SPDX-License-Identifier: MIT
/* Completion dispatch: one small function per kind of word (ctx.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "complete.h"
#include "compile/arch.h"
#include "compile/compile.h"
#include "events.h"
#include "src.h"
#include "typeof.h"
#include "types/usym.h"

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void add_if(struct g_cands *out, const char *prefix, const char *text,
		   const char *note, bool noappend)
{
	if (starts(text, prefix))
		g_cands_add(out, text, note, noappend);
}

static void types_(const char *prefix, struct g_cands *out)
{
	add_if(out, prefix, "p", "kprobe: kernel function entry", false);
	add_if(out, prefix, "r", "kretprobe: kernel function return", false);
	add_if(out, prefix, "e", "trace event: group/event", false);
	add_if(out, prefix, "P", "uprobe: binary:symbol entry", false);
	add_if(out, prefix, "R", "uretprobe: binary:symbol return", false);
}

static void funcs(struct g_src *s, const char *prefix, struct g_cands *out)
{
	struct st_ksyms *k = g_src_ksyms(s);
	char note[80];
	size_t i, n = k ? st_ksyms_count(k) : 0;

	for (i = 0; i < n; i++) {
		const struct st_ksym *e = st_ksyms_at(k, i);

		if (!starts(e->name, prefix))
			continue;
		if (e->module)
			snprintf(note, sizeof(note), "[%s]", e->module);
		g_cands_add(out, e->name, e->module ? note : NULL, false);
	}
}

static void usyms(struct g_src *s, const struct g_ctx *c, const char *prefix,
		  struct g_cands *out)
{
	char path[4096], glob[272];   /* prefix (< 256) and "*" */
	struct st_err err;
	char **names = NULL;
	int i, n;

	(void)s;
	if (st_usym_find_binary(c->binary, path, sizeof(path), &err))
		return;
	snprintf(glob, sizeof(glob), "%.256s*", prefix);
	n = st_usym_list(path, glob, &names, &err);
	for (i = 0; i < n; i++) {
		g_cands_add(out, names[i], NULL, false);
		free(names[i]);
	}
	free(names);
}

/* Arguments of the probed function: "name=" at an argument's start, %N / $name as a
 * value (p, P), $retval (r, R). */
static void params(struct g_src *s, const struct g_ctx *c, const char *prefix, bool names,
		   struct g_cands *out)
{
	const struct btf_type *fp;
	const struct btf_param *p;
	struct st_tref ref;
	char text[96], note[256];
	bool ret = c->type == 'r' || c->type == 'R';
	int i;

	if (g_src_proto(s, c, &ref))
		return;
	fp = btf__type_by_id(ref.btf, ref.id);
	if (ret && !names) {
		g_src_decl(s, ref.btf, fp->type, NULL, note, sizeof(note));
		add_if(out, prefix, "$retval", note, false);
		return;
	}
	p = btf_params(fp);
	for (i = 0; i < btf_vlen(fp); i++) {
		const char *pn = btf__name_by_offset(ref.btf, p[i].name_off);

		g_src_decl(s, ref.btf, p[i].type, pn, note, sizeof(note));
		if (names) {
			snprintf(text, sizeof(text), "%s=", pn);
			add_if(out, prefix, text, note, true);
			continue;
		}
		snprintf(text, sizeof(text), "%%%d", i);
		add_if(out, prefix, text, note, false);
		if (pn && *pn) {
			snprintf(text, sizeof(text), "$%s", pn);
			add_if(out, prefix, text, note, false);
		}
	}
}

/* %reg once a letter follows '%': the arch's own list, as the translator checks it. */
static void registers(struct g_src *s, const char *prefix, struct g_cands *out)
{
	const struct st_arch *a = st_arch_find(s->o.arch);
	char text[40];
	size_t i;

	if (!a || prefix[0] != '%' || !isalpha((unsigned char)prefix[1]))
		return;
	for (i = 0; i < a->nregs; i++) {
		snprintf(text, sizeof(text), "%%%s", a->regs[i]);
		add_if(out, prefix, text, "register", false);
	}
}

static void values(struct g_src *s, const struct g_ctx *c, const char *prefix,
		   struct g_cands *out)
{
	params(s, c, prefix, false, out);
	registers(s, prefix, out);
	add_if(out, prefix, "$comm", "name of the current task", false);
	add_if(out, prefix, "$stack", "stack pointer ($stackN: Nth stack entry)", false);
}

static void members(struct g_src *s, const struct g_ctx *c, const char *prefix,
		    struct g_cands *out)
{
	struct g_type t;

	if (g_value_type(s, c, &t))
		return;
	g_add_members(s, &t, c->acc[c->nacc].kind, prefix, out);
}

/* Type names inside a cast: the names of one kind after struct/union/enum, else the
 * keywords and the typedef and base type names. */
static void ctypes(struct g_src *s, const struct g_ctx *c, const char *prefix,
		   struct g_cands *out)
{
	struct st_types *t = g_src_types_for(s, c);
	const struct btf *btf = t ? st_types_btf(t) : NULL;
	__u32 id, n = btf ? btf__type_cnt(btf) : 0;
	int want = -1;

	if (!strcmp(c->ctype_kw, "struct"))
		want = BTF_KIND_STRUCT;
	else if (!strcmp(c->ctype_kw, "union"))
		want = BTF_KIND_UNION;
	else if (!strcmp(c->ctype_kw, "enum"))
		want = BTF_KIND_ENUM;
	if (want < 0) {
		add_if(out, prefix, "struct ", NULL, true);
		add_if(out, prefix, "union ", NULL, true);
		add_if(out, prefix, "enum ", NULL, true);
	}
	for (id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(btf, id);
		int kind = btf_kind(bt);
		const char *name = btf__name_by_offset(btf, bt->name_off);

		if (!name || !*name || !starts(name, prefix))
			continue;
		if (want >= 0 ? (kind == want || (want == BTF_KIND_ENUM && kind == BTF_KIND_ENUM64))
			      : (kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_INT))
			g_cands_add(out, name, NULL, false);
	}
}

static void fvars(struct g_src *s, const struct g_ctx *c, const char *prefix,
		  struct g_cands *out)
{
	static const char *const common[] = { "common_pid", "common_flags",
					      "common_preempt_count" };
	size_t i;
	int a;

	for (a = 0; a < c->nargnames; a++)
		add_if(out, prefix, c->argnames[a], "argument", false);
	if (c->type == 'e') {
		g_add_event_fields(g_src_tracefs(s), c->event, prefix, out);
		return;
	}
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		add_if(out, prefix, common[i], "common field", false);
}

size_t g_complete(struct g_src *s, const char *line, int point, struct g_cands *out,
		  int *start)
{
	struct g_ctx c;
	char prefix[256];

	g_cands_clear(out);
	g_ctx_scan(line, point, &c);
	*start = c.start;
	snprintf(prefix, sizeof(prefix), "%.*s", point - c.start, line + c.start);
	switch (c.kind) {
	case G_TYPE: types_(prefix, out); break;
	case G_FUNC: funcs(s, prefix, out); break;
	case G_EVENT: g_add_events(g_src_tracefs(s), prefix, out); break;
	case G_UBIN: out->files = true; break;
	case G_USYM: usyms(s, &c, prefix, out); break;
	case G_ARGNAME:
		if (c.type != 'e' && c.type != 'r' && c.type != 'R')
			params(s, &c, prefix, true, out);
		add_if(out, prefix, "f:", "filter", true);
		break;
	case G_VALUE: values(s, &c, prefix, out); break;
	case G_MEMBER: members(s, &c, prefix, out); break;
	case G_CTYPE: ctypes(s, &c, prefix, out); break;
	case G_FVAR: fvars(s, &c, prefix, out); break;
	case G_NONE: break;
	}
	g_cands_sort(out);
	return out->n;
}
