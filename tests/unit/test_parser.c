// SPDX-License-Identifier: MIT
/* Parser tests: every expression of the seed README (sections 2.2-2.5) parses to the
 * expected tree, bad inputs fail at the right column with a message naming the token,
 * filters are tokenized (not split), and st_split_lines handles comments and quotes.
 * Expected columns are computed from the input text itself (position of a marker
 * substring), never taken from the parser's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expr/expr.h"

/* 1-based column of the n-th (0-based) occurrence of needle in text; "" = end of line. */
static int col_nth(const char *text, const char *needle, int n)
{
	const char *p = text;

	if (!*needle)
		return (int)strlen(text) + 1;
	for (;;) {
		p = strstr(p, needle);
		assert_non_null(p);
		if (!n--)
			return (int)(p - text) + 1;
		p++;
	}
}

static int col_of(const char *text, const char *needle)
{
	return col_nth(text, needle, 0);
}

static struct st_line *parse_ok(const char *text)
{
	struct st_line *l = NULL;
	struct st_err err = { 0 };

	if (st_parse_line(text, &l, &err) != 0)
		fail_msg("'%s' failed at col %d: %s", text, err.col, err.msg);
	assert_non_null(l);
	return l;
}

static const struct st_arg *arg(const struct st_line *l, size_t i, const char *name)
{
	assert_true(i < l->nargs);
	assert_string_equal(l->args[i].name, name);
	return &l->args[i];
}

static void check_member(const struct st_expr *e, size_t i, enum st_access_kind kind,
			 const char *member)
{
	assert_true(i < e->nacc);
	assert_int_equal(e->acc[i].kind, kind);
	assert_string_equal(e->acc[i].member, member);
}

static void check_tok(const struct st_filter *f, size_t i, enum st_ftok_kind kind,
		      const char *text, int col)
{
	assert_true(i < f->ntoks);
	assert_int_equal(f->toks[i].kind, kind);
	assert_string_equal(f->toks[i].text, text);
	assert_int_equal(f->toks[i].col, col);
}

/* ---- seed README 2.2.1 ---- */
static void seed_entry_and_return(void **state)
{
	const char *a = "p wake_up_new_task", *b = "r wake_up_new_task";
	struct st_line *l;

	(void)state;
	l = parse_ok(a);
	assert_int_equal(l->type, ST_LINE_KPROBE);
	assert_int_equal(l->type_col, 1);
	assert_string_equal(l->func, "wake_up_new_task");
	assert_int_equal(l->target_col, col_of(a, "wake"));
	assert_int_equal(l->off, 0);
	assert_int_equal(l->nargs, 0);
	assert_false(l->has_filter);
	assert_null(l->binary);
	assert_null(l->group);
	st_line_free(l);
	l = parse_ok(b);
	assert_int_equal(l->type, ST_LINE_KRETPROBE);
	assert_string_equal(l->func, "wake_up_new_task");
	st_line_free(l);
}

/* ---- 2.2.2 ---- */
static void seed_argn(void **state)
{
	const char *t = "p do_filp_open dfd=%0";
	struct st_line *l = parse_ok(t);
	const struct st_arg *a = arg(l, 0, "dfd");

	(void)state;
	assert_int_equal(l->nargs, 1);
	assert_string_equal(l->func, "do_filp_open");
	assert_int_equal(a->fmt, 0);
	assert_int_equal(a->name_col, col_of(t, "dfd"));
	assert_int_equal(a->col, col_of(t, "%0"));
	assert_int_equal(a->expr.cast, ST_CAST_NONE);
	assert_int_equal(a->expr.base, ST_BASE_ARGN);
	assert_int_equal(a->expr.num, 0);
	assert_int_equal(a->expr.base_col, col_of(t, "%0"));
	assert_int_equal(a->expr.nacc, 0);
	st_line_free(l);
}

static void seed_argn_hex(void **state)
{
	const char *t = "p do_filp_open dfd=X%0";
	struct st_line *l = parse_ok(t);
	const struct st_arg *a = arg(l, 0, "dfd");

	(void)state;
	assert_int_equal(a->fmt, 'X');
	assert_int_equal(a->col, col_of(t, "X%0"));
	assert_int_equal(a->expr.base, ST_BASE_ARGN);
	assert_int_equal(a->expr.base_col, col_of(t, "%0"));
	st_line_free(l);
}

/* ---- 2.2.3 ---- */
static void seed_member(void **state)
{
	const char *t = "p wake_up_new_task comm=%0->comm";
	struct st_line *l = parse_ok(t);
	const struct st_arg *a = arg(l, 0, "comm");

	(void)state;
	assert_int_equal(a->expr.base, ST_BASE_ARGN);
	assert_int_equal(a->expr.nacc, 1);
	check_member(&a->expr, 0, ST_ACC_ARROW, "comm");
	assert_int_equal(a->expr.acc[0].col, col_of(t, "->"));
	assert_int_equal(a->expr.acc[0].name_col, col_of(t, "->") + 2);
	st_line_free(l);
}

static void seed_member_chain_signed(void **state)
{
	const char *t = "p wake_up_new_task uesrs=S%0->mm->mm_users";
	struct st_line *l = parse_ok(t);
	const struct st_arg *a = arg(l, 0, "uesrs");

	(void)state;
	assert_int_equal(a->fmt, 'S');
	assert_int_equal(a->expr.nacc, 2);
	check_member(&a->expr, 0, ST_ACC_ARROW, "mm");
	check_member(&a->expr, 1, ST_ACC_ARROW, "mm_users");
	assert_int_equal(a->expr.acc[1].col, col_nth(t, "->", 1));
	st_line_free(l);
}

static void seed_member_dots(void **state)
{
	const char *t = "p wake_up_new_task node=%0->se.run_node.rb_left";
	struct st_line *l = parse_ok(t);
	const struct st_arg *a = arg(l, 0, "node");

	(void)state;
	assert_int_equal(a->expr.nacc, 3);
	check_member(&a->expr, 0, ST_ACC_ARROW, "se");
	check_member(&a->expr, 1, ST_ACC_DOT, "run_node");
	check_member(&a->expr, 2, ST_ACC_DOT, "rb_left");
	assert_int_equal(a->expr.acc[1].col, col_of(t, ".run_node"));
	assert_int_equal(a->expr.acc[2].name_col, col_of(t, "rb_left"));
	st_line_free(l);
}

/* ---- 2.2.4 ---- */
static void seed_filter_string(void **state)
{
	const char *t = "p wake_up_new_task comm=%0->comm f:comm==\"python3\"";
	struct st_line *l = parse_ok(t);

	(void)state;
	assert_int_equal(l->nargs, 1);
	assert_true(l->has_filter);
	assert_int_equal(l->filter.col, col_of(t, "f:"));
	assert_int_equal(l->filter.ntoks, 3);
	check_tok(&l->filter, 0, ST_FT_IDENT, "comm", col_of(t, "comm==") );
	check_tok(&l->filter, 1, ST_FT_CMP, "==", col_of(t, "=="));
	check_tok(&l->filter, 2, ST_FT_STRING, "python3", col_of(t, "\"python3"));
	st_line_free(l);
}

/* ---- 2.2.5 ---- */
static void seed_offset_cast(void **state)
{
	const char *t = "p do_filp_open+121 filp=X!(u64)%ax";
	struct st_line *l = parse_ok(t);
	const struct st_arg *a = arg(l, 0, "filp");

	(void)state;
	assert_string_equal(l->func, "do_filp_open");
	assert_int_equal(l->off, 121);
	assert_int_equal(a->fmt, 'X');
	assert_int_equal(a->expr.cast, ST_CAST_TYPE);
	assert_string_equal(a->expr.cast_type, "u64");
	assert_int_equal(a->expr.cast_col, col_of(t, "!("));
	assert_int_equal(a->expr.base, ST_BASE_REG);
	assert_string_equal(a->expr.name, "ax");
	assert_int_equal(a->expr.base_col, col_of(t, "%ax"));
	st_line_free(l);
}

static void seed_cast_struct_with_space(void **state)
{
	const char *t = "p do_filp_open+121 pos=X!(struct file*)%ax->f_pos";
	struct st_line *l = parse_ok(t);
	const struct st_arg *a = arg(l, 0, "pos");

	(void)state;
	assert_int_equal(l->nargs, 1);
	assert_int_equal(a->expr.cast, ST_CAST_TYPE);
	assert_string_equal(a->expr.cast_type, "struct file *");
	assert_int_equal(a->expr.base, ST_BASE_REG);
	assert_string_equal(a->expr.name, "ax");
	check_member(&a->expr, 0, ST_ACC_ARROW, "f_pos");
	st_line_free(l);
}

/* ---- 2.3 ---- */
static void seed_retval(void **state)
{
	const char *a = "r do_filp_open filp=$retval", *b = "r do_filp_open pos=$retval->f_pos";
	struct st_line *l;

	(void)state;
	l = parse_ok(a);
	assert_int_equal(l->type, ST_LINE_KRETPROBE);
	assert_int_equal(arg(l, 0, "filp")->expr.base, ST_BASE_RETVAL);
	assert_null(l->args[0].expr.name);
	assert_int_equal(l->args[0].expr.nacc, 0);
	st_line_free(l);
	l = parse_ok(b);
	assert_int_equal(arg(l, 0, "pos")->expr.base, ST_BASE_RETVAL);
	check_member(&l->args[0].expr, 0, ST_ACC_ARROW, "f_pos");
	st_line_free(l);
}

/* ---- 2.4 ---- */
static void seed_skb(void **state)
{
	const char *t = "p __netif_receive_skb_core proto=@(struct iphdr *)l3%0->protocol "
		"ip_src=@(struct iphdr *)%0->saddr ip_dst=@(struct iphdr *)l3%0->daddr "
		"data=X@(struct iphdr *)l3%0->sdata[1] f:proto==1&&ip_src==127.0.0.1";
	struct st_line *l = parse_ok(t);
	const struct st_arg *a;
	size_t i;

	(void)state;
	assert_string_equal(l->func, "__netif_receive_skb_core");
	assert_int_equal(l->nargs, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(l->args[i].expr.cast, ST_CAST_SKB);
		assert_string_equal(l->args[i].expr.cast_type, "struct iphdr *");
		assert_int_equal(l->args[i].expr.base, ST_BASE_ARGN);
		assert_int_equal(l->args[i].expr.num, 0);
	}
	a = arg(l, 0, "proto");
	assert_int_equal(a->expr.skb_layer, 3);
	assert_int_equal(a->expr.cast_col, col_of(t, "@("));
	check_member(&a->expr, 0, ST_ACC_ARROW, "protocol");
	a = arg(l, 1, "ip_src");
	assert_int_equal(a->expr.skb_layer, 0);      /* not written: compiler defaults */
	check_member(&a->expr, 0, ST_ACC_ARROW, "saddr");
	a = arg(l, 2, "ip_dst");
	assert_int_equal(a->expr.skb_layer, 3);
	check_member(&a->expr, 0, ST_ACC_ARROW, "daddr");
	a = arg(l, 3, "data");
	assert_int_equal(a->fmt, 'X');
	assert_int_equal(a->expr.cast_col, col_of(t, "X@(") + 1);
	assert_int_equal(a->expr.nacc, 2);
	check_member(&a->expr, 0, ST_ACC_ARROW, "sdata");
	assert_int_equal(a->expr.acc[1].kind, ST_ACC_INDEX);
	assert_int_equal(a->expr.acc[1].index, 1);
	assert_int_equal(a->expr.acc[1].col, col_of(t, "[1]"));

	assert_true(l->has_filter);
	assert_int_equal(l->filter.ntoks, 7);
	check_tok(&l->filter, 0, ST_FT_IDENT, "proto", col_of(t, "proto=="));
	check_tok(&l->filter, 1, ST_FT_CMP, "==", col_of(t, "==1"));
	check_tok(&l->filter, 2, ST_FT_NUMBER, "1", col_of(t, "1&&"));
	check_tok(&l->filter, 3, ST_FT_AND, "&&", col_of(t, "&&"));
	check_tok(&l->filter, 4, ST_FT_IDENT, "ip_src", col_of(t, "ip_src=="));
	check_tok(&l->filter, 5, ST_FT_CMP, "==", col_of(t, "==127"));
	check_tok(&l->filter, 6, ST_FT_IPADDR, "127.0.0.1", col_of(t, "127.0.0.1"));
	st_line_free(l);
}

/* ---- 2.5 ---- */
static void seed_event(void **state)
{
	const char *t = "e sched/sched_stat_wait f:delay>1000000";
	struct st_line *l = parse_ok(t);

	(void)state;
	assert_int_equal(l->type, ST_LINE_EVENT);
	assert_string_equal(l->group, "sched");
	assert_string_equal(l->event, "sched_stat_wait");
	assert_null(l->func);
	assert_int_equal(l->nargs, 0);
	assert_int_equal(l->filter.ntoks, 3);
	check_tok(&l->filter, 0, ST_FT_IDENT, "delay", col_of(t, "delay"));
	check_tok(&l->filter, 1, ST_FT_CMP, ">", col_of(t, ">"));
	check_tok(&l->filter, 2, ST_FT_NUMBER, "1000000", col_of(t, "1000000"));
	st_line_free(l);
}

/* ---- beyond the README ---- */
static void uprobe_targets(void **state)
{
	static const struct {
		const char *text, *binary, *func;
		unsigned long long uaddr;
		long off;
		char type;
	} cases[] = {
		{ "P bash:readline", "bash", "readline", 0, 0, 'P' },
		{ "R /usr/lib/x86_64-linux-gnu/libc.so.6:malloc r=$retval",
		  "/usr/lib/x86_64-linux-gnu/libc.so.6", "malloc", 0, 0, 'R' },
		{ "P ./app:main+0x10", "./app", "main", 0, 16, 'P' },
		{ "P libc:free", "libc", "free", 0, 0, 'P' },
		{ "P bash:0x4f2a0", "bash", NULL, 0x4f2a0, 0, 'P' },
		/* the last ':' followed by a symbol splits; earlier ones belong to the path */
		{ "P /tmp/a:b/prog:_ZN3foo3barEv", "/tmp/a:b/prog", "_ZN3foo3barEv", 0, 0, 'P' },
		{ "P /tmp/x:y:bad+:0x10", "/tmp/x:y:bad+", NULL, 0x10, 0, 'P' },
		{ "P app:sym.cold+8", "app", "sym.cold", 0, 8, 'P' },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct st_line *l = parse_ok(cases[i].text);

		assert_int_equal(l->type, cases[i].type);
		assert_string_equal(l->binary, cases[i].binary);
		if (cases[i].func)
			assert_string_equal(l->func, cases[i].func);
		else
			assert_null(l->func);
		assert_true(l->uaddr == cases[i].uaddr);
		assert_int_equal(l->off, cases[i].off);
		assert_int_equal(l->target_col, 3);
		st_line_free(l);
	}
}

static void bases(void **state)
{
	const char *t = "p do_sys_open+0x1f a=$filename b=$stack c=$stack3 d=$comm e=@jiffies "
		"f=@init_task+16 g=@0xffffffff81000000 h=%r12 i=%7 j=@sym-8 k=U%x0";
	struct st_line *l = parse_ok(t);
	const struct st_expr *e;

	(void)state;
	assert_string_equal(l->func, "do_sys_open");
	assert_int_equal(l->off, 0x1f);
	assert_int_equal(l->nargs, 11);
	e = &arg(l, 0, "a")->expr;
	assert_int_equal(e->base, ST_BASE_ARGNAME);
	assert_string_equal(e->name, "filename");
	e = &arg(l, 1, "b")->expr;
	assert_int_equal(e->base, ST_BASE_STACK);
	assert_int_equal(e->num, -1);
	e = &arg(l, 2, "c")->expr;
	assert_int_equal(e->base, ST_BASE_STACK);
	assert_int_equal(e->num, 3);
	assert_int_equal(arg(l, 3, "d")->expr.base, ST_BASE_COMM);
	e = &arg(l, 4, "e")->expr;
	assert_int_equal(e->base, ST_BASE_SYMBOL);
	assert_string_equal(e->name, "jiffies");
	assert_int_equal(e->num, 0);
	e = &arg(l, 5, "f")->expr;
	assert_int_equal(e->base, ST_BASE_SYMBOL);
	assert_string_equal(e->name, "init_task");
	assert_int_equal(e->num, 16);
	e = &arg(l, 6, "g")->expr;
	assert_int_equal(e->base, ST_BASE_ADDR);
	assert_true(e->addr == 0xffffffff81000000ULL);
	e = &arg(l, 7, "h")->expr;
	assert_int_equal(e->base, ST_BASE_REG);
	assert_string_equal(e->name, "r12");
	e = &arg(l, 8, "i")->expr;
	assert_int_equal(e->base, ST_BASE_ARGN);
	assert_int_equal(e->num, 7);
	e = &arg(l, 9, "j")->expr;
	assert_int_equal(e->num, -8);
	e = &arg(l, 10, "k")->expr;
	assert_int_equal(l->args[10].fmt, 'U');
	assert_string_equal(e->name, "x0");
	st_line_free(l);
}

/* S/U/X is a format only before a value; "Sdata" after '->' is a member. Indexes may be
 * hex or negative (the compiler rejects negative ones). */
static void members_and_indexes(void **state)
{
	const char *t = "p f a=%0->Sdata b=X%1->Xval[0x10] c=%2[-1].Ufoo d=%0->a[1][2].b";
	struct st_line *l = parse_ok(t);
	const struct st_expr *e;

	(void)state;
	e = &arg(l, 0, "a")->expr;
	assert_int_equal(l->args[0].fmt, 0);
	check_member(e, 0, ST_ACC_ARROW, "Sdata");
	e = &arg(l, 1, "b")->expr;
	assert_int_equal(l->args[1].fmt, 'X');
	check_member(e, 0, ST_ACC_ARROW, "Xval");
	assert_int_equal(e->acc[1].index, 16);
	e = &arg(l, 2, "c")->expr;
	assert_int_equal(e->acc[0].kind, ST_ACC_INDEX);
	assert_int_equal(e->acc[0].index, -1);
	check_member(e, 1, ST_ACC_DOT, "Ufoo");
	e = &arg(l, 3, "d")->expr;
	assert_int_equal(e->nacc, 4);
	assert_int_equal(e->acc[1].index, 1);
	assert_int_equal(e->acc[2].index, 2);
	check_member(e, 3, ST_ACC_DOT, "b");
	st_line_free(l);
}

static void cast_normalisation(void **state)
{
	static const struct { const char *text, *type; } cases[] = {
		{ "p f a=!(struct file*)%0", "struct file *" },
		{ "p f a=!(  struct   file  *  )%0", "struct file *" },
		{ "p f a=!(struct\tfile **)%0", "struct file **" },
		{ "p f a=!(char* *)%0", "char **" },
		{ "p f a=!(unsigned long)%0", "unsigned long" },
		{ "p f a=@(struct tcphdr*)l4%0->source", "struct tcphdr *" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct st_line *l = parse_ok(cases[i].text);

		assert_int_equal(l->nargs, 1);
		assert_string_equal(l->args[0].expr.cast_type, cases[i].type);
		st_line_free(l);
	}
}

static void kernel_names_and_events(void **state)
{
	struct st_line *l;

	(void)state;
	l = parse_ok("p  tcp_v4_rcv.isra.0+0x10\t x=%0  ");
	assert_string_equal(l->func, "tcp_v4_rcv.isra.0");
	assert_int_equal(l->off, 16);
	assert_int_equal(l->target_col, 4);
	assert_int_equal(l->nargs, 1);
	st_line_free(l);
	l = parse_ok("e sched/sched_switch");
	assert_false(l->has_filter);
	st_line_free(l);
	l = parse_ok("e sch*/sched_[sw]?itch*");
	assert_string_equal(l->group, "sch*");
	assert_string_equal(l->event, "sched_[sw]?itch*");
	st_line_free(l);
	l = parse_ok("e syscalls/sys_enter_openat f:common_pid==1 && filename ~ \"*passwd\"");
	assert_int_equal(l->filter.ntoks, 7);
	assert_int_equal(l->filter.toks[6].kind, ST_FT_STRING);
	assert_string_equal(l->filter.toks[6].text, "*passwd");
	st_line_free(l);
}

/* Quoted strings keep spaces, operators and escapes; bare words are strings; ! ( ) nest. */
static void filter_tokens(void **state)
{
	const char *t = "p f comm=$comm f:  !(comm == \"a && b || (c)\" || comm!='x y\\'z')"
		" && flags & 0x40 && n >= -3 && comm ~ bash* && s==\"q\\\"\\\\\\n\"";
	struct st_line *l = parse_ok(t);
	const struct st_filter *f = &l->filter;

	(void)state;
	assert_int_equal(f->ntoks, 26);
	check_tok(f, 0, ST_FT_NOT, "!", col_of(t, "!("));
	check_tok(f, 1, ST_FT_LPAREN, "(", col_of(t, "!(") + 1);
	check_tok(f, 2, ST_FT_IDENT, "comm", col_of(t, "comm =="));
	check_tok(f, 3, ST_FT_CMP, "==", col_of(t, "== \""));
	check_tok(f, 4, ST_FT_STRING, "a && b || (c)", col_of(t, "\"a &&"));
	check_tok(f, 5, ST_FT_OR, "||", col_of(t, "|| comm!="));
	check_tok(f, 6, ST_FT_IDENT, "comm", col_of(t, "comm!="));
	check_tok(f, 7, ST_FT_CMP, "!=", col_of(t, "!='"));
	check_tok(f, 8, ST_FT_STRING, "x y'z", col_of(t, "'x y"));
	check_tok(f, 9, ST_FT_RPAREN, ")", col_of(t, ") &&"));
	check_tok(f, 10, ST_FT_AND, "&&", col_of(t, "&& flags"));
	check_tok(f, 11, ST_FT_IDENT, "flags", col_of(t, "flags"));
	check_tok(f, 12, ST_FT_CMP, "&", col_of(t, "& 0x40"));
	check_tok(f, 13, ST_FT_NUMBER, "0x40", col_of(t, "0x40"));
	check_tok(f, 15, ST_FT_IDENT, "n", col_of(t, "n >="));
	check_tok(f, 16, ST_FT_CMP, ">=", col_of(t, ">="));
	check_tok(f, 17, ST_FT_NUMBER, "-3", col_of(t, "-3"));
	check_tok(f, 20, ST_FT_CMP, "~", col_of(t, "~"));
	check_tok(f, 21, ST_FT_STRING, "bash*", col_of(t, "bash*"));
	check_tok(f, 22, ST_FT_AND, "&&", col_of(t, "&& s=="));
	check_tok(f, 24, ST_FT_CMP, "==", col_of(t, "==\"q"));
	check_tok(f, 25, ST_FT_STRING, "q\"\\\\n", col_of(t, "\"q"));
	st_line_free(l);
}

static void filter_compact_and_bare(void **state)
{
	const char *t = "p f a=%0 f:(a<1||a>2)&&b<=0x7f&&comm==bash&&ip_x!=10.0.0.255";
	struct st_line *l = parse_ok(t);
	static const enum st_ftok_kind kinds[] = {
		ST_FT_LPAREN, ST_FT_IDENT, ST_FT_CMP, ST_FT_NUMBER, ST_FT_OR, ST_FT_IDENT,
		ST_FT_CMP, ST_FT_NUMBER, ST_FT_RPAREN, ST_FT_AND, ST_FT_IDENT, ST_FT_CMP,
		ST_FT_NUMBER, ST_FT_AND, ST_FT_IDENT, ST_FT_CMP, ST_FT_STRING, ST_FT_AND,
		ST_FT_IDENT, ST_FT_CMP, ST_FT_IPADDR,
	};
	size_t i;

	(void)state;
	assert_int_equal(l->filter.ntoks, sizeof(kinds) / sizeof(kinds[0]));
	for (i = 0; i < l->filter.ntoks; i++)
		assert_int_equal(l->filter.toks[i].kind, kinds[i]);
	assert_string_equal(l->filter.toks[2].text, "<");
	assert_string_equal(l->filter.toks[11].text, "<=");
	assert_string_equal(l->filter.toks[16].text, "bash");
	assert_string_equal(l->filter.toks[20].text, "10.0.0.255");
	st_line_free(l);
}

/* ---- bad inputs: column of `at` (first occurrence; "" = end of line) and a key part of
 * the message ---- */
struct bad {
	const char *text, *at, *msg;
};

static const struct bad bad_inputs[] = {
	{ "x wake_up_new_task", "x", "unknown probe type 'x' (expected p, r, e, P or R)" },
	{ "kprobe foo", "kprobe", "unknown probe type 'kprobe'" },
	{ "p", "", "missing probe target" },
	{ "p 9lives", "9lives", "expected a kernel function name" },
	{ "p foo+", "", "expected an offset" },
	{ "p foo+0x", "0x", "expected hex digits after '0x', got '0x'" },
	{ "p foo+12z", "z", "unexpected 'z' after offset" },
	{ "p foo-1", "-1", "unexpected '-1' after a kernel function name 'foo'" },
	{ "p foo comm", "comm", "missing '=' after argument name 'comm'" },
	{ "p foo comm%0->comm", "comm%", "missing '=' after argument name 'comm'" },
	{ "p foo co-mm=%0", "-", "unexpected '-' in argument name 'co'" },
	{ "p foo =%0", "=%0", "expected an argument 'name=value'" },
	{ "p foo comm=", "", "missing value after 'comm='" },
	{ "p foo comm=%0->", "", "expected member name after '->'" },
	{ "p foo comm=%0->1x", "1x", "expected member name after '->', got '1x'" },
	{ "p foo comm=%0.", "", "expected member name after '.'" },
	{ "p foo comm=%0->comm)", ")", "unexpected ')' after 'comm'" },
	{ "p foo comm=%0-comm", "-comm", "did you mean '->'?" },
	{ "p foo dfd=x%0", "x%0", "unknown format 'x' (expected S, U or X); did you mean 'X'?" },
	{ "p foo v=Sdata", "Sdata", "got 'Sdata'" },
	{ "p foo v=comm", "comm", "got 'comm'" },
	{ "p foo v=%", "", "expected argument number or register after '%'" },
	{ "p foo v=%1x", "%1x", "bad argument number '%1x'" },
	{ "p foo v=%99999999999", "%9", "too large" },
	{ "p foo v=$", "", "expected a name after '$'" },
	{ "p foo v=@", "", "expected a symbol name or 0x address after '@'" },
	{ "p foo v=@0xg", "0xg", "bad address" },
	{ "p foo v=%0[", "", "expected an index after '['" },
	{ "p foo v=%0[x]", "x]", "expected an index after '[', got 'x'" },
	{ "p foo v=%0[1", "", "expected ']'" },
	{ "p foo v=!u64%0", "u64", "expected '(' after '!'" },
	{ "p foo v=!(u64%0", "%0", "unexpected '%' in cast type" },
	{ "p foo v=!(u64", "(", "missing ')' after cast type" },
	{ "p foo v=!( )%0", "(", "empty cast type" },
	{ "p foo v=!(struct * file)%0", "file", "unexpected 'file' after '*' in cast type" },
	{ "p foo v=!(u64) %0", " %0", "expected '%', '$' or '@' after the cast, got ' '" },
	{ "p foo v=@(struct iphdr *)l5%0->saddr", "l5", "unknown skb layer 'l5' (expected l2, l3 or l4)" },
	{ "p foo v=@(struct iphdr *)L3%0->saddr", "L3", "did you mean 'l3'?" },
	{ "p foo a=%0 b=%1 a=%2", "a=%2", "duplicate argument name 'a'" },
	{ "p foo a=%0 f:", "", "empty filter after 'f:'" },
	{ "p foo a=%0 f:a==", "", "missing value after '=='" },
	{ "p foo a=%0 f:a==1 &&", "", "missing condition after '&&'" },
	{ "p foo a=%0 f:a==1 || ", "", "missing condition after '||'" },
	{ "p foo a=%0 f:a==1 b==2", "b==2", "expected '&&' or '||' before 'b'" },
	{ "p foo a=%0 f:a", "", "missing comparison operator after 'a'" },
	{ "p foo a=%0 f:a \"x\"", "\"x", "expected a comparison operator" },
	{ "p foo a=%0 f:a=1", "=1", "unknown operator '=' in filter; did you mean '=='?" },
	{ "p foo a=%0 f:a=>1", "=>", "did you mean '>='?" },
	{ "p foo a=%0 f:(a==1", "(", "unbalanced '('" },
	{ "p foo a=%0 f:a==1)", ")", "unbalanced ')'" },
	{ "p foo a=%0 f:((a==1)", "(", "unbalanced '('" },
	{ "p foo a=%0 f:()", ")", "missing condition after '('" },
	{ "p foo a=%0 f:!", "", "missing condition after '!'" },
	{ "p foo a=%0 f:a==\"abc", "\"abc", "unterminated string in filter" },
	{ "p foo a=%0 f:a=='x", "'x", "unterminated string in filter" },
	{ "p foo a=%0 f:a==1.2.3", "1.2.3", "bad IPv4 address '1.2.3'" },
	{ "p foo a=%0 f:a==1.2.3.256", "1.2.3.256", "bad IPv4 address" },
	{ "p foo a=%0 f:1==a", "1==a", "expected a variable name in filter, got '1'" },
	{ "p foo a=%0 f:a==1 == 2", "== 2", "unexpected '=='" },
	{ "p foo a=%0 f:a==<", "<", "expected a value after '=='" },
	{ "e sched", "sched", "expected 'group/event'" },
	{ "e /sched_switch", "/", "empty group" },
	{ "e sched/", "", "empty name" },
	{ "e sched/sw:itch", ":", "unexpected ':' in event name" },
	{ "e sched/sched_[sw", "[", "unclosed '['" },
	{ "P bash", "bash", "expected 'binary:symbol' or 'binary:0xaddr'" },
	{ "P :readline", ":", "missing binary before ':'" },
	{ "P bash:", "", "expected a symbol name or 0x address" },
	{ "P bash:readline+", "", "expected an offset" },
	{ "P bash:0x12zz", "0x12zz", "bad address '0x12zz'" },
	{ "P bash:0x0", "0x0", "address 0" },
	/* 65 parentheses: one more than the parser nests */
	{ "p foo a=%0 f:(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a==1",
	  "(a==1", "nested too deeply" },
};

static void bad_input(void **state)
{
	const struct bad *b = *state;
	struct st_line *l = (struct st_line *)&l;
	struct st_err err = { 0 };
	int want_col = col_of(b->text, b->at);

	assert_int_equal(st_parse_line(b->text, &l, &err), -1);
	assert_null(l);
	if (!strstr(err.msg, b->msg))
		fail_msg("'%s': message \"%s\" lacks \"%s\"", b->text, err.msg, b->msg);
	if (err.col != want_col)
		fail_msg("'%s': column %d, expected %d (%s)", b->text, err.col, want_col, err.msg);
	assert_null(strchr(err.msg, '\n'));
}

static void empty_line(void **state)
{
	struct st_line *l = NULL;
	struct st_err err = { 0 };

	(void)state;
	assert_int_equal(st_parse_line("   \t ", &l, &err), -1);
	assert_null(l);
	assert_non_null(strstr(err.msg, "empty expression"));
}

/* ---- st_split_lines ---- */
static void split_lines(void **state)
{
	const char *text =
		"# a comment line\n"
		"\n"
		"  p wake_up_new_task comm=%0->comm   # trailing comment\n"
		"\t\r\n"
		"p f a=%0 f:a==\"x # not a comment\" # but this is\n"
		"p g b=%1 f:b=='it''s#1'\r\n"
		"e sched/sched_switch";
	char **lines = NULL;
	int n, i;

	(void)state;
	n = st_split_lines(text, &lines);
	assert_int_equal(n, 4);
	assert_string_equal(lines[0], "p wake_up_new_task comm=%0->comm");
	assert_string_equal(lines[1], "p f a=%0 f:a==\"x # not a comment\"");
	assert_string_equal(lines[2], "p g b=%1 f:b=='it''s#1'");
	assert_string_equal(lines[3], "e sched/sched_switch");
	assert_null(lines[4]);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);

	n = st_split_lines("# only\n\n   \n", &lines);
	assert_int_equal(n, 0);
	assert_non_null(lines);
	free(lines);

	/* An unbalanced quote stays within its line: the next line's comment still strips. */
	n = st_split_lines("p f a=%0 f:a==\"x\np g b=%0 # c", &lines);
	assert_int_equal(n, 2);
	assert_string_equal(lines[0], "p f a=%0 f:a==\"x");
	assert_string_equal(lines[1], "p g b=%0");
	free(lines[0]);
	free(lines[1]);
	free(lines);
}

/* Each split line of a README-style file must parse: the two stages fit together. */
static void split_then_parse(void **state)
{
	const char *text = "p wake_up_new_task comm=%0->comm f:comm==\"a#b\" # c\n"
		"r do_filp_open pos=$retval->f_pos\n";
	char **lines = NULL;
	int n, i;

	(void)state;
	n = st_split_lines(text, &lines);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		struct st_line *l = parse_ok(lines[i]);

		if (i == 0)
			assert_string_equal(l->filter.toks[2].text, "a#b");
		st_line_free(l);
		free(lines[i]);
	}
	free(lines);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(seed_entry_and_return),
		cmocka_unit_test(seed_argn),
		cmocka_unit_test(seed_argn_hex),
		cmocka_unit_test(seed_member),
		cmocka_unit_test(seed_member_chain_signed),
		cmocka_unit_test(seed_member_dots),
		cmocka_unit_test(seed_filter_string),
		cmocka_unit_test(seed_offset_cast),
		cmocka_unit_test(seed_cast_struct_with_space),
		cmocka_unit_test(seed_retval),
		cmocka_unit_test(seed_skb),
		cmocka_unit_test(seed_event),
		cmocka_unit_test(uprobe_targets),
		cmocka_unit_test(bases),
		cmocka_unit_test(members_and_indexes),
		cmocka_unit_test(cast_normalisation),
		cmocka_unit_test(kernel_names_and_events),
		cmocka_unit_test(filter_tokens),
		cmocka_unit_test(filter_compact_and_bare),
		cmocka_unit_test(empty_line),
		cmocka_unit_test(split_lines),
		cmocka_unit_test(split_then_parse),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	size_t nbad = sizeof(bad_inputs) / sizeof(bad_inputs[0]);
	struct CMUnitTest *all = calloc(nfixed + nbad, sizeof(*all));
	char (*names)[96] = calloc(nbad, sizeof(*names));
	size_t i;
	int rc;

	if (!all || !names)
		return 1;
	memcpy(all, fixed, sizeof(fixed));
	/* One TAP line per bad input, named after it, so a failure says which one. */
	for (i = 0; i < nbad; i++) {
		snprintf(names[i], sizeof(names[i]), "bad %zu: %s", i, bad_inputs[i].text);
		all[nfixed + i].name = names[i];
		all[nfixed + i].test_func = bad_input;
		all[nfixed + i].initial_state = (void *)&bad_inputs[i];
	}
	rc = _cmocka_run_group_tests("parser", all, nfixed + nbad, NULL, NULL);
	free(all);
	free(names);
	return rc;
}
