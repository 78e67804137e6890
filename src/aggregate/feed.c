// SPDX-License-Identifier: MIT
/* The user-space engine: key and value extraction from delivered events. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "aggregate/feed.h"
#include "aggregate/usyms.h"

#define K_COMM ST_KEY_COMM
#define K_PID ST_KEY_PID
#define K_CPU ST_KEY_CPU
#define K_EVENT ST_KEY_EVENT
#define K_STACK ST_KEY_STACK
#define K_FIELD ST_KEY_FIELD
#define K_USTACK ST_KEY_USTACK
typedef enum st_feed_key_kind key_kind_t;

struct key_part {
	key_kind_t kind;
	char *name;
};

struct keys {
	struct key_part *v;
	int n;
};

struct st_feed {
	struct keys keys;
	struct st_usyms *usyms;
	unsigned long long added, skipped;  /* events counted / lacking a key or the value */
	struct st_err miss;                 /* why the first one was skipped */
	char *field;
	struct st_agg *agg;
	struct st_agg_key kb;
};

static const struct {
	const char *name;
	key_kind_t kind;
} builtin[] = {
	{ "comm", K_COMM }, { "pid", K_PID }, { "tid", K_PID }, { "cpu", K_CPU },
	{ "event", K_EVENT }, { "stack", K_STACK }, { "ustack", K_USTACK },
};

static void keys_free(struct keys *k)
{
	int i;

	for (i = 0; i < k->n; i++)
		free(k->v[i].name);
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

static int keys_parse(struct keys *k, const char *list, struct st_err *err)
{
	const char *p = list ? list : "";
	size_t i;

	while (*p) {
		size_t len = strcspn(p, ",");
		struct key_part *nv;

		if (!len)
			return st_err_set(err, (int)(p - list) + 1,
					  "empty key name in '%s' (keys are comma separated)", list);
		nv = realloc(k->v, (size_t)(k->n + 1) * sizeof(*nv));
		if (!nv)
			return st_err_set(err, 0, "out of memory");
		k->v = nv;
		k->v[k->n].name = strndup(p, len);
		if (!k->v[k->n].name)
			return st_err_set(err, 0, "out of memory");
		k->v[k->n].kind = K_FIELD;
		for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
			if (!strcmp(builtin[i].name, k->v[k->n].name))
				k->v[k->n].kind = builtin[i].kind;
		k->n++;
		p += len;
		if (*p == ',' && !*++p)
			return st_err_set(err, (int)(p - list), "trailing ',' in '%s'", list);
	}
	return 0;
}

/* Append the key of ev to kb. */
static int key_of(const struct keys *k, const struct surftrace_event *ev,
		  struct st_agg_key *kb, struct st_usyms *usyms, struct st_err *err)
{
	unsigned long long v;
	char buf[256];
	int i, rc = 0;

	for (i = 0; i < k->n && !rc; i++) {
		const struct key_part *p = &k->v[i];

		switch (p->kind) {
		case K_COMM: rc = st_agg_key_str(kb, ev->comm); break;
		case K_PID: rc = st_agg_key_num(kb, ev->pid); break;
		case K_CPU: rc = st_agg_key_num(kb, ev->cpu); break;
		case K_EVENT: rc = st_agg_key_str(kb, ev->event); break;
		case K_STACK: rc = st_agg_key_stack(kb, ev->stack, ev->nstack); break;
		case K_USTACK:
			/* its modules now, while the task runs: named when printed */
			if (ev->nustack)
				st_usyms_prepare(usyms, ev->pid);
			rc = st_agg_key_ustack(kb, ev->pid, ev->ustack, ev->nustack);
			break;
		case K_FIELD:
			if (!surftrace_event_num(ev, p->name, &v))
				rc = st_agg_key_num(kb, (long long)v);
			else if (surftrace_event_str(ev, p->name, buf, sizeof(buf)))
				rc = st_agg_key_str(kb, buf);
			else {
				st_err_set(err, 0, "event %s has no field '%s' (keys: comm, pid, cpu, "
					   "event, stack or a field of the event)", ev->event, p->name);
				return 1;
			}
			break;
		}
		if (rc)
			return st_err_set(err, 0, "out of memory");
	}
	return 0;
}

static int value_of(const char *field, const struct surftrace_event *ev, long long *out,
		    struct st_err *err)
{
	unsigned long long v;

	if (!strcmp(field, "pid") || !strcmp(field, "tid")) {
		*out = ev->pid;
		return 0;
	}
	if (!strcmp(field, "cpu")) {
		*out = ev->cpu;
		return 0;
	}
	if (surftrace_event_num(ev, field, &v)) {
		st_err_set(err, 0, "event %s has no numeric field '%s'", ev->event, field);
		return 1;
	}
	*out = (long long)v;
	return 0;
}

static const char *const kind_names[] = { "count", "hist", "lhist", "sum", "min", "max", "avg" };

struct st_feed *st_feed_new(const struct st_feed_spec *s, struct st_err *err)
{
	struct st_feed *f = calloc(1, sizeof(*f));
	struct st_agg_spec as = { .kind = s->kind, .lmin = s->lmin, .lmax = s->lmax,
				  .lstep = s->lstep };
	char name[128];

	if (!f) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	if (keys_parse(&f->keys, s->keys, err))
		goto fail;
	if (s->kind != ST_AGG_COUNT) {
		if (!s->field || !*s->field) {
			st_err_set(err, 0, "--%s needs a field", kind_names[s->kind]);
			goto fail;
		}
		f->field = strdup(s->field);
		snprintf(name, sizeof(name), "%s_%s", kind_names[s->kind], s->field);
	} else {
		snprintf(name, sizeof(name), "count");
	}
	as.name = s->name ? s->name : name;
	f->agg = st_agg_new(&as);
	if (!f->agg || (s->field && !f->field)) {
		st_err_set(err, 0, s->kind == ST_AGG_LHIST ?
			   "--lhist needs MIN < MAX and STEP > 0" : "out of memory");
		goto fail;
	}
	return f;
fail:
	st_feed_free(f);
	return NULL;
}

void st_feed_free(struct st_feed *f)
{
	if (!f)
		return;
	keys_free(&f->keys);
	free(f->field);
	st_agg_free(f->agg);
	st_agg_key_free(&f->kb);
	free(f);
}

struct st_agg *st_feed_agg(struct st_feed *f)
{
	return f->agg;
}

static bool keys_have_stack(const struct keys *k)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (k->v[i].kind == K_STACK || k->v[i].kind == K_USTACK)
			return true;
	return false;
}

int st_feed_nkeys(const struct st_feed *f)
{
	return f->keys.n;
}

enum st_feed_key_kind st_feed_key(const struct st_feed *f, int i, const char **name)
{
	*name = f->keys.v[i].name;
	return f->keys.v[i].kind;
}

const char *st_feed_field(const struct st_feed *f)
{
	return f->field;
}

bool st_feed_wants_stack(const struct st_feed *f)
{
	return keys_have_stack(&f->keys);
}

void st_feed_set_usyms(struct st_feed *f, struct st_usyms *u)
{
	f->usyms = u;
}

int st_feed_event(struct st_feed *f, const struct surftrace_event *ev, struct st_err *err)
{
	long long v = 0;

	int rc;

	st_agg_key_reset(&f->kb);
	rc = key_of(&f->keys, ev, &f->kb, f->usyms, err);
	if (!rc && f->field)
		rc = value_of(f->field, ev, &v, err);
	if (rc > 0) {
		/* another expression of the run may have it: skipped, see st_feed_check */
		if (!f->skipped++)
			f->miss = *err;
		return 0;
	}
	if (rc < 0 || st_agg_add(f->agg, &f->kb, v, 1))
		return st_err_set(err, 0, "out of memory");
	f->added++;
	return 0;
}

int st_feed_check(const struct st_feed *f, struct st_err *err)
{
	if (f->skipped && !f->added) {
		*err = f->miss;
		return -1;
	}
	return 0;
}

/* ---- latency ---- */

struct pending {
	uint64_t hash;
	unsigned long long ts;     /* 0 = no start waiting */
	size_t mlen, klen;         /* match key bytes, then the start's group key bytes */
	unsigned char *bytes;
};

struct st_latency {
	int start, end;
	struct keys match, keys;
	struct st_agg *agg;
	struct st_agg_key mk, kb;
	struct pending *tab;
	size_t cap, n;
	unsigned long long unmatched;
};

struct st_latency *st_latency_new(int start, int end, const char *match, const char *keys,
				  struct st_err *err)
{
	struct st_latency *l = calloc(1, sizeof(*l));
	struct st_agg_spec as = { .kind = ST_AGG_HIST, .name = "latency_ns" };

	if (!l) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	l->start = start;
	l->end = end;
	if (keys_parse(&l->match, match && *match ? match : "pid", err) ||
	    keys_parse(&l->keys, keys, err))
		goto fail;
	l->cap = 256;
	l->tab = calloc(l->cap, sizeof(*l->tab));
	l->agg = st_agg_new(&as);
	if (!l->tab || !l->agg) {
		st_err_set(err, 0, "out of memory");
		goto fail;
	}
	return l;
fail:
	st_latency_free(l);
	return NULL;
}

void st_latency_free(struct st_latency *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; l->tab && i < l->cap; i++)
		free(l->tab[i].bytes);
	free(l->tab);
	keys_free(&l->match);
	keys_free(&l->keys);
	st_agg_free(l->agg);
	st_agg_key_free(&l->mk);
	st_agg_key_free(&l->kb);
	free(l);
}

struct st_agg *st_latency_agg(struct st_latency *l)
{
	return l->agg;
}

static struct pending *slot_for(struct st_latency *l, const struct st_agg_key *mk, bool add)
{
	uint64_t h = st_agg_key_hash(mk);
	size_t i;

	for (i = h & (l->cap - 1); l->tab[i].hash; i = (i + 1) & (l->cap - 1)) {
		struct pending *p = &l->tab[i];

		if (p->hash == h && p->mlen == mk->len && !memcmp(p->bytes, mk->buf, mk->len))
			return p;
	}
	if (!add)
		return NULL;
	if ((l->n + 1) * 4 > l->cap * 3) {
		size_t cap = l->cap * 2, j;
		struct pending *nt = calloc(cap, sizeof(*nt));

		if (!nt)
			return NULL;
		for (i = 0; i < l->cap; i++) {
			if (!l->tab[i].hash)
				continue;
			for (j = l->tab[i].hash & (cap - 1); nt[j].hash; j = (j + 1) & (cap - 1))
				;
			nt[j] = l->tab[i];
		}
		free(l->tab);
		l->tab = nt;
		l->cap = cap;
		return slot_for(l, mk, true);
	}
	l->tab[i].hash = h;
	l->tab[i].mlen = mk->len;
	l->n++;
	return &l->tab[i];
}

static int on_start(struct st_latency *l, const struct surftrace_event *ev,
		    struct st_err *err)
{
	struct pending *p = slot_for(l, &l->mk, true);
	unsigned char *nb;

	if (!p)
		return st_err_set(err, 0, "out of memory");
	st_agg_key_reset(&l->kb);
	if (key_of(&l->keys, ev, &l->kb, NULL, err))
		return -1;   /* a missing --by key of the start event: the run stops */
	if (!p->bytes || p->klen != l->kb.len) {
		nb = realloc(p->bytes, p->mlen + l->kb.len + 1);
		if (!nb)
			return st_err_set(err, 0, "out of memory");
		p->bytes = nb;
		memcpy(p->bytes, l->mk.buf, p->mlen);
	}
	if (l->kb.len)
		memcpy(p->bytes + p->mlen, l->kb.buf, l->kb.len);
	p->klen = l->kb.len;
	p->ts = ev->ts_ns ? ev->ts_ns : 1;
	return 0;
}

static int on_end(struct st_latency *l, const struct surftrace_event *ev, struct st_err *err)
{
	struct pending *p = slot_for(l, &l->mk, false);
	struct st_agg_key k;

	if (!p || !p->ts || ev->ts_ns < p->ts) {
		l->unmatched++;
		return 0;
	}
	k.buf = p->bytes + p->mlen;
	k.len = k.cap = p->klen;
	if (st_agg_add(l->agg, &k, (long long)(ev->ts_ns - p->ts), 1))
		return st_err_set(err, 0, "out of memory");
	p->ts = 0;
	return 0;
}

int st_latency_event(struct st_latency *l, const struct surftrace_event *ev,
		     struct st_err *err)
{
	if (ev->expr != l->start && ev->expr != l->end)
		return 0;
	st_agg_key_reset(&l->mk);
	if (key_of(&l->match, ev, &l->mk, NULL, err))
		return -1;   /* START and END must both have the match keys */
	return ev->expr == l->start ? on_start(l, ev, err) : on_end(l, ev, err);
}
