/* SPDX-License-Identifier: MIT */
/* Private layout of the aggregation map, shared by agg.c (storage) and print.c. */
#ifndef ST_AGGREGATE_AGG_INT_H
#define ST_AGGREGATE_AGG_INT_H
#include <stdint.h>
#include "aggregate/agg.h"

struct st_agg_entry {
	uint64_t hash;
	unsigned long long count;
	long long sum, min, max;
	unsigned long long *slots;     /* histogram buckets (nslots), NULL otherwise */
	size_t klen;
	unsigned char key[];
};

struct st_agg {
	struct st_agg_spec spec;
	char *name;
	int nslots;                    /* hist: 66; lhist: below, steps..., at/above max */
	struct st_agg_entry **tab;
	size_t cap, n;
};

/* One decoded key part. */
struct st_agg_part {
	char tag;                      /* 'n' number, 's' string, 'k' stack, 'u' user stack */
	int pid;                       /* 'u': the task */
	long long num;
	const char *str;
	const void *pc;                /* unaligned u64 frames, leaf first */
	int npc;
};
/* Decode the part at p; returns its size, 0 at the end or on a malformed key. */
size_t st_agg_key_next(const unsigned char *p, size_t left, struct st_agg_part *out);
unsigned long long st_agg_part_pc(const struct st_agg_part *pt, int i);

#endif
