// SPDX-License-Identifier: MIT
/* surftrace -c 'CMD ARGS': the command is forked first and held on a pipe until every probe
 * is live, so its first instruction is already traced; then it execs, as perf record and
 * bpftrace -c do. It runs with surftrace's own credentials (root under sudo, like perf and
 * bpftrace); prefix `setpriv`/`runuser` to drop them. CMD is split into words the way a
 * shell would (quotes, backslashes, $VAR, globs) but without running anything
 * (wordexp WRDE_NOCMD): pipes, redirections and $(...) need an explicit 'sh -c ...'. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>
#include "cli/cli.h"
#include "types/usym.h"

static const char *wordexp_why(int rc)
{
	switch (rc) {
	case WRDE_BADCHAR: return "shell syntax (| & ; < > ( ) { }) needs -c 'sh -c \"...\"'";
	case WRDE_CMDSUB: return "command substitution is not run; use -c 'sh -c \"...\"'";
	case WRDE_SYNTAX: return "unbalanced quotes";
	case WRDE_BADVAL: return "undefined variable";
	default: return "out of memory";
	}
}

int st_cli_child_fork(const char *cmd, bool out_to_err, struct st_cli_child *c)
{
	int go[2], ex[2], rc, e = 0;
	wordexp_t we;

	memset(c, 0, sizeof(*c));
	c->pid = -1;
	c->go_fd = c->ex_fd = -1;
	rc = wordexp(cmd, &we, WRDE_NOCMD);
	if (rc) {
		if (rc == WRDE_NOSPACE)
			wordfree(&we);
		return st_cli_usage_error("-c '%s': %s", cmd, wordexp_why(rc));
	}
	if (!we.we_wordc) {
		wordfree(&we);
		return st_cli_usage_error("-c needs a command");
	}
	/* a command that cannot run is said before anything is set up (as bpftrace does),
	 * with the shell's status 127; the exec below still reports a late failure */
	{
		char path[PATH_MAX];

		if (st_usym_find_command(we.we_wordv[0], path, sizeof(path))) {
			e = errno;
			st_cli_error("-c: cannot run '%s': %s", we.we_wordv[0],
				     e == ENOENT && !strchr(we.we_wordv[0], '/') ?
				     "command not found in $PATH" : strerror(e));
			wordfree(&we);
			return 127;
		}
	}
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0) {
		wordfree(&we);
		st_cli_error("-c: pipe: %s", strerror(errno));
		return 1;
	}
	c->pid = fork();
	if (c->pid == 0) {
		char b;

		/* held until surftrace says go; gone with it if it dies during setup */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		close(ex[0]);
		if (read(go[0], &b, 1) != 1)
			_exit(127);
		close(go[0]);
		/* from here on it lives its own life: tracing may end before it does */
		prctl(PR_SET_PDEATHSIG, 0);
		/* --json: stdout carries only records, the command prints on stderr */
		if (out_to_err && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(we.we_wordv[0], we.we_wordv);
		e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	if (c->pid < 0)
		e = errno;
	close(go[0]);
	close(ex[1]);
	c->go_fd = go[1];
	c->ex_fd = ex[0];
	snprintf(c->name, sizeof(c->name), "%s", we.we_wordv[0]);
	wordfree(&we);
	if (c->pid < 0) {
		close(c->go_fd);
		close(c->ex_fd);
		st_cli_error("-c: fork: %s", strerror(e));
		return 1;
	}
	return 0;
}

int st_cli_child_release(struct st_cli_child *c)
{
	ssize_t n;
	int e = 0;

	if (write(c->go_fd, "g", 1) != 1)
		e = errno;
	close(c->go_fd);
	c->go_fd = -1;
	/* EOF on the exec pipe: the exec succeeded (the pipe was close-on-exec) */
	do {
		n = read(c->ex_fd, &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	close(c->ex_fd);
	c->ex_fd = -1;
	if (n == (ssize_t)sizeof(e) || e) {
		st_cli_error("-c: cannot run '%s': %s", c->name, strerror(e));
		return -1;
	}
	return 0;
}

void st_cli_child_go(struct st_cli_child *c)
{
	if (c && st_cli_child_release(c) < 0)
		c->status = 127;      /* as a shell says for a command it cannot run */
}

void st_cli_child_abort(struct st_cli_child *c)
{
	if (c->pid <= 0)
		return;
	if (c->go_fd >= 0)
		close(c->go_fd);   /* the held child reads EOF and exits without exec */
	if (c->ex_fd >= 0)
		close(c->ex_fd);
	c->go_fd = c->ex_fd = -1;
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
		;
	c->pid = -1;
}

static int status_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

bool st_cli_child_exited(struct st_cli_child *c)
{
	int st;

	if (c->done)
		return true;
	if (c->pid <= 0 || waitpid(c->pid, &st, WNOHANG) != c->pid)
		return false;
	c->status = status_of(st);
	c->done = true;
	return true;
}

int st_cli_child_wait(struct st_cli_child *c)
{
	int st;

	if (c->done || c->pid <= 0)
		return c->status;
	while (waitpid(c->pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	c->status = status_of(st);
	c->done = true;
	return c->status;
}
