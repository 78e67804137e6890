/* SPDX-License-Identifier: MIT */
/* User binaries for uprobes: find the file, turn a symbol into a file offset, and read
 * the binary's DWARF into BTF so the compiler treats user types like kernel types. */
#ifndef ST_TYPES_USYM_H
#define ST_TYPES_USYM_H
#include <stddef.h>
#include "util/err.h"

struct btf;

/* name as written: a path (contains '/'), a command in $PATH, or a library name
 * ("libc", "libc.so.6", "libpthread") found through /etc/ld.so.cache and the standard
 * library directories. Writes the absolute path. */
int st_usym_find_binary(const char *name, char *path, size_t n, struct st_err *err);

/* A command as execvp finds it: a path (contains '/') to an executable regular file, or
 * a name in $PATH. 0 with the path written, or -1 (errno: ENOENT, EACCES, ENAMETOOLONG). */
int st_usym_find_command(const char *name, char *path, size_t n);

/* File offset for a uprobe: symbol value (or vaddr when sym is NULL) minus the vaddr of
 * the PT_LOAD segment holding it plus that segment's file offset; plus off. Searches
 * .symtab then .dynsym. With a symbol, a non-zero off must be inside it (st_size) and
 * where an instruction starts, decoding from the symbol's start with capstone; the
 * error names the nearest valid offsets. A vaddr (sym NULL) is taken as it is. */
int st_usym_offset(const char *path, const char *sym, unsigned long long vaddr, long off,
		   unsigned long long *file_off, struct st_err *err);

/* Which build of a binary this is, for bundles: "build-id:HEX" from its GNU build-id
 * note, else "sha256:SIZE:HEX" of the whole file. 0, or -1 with err. */
#define ST_USYM_IDENTITY_MAX 96
int st_usym_identity(const char *path, char *out, size_t n, struct st_err *err);

/* Only the GNU build-id note, 40 hex digits (no hashing of a file without one). 0, or -1
 * with err. */
int st_usym_build_id(const char *path, char out[41], struct st_err *err);

/* Function symbols of a binary matching a glob (for -l BINARY:PATTERN and completion).
 * Fills *names (heap array of heap strings), returns the count or -1. */
int st_usym_list(const char *path, const char *glob, char ***names, struct st_err *err);

/* DWARF (libdw) -> BTF: base types, pointers, structs/unions with bitfields, enums,
 * typedefs, arrays, const/volatile, function prototypes with argument names (as
 * BTF_KIND_FUNC + FUNC_PROTO). Returns a new BTF, or NULL with err when the file has no
 * DWARF. Also used by `surftrace btfgen`. */
struct btf *st_dwarf_to_btf(const char *path, struct st_err *err);

/* The same for a kernel image, the way the kernel's own BTF is made (pahole): a FUNC only
 * for a function that has a symbol of exactly its name (no prototypes for compiler clones
 * such as foo.constprop.0 or for inlined-only functions), no symbol aliases. The hive's
 * conversion of -dbg vmlinux files. */
struct btf *st_dwarf_to_btf_kernel(const char *path, struct st_err *err);

/* A kernel module's DWARF as split BTF over its kernel's BTF (base), deduplicated against
 * it, the way /sys/kernel/btf/<module> is made. */
struct btf *st_dwarf_to_btf_module(const char *path, const struct btf *base,
				   struct st_err *err);

/* The same for one function: only the unit (CU) holding func's code, with every type that
 * unit declares, plus symbol aliases. For a uprobe on one function of a big library
 * (libc with libc6-dbg: 0.11 s instead of 0.42 s; the rest is zlib inflating the debug
 * sections). Converts every unit when no unit covers func's address. */
struct btf *st_dwarf_to_btf_func(const char *path, const char *func, struct st_err *err);

/* st_dwarf_to_btf_func (func NULL: st_dwarf_to_btf) telling which file held the DWARF
 * (the binary itself or the separate debug file libdwfl found) in dwarf_file. */
struct btf *st_dwarf_to_btf_from(const char *path, const char *func, char *dwarf_file,
				 size_t n, struct st_err *err);

/* Bump when the converter's output changes: cached conversions (btf_cache.h) carry it. */
#define ST_DWARF_BTF_VERSION 1

#endif
