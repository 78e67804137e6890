// SPDX-License-Identifier: MIT
/* st_translate: one expression line -> one st_probe. Owns the lazily loaded inputs: kernel
 * (or --btf) types, the traceable function list, user binaries' types. */
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "compile/arch.h"
#include "compile/compile.h"
#include "util/runname.h"
#include "compile/filter.h"
#include "compile/value.h"
#include "expr/expr.h"
#include "types/dwarf_loc.h"
#include "types/kident.h"
#include "types/ksyms.h"
#include "types/types.h"
#include "types/usym.h"
#include "types/btf_cache.h"
#include "compile/kdef.h"
#include "compile/kcaps.h"

struct ubin {
	char *path;
	char *func;               /* types of this function's unit only; NULL: every unit */
	struct st_types *types;   /* NULL: no DWARF */
	struct st_dwarf_file *dwarf;  /* argument locations (opened on first func+off) */
	char *nodwarf;            /* why there is none */
};

struct st_translator {
	const struct st_arch *arch;
	char *btf_path;
	char *ksyms_path;
	bool check_ksyms;
	struct st_types *types;
	struct st_ksyms *ksyms;
	bool ksyms_tried;
	struct st_ksyms *kallsyms;   /* the running kernel's kallsyms, when ksyms is not it */
	bool kallsyms_tried;
	char tracefs[64];         /* "" when not readable */
	char *readme;             /* the target's tracefs README, NULL: tracefs/README */
	struct st_kcaps caps;     /* what the target's parser accepts (kcaps.h) */
	bool caps_loaded;
	struct ubin *ubins;
	int nubins;
	struct st_types *basic;   /* C base types, for binaries without DWARF */
	char *vmlinux;            /* --vmlinux */
	struct st_dwarf_file *kdwarf;  /* kernel argument locations (first p func+off) */
	char *nokdwarf;           /* why there is none (set once tried) */
	bool full_dwarf;          /* this attempt converts every unit of a binary */
	bool used_unit;           /* this attempt used one unit's types */
	struct st_btf_cache *btf_cache;  /* converted user BTF by build id (opened once) */
	bool btf_cache_tried;
	char *btf_cache_why;      /* why the cache directory was refused, until said once */
	bool btf_cache_noted;     /* this attempt's probe carries btf_cache_why */
};

struct st_translator *st_translator_new(const struct st_translator_opts *o, struct st_err *err)
{
	struct st_translator *tr;
	const struct st_arch *a = st_arch_find(o ? o->arch : NULL);

	if (!a) {
		st_err_set(err, 0, "unknown architecture '%s' (use x86_64 or aarch64)", o->arch);
		return NULL;
	}
	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return NULL;
	tr->arch = a;
	if (o && o->btf_path) {
		tr->btf_path = strdup(o->btf_path);
		/* a bad --btf is the run's error, not the first kernel expression's */
		tr->types = st_types_open(o->btf_path, err);
		if (!tr->types) {
			st_translator_free(tr);
			return NULL;
		}
	}
	if (o && o->vmlinux)
		tr->vmlinux = strdup(o->vmlinux);
	if (o && o->readme)
		tr->readme = strdup(o->readme);
	if (o && o->ksyms_path && *o->ksyms_path)
		tr->ksyms_path = strdup(o->ksyms_path);
	if (o && ((o->btf_path && !tr->btf_path) || (o->vmlinux && !tr->vmlinux) ||
		  (o->readme && !tr->readme) ||
		  (o->ksyms_path && *o->ksyms_path && !tr->ksyms_path))) {
		st_translator_free(tr);
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	/* The running kernel's function list only describes the running kernel. */
	tr->check_ksyms = o && o->ksyms_path ? *o->ksyms_path != '\0' : !(o && o->btf_path);
	/* Event formats are checked against the tracefs the caller hands over (the running
	 * kernel's, found by the session stage: st_tracefs_find), never looked for here. */
	if (o && o->tracefs)
		snprintf(tr->tracefs, sizeof(tr->tracefs), "%s", o->tracefs);
	return tr;
}

void st_translator_free(struct st_translator *tr)
{
	int i;

	if (!tr)
		return;
	for (i = 0; i < tr->nubins; i++) {
		free(tr->ubins[i].path);
		free(tr->ubins[i].func);
		st_types_free(tr->ubins[i].types);
		st_dwarf_file_close(tr->ubins[i].dwarf);
		free(tr->ubins[i].nodwarf);
	}
	free(tr->ubins);
	st_types_free(tr->basic);
	st_types_free(tr->types);
	st_ksyms_free(tr->ksyms);
	st_ksyms_free(tr->kallsyms);
	free(tr->btf_path);
	free(tr->readme);
	free(tr->ksyms_path);
	free(tr->vmlinux);
	st_dwarf_file_close(tr->kdwarf);
	free(tr->nokdwarf);
	st_btf_cache_close(tr->btf_cache);
	free(tr->btf_cache_why);
	free(tr);
}

static struct st_types *kernel_types(struct st_translator *tr, struct st_err *err)
{
	if (!tr->types) {
		tr->types = st_types_open(tr->btf_path, err);
		if (!tr->types && err)
			err->env = true;
	}
	return tr->types;
}

static struct st_ksyms *kernel_syms(struct st_translator *tr)
{
	struct st_err e;

	if (!tr->ksyms_tried && tr->check_ksyms) {
		tr->ksyms_tried = true;
		tr->ksyms = tr->ksyms_path ? st_ksyms_load(tr->ksyms_path, NULL, &e) :
			    st_ksyms_load_cached(tr->tracefs[0] ? tr->tracefs : NULL, &e);
	}
	return tr->ksyms;
}

struct st_types *st_translator_types(struct st_translator *tr, struct st_err *err)
{
	return kernel_types(tr, err);
}

struct st_ksyms *st_translator_ksyms(struct st_translator *tr)
{
	return kernel_syms(tr);
}

/* The types of a binary's DWARF: of the unit holding func's code (func non-NULL; a uprobe
 * on one function of a big binary converts one unit, not 25 MB), else of every unit. */
static struct st_types *user_types(struct st_translator *tr, const char *path,
				   const char *func)
{
	struct ubin *nb;
	struct st_err e;
	struct btf *btf;
	int i;

	for (i = 0; i < tr->nubins; i++)
		if (!strcmp(tr->ubins[i].path, path) &&
		    (func ? tr->ubins[i].func && !strcmp(tr->ubins[i].func, func)
			  : !tr->ubins[i].func))
			return tr->ubins[i].types;
	nb = realloc(tr->ubins, (size_t)(tr->nubins + 1) * sizeof(*nb));
	if (!nb)
		return NULL;
	tr->ubins = nb;
	nb[tr->nubins].path = strdup(path);
	nb[tr->nubins].func = func ? strdup(func) : NULL;
	if (!nb[tr->nubins].path || (func && !nb[tr->nubins].func)) {
		free(nb[tr->nubins].path);
		free(nb[tr->nubins].func);
		return NULL;
	}
	if (!tr->btf_cache_tried) {
		char why[PATH_MAX + 200];

		tr->btf_cache_tried = true;
		tr->btf_cache = st_btf_cache_open(NULL, why, sizeof(why));
		if (!tr->btf_cache && why[0] && asprintf(&tr->btf_cache_why, "converted types are "
							 "not cached: %s", why) < 0)
			tr->btf_cache_why = NULL;
	}
	btf = st_btf_cache_convert(tr->btf_cache, path, func, NULL, &e);
	nb[tr->nubins].types = btf ? st_types_from_btf(btf) : NULL;
	nb[tr->nubins].dwarf = NULL;
	nb[tr->nubins].nodwarf = NULL;
	return nb[tr->nubins++].types;
}

static struct ubin *find_ubin(struct st_translator *tr, const char *path)
{
	int i;

	for (i = 0; i < tr->nubins; i++)
		if (!strcmp(tr->ubins[i].path, path))
			return &tr->ubins[i];   /* the first: it keeps the locations */
	return NULL;
}

/* The running kernel's installed debuginfo vmlinux, as perf probe finds it, if its build id
 * is the running kernel's (a stale -dbg package would place arguments wrongly). */
static const char *installed_debuginfo(char *buf, size_t n, char **why)
{
	struct st_kident id;
	struct st_err e;
	char running[41], msg[700];

	if (!st_kernel_vmlinux(buf, n, true))
		return NULL;
	if (st_kernel_build_id(running) || st_kident_read(buf, &id, &e) || !id.build_id[0] ||
	    !strcmp(id.build_id, running))
		return buf;
	snprintf(msg, sizeof(msg), "there is no DWARF to locate them (%s is build %s, the running "
		 "kernel %s; give the right one with --vmlinux FILE)", buf, id.build_id, running);
	*why = strdup(msg);
	return NULL;
}

/* Where a probe at func+off finds the arguments: the kernel's debuginfo vmlinux (--vmlinux,
 * else the installed one, as perf probe looks for it) or the user binary's DWARF. */
static void offset_dwarf(struct st_translator *tr, const struct st_probe *p, struct st_vctx *c,
			 char *disasm, size_t n)
{
	struct st_err e = { 0 };
	char buf[512];

	if (p->type == 'p') {
		const char *path = tr->vmlinux;

		if (!tr->kdwarf && !tr->nokdwarf && !path && !tr->btf_path)
			path = installed_debuginfo(buf, sizeof(buf), &tr->nokdwarf);
		if (!tr->kdwarf && !tr->nokdwarf) {
			if (!path)
				tr->nokdwarf = strdup("there is no DWARF to locate them (give a "
						      "debuginfo vmlinux with --vmlinux FILE)");
			else if (!(tr->kdwarf = st_dwarf_file_open(path, &e))) {
				char why[600];

				snprintf(why, sizeof(why), "there is no DWARF to locate them (%s)",
					 e.msg);
				tr->nokdwarf = strdup(why);
			}
		}
		c->dwarf = tr->kdwarf;
		c->nodwarf = tr->nokdwarf;
		snprintf(disasm, n, "surftrace -F %s", p->func);
	} else {
		struct ubin *ub = find_ubin(tr, p->binary);

		if (ub && !ub->dwarf && !ub->nodwarf) {
			ub->dwarf = st_dwarf_file_open(p->binary, &e);
			if (!ub->dwarf)
				ub->nodwarf = strdup("the binary has no DWARF to locate them");
		}
		c->dwarf = ub ? ub->dwarf : NULL;
		c->nodwarf = ub ? ub->nodwarf : NULL;
		snprintf(disasm, n, "objdump -d --disassemble=%s %s", p->func, p->binary);
	}
	c->dwarf_func = p->func;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Functions whose pointer arguments point into user memory. */
static bool is_syscall_func(const char *f)
{
	static const char *const pfx[] = { "__do_sys_", "__se_sys_", "__do_compat_sys_",
					   "do_sys_", "__x64_sys_", "__arm64_sys_", "ksys_" };
	size_t i;

	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (!strncmp(f, pfx[i], strlen(pfx[i])))
			return true;
	return false;
}

/* Nearest FUNC name in a BTF, for "did you mean" when no function list is available. */
static const char *suggest_btf_func(const struct btf *btf, const char *name, char *buf, size_t n)
{
	enum { CHUNK = 2048 };
	const char *cands[CHUNK], *win[128], *s;
	__u32 i, cnt = btf__type_cnt(btf);
	size_t c = 0, nw = 0;

	for (i = 1; i < cnt; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (!btf_is_func(t))
			continue;
		cands[c++] = btf__name_by_offset(btf, t->name_off);
		if (c == CHUNK) {
			s = st_suggest(name, cands, c);
			if (s && nw < 128)
				win[nw++] = s;
			c = 0;
		}
	}
	s = st_suggest(name, cands, c);
	if (s && nw < 128)
		win[nw++] = s;
	s = st_suggest(name, win, nw);
	if (!s)
		return NULL;
	snprintf(buf, n, "%s", s);
	return buf;
}

/* Several clones of one function: name the one traced and the others (the CLI prints it). */
static void note_clones(const char *func, const char *picked, const struct st_ksym *const *alts,
			size_t n, size_t shown, char **notice)
{
	char buf[1024];
	size_t i, len;

	len = (size_t)snprintf(buf, sizeof(buf), "'%s' exists only as %zu compiler clones; tracing "
			       "'%s' (others:", func, n, picked);
	for (i = 0; i < shown && len < sizeof(buf); i++)
		if (alts[i]->name != picked)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s", alts[i]->name);
	if (len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, "%s; name one to trace it instead)",
			 n > shown ? " ..." : "");
	free(*notice);
	*notice = strdup(buf);
}

/* %N/$name on a clone that may not keep the prototype's calling convention: said once, after
 * whatever else there is to say (docs/DECISIONS.md, "Compiler clones"). */
static void note_clone_args(const struct st_line *l, const struct st_vctx *c, char **notice)
{
	char buf[1024], base[256];
	size_t i;

	for (i = 0; i < l->nargs; i++)
		if (l->args[i].expr.base == ST_BASE_ARGN || l->args[i].expr.base == ST_BASE_ARGNAME)
			break;
	if (i == l->nargs)
		return;
	snprintf(buf, sizeof(buf), "%s%s%s is a compiler clone: '%s' (column %d) is read where the "
		 "prototype of %s puts it, which the clone may not keep; check with 'surftrace -F %s' "
		 "or read a register", *notice ? *notice : "", *notice ? "; " : "", c->clone,
		 l->args[i].name, l->args[i].name_col, st_ksym_base(c->clone, base, sizeof(base)), c->clone);
	free(*notice);
	*notice = strdup(buf);
}

/* Whether the probe reads anything by the function's prototype. */
static bool uses_proto(const struct st_line *l)
{
	for (size_t i = 0; i < l->nargs; i++)
		if (l->args[i].expr.base == ST_BASE_ARGN || l->args[i].expr.base == ST_BASE_ARGNAME ||
		    l->args[i].expr.base == ST_BASE_RETVAL)
			return true;
	return false;
}

/* For the running kernel's types: the modules kallsyms' [module] column names func (or a
 * compiler clone of it) in, so that only their BTF is read to find it and its duplicates
 * (without it the modules are read in name order up to the first that has it, then every
 * other one for duplicates). kallsyms is the list names were resolved against when it
 * came from there (or a test's list), else read through its per-boot cache. -1 when there
 * is none, or more modules than max. */
static int kallsyms_mods(struct st_translator *tr, struct st_types *types, const char *func,
			 const char **mods, int max)
{
	struct st_ksyms *ks = kernel_syms(tr);
	struct st_err e;

	if (!st_types_running(types) || !tr->check_ksyms)
		return -1;
	if (ks && !tr->ksyms_path && !st_ksyms_from_kallsyms(ks)) {
		if (!tr->kallsyms_tried) {
			tr->kallsyms_tried = true;
			tr->kallsyms = st_ksyms_load_cached(NULL, &e);
		}
		ks = tr->kallsyms;
	}
	return ks ? st_ksyms_modules(ks, func, mods, max) : -1;
}

/* A static function name that several modules define: with one prototype, said once
 * (whichever the kernel probes, the types fit); with different ones, refused when the
 * probe reads by the prototype (its types would be a guess), said otherwise. */
static int module_dups(struct st_types *types, const char *func, const char *const *only,
		       int nonly, const char *chosen, const struct st_line *l, char **notice,
		       struct st_err *err)
{
	char mods[512], buf[1024];
	bool same;
	int n = st_types_func_mods(types, func, only, nonly, mods, sizeof(mods), &same);

	if (n < 2)
		return 0;
	if (!same && uses_proto(l))
		return st_err_set(err, l->target_col, "'%s' is a function of %d modules with "
				  "different prototypes (%s): which one a probe on '%s' reaches is "
				  "not known here, so its arguments have no types; read registers "
				  "(%%di, %%si, ... with casts) instead", func, n, mods, func);
	snprintf(buf, sizeof(buf), "%s%s'%s' is a function of %d modules (%s)%s", *notice ? *notice : "",
		 *notice ? "; " : "", func, n, mods, same ? "" : " with different prototypes");
	if (same)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " with one prototype: "
			 "types from %s", chosen);
	free(*notice);
	*notice = strdup(buf);
	return 0;
}

/* p/r: the traceable name, prototype, and context. */
static int resolve_kernel_func(struct st_translator *tr, const struct st_line *l,
			       struct st_vctx *c, struct st_probe *p, struct st_err *err)
{
	struct st_types *types = kernel_types(tr, err);
	struct st_ksyms *ks = NULL;
	struct st_tref proto;
	char base[256], sbuf[256];
	const char *name = l->func, *s, *mod = NULL, *only[64];
	int nonly = -1;

	if (!types)
		return -1;
	s = st_ksym_padding(l->func);
	if (s)
		return st_err_set(err, l->target_col, "'%s' is the padding in front of '%s', not a "
				  "function; trace '%s'", l->func, s, s);
	/* Resolved against the traceable list whenever there is one: a function with BTF may
	 * still exist only as a clone (foo.isra.0), which ftrace knows under that name. */
	ks = kernel_syms(tr);
	if (ks) {
		const struct st_ksym *alts[8];
		size_t nalts;
		const struct st_ksym *k = st_ksyms_resolve(ks, l->func, alts, 8, &nalts);

		if (!k) {
			s = st_ksyms_suggest(ks, l->func);
			if (s)
				return st_err_set(err, l->target_col, "'%s' is not a traceable kernel "
						  "function; did you mean '%s'?", l->func, s);
			return st_err_set(err, l->target_col, "'%s' is not a traceable kernel function "
					  "(see surftrace -l '%s*')", l->func, l->func);
		}
		name = k->name;
		if (nalts > 1)
			note_clones(l->func, k->name, alts, nalts, nalts < 8 ? nalts : 8, &p->notice);
	}
	p->func = strdup(name);
	if (!p->func)
		return st_err_set(err, 0, "out of memory");
	st_ksym_base(name, base, sizeof(base));
	/* not vmlinux's: a module's, looked for in those kallsyms names (when it can) */
	if (st_types_find(types, base, BTF_KIND_FUNC) <= 0)
		nonly = kallsyms_mods(tr, types, base, only, 64);
	if (!st_types_func_among(types, base, nonly < 0 ? NULL : only, nonly, &proto, &mod)) {
		if (mod && module_dups(types, base, nonly < 0 ? NULL : only, nonly, mod, l,
				       &p->notice, err))
			return -1;
		c->proto_btf = proto.btf;
		c->proto_id = proto.id;
	} else if (!ks) {
		s = suggest_btf_func(st_types_btf(types), base, sbuf, sizeof(sbuf));
		if (s)
			return st_err_set(err, l->target_col, "no function '%s' in the type information; "
					  "did you mean '%s'?", l->func, s);
		if (st_types_hive(types))
			return st_err_set(err, l->target_col, "no function '%s' in the type "
					  "information of the hive %s; a module's function needs "
					  "that module there ('surftrace hive add %s PACKAGE "
					  "--modules NAME')", l->func, st_types_hive(types),
					  st_types_hive(types));
		return st_err_set(err, l->target_col, "no function '%s' in the type information",
				  l->func);
	}
	if (st_ksym_abi_changed(name))
		c->clone = p->func;
	c->types = types;
	c->syscall = is_syscall_func(base);
	return 0;
}

/* p FUNC+off must stay inside FUNC: past its end the kernel would probe whatever function
 * follows (it only checks the instruction boundary, x86's can_probe()). The running
 * kernel's kallsyms gives the extent when its addresses are visible (root); otherwise, and
 * for another kernel's --btf, the offset is passed on unchecked. */
static int kernel_off_outside(const struct st_translator *tr, const struct st_line *l,
			      const char *func, struct st_err *err)
{
	unsigned long long size;

	if (!tr->check_ksyms || tr->ksyms_path)
		return 0;
	/* the list resolve_kernel_func loaded has the addresses when it came from kallsyms */
	if ((!tr->ksyms || st_ksyms_span(tr->ksyms, func, &size)) &&
	    st_kallsyms_span(NULL, func, &size))
		return 0;
	if ((unsigned long long)l->off < size)
		return 0;
	return st_err_set(err, l->target_col, "%s+%ld is outside %s (%llu bytes to the next "
			  "symbol in /proc/kallsyms); see 'surftrace -F %s' for its instructions",
			  func, l->off, func, size, func);
}

static int resolve_user_func(struct st_translator *tr, const struct st_line *l,
			     struct st_vctx *c, struct st_probe *p, struct st_err *err)
{
	char path[4096];
	struct st_types *ut;
	struct st_tref proto;

	if (st_usym_find_binary(l->binary, path, sizeof(path), err)) {
		err->col = l->target_col;
		return -1;
	}
	/* The resolved name is what uprobe_events gets: a link may hide a newline in it. */
	if (st_kdef_check_path(path, err)) {
		if (strcmp(path, l->binary)) {
			struct st_err e = *err;
			char q[120];

			st_err_set(err, 0, "%s (resolved from %s)", e.msg,
				   st_span_desc(l->binary, strlen(l->binary), q, sizeof(q)));
		}
		err->col = l->target_col;
		return -1;
	}
	if (st_usym_offset(path, l->func, l->uaddr, l->off, &p->uoffset, err)) {
		err->col = l->target_col;
		return -1;
	}
	p->binary = strdup(path);
	if (!p->binary)
		return st_err_set(err, 0, "out of memory");
	/* No argument, no types needed: nothing is converted. */
	ut = l->func && l->nargs ? user_types(tr, path, tr->full_dwarf ? NULL : l->func) : NULL;
	tr->used_unit = ut && !tr->full_dwarf;
	c->types = ut;
	if (tr->btf_cache_why && !p->notice) {
		p->notice = strdup(tr->btf_cache_why);
		tr->btf_cache_noted = p->notice != NULL;
	}
	if (ut && !st_types_func(ut, l->func, &proto, NULL)) {
		c->proto_btf = proto.btf;
		c->proto_id = proto.id;
	}
	if (!ut && l->nargs) {
		/* no DWARF: registers are untyped, but casts to C base types still work */
		if (!tr->basic)
			tr->basic = st_types_basic();
		c->types = tr->basic;
		c->nodebug = true;
	}
	c->uprobe = true;
	c->binary = p->binary;
	return 0;
}

static int compile_arg(const struct st_vctx *c, const struct st_arg *a, struct st_probe_arg *pa,
		       struct st_err *err)
{
	struct st_val v;
	char fetch[1024], ktype[64];
	size_t i;

	if (!strncmp(a->name, "common_", 7))
		return st_err_set(err, a->name_col, "'%s' is reserved for the event's common fields; "
				  "pick another name", a->name);
	if (!c->types && (a->expr.cast != ST_CAST_NONE || a->expr.nacc || a->expr.base == ST_BASE_ARGNAME))
		return st_err_set(err, a->col, "no type information for %s: only plain registers, "
				  "%%N and $retval work here", c->func);
	if (st_val_base(c, &a->expr, &v, err))
		return -1;
	if (a->expr.cast == ST_CAST_SKB && st_val_skb(c, &a->expr, &v, err))
		return -1;
	for (i = 0; i < a->expr.nacc; i++)
		if (st_val_access(c, &a->expr.acc[i], &v, err))
			return -1;
	if (st_val_emit(c, &v, a->fmt, a->col, fetch, sizeof(fetch), ktype, sizeof(ktype), err))
		return -1;
	pa->name = strdup(a->name);
	pa->fetch = strdup(fetch);
	pa->ktype = *ktype ? strdup(ktype) : NULL;
	pa->conv = st_conv_from_name(a->name);
	if (!pa->name || !pa->fetch || (*ktype && !pa->ktype))
		return st_err_set(err, a->col, "out of memory");
	return 0;
}

static int compile_filter_args(const struct st_line *l, struct st_probe *p, struct st_err *err)
{
	struct st_fvar vars[64];
	size_t i, n = 0;

	for (i = 0; i < p->nargs && n < 64; i++) {
		const char *kt = p->args[i].ktype;

		vars[n].name = p->args[i].name;
		vars[n].kind = (!kt || strstr(kt, "string")) ? 1 : 0;
		n++;
	}
	return st_filter_compile(&l->filter, vars, n, true, &p->filter, err);
}

/* No event of that name: the nearest group/event names for "did you mean" (a glob that
 * matched nothing has none). */
static int event_not_found(const struct st_translator *tr, const struct st_line *l,
			   bool globbed, struct st_err *err)
{
	char pat[PATH_MAX], want[512], buf[512];
	const char **cands = NULL;
	const char *mean = NULL;
	size_t n = 0, i, skip = strlen(tr->tracefs) + strlen("/events/");
	glob_t g;
	int rc;

	snprintf(pat, sizeof(pat), "%s/events/*/*", tr->tracefs);
	if (!globbed && glob(pat, GLOB_ONLYDIR, NULL, &g) == 0) {
		cands = calloc(g.gl_pathc, sizeof(*cands));
		for (i = 0; cands && i < g.gl_pathc; i++)
			if (strlen(g.gl_pathv[i]) > skip)
				cands[n++] = g.gl_pathv[i] + skip;
		snprintf(want, sizeof(want), "%s/%s", l->group, l->event);
		if (n)
			mean = st_suggest_list(want, cands, n, "", buf, sizeof(buf));
	} else {
		g.gl_pathc = 0;
		g.gl_pathv = NULL;
		globbed = true;   /* nothing to free */
	}
	if (mean)
		rc = st_err_set(err, l->target_col, "no trace event matches '%s/%s'; did you mean "
				"%s? (see surftrace -l '%s/*')", l->group, l->event, mean, l->group);
	else
		rc = st_err_set(err, l->target_col, "no trace event matches '%s/%s' (see surftrace "
				"-l '%s/*')", l->group, l->event, l->group);
	free(cands);
	if (!globbed)
		globfree(&g);
	return rc;
}

static int compile_event(struct st_translator *tr, const struct st_line *l, struct st_probe *p,
			 struct st_err *err)
{
	char pat[512];
	glob_t g;
	bool globbed = strpbrk(l->group, "*?[") || strpbrk(l->event, "*?[");
	int found = -1;

	if (l->nargs)
		return st_err_set(err, l->args[0].name_col, "trace events print their own fields; "
				  "'%s=' belongs to p/r/P/R lines (filter fields with f:)",
				  l->args[0].name);
	if (!strpbrk(l->group, "*?[")) {
		struct st_runname r;

		/* enabled here, another run's probe could not be removed by that run (EBUSY) */
		if (st_runname_parse(l->group, "surftrace", &r) ||
		    st_runname_parse(l->group, "lbc", &r))
			return st_err_set(err, l->target_col, "'%s' is the probe group of a "
					  "surftrace/lbc run: tracing its events would keep that run "
					  "from removing them; trace the same place with a probe of "
					  "your own", l->group);
	}
	p->group = strdup(l->group);
	p->event = strdup(l->event);
	if (!p->group || !p->event)
		return st_err_set(err, 0, "out of memory");
	if (tr->tracefs[0]) {
		/* the event directories, typed by readdir: no stat per matched event */
		snprintf(pat, sizeof(pat), "%s/events/%s/%s", tr->tracefs, l->group, l->event);
		if (glob(pat, GLOB_ONLYDIR, NULL, &g) == 0) {
			found = (int)g.gl_pathc;
			globfree(&g);
		} else {
			/* no match: an error only when the events directory is readable at all */
			snprintf(pat, sizeof(pat), "%s/events", tr->tracefs);
			found = access(pat, R_OK | X_OK) == 0 ? 0 : -1;
		}
	}
	if (found == 0)
		return event_not_found(tr, l, globbed, err);
	if (l->has_filter) {
		struct st_fvar *vars = NULL;
		int n = (!globbed && tr->tracefs[0]) ?
			st_event_fields(tr->tracefs, l->group, l->event, &vars) : -1;
		int rc = st_filter_compile(&l->filter, vars, n > 0 ? (size_t)n : 0, n >= 0,
					   &p->filter, err);

		st_fvars_free(vars, n > 0 ? n : 0);
		return rc;
	}
	return 0;
}

/* The target kernel's capabilities: a given README (a hive entry's), else the running
 * kernel's tracefs README when translating for it; unknown (everything allowed) else. */
static const struct st_kcaps *target_caps(struct st_translator *tr)
{
	char path[128];

	if (!tr->caps_loaded) {
		tr->caps_loaded = true;
		if (tr->readme) {
			st_kcaps_read(tr->readme, &tr->caps);
		} else if (tr->tracefs[0] && !tr->btf_path) {
			snprintf(path, sizeof(path), "%s/README", tr->tracefs);
			st_kcaps_read(path, &tr->caps);
		}
	}
	return &tr->caps;
}

static int translate_once(struct st_translator *tr, const char *text, int index,
			  struct st_probe **out, struct st_err *err);

/* A uprobe is translated with its function's unit's types first; when that fails (a type
 * only another unit completes, a cast to a type declared elsewhere), again with every
 * unit's, so the answer is the full conversion's. */
int st_translate(struct st_translator *tr, const char *text, int index, struct st_probe **out,
		 struct st_err *err)
{
	int rc;

	tr->full_dwarf = tr->used_unit = tr->btf_cache_noted = false;
	rc = translate_once(tr, text, index, out, err);
	if (rc && tr->used_unit) {
		tr->full_dwarf = true;
		rc = translate_once(tr, text, index, out, err);
		tr->full_dwarf = false;
	}
	if (!rc && tr->btf_cache_noted) {
		/* said once per run */
		free(tr->btf_cache_why);
		tr->btf_cache_why = NULL;
	}
	return rc;
}

static int translate_once(struct st_translator *tr, const char *text, int index,
			  struct st_probe **out, struct st_err *err)
{
	struct st_line *l = NULL;
	struct st_probe *p;
	struct st_vctx c = { 0 };
	char buf[4400], disasm[4200] = "";
	size_t i;

	*out = NULL;
	if (st_parse_line(text, &l, err))
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p) {
		st_line_free(l);
		return st_err_set(err, 0, "out of memory");
	}
	p->type = (char)l->type;
	p->index = index;
	c.arch = tr->arch;
	c.line_type = (char)l->type;
	switch (l->type) {
	case ST_LINE_EVENT:
		if (compile_event(tr, l, p, err))
			goto fail;
		goto done;
	case ST_LINE_KPROBE:
	case ST_LINE_KRETPROBE:
		if (l->type == ST_LINE_KRETPROBE && l->off)
			{ st_err_set(err, l->target_col, "a return probe cannot have an offset "
				     "(+%ld); use 'p %s+%ld' for a point inside the function",
				     l->off, l->func, l->off); goto fail; }
		if (resolve_kernel_func(tr, l, &c, p, err))
			goto fail;
		if (l->off && kernel_off_outside(tr, l, p->func, err))
			goto fail;
		if (l->off)
			snprintf(buf, sizeof(buf), "%s+%ld", p->func, l->off);
		else
			snprintf(buf, sizeof(buf), "%s", p->func);
		p->target = strdup(buf);
		if (!p->target)
			{ st_err_set(err, 0, "out of memory"); goto fail; }
		break;
	default:  /* P R */
		/* a uretprobe hooks the return address, which is only where the call left it
		 * at the function's first instruction */
		if (l->type == ST_LINE_URETPROBE && l->off)
			{ st_err_set(err, l->target_col, "a return probe cannot have an offset "
				     "(+%ld); use 'P %s:%s+%ld' for a point inside the function",
				     l->off, l->binary, l->func, l->off); goto fail; }
		if (resolve_user_func(tr, l, &c, p, err))
			goto fail;
		p->func = xstrdup(l->func);
		snprintf(buf, sizeof(buf), "%s:0x%llx", p->binary, p->uoffset);
		p->target = strdup(buf);
		if ((l->func && !p->func) || !p->target)
			{ st_err_set(err, 0, "out of memory"); goto fail; }
		break;
	}
	c.func = p->func ? p->func : "the probed address";
	if (l->off && p->func && (p->type == 'p' || p->type == 'P')) {
		for (i = 0; i < l->nargs; i++)
			if (l->args[i].expr.base == ST_BASE_ARGN ||
			    l->args[i].expr.base == ST_BASE_ARGNAME)
				break;
		c.off = l->off;
		c.disasm = disasm;
		if (i < l->nargs)
			offset_dwarf(tr, p, &c, disasm, sizeof(disasm));
	}
	snprintf(buf, sizeof(buf), "%c%d", (l->type == 'r' || l->type == 'R') ? 'r' : 'p', index);
	p->event = strdup(buf);
	p->args = calloc(l->nargs ? l->nargs : 1, sizeof(*p->args));
	if (!p->event || !p->args)
		{ st_err_set(err, 0, "out of memory"); goto fail; }
	for (i = 0; i < l->nargs; i++) {
		if (compile_arg(&c, &l->args[i], &p->args[i], err))
			goto fail;
		p->nargs++;
	}
	if (l->has_filter && compile_filter_args(l, p, err))
		goto fail;
	if (c.clone)
		note_clone_args(l, &c, &p->notice);
	{
		/* What cannot become a definition fails here, at translation (-S too). */
		char *def = st_probe_definition(p, NULL, err);
		int bad;

		if (!def)
			goto fail;
		free(def);
		/* ...and what the target kernel's parser does not take (its README). */
		if (st_kcaps_check(target_caps(tr), p, &bad, err)) {
			err->col = bad >= 0 && (size_t)bad < l->nargs ? l->args[bad].col : 0;
			goto fail;
		}
	}
done:
	st_line_free(l);
	*out = p;
	return 0;
fail:
	st_line_free(l);
	st_probe_free(p);
	return -1;
}
