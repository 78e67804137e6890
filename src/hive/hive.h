/* The hive: a local directory of many kernels' types, the seed's dbhive without docker or
 * server. Layout (one file per kind and kernel):
 *
 *   DIR/index                                  one line per entry (below)
 *   DIR/<arch>/btf/<distro>/<release>          raw BTF (--btf accepts it)
 *   DIR/<arch>/head/<distro>/<release>         vmlinux.h for lbc (btf_dump)
 *   DIR/<arch>/funcs/<distro>/<release>        "name<TAB>prototype" per BTF function
 *
 * index lines: "<release> <arch> <distro> <build-id|-> <sha256-of-source> <source name>".
 * The index is rewritten whole (temporary file + rename, under a lock on DIR/index.lock),
 * so readers never see half of it. */
#ifndef ST_HIVE_HIVE_H
#define ST_HIVE_HIVE_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct st_hive_entry {
	char release[128];
	char arch[16];
	char distro[32];
	char build_id[41];    /* "" when the source had none (a raw BTF file) */
	char sha256[65];      /* of the source file as given to `hive add` */
	char source[256];     /* the source's file name */
};

/* Path of one of an entry's files; kind is "btf", "head" or "funcs". */
int st_hive_path(const char *dir, const struct st_hive_entry *e, const char *kind,
		 char *out, size_t n);

/* Read DIR/index. A missing index is an empty hive (0 entries) when DIR exists. *v is
 * heap memory the caller frees. Returns 0 or -1 with err. */
int st_hive_load(const char *dir, struct st_hive_entry **v, size_t *n, struct st_err *err);

/* The entry for a kernel: same arch and build id when build_id is given and known, else
 * the same arch and release. 0 with *out, or -1 (err names what was looked for). */
int st_hive_find(const char *dir, const char *arch, const char *build_id, const char *release,
		 struct st_hive_entry *out, struct st_err *err);

/* Add one entry (replaces an entry of the same arch, distro and release), under the lock.
 * The entry's files must already be in place. */
int st_hive_index_put(const char *dir, const struct st_hive_entry *e, struct st_err *err);

/* Remove every entry whose release or build id (a prefix of 8+ hex digits is enough) is
 * key, with its files. Returns the number removed (0: nothing matched), or -1. */
int st_hive_rm(const char *dir, const char *key, struct st_err *err);

/* ---- adding (hive_add.c) ---- */

struct st_hive_progress {
	/* phase: "read" (bytes of the source), "extract" (bytes of the image), "convert",
	 * "write"; total 0 when unknown. Called often: keep it cheap. */
	void (*fn)(void *ctx, const char *phase, unsigned long long done,
		   unsigned long long total);
	void *ctx;
};

struct st_hive_add_opts {
	const char *release;  /* when the source does not say (raw BTF), or to override */
	const char *distro;   /* NULL: from the banner/release, else the package kind */
	const char *arch;     /* raw BTF only (others say it in their ELF header); NULL: host */
	bool dwarf;           /* convert DWARF even when the image carries .BTF */
	struct st_hive_progress progress;
};

enum st_hive_added { ST_HIVE_ADDED = 0, ST_HIVE_SKIPPED = 1 };

/* SOURCE: a Debian -dbg .deb, an RPM kernel-debuginfo package (or any archive libarchive
 * reads), a vmlinux with DWARF or .BTF, or a raw BTF file. Fills *out. Returns
 * ST_HIVE_ADDED, ST_HIVE_SKIPPED (already there: same build id, or same source sha256),
 * or -1 with err. */
int st_hive_add(const char *dir, const char *source, const struct st_hive_add_opts *o,
		struct st_hive_entry *out, struct st_err *err);

#endif
