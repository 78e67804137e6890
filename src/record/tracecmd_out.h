/* SPDX-License-Identifier: MIT */
/* The writing half of libtracecmd (trace-output.c): exported by libtracecmd.so.1 (1.3,
 * Debian's trace-cmd 3.1.6) but declared only in trace-cmd's private header, which the
 * -dev package does not ship. These are its prototypes, for exactly the calls we make. */
#ifndef ST_RECORD_TRACECMD_OUT_H
#define ST_RECORD_TRACECMD_OUT_H
#include <stdbool.h>
#include <stddef.h>
#include <trace-cmd.h>

struct tracecmd_output;
struct tracecmd_option;
struct tracecmd_event_list {
	struct tracecmd_event_list *next;
	const char *glob;
};

struct tracecmd_output *tracecmd_output_create(const char *output_file);
void tracecmd_set_quiet(struct tracecmd_output *handle, bool set_quiet);
int tracecmd_output_set_trace_dir(struct tracecmd_output *handle, const char *tracing_dir);
int tracecmd_output_write_headers(struct tracecmd_output *handle,
				  struct tracecmd_event_list *list);
int tracecmd_write_cmdlines(struct tracecmd_output *handle);
struct tracecmd_option *tracecmd_add_option(struct tracecmd_output *handle,
					    unsigned short id, int size, const void *data);
int tracecmd_write_cpu_data(struct tracecmd_output *handle, int cpus,
			    char *const *cpu_data_files, const char *buff_name);
void tracecmd_output_close(struct tracecmd_output *handle);
size_t tracecmd_get_options_offset(struct tracecmd_input *handle);

#endif
