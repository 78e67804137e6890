/* SPDX-License-Identifier: MIT */
/* Bundles (the original's "publish"): one file holding the translation of a set of
 * expressions for several kernels, keyed by kernel release, arch and BTF identity, so
 * that it runs on whichever of those kernels it lands on without BTF or translation
 * there. Text format, one record per line, ending with a SHA-256 of everything before:
 *
 *   surftrace-bundle 2
 *   kernel <release> <arch> <btf-identity> <nprobes>
 *   expr <the expression as written>
 *   probe <index> <type> <event> <group> <func> <target> <binary> <uoffset> <nargs>
 *   binary <build-id:HEX | sha256:SIZE:HEX> <offset from func>   (P and R probes)
 *   arg <name> <fetch> <type> <conv>
 *   filter <text>                       (optional)
 *   end
 *   sha256 <hex>
 *
 * ("-" stands for an absent field.) Loading checks the digest, the structure and every
 * probe through the strict validator (kdef.h) before anything can be used; as root, the
 * file must be one only root could have written (util/safedir.h). A uprobe records which
 * build of its binary it was translated for: running or scripting an entry first checks
 * that the binary here is that build (st_bundle_check_binaries). Format 1 (no "binary"
 * lines) is read only when it holds no uprobe. */
#ifndef ST_DISCOVER_BUNDLE_H
#define ST_DISCOVER_BUNDLE_H
#include <stddef.h>
#include "util/err.h"

struct st_probe;

/* A uprobe's binary as it was when the bundle was made. */
struct st_bundle_ubin {
	char *identity;               /* st_usym_identity(): "build-id:HEX", "sha256:SIZE:HEX" */
	unsigned long long symoff;    /* the probe's offset from the start of its symbol */
};

struct st_bundle_entry {
	char *release;      /* uname -r of that kernel, "unknown" when not known */
	char *arch;         /* "x86_64", "aarch64" */
	char *identity;     /* st_types_identity() of its BTF */
	char **exprs;       /* expressions, as written */
	struct st_probe **probes;
	struct st_bundle_ubin *ubin;  /* per probe; identity NULL for p, r and e */
	size_t n;
};

struct st_bundle {
	struct st_bundle_entry *v;
	size_t n;
};

/* The kernel surftrace runs on; identity is "" when it has no readable BTF. */
struct st_kernel_id {
	char release[128];
	char arch[65];
	char identity[64];
};

struct st_bundle *st_bundle_new(void);
void st_bundle_free(struct st_bundle *b);

/* Add an entry; takes ownership of probes[] (and the array), copies the rest. ubin NULL:
 * read each uprobe's binary now (making a bundle); else copied (loading one). */
int st_bundle_add(struct st_bundle *b, const char *release, const char *arch,
		  const char *identity, char *const *exprs, struct st_probe **probes, size_t n,
		  const struct st_bundle_ubin *ubin, struct st_err *err);

/* Every uprobe's binary here is the build the entry was made for (same identity, same
 * offset from its symbol, on an instruction start). -1 with one line naming the binary
 * and both identities. */
int st_bundle_check_binaries(const struct st_bundle_entry *e, struct st_err *err);

/* Write to path (through a temporary file renamed into place). */
int st_bundle_save(const struct st_bundle *b, const char *path, struct st_err *err);

/* Read, check the digest and the structure, validate every probe. NULL with err. */
struct st_bundle *st_bundle_load(const char *path, struct st_err *err);
/* Same from memory (tests). */
struct st_bundle *st_bundle_parse(const char *text, size_t len, struct st_err *err);

/* The running kernel: uname, and the identity of /sys/kernel/btf/vmlinux if readable. */
int st_kernel_id_running(struct st_kernel_id *k, struct st_err *err);

/* The entry for kernel k: same BTF identity (and arch); when k has no BTF, same release
 * and arch. NULL with an error naming the kernels the bundle has. */
const struct st_bundle_entry *st_bundle_select(const struct st_bundle *b,
					       const struct st_kernel_id *k, struct st_err *err);

#endif
