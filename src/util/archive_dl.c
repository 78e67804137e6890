// SPDX-License-Identifier: MIT
/* The static lab build (-DST_NO_LIBARCHIVE, tests/lab/lab.mk) reads no packages and has
 * no libarchive headers: nothing here. */
#ifndef ST_NO_LIBARCHIVE
#include <dlfcn.h>
#include <stddef.h>
#include "util/archive_dl.h"

#define FN(f) { "archive_" #f, offsetof(struct st_archive_api, f) }
static const struct { const char *name; size_t off; } fns[] = {
	FN(read_new), FN(read_free), FN(read_support_filter_all), FN(read_support_format_all),
	FN(read_open), FN(read_open_filename), FN(read_next_header), FN(read_data),
	FN(error_string), FN(filter_bytes), FN(filter_count), FN(filter_code), FN(format),
	FN(entry_pathname), FN(entry_filetype),
};
#undef FN
_Static_assert(sizeof(fns) / sizeof(fns[0]) == sizeof(struct st_archive_api) / sizeof(void *),
	       "every member of st_archive_api is looked up");

const struct st_archive_api *st_archive_load(void)
{
	static struct st_archive_api api;
	static void *lib;
	size_t i;

	if (lib)
		return &api;
	lib = dlopen(ST_ARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return NULL;
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		void *f = dlsym(lib, fns[i].name);

		if (!f) {
			dlclose(lib);
			lib = NULL;
			return NULL;
		}
		*(void **)((char *)&api + fns[i].off) = f;
	}
	return &api;
}
#endif
