// SPDX-License-Identifier: MIT
/* `hive add`: one source (package, vmlinux, BTF file) becomes one entry: raw BTF (from
 * DWARF through btfgen, or the image's own .BTF), vmlinux.h, the function list, and an
 * index record. */
#include "hive/hive_int.h"
#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "discover/declfmt.h"
#include "types/btf_header.h"
#include "types/kident.h"
#include "types/kmodidx.h"
#include "types/usym.h"
#include "util/file.h"
#include "util/safedir.h"
#include "util/sha256.h"
#include "session/tracefs.h"

static void report(const struct st_hive_add_opts *o, const char *phase,
		   unsigned long long done, unsigned long long total)
{
	if (o && o->progress.fn)
		o->progress.fn(o->progress.ctx, phase, done, total);
}

struct hash_tick {
	const struct st_hive_add_opts *o;
	unsigned long long size;
};

static void hash_tick(void *ctx, unsigned long long done)
{
	struct hash_tick *t = ctx;

	report(t->o, "hash", done, t->size);
}

static int file_sha256(const char *path, char out[65], const struct st_hive_add_opts *o,
		       struct st_err *err)
{
	struct hash_tick t = { .o = o };
	struct stat st;
	uint8_t d[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return st_err_set(err, 0, "cannot open %s: %s", path, strerror(errno));
	}
	t.size = (unsigned long long)st.st_size;
	rc = st_sha256_fd(fd, d, NULL, hash_tick, &t);
	if (rc)
		st_err_set(err, 0, "reading %s: %s", path, strerror(errno));
	close(fd);
	if (rc)
		return -1;
	st_sha256_hex(d, out);
	return 0;
}

/* Names become path components: refuse what could leave the hive. */
static int check_name(const char *what, const char *v, struct st_err *err)
{
	const char *p;

	if (!*v || v[0] == '.' || strlen(v) > 120)
		return st_err_set(err, 0, "bad %s '%s'", what, v);
	for (p = v; *p; p++)
		if (*p == '/' || *p <= ' ' || *p == 0x7f)
			return st_err_set(err, 0, "bad %s '%s' (no '/', spaces or control "
					  "characters)", what, v);
	return 0;
}

static int mkdirs(const char *path, struct st_err *err)
{
	return st_mkdir_p(path, 0755) ? st_err_set(err, 0, "cannot create %s: %s", path,
						   strerror(errno)) : 0;
}

struct fn {
	const char *name;
	__u32 proto;
};

static int cmp_fn(const void *a, const void *b)
{
	return strcmp(((const struct fn *)a)->name, ((const struct fn *)b)->name);
}

/* "name<TAB>prototype" for every BTF function, sorted by name. */
static int write_funcs(const struct btf *btf, FILE *f)
{
	__u32 n = btf__type_cnt(btf), i;
	struct st_declfmt *fmt = st_declfmt_new(btf);
	struct fn *v = malloc(sizeof(*v) * n);
	size_t k = 0, j;

	if (!fmt || !v) {
		st_declfmt_free(fmt);
		free(v);
		return -ENOMEM;
	}
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (btf_is_func(t))
			v[k++] = (struct fn){ btf__name_by_offset(btf, t->name_off), t->type };
	}
	qsort(v, k, sizeof(*v), cmp_fn);
	for (j = 0; j < k; j++) {
		const char *decl;

		if (j && !strcmp(v[j].name, v[j - 1].name))
			continue;
		decl = st_declfmt_decl(fmt, v[j].proto, v[j].name);
		fprintf(f, "%s\t%s\n", v[j].name, decl ? decl : "?");
	}
	st_declfmt_free(fmt);
	free(v);
	return ferror(f) ? -EIO : 0;
}

static int write_raw(const struct btf *btf, FILE *f)
{
	__u32 size;
	const void *raw = btf__raw_data(btf, &size);

	if (!raw)
		return -ENOMEM;
	return fwrite(raw, 1, size, f) == size ? 0 : -EIO;
}

static int write_header(const struct btf *btf, FILE *f)
{
	return st_btf_write_header(btf, f, NULL);
}

/* Where the entry's file of that kind goes. */
static int entry_path(const char *dir, const struct st_hive_entry *e, const char *kind,
		      char *path, size_t n, struct st_err *err)
{
	if (st_hive_path(dir, e, kind, path, n))
		return st_err_set(err, 0, "path too long under %s", dir);
	return 0;
}

/* The entry's file of that kind, made by gen and published whole (its directories made). */
static int write_kind(const char *dir, const struct st_hive_entry *e, const char *kind,
		      const struct btf *btf, int (*gen)(const struct btf *, FILE *),
		      struct st_err *err)
{
	struct st_memfile m;
	char path[4096];
	int rc;

	if (entry_path(dir, e, kind, path, sizeof(path), err) || !st_memfile_open(&m, err))
		return -1;
	rc = gen(btf, m.f);
	if (rc) {
		st_memfile_drop(&m);
		return st_err_set(err, 0, "cannot write %s: %s", path, strerror(-rc));
	}
	return st_memfile_publish(&m, path, err);
}

static const char *host_arch(void)
{
	static struct utsname u;

	if (uname(&u))
		return "x86_64";
	return !strcmp(u.machine, "arm64") ? "aarch64" : u.machine;
}

/* The entry's README: the one given, else the running kernel's tracefs README when the
 * entry is this kernel (what fetch syntax it takes: compile/kcaps.h). */
static int record_readme(const char *dir, const struct st_hive_entry *e, const char *given,
			 struct st_err *err)
{
	char path[4096], *text = NULL;
	struct utsname u;
	int ok;

	if (given) {
		text = st_slurp(given);
		if (!text)
			return st_err_set(err, 0, "cannot read %s: %s", given, strerror(errno));
	} else if (!uname(&u) && !strcmp(u.release, e->release) && !strcmp(host_arch(), e->arch)) {
		const char *root = st_tracefs_find();

		snprintf(path, sizeof(path), "%s/README", root ? root : "");
		text = root ? st_slurp(path) : NULL;
	}
	if (!text)
		return 0;
	ok = !entry_path(dir, e, "readme", path, sizeof(path), err) &&
	     !st_publish_text(path, text, strlen(text), err);
	free(text);
	return ok ? 0 : -1;
}

/* Already in the hive: the same source bytes, or the same build id on the same arch. */
static bool known(const char *dir, const char *sha, const char *arch, const char *build_id,
		  const char *release, struct st_hive_entry *out)
{
	struct st_hive_entry *v;
	size_t n, i;
	bool hit = false;

	if (st_hive_load(dir, &v, &n, NULL))
		return false;
	for (i = 0; i < n && !hit; i++) {
		/* --release names another kernel than the one recorded: not the same entry */
		if (release && strcmp(v[i].release, release))
			continue;
		if ((sha && !strcmp(v[i].sha256, sha)) ||
		    (build_id && *build_id && !strcmp(v[i].arch, arch) &&
		     !strcmp(v[i].build_id, build_id))) {
			*out = v[i];
			hit = true;
		}
	}
	free(v);
	return hit;
}

/* The entry's slot (arch, distro, release) holds another build of that release: refused
 * (before any conversion) rather than replaced, so a fleet's two builds of one release are
 * never mixed up; both can be kept under two distro names. */
static int other_build(const char *dir, const struct st_hive_entry *e, struct st_err *err)
{
	struct st_hive_entry *v;
	size_t n, i;
	int rc = 0;

	if (!e->build_id[0] || st_hive_load(dir, &v, &n, NULL))
		return 0;
	for (i = 0; i < n && !rc; i++)
		if (!strcmp(v[i].arch, e->arch) && !strcmp(v[i].distro, e->distro) &&
		    !strcmp(v[i].release, e->release) && v[i].build_id[0] &&
		    strcmp(v[i].build_id, e->build_id))
			rc = st_err_set(err, 0, "%s already holds %s %s %s with build id %.12s... "
					"(from %s), this image's is %.12s...: remove that one first "
					"('surftrace hive rm %s %s') or keep both with --distro NAME",
					dir, e->release, e->arch, e->distro, v[i].build_id,
					v[i].source, e->build_id, dir, v[i].build_id);
	free(v);
	return rc;
}

/* A module's split BTF over base, the BTF of its kernel's entry e, written as
 * DIR/<arch>/kmod/<distro>/<release>/<module>. From its DWARF when it has some: a module's
 * own .BTF numbers its types after the distribution's vmlinux .BTF, which is the entry's
 * BTF only when the entry was made from that .BTF (base_is_btf: the caller knows it);
 * against a base made from DWARF its type ids would point at the wrong types. */
static int module_btf(const char *dir, const char *image, const struct st_kident *id,
		      bool base_is_btf, const struct st_hive_entry *e, struct btf *base,
		      struct st_err *err)
{
	char kdir[4096], mod_rel[4200];
	struct st_hive_entry m = *e;
	struct btf *split;
	int rc = -1;

	if (id->has_btf && (base_is_btf || !id->has_dwarf)) {
		split = btf__parse_elf_split(image, base);
		if (!split)
			st_err_set(err, 0, "cannot read the .BTF of %s: %s", image, strerror(errno));
	} else if (id->has_dwarf) {
		split = st_dwarf_to_btf_module(image, base, err);
	} else {
		split = NULL;
		st_err_set(err, 0, "%s has neither DWARF nor .BTF (use the module from the -dbg or "
			   "debuginfo package)", image);
	}
	if (split && !st_hive_path(dir, e, "kmod", kdir, sizeof(kdir)) && !mkdirs(kdir, err)) {
		/* the module's file sits in the release's kmod directory */
		snprintf(mod_rel, sizeof(mod_rel), "%s/%s", e->release, id->modname);
		snprintf(m.release, sizeof(m.release), "%.*s", (int)sizeof(m.release) - 1, mod_rel);
		rc = write_kind(dir, &m, "kmod", split, write_raw, err);
	}
	btf__free(split);
	return rc;
}

/* A kernel module given on its own (.ko with DWARF, or with split .BTF): over the hive's
 * entry for the kernel it was built for (its vermagic, or --release). */
static int add_module(const char *dir, const char *image, const struct st_kident *id,
		      const struct st_hive_add_opts *o, struct st_hive_entry *out,
		      struct st_err *err)
{
	const char *release = o->release ? o->release : id->release;
	char path[4096];
	struct st_hive_entry e;
	struct btf *base;
	int rc;

	if (!*release)
		return st_err_set(err, 0, "%s does not say its kernel (no vermagic): pass --release",
				  image);
	if (check_name("module", id->modname, err))
		return -1;
	if (st_hive_find(dir, id->arch, NULL, release, &e, NULL))
		return st_err_set(err, 0, "module %s is for kernel %s %s, which is not in the hive "
				  "%s: add that kernel first", id->modname, release, id->arch, dir);
	st_hive_path(dir, &e, "btf", path, sizeof(path));
	base = btf__parse_raw(path);
	if (!base)
		return st_err_set(err, 0, "cannot read %s: %s", path, strerror(errno));
	rc = module_btf(dir, image, id, false, &e, base, err);
	btf__free(base);
	if (rc)
		return -1;
	*out = e;
	snprintf(out->module, sizeof(out->module), "%s", id->modname);
	return ST_HIVE_ADDED;
}

enum src_kind { SRC_ELF, SRC_BTF, SRC_PACKAGE };

static int source_kind(const char *path, enum src_kind *k, struct st_err *err)
{
	unsigned char m[4] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return st_err_set(err, 0, "cannot open %s: %s", path, strerror(errno));
	n = read(fd, m, sizeof(m));
	close(fd);
	if (n == 4 && !memcmp(m, "\177ELF", 4))
		*k = SRC_ELF;
	else if (n >= 2 && ((m[0] == 0x9f && m[1] == 0xeb) || (m[0] == 0xeb && m[1] == 0x9f)))
		*k = SRC_BTF;
	else
		*k = SRC_PACKAGE;
	return 0;
}

/* Whether an image's entry is made from its own .BTF (image_btf). */
static bool image_btf_is_own(const struct st_kident *id, bool dwarf)
{
	return id->has_btf && (!dwarf || !id->has_dwarf);
}

/* The BTF of an image: its own .BTF unless DWARF is asked for (or there is no .BTF). */
static struct btf *image_btf(const char *image, const struct st_kident *id, bool dwarf,
			     const char *source, struct st_err *err)
{
	struct btf *btf;

	if (image_btf_is_own(id, dwarf)) {
		btf = btf__parse_elf(image, NULL);
		if (!btf)
			st_err_set(err, 0, "cannot read .BTF of %s: %s", source, strerror(errno));
		return btf;
	}
	if (!id->has_dwarf) {
		st_err_set(err, 0, "%s has neither DWARF nor .BTF (a stripped image? add the "
			   "kernel's -dbg or debuginfo package instead)", source);
		return NULL;
	}
	return st_dwarf_to_btf_kernel(image, err);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* The kernel's entry from its image (or a raw BTF source): release, arch, build id,
 * distro, then its files and the index record, unless the hive has it by build id. */
static int add_kernel(const char *dir, const char *source, bool raw_btf, const char *image,
		      const struct st_kident *id, const char *pkg_release, const char *kind,
		      const struct st_hive_add_opts *o, struct st_hive_entry *out,
		      struct st_err *err)
{
	const char *distro;
	struct btf *btf = NULL;
	int rc = -1;

	snprintf(out->release, sizeof(out->release), "%s", o->release ? o->release :
		 pkg_release[0] ? pkg_release : id->release);
	if (!out->release[0])
		return st_err_set(err, 0, "%s does not say which kernel it is: pass --release "
				  "RELEASE", source);
	snprintf(out->arch, sizeof(out->arch), "%.15s", raw_btf ?
		 (o->arch ? o->arch : host_arch()) : id->arch);
	snprintf(out->build_id, sizeof(out->build_id), "%s", id->build_id);
	distro = o->distro ? o->distro : st_kernel_distro(id->banner, out->release);
	if (!distro)
		distro = kind && !strcmp(kind, "deb") ? "debian" : "linux";
	snprintf(out->distro, sizeof(out->distro), "%s", distro);
	if (check_name("release", out->release, err) || check_name("arch", out->arch, err) ||
	    check_name("distro", out->distro, err))
		return -1;
	if (strcmp(out->arch, "x86_64") && strcmp(out->arch, "aarch64"))
		return st_err_set(err, 0, "%s: architecture '%s' is not supported (x86_64, "
				  "aarch64)", source, out->arch);
	if (known(dir, NULL, out->arch, out->build_id, o->release, out))
		return ST_HIVE_SKIPPED;
	if (other_build(dir, out, err))
		return -1;

	report(o, "convert", 0, 0);
	if (raw_btf) {
		btf = btf__parse_raw(source);
		if (!btf)
			st_err_set(err, 0, "cannot read BTF %s: %s", source, strerror(errno));
	} else {
		btf = image_btf(image, id, o->dwarf, source, err);
	}
	if (!btf)
		return -1;
	report(o, "write", 0, 0);
	if (!write_kind(dir, out, "btf", btf, write_raw, err) &&
	    !write_kind(dir, out, "head", btf, write_header, err) &&
	    !write_kind(dir, out, "funcs", btf, write_funcs, err) &&
	    !record_readme(dir, out, o->readme, err) &&
	    !st_hive_index_put(dir, out, err))
		rc = ST_HIVE_ADDED;
	btf__free(btf);
	return rc;
}

/* One pass over a package: its kernel, then the modules asked for (those met before the
 * image wait on disk until it is in: an rpm lists lib/modules/R/kernel/ before
 * lib/modules/R/vmlinux). */
struct pkg {
	const char *dir, *source;
	const struct st_hive_add_opts *o;
	struct st_hive_entry *out;  /* the kernel's entry once have_kernel */
	bool have_kernel;
	bool base_is_btf;           /* this pass added the kernel from its own .BTF */
	int kernel_rc;
	struct btf *base;           /* the kernel's BTF, parsed once for all its modules */
	char **pending;
	size_t npending;
};

static void module_report(struct pkg *pc, const char *name, int rc, const char *msg)
{
	if (pc->o->progress.module)
		pc->o->progress.module(pc->o->progress.ctx, name, rc, msg);
}

/* One module file of the package (unlinked here). Its failure is reported, not returned. */
static void pkg_module_now(struct pkg *pc, const char *path, const char *name)
{
	struct st_err merr = { 0 };
	struct st_kident id = { 0 };
	struct st_hive_entry m = *pc->out;
	char kpath[4096], btf[4096], mod_rel[4200];
	int rc = -1;

	if (st_kident_read(path, &id, &merr))
		goto out;
	if (!id.module) {
		st_err_set(&merr, 0, "not a kernel module (no .modinfo)");
		goto out;
	}
	if (id.release[0] && strcmp(id.release, pc->out->release)) {
		st_err_set(&merr, 0, "built for kernel %s, not %s", id.release, pc->out->release);
		goto out;
	}
	if (check_name("module", id.modname, &merr))
		goto out;
	name = id.modname;
	snprintf(mod_rel, sizeof(mod_rel), "%s/%s", pc->out->release, id.modname);
	snprintf(m.release, sizeof(m.release), "%.*s", (int)sizeof(m.release) - 1, mod_rel);
	if (!st_hive_path(pc->dir, &m, "kmod", kpath, sizeof(kpath)) && !access(kpath, F_OK)) {
		rc = ST_HIVE_SKIPPED;
		goto out;
	}
	if (!pc->base) {
		st_hive_path(pc->dir, pc->out, "btf", btf, sizeof(btf));
		pc->base = btf__parse_raw(btf);
		if (!pc->base) {
			st_err_set(&merr, 0, "cannot read %s: %s", btf, strerror(errno));
			goto out;
		}
	}
	if (!module_btf(pc->dir, path, &id, pc->base_is_btf, pc->out, pc->base, &merr))
		rc = ST_HIVE_ADDED;
out:
	unlink(path);
	module_report(pc, name, rc, rc < 0 ? merr.msg : NULL);
}

static int pkg_module(void *ctx, const char *path, const char *name, struct st_err *err)
{
	struct pkg *pc = ctx;
	char **v, *keep;

	(void)name;
	if (pc->have_kernel) {
		pkg_module_now(pc, path, name);
		return 0;
	}
	v = realloc(pc->pending, (pc->npending + 1) * sizeof(*v));
	keep = strdup(path);
	if (!v || !keep) {
		free(keep);
		if (v)
			pc->pending = v;
		unlink(path);
		return st_err_set(err, 0, "out of memory");
	}
	pc->pending = v;
	pc->pending[pc->npending++] = keep;
	return 0;
}

static void pkg_pending(struct pkg *pc)
{
	char name[64];

	for (size_t i = 0; i < pc->npending; i++) {
		if (pc->have_kernel) {
			if (!st_hive_module_name(pc->pending[i], name, sizeof(name)))
				snprintf(name, sizeof(name), "?");
			pkg_module_now(pc, pc->pending[i], name);
		} else {
			unlink(pc->pending[i]);
		}
		free(pc->pending[i]);
	}
	free(pc->pending);
	pc->pending = NULL;
	pc->npending = 0;
}

static int pkg_image(void *ctx, const char *path, const char *release, const char *kind,
		     struct st_err *err)
{
	struct pkg *pc = ctx;
	struct st_kident id = { 0 };
	int rc = st_kident_read(path, &id, err);

	if (!rc)
		rc = add_kernel(pc->dir, pc->source, false, path, &id, release, kind, pc->o,
				pc->out, err);
	unlink(path);
	if (rc < 0)
		return -1;
	pc->base_is_btf = rc == ST_HIVE_ADDED && image_btf_is_own(&id, pc->o->dwarf);
	pc->kernel_rc = rc;
	pc->have_kernel = true;
	pkg_pending(pc);
	return 0;
}

static int add_package(const char *dir, const char *source, bool have_kernel,
		       const struct st_hive_add_opts *o, struct st_hive_entry *out,
		       struct st_err *err)
{
	char tmpdir[4096];
	struct pkg pc = { .dir = dir, .source = source, .o = o, .out = out,
			  .have_kernel = have_kernel, .kernel_rc = ST_HIVE_SKIPPED };
	struct st_hive_pkg_sink s = { .tmpdir = tmpdir, .modules = o->modules,
				      .skip_image = have_kernel, .image = pkg_image,
				      .module = pkg_module, .ctx = &pc,
				      .progress = &o->progress };
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "%s/.tmp", dir);
	if (mkdirs(tmpdir, err))
		return -1;
	rc = st_hive_pkg_walk(source, &s, err);
	pkg_pending(&pc);
	out->package = true;
	btf__free(pc.base);
	return rc ? -1 : pc.kernel_rc;
}

/* The entry's name -> module index (types/kmodidx.h), rewritten when its modules are not
 * the ones it covers: after modules were added, and for an entry written before there
 * was an index (any add that meets it, even one skipped, indexes it). */
static int refresh_kmodidx(const char *dir, const struct st_hive_entry *e,
			   const struct st_hive_add_opts *o, struct st_err *err)
{
	char kdir[4096], idx[4096], path[4096];
	struct btf *base;
	struct stat st;
	int rc;

	if (!e->release[0] || st_hive_path(dir, e, "kmod", kdir, sizeof(kdir)) ||
	    st_hive_path(dir, e, "kmodidx", idx, sizeof(idx)) ||
	    st_hive_path(dir, e, "btf", path, sizeof(path)))
		return 0;
	if (stat(kdir, &st) || !S_ISDIR(st.st_mode) || st_kmodidx_fresh(idx, kdir))
		return 0;
	report(o, "index", 0, 0);
	base = btf__parse_raw(path);
	if (!base)
		return st_err_set(err, 0, "cannot read %s: %s", path, strerror(errno));
	rc = st_kmodidx_write(idx, kdir, base, err);
	btf__free(base);
	return rc;
}

static int add_source(const char *dir, const char *source, const struct st_hive_add_opts *o,
		      struct st_hive_entry *out, struct st_err *err);

int st_hive_add(const char *dir, const char *source, const struct st_hive_add_opts *o,
		struct st_hive_entry *out, struct st_err *err)
{
	struct st_err ierr = { 0 };
	int rc = add_source(dir, source, o, out, err);

	/* even after a failure: modules a package pass added before it are indexed */
	if (refresh_kmodidx(dir, out, o, &ierr) && rc >= 0) {
		*err = ierr;
		rc = -1;
	}
	return rc;
}

static int add_source(const char *dir, const char *source, const struct st_hive_add_opts *o,
		      struct st_hive_entry *out, struct st_err *err)
{
	struct st_hive_add_opts none = { 0 };
	char pkg_release[128] = "";
	struct st_kident id = { 0 };
	enum src_kind sk = SRC_PACKAGE;
	bool have = false;

	if (!o)
		o = &none;
	memset(out, 0, sizeof(*out));
	if (source_kind(source, &sk, err) || mkdirs(dir, err))
		return -1;
	if (file_sha256(source, out->sha256, o, err))
		return -1;
	if (known(dir, out->sha256, NULL, NULL, o->release, out)) {
		/* the kernel is in; a package's modules asked for may not be */
		if (sk != SRC_PACKAGE || !o->modules)
			return ST_HIVE_SKIPPED;
		have = true;
	} else {
		snprintf(out->source, sizeof(out->source), "%s", base_name(source));
		for (char *p = out->source; *p; p++)
			if (*p == '\n')
				*p = '?';
	}
	if (sk == SRC_PACKAGE)
		return add_package(dir, source, have, o, out, err);
	if (sk == SRC_BTF)
		return add_kernel(dir, source, true, source, &id, "", NULL, o, out, err);
	if (st_kident_read(source, &id, err))
		return -1;
	if (id.module)
		return add_module(dir, source, &id, o, out, err);
	st_hive_image_name(source, pkg_release, sizeof(pkg_release));
	return add_kernel(dir, source, false, source, &id, pkg_release, NULL, o, out, err);
}
