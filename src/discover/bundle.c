// SPDX-License-Identifier: MIT
/* Bundle files: writing, strict reading, and picking the entry for a kernel. */
#include "discover/bundle.h"
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "compile/compile.h"
#include "compile/kdef.h"
#include "util/safedir.h"
#include "util/sha256.h"
#include "types/types.h"
#include "types/usym.h"

static void hex_digest(const void *data, size_t n, char hex[65])
{
	uint8_t d[32];

	st_sha256(data, n, d);
	st_sha256_hex(d, hex);
}

/* Format 2 adds a "binary" line to every uprobe; format 1 is read for kernel probes only. */
#define MAGIC "surftrace-bundle 2\n"
#define MAGIC_V1 "surftrace-bundle 1\n"
#define MAX_BUNDLE (16u << 20)
#define MAX_PROBES 256
#define MAX_ARGS 128

struct st_bundle *st_bundle_new(void)
{
	return calloc(1, sizeof(struct st_bundle));
}

static void entry_free(struct st_bundle_entry *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (e->exprs)
			free(e->exprs[i]);
		if (e->probes)
			st_probe_free(e->probes[i]);
		if (e->ubin)
			free(e->ubin[i].identity);
	}
	free(e->ubin);
	free(e->exprs);
	free(e->probes);
	free(e->release);
	free(e->arch);
	free(e->identity);
}

void st_bundle_free(struct st_bundle *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++)
		entry_free(&b->v[i]);
	free(b->v);
	free(b);
}

static bool is_uprobe(const struct st_probe *p)
{
	return p->type == 'P' || p->type == 'R';
}

/* What the uprobe's binary is now: its identity and the probe's offset from its symbol. */
static int ubin_of(const struct st_probe *p, struct st_bundle_ubin *u, struct st_err *err)
{
	char id[ST_USYM_IDENTITY_MAX];
	unsigned long long base = 0;

	if (st_usym_identity(p->binary, id, sizeof(id), err))
		return -1;
	if (p->func && st_usym_offset(p->binary, p->func, 0, 0, &base, err))
		return -1;
	if (base > p->uoffset)
		return st_err_set(err, 0, "%s: %s is after the probed offset", p->binary, p->func);
	u->symoff = p->func ? p->uoffset - base : 0;
	u->identity = strdup(id);
	return u->identity ? 0 : st_err_set(err, 0, "out of memory");
}

int st_bundle_add(struct st_bundle *b, const char *release, const char *arch,
		  const char *identity, char *const *exprs, struct st_probe **probes, size_t n,
		  const struct st_bundle_ubin *ubin, struct st_err *err)
{
	struct st_bundle_entry *v = realloc(b->v, (b->n + 1) * sizeof(*v)), *e;
	size_t i;

	if (!v)
		return st_err_set(err, 0, "out of memory");
	b->v = v;
	e = &b->v[b->n];
	memset(e, 0, sizeof(*e));
	e->release = strdup(release);
	e->arch = strdup(arch);
	e->identity = strdup(identity);
	e->exprs = calloc(n ? n : 1, sizeof(*e->exprs));
	e->ubin = calloc(n ? n : 1, sizeof(*e->ubin));
	e->probes = probes;
	e->n = n;
	b->n++;
	if (!e->release || !e->arch || !e->identity || !e->exprs || !e->ubin)
		return st_err_set(err, 0, "out of memory");
	for (i = 0; i < n; i++) {
		if (!(e->exprs[i] = strdup(exprs[i])))
			return st_err_set(err, 0, "out of memory");
		if (!is_uprobe(probes[i]))
			continue;
		if (!ubin) {
			if (ubin_of(probes[i], &e->ubin[i], err))
				return -1;
			continue;
		}
		e->ubin[i].symoff = ubin[i].symoff;
		if (!ubin[i].identity || !(e->ubin[i].identity = strdup(ubin[i].identity)))
			return st_err_set(err, 0, "out of memory");
	}
	return 0;
}

int st_bundle_check_binaries(const struct st_bundle_entry *e, struct st_err *err)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		const struct st_probe *p = e->probes[i];
		const struct st_bundle_ubin *u = e->ubin ? &e->ubin[i] : NULL;
		char id[ST_USYM_IDENTITY_MAX];
		unsigned long long fo;
		struct st_err why = { 0 };

		if (!is_uprobe(p))
			continue;
		if (!u || !u->identity)
			return st_err_set(err, 0, "refusing bundle: no identity for %s", p->binary);
		if (st_usym_identity(p->binary, id, sizeof(id), &why))
			return st_err_set(err, 0, "refusing bundle: %s is not the build it was made "
					  "for (bundle: %s; here: %s)", p->binary, u->identity, why.msg);
		if (strcmp(id, u->identity))
			return st_err_set(err, 0, "refusing bundle: %s is not the build it was made "
					  "for (bundle: %s, here: %s)", p->binary, u->identity, id);
		/* the same build: the recorded symbol offset goes through the translator's own
		 * checks (inside the symbol, an instruction start) and must give the offset */
		if (!p->func)
			continue;
		if (u->symoff > (unsigned long long)LONG_MAX ||
		    st_usym_offset(p->binary, p->func, 0, (long)u->symoff, &fo, &why))
			return st_err_set(err, 0, "refusing bundle: %s: %s", p->binary, why.msg);
		if (fo != p->uoffset)
			return st_err_set(err, 0, "refusing bundle: %s: %s+%llu is file offset 0x%llx "
					  "here, not 0x%llx", p->binary, p->func, u->symoff, fo,
					  p->uoffset);
	}
	return 0;
}

/* ------------------------------------------------------------------ writing */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void write_entry(FILE *f, const struct st_bundle_entry *e)
{
	size_t i, j;

	fprintf(f, "kernel %s %s %s %zu\n", e->release, e->arch, e->identity, e->n);
	for (i = 0; i < e->n; i++) {
		const struct st_probe *p = e->probes[i];

		fprintf(f, "expr %s\n", e->exprs[i]);
		fprintf(f, "probe %d %c %s %s %s %s %s %llu %zu\n", p->index, p->type,
			or_dash(p->event), or_dash(p->group), or_dash(p->func), or_dash(p->target),
			or_dash(p->binary), p->uoffset, p->nargs);
		if (is_uprobe(p))
			fprintf(f, "binary %s %llu\n", e->ubin[i].identity, e->ubin[i].symoff);
		for (j = 0; j < p->nargs; j++)
			fprintf(f, "arg %s %s %s %d\n", p->args[j].name, p->args[j].fetch,
				or_dash(p->args[j].ktype), (int)p->args[j].conv);
		if (p->filter)
			fprintf(f, "filter %s\n", p->filter);
	}
	fprintf(f, "end\n");
}

int st_bundle_save(const struct st_bundle *b, const char *path, struct st_err *err)
{
	char *text = NULL, hex[65], sum[80];
	struct st_publish_err pe;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);
	int rc, n;

	if (!f)
		return st_err_set(err, 0, "out of memory");
	fputs(MAGIC, f);
	for (i = 0; i < b->n; i++)
		write_entry(f, &b->v[i]);
	if (fclose(f) || !text) {
		free(text);
		return st_err_set(err, 0, "out of memory");
	}
	hex_digest(text, len, hex);
	n = snprintf(sum, sizeof(sum), "sha256 %s\n", hex);
	rc = st_safedir_publish_path(path, text, len, sum, (size_t)n, ST_PUBLISH_SHARED, &pe);
	free(text);
	if (rc)
		return st_err_set(err, 0, "cannot %s '%s': %s", pe.step == ST_PUBLISH_RENAME ?
				  "create" : "write", path, strerror(-rc));
	return 0;
}

/* ------------------------------------------------------------------ reading */

struct reader {
	int version;          /* 1 or 2 */
	char *text;           /* copy, split into lines in place */
	char *pos;
	int lineno;
	size_t nargs;         /* arg lines announced by the last probe line */
	struct st_err *err;
};

/* Next line (without '\n'), NULL at the end. */
static char *next_line(struct reader *r)
{
	char *l = r->pos, *nl;

	if (!l || !*l)
		return NULL;
	nl = strchr(l, '\n');
	if (nl) {
		*nl = '\0';
		r->pos = nl + 1;
	} else {
		r->pos = NULL;
	}
	r->lineno++;
	return l;
}

static int bad(struct reader *r, const char *what)
{
	return st_err_set(r->err, 0, "damaged bundle: line %d: %s", r->lineno, what);
}

/* Split "tag f1 f2 ..." on single spaces into exactly n fields after the tag. Fields
 * may not be empty (a double space is damage). */
static int fields(struct reader *r, char *line, const char *tag, char **out, int n)
{
	size_t tl = strlen(tag);
	char *p;
	int i;

	if (strncmp(line, tag, tl) || line[tl] != ' ')
		return bad(r, tag);
	p = line + tl + 1;
	for (i = 0; i < n; i++) {
		char *sp = strchr(p, ' ');

		if (!*p || sp == p)
			return bad(r, "empty field");
		out[i] = p;
		if (i < n - 1) {
			if (!sp)
				return bad(r, "too few fields");
			*sp = '\0';
			p = sp + 1;
		} else if (sp) {
			return bad(r, "too many fields");
		}
	}
	return 0;
}

/* Strict unsigned decimal. */
static int num(struct reader *r, const char *s, unsigned long long max,
	       unsigned long long *out)
{
	char *e;

	if (!isdigit((unsigned char)*s) || (s[0] == '0' && s[1]))
		return bad(r, "bad number");
	errno = 0;
	*out = strtoull(s, &e, 10);
	if (*e || errno || *out > max)
		return bad(r, "number out of range");
	return 0;
}

/* Token fields of the key line: printable, no blanks (already split), limited length. */
static int word(struct reader *r, const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 255)
		return bad(r, "bad field length");
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return bad(r, "bad character");
	return 0;
}

static char *dup_field(const char *s)
{
	return strcmp(s, "-") ? strdup(s) : NULL;
}

static int read_probe_line(struct reader *r, char *line, struct st_probe **out)
{
	char *f[9];
	unsigned long long idx, uoff, nargs;
	struct st_probe *p;
	size_t i;

	if (fields(r, line, "probe", f, 9) || num(r, f[0], 999, &idx) ||
	    num(r, f[7], ~0ULL, &uoff) || num(r, f[8], MAX_ARGS, &nargs))
		return -1;
	if (strlen(f[1]) != 1 || !strchr("prePR", f[1][0]))
		return bad(r, "bad probe type");
	for (i = 2; i < 7; i++)
		if (word(r, f[i]))
			return -1;
	p = calloc(1, sizeof(*p));
	if (!p)
		return bad(r, "out of memory");
	*out = p;
	p->type = f[1][0];
	p->index = (int)idx;
	p->uoffset = uoff;
	p->event = dup_field(f[2]);
	p->group = dup_field(f[3]);
	p->func = dup_field(f[4]);
	p->target = dup_field(f[5]);
	p->binary = dup_field(f[6]);
	if (!p->event || (p->type == 'e' ? !p->group : !p->target))
		return bad(r, "probe lacks its event or target");
	p->args = calloc(nargs ? nargs : 1, sizeof(*p->args));
	if (!p->args)
		return bad(r, "out of memory");
	r->nargs = (size_t)nargs;
	return 0;
}

/* The arg lines and the optional filter line of the probe just read. */
static int read_probe_rest(struct reader *r, struct st_probe *p)
{
	char *a[4], *l;
	unsigned long long conv;
	size_t i;

	for (i = 0; i < r->nargs; i++) {
		l = next_line(r);
		if (!l || fields(r, l, "arg", a, 4) || word(r, a[0]) || word(r, a[1]) ||
		    word(r, a[2]) || num(r, a[3], ST_CONV_BX64, &conv))
			return l ? -1 : bad(r, "missing arg line");
		p->args[i].name = strdup(a[0]);
		p->args[i].fetch = strdup(a[1]);
		p->args[i].ktype = dup_field(a[2]);
		p->args[i].conv = (enum st_conv)conv;
		p->nargs++;
		if (!p->args[i].name || !p->args[i].fetch)
			return bad(r, "out of memory");
	}
	/* optional filter line */
	if (r->pos && !strncmp(r->pos, "filter ", 7)) {
		l = next_line(r);
		p->filter = strdup(l + 7);
		if (!p->filter)
			return bad(r, "out of memory");
	}
	return 0;
}

/* "binary <identity> <offset from the symbol>" after a uprobe's probe line (format 2). */
static int read_ubin(struct reader *r, const struct st_probe *p, struct st_bundle_ubin *u)
{
	char *f[2], *l;

	if (r->version < 2)
		return st_err_set(r->err, 0, "refusing bundle: line %d: made by an older surftrace "
				  "(format 1) that did not record which build of %s it was made for; "
				  "a rebuilt binary would be probed at a wrong offset: make the bundle "
				  "again with --bundle-out", r->lineno, p->binary);
	l = next_line(r);
	if (!l || fields(r, l, "binary", f, 2) || word(r, f[0]) || num(r, f[1], 1ULL << 40, &u->symoff))
		return l ? -1 : bad(r, "expected a binary line");
	if (strncmp(f[0], "build-id:", 9) && strncmp(f[0], "sha256:", 7))
		return bad(r, "unknown binary identity");
	u->identity = strdup(f[0]);
	return u->identity ? 0 : bad(r, "out of memory");
}

static int read_entry(struct reader *r, char *line, struct st_bundle *b)
{
	char *k[4], *l;
	unsigned long long n;
	struct st_probe **probes;
	struct st_bundle_ubin *ubin;
	char **exprs;
	size_t i;
	int rc = -1;

	if (fields(r, line, "kernel", k, 4) || word(r, k[0]) || word(r, k[1]) || word(r, k[2]) ||
	    num(r, k[3], MAX_PROBES, &n))
		return -1;
	probes = calloc(n ? n : 1, sizeof(*probes));
	exprs = calloc(n ? n : 1, sizeof(*exprs));
	ubin = calloc(n ? n : 1, sizeof(*ubin));
	if (!probes || !exprs || !ubin) {
		free(probes);
		free(exprs);
		free(ubin);
		return bad(r, "out of memory");
	}
	for (i = 0; i < n; i++) {
		struct st_err verr = { 0 };

		l = next_line(r);
		if (!l || strncmp(l, "expr ", 5)) {
			bad(r, "expected an expr line");
			goto out;
		}
		exprs[i] = l + 5;
		for (char *c = exprs[i]; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				bad(r, "control character in expression");
				goto out;
			}
		l = next_line(r);
		if (!l) {
			bad(r, "expected a probe line");
			goto out;
		}
		if (read_probe_line(r, l, &probes[i]) ||
		    (is_uprobe(probes[i]) && read_ubin(r, probes[i], &ubin[i])) ||
		    read_probe_rest(r, probes[i]))
			goto out;
		if (probes[i]->index != (int)i) {
			bad(r, "probe index out of order");
			goto out;
		}
		/* The group a run will use is surftrace_<pid>: validate with a stand-in of
		 * the same shape. */
		if (st_kdef_check_probe(probes[i], "surftrace_1", &verr)) {
			st_err_set(r->err, 0, "refusing bundle: line %d: %s", r->lineno, verr.msg);
			goto out;
		}
	}
	l = next_line(r);
	if (!l || strcmp(l, "end")) {
		bad(r, "expected 'end'");
		goto out;
	}
	rc = st_bundle_add(b, k[0], k[1], k[2], exprs, probes, n, ubin, r->err);
	probes = NULL;
out:
	if (probes) {
		for (i = 0; i < n; i++)
			st_probe_free(probes[i]);
		free(probes);
	}
	for (i = 0; i < n; i++)
		free(ubin[i].identity);
	free(ubin);
	free(exprs);
	return rc;
}

struct st_bundle *st_bundle_parse(const char *text, size_t len, struct st_err *err)
{
	struct reader r = { .err = err };
	const char *last;
	char hex[65], *l;
	struct st_bundle *b;
	size_t body;

	/* The digest line is the last line: "sha256 <64 hex>\n". */
	if (len < sizeof(MAGIC) || len > MAX_BUNDLE || text[len - 1] != '\n' ||
	    memchr(text, '\0', len)) {
		st_err_set(err, 0, "not a surftrace bundle (or truncated)");
		return NULL;
	}
	if (!memcmp(text, MAGIC, strlen(MAGIC))) {
		r.version = 2;
	} else if (!memcmp(text, MAGIC_V1, strlen(MAGIC_V1))) {
		r.version = 1;
	} else {
		st_err_set(err, 0, "not a surftrace bundle (bad header)");
		return NULL;
	}
	last = text + len - 1;
	while (last > text && last[-1] != '\n')
		last--;
	body = (size_t)(last - text);
	if (len - body != 7 + 64 + 1 || strncmp(last, "sha256 ", 7)) {
		st_err_set(err, 0, "damaged bundle: no checksum line at the end");
		return NULL;
	}
	hex_digest(text, body, hex);
	if (memcmp(hex, last + 7, 64)) {
		st_err_set(err, 0, "damaged bundle: checksum mismatch (file changed or truncated)");
		return NULL;
	}
	r.text = strndup(text + strlen(MAGIC), body - strlen(MAGIC));
	b = st_bundle_new();
	if (!r.text || !b) {
		free(r.text);
		free(b);
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	r.pos = r.text;
	r.lineno = 1;
	while ((l = next_line(&r))) {
		if (read_entry(&r, l, b)) {
			st_bundle_free(b);
			free(r.text);
			return NULL;
		}
	}
	free(r.text);
	if (!b->n) {
		st_bundle_free(b);
		st_err_set(err, 0, "bundle holds no kernel");
		return NULL;
	}
	return b;
}

struct st_bundle *st_bundle_load(const char *path, struct st_err *err)
{
	char *buf = NULL, why[600];
	size_t len = 0;
	ssize_t n;
	struct st_bundle *b;
	int fd;

	/* Root runs what the file says: nobody else may have been able to write it. */
	if (geteuid() == 0) {
		fd = st_safefile_open(path, why, sizeof(why));
		if (fd < 0) {
			st_err_set(err, 0, "refusing bundle: %s", why);
			return NULL;
		}
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			st_err_set(err, 0, "cannot open bundle '%s': %s", path, strerror(errno));
			return NULL;
		}
	}
	buf = malloc(MAX_BUNDLE + 1);
	if (!buf) {
		close(fd);
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	while (len <= MAX_BUNDLE && (n = read(fd, buf + len, MAX_BUNDLE + 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	b = st_bundle_parse(buf, len, err);
	free(buf);
	return b;
}

/* ------------------------------------------------------------------ selecting */

int st_kernel_id_running(struct st_kernel_id *k, struct st_err *err)
{
	const struct st_arch *a;
	struct st_types *t;
	struct utsname u;

	memset(k, 0, sizeof(*k));
	if (uname(&u))
		return st_err_set(err, 0, "uname: %s", strerror(errno));
	snprintf(k->release, sizeof(k->release), "%s", u.release);
	a = st_arch_find(u.machine);
	snprintf(k->arch, sizeof(k->arch), "%s", a ? st_arch_name(a) : u.machine);
	t = st_types_open(NULL, NULL);
	if (t) {
		snprintf(k->identity, sizeof(k->identity), "%s", st_types_identity(t));
		st_types_free(t);
	}
	return 0;
}

const struct st_bundle_entry *st_bundle_select(const struct st_bundle *b,
					       const struct st_kernel_id *k, struct st_err *err)
{
	char have[400] = "";
	size_t i, used = 0;
	bool same_release = false;

	for (i = 0; i < b->n; i++) {
		const struct st_bundle_entry *e = &b->v[i];

		if (strcmp(e->arch, k->arch))
			continue;
		if (k->identity[0] && !strcmp(e->identity, k->identity))
			return e;
		if (!strcmp(e->release, k->release)) {
			if (!k->identity[0])
				return e;   /* no BTF here: the release is all we can match */
			same_release = true;
		}
	}
	for (i = 0; i < b->n && used < sizeof(have) - 1; i++) {
		int w = snprintf(have + used, sizeof(have) - used, "%s%s %s (BTF %s)",
				 i ? ", " : "", b->v[i].release, b->v[i].arch, b->v[i].identity);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	st_err_set(err, 0, "the bundle has no entry for this kernel (%s %s, BTF %s)%s; it has: %s",
		   k->release, k->arch, k->identity[0] ? k->identity : "none",
		   same_release ? " -- same release but different BTF, refusing" : "", have);
	return NULL;
}
