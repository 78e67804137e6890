// SPDX-License-Identifier: MIT
/* The compiler step: clang run as a child process (the only one lbc starts), its
 * diagnostics collected for the error message. */
#include "lbc_int.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs clang on path; collects its diagnostics. */
int lbc_run_clang(struct lbc *l, const char *clang, const char *path, const char *name,
		     const char *srcdir, const char *incdir, const char *out)
{
	const char *argv[64 + 2 * 16];
	char idir[2][PATH_MAX];
	int errp[2], status, i, argc = 0;
	char *diag = NULL;
	size_t dlen = 0;
	pid_t pid;

	argv[argc++] = clang;
	argv[argc++] = "-g";
	argv[argc++] = "-O2";
	argv[argc++] = "-target";
	argv[argc++] = "bpf";
	argv[argc++] = TARGET_ARCH;
	argv[argc++] = "-fno-color-diagnostics";
	st_pathf(idir[0], sizeof(idir[0]), "-I%s", srcdir);
	argv[argc++] = idir[0];
	for (i = 0; i < l->o.nincdirs && i < 16; i++) {
		argv[argc++] = "-I";
		argv[argc++] = l->o.incdirs[i];
	}
	st_pathf(idir[1], sizeof(idir[1]), "-I%s", incdir);
	argv[argc++] = idir[1];
	for (i = 0; i < l->o.ncflags && i < 16; i++)
		argv[argc++] = l->o.cflags[i];
	argv[argc++] = "-c";
	argv[argc++] = "-o";
	argv[argc++] = out;
	argv[argc++] = "--";     /* the source is never an option */
	argv[argc++] = path;
	argv[argc] = NULL;

	if (pipe2(errp, O_CLOEXEC))
		return lbc_fail(l, errno, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(errp[0]);
		close(errp[1]);
		return lbc_fail(l, errno, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		dup2(errp[1], 2);
		execv(clang, (char *const *)argv);
		dprintf(2, "cannot run %s: %s\n", clang, strerror(errno));
		_exit(127);
	}
	close(errp[1]);
	for (;;) {
		char buf[4096];
		ssize_t n = read(errp[0], buf, sizeof(buf));
		char *nd;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		nd = realloc(diag, dlen + (size_t)n + 1);
		if (!nd)
			break;
		diag = nd;
		memcpy(diag + dlen, buf, (size_t)n);
		dlen += (size_t)n;
		diag[dlen] = 0;
	}
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		lbc_fail(l, EINVAL, "clang failed to compile %s:\n%s", name, diag ? diag : "");
		free(diag);
		return -EINVAL;
	}
	/* Warnings still reach the user, as a compiler's would. */
	if (diag && dlen)
		lbc_print(LBC_WARN, "%s", diag);
	free(diag);
	return 0;
}
