// SPDX-License-Identifier: MIT
/* btfshift: writes a copy of a BTF file in which one struct member sits BYTES further on.
 * The lab uses it to prove that its surftrace checks can fail: with LAB_BREAK=comm the
 * guest's surftrace reads types from a BTF where task_struct.comm is one byte off, so every
 * value it prints for comm must disagree with the ground truth.
 *   btfshift IN(raw BTF or ELF with .BTF) OUT.btf STRUCT MEMBER BYTES
 * Host-only helper, linked with libbpf.
 */
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shifts STRUCT.MEMBER of a parsed BTF in place; 0 on success. */
static int shift_member(struct btf *btf, const char *sname, const char *mname, int bits)
{
	int id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	const struct btf_type *t;
	struct btf_member *m;

	if (id < 0)
		return fprintf(stderr, "btfshift: no struct %s\n", sname), -1;
	t = btf__type_by_id(btf, id);
	/* A parsed BTF keeps its types inside the raw buffer, so editing the member in place
	 * changes what btf__raw_data() returns; libbpf only hands out const views of it. */
	m = (struct btf_member *)btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), mname) == 0) {
			m->offset += bits;
			return 0;
		}
	}
	return fprintf(stderr, "btfshift: %s has no member %s\n", sname, mname), -1;
}

int main(int argc, char **argv)
{
	struct btf *btf;
	const void *raw;
	__u32 size;
	int rc = 1;
	FILE *f;

	if (argc != 6)
		return fprintf(stderr, "usage: btfshift IN OUT STRUCT MEMBER BYTES\n"), 2;
	btf = btf__parse(argv[1], NULL);
	if (!btf)
		return fprintf(stderr, "btfshift: cannot parse %s\n", argv[1]), 1;
	if (shift_member(btf, argv[3], argv[4], atoi(argv[5]) * 8) == 0) {
		raw = btf__raw_data(btf, &size);
		f = fopen(argv[2], "wb");
		if (f && fwrite(raw, 1, size, f) == size && fclose(f) == 0)
			rc = 0;
		else
			fprintf(stderr, "btfshift: cannot write %s\n", argv[2]);
	}
	btf__free(btf);
	return rc;
}
