// SPDX-License-Identifier: MIT
/* Field access and formatting of one delivered event (surftrace_event_*). */
#include "api/api_int.h"
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

static const struct st_event *raw(const struct surftrace_event *ev)
{
	const struct st_api_event *p = ev ? ev->priv : NULL;

	return p ? p->ev : NULL;
}

int surftrace_event_num(const struct surftrace_event *ev, const char *name,
			unsigned long long *val)
{
	const struct st_event *e = raw(ev);
	struct tep_format_field *f;

	if (!e || !e->tev || !(f = tep_find_any_field(e->tev, name)))
		return -1;
	/* Strings and arrays have no single number; refuse rather than return an offset. */
	if (f->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_ARRAY))
		return -1;
	if (tep_read_number_field(f, e->rec->data, val))
		return -1;
	/* s8..s32 come back zero-extended: make (long long)*val the C value. */
	if ((f->flags & TEP_FIELD_IS_SIGNED) && f->size > 0 && f->size < 8 &&
	    (*val >> (f->size * 8 - 1)) & 1)
		*val |= ~0ULL << (f->size * 8);
	return 0;
}

const char *surftrace_event_str(const struct surftrace_event *ev, const char *name,
				char *buf, size_t n)
{
	const struct st_event *e = raw(ev);
	struct tep_format_field *f;
	const char *data;
	int len = 0;

	if (!e || !e->tev || !n || !(f = tep_find_any_field(e->tev, name)))
		return NULL;
	if (!(f->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_ARRAY)))
		return NULL;
	data = tep_get_field_raw(NULL, e->tev, name, e->rec, &len, 0);
	if (!data || len < 0)
		return NULL;
	if ((size_t)len >= n)
		len = (int)n - 1;
	memcpy(buf, data, (size_t)len);
	buf[len] = '\0';   /* char arrays need not be terminated in the record */
	return buf;
}

/* A renderer is a st_output writing into a memory stream, made on first use: the JSON
 * one of surftrace_event_format is also what field values come from. */
static struct st_output *st_api_renderer(struct surftrace *st, int json)
{
	struct st_output_opts oo = {
		.mode = json ? ST_OUT_JSON : ST_OUT_TEXT,
		.probes = (const struct st_probe *const *)st->probes,
		.nprobes = st->nprobes,
		.group = surftrace_name(st),
	};

	if (st->render[json])
		return st->render[json];
	st->render_f[json] = open_memstream(&st->render_buf[json], &st->render_len[json]);
	if (!st->render_f[json])
		return NULL;
	oo.out = st->render_f[json];
	st->render[json] = st_output_new(&oo, NULL);
	return st->render[json];
}

const char *surftrace_event_format(const struct surftrace_event *ev, bool json)
{
	const struct st_api_event *p = ev ? ev->priv : NULL;
	struct st_output *out;
	int j = json ? 1 : 0;
	char *buf;

	if (!p || !(out = st_api_renderer(p->st, j)))
		return NULL;
	rewind(p->st->render_f[j]);
	if (st_output_event(out, p->ev) < 0 || st_output_flush(out) < 0)
		return NULL;
	fputc('\0', p->st->render_f[j]);
	fflush(p->st->render_f[j]);
	buf = p->st->render_buf[j];
	if (buf) {
		size_t len = strlen(buf);

		/* Stack frames stay as their own lines; only the final newline goes. */
		while (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
	}
	return buf;
}

void st_api_render_free(struct surftrace *st)
{
	int j;

	for (j = 0; j < 2; j++) {
		st_output_free(st->render[j]);
		if (st->render_f[j])
			fclose(st->render_f[j]);
		free(st->render_buf[j]);
		st->render[j] = NULL;
		st->render_f[j] = NULL;
		st->render_buf[j] = NULL;
	}
}

_Static_assert((int)SURFTRACE_VALUE_ARRAY == (int)ST_VAL_ARRAY &&
	       (int)SURFTRACE_VALUE_HEX == (int)ST_VAL_HEX &&
	       (int)SURFTRACE_VALUE_TEXT == (int)ST_VAL_TEXT &&
	       (int)SURFTRACE_VALUE_NONE == (int)ST_VAL_NONE, "value types mirror the output's");

int surftrace_event_nfields(const struct surftrace_event *ev)
{
	const struct st_api_event *p = ev ? ev->priv : NULL;
	struct st_output *out = p ? st_api_renderer(p->st, 1) : NULL;

	return out ? st_output_nfields(out, p->ev) : -1;
}

int surftrace_event_field(const struct surftrace_event *ev, int i, struct surftrace_value *v)
{
	const struct st_api_event *p = ev ? ev->priv : NULL;
	struct st_output *out = p ? st_api_renderer(p->st, 1) : NULL;
	struct st_value *sv;

	if (!out)
		return -1;
	sv = &p->st->val;
	if (st_output_field(out, p->ev, i, sv) < 0)
		return -1;
	*v = (struct surftrace_value){
		.name = sv->name, .type = (enum surftrace_value_type)sv->type, .i = sv->i,
		.u = sv->u, .str = sv->str, .len = sv->len, .data = sv->data, .n = sv->n,
		.elem = sv->elem, .sign = sv->sign, .hex = sv->hex,
	};
	return 0;
}

const char *surftrace_event_frame(const struct surftrace_event *ev, int i, char *buf,
				  size_t n)
{
	const struct st_api_event *p = ev ? ev->priv : NULL;
	struct st_output *out = p ? st_api_renderer(p->st, 1) : NULL;

	if (!out || i < 0 || i >= ev->nstack)
		return NULL;
	return st_output_symbolize(out, ev->stack[i], buf, n);
}
