/* SPDX-License-Identifier: MIT */
/* The `lbc` Python module's shared declarations: Program (lbc_mod.c), Map (lbc_pymap.c),
 * values (lbc_value.c), ClbcBase (lbc_pylcc.c). Only conversions live here; compiling,
 * loading, decoding, map walks and symbols are liblbc's (lbc/liblbc.h). */
#ifndef LBC_PY_H
#define LBC_PY_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>
#include "liblbc.h"

typedef struct ProgramObject {
	PyObject_HEAD
	struct lbc *l;
	PyObject *name;          /* str */
	PyObject *maps;          /* dict name -> Map, made on first use */
	PyObject *handlers;      /* dict buffer map name -> callable */
	PyObject *raw_handlers;  /* dict name -> callable(cpu, addr, size) (pylcc) */
	PyObject *pending;       /* exception raised in a callback during poll */
	PyObject *ptype, *ptb;
	PyObject *weakrefs;
	bool buffers;            /* every buffer map is open (lbc_on_event) */
	bool printk;             /* the printk instance is open */
	struct ProgramObject *next_live;
} ProgramObject;

extern PyTypeObject ProgramType, MapType, StructType;
extern PyObject *LbcError;

/* liblbc's last message as an exception: OSError(errno, msg) for system refusals,
 * LbcError (a ValueError) for compile errors and bad input. */
PyObject *lbc_py_raise(ProgramObject *p, int err);
int lbc_py_ready(ProgramObject *p);

/* Decoded value of data (type_id in the program's BTF): int, bool, str, bytes, tuple,
 * lbc.Struct. */
PyObject *lbc_py_decode(ProgramObject *p, uint32_t type_id, const void *data, size_t size);
/* key/value bytes for a map from a Python value (int, str, bytes, lbc.Struct); buf holds
 * size bytes. */
int lbc_py_encode(PyObject *v, void *buf, size_t size, const char *what);

/* Map object for `name` of p (a new reference). */
PyObject *lbc_py_map_new(ProgramObject *p, const char *name);
/* Wait (GIL released) and deliver buffered events (GIL held); raises what a callback
 * raised, KeyboardInterrupt on Ctrl-C. timeout_ms < 0: until something arrived. */
PyObject *lbc_py_poll(ProgramObject *p, int timeout_ms);
/* Opens every buffer map and the printk pipe: done before attach so nothing is lost. */
int lbc_py_open_buffers(ProgramObject *p);
/* Symbolized frames of stack id `id` as a list of str (kernel, or user frames of pid). */
PyObject *lbc_py_stack(ProgramObject *p, const char *map, long long id, int pid);
/* Writes text made by fn(l, FILE*, ...) to sys.stdout: printk lines, histograms. */
int lbc_py_write_stdout(const char *buf, size_t len);

int lbc_py_pylcc_init(PyObject *m);
int lbc_py_map_init(PyObject *m);
int lbc_py_value_init(PyObject *m);

#endif
