// SPDX-License-Identifier: MIT
/* The `lbc` Python module: lbc.Program over liblbc (compile through the same cache as
 * the lbc command, load, attach, read buffers, maps, stacks). Conversions only.
 *
 *   p = lbc.Program(path="prog.bpf.c")          # or source="...", name="prog"
 *   p.on_event("e_out", lambda ev: print(ev.c_pid, ev.c_comm))
 *   while True: p.poll(100)
 *   dict(p.maps["pid_cnt"].items())
 *
 * Buffers are opened before the programs are attached, so nothing fired early is lost;
 * events wait in the kernel until poll(). Waiting happens with the GIL released, callbacks
 * with it held. */
#include "lbc_py.h"
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <structmember.h>
#include <time.h>
#include <bpf/libbpf.h>

PyObject *LbcError;
static ProgramObject *live;      /* every open Program, closed at exit */

PyObject *lbc_py_raise(ProgramObject *p, int err)
{
	const char *msg = p && p->l ? lbc_errmsg(p->l) : NULL;

	if (!msg || !*msg)
		msg = strerror(err < 0 ? -err : err);
	if (err == 0)
		PyErr_SetString(LbcError, msg);
	else
		PyErr_SetObject(PyExc_OSError, Py_BuildValue("(is)", err < 0 ? -err : err, msg));
	return NULL;
}

int lbc_py_ready(ProgramObject *p)
{
	if (p->l)
		return 0;
	PyErr_SetString(PyExc_RuntimeError, "the program is closed");
	return -1;
}

int lbc_py_write_stdout(const char *buf, size_t len)
{
	PyObject *out = PySys_GetObject("stdout"), *s;   /* borrowed */
	int rc;

	if (!len || !out || out == Py_None)
		return 0;
	s = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "surrogateescape");
	if (!s)
		return -1;
	rc = PyFile_WriteObject(s, out, Py_PRINT_RAW);
	Py_DECREF(s);
	return rc;
}

/* ---------------------------------------------------------------- events */

static void keep_error(ProgramObject *p)
{
	if (!PyErr_Occurred())
		PyErr_SetString(PyExc_RuntimeError, "event callback failed");
	PyErr_Fetch(&p->ptype, &p->pending, &p->ptb);
	PyErr_NormalizeException(&p->ptype, &p->pending, &p->ptb);
}

struct frames { PyObject *list; };

static void add_frame(void *ctx, const char *frame)
{
	struct frames *f = ctx;
	PyObject *s;

	if (!f->list)
		return;
	s = PyUnicode_FromString(frame);
	if (!s || PyList_Append(f->list, s) < 0)
		Py_CLEAR(f->list);
	Py_XDECREF(s);
}

/* The decoded record plus `<member>_frames` for every stack-id member (liblbc decides
 * which members hold stack ids and symbolizes them). */
static PyObject *decode_event(ProgramObject *p, const struct lbc_event *ev)
{
	PyObject *obj = lbc_py_decode(p, ev->type_id, ev->data, ev->size), *d, *k, *v;
	PyObject *names[8];
	Py_ssize_t pos = 0;
	int n = 0, i, rc = 0;

	if (!obj || !PyObject_TypeCheck(obj, &StructType))
		return obj;
	d = PyObject_GenericGetDict(obj, NULL);
	if (!d) {
		Py_DECREF(obj);
		return NULL;
	}
	while (n < 8 && PyDict_Next(d, &pos, &k, &v)) {
		const char *name = PyUnicode_AsUTF8(k);

		if (name && PyLong_Check(v) && strcasestr(name, "stack"))
			names[n++] = k;
	}
	for (i = 0; i < n && !rc; i++) {
		struct frames f = { PyList_New(0) };
		PyObject *key;

		if (lbc_event_stack(p->l, ev, PyUnicode_AsUTF8(names[i]), add_frame, &f) < 0 ||
		    !f.list) {
			Py_XDECREF(f.list);
			continue;     /* not a stack id after all, or no such stack */
		}
		key = PyUnicode_FromFormat("%U_frames", names[i]);
		rc = key ? PyDict_SetItem(d, key, f.list) : -1;
		Py_XDECREF(key);
		Py_DECREF(f.list);
	}
	Py_DECREF(d);
	if (rc) {
		Py_DECREF(obj);
		return NULL;
	}
	return obj;
}

static void dispatch(void *ctx, const struct lbc_event *ev)
{
	ProgramObject *p = ctx;
	PyObject *cb, *arg, *r;

	if (p->pending)
		return;          /* a callback raised: the poll ends, the rest waits */
	cb = PyDict_GetItemString(p->raw_handlers, ev->map);
	if (cb) {            /* pylcc: cb(cpu, data, size), data an address for ctypes */
		r = PyObject_CallFunction(cb, "iKn", ev->cpu, (unsigned long long)(uintptr_t)ev->data,
					  (Py_ssize_t)ev->size);
	} else {
		cb = PyDict_GetItemString(p->handlers, ev->map);
		if (!cb)
			return;
		arg = decode_event(p, ev);
		r = arg ? PyObject_CallOneArg(cb, arg) : NULL;
		Py_XDECREF(arg);
	}
	if (!r)
		keep_error(p);
	Py_XDECREF(r);
}

int lbc_py_open_buffers(ProgramObject *p)
{
	struct bpf_object *o = lbc_bpf_object(p->l);
	struct bpf_map *m;
	bool any = false;
	int err;

	bpf_object__for_each_map(m, o) {
		enum bpf_map_type t = bpf_map__type(m);

		any |= t == BPF_MAP_TYPE_PERF_EVENT_ARRAY || t == BPF_MAP_TYPE_RINGBUF;
	}
	if (any && !p->buffers) {
		err = lbc_on_event(p->l, NULL, dispatch, p);
		if (err)
			return lbc_py_raise(p, err), -1;
		p->buffers = true;
	}
	if (!p->printk && lbc_uses_printk(p->l)) {
		err = lbc_printk_open(p->l);
		if (err < 0)
			return lbc_py_raise(p, err), -1;
		p->printk = true;
	}
	return 0;
}

static int drain_printk(ProgramObject *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (!p->printk)
		return 0;
	f = open_memstream(&buf, &len);
	if (!f)
		return PyErr_NoMemory(), -1;
	lbc_printk_drain(p->l, f, false);
	fclose(f);
	rc = lbc_py_write_stdout(buf, len);
	free(buf);
	return rc;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static PyObject *raise_pending(ProgramObject *p)
{
	PyErr_Restore(p->ptype, p->pending, p->ptb);
	p->ptype = p->pending = p->ptb = NULL;
	return NULL;
}

PyObject *lbc_py_poll(ProgramObject *p, int timeout_ms)
{
	double deadline = now_s() + timeout_ms / 1000.0;
	long total = 0;
	int n;

	if (lbc_py_ready(p))
		return NULL;
	for (;;) {
		int wait_ms = 200;

		n = lbc_consume(p->l);
		if (drain_printk(p) < 0)
			return NULL;
		if (p->pending)
			return raise_pending(p);
		if (n < 0 && n != -EINTR)
			return lbc_py_raise(p, n);
		if (n > 0) {
			total += n;
			break;
		}
		if (timeout_ms >= 0) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			if (left * 1000 < wait_ms)
				wait_ms = (int)(left * 1000) + 1;
		}
		Py_BEGIN_ALLOW_THREADS
		n = lbc_wait(p->l, wait_ms);
		Py_END_ALLOW_THREADS
		if (PyErr_CheckSignals() < 0)
			return NULL;
		if (n < 0 && n != -EINTR)
			return lbc_py_raise(p, n);
		if (!p->l)        /* closed by a signal handler */
			break;
	}
	return PyLong_FromLong(total);
}

PyObject *lbc_py_stack(ProgramObject *p, const char *map, long long id, int pid)
{
	uint64_t ips[127];
	char sym[512];
	PyObject *l;
	int n, i;

	if (lbc_py_ready(p))
		return NULL;
	n = lbc_stack_ips(p->l, map, id, ips, 127);
	if (n < 0)
		return lbc_py_raise(p, 0);
	l = PyList_New(n);
	for (i = 0; l && i < n; i++) {
		const char *s = pid >= 0 ? lbc_sym_user(p->l, pid, ips[i], sym, sizeof(sym))
					 : lbc_sym_kernel(p->l, ips[i], sym, sizeof(sym));
		PyObject *x = PyUnicode_FromString(s);

		if (!x) {
			Py_CLEAR(l);
			break;
		}
		PyList_SET_ITEM(l, i, x);
	}
	return l;
}

/* ---------------------------------------------------------------- Program */

static void unlink_live(ProgramObject *p)
{
	ProgramObject **pp;

	for (pp = &live; *pp; pp = &(*pp)->next_live) {
		if (*pp == p) {
			*pp = p->next_live;
			break;
		}
	}
	p->next_live = NULL;
}

static void prog_close_handle(ProgramObject *p)
{
	struct lbc *l = p->l;

	if (!l)
		return;
	p->l = NULL;
	unlink_live(p);
	/* callbacks go with the handle (they may refer back to the program) */
	if (p->handlers)
		PyDict_Clear(p->handlers);
	if (p->raw_handlers)
		PyDict_Clear(p->raw_handlers);
	Py_BEGIN_ALLOW_THREADS
	lbc_free(l);     /* detaches, unloads, removes the printk instance */
	Py_END_ALLOW_THREADS
}

/* set={"name": value}: each through lbc_set, values as the lbc command takes them. */
static int apply_set(ProgramObject *p, PyObject *set)
{
	PyObject *k, *v;
	Py_ssize_t pos = 0;

	if (set == Py_None)
		return 0;
	if (!PyDict_Check(set)) {
		PyErr_SetString(PyExc_TypeError, "set must be a dict of name: value");
		return -1;
	}
	while (PyDict_Next(set, &pos, &k, &v)) {
		PyObject *s;
		const char *name = PyUnicode_AsUTF8(k), *val;
		int err;

		if (!name)
			return -1;
		if (PyBool_Check(v))
			s = PyUnicode_FromString(v == Py_True ? "true" : "false");
		else if (PyLong_Check(v) || PyUnicode_Check(v))
			s = PyObject_Str(v);
		else
			return PyErr_Format(PyExc_TypeError, "set[%R] must be int, bool or str", k), -1;
		if (!s)
			return -1;
		val = PyUnicode_AsUTF8(s);
		err = val ? lbc_set(p->l, name, val) : -1;
		Py_DECREF(s);
		if (!val)
			return -1;
		if (err) {
			PyErr_SetString(PyExc_ValueError, lbc_errmsg(p->l));
			return -1;
		}
	}
	return 0;
}

static int prog_init(ProgramObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "path", "source", "name", "set", "attach", "cache_dir", NULL };
	PyObject *path = Py_None, *source = Py_None, *name = Py_None, *set = Py_None;
	PyObject *cache_dir = Py_None, *fspath = NULL;
	struct lbc_opts o = { 0 };
	int attach = 1, err;
	const char *cpath = NULL, *csrc = NULL, *cname = NULL;

	if (self->l) {
		PyErr_SetString(PyExc_RuntimeError, "Program is already initialized");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOOOpO:Program", kwl, &path, &source, &name,
					 &set, &attach, &cache_dir))
		return -1;
	if ((path == Py_None) == (source == Py_None)) {
		PyErr_SetString(PyExc_TypeError, "Program needs exactly one of path= or source=");
		return -1;
	}
	if (path != Py_None) {
		if (!PyUnicode_FSConverter(path, &fspath))
			return -1;
		cpath = PyBytes_AS_STRING(fspath);
	} else if (!PyUnicode_Check(source) || !(csrc = PyUnicode_AsUTF8(source))) {
		PyErr_SetString(PyExc_TypeError, "source must be str");
		return -1;
	}
	if (name != Py_None && (!PyUnicode_Check(name) || !(cname = PyUnicode_AsUTF8(name)))) {
		PyErr_SetString(PyExc_TypeError, "name must be str");
		goto fail;
	}
	if (cache_dir != Py_None && (!PyUnicode_Check(cache_dir) ||
				     !(o.cache_dir = PyUnicode_AsUTF8(cache_dir)))) {
		PyErr_SetString(PyExc_TypeError, "cache_dir must be str");
		goto fail;
	}
	self->l = lbc_new(&o);
	if (!self->l) {
		PyErr_NoMemory();
		goto fail;
	}
	self->next_live = live;
	live = self;
	self->name = PyUnicode_FromString(cname ? cname : cpath ? cpath : "prog");
	self->handlers = PyDict_New();
	self->raw_handlers = PyDict_New();
	if (!self->name || !self->handlers || !self->raw_handlers)
		goto fail;
	/* clang may run (a cache miss): let other threads go on meanwhile */
	Py_BEGIN_ALLOW_THREADS
	err = cpath ? lbc_open_file(self->l, cpath)
		    : lbc_open_string(self->l, cname ? cname : "prog", csrc);
	Py_END_ALLOW_THREADS
	if (err) {
		if (err == -ENOENT && cpath)
			PyErr_SetObject(PyExc_FileNotFoundError,
					Py_BuildValue("(isO)", ENOENT, lbc_errmsg(self->l), path));
		else
			lbc_py_raise(self, 0);       /* compile errors: bad input */
		goto fail;
	}
	if (apply_set(self, set) < 0)
		goto fail;
	Py_BEGIN_ALLOW_THREADS
	err = lbc_load(self->l);
	Py_END_ALLOW_THREADS
	if (err) {
		lbc_py_raise(self, err);
		goto fail;
	}
	if (lbc_py_open_buffers(self) < 0)
		goto fail;
	if (attach) {
		Py_BEGIN_ALLOW_THREADS
		err = lbc_attach(self->l);
		Py_END_ALLOW_THREADS
		if (err) {
			lbc_py_raise(self, err);
			goto fail;
		}
	}
	Py_XDECREF(fspath);
	return 0;
fail:
	Py_XDECREF(fspath);
	prog_close_handle(self);
	return -1;
}

static int prog_traverse(ProgramObject *self, visitproc visit, void *arg)
{
	Py_VISIT(self->maps);
	Py_VISIT(self->handlers);
	Py_VISIT(self->raw_handlers);
	Py_VISIT(self->pending);
	return 0;
}

static int prog_clear(ProgramObject *self)
{
	Py_CLEAR(self->maps);
	Py_CLEAR(self->handlers);
	Py_CLEAR(self->raw_handlers);
	Py_CLEAR(self->pending);
	Py_CLEAR(self->ptype);
	Py_CLEAR(self->ptb);
	return 0;
}

static void prog_dealloc(ProgramObject *self)
{
	PyObject_GC_UnTrack(self);
	if (self->weakrefs)
		PyObject_ClearWeakRefs((PyObject *)self);
	prog_close_handle(self);
	prog_clear(self);
	Py_XDECREF(self->name);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *prog_poll(ProgramObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "timeout_ms", NULL };
	int timeout = -1;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|i:poll", kwl, &timeout))
		return NULL;
	return lbc_py_poll(self, timeout);
}

/* map must be a perf or ring buffer of this program. */
static int check_buffer(ProgramObject *p, const char *map)
{
	struct lbc_map_info mi;

	if (lbc_map_info(p->l, map, &mi)) {
		PyErr_Format(PyExc_KeyError, "no map named '%s'", map);
		return -1;
	}
	if (mi.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY && mi.type != BPF_MAP_TYPE_RINGBUF) {
		PyErr_Format(PyExc_TypeError, "map '%s' is not a perf or ring buffer", map);
		return -1;
	}
	return 0;
}

static PyObject *prog_on_event(ProgramObject *self, PyObject *args)
{
	const char *map;
	PyObject *cb;

	if (!PyArg_ParseTuple(args, "sO:on_event", &map, &cb) || lbc_py_ready(self) ||
	    check_buffer(self, map))
		return NULL;
	if (cb == Py_None) {
		if (PyDict_DelItemString(self->handlers, map) < 0)
			PyErr_Clear();
		Py_RETURN_NONE;
	}
	if (!PyCallable_Check(cb))
		return PyErr_Format(PyExc_TypeError, "callback must be callable");
	if (PyDict_SetItemString(self->handlers, map, cb) < 0)
		return NULL;
	Py_RETURN_NONE;
}

/* Exposed for Map.open_perf_buffer (pylcc): cb(cpu, data_address, size). */
int lbc_py_set_raw_handler(ProgramObject *p, const char *map, PyObject *cb)
{
	if (check_buffer(p, map))
		return -1;
	if (!PyCallable_Check(cb)) {
		PyErr_SetString(PyExc_TypeError, "callback must be callable");
		return -1;
	}
	return PyDict_SetItemString(p->raw_handlers, map, cb);
}

static PyObject *attached(ProgramObject *self, int err)
{
	if (err)
		return lbc_py_raise(self, err);
	Py_RETURN_NONE;
}

static PyObject *prog_attach_kprobe_any(ProgramObject *self, PyObject *args, PyObject *kw,
					bool ret)
{
	static char *kwl[] = { "prog", "func", NULL };
	const char *prog, *func;
	int err;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "ss", kwl, &prog, &func) ||
	    lbc_py_ready(self))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	err = lbc_attach_kprobe(self->l, prog, func, ret);
	Py_END_ALLOW_THREADS
	return attached(self, err);
}

static PyObject *prog_attach_kprobe(ProgramObject *self, PyObject *a, PyObject *k)
{
	return prog_attach_kprobe_any(self, a, k, false);
}

static PyObject *prog_attach_kretprobe(ProgramObject *self, PyObject *a, PyObject *k)
{
	return prog_attach_kprobe_any(self, a, k, true);
}

static PyObject *prog_attach_uprobe_any(ProgramObject *self, PyObject *args, PyObject *kw,
					bool ret)
{
	static char *kwl[] = { "prog", "target", "pid", "offset", NULL };
	const char *prog, *target;
	char *bin = NULL, *sym = NULL, *colon;
	int pid = -1, err;
	Py_ssize_t off = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "ss|in", kwl, &prog, &target, &pid, &off) ||
	    lbc_py_ready(self))
		return NULL;
	bin = strdup(target);
	if (!bin)
		return PyErr_NoMemory();
	colon = strrchr(bin, ':');
	if (colon) {          /* "path:symbol" */
		*colon = '\0';
		sym = colon + 1;
		if (!*sym)
			sym = NULL;
	}
	if (!sym && !off) {
		free(bin);
		return PyErr_Format(PyExc_ValueError, "uprobe target '%s': want PATH:SYMBOL or an "
				    "offset=", target);
	}
	Py_BEGIN_ALLOW_THREADS
	err = lbc_attach_uprobe(self->l, prog, bin, sym, (size_t)off, pid, ret);
	Py_END_ALLOW_THREADS
	free(bin);
	return attached(self, err);
}

static PyObject *prog_attach_uprobe(ProgramObject *self, PyObject *a, PyObject *k)
{
	return prog_attach_uprobe_any(self, a, k, false);
}

static PyObject *prog_attach_uretprobe(ProgramObject *self, PyObject *a, PyObject *k)
{
	return prog_attach_uprobe_any(self, a, k, true);
}

static PyObject *prog_attach_tracepoint(ProgramObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "prog", "tp", NULL };
	const char *prog, *tp;
	char cat[256];
	const char *slash;
	int err;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "ss", kwl, &prog, &tp) || lbc_py_ready(self))
		return NULL;
	slash = strpbrk(tp, "/:");
	if (!slash || slash == tp || !slash[1] || (size_t)(slash - tp) >= sizeof(cat))
		return PyErr_Format(PyExc_ValueError, "tracepoint '%s': want CATEGORY/NAME", tp);
	memcpy(cat, tp, (size_t)(slash - tp));
	cat[slash - tp] = '\0';
	Py_BEGIN_ALLOW_THREADS
	err = lbc_attach_tracepoint(self->l, prog, cat, slash + 1);
	Py_END_ALLOW_THREADS
	return attached(self, err);
}

static PyObject *prog_attach_raw_tracepoint(ProgramObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "prog", "tp", NULL };
	const char *prog, *tp;
	int err;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "ss", kwl, &prog, &tp) || lbc_py_ready(self))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	err = lbc_attach_raw_tracepoint(self->l, prog, tp);
	Py_END_ALLOW_THREADS
	return attached(self, err);
}

static PyObject *prog_attach_perf_event(ProgramObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "prog", "type", "config", "pid", "cpu", "freq", "period", NULL };
	const char *prog;
	unsigned int type = PERF_TYPE_SOFTWARE;
	unsigned long long config = PERF_COUNT_SW_CPU_CLOCK, freq = 0, period = 0;
	int pid = -1, cpu = -1, err;
	struct lbc_perf_opts o;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "s|IKiiKK:attach_perf_event", kwl, &prog,
					 &type, &config, &pid, &cpu, &freq, &period) ||
	    lbc_py_ready(self))
		return NULL;
	if (!freq && !period)
		freq = 49;
	o = (struct lbc_perf_opts){ .type = type, .config = config, .pid = pid, .cpu = cpu,
				    .freq = freq, .period = period };
	Py_BEGIN_ALLOW_THREADS
	err = lbc_attach_perf_event(self->l, prog, &o);
	Py_END_ALLOW_THREADS
	return attached(self, err);
}

static PyObject *prog_attach(ProgramObject *self, PyObject *unused)
{
	int err;

	(void)unused;
	if (lbc_py_ready(self))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	err = lbc_attach(self->l);
	Py_END_ALLOW_THREADS
	return attached(self, err);
}

static PyObject *prog_stack(ProgramObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "id", "pid", "map", NULL };
	long long id;
	int pid = -1;
	const char *map = NULL;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "L|iz:stack", kwl, &id, &pid, &map))
		return NULL;
	return lbc_py_stack(self, map, id, pid);
}

static PyObject *prog_sym(ProgramObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "addr", "pid", NULL };
	unsigned long long addr;
	int pid = -1;
	char buf[512];

	if (!PyArg_ParseTupleAndKeywords(args, kw, "K|i:sym", kwl, &addr, &pid) ||
	    lbc_py_ready(self))
		return NULL;
	return PyUnicode_FromString(pid >= 0 ? lbc_sym_user(self->l, pid, addr, buf, sizeof(buf))
					     : lbc_sym_kernel(self->l, addr, buf, sizeof(buf)));
}

static PyObject *prog_close(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	prog_close_handle(self);
	Py_RETURN_NONE;
}

static PyObject *prog_enter(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	return Py_NewRef((PyObject *)self);
}

static PyObject *prog_exit(ProgramObject *self, PyObject *args)
{
	(void)args;
	prog_close_handle(self);
	Py_RETURN_FALSE;
}

static PyObject *prog_get_maps(ProgramObject *self, void *c)
{
	struct bpf_map *m;

	(void)c;
	if (lbc_py_ready(self))
		return NULL;
	if (!self->maps) {
		PyObject *d = PyDict_New();

		if (!d)
			return NULL;
		bpf_object__for_each_map(m, lbc_bpf_object(self->l)) {
			const char *n = bpf_map__name(m);
			PyObject *mo;

			/* .rodata/.bss/.data of the program are not user maps */
			if (n[0] == '.' || strstr(n, ".rodata") || strstr(n, ".bss") ||
			    strstr(n, ".data"))
				continue;
			mo = lbc_py_map_new(self, n);
			if (!mo || PyDict_SetItemString(d, n, mo) < 0) {
				Py_XDECREF(mo);
				Py_DECREF(d);
				return NULL;
			}
			Py_DECREF(mo);
		}
		self->maps = d;
	}
	return Py_NewRef(self->maps);
}

static PyObject *prog_get_lost(ProgramObject *self, void *c)
{
	(void)c;
	return PyLong_FromUnsignedLongLong(self->l ? lbc_lost_events(self->l) : 0);
}

static PyObject *prog_get_cache_hit(ProgramObject *self, void *c)
{
	(void)c;
	return PyBool_FromLong(self->l && lbc_cache_hit(self->l));
}

static PyObject *prog_get_programs(ProgramObject *self, void *c)
{
	struct bpf_program *p;
	PyObject *l;

	(void)c;
	if (lbc_py_ready(self) || !(l = PyList_New(0)))
		return NULL;
	bpf_object__for_each_program(p, lbc_bpf_object(self->l)) {
		PyObject *t = Py_BuildValue("(ssi)", bpf_program__name(p),
					    bpf_program__section_name(p), bpf_program__fd(p));

		if (!t || PyList_Append(l, t) < 0) {
			Py_XDECREF(t);
			Py_DECREF(l);
			return NULL;
		}
		Py_DECREF(t);
	}
	return l;
}

static PyObject *prog_get_closed(ProgramObject *self, void *c)
{
	(void)c;
	return PyBool_FromLong(!self->l);
}

static PyMethodDef prog_methods[] = {
	{ "poll", (PyCFunction)(void (*)(void))prog_poll, METH_VARARGS | METH_KEYWORDS,
	  "poll(timeout_ms=-1) -> events delivered: waits until events arrive (or timeout), "
	  "calls the on_event callbacks, prints bpf_printk lines." },
	{ "on_event", (PyCFunction)prog_on_event, METH_VARARGS,
	  "on_event(map, cb): cb(event) for every record of perf/ring buffer map, decoded by "
	  "its type (lbc.Struct; stack-id members get <name>_frames)." },
	{ "attach", (PyCFunction)prog_attach, METH_NOARGS,
	  "Attach every program by SEC() (when built with attach=False)." },
	{ "attach_kprobe", (PyCFunction)(void (*)(void))prog_attach_kprobe,
	  METH_VARARGS | METH_KEYWORDS, "attach_kprobe(prog, func)" },
	{ "attach_kretprobe", (PyCFunction)(void (*)(void))prog_attach_kretprobe,
	  METH_VARARGS | METH_KEYWORDS, "attach_kretprobe(prog, func)" },
	{ "attach_uprobe", (PyCFunction)(void (*)(void))prog_attach_uprobe,
	  METH_VARARGS | METH_KEYWORDS, "attach_uprobe(prog, 'PATH:SYMBOL', pid=-1, offset=0)" },
	{ "attach_uretprobe", (PyCFunction)(void (*)(void))prog_attach_uretprobe,
	  METH_VARARGS | METH_KEYWORDS, "attach_uretprobe(prog, 'PATH:SYMBOL', pid=-1)" },
	{ "attach_tracepoint", (PyCFunction)(void (*)(void))prog_attach_tracepoint,
	  METH_VARARGS | METH_KEYWORDS, "attach_tracepoint(prog, 'CATEGORY/NAME')" },
	{ "attach_raw_tracepoint", (PyCFunction)(void (*)(void))prog_attach_raw_tracepoint,
	  METH_VARARGS | METH_KEYWORDS, "attach_raw_tracepoint(prog, 'NAME')" },
	{ "attach_perf_event", (PyCFunction)(void (*)(void))prog_attach_perf_event,
	  METH_VARARGS | METH_KEYWORDS,
	  "attach_perf_event(prog, type=PERF_TYPE_SOFTWARE, config=PERF_COUNT_SW_CPU_CLOCK, "
	  "pid=-1, cpu=-1, freq=49, period=0)" },
	{ "stack", (PyCFunction)(void (*)(void))prog_stack, METH_VARARGS | METH_KEYWORDS,
	  "stack(id, pid=-1, map=None) -> frames; pid >= 0: a user stack of that process" },
	{ "sym", (PyCFunction)(void (*)(void))prog_sym, METH_VARARGS | METH_KEYWORDS,
	  "sym(addr, pid=-1) -> 'func+0xoff' (kernel, or user in pid)" },
	{ "close", (PyCFunction)prog_close, METH_NOARGS, "Detach and unload. Idempotent." },
	{ "__enter__", (PyCFunction)prog_enter, METH_NOARGS, NULL },
	{ "__exit__", (PyCFunction)prog_exit, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef prog_getset[] = {
	{ "maps", (getter)prog_get_maps, NULL, "the program's maps by name (lbc.Map)", NULL },
	{ "lost", (getter)prog_get_lost, NULL, "perf buffer records the kernel dropped", NULL },
	{ "cache_hit", (getter)prog_get_cache_hit, NULL, "served from the compile cache", NULL },
	{ "programs", (getter)prog_get_programs, NULL, "[(name, section, fd)]", NULL },
	{ "closed", (getter)prog_get_closed, NULL, "close() was called", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyMemberDef prog_members[] = {
	{ "name", T_OBJECT, offsetof(ProgramObject, name), READONLY, "program name" },
	{ NULL, 0, 0, 0, NULL },
};

PyTypeObject ProgramType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "lbc.Program",
	.tp_basicsize = sizeof(ProgramObject),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.tp_doc = "Program(path=None, source=None, name=None, set=None, attach=True, "
		  "cache_dir=None)\n\nCompiles BPF C written against lbc.h through the lbc "
		  "command's cache (or opens a prebuilt .bpf.o), sets const volatile globals "
		  "(set={'filter_pid': 42}), loads and attaches every program by SEC().",
	.tp_new = PyType_GenericNew,
	.tp_init = (initproc)prog_init,
	.tp_dealloc = (destructor)prog_dealloc,
	.tp_traverse = (traverseproc)prog_traverse,
	.tp_clear = (inquiry)prog_clear,
	.tp_weaklistoffset = offsetof(ProgramObject, weakrefs),
	.tp_methods = prog_methods,
	.tp_getset = prog_getset,
	.tp_members = prog_members,
};

/* ---------------------------------------------------------------- module */

static PyObject *mod_close_all(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	while (live)
		prog_close_handle(live);
	Py_RETURN_NONE;
}

static PyMethodDef mod_methods[] = {
	{ "_close_all", mod_close_all, METH_NOARGS,
	  "Close every open Program (registered with atexit)." },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef mod_def = {
	PyModuleDef_HEAD_INIT, "lbc",
	"lbc: compile (cached), load and attach BPF C written against lbc.h; read its "
	"buffers, maps and stacks decoded by BTF (liblbc).", -1, mod_methods,
	NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_lbc(void)
{
	PyObject *m, *atexit, *r, *fn;

	if (PyType_Ready(&ProgramType) < 0)
		return NULL;
	m = PyModule_Create(&mod_def);
	if (!m)
		return NULL;
	LbcError = PyErr_NewExceptionWithDoc("lbc.LbcError",
					     "A program that does not compile or bad input.",
					     PyExc_ValueError, NULL);
	if (!LbcError || PyModule_AddObjectRef(m, "LbcError", LbcError) < 0 ||
	    PyModule_AddObjectRef(m, "Program", (PyObject *)&ProgramType) < 0 ||
	    PyModule_AddStringConstant(m, "__version__", ST_VERSION) < 0 ||
	    lbc_py_value_init(m) < 0 || lbc_py_map_init(m) < 0 || lbc_py_pylcc_init(m) < 0 ||
	    PyModule_AddIntConstant(m, "PERF_TYPE_HARDWARE", PERF_TYPE_HARDWARE) < 0 ||
	    PyModule_AddIntConstant(m, "PERF_TYPE_SOFTWARE", PERF_TYPE_SOFTWARE) < 0 ||
	    PyModule_AddIntConstant(m, "PERF_COUNT_HW_CPU_CYCLES", PERF_COUNT_HW_CPU_CYCLES) < 0 ||
	    PyModule_AddIntConstant(m, "PERF_COUNT_SW_CPU_CLOCK", PERF_COUNT_SW_CPU_CLOCK) < 0 ||
	    PyModule_AddIntConstant(m, "PERF_COUNT_SW_TASK_CLOCK", PERF_COUNT_SW_TASK_CLOCK) < 0)
		goto fail;
	/* Programs still open at interpreter exit are closed (the printk instance goes). */
	atexit = PyImport_ImportModule("atexit");
	fn = PyObject_GetAttrString(m, "_close_all");
	r = atexit && fn ? PyObject_CallMethod(atexit, "register", "O", fn) : NULL;
	Py_XDECREF(atexit);
	Py_XDECREF(fn);
	if (!r)
		goto fail;
	Py_DECREF(r);
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
