// SPDX-License-Identifier: MIT
/* tracefs root discovery, path building and error_log-aware writes. */
#include "session/tracefs.h"
#include "util/file.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_readme(const char *root)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/README", root);
	return access(p, F_OK) == 0;
}

static const char *const main_root = "/sys/kernel/tracing";
static const char *const debug_root = "/sys/kernel/debug/tracing";

const char *st_tracefs_find(void)
{
	static const char *const roots[] = { main_root, debug_root };
	char p[64];

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(p, sizeof(p), "%s/events", roots[i]);
		if (access(p, R_OK | X_OK) == 0)
			return roots[i];
	}
	return NULL;
}

int st_tracefs_open(struct st_tracefs *t, const char *root, struct st_err *err)
{

	if (root) {
		if (st_pathf(t->root, sizeof(t->root), "%s", root))
			return st_err_set(err, 0, "tracefs path too long");
		return 0;
	}
	/* Mounting tracefs is what the kernel docs ask for; it changes no tracing state. */
	if (!has_readme(main_root))
		(void)mount("nodev", main_root, "tracefs", 0, NULL);
	/* Kernels before 4.1 have tracefs only inside debugfs. */
	if (!has_readme(main_root) && !has_readme(debug_root))
		(void)mount("nodev", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (has_readme(main_root))
		root = main_root;
	else if (has_readme(debug_root))
		root = debug_root;
	else if (geteuid() && access(main_root, X_OK) && errno == EACCES)
		return st_err_set(err, 0, "no access to tracefs at %s: tracing needs root "
				  "(try: sudo surftrace ...; -S works without root)", main_root);
	else
		return st_err_set(err, 0, "tracefs not found at %s or %s (%s)", main_root,
				  debug_root, geteuid() ? "need root" : "is tracing built in?");
	snprintf(t->root, sizeof(t->root), "%s", root);
	return 0;
}

int st_tracefs_path(const struct st_tracefs *t, char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	size_t a;
	int r;

	if (st_pathf(buf, n, "%s/", t->root))
		return -1;
	a = strlen(buf);
	va_start(ap, fmt);
	r = st_vpathf(buf + a, n - a, fmt, ap);
	va_end(ap);
	if (r)
		buf[0] = '\0';
	return r;
}

char *st_tracefs_read(const struct st_tracefs *t, const char *rel)
{
	char path[512], *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd;

	if (st_tracefs_path(t, path, sizeof(path), "%s", rel) < 0) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* tracefs files report size 0: read until EOF. */
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (r < 0) {
		int e = errno;

		free(buf);
		errno = e;
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

bool st_tracefs_exists(const struct st_tracefs *t, const char *rel)
{
	char path[512];

	return st_tracefs_path(t, path, sizeof(path), "%s", rel) == 0 && access(path, F_OK) == 0;
}

/* Copy s collapsing whitespace runs to one space, trimmed. */
static void normalize(const char *s, char *out, size_t n)
{
	size_t o = 0;
	bool space = false;

	while (*s && isspace((unsigned char)*s))
		s++;
	for (; *s && o + 1 < n; s++) {
		if (isspace((unsigned char)*s)) {
			space = true;
			continue;
		}
		if (space && o + 2 < n)
			out[o++] = ' ';
		space = false;
		out[o++] = *s;
	}
	out[o] = '\0';
}

/* One error_log entry is "[ts] source: error: MESSAGE\n  Command: CMD\n  ^\n". */
bool st_error_log_reason(const char *log, const char *cmd, char *out, size_t n)
{
	char want[1024], have[1024], msg[512] = "";
	const char *line, *nl;
	bool found = false;

	if (!log || !cmd)
		return false;
	normalize(cmd, want, sizeof(want));
	for (line = log; *line; line = nl ? nl + 1 : line + strlen(line)) {
		size_t len;

		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (line[0] == '[') {
			/* ": error: " skips sources named "... parse error" */
			const char *e = strstr(line, ": error: ");

			msg[0] = '\0';
			if (e && e < line + len) {
				size_t m = (size_t)(line + len - (e + 9));

				if (m >= sizeof(msg))
					m = sizeof(msg) - 1;
				memcpy(msg, e + 9, m);
				msg[m] = '\0';
			}
		} else {
			const char *c = line;

			while (c < line + len && *c == ' ')
				c++;
			if (!strncmp(c, "Command:", 8) && msg[0]) {
				char tmp[1024];
				size_t m = (size_t)(line + len - (c + 8));

				if (m >= sizeof(tmp))
					m = sizeof(tmp) - 1;
				memcpy(tmp, c + 8, m);
				tmp[m] = '\0';
				normalize(tmp, have, sizeof(have));
				/* Keep scanning: the newest matching entry wins. */
				if (!strcmp(have, want)) {
					snprintf(out, n, "%s", msg);
					found = true;
				}
			}
		}
		if (!nl)
			break;
	}
	return found;
}

/* A filter the kernel rejects is echoed back by its file with "parse_error: why". */
static bool filter_reason(const struct st_tracefs *t, const char *rel, char *out, size_t n)
{
	size_t len = strlen(rel);
	char *text, *p;
	bool ok = false;

	if (len < 7 || strcmp(rel + len - 7, "/filter"))
		return false;
	text = st_tracefs_read(t, rel);
	if (!text)
		return false;
	p = strstr(text, "parse_error: ");
	if (p) {
		p += 13;
		p[strcspn(p, "\n")] = '\0';
		snprintf(out, n, "%s", p);
		ok = true;
	}
	free(text);
	return ok;
}

static bool kernel_reason(const struct st_tracefs *t, const char *rel, const char *text,
			  const char *instance, char *out, size_t n)
{
	char logrel[300];
	char *log;
	bool ok = false;

	if (instance) {
		snprintf(logrel, sizeof(logrel), "instances/%s/error_log", instance);
		log = st_tracefs_read(t, logrel);
		ok = st_error_log_reason(log, text, out, n);
		free(log);
	}
	if (!ok) {
		log = st_tracefs_read(t, "error_log");
		ok = st_error_log_reason(log, text, out, n);
		free(log);
	}
	return ok || filter_reason(t, rel, out, n);
}

int st_tracefs_write(const struct st_tracefs *t, const char *rel, const char *text,
		     bool append, const char *instance, struct st_err *err)
{
	char path[512], reason[512];
	size_t len = strlen(text);
	ssize_t w;
	int fd, e;

	if (st_tracefs_path(t, path, sizeof(path), "%s", rel) < 0) {
		st_err_set(err, 0, "%s: path too long", rel);
		return -ENAMETOOLONG;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	if (fd < 0) {
		e = errno;
		st_err_set(err, 0, "%s: %s%s", path, strerror(e),
			   e == EACCES || e == EPERM ? " (need root)" : "");
		return -e;
	}
	do
		w = write(fd, text, len);
	while (w < 0 && errno == EINTR);
	e = w < 0 ? errno : (size_t)w == len ? 0 : EIO;
	close(fd);
	if (!e)
		return 0;
	if (kernel_reason(t, rel, text, instance, reason, sizeof(reason)))
		st_err_set(err, 0, "%s: %s (%s)", rel, reason, strerror(e));
	else
		st_err_set(err, 0, "%s: %s", rel, strerror(e));
	return -e;
}

long st_buffer_kb(long user_kb, enum st_buffer_use use)
{
	if (user_kb > 0)
		return user_kb;
	switch (use) {
	case ST_BUF_AGGREGATE:
		return 4096;
	case ST_BUF_GRAPH:
		return 8192;
	case ST_BUF_TRACE:
	case ST_BUF_PRINTK:
		break;
	}
	return 0;
}
