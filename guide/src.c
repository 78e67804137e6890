// SPDX-License-Identifier: MIT
/* Lazy sources for completion (see src.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "guide.h"
#include "src.h"
#include "compile/compile.h"
#include "session/tracefs.h"
#include "discover/declfmt.h"
#include "types/ksyms.h"
#include "types/types.h"
#include "types/usym.h"
#include "types/btf_cache.h"

struct g_src *g_src_new(const struct g_src_opts *o)
{
	struct g_src *s = calloc(1, sizeof(*s));

	if (s && o)
		s->o = *o;
	return s;
}

void g_src_free(struct g_src *s)
{
	if (!s)
		return;
	st_declfmt_free(s->decl);
	st_types_free(s->ut);
	if (!s->kt_shared)
		st_types_free(s->kt);
	if (!s->ks_shared)
		st_ksyms_free(s->ks);
	free(s);
}

/* The translator's copy when it can lend it: one BTF and one symbol list per process. */
static struct st_translator *lender(struct g_src *s)
{
	return s->o.xlate ? g_xlate_translator(s->o.xlate) : NULL;
}

struct st_types *g_src_ktypes(struct g_src *s)
{
	struct st_translator *tr;
	struct st_err err;

	if (!s->kt_tried) {
		s->kt_tried = true;
		if ((tr = lender(s)))
			s->kt = st_translator_types(tr, &err);
		s->kt_shared = s->kt != NULL;
		if (!s->kt)
			s->kt = st_types_open(s->o.btf_path, &err);
	}
	return s->kt;
}

struct st_ksyms *g_src_ksyms(struct g_src *s)
{
	struct st_translator *tr;
	struct st_err err;

	if (!s->ks_tried) {
		s->ks_tried = true;
		if ((tr = lender(s)))
			s->ks = st_translator_ksyms(tr);
		s->ks_shared = s->ks != NULL;
		if (!s->ks)
			s->ks = st_ksyms_load(s->o.ksyms_path, g_src_tracefs(s), &err);
	}
	return s->ks;
}

struct st_types *g_src_utypes(struct g_src *s, const char *binary)
{
	char path[PATH_MAX];
	struct st_err err;
	struct btf *btf;

	if (!strcmp(binary, s->uname))
		return s->ut;
	snprintf(s->uname, sizeof(s->uname), "%s", binary);
	st_types_free(s->ut);
	s->ut = NULL;
	s->upath[0] = '\0';
	if (st_usym_find_binary(binary, path, sizeof(path), &err))
		return NULL;
	memcpy(s->upath, path, sizeof(path));
	btf = st_btf_cache_dwarf(path, NULL, &err);
	if (btf)
		s->ut = st_types_from_btf(btf);
	return s->ut;
}

struct st_types *g_src_types_for(struct g_src *s, const struct g_ctx *c)
{
	if (c->type == 'P' || c->type == 'R')
		return c->binary[0] ? g_src_utypes(s, c->binary) : NULL;
	return g_src_ktypes(s);
}

const char *g_src_tracefs(struct g_src *s)
{
	const char *root;

	if (s->tf_tried)
		return s->tracefs[0] ? s->tracefs : NULL;
	s->tf_tried = true;
	root = s->o.tracefs ? s->o.tracefs : st_tracefs_find();
	if (root)
		snprintf(s->tracefs, sizeof(s->tracefs), "%s", root);
	return root ? s->tracefs : NULL;
}

/* Declarations are spelled by the discovery stage's formatter (libbpf's btf_dump), one per
 * BTF object, rebuilt when the guide moves between kernel and binary types. */
const char *g_src_decl(struct g_src *s, const struct btf *btf, __u32 id, const char *name,
		       char *buf, size_t n)
{
	const char *d;

	if (s->decl_btf != btf) {
		st_declfmt_free(s->decl);
		s->decl = st_declfmt_new(btf);
		s->decl_btf = s->decl ? btf : NULL;
	}
	d = s->decl ? st_declfmt_decl(s->decl, id, name) : NULL;
	snprintf(buf, n, "%s", d ? d : "?");
	return buf;
}

int g_src_proto(struct g_src *s, const struct g_ctx *c, struct st_tref *proto)
{
	struct st_types *t = g_src_types_for(s, c);
	const char *module = NULL;

	if (!t || !c->func[0] || c->type == 'e')
		return -1;
	return st_types_func(t, c->func, proto, &module);
}
