// SPDX-License-Identifier: MIT
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compile/compile.h"
#include "record/meta.h"

char *st_meta_text(const char *group, const char *const *exprs,
		   const struct st_probe *const *probes, size_t n,
		   const unsigned long long *lost, int nlost, bool stacks,
		   const struct st_meta_comm *comms, size_t ncomms)
{
	char *buf = NULL;
	size_t len = 0, i, j;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "surftrace-record\t1\ngroup\t%s\n", group ? group : "-");
	for (i = 0; i < n; i++) {
		const struct st_probe *p = probes[i];

		fprintf(f, "expr\t%zu\t%s\n", i, exprs && exprs[i] ? exprs[i] : "");
		fprintf(f, "probe\t%zu\t%c\t%s\t%s\n", i, p->type, p->event ? p->event : "-",
			p->group ? p->group : "-");
		for (j = 0; j < p->nargs; j++)
			fprintf(f, "arg\t%zu\t%s\t%d\n", i, p->args[j].name ? p->args[j].name : "",
				(int)p->args[j].conv);
	}
	for (i = 0; (int)i < nlost; i++)
		if (lost[i])
			fprintf(f, "lost\t%zu\t%llu\n", i, lost[i]);
	if (stacks)
		fprintf(f, "stack\t1\n");
	for (i = 0; i < ncomms; i++)   /* a name with a tab or newline would break the line */
		if (comms[i].pid > 0 && !strpbrk(comms[i].comm, "\t\n"))
			fprintf(f, "comm\t%d\t%.15s\n", comms[i].pid, comms[i].comm);
	if (fclose(f))
		return NULL;
	return buf;
}

/* Split line at tabs into at most max fields (the last keeps any further tabs). */
static int fields(char *line, char **v, int max)
{
	int n = 0;

	while (n < max) {
		v[n++] = line;
		if (n == max || !(line = strchr(line, '\t')))
			break;
		*line++ = '\0';
	}
	return n;
}

static int grow(struct st_meta *m, size_t idx)
{
	struct st_probe **np;
	char **ne;

	if (idx < m->n)
		return 0;
	np = realloc(m->probes, (idx + 1) * sizeof(*np));
	if (!np)
		return -1;
	m->probes = np;
	ne = realloc(m->exprs, (idx + 1) * sizeof(*ne));
	if (!ne)
		return -1;
	m->exprs = ne;
	for (; m->n <= idx; m->n++) {
		m->probes[m->n] = NULL;
		m->exprs[m->n] = NULL;
	}
	return 0;
}

static int add_arg(struct st_probe *p, const char *name, int conv)
{
	struct st_probe_arg *na = realloc(p->args, (p->nargs + 1) * sizeof(*na));

	if (!na)
		return -1;
	p->args = na;
	memset(&na[p->nargs], 0, sizeof(*na));
	na[p->nargs].conv = (enum st_conv)conv;
	na[p->nargs].name = strdup(name);
	return na[p->nargs++].name ? 0 : -1;
}

int st_meta_parse(const char *text, struct st_meta *m, struct st_err *err)
{
	char *copy = strdup(text), *line, *save = NULL, *f[5];
	int nf, lineno = 0;
	size_t idx;

	memset(m, 0, sizeof(*m));
	if (!copy)
		return st_err_set(err, 0, "out of memory");
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		nf = fields(line, f, 5);
		if (lineno == 1) {
			if (nf < 2 || strcmp(f[0], "surftrace-record") || atoi(f[1]) != 1)
				goto bad;
			continue;
		}
		if (!strcmp(f[0], "group") && nf >= 2) {
			free(m->group);
			m->group = strdup(f[1]);
		} else if (!strcmp(f[0], "expr") && nf >= 3) {
			idx = strtoul(f[1], NULL, 10);
			if (idx > 65535 || grow(m, idx))
				goto bad;
			free(m->exprs[idx]);
			m->exprs[idx] = strdup(f[2]);
		} else if (!strcmp(f[0], "probe") && nf >= 5) {
			struct st_probe *p;

			idx = strtoul(f[1], NULL, 10);
			if (idx > 65535 || grow(m, idx) || m->probes[idx])
				goto bad;
			p = m->probes[idx] = calloc(1, sizeof(*p));
			if (!p)
				goto bad;
			p->type = f[2][0];
			p->index = (int)idx;
			p->event = strcmp(f[3], "-") ? strdup(f[3]) : NULL;
			p->group = strcmp(f[4], "-") ? strdup(f[4]) : NULL;
		} else if (!strcmp(f[0], "arg") && nf >= 4) {
			idx = strtoul(f[1], NULL, 10);
			if (idx >= m->n || !m->probes[idx] ||
			    add_arg(m->probes[idx], f[2], atoi(f[3])))
				goto bad;
		} else if (!strcmp(f[0], "lost") && nf >= 3) {
			int cpu = atoi(f[1]);
			unsigned long long *nl;

			if (cpu < 0 || cpu > 65535)
				goto bad;
			if (cpu >= m->nlost) {
				nl = realloc(m->lost, (size_t)(cpu + 1) * sizeof(*nl));
				if (!nl)
					goto bad;
				memset(nl + m->nlost, 0, (size_t)(cpu + 1 - m->nlost) * sizeof(*nl));
				m->lost = nl;
				m->nlost = cpu + 1;
			}
			m->lost[cpu] = strtoull(f[2], NULL, 10);
		} else if (!strcmp(f[0], "comm") && nf >= 3) {
			struct st_meta_comm *nc = realloc(m->comms, (m->ncomms + 1) * sizeof(*nc));
			long pid = strtol(f[1], NULL, 10);

			if (!nc)
				goto bad;
			m->comms = nc;
			if (pid > 0 && pid <= INT_MAX) {
				nc[m->ncomms].pid = (int)pid;
				snprintf(nc[m->ncomms].comm, sizeof(nc->comm), "%s", f[2]);
				m->ncomms++;
			}
		} else if (!strcmp(f[0], "stack")) {
			m->stacks = nf >= 2 && atoi(f[1]) == 1;
		}       /* unknown lines: written by a newer surftrace, skipped */
	}
	free(copy);
	for (idx = 0; idx < m->n; idx++)
		if (!m->probes[idx])
			return st_meta_clear(m), st_err_set(err, 0, "surftrace record: expression "
							    "%zu has no probe", idx + 1);
	return 0;
bad:
	free(copy);
	st_meta_clear(m);
	return st_err_set(err, 0, "surftrace record: malformed meta data (line %d)", lineno);
}

void st_meta_clear(struct st_meta *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		st_probe_free(m->probes[i]);
		free(m->exprs[i]);
	}
	free(m->probes);
	free(m->exprs);
	free(m->group);
	free(m->lost);
	free(m->comms);
	memset(m, 0, sizeof(*m));
}
