// SPDX-License-Identifier: MIT
/* Perf and ring buffers: every buffer map is read through one poll loop, and each record
 * goes to the callback with its event type from the map's lbc.h type hint. */
#include "lbc_int.h"
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>

/* The pointee type of the hint variable __lbc_<kind>__<map> (see lbc.h), or 0. */
uint32_t lbc_hint_type(struct lbc *l, const char *kind, const char *map)
{
	const struct btf *btf = lbc_btf(l);
	const struct btf_type *t;
	char name[256];
	int id;

	if (!btf)
		return 0;
	snprintf(name, sizeof(name), "__lbc_%s__%s", kind, map);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_VAR);
	if (id <= 0)
		return 0;
	t = btf__type_by_id(btf, btf__type_by_id(btf, (uint32_t)id)->type);
	return t && btf_is_ptr(t) ? t->type : 0;
}

/* Perf buffers wake the reader once a quarter of a CPU's buffer is filled, not per record
 * (libbpf's perf_buffer__new wakes per record: ~120k records/s at most); lbc_poll reads
 * what is below the mark within LBC_PERF_NAP_MS. */
enum { LBC_PERF_PAGES = 64, LBC_PERF_NAP_MS = 100 };

struct perf_raw_sample {
	struct perf_event_header header;
	__u32 size;
	char data[];
};

struct perf_raw_lost {
	struct perf_event_header header;
	__u64 id;
	__u64 lost;
};

static enum bpf_perf_event_ret perf_record(void *ctx, int cpu, struct perf_event_header *h)
{
	struct lbc_buf *b = ctx;

	if (h->type == PERF_RECORD_SAMPLE) {
		struct perf_raw_sample *s = (struct perf_raw_sample *)h;
		struct lbc_event ev = { b->name, s->data, s->size, cpu, b->type_id };

		b->l->events_seen++;
		b->cb(b->ctx, &ev);
	} else if (h->type == PERF_RECORD_LOST) {
		b->l->lost += ((struct perf_raw_lost *)h)->lost;
	}
	return LIBBPF_PERF_EVENT_CONT;
}

static struct perf_buffer *perf_open(struct lbc_buf *b)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		.size = sizeof(attr),
		.watermark = 1,
	};
	long page = sysconf(_SC_PAGESIZE);

	attr.wakeup_watermark = (__u32)((page > 0 ? page : 4096) * LBC_PERF_PAGES / 4);
	return perf_buffer__new_raw(b->map_fd, LBC_PERF_PAGES, &attr, perf_record, b, NULL);
}

static int ring_sample(void *ctx, void *data, size_t size)
{
	struct lbc_buf *b = ctx;
	struct lbc_event ev = { b->name, data, size, -1, b->type_id };

	b->l->events_seen++;
	b->cb(b->ctx, &ev);
	return 0;
}

int lbc_on_event(struct lbc *l, const char *name, lbc_event_cb cb, void *ctx)
{
	struct bpf_map *m;
	int found = 0;

	if (!l->loaded)
		return lbc_fail(l, EINVAL, "load before reading events");
	bpf_object__for_each_map(m, l->obj) {
		enum bpf_map_type mt = bpf_map__type(m);
		struct lbc_buf **nb, *b;

		if (mt != BPF_MAP_TYPE_PERF_EVENT_ARRAY && mt != BPF_MAP_TYPE_RINGBUF)
			continue;
		if (name && strcmp(name, bpf_map__name(m)))
			continue;
		nb = realloc(l->bufs, sizeof(*nb) * (size_t)(l->nbufs + 1));
		if (!nb)
			return lbc_fail(l, ENOMEM, "out of memory");
		l->bufs = nb;
		b = calloc(1, sizeof(*b));
		if (!b)
			return lbc_fail(l, ENOMEM, "out of memory");
		l->bufs[l->nbufs++] = b;
		b->l = l;
		b->name = bpf_map__name(m);
		b->map_fd = bpf_map__fd(m);
		b->is_ring = mt == BPF_MAP_TYPE_RINGBUF;
		b->type_id = lbc_hint_type(l, "ev", b->name);
		b->cb = cb;
		b->ctx = ctx;
		if (b->is_ring)
			b->rb = ring_buffer__new(b->map_fd, ring_sample, b, NULL);
		else
			b->pb = perf_open(b);
		if (!b->pb && !b->rb)
			return lbc_fail(l, errno, "cannot open buffer %s: %s", b->name,
					strerror(errno));
		found++;
	}
	if (!found)
		return lbc_fail(l, ENOENT, name ? "no perf or ring buffer map named '%s'" :
				"%sthe program has no perf or ring buffer map", name ? name : "");
	return 0;
}

/* Every buffer's epoll fd, then the printk pipe: up to 64 fds. */
static int fill_pfds(struct lbc *l, struct pollfd *pf)
{
	int i, n = 0;

	for (i = 0; i < l->nbufs && n < 63; i++)
		pf[n++] = (struct pollfd){ l->bufs[i]->rb ? ring_buffer__epoll_fd(l->bufs[i]->rb)
					   : perf_buffer__epoll_fd(l->bufs[i]->pb), POLLIN, 0 };
	if (l->printk_fd >= 0)
		pf[n++] = (struct pollfd){ l->printk_fd, POLLIN, 0 };
	return n;
}

static void consume(struct lbc_buf *b)
{
	if (b->rb)
		ring_buffer__consume(b->rb);
	else
		perf_buffer__consume(b->pb);
}

/* Perf buffers, and ring buffers filled by lbc_ringbuf_output, wake their reader at a
 * mark: the wait is in naps. */
static bool has_perf(const struct lbc *l)
{
	return l->nbufs > 0;
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Perf buffers wake a poller only at their wake-up mark: the wait is one nap at most
 * (the caller's lbc_consume then reads what is below the mark). */
int lbc_wait(struct lbc *l, int timeout_ms)
{
	struct pollfd pf[64];
	int r;

	if (has_perf(l) && (timeout_ms < 0 || timeout_ms > LBC_PERF_NAP_MS))
		timeout_ms = LBC_PERF_NAP_MS;
	r = poll(pf, (nfds_t)fill_pfds(l, pf), timeout_ms);
	return r < 0 ? -errno : r > 0;
}

/* Delivers everything buffered now, without polling (see lbc_wait). */
int lbc_consume(struct lbc *l)
{
	int i, before = l->events_seen;

	for (i = 0; i < l->nbufs; i++)
		consume(l->bufs[i]);
	return l->events_seen - before;
}

/* Waits in naps of at most LBC_PERF_NAP_MS while perf buffers exist: records below their
 * wake-up mark are read after each nap, so none waits longer than that. */
int lbc_poll(struct lbc *l, int timeout_ms)
{
	struct pollfd pf[64];
	int i, n = fill_pfds(l, pf), before = l->events_seen, r, nap;
	bool perf = has_perf(l);
	double end = timeout_ms >= 0 ? mono_ms() + timeout_ms : 0;

	for (;;) {
		nap = timeout_ms;
		if (perf && (nap < 0 || nap > LBC_PERF_NAP_MS))
			nap = LBC_PERF_NAP_MS;
		if (timeout_ms >= 0 && nap > 0 && nap > end - mono_ms())
			nap = end > mono_ms() ? (int)(end - mono_ms()) + 1 : 0;
		r = poll(pf, (nfds_t)n, nap);
		if (r < 0)
			return -errno;
		for (i = 0; i < l->nbufs && i < 63; i++)
			if (pf[i].revents || r == 0)
				consume(l->bufs[i]);
		if (r > 0 || l->events_seen != before || !perf ||
		    (timeout_ms >= 0 && mono_ms() >= end))
			break;
	}
	return l->events_seen - before;
}

void lbc_lost_autocreate(struct lbc *l)
{
	struct bpf_map *m, *lost = bpf_object__find_map_by_name(l->obj, "lbc_lost");

	if (!lost)
		return;
	bpf_object__for_each_map(m, l->obj)
		if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF ||
		    bpf_map__type(m) == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			return;
	bpf_map__set_autocreate(lost, false);
}

/* Slot `slot` of lbc.h's lbc_lost, summed over CPUs. */
static unsigned long long counted_lost(const struct lbc *l, uint32_t slot)
{
	struct bpf_map *m = l->loaded ? bpf_object__find_map_by_name(l->obj, "lbc_lost") : NULL;
	int ncpu = libbpf_num_possible_cpus(), i;
	unsigned long long sum = 0;
	uint64_t *v;

	if (!m || bpf_map__fd(m) < 0 || ncpu <= 0)
		return 0;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (v && !bpf_map__lookup_elem(m, &slot, sizeof(slot), v, sizeof(*v) * (size_t)ncpu, 0))
		for (i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

/* Ring-buffer drops (counted by lbc_ringbuf_output), plus perf-buffer drops: the kernel's
 * lost records, or lbc_perf_output's count when higher (the kernel reports a drop only
 * once a later record finds room, so the last ones of a run may never be reported). */
unsigned long long lbc_lost_events(const struct lbc *l)
{
	unsigned long long perf = counted_lost(l, 1);

	return counted_lost(l, 0) + (perf > l->lost ? perf : l->lost);
}

void lbc_bufs_free(struct lbc *l)
{
	int i;

	for (i = 0; i < l->nbufs; i++) {
		perf_buffer__free(l->bufs[i]->pb);
		ring_buffer__free(l->bufs[i]->rb);
		free(l->bufs[i]);
	}
	free(l->bufs);
	l->bufs = NULL;
	l->nbufs = 0;
}
