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

static void perf_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct lbc_buf *b = ctx;
	struct lbc_event ev = { b->name, data, size, cpu, b->type_id };

	b->l->events_seen++;
	b->cb(b->ctx, &ev);
}

static void perf_lost(void *ctx, int cpu, __u64 cnt)
{
	struct lbc_buf *b = ctx;

	(void)cpu;
	b->l->lost += cnt;
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
			b->pb = perf_buffer__new(b->map_fd, 64, perf_sample, perf_lost, b, NULL);
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

int lbc_wait(struct lbc *l, int timeout_ms)
{
	struct pollfd pf[64];
	int r = poll(pf, (nfds_t)fill_pfds(l, pf), timeout_ms);

	return r < 0 ? -errno : r > 0;
}

int lbc_poll(struct lbc *l, int timeout_ms)
{
	struct pollfd pf[64];
	int i, n = fill_pfds(l, pf), before = l->events_seen, r;

	r = poll(pf, (nfds_t)n, timeout_ms);
	if (r < 0)
		return -errno;
	for (i = 0; i < l->nbufs && i < 63; i++) {
		if (!pf[i].revents)
			continue;
		if (l->bufs[i]->rb)
			ring_buffer__consume(l->bufs[i]->rb);
		else
			perf_buffer__consume(l->bufs[i]->pb);
	}
	return l->events_seen - before;
}

unsigned long long lbc_lost_events(const struct lbc *l) { return l->lost; }

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
