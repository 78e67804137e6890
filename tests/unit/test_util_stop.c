// SPDX-License-Identifier: MIT
/* The hardening helpers in src/util: the stop-aware output stream (stopio), the stop
 * signal table (stopsig), run names and their holders (runname), trusted directories
 * and the files published in them (safedir, st_memfile). Oracles: what a pipe reader actually received, errno values, the clock,
 * processes this test made and reaped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "util/runname.h"
#include "util/safedir.h"
#include "util/stopio.h"
#include "util/stopsig.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void test_stopio_full_device(void **s)
{
	volatile sig_atomic_t level = 0;
	int fd = open("/dev/full", O_WRONLY);
	struct st_stopio *io;
	char buf[100000];

	(void)s;
	if (fd < 0)
		skip();
	io = st_stopio_new(fd, &level, 0);
	assert_non_null(io);
	memset(buf, 'x', sizeof(buf));
	fwrite(buf, 1, sizeof(buf), st_stopio_file(io));
	fflush(st_stopio_file(io));
	assert_true(ferror(st_stopio_file(io)));
	assert_int_equal(st_stopio_error(io), ENOSPC);
	assert_int_equal(st_stopio_close(io), ENOSPC);
	close(fd);
}

/* A pipe nobody reads: once stopping, writing gives up after the drain bound. */
static void test_stopio_never_read(void **s)
{
	volatile sig_atomic_t level = 0;
	struct st_stopio *io;
	static char buf[1 << 20];
	int p[2];
	double t0;

	(void)s;
	assert_int_equal(pipe(p), 0);
	io = st_stopio_new(p[1], &level, 300);
	assert_non_null(io);
	memset(buf, 'y', sizeof(buf));
	level = 1;
	t0 = now();
	fwrite(buf, 1, sizeof(buf), st_stopio_file(io));
	fflush(st_stopio_file(io));
	assert_true(now() - t0 < 2.0);
	assert_true(now() - t0 >= 0.25);
	assert_int_equal(st_stopio_error(io), ECANCELED);
	/* the pipe took its capacity, the rest was counted as dropped */
	assert_true(st_stopio_dropped(io) > 0);
	assert_true(st_stopio_dropped(io) < sizeof(buf));
	st_stopio_close(io);
	close(p[0]);
	close(p[1]);
}

/* Level 2 (a second signal): no drain at all once the pipe is full. */
static void test_stopio_second_stop(void **s)
{
	volatile sig_atomic_t level = 2;
	struct st_stopio *io;
	char buf[4096];
	int p[2], fl;
	double t0;

	(void)s;
	assert_int_equal(pipe(p), 0);
	fl = fcntl(p[1], F_GETFL);
	fcntl(p[1], F_SETFL, fl | O_NONBLOCK);
	memset(buf, 'z', sizeof(buf));
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	fcntl(p[1], F_SETFL, fl);
	io = st_stopio_new(p[1], &level, 5000);
	t0 = now();
	fwrite(buf, 1, sizeof(buf), st_stopio_file(io));
	fflush(st_stopio_file(io));
	assert_true(now() - t0 < 0.5);
	assert_int_equal(st_stopio_close(io), ECANCELED);
	close(p[0]);
	close(p[1]);
}

struct reader { int fd; size_t got; unsigned long sum; };

static void *slow_reader(void *arg)
{
	struct reader *r = arg;
	unsigned char b[3000];
	ssize_t n;

	while ((n = read(r->fd, b, sizeof(b))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			r->sum += b[i];
		r->got += (size_t)n;
		usleep(2000);
	}
	return NULL;
}

/* While running, a slow reader gets every byte, in order-independent sum and count. */
static void test_stopio_slow_reader_gets_all(void **s)
{
	volatile sig_atomic_t level = 0;
	struct reader r = { 0 };
	static unsigned char buf[300000];
	unsigned long sum = 0;
	struct st_stopio *io;
	pthread_t th;
	int p[2];
	size_t i;

	(void)s;
	assert_int_equal(pipe(p), 0);
	r.fd = p[0];
	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = (unsigned char)(i * 7);
		sum += buf[i];
	}
	assert_int_equal(pthread_create(&th, NULL, slow_reader, &r), 0);
	io = st_stopio_new(p[1], &level, 0);
	assert_int_equal(fwrite(buf, 1, sizeof(buf), st_stopio_file(io)), sizeof(buf));
	assert_int_equal(st_stopio_close(io), 0);
	close(p[1]);
	pthread_join(th, NULL);
	close(p[0]);
	assert_int_equal(r.got, sizeof(buf));
	assert_int_equal(r.sum, sum);
}

static int hook_calls;
static void hook(void) { hook_calls++; }

static void test_stopsig_levels(void **s)
{
	static volatile sig_atomic_t level;
	struct sigaction old;

	(void)s;
	signal(SIGHUP, SIG_IGN);            /* as nohup leaves it */
	st_stopsig_install(&level, hook);
	raise(SIGUSR1);
	assert_int_equal(level, 1);
	raise(SIGXCPU);
	assert_int_equal(level, 2);
	raise(SIGRTMIN + 3);
	assert_int_equal(level, 2);
	kill(getpid(), SIGSEGV);            /* sent, not a fault: a stop request */
	assert_int_equal(level, 2);
	assert_int_equal(hook_calls, 4);
	assert_int_equal(sigaction(SIGHUP, NULL, &old), 0);
	assert_true(old.sa_handler == SIG_IGN);
}

static void test_runname_holders(void **s)
{
	struct st_runname r;
	char name[64];
	pid_t child;

	(void)s;
	assert_true(st_runname_format(name, sizeof(name), "surftrace", (int)getpid(), 0) > 0);
	assert_true(st_runname_parse(name, "surftrace", &r));
	assert_int_equal(st_runname_holder(&r, NULL), ST_HOLDER_ALIVE);
	child = fork();
	if (!child)
		_exit(0);
	waitpid(child, NULL, 0);
	r.pid = (int)child;                 /* reaped: no process has it (unless reused) */
	if (kill(child, 0) < 0)
		assert_int_equal(st_runname_holder(&r, NULL), ST_HOLDER_GONE);
	/* a namespace with no process at all: gone seen from the initial namespace,
	 * unknown from any other */
	r.pid = 1;
	r.ns = 12345;
	assert_int_equal(st_runname_holder(&r, NULL),
			 st_runname_own_ns() ? ST_HOLDER_UNKNOWN : ST_HOLDER_GONE);
}

static void test_safedir(void **s)
{
	char base[] = "/tmp/st_safedir.XXXXXX", path[256], why[512];
	int fd;

	(void)s;
	assert_non_null(mkdtemp(base));
	snprintf(path, sizeof(path), "%s/a/b", base);
	fd = st_safedir_open(path, true, why, sizeof(why));
	assert_true(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/a", base);
	chmod(path, 0777);
	snprintf(path, sizeof(path), "%s/a/b", base);
	fd = st_safedir_open(path, false, why, sizeof(why));
	assert_int_equal(fd, -EPERM);
	assert_non_null(strstr(why, "writable by group or others"));
	snprintf(path, sizeof(path), "%s/a", base);
	chmod(path, 01777);                  /* sticky: fine, b is ours */
	snprintf(path, sizeof(path), "%s/a/b", base);
	fd = st_safedir_open(path, false, why, sizeof(why));
	assert_true(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/link", base);
	assert_int_equal(symlink("a/b", path), 0);
	fd = st_safedir_open(path, false, why, sizeof(why));
	assert_true(fd == -ELOOP || fd == -ENOTDIR);   /* O_DIRECTORY|O_NOFOLLOW on a link */
	assert_non_null(strstr(why, "symbolic link"));
	fd = st_safedir_open(base, false, why, sizeof(why));
	assert_true(fd >= 0);
	st_safedir_remove(fd, "link");
	st_safedir_remove(fd, "a");
	close(fd);
	assert_int_equal(rmdir(base), 0);
}

/* The whole content of dfd's NAME into buf (NUL-terminated); its length, or -1. */
static ssize_t read_entry(int dfd, const char *name, char *buf, size_t n)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t got = 0, r;

	if (fd < 0)
		return -1;
	while ((size_t)got + 1 < n && (r = read(fd, buf + got, n - 1 - (size_t)got)) > 0)
		got += r;
	close(fd);
	buf[got] = 0;
	return got;
}

/* How many entries of dfd are st_safedir_publish's temporary files ("tmp-..."). */
static int count_tmp(int dfd)
{
	int fd = dup(dfd), n = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	assert_non_null(d);
	rewinddir(d);
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, "tmp-", 4);
	closedir(d);
	return n;
}

/* Published entries: the content and mode asked for, the old file replaced and not
 * rewritten (a reader holding it keeps the old bytes), the fsync flavour alike. */
static void test_publish_content(void **s)
{
	char base[] = "/tmp/st_publish.XXXXXX", buf[256];
	struct st_publish_err e;
	struct stat st;
	int dfd, old;

	(void)s;
	assert_non_null(mkdtemp(base));
	dfd = open(base, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(st_safedir_publish(dfd, "entry", "H1\n", 3, "old body", 8, 0, &e), 0);
	assert_int_equal(read_entry(dfd, "entry", buf, sizeof(buf)), 11);
	assert_string_equal(buf, "H1\nold body");
	assert_int_equal(fstatat(dfd, "entry", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
	old = openat(dfd, "entry", O_RDONLY);
	assert_true(old >= 0);
	assert_int_equal(st_safedir_publish(dfd, "entry", "H2\n", 3, "new", 3, ST_PUBLISH_FSYNC,
					    &e), 0);
	assert_int_equal(read_entry(dfd, "entry", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "H2\nnew");
	assert_int_equal(pread(old, buf, sizeof(buf) - 1, 0), 11);   /* the old file, whole */
	assert_memory_equal(buf, "H1\nold body", 11);
	close(old);
	/* an empty header or body */
	assert_int_equal(st_safedir_publish(dfd, "entry", NULL, 0, "x", 1, 0, NULL), 0);
	assert_int_equal(read_entry(dfd, "entry", buf, sizeof(buf)), 1);
	assert_int_equal(count_tmp(dfd), 0);
	unlinkat(dfd, "entry", 0);
	close(dfd);
	assert_int_equal(rmdir(base), 0);
}

/* By path, for files others read: mode 0666 less the umask (what fopen makes). */
static void test_publish_path_shared(void **s)
{
	char base[] = "/tmp/st_publish.XXXXXX", path[128], buf[64];
	struct st_publish_err e;
	struct stat st;
	mode_t old;
	int dfd;

	(void)s;
	assert_non_null(mkdtemp(base));
	snprintf(path, sizeof(path), "%s/shared", base);
	old = umask(027);
	assert_int_equal(st_safedir_publish_path(path, "a", 1, "b", 1, ST_PUBLISH_SHARED, &e), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(read_entry(AT_FDCWD, path, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(st_safedir_publish_path(path, NULL, 0, "c", 1, 0, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(path, sizeof(path), "%s/", base);                       /* no file name */
	assert_int_equal(st_safedir_publish_path(path, NULL, 0, "c", 1, 0, &e), -EISDIR);
	snprintf(path, sizeof(path), "%s/none/x", base);                 /* no such dir */
	assert_int_equal(st_safedir_publish_path(path, NULL, 0, "c", 1, 0, &e), -ENOENT);
	assert_int_equal(e.step, ST_PUBLISH_TEMP);
	dfd = open(base, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(count_tmp(dfd), 0);
	close(dfd);
	snprintf(path, sizeof(path), "%s/shared", base);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(base), 0);
}

/* A file built through a stream: published whole with its missing directories made (mode
 * as fopen's), an older file replaced; a dropped build leaves the old file and no temporary
 * file; a file in the way of the directory is one error naming the path. */
static void test_memfile(void **s)
{
	char base[] = "/tmp/st_memfile.XXXXXX", path[128], buf[256], cmd[160];
	struct st_err err = { 0 };
	struct st_memfile m;
	struct stat st;
	mode_t old;
	int dfd;

	(void)s;
	assert_non_null(mkdtemp(base));
	snprintf(path, sizeof(path), "%s/a/b/file", base);
	assert_non_null(st_memfile_open(&m, &err));
	fprintf(m.f, "line %d\n", 1);
	old = umask(022);
	assert_int_equal(st_memfile_publish(&m, path, &err), 0);
	umask(old);
	assert_null(m.text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(read_entry(AT_FDCWD, path, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "line 1\n");
	assert_int_equal(st_publish_text(path, "two", 3, &err), 0);
	assert_int_equal(read_entry(AT_FDCWD, path, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "two");
	assert_non_null(st_memfile_open(&m, &err));
	fputs("never", m.f);
	st_memfile_drop(&m);
	assert_null(m.text);
	assert_int_equal(read_entry(AT_FDCWD, path, buf, sizeof(buf)), 3);
	snprintf(buf, sizeof(buf), "%s/a/b", base);
	dfd = open(buf, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(count_tmp(dfd), 0);
	close(dfd);
	/* a file where a directory should be */
	snprintf(path, sizeof(path), "%s/a/b/file/x", base);
	assert_int_equal(st_publish_text(path, "x", 1, &err), -1);
	snprintf(buf, sizeof(buf), "cannot write %s: %s", path, strerror(ENOTDIR));
	assert_string_equal(err.msg, buf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	assert_int_equal(system(cmd), 0);
}

/* A reader never sees a partial entry: one process publishes 64 KiB entries of 'a' and of
 * 'b' in turn while this one reads; every read is whole and of one letter. */
static void test_publish_atomic(void **s)
{
	enum { SZ = 65536, ROUNDS = 300 };
	char base[] = "/tmp/st_publish.XXXXXX";
	static char body[2][SZ], buf[SZ + 2];
	int dfd, status, reads = 0, bad = 0;
	pid_t pid;

	(void)s;
	assert_non_null(mkdtemp(base));
	dfd = open(base, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	memset(body[0], 'a', SZ);
	memset(body[1], 'b', SZ);
	assert_int_equal(st_safedir_publish(dfd, "e", NULL, 0, body[0], SZ, 0, NULL), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int i;

		for (i = 0; i < ROUNDS; i++)
			if (st_safedir_publish(dfd, "e", NULL, 0, body[i & 1], SZ, 0, NULL))
				_exit(1);
		_exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		ssize_t n = read_entry(dfd, "e", buf, sizeof(buf));

		reads++;
		if (n != SZ || (memchr(buf, 'a', SZ) && memchr(buf, 'b', SZ)))
			bad++;
	}
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(reads > 0);
	assert_int_equal(bad, 0);
	assert_int_equal(count_tmp(dfd), 0);
	unlinkat(dfd, "e", 0);
	close(dfd);
	assert_int_equal(rmdir(base), 0);
}

/* Failures: each step reports itself and leaves no temporary file; the entry that was
 * there stays as it was. A link at the name is replaced, its target untouched. */
static void test_publish_failures(void **s)
{
	char base[] = "/tmp/st_publish.XXXXXX", out[] = "/tmp/st_publish_out.XXXXXX";
	char target[64], buf[256];
	struct st_publish_err e;
	struct stat st;
	int dfd, tfd, status;
	pid_t pid;

	(void)s;
	assert_non_null(mkdtemp(base));
	assert_non_null(mkdtemp(out));
	dfd = open(base, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(st_safedir_publish(dfd, "entry", "H\n", 2, "kept", 4, 0, NULL), 0);

	/* a write that fails (the file size limit: EFBIG), in a child that has the limit */
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		static char big[4096];
		struct rlimit rl = { 16, 16 };
		int r;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl))
			_exit(2);
		r = st_safedir_publish(dfd, "entry", "H\n", 2, big, sizeof(big), ST_PUBLISH_FSYNC,
				       &e);
		_exit(r == -EFBIG && e.step == ST_PUBLISH_WRITE && !strncmp(e.tmp, "tmp-", 4) ?
		      0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(count_tmp(dfd), 0);
	assert_int_equal(read_entry(dfd, "entry", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "H\nkept");

	/* a rename that fails: a non-empty directory holds the name */
	assert_int_equal(mkdirat(dfd, "busy", 0700), 0);
	assert_int_equal(mkdirat(dfd, "busy/x", 0700), 0);
	assert_true(st_safedir_publish(dfd, "busy", "H\n", 2, "b", 1, 0, &e) < 0);
	assert_int_equal(e.step, ST_PUBLISH_RENAME);
	assert_int_equal(count_tmp(dfd), 0);
	assert_int_equal(fstatat(dfd, "busy/x", &st, 0), 0);

	/* no temporary file can be made */
	assert_int_equal(st_safedir_publish(-1, "entry", "H\n", 2, "b", 1, 0, &e), -EBADF);
	assert_int_equal(e.step, ST_PUBLISH_TEMP);

	/* a link at the name, to a file elsewhere: replaced, the target not written */
	snprintf(target, sizeof(target), "%s/target", out);
	tfd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(tfd >= 0);
	assert_int_equal(write(tfd, "theirs", 6), 6);
	close(tfd);
	assert_int_equal(symlinkat(target, dfd, "link"), 0);
	assert_int_equal(st_safedir_publish(dfd, "link", "H\n", 2, "ours", 4, 0, &e), 0);
	assert_int_equal(fstatat(dfd, "link", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(read_entry(dfd, "link", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "H\nours");
	assert_int_equal(read_entry(AT_FDCWD, target, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "theirs");
	assert_int_equal(count_tmp(dfd), 0);

	st_safedir_remove(dfd, "busy");
	unlinkat(dfd, "entry", 0);
	unlinkat(dfd, "link", 0);
	close(dfd);
	assert_int_equal(rmdir(base), 0);
	assert_int_equal(unlink(target), 0);
	assert_int_equal(rmdir(out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stopio_full_device),
		cmocka_unit_test(test_stopio_never_read),
		cmocka_unit_test(test_stopio_second_stop),
		cmocka_unit_test(test_stopio_slow_reader_gets_all),
		cmocka_unit_test(test_stopsig_levels),
		cmocka_unit_test(test_runname_holders),
		cmocka_unit_test(test_safedir),
		cmocka_unit_test(test_publish_content),
		cmocka_unit_test(test_publish_path_shared),
		cmocka_unit_test(test_memfile),
		cmocka_unit_test(test_publish_atomic),
		cmocka_unit_test(test_publish_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
