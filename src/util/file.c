#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/file.h"

char *st_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = ferror(f) ? NULL : strdup("");
	}
	fclose(f);
	return buf;
}
