/* Whole-file reads for the small text files surftrace parses (symbol lists, .surf files,
 * expression files). */
#ifndef ST_UTIL_FILE_H
#define ST_UTIL_FILE_H

/* The file's contents NUL-terminated (an empty file gives ""), or NULL with errno set. */
char *st_slurp(const char *path);

#endif
