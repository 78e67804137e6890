// SPDX-License-Identifier: MIT
/* DIE offset -> BTF id hash map for the DWARF converter. A debuginfo vmlinux has millions
 * of type DIEs, so: flat arrays, linear probing, no per-entry allocation. */
#include "types/dwarf_btf_int.h"
#include <stdlib.h>

static size_t slot_of(__u64 key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

int st_dwarf_idmap_get(const struct dwarf_idmap *m, __u64 off, __u32 *id)
{
	size_t i;

	if (!m->cap)
		return -1;
	for (i = slot_of(off + 1, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == off + 1) {
			*id = m->vals[i];
			return 0;
		}
	return -1;
}

static void insert(__u64 *keys, __u32 *vals, size_t cap, __u64 key, __u32 val)
{
	size_t i;

	for (i = slot_of(key, cap); keys[i] && keys[i] != key; i = (i + 1) & (cap - 1))
		;
	keys[i] = key;
	vals[i] = val;
}

static int grow(struct dwarf_idmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 4096, i;
	__u64 *keys = calloc(cap, sizeof(*keys));
	__u32 *vals = malloc(cap * sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (i = 0; i < m->cap; i++)
		if (m->keys[i])
			insert(keys, vals, cap, m->keys[i], m->vals[i]);
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

int st_dwarf_idmap_put(struct dwarf_idmap *m, __u64 off, __u32 id)
{
	/* Keep the load under one half so probe chains stay short. */
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return -1;
	insert(m->keys, m->vals, m->cap, off + 1, id);
	m->n++;
	return 0;
}

void st_dwarf_idmap_free(struct dwarf_idmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}
