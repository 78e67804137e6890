// SPDX-License-Identifier: MIT
/* The tracefs session against tracefs itself: every check reads the kernel's own files
 * (uprobe_events, instances/, the instance's enable/filter files, glob(3) over events/)
 * rather than anything the session reports. Probes are built by hand (no translator).
 * Live tests skip without root and tracefs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "compile/compile.h"
#include "session/session.h"
#include "session/sweep.h"
#include "util/runname.h"
#include "session/tracefs.h"

#define TFS "/sys/kernel/tracing"

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return strdup("");
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

/* One write(2), as tracefs wants (stdio's append mode seeks, which tracefs refuses). */
static int spit(const char *path, const char *text, bool append)
{
	int fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
	ssize_t w;

	if (fd < 0)
		return -1;
	w = write(fd, text, strlen(text));
	close(fd);
	return w == (ssize_t)strlen(text) ? 0 : -1;
}

/* Every line of tracefs state that names this process's runs (surftrace_<pid> and
 * surftrace_<pid>_<n>): instances, probe lists, the events/ group list. Filtered to our
 * names so that other runs on the machine (tests in parallel) do not disturb it; the
 * live shell suites compare the whole state byte for byte. */
static char *state(void)
{
	static const char *const files[] = {
		TFS "/uprobe_events", TFS "/dynamic_events", TFS "/kprobe_events",
	};
	char *out = NULL, *text, *line, *save, tag[64];
	size_t len = 0, i;
	glob_t g;
	FILE *f = open_memstream(&out, &len);

	snprintf(tag, sizeof(tag), "surftrace_%d", getpid());
	for (i = 0; i < 3; i++) {
		text = slurp(files[i]);
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (strstr(line, tag))
				fprintf(f, "%s\n", line);
		free(text);
	}
	if (glob(TFS "/instances/surftrace_*", 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			if (strstr(g.gl_pathv[i], tag))
				fprintf(f, "%s\n", g.gl_pathv[i]);
		globfree(&g);
	}
	if (glob(TFS "/events/surftrace_*", 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			if (strstr(g.gl_pathv[i], tag))
				fprintf(f, "%s\n", g.gl_pathv[i]);
		globfree(&g);
	}
	fclose(f);
	return out;
}

static bool live(void)
{
	return geteuid() == 0 && access(TFS "/uprobe_events", W_OK) == 0;
}

#define NEED_LIVE() do { if (!live()) skip(); } while (0)

/* A hand-made probe; strings are heap copies so st_probe_free works. */
static struct st_probe *mk(char type, const char *event, const char *group,
			   const char *target, const char *filter)
{
	struct st_probe *p = calloc(1, sizeof(*p));

	p->type = type;
	p->event = strdup(event);
	p->group = group ? strdup(group) : NULL;
	p->target = target ? strdup(target) : NULL;
	p->filter = filter ? strdup(filter) : NULL;
	if ((type == 'P' || type == 'R') && target)      /* binary:0xOFF */
		p->binary = strndup(target, (size_t)(strrchr(target, ':') - target));
	return p;
}

/* A pid that surely has no process: a child we reaped. */
static int dead_pid(void)
{
	pid_t c = fork();

	if (c == 0)
		_exit(0);
	waitpid(c, NULL, 0);
	return (int)c;
}

/* ---- pure ---- */

/* One decision of the per-CPU buffer size: the user's when given, else per use. */
static void test_buffer_kb(void **state)
{
	(void)state;
	assert_int_equal(st_buffer_kb(0, ST_BUF_TRACE), 0);        /* the kernel's default */
	assert_int_equal(st_buffer_kb(0, ST_BUF_PRINTK), 0);
	assert_int_equal(st_buffer_kb(0, ST_BUF_AGGREGATE), 4096);
	assert_int_equal(st_buffer_kb(0, ST_BUF_GRAPH), 8192);
	assert_int_equal(st_buffer_kb(-1, ST_BUF_GRAPH), 8192);
	assert_int_equal(st_buffer_kb(256, ST_BUF_TRACE), 256);
	assert_int_equal(st_buffer_kb(256, ST_BUF_AGGREGATE), 256);
	assert_int_equal(st_buffer_kb(256, ST_BUF_GRAPH), 256);
}

static void test_error_log_reason(void **s)
{
	const char *log =
		"[  417.217750] trace_uprobe: error: Failed to find the given file\n"
		"  Command: p:g/p0 /nonexist:0x10\n"
		"                               ^\n"
		"[  418.000000] trace_uprobe: error: Invalid fetch argument\n"
		"  Command: p:g/p0   /bin/true:0x10 x=%zz\n"
		"                                   ^\n"
		"[  419.940758] event filter parse error: error: Field not found\n"
		"  Command: nosuch==1\n"
		"                  ^\n";
	char out[128];

	(void)s;
	assert_true(st_error_log_reason(log, "p:g/p0 /nonexist:0x10", out, sizeof(out)));
	assert_string_equal(out, "Failed to find the given file");
	/* whitespace differences between what we wrote and what the kernel echoes */
	assert_true(st_error_log_reason(log, "p:g/p0 /bin/true:0x10  x=%zz\n", out, sizeof(out)));
	assert_string_equal(out, "Invalid fetch argument");
	assert_true(st_error_log_reason(log, "nosuch==1", out, sizeof(out)));
	assert_string_equal(out, "Field not found");
	assert_false(st_error_log_reason(log, "p:g/p1 /x:0x1", out, sizeof(out)));
	assert_false(st_error_log_reason("", "x", out, sizeof(out)));
}

static void test_error_log_newest_wins(void **s)
{
	const char *log =
		"[ 1.0] trace_uprobe: error: Old reason\n  Command: p:a/b /x:0x1\n   ^\n"
		"[ 2.0] trace_uprobe: error: New reason\n  Command: p:a/b /x:0x1\n   ^\n";
	char out[64];

	(void)s;
	assert_true(st_error_log_reason(log, "p:a/b /x:0x1", out, sizeof(out)));
	assert_string_equal(out, "New reason");
}

static int name_pid(const char *name)
{
	struct st_runname r;

	return st_runname_parse(name, "surftrace", &r) ? r.pid : 0;
}

static void test_name_pid(void **s)
{
	struct st_runname r;
	char buf[64];

	(void)s;
	assert_int_equal(name_pid("surftrace_123"), 123);
	assert_int_equal(name_pid("surftrace_123_2"), 123);
	assert_int_equal(name_pid("surftrace_"), 0);
	assert_int_equal(name_pid("surftrace_12a"), 0);
	assert_int_equal(name_pid("surftrace_1_"), 0);
	assert_int_equal(name_pid("surftrace_1_n"), 0);
	assert_int_equal(name_pid("surftrace_1_n0"), 0);
	assert_int_equal(name_pid("surftrace_0"), 0);
	assert_int_equal(name_pid("surftrace_99999999999"), 0);
	assert_int_equal(name_pid("othertool_5"), 0);
	assert_int_equal(name_pid("surftrace"), 0);
	assert_int_equal(name_pid("surftracex_5"), 0);
	/* a container's run: pid in its namespace, the namespace's inode, a session number */
	assert_true(st_runname_parse("surftrace_1_n4026532459_2", "surftrace", &r));
	assert_int_equal(r.pid, 1);
	assert_true(r.ns == 4026532459ULL);
	assert_int_equal(r.seq, 2);
	assert_true(st_runname_parse("lbc_77_n4026532460", "lbc", &r));
	assert_true(r.pid == 77 && r.ns == 4026532460ULL && r.seq == 0);
	assert_false(st_runname_parse("lbc_77_n4026532460", "surftrace", &r));
	/* what we make parses back to our own pid (and namespace) */
	assert_true(st_runname_format(buf, sizeof(buf), "surftrace", 4242, 3) > 0);
	assert_true(st_runname_parse(buf, "surftrace", &r));
	assert_true(r.pid == 4242 && r.seq == 3 && r.ns == st_runname_own_ns());
	assert_int_equal(st_runname_format(buf, 12, "surftrace", 4242, 3), -1);
}

static void test_path_helper(void **s)
{
	struct st_tracefs t;
	char buf[64], small[20];

	(void)s;
	assert_int_equal(st_tracefs_open(&t, "/tmp/fake-tracefs", NULL), 0);
	assert_int_equal(st_tracefs_path(&t, buf, sizeof(buf), "instances/%s/x", "a"), 0);
	assert_string_equal(buf, "/tmp/fake-tracefs/instances/a/x");
	assert_int_equal(st_tracefs_path(&t, small, sizeof(small), "instances/%s", "abc"), -1);
}

/* ---- live ---- */

static void test_uprobe_session_and_teardown(void **s)
{
	struct st_session_opts so = { .stack = true, .buffer_kb = 1234 };
	struct st_probe *p = mk('P', "p0", NULL, "/bin/true:0x10", "common_pid==1");
	char *before, *after, *up, path[512], *txt;
	struct st_err err = { 0 };
	struct st_session *ss;

	(void)s;
	NEED_LIVE();
	before = state();
	ss = st_session_new(&so, &err);
	assert_non_null(ss);
	assert_int_equal(st_session_add(ss, p, &err), 0);
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d", getpid());
	assert_string_equal(st_session_instance_dir(ss), path);
	/* the kernel lists our probe in our group */
	up = slurp(TFS "/uprobe_events");
	snprintf(path, sizeof(path), "p:surftrace_%d/p0 /bin/true:0x", getpid());
	assert_non_null(strstr(up, path));
	free(up);
	/* instance files as the options asked */
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d/options/stacktrace", getpid());
	txt = slurp(path);
	assert_int_equal(atoi(txt), 1);
	free(txt);
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d/buffer_size_kb", getpid());
	txt = slurp(path);
	/* the kernel rounds the size up to whole sub-buffer pages */
	assert_in_range(atoi(txt), 1234, 1234 + 16);
	free(txt);
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d/events/surftrace_%d/p0/enable",
		 getpid(), getpid());
	txt = slurp(path);
	assert_int_equal(atoi(txt), 1);
	free(txt);
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d/events/surftrace_%d/p0/filter",
		 getpid(), getpid());
	txt = slurp(path);
	assert_non_null(strstr(txt, "common_pid==1"));
	free(txt);
	/* the top level never sees our probe enabled */
	snprintf(path, sizeof(path), TFS "/events/surftrace_%d/p0/enable", getpid());
	txt = slurp(path);
	assert_int_equal(atoi(txt), 0);
	free(txt);
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d/tracing_on", getpid());
	txt = slurp(path);
	assert_int_equal(atoi(txt), 0);
	free(txt);
	assert_int_equal(st_session_start(ss, &err), 0);
	txt = slurp(path);
	assert_int_equal(atoi(txt), 1);
	free(txt);
	assert_int_equal(st_session_teardown(ss, &err), 0);
	assert_int_equal(st_session_teardown(ss, &err), 0);   /* idempotent */
	after = state();
	assert_string_equal(before, after);
	st_session_free(ss);
	st_probe_free(p);
	free(before);
	free(after);
}

static void expect_failure_leaves_nothing(struct st_probe **ps, size_t n, const char *reason)
{
	struct st_err err = { 0 };
	struct st_session *ss;
	char *before = state(), *after;
	size_t i;
	int rc = 0;

	ss = st_session_new(NULL, &err);
	assert_non_null(ss);
	for (i = 0; i < n && rc == 0; i++)
		rc = st_session_add(ss, ps[i], &err);
	assert_int_equal(rc, -1);
	if (!strstr(err.msg, reason))
		fail_msg("error '%s' lacks the kernel's reason '%s'", err.msg, reason);
	st_session_free(ss);
	after = state();
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_missing_binary_reason(void **s)
{
	struct st_probe *ok = mk('P', "p0", NULL, "/bin/true:0x10", NULL);
	struct st_probe *bad = mk('R', "r1", NULL, "/nonexistent/bin:0x10", NULL);
	struct st_probe *ps[] = { ok, bad };

	(void)s;
	NEED_LIVE();
	/* expression 2 fails: the probe of expression 1 must be gone too */
	expect_failure_leaves_nothing(ps, 2, "Failed to find the given file");
	st_probe_free(ok);
	st_probe_free(bad);
}

static void test_bad_filter_reason(void **s)
{
	struct st_probe *p = mk('P', "p0", NULL, "/bin/true:0x10", "nosuchfield==1");
	struct st_probe *ps[] = { p };

	(void)s;
	NEED_LIVE();
	expect_failure_leaves_nothing(ps, 1, "Field not found");
	st_probe_free(p);
}

static void test_event_glob(void **s)
{
	struct st_probe *p = mk('e', "sched_wak*", "sched", NULL, "common_pid==0");
	struct st_err err = { 0 };
	struct st_session *ss;
	char *before = state(), *after, path[600], *txt;
	glob_t g;
	size_t i;

	(void)s;
	NEED_LIVE();
	assert_int_equal(glob(TFS "/events/sched/sched_wak*/enable", 0, NULL, &g), 0);
	ss = st_session_new(NULL, &err);
	assert_non_null(ss);
	assert_int_equal(st_session_add(ss, p, &err), 0);
	assert_int_equal(st_session_nevents(ss), g.gl_pathc);
	for (i = 0; i < g.gl_pathc; i++) {
		/* same event, inside our instance */
		snprintf(path, sizeof(path), "%s/events/sched/%s",
			 st_session_instance_dir(ss), g.gl_pathv[i] + strlen(TFS "/events/sched/"));
		txt = slurp(path);
		assert_int_equal(atoi(txt), 1);
		free(txt);
		strcpy(strrchr(path, '/'), "/filter");
		txt = slurp(path);
		assert_non_null(strstr(txt, "common_pid==0"));
		free(txt);
	}
	globfree(&g);
	st_session_free(ss);
	after = state();
	assert_string_equal(before, after);
	free(before);
	free(after);
	st_probe_free(p);
}

static void test_event_no_match(void **s)
{
	struct st_probe *p = mk('e', "no_such_event_*", "sched", NULL, NULL);
	struct st_probe *ps[] = { p };

	(void)s;
	NEED_LIVE();
	expect_failure_leaves_nothing(ps, 1, "no trace event matches");
	st_probe_free(p);
}

static void test_event_twice(void **s)
{
	struct st_probe *a = mk('e', "sched_switch", "sched", NULL, "prev_pid==1");
	struct st_probe *b = mk('e', "sched_sw*", "sched", NULL, NULL);
	struct st_probe *ps[] = { a, b };

	(void)s;
	NEED_LIVE();
	b->index = 1;
	/* the second would overwrite the first one's filter: refused, naming expression 1 */
	expect_failure_leaves_nothing(ps, 2, "already traced by expression 1");
	st_probe_free(a);
	st_probe_free(b);
}

static int removed;
/* Counts reports about our dead name only (other dead runs may be swept as well). */
static void count_removed(const char *kind, const char *name, void *ctx)
{
	char tag[64];

	(void)kind;
	snprintf(tag, sizeof(tag), "surftrace_%d", *(int *)ctx);
	if (!strncmp(name, tag, strlen(tag)) && (!name[strlen(tag)] || name[strlen(tag)] == '/'))
		removed++;
}

static int sweep_dead_pid;

/* Whatever test_sweep_only_dead made, gone even when an assertion stopped it. */
static int sweep_teardown(void **s)
{
	char path[256], line[256];

	(void)s;
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d_7", getpid());
	rmdir(path);
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d", sweep_dead_pid);
	rmdir(path);
	snprintf(line, sizeof(line), "-:othertool_%d/p0\n", sweep_dead_pid);
	spit(TFS "/uprobe_events", line, true);
	snprintf(line, sizeof(line), "-:surftrace_%d/p0\n", sweep_dead_pid);
	spit(TFS "/uprobe_events", line, true);
	return 0;
}

/* The one finder: the root st_tracefs_open settles on, with its events readable; as
 * nobody (tracefs is root's) nothing. */
static void test_tracefs_find(void **s)
{
	struct st_tracefs t;
	struct st_err err = { 0 };
	const char *root;
	pid_t pid;
	int status;

	(void)s;
	NEED_LIVE();
	assert_int_equal(st_tracefs_open(&t, NULL, &err), 0);
	root = st_tracefs_find();
	assert_non_null(root);
	assert_string_equal(root, t.root);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(2);
		_exit(st_tracefs_find() == NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_sweep_only_dead(void **s)
{
	int dead = dead_pid(), alive = (int)getpid();
	char path[256], line[256], *up;
	struct st_tracefs t;
	struct st_err err = { 0 };

	(void)s;
	NEED_LIVE();
	sweep_dead_pid = dead;
	assert_int_equal(st_tracefs_open(&t, NULL, &err), 0);
	/* a dead run's instance and probe, a live name, a foreign probe */
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d", dead);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d_7", alive);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(line, sizeof(line), "p:surftrace_%d/p0 /bin/true:0x10\n", dead);
	assert_int_equal(spit(TFS "/uprobe_events", line, true), 0);
	snprintf(line, sizeof(line), "p:othertool_%d/p0 /bin/true:0x10\n", dead);
	assert_int_equal(spit(TFS "/uprobe_events", line, true), 0);

	/* other dead runs' leftovers may be swept too: count the reports about ours */
	removed = 0;
	st_sweep_dead(&t, count_removed, &dead, &err);
	assert_int_equal(removed, 2);   /* the instance and the probe */
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d", dead);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), TFS "/instances/surftrace_%d_7", alive);
	assert_int_equal(access(path, F_OK), 0);
	up = slurp(TFS "/uprobe_events");
	snprintf(line, sizeof(line), "surftrace_%d/p0", dead);
	assert_null(strstr(up, line));
	snprintf(line, sizeof(line), "othertool_%d/p0", dead);
	assert_non_null(strstr(up, line));
	free(up);

	/* our own leftovers from this test */
	assert_int_equal(rmdir(path), 0);
	snprintf(line, sizeof(line), "-:othertool_%d/p0\n", dead);
	assert_int_equal(spit(TFS "/uprobe_events", line, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracefs_find),
		cmocka_unit_test(test_buffer_kb),
		cmocka_unit_test(test_error_log_reason),
		cmocka_unit_test(test_error_log_newest_wins),
		cmocka_unit_test(test_name_pid),
		cmocka_unit_test(test_path_helper),
		cmocka_unit_test(test_uprobe_session_and_teardown),
		cmocka_unit_test(test_missing_binary_reason),
		cmocka_unit_test(test_bad_filter_reason),
		cmocka_unit_test(test_event_glob),
		cmocka_unit_test(test_event_no_match),
		cmocka_unit_test(test_event_twice),
		cmocka_unit_test_teardown(test_sweep_only_dead, sweep_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
