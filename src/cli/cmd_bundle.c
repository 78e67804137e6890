// SPDX-License-Identifier: MIT
/* --bundle-out FILE [--btf B[@RELEASE] ...] EXPR...: translate for the running kernel and
 * for every --btf, write one bundle; with --kernel GLOB (and --hive DIR), for every hive
 * entry whose release matches instead of the running kernel, reporting each kernel that
 * fails and writing the others.  --bundle FILE [--list | -S]: pick the entry of the
 * kernel we run on and trace with it (or list the kernels / show the translation). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "api/api_int.h"
#include "cli/cli.h"
#include "compile/compile.h"
#include "discover/bundle.h"
#include "discover/glob.h"
#include "types/hive.h"
#include "types/kident.h"
#include "types/types.h"
#include "util/json.h"
#include "session/tracefs.h"

/* One kernel to translate for: --btf "PATH" or "PATH@RELEASE" (a raw BTF file carries no
 * release; an ELF vmlinux names it in its banner). path NULL = the running kernel. */
struct target {
	char path[PATH_MAX];
	char release[128];
	char arch[16];            /* a hive entry's; "" = -a / the host's */
	char readme[PATH_MAX];    /* a hive entry's tracefs README, "" when none */
	bool running;
};

static void parse_target(const char *arg, struct target *t)
{
	const char *at = strrchr(arg, '@');

	memset(t, 0, sizeof(*t));
	if (at && access(arg, F_OK) != 0) {
		snprintf(t->path, sizeof(t->path), "%.*s", (int)(at - arg), arg);
		snprintf(t->release, sizeof(t->release), "%s", at + 1);
	} else {
		snprintf(t->path, sizeof(t->path), "%s", arg);
		if (st_release_from_image(t->path, t->release, sizeof(t->release)))
			snprintf(t->release, sizeof(t->release), "unknown");
	}
}

/* Translate every expression for one kernel and add the entry. Returns 0, 1 (runtime:
 * no BTF) or 2 (an expression does not translate for that kernel). */
static int add_kernel(struct st_bundle *b, const struct st_cli_opts *o, const struct target *t)
{
	struct st_translator_opts to = { .arch = t->arch[0] ? t->arch : o->arch,
					 .readme = t->readme[0] ? t->readme : NULL };
	const struct st_arch *arch = st_arch_find(to.arch);
	struct st_kernel_id self;
	struct st_translator *tr;
	struct st_probe **probes;
	struct st_types *types;
	struct st_err err = { 0 };
	char identity[64];
	char label[PATH_MAX + 200];
	int i;

	if (t->running)
		snprintf(label, sizeof(label), "the running kernel");
	else if (t->arch[0])
		snprintf(label, sizeof(label), "%s %s", t->release, t->arch);
	else
		snprintf(label, sizeof(label), "%s", t->path);
	if (!arch) {
		fprintf(stderr, "surftrace: error: unknown architecture '%s'\n", to.arch);
		return 2;
	}
	types = st_types_open(t->running ? NULL : t->path, &err);
	if (!types) {
		fprintf(stderr, "surftrace: error: for %s: %s\n", label, err.msg);
		return 1;
	}
	snprintf(identity, sizeof(identity), "%s", st_types_identity(types));
	st_types_free(types);
	if (t->running) {
		to.tracefs = st_tracefs_find();
	} else {
		to.btf_path = t->path;
		to.ksyms_path = "";     /* this kernel's function list is not ours to check */
	}
	tr = st_translator_new(&to, &err);
	if (!tr) {
		fprintf(stderr, "surftrace: error: %s: %s\n", label, err.msg);
		return 1;
	}
	probes = calloc((size_t)o->nexprs, sizeof(*probes));
	for (i = 0; probes && i < o->nexprs; i++) {
		if (st_translate(tr, o->exprs[i], i, &probes[i], &err)) {
			fprintf(stderr, "surftrace: error: for %s:\n", label);
			st_cli_expr_error(i, o->exprs[i], &err);
			while (i-- > 0)
				st_probe_free(probes[i]);
			free(probes);
			st_translator_free(tr);
			return 2;
		}
	}
	st_translator_free(tr);
	if (!probes || st_kernel_id_running(&self, &err) ||
	    st_bundle_add(b, t->running ? self.release : t->release, st_arch_name(arch),
			  identity, o->exprs, probes, (size_t)o->nexprs, NULL, &err)) {
		fprintf(stderr, "surftrace: error: %s\n", probes ? err.msg : "out of memory");
		return 1;
	}
	if (!o->quiet)
		fprintf(stderr, "surftrace: %s: %s %s (BTF %s)\n", o->bundle_out,
			b->v[b->n - 1].release, b->v[b->n - 1].arch, identity);
	return 0;
}

/* --kernel GLOB: every hive entry whose release matches (and whose arch is -a's, when
 * given), each translated on its own; a kernel that fails is reported and left out.
 * Returns 0 when all went in, else the worst status (nothing is written when none did). */
static int add_hive_kernels(struct st_bundle *b, const struct st_cli_opts *o, int *matched)
{
	const char *dir = st_hive_dir(NULL);
	const struct st_arch *want = o->arch ? st_arch_find(o->arch) : NULL;
	struct st_hive_entry *v;
	struct st_err err = { 0 };
	struct target t;
	size_t n, i;
	int rc = 0, r;

	*matched = 0;
	if (!dir) {
		fprintf(stderr, "surftrace: error: --kernel %s needs a hive: --hive DIR or "
			"SURFTRACE_HIVE=DIR\n", o->kernel);
		return 1;
	}
	if (st_hive_load(dir, &v, &n, &err)) {
		fprintf(stderr, "surftrace: error: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (!st_glob_match(o->kernel, v[i].release) ||
		    (want && strcmp(st_arch_name(want), v[i].arch)))
			continue;
		(*matched)++;
		memset(&t, 0, sizeof(t));
		snprintf(t.release, sizeof(t.release), "%s", v[i].release);
		snprintf(t.arch, sizeof(t.arch), "%s", v[i].arch);
		if (st_hive_path(dir, &v[i], "btf", t.path, sizeof(t.path)))
			continue;
		st_hive_readme_of(t.path, t.readme, sizeof(t.readme));
		r = add_kernel(b, o, &t);
		if (r > rc)
			rc = r;
	}
	free(v);
	if (!*matched)
		fprintf(stderr, "surftrace: error: no kernel in the hive %s matches '%s' (see "
			"'surftrace hive list %s')\n", dir, o->kernel, dir);
	return *matched ? rc : 1;
}

static int bundle_out(const struct st_cli_opts *o)
{
	struct st_bundle *b;
	struct st_err err = { 0 };
	struct target t;
	int i, rc = 0, matched = 0;

	if (!o->nexprs) {
		fprintf(stderr, "surftrace: --bundle-out needs expressions\n");
		return 2;
	}
	b = st_bundle_new();
	if (!b)
		return 1;
	if (o->kernel) {
		rc = add_hive_kernels(b, o, &matched);
	} else {
		memset(&t, 0, sizeof(t));
		t.running = true;
		rc = add_kernel(b, o, &t);
	}
	for (i = 0; (rc == 0 || o->kernel) && i < o->nbtfs; i++) {
		int r;

		parse_target(o->btfs[i], &t);
		r = add_kernel(b, o, &t);
		if (r > rc)
			rc = r;
	}
	/* --kernel: the kernels that translated are written; the exit status still says
	 * that some did not. */
	if (o->kernel && b->n) {
		if (rc)
			fprintf(stderr, "surftrace: %s: %zu of %d kernels written; the others are "
				"reported above\n", o->bundle_out, b->n, matched + o->nbtfs);
		if (st_bundle_save(b, o->bundle_out, &err)) {
			fprintf(stderr, "surftrace: error: %s\n", err.msg);
			rc = 1;
		}
	} else if (rc == 0 && st_bundle_save(b, o->bundle_out, &err)) {
		fprintf(stderr, "surftrace: error: %s\n", err.msg);
		rc = 1;
	}
	st_bundle_free(b);
	return rc;
}

static void list_kernels(const struct st_bundle *b, const struct st_bundle_entry *mine)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		printf("%s %s %s BTF %s, %zu expression%s\n", &b->v[i] == mine ? "*" : " ",
		       b->v[i].release, b->v[i].arch, b->v[i].identity, b->v[i].n,
		       b->v[i].n == 1 ? "" : "s");
}

/* The same shape as -S of live expressions. */
static void show_entry(const struct st_bundle_entry *e, bool json)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		st_cli_show_probe(e->probes[i], json);
}

/* The entry's probes, translated already, queued on a handle without types: it runs on
 * a kernel without BTF, through the same run as live expressions (st_cli_run). */
static struct surftrace *open_entry(const struct surftrace_opts *so, void *ctx, int *rc)
{
	struct st_bundle_entry *e = ctx;
	struct surftrace_err err = { 0 };
	struct surftrace *st;
	size_t i;

	*rc = 1;
	st = st_api_new_translated(so, &err);
	if (!st) {
		st_cli_print_err(&err);
		return NULL;
	}
	for (i = 0; i < e->n; i++) {
		if (st_api_add_probe(st, e->exprs[i], e->probes[i], &err) < 0) {
			st_cli_print_err(&err);
			surftrace_free(st);
			return NULL;
		}
		e->probes[i] = NULL;      /* the handle's now */
	}
	return st;
}

static int bundle_in(const struct st_cli_opts *o)
{
	struct st_err err = { 0 };
	const struct st_bundle_entry *e;
	struct st_kernel_id k;
	struct st_bundle *b;
	int rc = 0;

	b = st_bundle_load(o->bundle_in, &err);
	if (!b) {
		fprintf(stderr, "surftrace: error: %s: %s\n", o->bundle_in, err.msg);
		return 2;
	}
	if (st_kernel_id_running(&k, &err)) {
		fprintf(stderr, "surftrace: error: %s\n", err.msg);
		st_bundle_free(b);
		return 1;
	}
	e = st_bundle_select(b, &k, &err);
	if (o->list_only) {
		list_kernels(b, e);
	} else if (!e) {
		fprintf(stderr, "surftrace: error: %s: %s\n", o->bundle_in, err.msg);
		rc = 1;
	} else if (o->show) {
		show_entry(e, o->json);
	} else if (st_bundle_check_binaries(e, &err)) {
		/* a uprobe's offset is right only for the build it was made for: refused
		 * (exit 2) before anything is set up */
		fprintf(stderr, "surftrace: error: %s: %s\n", o->bundle_in, err.msg);
		rc = 2;
	} else {
		/* -o FILE too: surftrace_write_script of the queued entry */
		st_cli_errors_init(o->json, o->quiet, (const char *const *)e->exprs, NULL,
				   (int)e->n);
		rc = st_cli_run(o, open_entry, &b->v[e - b->v]);
	}
	st_bundle_free(b);
	return rc;
}

int st_cmd_bundle(const struct st_cli_opts *o)
{
	return o->bundle_out ? bundle_out(o) : bundle_in(o);
}
