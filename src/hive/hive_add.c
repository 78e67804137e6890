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
#include "types/usym.h"
#include "util/file.h"
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

/* One entry file through a temporary name, renamed into place. */
static int write_kind(const char *dir, const struct st_hive_entry *e, const char *kind,
		      const struct btf *btf, int (*gen)(const struct btf *, FILE *),
		      struct st_err *err)
{
	char path[4096], tmp[4200], *slash;
	FILE *f;
	int rc;

	if (st_hive_path(dir, e, kind, path, sizeof(path)))
		return st_err_set(err, 0, "path too long under %s", dir);
	slash = strrchr(path, '/');
	*slash = '\0';
	rc = mkdirs(path, err);
	*slash = '/';
	if (rc)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return st_err_set(err, 0, "cannot write %s: %s", tmp, strerror(errno));
	rc = gen(btf, f);
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc || rename(tmp, path)) {
		unlink(tmp);
		return st_err_set(err, 0, "cannot write %s: %s", path, strerror(rc ? -rc : errno));
	}
	return 0;
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
	char path[4096], *text = NULL, *slash;
	struct utsname u;
	size_t len;
	FILE *f;
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
	if (st_hive_path(dir, e, "readme", path, sizeof(path)) || !(slash = strrchr(path, '/'))) {
		free(text);
		return st_err_set(err, 0, "path too long under %s", dir);
	}
	*slash = '\0';
	if (mkdirs(path, err)) {
		free(text);
		return -1;
	}
	*slash = '/';
	len = strlen(text);
	f = fopen(path, "w");
	ok = f && fwrite(text, 1, len, f) == len;
	if (f)
		ok = !fclose(f) && ok;
	free(text);
	return ok ? 0 : st_err_set(err, 0, "cannot write %s: %s", path, strerror(errno));
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

/* A kernel module (.ko with DWARF, or with split .BTF): its split BTF over the BTF of the
 * hive's entry for the kernel it was built for (its vermagic, or --release), stored as
 * DIR/<arch>/kmod/<distro>/<release>/<module>. */
static int add_module(const char *dir, const char *image, const struct st_kident *id,
		      const struct st_hive_add_opts *o, struct st_hive_entry *out,
		      struct st_err *err)
{
	const char *release = o->release ? o->release : id->release;
	char path[4096], kdir[4096];
	struct st_hive_entry e;
	struct btf *base, *split;
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
	if (id->has_btf && !(o->dwarf && id->has_dwarf)) {
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
	rc = -1;
	if (split && !st_hive_path(dir, &e, "kmod", kdir, sizeof(kdir)) && !mkdirs(kdir, err)) {
		char mod_rel[4200];
		struct st_hive_entry m = e;

		/* the module's file sits in the release's kmod directory */
		snprintf(mod_rel, sizeof(mod_rel), "%s/%s", e.release, id->modname);
		snprintf(m.release, sizeof(m.release), "%.*s", (int)sizeof(m.release) - 1, mod_rel);
		rc = write_kind(dir, &m, "kmod", split, write_raw, err);
	}
	btf__free(split);
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

/* The BTF of an image: its own .BTF unless DWARF is asked for (or there is no .BTF). */
static struct btf *image_btf(const char *image, const struct st_kident *id, bool dwarf,
			     const char *source, struct st_err *err)
{
	struct btf *btf;

	if (id->has_btf && (!dwarf || !id->has_dwarf)) {
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

int st_hive_add(const char *dir, const char *source, const struct st_hive_add_opts *o,
		struct st_hive_entry *out, struct st_err *err)
{
	struct st_hive_add_opts none = { 0 };
	char tmpdir[4096], image[4200] = "", pkg_release[128] = "";
	const char *kind = NULL, *distro;
	struct st_kident id = { 0 };
	struct btf *btf = NULL;
	enum src_kind sk = SRC_PACKAGE;
	int rc = -1;

	if (!o)
		o = &none;
	memset(out, 0, sizeof(*out));
	if (source_kind(source, &sk, err) || mkdirs(dir, err))
		return -1;
	if (file_sha256(source, out->sha256, o, err))
		return -1;
	if (known(dir, out->sha256, NULL, NULL, o->release, out))
		return ST_HIVE_SKIPPED;
	snprintf(out->source, sizeof(out->source), "%s", base_name(source));
	for (char *p = out->source; *p; p++)
		if (*p == '\n')
			*p = '?';

	if (sk == SRC_PACKAGE) {
		snprintf(tmpdir, sizeof(tmpdir), "%s/.tmp", dir);
		if (mkdirs(tmpdir, err) ||
		    st_hive_pkg_extract(source, tmpdir, image, sizeof(image), pkg_release,
					sizeof(pkg_release), &kind, &o->progress, err))
			return -1;
	} else if (sk == SRC_ELF) {
		snprintf(image, sizeof(image), "%s", source);
		st_hive_image_name(source, pkg_release, sizeof(pkg_release));
	}
	if (sk != SRC_BTF && st_kident_read(image, &id, err))
		goto out;
	if (id.module) {
		rc = add_module(dir, image, &id, o, out, err);
		goto out;
	}

	snprintf(out->release, sizeof(out->release), "%s", o->release ? o->release :
		 pkg_release[0] ? pkg_release : id.release);
	if (!out->release[0]) {
		st_err_set(err, 0, "%s does not say which kernel it is: pass --release RELEASE",
			   source);
		goto out;
	}
	snprintf(out->arch, sizeof(out->arch), "%.15s", sk == SRC_BTF ?
		 (o->arch ? o->arch : host_arch()) : id.arch);
	snprintf(out->build_id, sizeof(out->build_id), "%s", id.build_id);
	distro = o->distro ? o->distro : st_kernel_distro(id.banner, out->release);
	if (!distro)
		distro = kind && !strcmp(kind, "deb") ? "debian" : "linux";
	snprintf(out->distro, sizeof(out->distro), "%s", distro);
	if (check_name("release", out->release, err) || check_name("arch", out->arch, err) ||
	    check_name("distro", out->distro, err))
		goto out;
	if (strcmp(out->arch, "x86_64") && strcmp(out->arch, "aarch64")) {
		st_err_set(err, 0, "%s: architecture '%s' is not supported (x86_64, aarch64)",
			   source, out->arch);
		goto out;
	}
	if (known(dir, NULL, out->arch, out->build_id, o->release, out)) {
		rc = ST_HIVE_SKIPPED;
		goto out;
	}

	report(o, "convert", 0, 0);
	if (sk == SRC_BTF) {
		btf = btf__parse_raw(source);
		if (!btf)
			st_err_set(err, 0, "cannot read BTF %s: %s", source, strerror(errno));
	} else {
		btf = image_btf(image, &id, o->dwarf, source, err);
	}
	if (!btf)
		goto out;
	report(o, "write", 0, 0);
	if (write_kind(dir, out, "btf", btf, write_raw, err) ||
	    write_kind(dir, out, "head", btf, write_header, err) ||
	    write_kind(dir, out, "funcs", btf, write_funcs, err) ||
	    record_readme(dir, out, o->readme, err) ||
	    st_hive_index_put(dir, out, err))
		goto out;
	rc = ST_HIVE_ADDED;
out:
	btf__free(btf);
	if (sk == SRC_PACKAGE && image[0])
		unlink(image);
	return rc;
}
