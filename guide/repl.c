// SPDX-License-Identifier: MIT
/* The read-eval loop: an expression runs, a line starting with ':' is a command. */
#include <limits.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>
#include "guide.h"
#include "rlcomp.h"
#include "status.h"
#include "util/numarg.h"

#define PROMPT "surfguide> "

static struct {
	const struct g_opts *o;
	struct g_src *src;
	struct g_xlate *x;
	struct g_list list;
	bool tty;                   /* stdin and stdout are a terminal */
	bool status;                /* live status line on */
	char *prefill;              /* a rejected line, given back for editing */
	int errors;                 /* rejected lines: the exit status when piped */
	volatile sig_atomic_t intr;
} R;

static const char help[] =
	"Type an expression as on the surftrace command line, for example\n"
	"  e sched/sched_process_exec f:pid>1\n"
	"  p do_filp_open dfd=%0 name=%1->name\n"
	"Tab completes probe types, functions, events, arguments (%N, $name, $retval),\n"
	"members after -> and ., cast types and filter variables after f:.\n"
	"The line under the input shows the translation (or the error) as you type;\n"
	"Ctrl-T prints it in full. Enter runs the expression (Ctrl-C stops it) and adds\n"
	"it to the list.\n"
	"Commands:\n"
	"  :add EXPR    add an expression to the list without running it\n"
	"  :list        show the list with translations\n"
	"  :run         run every expression of the list together\n"
	"  :del N       remove expression N\n"
	"  :clear       empty the list\n"
	"  :save FILE   write the list to FILE (.surf: one expression a line)\n"
	"  :load FILE   replace the list with FILE's expressions\n"
	"  :help        this text\n"
	"  :quit        leave (also Ctrl-D)\n";

static void list_show(void)
{
	int i;

	if (!R.list.n)
		printf("(the list is empty)\n");
	for (i = 0; i < R.list.n; i++) {
		printf("[%d] %s\n", i, R.list.v[i]);
		g_status_print(stdout, R.x, R.list.v[i]);
	}
}

/* Translate before anything runs or is kept: nothing reaches tracefs from a bad line. */
static int add_checked(const char *expr)
{
	if (g_status_print(stdout, R.x, expr)) {
		R.errors++;
		return -1;
	}
	if (g_list_add(&R.list, expr))
		return -1;
	printf("added as [%d]\n", R.list.n - 1);
	return 0;
}

static void run_exprs(char *const *exprs, int n)
{
	int rc;

	printf("running %d expression%s with %s (Ctrl-C stops)\n", n, n == 1 ? "" : "s",
	       R.o->surftrace);
	rc = g_run(R.o, exprs, n);
	if (rc < 0)
		printf("cannot start %s: %s\n", R.o->surftrace, strerror(errno));
	else if (rc && rc != 128 + SIGINT)
		printf("surftrace exited with status %d\n", rc);
}

static const char *arg_of(const char *cmd, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(cmd, name, n) || (cmd[n] && cmd[n] != ' '))
		return NULL;
	cmd += n;
	while (*cmd == ' ')
		cmd++;
	return cmd;
}

static void load(const char *path)
{
	int n = g_list_load(&R.list, path);

	if (n < 0) {
		printf("cannot read %s: %s\n", path, strerror(errno));
		return;
	}
	printf("loaded %d expression%s from %s\n", n, n == 1 ? "" : "s", path);
	list_show();
}

/* Returns 1 to quit. */
static int command(const char *cmd)
{
	const char *a;

	if (arg_of(cmd, ":quit") || arg_of(cmd, ":q") || arg_of(cmd, ":exit"))
		return 1;
	if (arg_of(cmd, ":help") || arg_of(cmd, ":h")) {
		fputs(help, stdout);
	} else if (arg_of(cmd, ":list") || arg_of(cmd, ":ls")) {
		list_show();
	} else if (arg_of(cmd, ":run")) {
		if (R.list.n)
			run_exprs(R.list.v, R.list.n);
		else
			printf("(the list is empty)\n");
	} else if (arg_of(cmd, ":clear")) {
		g_list_clear(&R.list);
	} else if ((a = arg_of(cmd, ":add"))) {
		if (*a)
			add_checked(a);
		else
			printf("usage: :add EXPR\n");
	} else if ((a = arg_of(cmd, ":del"))) {
		unsigned long k;

		if (!*a || st_numarg_ulong(a, 0, INT_MAX, &k, NULL) || g_list_del(&R.list, (int)k))
			printf("no expression [%s]\n", a);
	} else if ((a = arg_of(cmd, ":save"))) {
		if (!*a)
			printf("usage: :save FILE\n");
		else if (g_list_save(&R.list, a))
			printf("cannot write %s: %s\n", a, strerror(errno));
		else
			printf("saved %d expression%s to %s\n", R.list.n, R.list.n == 1 ? "" : "s", a);
	} else if ((a = arg_of(cmd, ":load"))) {
		if (*a)
			load(a);
		else
			printf("usage: :load FILE\n");
	} else {
		printf("unknown command %s (:help lists them)\n", cmd);
	}
	return 0;
}

static void expression(const char *line)
{
	char *one[1] = { (char *)line };

	if (g_status_print(stdout, R.x, line)) {
		R.errors++;
		free(R.prefill);
		/* edit it again instead of retyping; from a pipe it would come straight back */
		R.prefill = R.tty ? strdup(line) : NULL;
		return;
	}
	g_list_add(&R.list, line);
	/* from a pipe (a script) a line is translated and listed, not run: a run lasts until
	 * Ctrl-C, which a script cannot send; :run runs the list on purpose */
	if (R.tty)
		run_exprs(one, 1);
}

static int prefill_hook(void)
{
	if (R.prefill) {
		rl_insert_text(R.prefill);
		free(R.prefill);
		R.prefill = NULL;
		rl_redisplay();
	}
	return 0;
}

static int show_translation(int count, int key)
{
	(void)count;
	(void)key;
	rl_crlf();
	fputs("\033[J", rl_outstream);
	g_status_print(rl_outstream, R.x, rl_line_buffer);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

/* Ctrl-C at the prompt drops the line, as shells do. readline runs our handler at a safe
 * point; the hook does the work: as the signal hook when the signal broke a read, as the
 * event hook (polled while waiting for a key) when it came in between, e.g. while the
 * status line was being computed. */
static void on_sigint(int sig)
{
	(void)sig;
	R.intr = 1;
}

static int signal_hook(void)
{
	if (R.intr) {
		R.intr = 0;
		rl_replace_line("", 0);
		rl_crlf();
		g_status_clear();
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

/* Keys typed right after Ctrl-C are read before readline is idle again: check before
 * each key too, so they go to a fresh line. */
static int getc_checked(FILE *f)
{
	signal_hook();
	return rl_getc(f);
}

static char *trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static void setup(const struct g_opts *o)
{
	struct g_src_opts so = { .btf_path = o->btf, .arch = o->arch };
	struct sigaction sa = { .sa_handler = on_sigint };
	const char *st = getenv("SURFGUIDE_STATUS");
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	int i;

	R.o = o;
	R.x = g_xlate_new(o->btf, o->arch, o->vmlinux);
	so.xlate = R.x;
	R.src = g_src_new(&so);
	rl_readline_name = "surfguide";
	/* before the redisplay hook: readline skips terminal discovery (and scrolls the
	 * line horizontally) when a custom redisplay is installed at its first init */
	rl_initialize();
	g_rlcomp_init(R.src);
	R.tty = tty;
	R.status = tty && !(st && !strcmp(st, "0"));
	g_status_init(R.x, PROMPT, R.status);
	rl_pre_input_hook = prefill_hook;
	rl_signal_event_hook = signal_hook;
	/* only at a terminal: from a pipe at its end, readline would poll the hook forever */
	if (tty) {
		rl_event_hook = signal_hook;
		rl_getc_function = getc_checked;
	}
	rl_bind_key('T' & 0x1f, show_translation);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	printf("surfguide: Tab completes, Enter runs, :help lists commands, Ctrl-D leaves\n");
	if (o->load)
		load(o->load);
	for (i = 0; i < o->nexprs; i++)
		add_checked(o->exprs[i]);
}

int g_main(const struct g_opts *o)
{
	char *line, *l;
	int quit = 0;

	setup(o);
	for (;;) {
		g_status_fresh_row();
		if (quit || !(line = readline(PROMPT)))
			break;
		g_status_clear();
		l = trim(line);
		if (*l)
			add_history(l);
		if (*l == ':')
			quit = command(l);
		else if (*l)
			expression(l);
		free(line);
	}
	if (!quit)
		putchar('\n');
	free(R.prefill);
	g_list_clear(&R.list);
	g_rlcomp_done();
	g_xlate_free(R.x);
	g_src_free(R.src);
	rl_clear_history();
	/* driven from a pipe (a script), a rejected expression is a failure like in
	 * surftrace; at a terminal the user saw it and went on */
	return !R.tty && R.errors ? 2 : 0;
}
