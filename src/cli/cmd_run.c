/* Placeholder until the live session lands (issue 4). */
#include <stdio.h>
#include "cli/cli.h"
int st_cmd_run(const struct st_cli_opts *o) { (void)o; fprintf(stderr, "surftrace: live tracing not built yet\n"); return 1; }
int st_cmd_cleanup(const struct st_cli_opts *o) { (void)o; fprintf(stderr, "surftrace: --cleanup not built yet\n"); return 1; }
