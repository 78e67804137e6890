/* Placeholder until the guide lands (guide/cmd_guide.c replaces this file). */
#include <stdio.h>
#include "cli/cli.h"
int st_cmd_guide(const struct st_cli_opts *o) { (void)o; fprintf(stderr, "surftrace: guide not built yet\n"); return 1; }
