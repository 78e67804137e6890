/* SPDX-License-Identifier: MIT */
/* The one reader of a trace event's fields (tracefs events/GROUP/EVENT/format), parsed by
 * libtraceevent: the filter compiler, -L and the guide's completion ask it. (The live
 * reader decodes records through its own tep handle: src/read/formats.c.) */
#ifndef ST_TYPES_EVFORMAT_H
#define ST_TYPES_EVFORMAT_H
#include <stdbool.h>

struct st_evfield {
	char *name;          /* "prev_comm" */
	char *decl;          /* "char prev_comm[16]": the declaration as the format gives it */
	int offset, size;
	bool is_signed;      /* the format's signed: */
	bool common;         /* common_* (in every event) */
};

/* The fields of tracefs/events/EVENT/format (EVENT is "group/name"), common ones first, as
 * the file lists them. Returns their number (*out, free with st_evfields_free), or -1
 * with errno when the format cannot be read or parsed. */
int st_evformat_fields(const char *tracefs, const char *event, struct st_evfield **out);
void st_evfields_free(struct st_evfield *f, int n);

#endif
