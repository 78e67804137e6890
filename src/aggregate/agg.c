// SPDX-License-Identifier: MIT
/* The aggregation map: open addressing on a hash of the key bytes, entries allocated
 * once per distinct key. Keys are self-describing byte strings: each part is a tag byte
 * ('n' + 8 bytes, 's' + NUL-terminated text, 'k' + u32 count + count * u64 frames). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "aggregate/agg_int.h"

#define LOG2_SLOTS 66          /* <0, 0, then [2^k, 2^(k+1)) for k = 0..63 */

static int key_room(struct st_agg_key *k, size_t more)
{
	size_t cap;
	unsigned char *nb;

	if (k->len + more <= k->cap)
		return 0;
	cap = k->cap ? k->cap * 2 : 64;
	while (cap < k->len + more)
		cap *= 2;
	nb = realloc(k->buf, cap);
	if (!nb)
		return -1;
	k->buf = nb;
	k->cap = cap;
	return 0;
}

void st_agg_key_reset(struct st_agg_key *k)
{
	k->len = 0;
}

int st_agg_key_num(struct st_agg_key *k, long long v)
{
	if (key_room(k, 1 + sizeof(v)))
		return -1;
	k->buf[k->len++] = 'n';
	memcpy(k->buf + k->len, &v, sizeof(v));
	k->len += sizeof(v);
	return 0;
}

int st_agg_key_str(struct st_agg_key *k, const char *s)
{
	size_t n = strlen(s ? s : "");

	if (key_room(k, n + 2))
		return -1;
	k->buf[k->len++] = 's';
	memcpy(k->buf + k->len, s ? s : "", n + 1);
	k->len += n + 1;
	return 0;
}

/* A stack component: tag ('k' kernel, 'u' user), the pid (user stacks only), count,
 * addresses. */
static int key_stack(struct st_agg_key *k, char tag, int pid, const unsigned long long *pc,
		     int n)
{
	uint32_t cnt = n > 0 ? (uint32_t)n : 0;
	int32_t p = pid;
	size_t plen = tag == 'u' ? sizeof(p) : 0;

	if (key_room(k, 1 + plen + sizeof(cnt) + cnt * sizeof(*pc)))
		return -1;
	k->buf[k->len++] = tag;
	memcpy(k->buf + k->len, &p, plen);
	k->len += plen;
	memcpy(k->buf + k->len, &cnt, sizeof(cnt));
	k->len += sizeof(cnt);
	if (cnt)
		memcpy(k->buf + k->len, pc, cnt * sizeof(*pc));
	k->len += cnt * sizeof(*pc);
	return 0;
}

int st_agg_key_stack(struct st_agg_key *k, const unsigned long long *pc, int n)
{
	return key_stack(k, 'k', 0, pc, n);
}

int st_agg_key_ustack(struct st_agg_key *k, int pid, const unsigned long long *pc, int n)
{
	return key_stack(k, 'u', pid, pc, n);
}

void st_agg_key_free(struct st_agg_key *k)
{
	free(k->buf);
	k->buf = NULL;
	k->len = k->cap = 0;
}

size_t st_agg_key_next(const unsigned char *p, size_t left, struct st_agg_part *out)
{
	uint32_t cnt;
	size_t n;

	if (!left)
		return 0;
	out->tag = (char)p[0];
	switch (p[0]) {
	case 'n':
		if (left < 1 + sizeof(long long))
			return 0;
		memcpy(&out->num, p + 1, sizeof(out->num));
		return 1 + sizeof(long long);
	case 's':
		n = strnlen((const char *)p + 1, left - 1);
		if (n == left - 1)
			return 0;
		out->str = (const char *)p + 1;
		return n + 2;
	case 'k':
		if (left < 1 + sizeof(cnt))
			return 0;
		memcpy(&cnt, p + 1, sizeof(cnt));
		if ((left - 1 - sizeof(cnt)) / sizeof(unsigned long long) < cnt)
			return 0;
		out->pc = p + 1 + sizeof(cnt);
		out->npc = (int)cnt;
		return 1 + sizeof(cnt) + cnt * sizeof(unsigned long long);
	case 'u': {
		int32_t pid;

		if (left < 1 + sizeof(pid) + sizeof(cnt))
			return 0;
		memcpy(&pid, p + 1, sizeof(pid));
		memcpy(&cnt, p + 1 + sizeof(pid), sizeof(cnt));
		if ((left - 1 - sizeof(pid) - sizeof(cnt)) / sizeof(unsigned long long) < cnt)
			return 0;
		out->pid = pid;
		out->pc = p + 1 + sizeof(pid) + sizeof(cnt);
		out->npc = (int)cnt;
		return 1 + sizeof(pid) + sizeof(cnt) + cnt * sizeof(unsigned long long);
	}
	}
	return 0;
}

unsigned long long st_agg_part_pc(const struct st_agg_part *pt, int i)
{
	unsigned long long v;

	memcpy(&v, (const unsigned char *)pt->pc + (size_t)i * sizeof(v), sizeof(v));
	return v;
}

static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */

	while (n--) {
		h ^= *p++;
		h *= 1099511628211ULL;
	}
	h ^= h >> 29;
	return h ? h : 1;
}

unsigned long long st_agg_key_hash(const struct st_agg_key *k)
{
	return hash_bytes(k->buf, k->len);
}

int st_agg_log2_index(long long v)
{
	int k = 0;
	unsigned long long u;

	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	u = (unsigned long long)v;
	while (u >>= 1)
		k++;
	return k + 2;
}

static int lhist_slots(const struct st_agg_spec *s)
{
	return (int)((s->lmax - s->lmin + s->lstep - 1) / s->lstep) + 2;
}

static int st_agg_slot(const struct st_agg *a, long long v)
{
	const struct st_agg_spec *s = &a->spec;

	if (s->kind == ST_AGG_HIST)
		return st_agg_log2_index(v);
	if (v < s->lmin)
		return 0;
	if (v >= s->lmax)
		return a->nslots - 1;
	return (int)((v - s->lmin) / s->lstep) + 1;
}

struct st_agg *st_agg_new(const struct st_agg_spec *s)
{
	struct st_agg *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->spec = *s;
	a->name = strdup(s->name ? s->name : "");
	if (s->kind == ST_AGG_HIST)
		a->nslots = LOG2_SLOTS;
	else if (s->kind == ST_AGG_LHIST) {
		if (s->lstep <= 0 || s->lmax <= s->lmin) {
			free(a->name);
			free(a);
			return NULL;
		}
		a->nslots = lhist_slots(s);
	}
	a->cap = 64;
	a->tab = calloc(a->cap, sizeof(*a->tab));
	if (!a->name || !a->tab) {
		st_agg_free(a);
		return NULL;
	}
	return a;
}

static void free_entries(struct st_agg *a)
{
	size_t i;

	for (i = 0; i < a->cap; i++) {
		if (a->tab[i]) {
			free(a->tab[i]->slots);
			free(a->tab[i]);
			a->tab[i] = NULL;
		}
	}
	a->n = 0;
}

void st_agg_free(struct st_agg *a)
{
	if (!a)
		return;
	if (a->tab)
		free_entries(a);
	free(a->tab);
	free(a->name);
	free(a);
}

const char *st_agg_name(const struct st_agg *a)
{
	return a->name;
}

void st_agg_clear(struct st_agg *a)
{
	free_entries(a);
}

size_t st_agg_nkeys(const struct st_agg *a)
{
	return a->n;
}

static int grow(struct st_agg *a)
{
	size_t cap = a->cap * 2, i, j;
	struct st_agg_entry **nt = calloc(cap, sizeof(*nt));

	if (!nt)
		return -1;
	for (i = 0; i < a->cap; i++) {
		struct st_agg_entry *e = a->tab[i];

		if (!e)
			continue;
		for (j = e->hash & (cap - 1); nt[j]; j = (j + 1) & (cap - 1))
			;
		nt[j] = e;
	}
	free(a->tab);
	a->tab = nt;
	a->cap = cap;
	return 0;
}

static struct st_agg_entry *find(struct st_agg *a, const struct st_agg_key *k, uint64_t h,
				  size_t *slot)
{
	struct st_agg_entry *e;
	size_t i;

	for (i = h & (a->cap - 1); (e = a->tab[i]); i = (i + 1) & (a->cap - 1)) {
		if (e->hash == h && e->klen == k->len &&
		    (!k->len || !memcmp(e->key, k->buf, k->len)))
			break;
	}
	*slot = i;
	return e;
}

unsigned long long st_agg_count(struct st_agg *a, const struct st_agg_key *k)
{
	size_t i;
	struct st_agg_entry *e = find(a, k, st_agg_key_hash(k), &i);

	return e ? e->count : 0;
}

static struct st_agg_entry *lookup(struct st_agg *a, const struct st_agg_key *k)
{
	uint64_t h = st_agg_key_hash(k);
	size_t i;
	struct st_agg_entry *e = find(a, k, h, &i);

	if (e)
		return e;
	if ((a->n + 1) * 4 > a->cap * 3) {
		if (grow(a))
			return NULL;
		return lookup(a, k);
	}
	e = calloc(1, sizeof(*e) + k->len);
	if (!e)
		return NULL;
	if (a->nslots && !(e->slots = calloc((size_t)a->nslots, sizeof(*e->slots)))) {
		free(e);
		return NULL;
	}
	e->hash = h;
	e->klen = k->len;
	if (k->len)
		memcpy(e->key, k->buf, k->len);
	a->tab[i] = e;
	a->n++;
	return e;
}

int st_agg_add(struct st_agg *a, const struct st_agg_key *k, long long v, unsigned long long n)
{
	struct st_agg_entry *e;

	if (!n)
		return 0;
	e = lookup(a, k);
	if (!e)
		return -1;
	if (!e->count || v < e->min)
		e->min = v;
	if (!e->count || v > e->max)
		e->max = v;
	e->count += n;
	e->sum += v * (long long)n;
	if (e->slots)
		e->slots[st_agg_slot(a, v)] += n;
	return 0;
}
