/* Minimal JSON string escaping for the output of -S --json and friends. */
#ifndef ST_UTIL_JSON_H
#define ST_UTIL_JSON_H
#include <stdio.h>

/* Write s as a JSON string literal (with quotes). NULL writes "". */
void st_json_str(FILE *f, const char *s);

#endif
