/* SPDX-License-Identifier: MIT */
/* Internal to value*.c: the helpers the value steps share (value.c). */
#ifndef ST_COMPILE_VALUE_INT_H
#define ST_COMPILE_VALUE_INT_H
#include <stddef.h>
#include <bpf/btf.h>
#include "compile/value.h"

static inline const struct btf_type *st_val_tof(const struct btf *btf, __u32 id)
{
	return id ? btf__type_by_id(btf, id) : NULL;
}

/* v's type after typedefs and qualifiers (its id in *rid), NULL for void/unknown/pointers
 * by cast (nptr). */
const struct btf_type *st_val_resolved(const struct st_val *v, __u32 *rid);
/* "'struct foo *'" or "an untyped value", for messages. */
void st_val_describe(const struct st_val *v, char *buf, size_t n);
/* Bounded copy that always terminates. */
void st_val_set_text(char *dst, size_t n, const char *src);
/* The expression whose value is the pointer v (to dereference), and the bytes to add. */
void st_val_pointer_value(const struct st_val *v, char *addr, size_t n, long *add);


/* Plain `char` (through qualifiers), or also `unsigned char` for a string pointer's target. */
bool st_val_plain_char(const struct btf *btf, __u32 id);
bool st_val_string_target(const struct btf *btf, __u32 id);

#endif
