// SPDX-License-Identifier: MIT
/* codeSeparate (seed 6.3.6): the user half of independ.bpf.c as a small C program on
 * liblbc. Without an argument it looks for independ_tp.bpf.c in the current directory,
 * then next to this binary's source tree (examples/lbc/). Prints each fork like the
 * original: "current pid:%d, comm:%s. wake_up_new_task pid: %d, comm: %s".
 *   codeSeparate [PROG.bpf.c|PROG.bpf.o] [SECONDS] */
#include "liblbc.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t done;

static void on_sig(int s)
{
	(void)s;
	done = 1;
}

static void on_event(void *ctx, const struct lbc_event *ev)
{
	struct lbc *l = ctx;
	uint64_t c_pid = 0, p_pid = 0;
	char c_comm[16] = "", p_comm[16] = "";

	/* Fields by name, decoded through the event type lbc.h recorded in BTF. */
	lbc_field_u64(l, ev, "c_pid", &c_pid);
	lbc_field_u64(l, ev, "p_pid", &p_pid);
	lbc_field_str(l, ev, "c_comm", c_comm, sizeof(c_comm));
	lbc_field_str(l, ev, "p_comm", p_comm, sizeof(p_comm));
	printf("current pid:%llu, comm:%s. wake_up_new_task pid: %llu, comm: %s\n",
	       (unsigned long long)c_pid, c_comm, (unsigned long long)p_pid, p_comm);
	fflush(stdout);
}

static const char *find_prog(void)
{
	static const char *const cands[] = { "independ_tp.bpf.c", "examples/lbc/independ_tp.bpf.c" };
	size_t i;

	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (!access(cands[i], R_OK))
			return cands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *prog = argc > 1 ? argv[1] : find_prog();
	double secs = argc > 2 ? atof(argv[2]) : 0;
	struct sigaction sa = { .sa_handler = on_sig };
	struct timespec t0, t;
	struct lbc *l;
	int rc = 1;

	if (!prog) {
		fprintf(stderr, "codeSeparate: independ_tp.bpf.c not found\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	l = lbc_new(NULL);
	if (!l)
		return 1;
	if (lbc_open_file(l, prog) || lbc_load(l) || lbc_attach(l) ||
	    lbc_on_event(l, "e_out", on_event, l)) {
		fprintf(stderr, "codeSeparate: %s\n", lbc_errmsg(l));
		goto out;
	}
	fprintf(stderr, "codeSeparate: attached %s\n", prog);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!done) {
		lbc_poll(l, 100);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (secs > 0 && (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= secs)
			break;
	}
	lbc_poll(l, 0);
	rc = 0;
out:
	lbc_free(l);   /* detaches and unloads on every path */
	return rc;
}
