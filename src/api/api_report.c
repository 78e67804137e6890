// SPDX-License-Identifier: MIT
/* surftrace_report: a recording (-w) printed as the live run printed it: the meta option
 * gives back the run's probes (their events and name-prefix conversions), the reader's
 * trace.dat source gives the events, the output stage formats them. */
#include <stdlib.h>
#include "api/api_int.h"
#include "record/meta.h"

int surftrace_report(const char *path, FILE *out, bool json, FILE *lost_summary,
		     struct surftrace_err *err)
{
	struct st_meta m = { 0 };
	struct st_err e = { 0 };
	struct st_output *o = NULL;
	struct st_tracedat *td = NULL;
	char *text = st_recorder_read_meta(path, &e);
	int *cpus = NULL, rc = -1, i;

	if (!text || st_meta_parse(text, &m, &e) < 0)
		goto out;
	{
		struct st_output_opts oo = {
			.mode = json ? ST_OUT_JSON : ST_OUT_TEXT, .out = out,
			.probes = (const struct st_probe *const *)m.probes, .nprobes = m.n,
			.group = m.group,
		};

		o = st_output_new(&oo, &e);
	}
	if (!o || !(td = st_tracedat_open(path, &e)))
		goto out;
	for (size_t k = 0; k < m.ncomms; k++)
		st_tracedat_name(td, m.comms[k].pid, m.comms[k].comm);
	if (st_tracedat_run(td, m.stacks, st_output_cb, o, &e) < 0)
		goto out;
	cpus = calloc((size_t)m.nlost + 1, sizeof(*cpus));
	if (!cpus) {
		st_err_set(&e, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < m.nlost; i++)
		cpus[i] = i;
	if (st_output_lost_counts(o, cpus, m.lost, m.nlost) < 0 || st_output_flush(o) < 0) {
		st_err_set(&e, 0, "cannot write the report");
		goto out;
	}
	if (lost_summary)
		st_output_lost_counts_summary(lost_summary, cpus, m.lost, m.nlost);
	rc = 0;
out:
	if (rc < 0)
		st_api_err(err, &e, -1, true);
	st_output_free(o);          /* it borrowed the file's tep */
	st_tracedat_close(td);
	st_meta_clear(&m);
	free(cpus);
	free(text);
	return rc;
}
