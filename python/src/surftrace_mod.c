// SPDX-License-Identifier: MIT
/* The `surftrace` Python module: conversions between Python and libsurftrace
 * (include/surftrace.h), nothing else. Translation, tracefs, reading, decoding and
 * cleanup all happen in the C library.
 *
 *   surftrace.show(exprs, btf=None, arch=None)          -> [{"type","fxpr","filter"}]
 *   with surftrace.Surftrace(exprs, cb=None, stack=False, btf=None, arch=None,
 *                            buffer_kb=0) as s:
 *       s.loop(timeout=None)
 *
 * Threads: waiting for events happens with the GIL released (surftrace_wait); events are
 * delivered with it held (surftrace_poll), so callbacks run like any Python code. An
 * exception in a callback, or Ctrl-C, stops the session (tracefs as it was) and
 * propagates. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include "surftrace.h"

static PyObject *ExprError;

/* ---------------------------------------------------------------- errors */

/* Sets obj.name = v and drops the reference to v (NULL v: the error is already set). */
static int set_attr(PyObject *obj, const char *name, PyObject *v)
{
	int rc;

	if (!v)
		return -1;
	rc = PyObject_SetAttrString(obj, name, v);
	Py_DECREF(v);
	return rc;
}

/* Raise what err describes: ExprError (bad expression), ValueError (other bad input),
 * OSError (the system refused). exprs: the expression texts (for .expr), may be NULL. */
static PyObject *raise_err(const struct surftrace_err *err, PyObject *exprs)
{
	PyObject *exc, *expr = Py_None;

	if (err->runtime) {
		PyErr_SetString(PyExc_OSError, err->msg);
		return NULL;
	}
	if (err->expr < 0) {
		PyErr_SetString(PyExc_ValueError, err->msg);
		return NULL;
	}
	if (exprs && err->expr < PyList_GET_SIZE(exprs))
		expr = PyList_GET_ITEM(exprs, err->expr);
	if (err->col > 0)
		exc = PyObject_CallFunction(ExprError, "N", PyUnicode_FromFormat(
			"expression %d, column %d: %s", err->expr + 1, err->col, err->msg));
	else
		exc = PyObject_CallFunction(ExprError, "N", PyUnicode_FromFormat(
			"expression %d: %s", err->expr + 1, err->msg));
	if (!exc)
		return NULL;
	if (set_attr(exc, "expr", Py_NewRef(expr)) < 0 ||
	    set_attr(exc, "index", PyLong_FromLong(err->expr)) < 0 ||
	    set_attr(exc, "col", PyLong_FromLong(err->col)) < 0 ||
	    set_attr(exc, "msg", PyUnicode_FromString(err->msg)) < 0) {
		Py_DECREF(exc);
		return NULL;
	}
	PyErr_SetObject(ExprError, exc);
	Py_DECREF(exc);
	return NULL;
}

/* exprs: one string or an iterable of strings -> a new list of str. */
static PyObject *expr_list(PyObject *exprs)
{
	PyObject *list, *it;
	Py_ssize_t i;

	if (PyUnicode_Check(exprs))
		return Py_BuildValue("[O]", exprs);
	list = PySequence_List(exprs);
	if (!list)
		return NULL;
	for (i = 0; i < PyList_GET_SIZE(list); i++) {
		it = PyList_GET_ITEM(list, i);
		if (!PyUnicode_Check(it)) {
			PyErr_Format(PyExc_TypeError, "expressions must be str, not %.100s",
				     Py_TYPE(it)->tp_name);
			Py_DECREF(list);
			return NULL;
		}
	}
	if (!PyList_GET_SIZE(list)) {
		Py_DECREF(list);
		PyErr_SetString(PyExc_ValueError, "no expression to trace");
		return NULL;
	}
	return list;
}

/* A handle with every expression translated and queued. The library keeps pointers to
 * the btf/arch strings: callers keep those objects alive as long as the handle. */
static struct surftrace *open_exprs(PyObject *list, PyObject *btf, PyObject *arch, int stack,
				    long buffer_kb, int trace_self)
{
	struct surftrace_opts o = { .sz = sizeof(o), .stack = stack, .buffer_kb = buffer_kb,
				    .trace_self = trace_self };
	struct surftrace_err err = { 0 };
	struct surftrace *st;
	Py_ssize_t i;

	if (btf != Py_None && !(o.btf = PyUnicode_AsUTF8(btf)))
		return NULL;
	if (arch != Py_None && !(o.arch = PyUnicode_AsUTF8(arch)))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	st = surftrace_new(&o, &err);
	Py_END_ALLOW_THREADS
	if (!st)
		return raise_err(&err, list), NULL;
	for (i = 0; i < PyList_GET_SIZE(list); i++) {
		const char *e = PyUnicode_AsUTF8(PyList_GET_ITEM(list, i));

		if (!e || surftrace_add(st, e, &err) < 0) {
			if (e)
				raise_err(&err, list);
			surftrace_free(st);
			return NULL;
		}
	}
	return st;
}

static int check_opt_str(PyObject *o, const char *what)
{
	if (o == Py_None || PyUnicode_Check(o))
		return 0;
	PyErr_Format(PyExc_TypeError, "%s must be str or None", what);
	return -1;
}

/* ---------------------------------------------------------------- show */

static PyObject *py_show(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "exprs", "btf", "arch", NULL };
	PyObject *exprs, *btf = Py_None, *arch = Py_None, *list, *out = NULL;
	struct surftrace *st;
	Py_ssize_t i;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OO:show", kwl, &exprs, &btf, &arch))
		return NULL;
	if (check_opt_str(btf, "btf") || check_opt_str(arch, "arch"))
		return NULL;
	if (!(list = expr_list(exprs)))
		return NULL;
	st = open_exprs(list, btf, arch, 0, 0, 0);
	if (!st)
		goto done;
	out = PyList_New(0);
	for (i = 0; out && i < PyList_GET_SIZE(list); i++) {
		struct surftrace_translation t;
		PyObject *d;

		if (surftrace_translation(st, (int)i, &t) < 0) {
			Py_CLEAR(out);
			PyErr_NoMemory();
			break;
		}
		/* the keys and order of `surftrace -S --json` */
		d = Py_BuildValue("{s:i,s:s#,s:s,s:s}", "v", SURFTRACE_JSON_V, "type", &t.type,
				  (Py_ssize_t)1, "fxpr", t.fxpr, "filter", t.filter);
		if (!d || PyList_Append(out, d) < 0)
			Py_CLEAR(out);
		Py_XDECREF(d);
	}
	surftrace_free(st);
done:
	Py_DECREF(list);
	return out;
}

/* ---------------------------------------------------------------- Event */

/* An event. While its callback runs it reads from the library's record; when the
 * callback keeps a reference, everything is copied before the record goes away. */
typedef struct {
	PyObject_HEAD
	const struct surftrace_event *ev;   /* NULL once detached */
	PyObject *owner;                     /* the Surftrace (for .expr) */
	int pid, cpu, index;
	double time;
	PyObject *event, *system, *comm, *fields, *stack, *line;
} EventObject;

static PyTypeObject EventType;

static PyObject *ev_str(const char *s)
{
	return PyUnicode_DecodeUTF8(s ? s : "", (Py_ssize_t)strlen(s ? s : ""),
				    "surrogateescape");
}

static PyObject *value_to_py(const struct surftrace_value *v)
{
	PyObject *l;
	int i;

	switch (v->type) {
	case SURFTRACE_VALUE_INT:
		return PyLong_FromLongLong(v->i);
	case SURFTRACE_VALUE_UINT:
	case SURFTRACE_VALUE_HEX:
		return PyLong_FromUnsignedLongLong(v->u);
	case SURFTRACE_VALUE_STR:
	case SURFTRACE_VALUE_TEXT:
		return PyUnicode_DecodeUTF8(v->str, (Py_ssize_t)v->len, "surrogateescape");
	case SURFTRACE_VALUE_ARRAY:
		l = PyList_New(v->n);
		for (i = 0; l && i < v->n; i++) {
			const unsigned char *p = (const unsigned char *)v->data + i * v->elem;
			unsigned long long u = 0;
			PyObject *x;

			memcpy(&u, p, (size_t)v->elem);   /* host order, little-endian hosts */
			if (v->sign && v->elem < 8 && (u >> (v->elem * 8 - 1)) & 1)
				u |= ~0ULL << (v->elem * 8);
			x = v->sign ? PyLong_FromLongLong((long long)u)
				    : PyLong_FromUnsignedLongLong(u);
			if (!x) {
				Py_CLEAR(l);
				break;
			}
			PyList_SET_ITEM(l, i, x);
		}
		return l;
	default:
		Py_RETURN_NONE;
	}
}

static PyObject *build_fields(const struct surftrace_event *ev)
{
	PyObject *d = PyDict_New();
	int i, n = surftrace_event_nfields(ev);

	for (i = 0; d && i < n; i++) {
		struct surftrace_value v;
		PyObject *x;

		if (surftrace_event_field(ev, i, &v) < 0)
			continue;
		x = value_to_py(&v);
		if (!x || PyDict_SetItemString(d, v.name, x) < 0)
			Py_CLEAR(d);
		Py_XDECREF(x);
	}
	return d;
}

static PyObject *build_stack(const struct surftrace_event *ev)
{
	PyObject *l = PyList_New(0);
	char buf[512];
	int i;

	for (i = 0; l && i < ev->nstack; i++) {
		const char *s = surftrace_event_frame(ev, i, buf, sizeof(buf));
		PyObject *x = s ? PyUnicode_FromString(s) : NULL;

		if (!x || PyList_Append(l, x) < 0)
			Py_CLEAR(l);
		Py_XDECREF(x);
	}
	return l;
}

static PyObject *build_line(const struct surftrace_event *ev)
{
	const char *s = surftrace_event_format(ev, false);

	if (!s)
		return PyErr_Format(PyExc_OSError, "cannot format the event");
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

#define LAZY(field, build)                                                          \
	do {                                                                        \
		if (!self->field) {                                                 \
			if (!self->ev)                                              \
				Py_RETURN_NONE;                                     \
			if (!(self->field = (build)))                               \
				return NULL;                                        \
		}                                                                   \
		Py_INCREF(self->field);                                             \
		return self->field;                                                 \
	} while (0)

static PyObject *ev_get_event(EventObject *self, void *c)
{
	(void)c;
	LAZY(event, ev_str(self->ev->event));
}
static PyObject *ev_get_system(EventObject *self, void *c)
{
	(void)c;
	LAZY(system, ev_str(self->ev->system));
}
static PyObject *ev_get_comm(EventObject *self, void *c)
{
	(void)c;
	LAZY(comm, ev_str(self->ev->comm));
}
static PyObject *ev_get_args(EventObject *self, void *c)
{
	(void)c;
	LAZY(fields, build_fields(self->ev));
}
static PyObject *ev_get_stack(EventObject *self, void *c)
{
	(void)c;
	LAZY(stack, build_stack(self->ev));
}
static PyObject *ev_get_line(EventObject *self, void *c)
{
	(void)c;
	LAZY(line, build_line(self->ev));
}

/* Copies everything still lazy: the record is about to go. */
static int ev_detach(EventObject *self)
{
	static getter all[] = {
		(getter)ev_get_event, (getter)ev_get_system, (getter)ev_get_comm,
		(getter)ev_get_args, (getter)ev_get_stack, (getter)ev_get_line,
	};
	size_t i;
	int rc = 0;

	for (i = 0; self->ev && i < sizeof(all) / sizeof(all[0]); i++) {
		PyObject *x = all[i]((PyObject *)self, NULL);

		if (!x)
			rc = -1;
		Py_XDECREF(x);
	}
	self->ev = NULL;
	return rc;
}

static PyObject *ev_get_expr(EventObject *self, void *c);

static PyObject *ev_subscript(EventObject *self, PyObject *key)
{
	PyObject *d = ev_get_args(self, NULL), *v;

	if (!d)
		return NULL;
	v = PyDict_GetItemWithError(d, key);
	if (v)
		Py_INCREF(v);
	else if (!PyErr_Occurred())
		PyErr_SetObject(PyExc_KeyError, key);
	Py_DECREF(d);
	return v;
}

static int ev_contains(EventObject *self, PyObject *key)
{
	PyObject *d = ev_get_args(self, NULL);
	int r;

	if (!d)
		return -1;
	r = PyDict_Contains(d, key);
	Py_DECREF(d);
	return r;
}

static PyObject *ev_get(EventObject *self, PyObject *args)
{
	PyObject *key, *def = Py_None, *d, *v;

	if (!PyArg_ParseTuple(args, "O|O:get", &key, &def))
		return NULL;
	if (!(d = ev_get_args(self, NULL)))
		return NULL;
	v = PyDict_GetItemWithError(d, key);
	if (!v && PyErr_Occurred()) {
		Py_DECREF(d);
		return NULL;
	}
	v = v ? v : def;
	Py_INCREF(v);
	Py_DECREF(d);
	return v;
}

static PyObject *ev_keys(EventObject *self, PyObject *unused)
{
	PyObject *d = ev_get_args(self, NULL), *k;

	(void)unused;
	if (!d)
		return NULL;
	k = PyDict_Keys(d);
	Py_DECREF(d);
	return k;
}

static PyObject *ev_repr(EventObject *self)
{
	PyObject *ev = ev_get_event(self, NULL), *args = ev_get_args(self, NULL), *r = NULL;

	if (ev && args)
		r = PyUnicode_FromFormat("<surftrace.Event %S pid=%d cpu=%d %R>", ev, self->pid,
					 self->cpu, args);
	Py_XDECREF(ev);
	Py_XDECREF(args);
	return r;
}

static void ev_dealloc(EventObject *self)
{
	Py_XDECREF(self->owner);
	Py_XDECREF(self->event);
	Py_XDECREF(self->system);
	Py_XDECREF(self->comm);
	Py_XDECREF(self->fields);
	Py_XDECREF(self->stack);
	Py_XDECREF(self->line);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMemberDef ev_members[] = {
	{ "pid", T_INT, offsetof(EventObject, pid), READONLY, "process (thread) id" },
	{ "cpu", T_INT, offsetof(EventObject, cpu), READONLY, "CPU" },
	{ "time", T_DOUBLE, offsetof(EventObject, time), READONLY,
	  "seconds, ring-buffer clock (as the text line shows)" },
	{ "index", T_INT, offsetof(EventObject, index), READONLY,
	  "index of the expression it came from, -1 unknown" },
	{ NULL, 0, 0, 0, NULL },
};

static PyGetSetDef ev_getset[] = {
	{ "event", (getter)ev_get_event, NULL, "event name: p0, r1, sched_switch", NULL },
	{ "system", (getter)ev_get_system, NULL, "surftrace_<pid> or the event's system", NULL },
	{ "comm", (getter)ev_get_comm, NULL, "task name", NULL },
	{ "expr", (getter)ev_get_expr, NULL, "the expression it came from", NULL },
	{ "args", (getter)ev_get_args, NULL, "every argument by name (what ev[name] reads)",
	  NULL },
	{ "stack", (getter)ev_get_stack, NULL, "symbolized kernel stack (stack=True)", NULL },
	{ "line", (getter)ev_get_line, NULL, "the event as surftrace prints it", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyMethodDef ev_methods[] = {
	{ "get", (PyCFunction)ev_get, METH_VARARGS, "get(name, default=None)" },
	{ "keys", (PyCFunction)ev_keys, METH_NOARGS, "argument names" },
	{ NULL, NULL, 0, NULL },
};

static PyMappingMethods ev_as_mapping = { .mp_subscript = (binaryfunc)ev_subscript };
static PySequenceMethods ev_as_sequence = { .sq_contains = (objobjproc)ev_contains };

static PyTypeObject EventType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "surftrace.Event",
	.tp_basicsize = sizeof(EventObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "One traced event: .event .system .pid .comm .cpu .time .expr .stack .line, "
		  "ev[name] for arguments.",
	.tp_dealloc = (destructor)ev_dealloc,
	.tp_repr = (reprfunc)ev_repr,
	.tp_members = ev_members,
	.tp_getset = ev_getset,
	.tp_methods = ev_methods,
	.tp_as_mapping = &ev_as_mapping,
	.tp_as_sequence = &ev_as_sequence,
};

/* ---------------------------------------------------------------- Surftrace */

typedef struct {
	PyObject_HEAD
	struct surftrace *st;
	PyObject *exprs;       /* list of str */
	PyObject *cb;
	PyObject *pending;     /* exception raised in the callback, (type, value, tb) */
	PyObject *ptype, *ptb;
	PyObject *btf, *arch;  /* the library points into these */
	int started;
	int cb_stopped;
} SurftraceObject;

static PyObject *ev_get_expr(EventObject *self, void *c)
{
	SurftraceObject *o = (SurftraceObject *)self->owner;

	(void)c;
	if (!o || self->index < 0 || self->index >= PyList_GET_SIZE(o->exprs))
		Py_RETURN_NONE;
	return Py_NewRef(PyList_GET_ITEM(o->exprs, self->index));
}

static int write_stdout(PyObject *line)
{
	PyObject *out = PySys_GetObject("stdout");   /* borrowed */

	if (!out || out == Py_None)
		return 0;
	if (PyFile_WriteObject(line, out, Py_PRINT_RAW) < 0 ||
	    PyFile_WriteString("\n", out) < 0)
		return -1;
	return 0;
}

/* The library's callback; runs with the GIL held (inside surftrace_poll). */
static int on_event(const struct surftrace_event *ev, void *ctx)
{
	SurftraceObject *self = ctx;
	EventObject *e;
	PyObject *r;
	int stop = 0;

	if (self->pending)
		return 1;
	e = PyObject_New(EventObject, &EventType);
	if (!e)
		goto failed;
	e->ev = ev;
	e->owner = Py_NewRef((PyObject *)self);
	e->pid = ev->pid;
	e->cpu = ev->cpu;
	e->time = ev->time;
	e->index = ev->expr;
	e->event = e->system = e->comm = e->fields = e->stack = e->line = NULL;
	if (self->cb == Py_None) {
		PyObject *line = ev_get_line(e, NULL);

		r = line && write_stdout(line) == 0 ? Py_NewRef(Py_None) : NULL;
		Py_XDECREF(line);
	} else {
		r = PyObject_CallOneArg(self->cb, (PyObject *)e);
	}
	/* The callback kept the event: copy what is still lazy before the record goes. */
	if (Py_REFCNT(e) > 1 && ev_detach(e) < 0)
		Py_CLEAR(r);
	e->ev = NULL;
	Py_DECREF(e);
	if (!r)
		goto failed;
	stop = PyObject_IsTrue(r);
	Py_DECREF(r);
	if (stop < 0)
		goto failed;
	if (stop)
		self->cb_stopped = 1;
	return stop;
failed:
	if (!PyErr_Occurred())
		PyErr_SetString(PyExc_RuntimeError, "event callback failed");
	PyErr_Fetch(&self->ptype, &self->pending, &self->ptb);
	PyErr_NormalizeException(&self->ptype, &self->pending, &self->ptb);
	return 1;
}

static int st_init(SurftraceObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "exprs", "cb", "stack", "btf", "arch", "buffer_kb", "trace_self",
			       NULL };
	PyObject *exprs, *cb = Py_None, *btf = Py_None, *arch = Py_None, *list;
	int stack = 0, trace_self = 0;
	long buffer_kb = 0;

	if (self->st) {
		PyErr_SetString(PyExc_RuntimeError, "Surftrace is already initialized");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OpOOlp:Surftrace", kwl, &exprs, &cb, &stack,
					 &btf, &arch, &buffer_kb, &trace_self))
		return -1;
	if (cb != Py_None && !PyCallable_Check(cb)) {
		PyErr_SetString(PyExc_TypeError, "cb must be callable or None");
		return -1;
	}
	if (buffer_kb < 0) {
		PyErr_SetString(PyExc_ValueError, "buffer_kb must be >= 0");
		return -1;
	}
	if (check_opt_str(btf, "btf") || check_opt_str(arch, "arch"))
		return -1;
	if (!(list = expr_list(exprs)))
		return -1;
	self->st = open_exprs(list, btf, arch, stack, buffer_kb, trace_self);
	if (!self->st) {
		Py_DECREF(list);
		return -1;
	}
	self->exprs = list;
	self->cb = Py_NewRef(cb);
	self->btf = Py_NewRef(btf);
	self->arch = Py_NewRef(arch);
	return 0;
}

static int need_handle(SurftraceObject *self)
{
	if (self->st)
		return 0;
	PyErr_SetString(PyExc_RuntimeError, "Surftrace was not initialized");
	return -1;
}

static PyObject *st_start(SurftraceObject *self, PyObject *unused)
{
	struct surftrace_err err = { 0 };
	int rc;

	(void)unused;
	if (need_handle(self))
		return NULL;
	if (self->started) {
		PyErr_SetString(PyExc_RuntimeError, "already started");
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	rc = surftrace_start(self->st, on_event, self, &err);
	Py_END_ALLOW_THREADS
	if (rc < 0)
		return raise_err(&err, self->exprs);
	self->started = 1;
	Py_RETURN_NONE;
}

static int do_stop(SurftraceObject *self, struct surftrace_err *err)
{
	int rc;

	if (!self->st || self->started != 1)
		return 0;
	Py_BEGIN_ALLOW_THREADS
	rc = surftrace_stop(self->st, err);
	Py_END_ALLOW_THREADS
	self->started = 2;
	return rc;
}

static PyObject *st_stop(SurftraceObject *self, PyObject *unused)
{
	struct surftrace_err err = { 0 };

	(void)unused;
	if (do_stop(self, &err) < 0)
		return raise_err(&err, self->exprs);
	Py_RETURN_NONE;
}

/* Stop cleanly, then raise what is set (a pending callback exception or the current
 * one, e.g. KeyboardInterrupt). Cleanup errors do not hide the original exception. */
static PyObject *stop_and_raise(SurftraceObject *self)
{
	PyObject *t, *v, *tb;
	struct surftrace_err err = { 0 };

	if (self->pending) {
		t = self->ptype;
		v = self->pending;
		tb = self->ptb;
		self->ptype = self->pending = self->ptb = NULL;
	} else {
		PyErr_Fetch(&t, &v, &tb);
	}
	do_stop(self, &err);
	PyErr_Restore(t, v, tb);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static PyObject *st_loop(SurftraceObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "timeout", NULL };
	struct surftrace_err err = { 0 };
	PyObject *timeout = Py_None;
	double deadline = 0, t;
	int rc;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:loop", kwl, &timeout))
		return NULL;
	if (need_handle(self))
		return NULL;
	if (self->started != 1) {
		PyErr_SetString(PyExc_RuntimeError, self->started ? "stopped" : "not started");
		return NULL;
	}
	if (timeout != Py_None) {
		t = PyFloat_AsDouble(timeout);
		if (t == -1 && PyErr_Occurred())
			return NULL;
		if (t < 0 || isnan(t)) {
			PyErr_SetString(PyExc_ValueError, "timeout must be >= 0 or None");
			return NULL;
		}
		deadline = now_s() + t;
	}
	self->cb_stopped = 0;
	for (;;) {
		int wait_ms = 200;

		rc = surftrace_poll(self->st, &err);
		if (self->pending)
			return stop_and_raise(self);
		if (rc < 0) {
			raise_err(&err, self->exprs);
			return stop_and_raise(self);
		}
		if (self->cb_stopped || rc > 0)
			break;
		if (timeout != Py_None) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			if (left * 1000 < wait_ms)
				wait_ms = (int)(left * 1000) + 1;
		}
		Py_BEGIN_ALLOW_THREADS
		rc = surftrace_wait(self->st, wait_ms, &err);
		Py_END_ALLOW_THREADS
		if (PyErr_CheckSignals() < 0)
			return stop_and_raise(self);
		if (rc < 0 && strcmp(err.msg, "interrupted")) {
			raise_err(&err, self->exprs);
			return stop_and_raise(self);
		}
	}
	Py_RETURN_NONE;
}

static PyObject *st_enter(SurftraceObject *self, PyObject *unused)
{
	(void)unused;
	if (need_handle(self))
		return NULL;
	if (!self->started) {
		PyObject *r = st_start(self, NULL);

		if (!r)
			return NULL;
		Py_DECREF(r);
	}
	return Py_NewRef((PyObject *)self);
}

static PyObject *st_exit(SurftraceObject *self, PyObject *args)
{
	PyObject *r;

	(void)args;
	r = st_stop(self, NULL);
	if (!r)
		return NULL;
	Py_DECREF(r);
	Py_RETURN_FALSE;
}

static PyObject *st_get_lost(SurftraceObject *self, void *c)
{
	(void)c;
	return PyLong_FromUnsignedLongLong(self->st && self->started == 1
					   ? surftrace_lost(self->st) : 0);
}

static PyObject *st_get_delivered(SurftraceObject *self, void *c)
{
	(void)c;
	return PyLong_FromUnsignedLongLong(self->st ? surftrace_delivered(self->st) : 0);
}

static PyObject *st_get_name(SurftraceObject *self, void *c)
{
	const char *n = self->st && self->started == 1 ? surftrace_name(self->st) : NULL;

	(void)c;
	if (!n)
		Py_RETURN_NONE;
	return PyUnicode_FromString(n);
}

static PyObject *st_get_exprs(SurftraceObject *self, void *c)
{
	(void)c;
	if (!self->exprs)
		return PyList_New(0);
	return PyList_GetSlice(self->exprs, 0, PyList_GET_SIZE(self->exprs));
}

static int st_traverse(SurftraceObject *self, visitproc visit, void *arg)
{
	Py_VISIT(self->cb);
	Py_VISIT(self->pending);
	return 0;
}

static int st_clear(SurftraceObject *self)
{
	Py_CLEAR(self->cb);
	Py_CLEAR(self->pending);
	Py_CLEAR(self->ptype);
	Py_CLEAR(self->ptb);
	return 0;
}

static void st_dealloc(SurftraceObject *self)
{
	PyObject_GC_UnTrack(self);
	if (self->st) {
		struct surftrace_err err;

		/* Same cleanup as stop(); errors have nowhere to go but stderr. */
		if (do_stop(self, &err) < 0)
			PySys_WriteStderr("surftrace: cleanup: %s\n", err.msg);
		surftrace_free(self->st);
	}
	st_clear(self);
	Py_XDECREF(self->exprs);
	Py_XDECREF(self->btf);
	Py_XDECREF(self->arch);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef st_methods[] = {
	{ "start", (PyCFunction)st_start, METH_NOARGS,
	  "Create the probes and switch tracing on (done by `with` too)." },
	{ "loop", (PyCFunction)(void (*)(void))st_loop, METH_VARARGS | METH_KEYWORDS,
	  "loop(timeout=None): deliver events to cb (or print them) until timeout seconds, "
	  "cb returns True, or Ctrl-C (KeyboardInterrupt, after a clean stop)." },
	{ "stop", (PyCFunction)st_stop, METH_NOARGS,
	  "Remove everything from tracefs. Idempotent." },
	{ "__enter__", (PyCFunction)st_enter, METH_NOARGS, NULL },
	{ "__exit__", (PyCFunction)st_exit, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef st_getset[] = {
	{ "lost", (getter)st_get_lost, NULL, "events the kernel dropped (buffer full)", NULL },
	{ "delivered", (getter)st_get_delivered, NULL, "events delivered so far", NULL },
	{ "name", (getter)st_get_name, NULL, "instance and group name while started", NULL },
	{ "exprs", (getter)st_get_exprs, NULL, "the expressions", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject SurftraceType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "surftrace.Surftrace",
	.tp_basicsize = sizeof(SurftraceObject),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.tp_doc = "Surftrace(exprs, cb=None, stack=False, btf=None, arch=None, buffer_kb=0, "
		  "trace_self=False)\n\n"
		  "A tracing session: expressions are translated at once (ExprError on bad "
		  "input), probes are created by start() or `with`, events go to cb(event) "
		  "(printed when cb is None) during loop(), and stop() (or leaving `with`) "
		  "removes everything. Events of this very process are not recorded unless "
		  "trace_self=True (a callback's own syscalls would feed the trace).",
	.tp_new = PyType_GenericNew,
	.tp_init = (initproc)st_init,
	.tp_dealloc = (destructor)st_dealloc,
	.tp_traverse = (traverseproc)st_traverse,
	.tp_clear = (inquiry)st_clear,
	.tp_methods = st_methods,
	.tp_getset = st_getset,
};

/* ---------------------------------------------------------------- module */

static PyMethodDef mod_methods[] = {
	{ "show", (PyCFunction)(void (*)(void))py_show, METH_VARARGS | METH_KEYWORDS,
	  "show(exprs, btf=None, arch=None) -> [{'v','type','fxpr','filter'}]: the translation "
	  "as `surftrace -S --json` prints it; needs no root, touches no tracefs." },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef mod_def = {
	PyModuleDef_HEAD_INIT, "surftrace",
	"Trace kernel functions, user functions and trace events from one-line C-like "
	"expressions (libsurftrace).", -1, mod_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_surftrace(void)
{
	PyObject *m;

	if (PyType_Ready(&EventType) < 0 || PyType_Ready(&SurftraceType) < 0)
		return NULL;
	m = PyModule_Create(&mod_def);
	if (!m)
		return NULL;
	ExprError = PyErr_NewExceptionWithDoc(
		"surftrace.ExprError",
		"A bad expression: .expr (its text), .index, .col (1-based, 0 = none), .msg.",
		PyExc_ValueError, NULL);
	if (!ExprError || PyModule_AddObjectRef(m, "ExprError", ExprError) < 0 ||
	    PyModule_AddObjectRef(m, "Surftrace", (PyObject *)&SurftraceType) < 0 ||
	    PyModule_AddObjectRef(m, "Event", (PyObject *)&EventType) < 0 ||
	    PyModule_AddStringConstant(m, "__version__", ST_VERSION) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
