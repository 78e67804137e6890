/* SPDX-License-Identifier: MIT */
/* The aggregation model behind --count/--hist/--lhist/--sum/--min/--max/--avg/--latency:
 * a map from a key (a tuple of numbers, strings and stacks) to a count, a sum, a minimum,
 * a maximum and, for histograms, bucket counts. Pure data: the engines that feed it (the
 * user-space one in feed.c, the kernel's hist triggers) only call st_agg_add, so both
 * print the same. Printing follows bpftrace's layout:
 *   @count[bash, 1234]: 17
 *   @hist_v:
 *   [2, 4)                 2 |@@@@                                                |
 * Keys are built with st_agg_key_* into a reused buffer (no allocation per event). */
#ifndef ST_AGGREGATE_AGG_H
#define ST_AGGREGATE_AGG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum st_agg_kind {
	ST_AGG_COUNT, ST_AGG_HIST, ST_AGG_LHIST, ST_AGG_SUM, ST_AGG_MIN, ST_AGG_MAX, ST_AGG_AVG,
};

struct st_agg_spec {
	enum st_agg_kind kind;
	const char *name;              /* printed as "@name" */
	long long lmin, lmax, lstep;   /* ST_AGG_LHIST: [lmin, lmax) in steps of lstep */
};

/* A key under construction: parts appended in order. */
struct st_agg_key {
	unsigned char *buf;
	size_t len, cap;
};
void st_agg_key_reset(struct st_agg_key *k);
int st_agg_key_num(struct st_agg_key *k, long long v);
int st_agg_key_str(struct st_agg_key *k, const char *s);
/* Stack frames leaf first, as the kernel records them. */
int st_agg_key_stack(struct st_agg_key *k, const unsigned long long *pc, int n);
/* A user stack of task pid (its frames are named through st_agg_print.usym). */
int st_agg_key_ustack(struct st_agg_key *k, int pid, const unsigned long long *pc, int n);
void st_agg_key_free(struct st_agg_key *k);
/* A 64-bit hash of the key's bytes (never 0). */
unsigned long long st_agg_key_hash(const struct st_agg_key *k);

struct st_agg;
struct st_agg *st_agg_new(const struct st_agg_spec *s);
void st_agg_free(struct st_agg *a);
const char *st_agg_name(const struct st_agg *a);

/* n events with value v under key. -1 when out of memory (nothing changed). */
int st_agg_add(struct st_agg *a, const struct st_agg_key *k, long long v, unsigned long long n);
/* Events added under key so far (0 when the key is not there). */
unsigned long long st_agg_count(struct st_agg *a, const struct st_agg_key *k);
/* Forget every key (bpftrace's clear()). */
void st_agg_clear(struct st_agg *a);
size_t st_agg_nkeys(const struct st_agg *a);

/* Names a stack frame: writes "sym+0xoff" (with_off) or "sym" into buf. */
typedef void (*st_agg_sym_fn)(unsigned long long pc, bool with_off, char *buf, size_t n,
			      void *ctx);

/* Names a user stack frame of task pid (ret: pc is a return address). */
typedef void (*st_agg_usym_fn)(int pid, unsigned long long pc, bool ret, bool with_off,
			       char *buf, size_t n, void *ctx);

struct st_agg_print {
	FILE *f;
	size_t top;                    /* only the N largest entries; 0 = all */
	st_agg_sym_fn sym;             /* NULL: frames print as 0x... */
	void *sym_ctx;
	st_agg_usym_fn usym;           /* user stacks; NULL: 0x... */
	void *usym_ctx;
};

/* bpftrace's text layout, entries ascending (the largest last), a blank line after each
 * histogram. Returns 0, -1 on a write error. */
int st_agg_print_text(struct st_agg *a, const struct st_agg_print *p);
/* One JSON object: {"name":..,"type":..,"data":[{"key":[..],"value":..} |
 * {"key":[..],"buckets":[{"min":..,"max":..,"count":..}]}]} (no newline). Histogram
 * bucket bounds are inclusive like bpftrace's JSON; an open end is null. */
int st_agg_print_json(struct st_agg *a, const struct st_agg_print *p);
/* Folded stacks: one line per key that holds a stack, "str;str;root;..;leaf" (the key's
 * other parts first, frames by name without offsets), equal lines merged, sorted by line;
 * the weight is the count (the sum for ST_AGG_SUM). The format flamegraph.pl and
 * speedscope read. */
struct st_folded {
	char *line;
	unsigned long long n;
};
/* Returns the number of lines in *out (free with st_folded_free), -1 on error. */
int st_agg_folded(struct st_agg *a, const struct st_agg_print *p, struct st_folded **out);
void st_folded_free(struct st_folded *v, int n);
/* "line count" per line to p->f. Returns the number of lines, -1 on error. */
int st_agg_print_folded(struct st_agg *a, const struct st_agg_print *p);

/* The histogram layout itself, exposed for tests: the label of a log2 bucket index (see
 * st_agg_log2_index) and of a linear bound. */
int st_agg_log2_index(long long v);
void st_agg_log2_label(int idx, char *buf, size_t n);
void st_agg_num_label(long long v, char *buf, size_t n);

#endif
