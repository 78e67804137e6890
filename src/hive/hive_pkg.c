// SPDX-License-Identifier: MIT
/* Kernel images and modules out of packages with libarchive: a .deb is an ar archive whose
 * data.tar.* is read as a nested archive straight from the outer stream; an .rpm is a cpio
 * payload behind the rpm header (libarchive's rpm filter); tar and cpio archives are read
 * as they are. Nothing is shelled out; only the image and the chosen modules touch the
 * disk, one file at a time while the pass goes on. */
#include "hive/hive_int.h"
#include <stdbool.h>
#include <string.h>
#include "discover/glob.h"

int st_hive_module_name(const char *path, char *out, size_t n)
{
	const char *base = strrchr(path, '/');
	size_t l;

	base = base ? base + 1 : path;
	l = strlen(base);
	if (l > 6 && !strcmp(base + l - 6, ".debug"))
		l -= 6;
	if (l <= 3 || memcmp(base + l - 3, ".ko", 3))
		return 0;
	l -= 3;
	if (l >= n)
		return 0;
	for (size_t i = 0; i < l; i++)
		out[i] = base[i] == '-' ? '_' : base[i];
	out[l] = '\0';
	return 1;
}

#ifndef ST_NO_LIBARCHIVE
/* Whether module `name` matches one of the comma-separated globs ('-' and '_' alike). */
static bool st_hive_module_wanted(const char *globs, const char *name)
{
	char pat[256];
	const char *p = globs;

	while (*p) {
		size_t l = strcspn(p, ",");

		if (l && l < sizeof(pat)) {
			for (size_t i = 0; i < l; i++)
				pat[i] = p[i] == '-' ? '_' : p[i];
			pat[l] = '\0';
			if (st_glob_match(pat, name))
				return true;
		}
		p += l;
		if (*p == ',')
			p++;
	}
	return false;
}

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/archive_dl.h"

#define CHUNK (1 << 20)

struct walk {
	const struct st_archive_api *ar;   /* libarchive, loaded by st_hive_pkg_walk */
	struct archive *root;      /* the file's own archive, for progress in bytes */
	unsigned long long size;   /* of the file */
	const struct st_hive_pkg_sink *s;
	struct st_err *err;
	char *buf;
	bool found;                /* the image was met (extracted or skipped) */
};

int st_hive_image_name(const char *name, char *out, size_t n)
{
	const char *base = strrchr(name, '/'), *mods;
	size_t l;

	base = base ? base + 1 : name;
	out[0] = '\0';
	l = strlen(base);
	if (l > 6 && !strcmp(base + l - 6, ".debug"))
		l -= 6;
	if (l == 7 && !strncmp(base, "vmlinux", 7)) {
		mods = strstr(name, "lib/modules/");
		if (mods) {
			mods += strlen("lib/modules/");
			l = strcspn(mods, "/");
			if (l && l < n && mods[l] == '/') {
				memcpy(out, mods, l);
				out[l] = '\0';
			}
		}
		return 1;
	}
	if (l > 8 && !strncmp(base, "vmlinux-", 8) && memcmp(base + l - 3, ".py", 3)) {
		l -= 8;
		if (l >= n)
			return 0;
		memcpy(out, base + 8, l);
		out[l] = '\0';
		return 1;
	}
	return 0;
}

static void progress(struct walk *w, const char *phase)
{
	const struct st_hive_progress *p = w->s->progress;

	if (p && p->fn)
		p->fn(p->ctx, phase, (unsigned long long)w->ar->filter_bytes(w->root, -1),
		      w->size);
}

static int arc_fail(struct walk *w, struct archive *a, const char *what)
{
	const char *why = w->ar->error_string(a);

	return st_err_set(w->err, 0, "%s: %s", what, why ? why : "archive error");
}

/* Copy the current entry to a new file under tmpdir when it is an ELF file. 1 copied
 * (path set), 0 not an ELF (skipped), -1 error. */
static int copy_elf(struct walk *w, struct archive *a, const char *phase, char *path,
		    size_t n)
{
	la_ssize_t got;
	int fd = -1;
	bool first = true;

	while ((got = w->ar->read_data(a, w->buf, CHUNK)) > 0) {
		if (first) {
			first = false;
			if (got < 4 || memcmp(w->buf, "\177ELF", 4))
				return 0;
			snprintf(path, n, "%s/elf.XXXXXX", w->s->tmpdir);
			fd = mkstemp(path);
			if (fd < 0)
				return st_err_set(w->err, 0, "cannot create %s: %s", path,
						  strerror(errno));
		}
		if (write(fd, w->buf, (size_t)got) != got) {
			st_err_set(w->err, 0, "writing %s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		progress(w, phase);
	}
	if (got < 0) {
		arc_fail(w, a, "reading the package");
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return -1;
	}
	if (fd < 0)
		return 0;
	if (close(fd)) {
		unlink(path);
		return st_err_set(w->err, 0, "writing %s: %s", path, strerror(errno));
	}
	return 1;
}

static const char *kind_of(const struct walk *w)
{
	for (int i = 0; i < w->ar->filter_count(w->root); i++)
		if (w->ar->filter_code(w->root, i) == ARCHIVE_FILTER_RPM)
			return "rpm";
	return (w->ar->format(w->root) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_AR ?
		"deb" : "archive";
}

struct nested {
	const struct st_archive_api *ar;
	struct archive *outer;
	char chunk[65536];
};

static la_ssize_t nested_read(struct archive *inner, void *ctx, const void **buf)
{
	struct nested *nc = ctx;

	(void)inner;
	*buf = nc->chunk;
	return nc->ar->read_data(nc->outer, nc->chunk, sizeof(nc->chunk));
}

static int walk(struct walk *w, struct archive *a, int depth);

/* A .deb member holding the files: read it as an archive of its own. */
static int walk_nested(struct walk *w, struct archive *outer, int depth)
{
	struct archive *in = w->ar->read_new();
	struct nested *nc = malloc(sizeof(*nc));
	int rc;

	if (!in || !nc) {
		w->ar->read_free(in);
		free(nc);
		return st_err_set(w->err, 0, "out of memory");
	}
	nc->ar = w->ar;
	nc->outer = outer;
	w->ar->read_support_filter_all(in);
	w->ar->read_support_format_all(in);
	if (w->ar->read_open(in, nc, NULL, nested_read, NULL) != ARCHIVE_OK)
		rc = arc_fail(w, in, "reading the package's data member");
	else
		rc = walk(w, in, depth + 1);
	w->ar->read_free(in);
	free(nc);
	return rc;
}

/* The current entry, when it is the image or a wanted module. */
static int take(struct walk *w, struct archive *a, const char *name)
{
	const struct st_hive_pkg_sink *s = w->s;
	char rel[128], mod[64], path[4200];
	int c;

	if (!w->found && st_hive_image_name(name, rel, sizeof(rel))) {
		if (s->skip_image) {
			w->found = true;
			return 0;
		}
		c = copy_elf(w, a, "extract", path, sizeof(path));
		if (c <= 0)
			return c;
		w->found = true;
		return s->image(s->ctx, path, rel, kind_of(w), w->err);
	}
	if (s->modules && st_hive_module_name(name, mod, sizeof(mod)) &&
	    st_hive_module_wanted(s->modules, mod)) {
		c = copy_elf(w, a, "modules", path, sizeof(path));
		if (c <= 0)
			return c;
		return s->module(s->ctx, path, mod, w->err);
	}
	return 0;
}

static int walk(struct walk *w, struct archive *a, int depth)
{
	struct archive_entry *e;
	int r;

	while ((r = w->ar->read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = w->ar->entry_pathname(e);

		if (!name || w->ar->entry_filetype(e) != AE_IFREG)
			continue;
		progress(w, w->found ? "modules" : "read");
		if (depth == 0 && !strncmp(name, "data.tar", 8)) {
			if (walk_nested(w, a, depth))
				return -1;
		} else if (take(w, a, name)) {
			return -1;
		}
		if (w->found && !w->s->modules)
			return 0;
	}
	if (r != ARCHIVE_EOF)
		return arc_fail(w, a, "reading the package");
	return 0;
}

int st_hive_pkg_walk(const char *pkg, const struct st_hive_pkg_sink *s, struct st_err *err)
{
	struct walk w = { .s = s, .err = err };
	struct stat st;
	int rc;

	if (stat(pkg, &st))
		return st_err_set(err, 0, "cannot open %s: %s", pkg, strerror(errno));
	w.size = (unsigned long long)st.st_size;
	w.ar = st_archive_load();
	if (!w.ar)
		return st_err_set(err, 0, "not an ELF image or BTF file, and reading it as a "
				  "package needs libarchive (" ST_ARCHIVE_SONAME " cannot be loaded: "
				  "apt install libarchive13)");
	w.root = w.ar->read_new();
	w.buf = malloc(CHUNK);
	if (!w.root || !w.buf) {
		w.ar->read_free(w.root);
		free(w.buf);
		return st_err_set(err, 0, "out of memory");
	}
	w.ar->read_support_filter_all(w.root);
	w.ar->read_support_format_all(w.root);
	if (w.ar->read_open_filename(w.root, pkg, 1 << 16) != ARCHIVE_OK) {
		rc = st_err_set(err, 0, "%s is not a package, archive, ELF image or BTF file (%s)",
				pkg, w.ar->error_string(w.root));
		goto out;
	}
	rc = walk(&w, w.root, 0);
	if (!rc && !w.found)
		rc = st_err_set(err, 0, "%s holds no kernel image with debug info (looked for "
				"usr/lib/debug/boot/vmlinux-RELEASE and lib/modules/RELEASE/vmlinux)",
				pkg);
out:
	w.ar->read_free(w.root);
	free(w.buf);
	return rc;
}
#else
/* The static lab build (tests/lab/lab.mk) links no libarchive: the guest never reads
 * packages, and static libarchive needs libraries Debian ships only as shared objects. */
#include <string.h>

int st_hive_image_name(const char *name, char *out, size_t n)
{
	(void)name;
	if (n)
		out[0] = '\0';
	return 0;
}

int st_hive_pkg_walk(const char *pkg, const struct st_hive_pkg_sink *s, struct st_err *err)
{
	(void)s;
	return st_err_set(err, 0, "%s: this build of surftrace reads no packages (built "
			  "without libarchive); add the vmlinux or a BTF file instead", pkg);
}
#endif
