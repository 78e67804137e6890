/* SPDX-License-Identifier: MIT */
/* A C header ("vmlinux.h") from BTF through libbpf's btf_dump, with bpftool's CO-RE
 * preamble. Shared by lbc (its include cache) and the hive (each entry's head file). */
#ifndef ST_TYPES_BTF_HEADER_H
#define ST_TYPES_BTF_HEADER_H
#include <stdio.h>

struct btf;

/* Write every type of btf as C. Returns 0, or a negative errno (*bad_id: the type that
 * failed, when not NULL). */
int st_btf_write_header(const struct btf *btf, FILE *f, unsigned *bad_id);

#endif
