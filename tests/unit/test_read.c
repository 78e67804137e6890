// SPDX-License-Identifier: MIT
/* The reader against real pages: a private ftrace instance with one tracepoint enabled,
 * events caused by this test (getppid N times), decoded and counted. The oracle is the
 * number of calls the test made and its own pid, not anything the reader printed.
 * Needs root and tracefs; skips otherwise. The instance is removed on every path. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sched.h>
#include <fcntl.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <event-parse.h>
#include "read/read.h"

#define TRACEFS "/sys/kernel/tracing"
static char inst[256];
static struct st_reader *cur;  /* freed by teardown when an assertion jumped out */

static int wr(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", inst, rel);
	int fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Instances of earlier runs of this test that died before their teardown. */
static void sweep_dead(void)
{
	DIR *d = opendir(TRACEFS "/instances");
	struct dirent *de;
	int pid;
	while (d && (de = readdir(d))) {
		char p[512];
		if (sscanf(de->d_name, "st_test_read_%d", &pid) == 1 && kill(pid, 0) && errno == ESRCH) {
			snprintf(p, sizeof(p), TRACEFS "/instances/%s", de->d_name);
			rmdir(p);
		}
	}
	if (d)
		closedir(d);
}

static int setup_inst(void **state)
{
	(void)state;
	if (geteuid() != 0 || access(TRACEFS "/instances", W_OK))
		return 0;
	sweep_dead();
	snprintf(inst, sizeof(inst), TRACEFS "/instances/st_test_read_%d", getpid());
	if (mkdir(inst, 0755))
		inst[0] = '\0';
	return 0;
}

static int teardown_inst(void **state)
{
	(void)state;
	st_reader_free(cur);
	cur = NULL;
	if (!inst[0])
		return 0;
	wr("events/syscalls/sys_enter_getppid/enable", "0");
	wr("events/sched/sched_process_fork/enable", "0");
	wr("options/stacktrace", "0");
	if (rmdir(inst))
		fprintf(stderr, "# test_read: rmdir %s: %s\n", inst, strerror(errno));
	return 0;
}

struct counts {
	int mine, others, total, with_stack;
	int bad_comm, bad_name, bad_flags;
	unsigned long long last_ts;
	int ts_backwards;
	int stop_after;
};

static int count_cb(const struct st_event *ev, void *ctx)
{
	struct counts *c = ctx;
	c->total++;
	if (ev->pid == getpid())
		c->mine++;
	else
		c->others++;
	if (strcmp(ev->system, "syscalls") || strcmp(ev->name, "sys_enter_getppid"))
		c->bad_name++;
	if (!ev->comm || !ev->comm[0])
		c->bad_comm++;
	if (strlen(ev->flags) != 4 && strlen(ev->flags) != 5)
		c->bad_flags++;
	if (ev->stack && ev->nstack > 0)
		c->with_stack++;
	if (ev->ts < c->last_ts)
		c->ts_backwards++;
	c->last_ts = ev->ts;
	return c->stop_after && c->total >= c->stop_after;
}

static struct st_reader *open_reader(bool stacks)
{
	struct st_err err = { 0 };
	struct st_reader_opts o = { .instance_dir = inst, .stacks = stacks };
	struct st_reader *r = st_reader_new(&o, &err);
	if (!r)
		fail_msg("st_reader_new: %s", err.msg);
	int n = st_reader_add_event(r, "syscalls", "sys_enter_getppid", &err);
	if (n != 1)
		fail_msg("add_event: %d %s", n, err.msg);
	cur = r;
	return r;
}

static void arm(void)
{
	char f[64];
	snprintf(f, sizeof(f), "common_pid == %d", getpid());
	assert_int_equal(wr("events/syscalls/sys_enter_getppid/filter", f), 0);
	assert_int_equal(wr("trace", ""), 0);  /* empty the buffer: earlier tests' leftovers */
	assert_int_equal(wr("events/syscalls/sys_enter_getppid/enable", "1"), 0);
}

static void test_counts_exact(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	struct st_reader *r = open_reader(false);
	arm();
	const int N = 5000;  /* several pages, in turns on each CPU */
	cpu_set_t old, one;
	assert_int_equal(sched_getaffinity(0, sizeof(old), &old), 0);
	int ncpu = CPU_COUNT(&old), turn = 0;
	for (int i = 0; i < N; i++) {
		if (i % 1000 == 0 && ncpu > 1) {
			/* the k-th allowed CPU, k = turn % ncpu */
			int k = turn++ % ncpu, cpu = -1;
			while (k >= 0)
				if (CPU_ISSET(++cpu, &old))
					k--;
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			sched_setaffinity(0, sizeof(one), &one);
		}
		syscall(SYS_getppid);
	}
	sched_setaffinity(0, sizeof(old), &old);
	wr("events/syscalls/sys_enter_getppid/enable", "0");
	struct counts c = { 0 };
	struct st_err err = { 0 };
	assert_int_equal(st_reader_drain(r, count_cb, &c, &err), 0);
	assert_int_equal(c.mine, N);
	assert_int_equal(c.others, 0);
	assert_int_equal(c.bad_name, 0);
	assert_int_equal(c.bad_comm, 0);
	assert_int_equal(c.bad_flags, 0);
	assert_int_equal(c.ts_backwards, 0);  /* merged across CPUs in time order */
	unsigned long long lost = 0;
	for (int i = 0; i < st_reader_ncpus(r); i++)
		lost += st_reader_lost(r, i);
	assert_int_equal(lost, 0);
	assert_int_equal(st_reader_delivered(r), N);
	st_reader_free(r);
	cur = NULL;
}

struct forkseen { int n; long long child; };

static int fork_cb(const struct st_event *ev, void *ctx)
{
	struct forkseen *g = ctx;
	unsigned long long v;
	struct tep_format_field *fl = tep_find_field(ev->tev, "child_pid");
	if (fl && !tep_read_number_field(fl, ev->rec->data, &v))
		g->child = (long long)v;
	g->n++;
	return 0;
}

static void test_field_value(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	/* sched_process_fork: child_pid must be the pid fork() returned to us. */
	struct st_err err = { 0 };
	struct st_reader_opts o = { .instance_dir = inst };
	struct st_reader *r = cur = st_reader_new(&o, &err);
	assert_non_null(r);
	assert_int_equal(st_reader_add_event(r, "sched", "sched_process_fork", &err), 1);
	char f[64];
	snprintf(f, sizeof(f), "parent_pid == %d", getpid());
	assert_int_equal(wr("events/sched/sched_process_fork/filter", f), 0);
	assert_int_equal(wr("events/sched/sched_process_fork/enable", "1"), 0);
	pid_t kid = fork();
	if (kid == 0)
		_exit(0);
	int st;
	waitpid(kid, &st, 0);
	wr("events/sched/sched_process_fork/enable", "0");
	struct forkseen got = { 0, -1 };
	assert_int_equal(st_reader_drain(r, fork_cb, &got, &err), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.child, kid);
	st_reader_free(r);
	cur = NULL;
}

static void test_callback_stops(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	struct st_reader *r = open_reader(false);
	arm();
	for (int i = 0; i < 100; i++)
		syscall(SYS_getppid);
	wr("events/syscalls/sys_enter_getppid/enable", "0");
	struct counts c = { .stop_after = 10 };
	struct st_err err = { 0 };
	assert_int_equal(st_reader_drain(r, count_cb, &c, &err), 1);
	assert_int_equal(c.total, 10);
	st_reader_free(r);
	cur = NULL;
}

static void test_stop_flag_drains(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	volatile sig_atomic_t stop = 1;  /* already set: run must still deliver what is there */
	struct st_err err = { 0 };
	struct st_reader_opts o = { .instance_dir = inst, .stop = &stop };
	struct st_reader *r = cur = st_reader_new(&o, &err);
	assert_non_null(r);
	assert_int_equal(st_reader_add_event(r, "syscalls", "sys_enter_getppid", &err), 1);
	arm();
	for (int i = 0; i < 77; i++)
		syscall(SYS_getppid);
	wr("events/syscalls/sys_enter_getppid/enable", "0");
	struct counts c = { 0 };
	assert_int_equal(st_reader_run(r, count_cb, &c, &err), 0);
	assert_int_equal(c.mine, 77);
	st_reader_free(r);
	cur = NULL;
}

static void test_stacks_attached(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	struct st_reader *r = open_reader(true);
	assert_int_equal(wr("options/stacktrace", "1"), 0);
	arm();
	for (int i = 0; i < 50; i++)
		syscall(SYS_getppid);
	wr("events/syscalls/sys_enter_getppid/enable", "0");
	wr("options/stacktrace", "0");
	struct counts c = { 0 };
	struct st_err err = { 0 };
	assert_int_equal(st_reader_drain(r, count_cb, &c, &err), 0);
	assert_int_equal(c.mine, 50);          /* stack records are not events of their own */
	assert_int_equal(c.with_stack, 50);
	st_reader_free(r);
	cur = NULL;
}

static void test_lost_counted(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	/* A tiny buffer overrun on purpose, all on one CPU: what was not delivered must be
	 * reported lost, to the event (the oracle is the number of calls made). */
	cpu_set_t one, old;
	assert_int_equal(sched_getaffinity(0, sizeof(old), &old), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	char oldkb[32] = "", path[512];
	snprintf(path, sizeof(path), "%s/buffer_size_kb", inst);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(oldkb, sizeof(oldkb), f));
	fclose(f);
	assert_int_equal(wr("buffer_size_kb", "8"), 0);
	struct st_reader *r = open_reader(false);
	arm();
	const int N = 20000;
	for (int i = 0; i < N; i++)
		syscall(SYS_getppid);
	wr("events/syscalls/sys_enter_getppid/enable", "0");
	sched_setaffinity(0, sizeof(old), &old);
	struct counts c = { 0 };
	struct st_err err = { 0 };
	assert_int_equal(st_reader_drain(r, count_cb, &c, &err), 0);
	unsigned long long lost = 0;
	for (int i = 0; i < st_reader_ncpus(r); i++)
		lost += st_reader_lost(r, i);
	assert_true(lost > 0);
	assert_int_equal(c.mine + lost, N);
	st_reader_free(r);
	cur = NULL;
	wr("buffer_size_kb", oldkb);  /* the tests after this one want room again */
}

static void test_glob_and_missing(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	struct st_err err = { 0 };
	struct st_reader_opts o = { .instance_dir = inst };
	struct st_reader *r = cur = st_reader_new(&o, &err);
	assert_non_null(r);
	/* the oracle: what glob(3) finds in the kernel's own events directory */
	char pat[512];
	glob_t g;
	snprintf(pat, sizeof(pat), "%s/events/syscalls/sys_enter_getp*/format", inst);
	assert_int_equal(glob(pat, 0, NULL, &g), 0);
	int expect = (int)g.gl_pathc;
	globfree(&g);
	assert_true(expect >= 2);
	assert_int_equal(st_reader_add_event(r, "syscalls", "sys_enter_getp*", &err), expect);
	assert_int_equal(st_reader_add_event(r, "nosuch", "event", &err), 0);
	assert_non_null(strstr(err.msg, "no event matches"));
	st_reader_free(r);
	cur = NULL;
}

/* Every field's signedness as the reader decodes it (its own tep, the print fmt parsed:
 * a field shown through __print_flags/__print_symbolic gets libtraceevent's FLAG/SYMBOLIC
 * bit, which must not cost it the signed one) equals the format file's "signed:", over
 * every event of this kernel. The oracle reads the file's field lines here with sscanf;
 * libtraceevent keeps a format's fields in the file's order, common ones first. */
static int file_signs(const char *path, int *sign, int max)
{
	char *line = NULL;
	size_t cap = 0;
	int n = 0, off, size, sg;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		const char *p = strstr(line, ";\toffset:");

		if (strstr(line, "\tfield:") && p &&
		    sscanf(p, ";\toffset:%d;\tsize:%d;\tsigned:%d;", &off, &size, &sg) == 3 && n < max)
			sign[n++] = sg;
	}
	free(line);
	fclose(f);
	return n;
}

static int tep_signs(struct tep_event *ev, int *sign, int max)
{
	struct tep_format_field *f;
	int n = 0;

	for (f = ev->format.common_fields; f && n < max; f = f->next)
		sign[n++] = !!(f->flags & TEP_FIELD_IS_SIGNED);
	for (f = ev->format.fields; f && n < max; f = f->next)
		sign[n++] = !!(f->flags & TEP_FIELD_IS_SIGNED);
	return n;
}

struct signs {
	int events, fields, flagged, flagged_signed, bad;
};

static void walk_signs(struct signs *c)
{
	struct st_err err = { 0 };
	struct st_reader_opts o = { .instance_dir = inst };
	struct st_reader *r = st_reader_new(&o, &err);
	char pat[512];
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/events/*/*/format", inst);
	if (!r || glob(pat, 0, NULL, &g)) {
		c->bad = -1;
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char sys[256], name[256];
		int want[512], got[512], nw, ng;
		const char *rel = g.gl_pathv[i] + strlen(inst) + strlen("/events/");
		struct tep_event *ev;
		struct tep_format_field *f;

		if (sscanf(rel, "%255[^/]/%255[^/]/format", sys, name) != 2 ||
		    st_reader_add_event(r, sys, name, &err) != 1)
			continue;           /* a probe of someone's run, gone meanwhile */
		ev = tep_find_event_by_name(st_reader_tep(r), sys, name);
		nw = file_signs(g.gl_pathv[i], want, 512);
		ng = ev ? tep_signs(ev, got, 512) : -1;
		c->events++;
		c->fields += nw;
		if (nw != ng || memcmp(want, got, (size_t)nw * sizeof(*want))) {
			if (++c->bad <= 3)
				printf("# %s/%s: signedness differs from its format\n", sys, name);
			continue;
		}
		for (f = ev->format.fields; f; f = f->next)
			if (f->flags & (TEP_FIELD_IS_FLAG | TEP_FIELD_IS_SYMBOLIC)) {
				c->flagged++;
				c->flagged_signed += !!(f->flags & TEP_FIELD_IS_SIGNED);
			}
	}
	globfree(&g);
	st_reader_free(r);
}

/* The walk runs in a child that leaves with _exit: libtraceevent 1.7.1 leaks a few bytes
 * parsing some print fmts (kvm_inj_exception's "#" "DE" literals), which is not what this
 * test is about and would fail it under LeakSanitizer. */
static void test_field_signedness(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	struct signs c = { 0 };
	int fd[2], st;
	pid_t kid;

	assert_int_equal(pipe(fd), 0);
	fflush(stdout);
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		close(fd[0]);
		walk_signs(&c);
		fflush(stdout);
		_exit(write(fd[1], &c, sizeof(c)) == (ssize_t)sizeof(c) ? 0 : 1);  /* the parent
		 * checks what came, not the status: valgrind sets it on that leak too */
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], &c, sizeof(c)), (ssize_t)sizeof(c));
	close(fd[0]);
	assert_int_equal(waitpid(kid, &st, 0), kid);
	print_message("# %d events, %d fields, %d shown by __print_flags/__print_symbolic "
		      "(%d of them signed), %d events differ\n", c.events, c.fields, c.flagged,
		      c.flagged_signed, c.bad);
	assert_true(c.events > 100);
	assert_true(c.flagged_signed > 0);   /* sched_switch's prev_state at least */
	assert_int_equal(c.bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_exact),
		cmocka_unit_test(test_field_value),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_stop_flag_drains),
		cmocka_unit_test(test_stacks_attached),
		cmocka_unit_test(test_lost_counted),
		cmocka_unit_test(test_glob_and_missing),
		cmocka_unit_test(test_field_signedness),
	};
	return cmocka_run_group_tests(tests, setup_inst, teardown_inst);
}
