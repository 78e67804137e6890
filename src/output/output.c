// SPDX-License-Identifier: MIT
/* The output stage's entry points: per event, build the whole line in one preallocated
 * buffer and fwrite it to a block-buffered stream (a reader at millions of events per
 * second must not pay a syscall or an allocation per event). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event-parse.h>
#include "output/output_int.h"
#include "util/json.h"
#include "util/msg.h"

#define LINE_MAX_BYTES 65536
#define BLOCK_BYTES (1 << 18)

struct st_output *st_output_new(const struct st_output_opts *o, struct st_err *err)
{
	struct st_output *out = calloc(1, sizeof(*out));
	/* lines are made in place at the block's end: a block's worth, then room for one */
	char *blk = malloc(BLOCK_BYTES + LINE_MAX_BYTES);
	if (!out || !blk) {
		free(out);
		free(blk);
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	out->mode = o->mode;
	out->out = o->out ? o->out : stdout;
	out->probes = o->probes;
	out->nprobes = o->nprobes;
	snprintf(out->group, sizeof(out->group), "%s", o->group ? o->group : "");
	snprintf(out->kallsyms, sizeof(out->kallsyms), "%s",
		 o->kallsyms ? o->kallsyms : "/proc/kallsyms");
	out->linebuf = o->line_buffered || isatty(fileno(out->out));
	/* Our own block (stdio would pick 4 KiB for a pipe): one fwrite per 256 KiB. */
	out->blk = blk;
	out->sb.p = blk;
	out->sb.cap = LINE_MAX_BYTES - 1;  /* room for the final newline */
	trace_seq_init(&out->seq);
	return out;
}

void st_output_free(struct st_output *out)
{
	if (!out)
		return;
	st_output_flush(out);
	if (out->resolver_tep)
		tep_reset_function_resolver(out->resolver_tep);
	for (int i = 0; i < out->nbyid; i++)
		st_oevent_clear(&out->byid[i]);
	free(out->byid);
	trace_seq_destroy(&out->seq);
	st_addrsyms_free(out->syms);
	free(out->blk);
	free(out->lost_said);
	free(out->heads);
	free(out);
}

int st_output_flush(struct st_output *out)
{
	if (out->failed) {
		errno = out->err;
		return -1;
	}
	errno = 0;
	if ((out->blen && fwrite(out->blk, 1, out->blen, out->out) != out->blen) ||
	    fflush(out->out)) {
		out->failed = true;
		out->err = errno ? errno : EIO;
	}
	out->blen = 0;
	return out->failed ? -1 : 0;
}

int st_output_error(const struct st_output *out)
{
	return out && out->failed ? out->err : 0;
}

static const struct st_probe *probe_for(struct st_output *out, struct tep_event *tev)
{
	for (size_t i = 0; i < out->nprobes; i++) {
		const struct st_probe *p = out->probes[i];
		if (!p || !p->event)
			continue;
		if (p->type == 'e') {
			if (p->group && !fnmatch(p->group, tev->system, 0) &&
			    !fnmatch(p->event, tev->name, 0))
				return p;
		} else if (!strcmp(p->event, tev->name) &&
			   (!out->group[0] || !strcmp(out->group, tev->system))) {
			return p;
		}
	}
	return NULL;
}

static struct st_oevent *oevent(struct st_output *out, const struct st_event *ev)
{
	if (ev->id < 0)
		return NULL;
	if (ev->id >= out->nbyid) {
		int n = ev->id + 64;
		struct st_oevent *nb = realloc(out->byid, (size_t)n * sizeof(*nb));
		if (!nb)
			return NULL;
		memset(nb + out->nbyid, 0, (size_t)(n - out->nbyid) * sizeof(*nb));
		out->byid = nb;
		out->nbyid = n;
	}
	struct st_oevent *oe = &out->byid[ev->id];
	if (!oe->built && st_oevent_build(oe, ev->tev, probe_for(out, ev->tev)))
		return NULL;
	if (out->mode == ST_OUT_JSON && !oe->jhead)
		st_oevent_build_json(oe, ev->tev);  /* without it: escaped per event */
	return oe;
}

static int put_line(struct st_output *out);

/* A new line, made where it goes: at the end of the block. */
static void line_start(struct st_output *out)
{
	out->sb.p = out->blk + out->blen;
	out->sb.len = 0;
	out->sb.trunc = false;
}

/* Events lost just before ev, as trace_pipe marks them: "CPU:N [LOST M EVENTS]" in text,
 * {"v":1,"lost":M,"cpu":N} in JSON (a loss without a count: text only; the final record
 * has it). Remembered, so the final records give only what was not said here. */
static int put_lost_marker(struct st_output *out, const struct st_event *ev)
{
	line_start(out);
	if (ev->lost_before > 0 && ev->cpu >= 0) {
		if (ev->cpu >= out->nlost_said) {
			int n = ev->cpu + 1;
			unsigned long long *v = realloc(out->lost_said, sizeof(*v) * (size_t)n);

			if (v) {
				memset(v + out->nlost_said, 0,
				       sizeof(*v) * (size_t)(n - out->nlost_said));
				out->lost_said = v;
				out->nlost_said = n;
			}
		}
		if (ev->cpu < out->nlost_said)
			out->lost_said[ev->cpu] += (unsigned long long)ev->lost_before;
	}
	if (out->mode == ST_OUT_JSON) {
		if (ev->lost_before <= 0)
			return 0;
		st_sb_printf(&out->sb, "{\"v\":%d,\"lost\":%lld,\"cpu\":%d}\n", ST_JSON_V,
			     ev->lost_before, ev->cpu);
	} else if (ev->lost_before > 0) {
		st_sb_printf(&out->sb, "CPU:%d [LOST %lld EVENTS]\n", ev->cpu, ev->lost_before);
	} else {
		st_sb_printf(&out->sb, "CPU:%d [LOST EVENTS]\n", ev->cpu);
	}
	return put_line(out);
}

int st_output_event(struct st_output *out, const struct st_event *ev)
{
	const struct st_oevent *oe = oevent(out, ev);

	if (ev->lost_before && put_lost_marker(out, ev))
		return -1;
	line_start(out);
	if (out->mode == ST_OUT_JSON)
		st_put_json(out, oe, ev);
	else
		st_put_text(out, oe, ev);
	if (out->sb.trunc) {
		/* An over-long line is cut; keep the stream line-oriented (and JSON lines
		 * parseable line by line: a cut object is replaced by a marker). */
		if (out->mode == ST_OUT_JSON) {
			out->sb.len = 0;
			out->sb.trunc = false;
			st_sb_printf(&out->sb, "{\"v\":%d,\"event\":", ST_JSON_V);
			st_sb_json_str(&out->sb, ev->name, strlen(ev->name));
			st_sb_puts(&out->sb, ",\"truncated\":true}\n");
		} else {
			out->sb.p[out->sb.len++] = '\n';
		}
	}
	return put_line(out);
}

/* The line made at the block's end (line_start) is in: the block goes out once full. */
static int put_line(struct st_output *out)
{
	if (out->failed) {
		errno = out->err;
		return -1;
	}
	out->blen += out->sb.len;
	if (out->linebuf || out->blen >= BLOCK_BYTES)
		return st_output_flush(out);
	return 0;
}

int st_output_nfields(struct st_output *out, const struct st_event *ev)
{
	const struct st_oevent *oe = oevent(out, ev);
	int n = 0;
	if (oe && oe->dynamic)
		return oe->nargs;
	for (struct tep_format_field *f = ev->tev->format.fields; f; f = f->next)
		n++;
	return n;
}

int st_output_field(struct st_output *out, const struct st_event *ev, int i,
		    struct st_value *v)
{
	const struct st_oevent *oe = oevent(out, ev);
	if (i < 0)
		return -1;
	if (oe && oe->dynamic) {
		if (i >= oe->nargs)
			return -1;
		st_oarg_value(out, &oe->args[i], ev->tep, ev->rec->data, ev->rec->size, v);
		return 0;
	}
	for (struct tep_format_field *f = ev->tev->format.fields; f; f = f->next) {
		if (!i--) {
			st_field_value(f, ev->tep, ev->rec->data, ev->rec->size, v);
			return 0;
		}
	}
	return -1;
}

const char *st_output_symbolize(struct st_output *out, unsigned long long addr, char *buf,
				size_t n)
{
	struct st_sb b = { .p = buf, .cap = n ? n - 1 : 0 };
	if (!n)
		return NULL;
	st_addrsyms_put(st_output_syms(out), &b, addr, true);
	buf[b.len] = '\0';
	return buf;
}

int st_output_cb(const struct st_event *ev, void *ctx)
{
	return st_output_event(ctx, ev) ? 1 : 0;
}

int st_output_lost_counts(struct st_output *out, const int *cpus,
			  const unsigned long long *lost, int n)
{
	if (out->mode != ST_OUT_JSON)
		return 0;
	for (int i = 0; i < n; i++) {
		if (!lost[i])
			continue;
		line_start(out);
		st_sb_printf(&out->sb, "{\"v\":%d,\"lost\":%llu,\"cpu\":%d}\n", ST_JSON_V,
			     lost[i], cpus[i]);
		if (put_line(out))
			return -1;
	}
	return st_output_flush(out);
}

static char lost_advice[256];

void st_output_set_lost_advice(const char *advice)
{
	snprintf(lost_advice, sizeof(lost_advice), "%s", advice ? advice : "");
}

unsigned long long st_output_lost_counts_summary(FILE *f, const int *cpus,
						 const unsigned long long *lost, int n)
{
	unsigned long long total = 0;
	bool first = true;
	struct st_sb b = { 0 };
	char *line;

	for (int i = 0; i < n; i++)
		total += lost[i];
	if (!total)
		return 0;
	/* room for every CPU's ", cpu%d: %llu" (at most 38 bytes), the head and the advice */
	b.cap = (size_t)n * 40 + 64 + sizeof(lost_advice);
	line = b.p = malloc(b.cap + 1);
	if (!line)
		return total;
	st_sb_printf(&b, "surftrace: lost %llu events (", total);
	for (int i = 0; i < n; i++) {
		if (!lost[i])
			continue;
		st_sb_printf(&b, "%scpu%d: %llu", first ? "" : ", ", cpus[i], lost[i]);
		first = false;
	}
	st_sb_printf(&b, ")%s%s\n", lost_advice[0] ? "; " : "", lost_advice);
	line[b.len] = 0;
	if (f)
		fputs(line, f);
	else
		st_print(SURFTRACE_WARN, "%s", line);
	free(line);
	return total;
}

/* The reader's per-CPU counts as arrays (NULL when there is nothing to say). */
static int reader_counts(struct st_reader *r, int **cpus, unsigned long long **lost)
{
	int n = st_reader_ncpus(r);

	*cpus = calloc((size_t)(n > 0 ? n : 1), sizeof(**cpus));
	*lost = calloc((size_t)(n > 0 ? n : 1), sizeof(**lost));
	if (!*cpus || !*lost) {
		free(*cpus);
		free(*lost);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		(*cpus)[i] = st_reader_cpu_at(r, i);
		(*lost)[i] = st_reader_lost(r, (*cpus)[i]);
	}
	return n;
}

int st_output_lost_records(struct st_output *out, struct st_reader *r)
{
	unsigned long long *lost;
	int *cpus, n = reader_counts(r, &cpus, &lost), rc;

	if (n < 0)
		return -1;
	/* what the inline markers did not say yet */
	for (int i = 0; i < n; i++) {
		unsigned long long said = cpus[i] >= 0 && cpus[i] < out->nlost_said ?
					  out->lost_said[cpus[i]] : 0;

		lost[i] = lost[i] > said ? lost[i] - said : 0;
	}
	rc = st_output_lost_counts(out, cpus, lost, n);
	free(cpus);
	free(lost);
	return rc;
}

unsigned long long st_output_lost_summary(FILE *f, struct st_reader *r)
{
	unsigned long long *lost, total;
	int *cpus, n = reader_counts(r, &cpus, &lost);

	if (n < 0)
		return 0;
	total = st_output_lost_counts_summary(f, cpus, lost, n);
	free(cpus);
	free(lost);
	return total;
}
