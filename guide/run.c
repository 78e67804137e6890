// SPDX-License-Identifier: MIT
/* Running is the surftrace binary's job (the guide is a front end): fork + exec, no
 * shell. The child shares our terminal and process group, so Ctrl-C reaches it; we ignore
 * SIGINT/SIGQUIT while it runs and it cleans up tracefs on its own SIGINT path. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guide.h"

static char **build_argv(const struct g_opts *o, char *const *exprs, int n)
{
	char **av = calloc((size_t)n + 8, sizeof(*av));
	int a = 0, i;

	if (!av)
		return NULL;
	av[a++] = (char *)o->surftrace;
	if (o->btf) {
		av[a++] = (char *)"--btf";
		av[a++] = (char *)o->btf;
	}
	if (o->vmlinux) {
		av[a++] = (char *)"--vmlinux";
		av[a++] = (char *)o->vmlinux;
	}
	if (o->arch) {
		av[a++] = (char *)"-a";
		av[a++] = (char *)o->arch;
	}
	for (i = 0; i < n; i++)
		av[a++] = exprs[i];
	return av;
}

int g_run(const struct g_opts *o, char *const *exprs, int n)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	char **av = build_argv(o, exprs, n);
	int status = 0;
	pid_t pid;

	if (!av)
		return -1;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execvp(av[0], av);
		fprintf(stderr, "surfguide: cannot run %s: %s\n", av[0], strerror(errno));
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	free(av);
	if (pid < 0)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
