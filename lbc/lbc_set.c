// SPDX-License-Identifier: MIT
/* Constants before load (the original's "dynamicVar"): a `const volatile` global is found
 * in the object's data sections by its BTF name and patched in the map's initial image. */
#include "lbc_int.h"
#include "types/btf_walk.h"
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int store_value(struct lbc *l, const struct btf *btf, uint32_t tid, void *dst,
		       uint32_t size, const char *name, const char *val)
{
	const struct btf_type *t = st_btf_bare(btf, &tid);
	char *end = NULL;
	long long sv;
	unsigned long long uv;
	int i;

	if (t && btf_is_int(t)) {
		bool sgn = btf_int_encoding(t) & BTF_INT_SIGNED;

		if (btf_int_encoding(t) & BTF_INT_BOOL || !strcmp(val, "true") ||
		    !strcmp(val, "false")) {
			uv = !strcmp(val, "true") ? 1 : !strcmp(val, "false") ? 0
			     : strtoull(val, &end, 0);
		} else if (sgn) {
			errno = 0;
			sv = strtoll(val, &end, 0);
			uv = (unsigned long long)sv;
		} else {
			errno = 0;
			uv = strtoull(val, &end, 0);
		}
		if ((end && *end) || !*val || errno)
			return lbc_fail(l, EINVAL, "--set %s=%s: not an integer", name, val);
		memcpy(dst, &uv, size < 8 ? size : 8); /* little-endian: low bytes first */
		return 0;
	}
	if (t && btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t);

		for (i = 0; i < btf_vlen(t); i++) {
			if (!strcmp(btf__name_by_offset(btf, e[i].name_off), val)) {
				int32_t v = e[i].val;
				memcpy(dst, &v, size < 4 ? size : 4);
				return 0;
			}
		}
		sv = strtoll(val, &end, 0);
		if (*end || !*val)
			return lbc_fail(l, EINVAL, "--set %s=%s: not an enumerator", name, val);
		memcpy(dst, &sv, size < 8 ? size : 8);
		return 0;
	}
	if (t && btf_is_array(t)) {
		uint32_t et = btf_array(t)->type;
		const struct btf_type *e = st_btf_bare(btf, &et);

		if (e && btf_is_int(e) && e->size == 1) {
			if (strlen(val) >= size)
				return lbc_fail(l, EINVAL, "--set %s: string longer than %u bytes",
						name, size - 1);
			memset(dst, 0, size);
			memcpy(dst, val, strlen(val));
			return 0;
		}
	}
	return lbc_fail(l, EINVAL, "--set %s: only integer, enum, bool and char[] globals can "
			"be set", name);
}

int lbc_set(struct lbc *l, const char *name, const char *value)
{
	const struct btf *btf = lbc_btf(l);
	struct bpf_map *m;
	int i;

	if (!l->obj || l->loaded)
		return lbc_fail(l, EINVAL, "--set %s: must be set after open, before load", name);
	bpf_object__for_each_map(m, l->obj) {
		uint32_t sid = bpf_map__btf_value_type_id(m);
		const struct btf_type *sec = btf ? btf__type_by_id(btf, sid) : NULL;
		const struct btf_var_secinfo *vs;
		size_t size;
		const void *init;
		char *data;
		int err;

		if (!bpf_map__is_internal(m) || !sec || !btf_is_datasec(sec))
			continue;
		vs = btf_var_secinfos(sec);
		for (i = 0; i < btf_vlen(sec); i++) {
			const struct btf_type *v = btf__type_by_id(btf, vs[i].type);

			if (strcmp(btf__name_by_offset(btf, v->name_off), name))
				continue;
			/* libbpf 1.1 hands out the image read-only: patch a copy, set it back. */
			init = bpf_map__initial_value(m, &size);
			if (!init || vs[i].offset + vs[i].size > size)
				return lbc_fail(l, EINVAL, "--set %s: no initial value to patch "
						"(is it a zero-initialised .bss global?)", name);
			data = malloc(size);
			if (!data)
				return lbc_fail(l, ENOMEM, "out of memory");
			memcpy(data, init, size);
			err = store_value(l, btf, v->type, data + vs[i].offset, vs[i].size, name,
					  value);
			if (!err && bpf_map__set_initial_value(m, data, size))
				err = lbc_fail(l, errno, "--set %s: %s", name, strerror(errno));
			free(data);
			return err;
		}
	}
	return lbc_fail(l, ENOENT, "--set %s: no such global (declare it `const volatile`)",
			name);
}
