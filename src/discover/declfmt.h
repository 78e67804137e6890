/* SPDX-License-Identifier: MIT */
/* C spellings of BTF types through libbpf's btf_dump: "struct file *f",
 * "void (*func)(struct callback_head *)", "struct file *do_filp_open(int dfd, ...)".
 * One formatter per BTF object, reused for many declarations (btf_dump setup is costly). */
#ifndef ST_DISCOVER_DECLFMT_H
#define ST_DISCOVER_DECLFMT_H
#include <stddef.h>
#include <linux/types.h>

struct btf;
struct st_declfmt;

struct st_declfmt *st_declfmt_new(const struct btf *btf);
void st_declfmt_free(struct st_declfmt *f);

/* Declaration of `name` (may be NULL or "") with type `id`. For a FUNC_PROTO id and a
 * function name this is the prototype. Returns a string owned by f, valid until the next
 * call, or NULL on failure. */
const char *st_declfmt_decl(struct st_declfmt *f, __u32 id, const char *name);

/* Split a declaration into type part and declarator around `name` for pahole-style
 * columns: "struct task_struct *last_wakee" -> 19 ("struct task_struct *" | "last_wakee"),
 * "void (*func)(int)" -> 4 ("void" | "(*func)(int)"), "char comm[16]" -> 4.
 * Returns the length of the type part (trailing blanks excluded), or (size_t)-1 when the
 * name is not found. *decl_start is where the declarator begins. */
size_t st_decl_split(const char *decl, const char *name, size_t *decl_start);

#endif
