// SPDX-License-Identifier: MIT
/* One event as one text line (the original's / trace_pipe's shape) or one JSON object,
 * built in the output's line buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>
#include "output/output_int.h"
#include "util/json.h"

struct st_addrsyms *st_output_syms(struct st_output *out)
{
	if (!out->syms)
		out->syms = st_addrsyms_new(out->kallsyms);
	return out->syms;
}

/* libtraceevent calls this for %pS/%ps in trace events' print fmts. */
static char *resolve(void *priv, unsigned long long *addrp, char **modp)
{
	struct st_output *out = priv;
	const char *name;
	unsigned long long start, size;
	if (!st_output_syms(out) || !st_addrsyms_find(out->syms, *addrp, &name, &start, &size))
		return NULL;
	*addrp = start;
	if (modp)
		*modp = NULL;
	return (char *)name;
}

static unsigned long long field_u64(const struct st_event *ev, struct tep_format_field *f)
{
	unsigned long long v = 0;
	if (f && f->offset + f->size <= ev->rec->size)
		tep_read_number_field(f, ev->rec->data, &v);
	return v;
}

/* A kernel address: kprobes by type, else by the upper half of the address space. */
static bool kernel_addr(const struct st_oevent *oe, unsigned long long a)
{
	if (oe->ptype == 'p' || oe->ptype == 'r')
		return true;
	if (oe->ptype == 'P' || oe->ptype == 'R')
		return false;
	return a >> 63;
}

/* "(sym+off/size)", "(caller+off/size <- func)", "(0x7f..)", "(0x.. <- 0x..)" */
static void put_location(struct st_output *out, const struct st_oevent *oe,
			 const struct st_event *ev)
{
	struct st_sb *b = &out->sb;
	st_sb_put(b, "(", 1);
	if (oe->func && oe->retip) {
		unsigned long long ret = field_u64(ev, oe->retip), fn = field_u64(ev, oe->func);
		if (kernel_addr(oe, fn)) {
			st_addrsyms_put(st_output_syms(out), b, ret, true);
			st_sb_puts(b, " <- ");
			st_addrsyms_put(st_output_syms(out), b, fn, false);
		} else {
			st_sb_printf(b, "0x%llx <- 0x%llx", fn, ret);
		}
	} else {
		unsigned long long ip = field_u64(ev, oe->ip);
		if (kernel_addr(oe, ip))
			st_addrsyms_put(st_output_syms(out), b, ip, true);
		else
			st_sb_printf(b, "0x%llx", ip);
	}
	st_sb_put(b, ")", 1);
}

/* ftrace rounds the ns clock to the nearest microsecond (ns2usecs); so do we, so that
 * our lines and trace_pipe's agree. */
static void split_ts(unsigned long long ns, unsigned long long *sec, unsigned long long *usec)
{
	unsigned long long us = (ns + 500) / 1000;
	*sec = us / 1000000ULL;
	*usec = us % 1000000ULL;
}

/* syscalls/sys_enter_X and sys_exit_X: ftrace prints them with its own functions, not
 * their (empty or hex) print fmts: "sys_openat(dfd: 0xffffff9c, mode: 0)",
 * "sys_openat -> 0x3". */
static void put_syscall(struct st_sb *b, const struct st_oevent *oe, const struct st_event *ev)
{
	st_sb_put(b, oe->sysname, oe->sysname_len);
	if (oe->syscall == 'x') {
		unsigned long long v = 0;
		struct tep_format_field *f = oe->sysret;
		if (f && f->offset + f->size <= ev->rec->size)
			v = tep_read_number(ev->tep, (const char *)ev->rec->data + f->offset, f->size);
		if (f && f->size < 8 && (f->flags & TEP_FIELD_IS_SIGNED) && (v >> (f->size * 8 - 1)))
			v |= ~0ULL << (f->size * 8);  /* the kernel prints the long */
		st_sb_printf(b, " -> 0x%llx", v);
		return;
	}
	st_sb_put(b, "(", 1);
	int i = 0;
	for (int k = 0; k < oe->nsysargs; k++) {
		struct tep_format_field *f = oe->sysargs[k];
		if (f->offset + f->size > ev->rec->size)
			continue;
		unsigned long long v = tep_read_number(ev->tep, (const char *)ev->rec->data + f->offset,
						       f->size > 8 ? 8 : f->size);
		st_sb_printf(b, v ? "%s%s: 0x%llx" : "%s%s: %llu", i++ ? ", " : "", f->name, v);
	}
	st_sb_put(b, ")", 1);
}

/* The part of a line that depends only on the task, kept per pid slot: "%16s-%-7d" in
 * text, ',"pid":P,"comm":"C"' in JSON. Most events come from a few tasks; the comm is
 * compared each time (a task renames itself, a pid is reused). */
#define HEAD_SLOTS 256
struct st_head {
	int pid;
	unsigned char len;        /* of s; 0 = empty slot */
	char comm[17];
	char s[128];              /* JSON: 7 + 11 + 8 + 2 + 6 * 16 at most */
};

/* "%16s-%-7d" at p (comm of clen bytes, padded to 16); returns the end. */
static char *text_head(char *p, const char *comm, size_t clen, int pid)
{
	for (size_t i = clen; i < 16; i++)
		*p++ = ' ';
	memcpy(p, comm, clen);
	p += clen;
	*p++ = '-';
	if (pid < 0)
		*p++ = '-';
	return st_fmt_u(p, (unsigned long long)(pid < 0 ? -(long long)pid : pid), 7, ' ', true);
}

/* ',"pid":P,"comm":' at p; returns the end (the comm's string comes next). */
static char *json_pid(char *p, int pid)
{
	memcpy(p, ",\"pid\":", 7);
	p += 7;
	if (pid < 0)
		*p++ = '-';
	p = st_fmt_u(p, (unsigned long long)(pid < 0 ? -(long long)pid : pid), 0, ' ', false);
	memcpy(p, ",\"comm\":", 8);
	return p + 8;
}

/* ev's head in out's mode, NULL when it cannot be kept (no memory, a comm longer than a
 * task's): the caller writes it itself. */
static const struct st_head *head_of(struct st_output *out, const struct st_event *ev)
{
	const char *c = ev->comm;
	struct st_head *h;
	size_t clen;
	char *p;

	if (!out->heads && !(out->heads = calloc(HEAD_SLOTS, sizeof(*out->heads))))
		return NULL;
	h = &out->heads[(unsigned int)ev->pid % HEAD_SLOTS];
	if (h->len && h->pid == ev->pid && !strncmp(h->comm, c, sizeof(h->comm)))
		return h;
	clen = strnlen(c, sizeof(h->comm));
	if (clen >= sizeof(h->comm))
		return NULL;
	if (out->mode == ST_OUT_JSON) {
		struct st_sb b = { .p = h->s, .cap = sizeof(h->s) };

		b.len = (size_t)(json_pid(h->s, ev->pid) - h->s);
		st_sb_json_str(&b, c, clen);
		if (b.trunc)
			return NULL;
		p = h->s + b.len;
	} else {
		p = text_head(h->s, c, clen, ev->pid);
	}
	h->pid = ev->pid;
	memcpy(h->comm, c, clen + 1);
	h->len = (unsigned char)(p - h->s);
	return h;
}

/* The seconds of ts, "%5llu" in text, "%llu" in JSON: kept while they do not change. */
static char *put_sec(struct st_output *out, char *p, unsigned long long sec)
{
	if (!out->sec_n || out->sec_v != sec) {
		out->sec_v = sec;
		out->sec_n = (int)(st_fmt_u(out->sec_s, sec, out->mode == ST_OUT_JSON ? 0 : 5, ' ',
					    false) - out->sec_s);
	}
	memcpy(p, out->sec_s, (size_t)out->sec_n);
	return p + out->sec_n;
}

void st_put_text(struct st_output *out, const struct st_oevent *oe,
		     const struct st_event *ev)
{
	struct st_sb *b = &out->sb;
	unsigned long long sec, usec;
	split_ts(ev->ts, &sec, &usec);
	/* "%16s-%-7d [%03d] %s %5llu.%06llu: " without printf: this runs per event */
	const struct st_head *h = head_of(out, ev);
	size_t clen = h ? 0 : strlen(ev->comm), flen = strnlen(ev->flags, sizeof(ev->flags));
	char *p = st_sb_room(b, clen + flen + 128), *p0 = p;
	if (p) {
		/* straight into the line: it fits (16 + 1 + 21 + 2 + 20 + 2 + flags + 1 + 20 +
		 * 1 + 6 + 2 at most) */
		if (h) {
			/* a fixed 32 bytes (the head is at most 28): no copy loop of h->len */
			memcpy(p, h->s, 32);
			p += h->len;
		} else {
			p = text_head(p, ev->comm, clen, ev->pid);
		}
		*p++ = ' ';
		*p++ = '[';
		if ((unsigned int)ev->cpu < 1000) {
			*p++ = (char)('0' + ev->cpu / 100);
			p = st_fmt_2(p, (unsigned int)ev->cpu % 100);
		} else {
			p = st_fmt_u(p, (unsigned long long)ev->cpu, 3, '0', false);
		}
		*p++ = ']';
		*p++ = ' ';
		memcpy(p, ev->flags, flen);
		p += flen;
		*p++ = ' ';
		p = put_sec(out, p, sec);
		*p++ = '.';
		p = st_fmt_6(p, (unsigned int)usec);
		*p++ = ':';
		*p++ = ' ';
		b->len += (size_t)(p - p0);
	} else {
		if (!clen)
			clen = strlen(ev->comm);
		st_sb_pad_str(b, ev->comm, 16);
		st_sb_put(b, "-", 1);
		if (ev->pid < 0)
			st_sb_put(b, "-", 1);
		st_sb_u(b, (unsigned long long)(ev->pid < 0 ? -(long long)ev->pid : ev->pid), 7,
			' ', true);
		st_sb_put(b, " [", 2);
		st_sb_u(b, (unsigned long long)ev->cpu, 3, '0', false);
		st_sb_put(b, "] ", 2);
		st_sb_put(b, ev->flags, flen);
		st_sb_put(b, " ", 1);
		st_sb_u(b, sec, 5, ' ', false);
		st_sb_put(b, ".", 1);
		st_sb_u(b, usec, 6, '0', false);
		st_sb_put(b, ": ", 2);
	}
	if (!oe || !oe->syscall) {      /* ftrace prints syscalls without the event name */
		st_sb_puts(b, ev->name);
		st_sb_put(b, ": ", 2);
	}
	if (oe && oe->dynamic) {
		put_location(out, oe, ev);
		for (int i = 0; i < oe->nargs; i++) {
			st_sb_printf(b, " %s=", oe->args[i].f->name);
			st_oarg_put(out, b, &oe->args[i], ev->tep, ev->rec->data, ev->rec->size);
		}
	} else if (oe && oe->syscall) {
		put_syscall(b, oe, ev);
	} else {
		if (out->resolver_tep != ev->tep) {
			tep_set_function_resolver(ev->tep, resolve, out);
			out->resolver_tep = ev->tep;
		}
		trace_seq_reset(&out->seq);
		tep_print_event(ev->tep, &out->seq, ev->rec, "%s", TEP_PRINT_INFO);
		st_sb_put(b, out->seq.buffer, out->seq.len);
	}
	st_sb_put(b, "\n", 1);
	for (int i = 0; i < ev->nstack; i++) {
		st_sb_puts(b, "  => ");
		st_addrsyms_put(st_output_syms(out), b, ev->stack[i], true);
		st_sb_put(b, "\n", 1);
	}
}

void st_put_json(struct st_output *out, const struct st_oevent *oe,
		     const struct st_event *ev)
{
	struct st_sb *b = &out->sb;
	unsigned long long sec, usec;
	split_ts(ev->ts, &sec, &usec);
	const struct st_head *h = head_of(out, ev);
	char *p = st_sb_room(b, 160 + sizeof(h->s)), *p0 = p;
	if (p) {
		/* {"v":V,"time":S.U,"cpu":C then the task's head, or "pid":P,"comm": without
		 * printf (at most 120 bytes) */
		memcpy(p, "{\"v\":", 5);
		p += 5;
		if (ST_JSON_V < 10)
			*p++ = (char)('0' + ST_JSON_V);
		else
			p = st_fmt_u(p, ST_JSON_V, 0, ' ', false);
		memcpy(p, ",\"time\":", 8);
		p = put_sec(out, p + 8, sec);
		*p++ = '.';
		p = st_fmt_6(p, (unsigned int)usec);
		memcpy(p, ",\"cpu\":", 7);
		p += 7;
		if ((unsigned int)ev->cpu < 10)
			*p++ = (char)('0' + ev->cpu);
		else if ((unsigned int)ev->cpu < 100)
			p = st_fmt_2(p, (unsigned int)ev->cpu);
		else
			p = st_fmt_u(p, (unsigned long long)ev->cpu, 0, ' ', false);
		if (h) {
			/* fixed sizes: no copy loop of h->len bytes */
			if (h->len <= 64)
				memcpy(p, h->s, 64);
			else
				memcpy(p, h->s, sizeof(h->s));
			b->len += (size_t)(p + h->len - p0);
		} else {
			b->len += (size_t)(json_pid(p, ev->pid) - p0);
			st_sb_json_str(b, ev->comm, strlen(ev->comm));
		}
	} else {
		st_sb_printf(b, "{\"v\":%d,\"time\":%llu.%06llu,\"cpu\":%d,\"pid\":%d,\"comm\":",
			     ST_JSON_V, sec, usec, ev->cpu, ev->pid);
		st_sb_json_str(b, ev->comm, strlen(ev->comm));
	}
	bool keys = oe && oe->jhead;    /* the escaped constant parts, made once */
	if (keys) {
		st_sb_put(b, oe->jhead, oe->jhead_len);
	} else {
		st_sb_puts(b, ",\"event\":");
		st_sb_json_str(b, ev->name, strlen(ev->name));
		st_sb_puts(b, ",\"args\":{");
	}
	int n = 0;
	if (oe && oe->dynamic) {
		for (int i = 0; i < oe->nargs; i++, n++) {
			if (keys) {
				st_sb_put(b, oe->jkeys[i].s, oe->jkeys[i].len);
			} else {
				st_sb_puts(b, n ? "," : "");
				st_sb_json_str(b, oe->args[i].f->name, strlen(oe->args[i].f->name));
				st_sb_put(b, ":", 1);
			}
			st_oarg_value(out, &oe->args[i], ev->tep, ev->rec->data, ev->rec->size,
				      &out->val);
			st_value_put_json(b, ev->tep, &out->val);
		}
	} else {
		for (struct tep_format_field *f = ev->tev->format.fields; f; f = f->next, n++) {
			if (keys && n < oe->njkeys && oe->jkeys[n].a.f == f) {
				const struct st_ojkey *k = &oe->jkeys[n];

				st_sb_put(b, k->s, k->len);
				st_field_put_json(b, &k->a, k->plain, ev->tep, ev->rec->data,
						  ev->rec->size, &out->val);
				continue;
			}
			if (keys && n < oe->njkeys) {
				st_sb_put(b, oe->jkeys[n].s, oe->jkeys[n].len);
			} else {
				st_sb_puts(b, n ? "," : "");
				st_sb_json_str(b, f->name, strlen(f->name));
				st_sb_put(b, ":", 1);
			}
			st_field_value(f, ev->tep, ev->rec->data, ev->rec->size, &out->val);
			st_value_put_json(b, ev->tep, &out->val);
		}
	}
	st_sb_put(b, "}", 1);
	if (ev->stack) {
		st_sb_puts(b, ",\"stack\":[");
		for (int i = 0; i < ev->nstack; i++) {
			/* symbolize into the line, then quote that slice in place */
			size_t at = b->len;
			st_addrsyms_put(st_output_syms(out), b, ev->stack[i], true);
			char frame[512];
			size_t len = b->len - at < sizeof(frame) - 1 ? b->len - at : sizeof(frame) - 1;
			memcpy(frame, b->p + at, len);
			b->len = at;
			if (i)
				st_sb_put(b, ",", 1);
			st_sb_json_str(b, frame, len);
		}
		st_sb_put(b, "]", 1);
	}
	st_sb_put(b, "}\n", 2);
}
