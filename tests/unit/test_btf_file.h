/* SPDX-License-Identifier: MIT */
/* Test helper: a BTF object written as a raw BTF file (what /sys/kernel/btf and a hive's
 * kmod/ hold), for the tests that make up a kernel and its modules with libbpf. */
#ifndef TEST_BTF_FILE_H
#define TEST_BTF_FILE_H
#include <stdio.h>
#include <bpf/btf.h>

/* dir/name holds b's raw bytes (cmocka asserts on failure). */
static inline void write_btf_file(const struct btf *b, const char *dir, const char *name)
{
	char path[256];
	const void *raw;
	__u32 size;
	FILE *f;

	raw = btf__raw_data(b, &size);
	assert_non_null(raw);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, size, f), size);
	fclose(f);
}

#endif
