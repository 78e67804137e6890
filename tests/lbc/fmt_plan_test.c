// SPDX-License-Identifier: MIT
/* lbc's printer, plan against walk: for every type of each BTF file given (a BPF object or
 * raw BTF such as /sys/kernel/btf/vmlinux) and each mode (text, JSON; a record's fields,
 * a map's value), the plan recorded at the type's first value must print every later
 * value exactly as the walk does. Values: zero bytes first (the plan is recorded on
 * them), then random bytes, bytes from an alphabet of what strings escape (quotes,
 * backslash, newline, tab, controls, DEL, valid and broken UTF-8), and small numbers
 * (enumerators by name). Prints one line per file:
 *   FILE types=N pairs=P planned=Q printed=R mismatches=M
 * (pairs: type and mode with a size to print; planned: those the plan printed; printed:
 * values compared)
 * and the first mismatches in full. Linked with liblbc.a (its internal lbc_fmt_append). */
#include "lbc_int.h"
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZE (64 * 1024)

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void fill(uint8_t *d, size_t n, int pattern)
{
	static const uint8_t alpha[] = { 0, 'a', 'Z', '"', '\\', '\n', '\t', '\r', 1, 0x1f, 0x7f,
					 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x80, 0xff };
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t r = rnd();

		switch (pattern) {
		case 0: d[i] = 0; break;
		case 1: d[i] = (uint8_t)r; break;
		case 2: d[i] = alpha[r % sizeof(alpha)]; break;
		default: d[i] = (i % 4) ? 0 : (uint8_t)(r % 4); break;
		}
	}
}

static int check_file(const char *path)
{
	struct btf *btf = btf__parse(path, NULL);
	static uint8_t data[MAX_SIZE];
	struct lbc_fmt walk = { 0 };
	unsigned long types = 0, pairs = 0, printed = 0, planned = 0, mismatches = 0;
	uint32_t id, n;

	if (!btf) {
		fprintf(stderr, "%s: no BTF\n", path);
		return -1;
	}
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		int64_t sz = btf__resolve_size(btf, id);
		int mode;

		types++;
		if (sz < 0 || sz > MAX_SIZE)
			continue;
		for (mode = 0; mode < 4; mode++) {
			struct lbc_fmt plan = { 0 };
			bool ok = true;
			int pat;

			pairs++;
			for (pat = 0; pat < 4; pat++) {
				fill(data, (size_t)sz, pat);
				walk.len = 0;
				lbc_fmt_append(&walk, btf, id, data, mode | LBC_FMT_WALK);
				plan.len = 0;
				if (lbc_fmt_append(&plan, btf, id, data, mode | LBC_FMT_PLAN)) {
					ok = false;
					break;
				}
				printed++;
				if (walk.len == plan.len && !memcmp(walk.buf, plan.buf, walk.len))
					continue;
				if (++mismatches <= 5)
					printf("# MISMATCH %s type %u (%s) mode %d pattern %d\n"
					       "#  walk: %.*s\n#  plan: %.*s\n", path, id,
					       btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off),
					       mode, pat, (int)(walk.len < 400 ? walk.len : 400), walk.buf,
					       (int)(plan.len < 400 ? plan.len : 400), plan.buf);
			}
			planned += ok;
			lbc_fmt_free(&plan);
		}
	}
	lbc_fmt_free(&walk);
	btf__free(btf);
	printf("%s types=%lu pairs=%lu planned=%lu printed=%lu mismatches=%lu\n", path, types,
	       pairs, planned, printed, mismatches);
	return 0;
}

int main(int argc, char **argv)
{
	int i, rc = 0;

	for (i = 1; i < argc; i++)
		if (check_file(argv[i]))
			rc = 1;
	return rc;
}
