// SPDX-License-Identifier: MIT
/* bpf_printk output without stealing the global trace_pipe from anyone: a private ftrace
 * instance lbc_<pid> with only events/bpf_trace/bpf_trace_printk enabled, read through its
 * own trace_pipe, removed on exit. Instances of dead lbc runs (kill -9) are swept, also
 * when their pid has since been reused (by util/runname's rules; `surftrace --cleanup`
 * sweeps them too). */
#include "lbc_int.h"
#include "session/tracefs.h"
#include "util/json.h"
#include "util/runname.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where tracefs is (mounted when it is not) is the session stage's knowledge. */
static const char *tracefs(void)
{
	static struct st_tracefs t;

	return t.root[0] || st_tracefs_open(&t, NULL, NULL) == 0 ? t.root : NULL;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		err = -errno;
	close(fd);
	return err;
}

void lbc_printk_sweep(void)
{
	const char *t = tracefs();
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (!t)
		return;
	st_pathf(dir, sizeof(dir), "%s/instances", t);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct st_runname r;

		if (!st_runname_parse(de->d_name, "lbc", &r))
			continue;
		st_pathf(dir, sizeof(dir), "%s/instances/%s", t, de->d_name);
		/* the same rules as surftrace's sweep: gone, or a recycled pid; never a name
		 * whose holder we cannot see (another container's) */
		if (st_runname_holder(&r, dir) == ST_HOLDER_GONE)
			rmdir(dir);
	}
	closedir(d);
}

int lbc_printk_open(struct lbc *l)
{
	const char *t = tracefs();
	char path[PATH_MAX + 64], name[64];
	long kb;

	if (l->printk_fd >= 0)
		return l->printk_fd;
	if (!t)
		return lbc_fail(l, ENOENT, "tracefs is not mounted");
	lbc_printk_sweep();
	/* lbc_<pid>, unique across pid namespaces too (util/runname) */
	if (st_runname_format(name, sizeof(name), "lbc", (int)getpid(), 0) < 0)
		return lbc_fail(l, ENAMETOOLONG, "run name too long");
	st_pathf(l->printk_inst, sizeof(l->printk_inst), "%s/instances/%s", t, name);
	if (mkdir(l->printk_inst, 0700) && errno != EEXIST) {
		int e = errno;

		l->printk_inst[0] = 0;
		return lbc_fail(l, e, "cannot create ftrace instance: %s", strerror(e));
	}
	kb = st_buffer_kb(0, ST_BUF_PRINTK);
	if (kb > 0) {
		char num[32];

		snprintf(num, sizeof(num), "%ld", kb);
		st_pathf(path, sizeof(path), "%s/buffer_size_kb", l->printk_inst);
		if (write_str(path, num)) {
			lbc_printk_close(l);
			return lbc_fail(l, EINVAL, "cannot size the buffer of %s", l->printk_inst);
		}
	}
	st_pathf(path, sizeof(path), "%s/events/bpf_trace/bpf_trace_printk/enable", l->printk_inst);
	if (write_str(path, "1")) {
		lbc_printk_close(l);
		return lbc_fail(l, ENOENT, "cannot enable bpf_trace_printk in %s", path);
	}
	st_pathf(path, sizeof(path), "%s/trace_pipe", l->printk_inst);
	l->printk_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (l->printk_fd < 0) {
		int e = errno;

		lbc_printk_close(l);
		return lbc_fail(l, e, "cannot open %s: %s", path, strerror(e));
	}
	return l->printk_fd;
}

/* A trace_pipe line: "  comm-123  [001] d..31  12.500: bpf_trace_printk: text". Text
 * output keeps the line; JSON splits it (comm may itself hold '-' or spaces: the pid is
 * after the last '-' before " ["). */
static void emit(FILE *f, const char *line, bool json)
{
	const char *msg = strstr(line, "bpf_trace_printk: ");
	const char *br, *dash, *colon;
	char *end;
	long pid, cpu;
	double ts;

	while (*line == ' ')
		line++;
	if (!json) {
		fprintf(f, "printk: %s\n", line);
		return;
	}
	br = strstr(line, " [");
	dash = br ? br : line;
	while (dash > line && dash[-1] == ' ')
		dash--;
	while (dash > line && *dash != '-')
		dash--;
	fprintf(f, "{\"v\":%d,\"printk\":", ST_JSON_V);
	st_json_str(f, msg ? msg + 18 : line);
	if (br && msg && *dash == '-') {
		pid = strtol(dash + 1, NULL, 10);
		cpu = strtol(br + 2, &end, 10);
		colon = strstr(end, ": bpf_trace_printk");
		while (colon && colon > end && colon[-1] != ' ')
			colon--;
		ts = colon ? strtod(colon, NULL) : 0;
		fputs(",\"comm\":", f);
		st_json_strn(f, line, (size_t)(dash - line));
		fprintf(f, ",\"pid\":%ld,\"cpu\":%ld,\"time\":%.6f", pid, cpu, ts);
	}
	fputs("}\n", f);
}

int lbc_printk_drain_max(struct lbc *l, FILE *f, bool json, long max)
{
	char buf[8192];
	ssize_t n;
	int lines = 0;

	if (l->printk_fd < 0 || !max)
		return 0;
	while ((max < 0 || lines < max) && (n = read(l->printk_fd, buf, sizeof(buf))) > 0) {
		char *nb = realloc(l->pkbuf, l->pklen + (size_t)n + 1), *s, *nl;

		if (!nb)
			break;
		l->pkbuf = nb;
		memcpy(l->pkbuf + l->pklen, buf, (size_t)n);
		l->pklen += (size_t)n;
		l->pkbuf[l->pklen] = 0;
		s = l->pkbuf;
		while ((max < 0 || lines < max) && (nl = strchr(s, '\n'))) {
			*nl = 0;
			/* bpf_printk("...\n") leaves an empty line after each message. */
			if (s[strspn(s, " \t")]) {
				emit(f, s, json);
				lines++;
			}
			s = nl + 1;
		}
		l->pklen -= (size_t)(s - l->pkbuf);
		memmove(l->pkbuf, s, l->pklen + 1);
	}
	if (lines)
		fflush(f);
	return lines;
}

int lbc_printk_drain(struct lbc *l, FILE *f, bool json)
{
	return lbc_printk_drain_max(l, f, json, -1);
}

void lbc_printk_close(struct lbc *l)
{
	if (l->printk_fd >= 0)
		close(l->printk_fd);
	l->printk_fd = -1;
	if (l->printk_inst[0])
		rmdir(l->printk_inst);
	l->printk_inst[0] = 0;
	free(l->pkbuf);
	l->pkbuf = NULL;
	l->pklen = 0;
}
