// SPDX-License-Identifier: MIT
/* lbc.Map: one map of a Program. Hash-like maps behave like a dict (keys and values
 * decoded by their BTF types, per-CPU values summed by liblbc); buffers take callbacks;
 * stack maps symbolize; histograms print. The original pylcc's names are here too:
 * get(), getThenClear(), getKeys(), getKeyValue(k), clear(), getStacks(id), showHist(),
 * open_perf_buffer(cb), perf_buffer_poll(timeout=-1), event(bytes). */
#include "lbc_py.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <structmember.h>

int lbc_py_set_raw_handler(ProgramObject *p, const char *map, PyObject *cb);

typedef struct {
	PyObject_HEAD
	ProgramObject *prog;
	PyObject *name;
	struct lbc_map_info mi;
} MapObject;

static const char *mname(MapObject *m)
{
	return PyUnicode_AsUTF8(m->name);
}

PyObject *lbc_py_map_new(ProgramObject *p, const char *name)
{
	MapObject *m = PyObject_New(MapObject, &MapType);

	if (!m)
		return NULL;
	m->prog = (ProgramObject *)Py_NewRef((PyObject *)p);
	m->name = PyUnicode_FromString(name);
	if (!m->name || lbc_map_info(p->l, name, &m->mi)) {
		if (m->name)
			PyErr_Format(PyExc_KeyError, "no map named '%s'", name);
		Py_DECREF(m);
		return NULL;
	}
	return (PyObject *)m;
}

static void map_dealloc(MapObject *m)
{
	Py_XDECREF(m->prog);
	Py_XDECREF(m->name);
	Py_TYPE(m)->tp_free((PyObject *)m);
}

static int ready(MapObject *m)
{
	return lbc_py_ready(m->prog);
}

static bool is_table(MapObject *m)
{
	return m->mi.type == BPF_MAP_TYPE_HASH || m->mi.type == BPF_MAP_TYPE_LRU_HASH ||
	       m->mi.type == BPF_MAP_TYPE_PERCPU_HASH ||
	       m->mi.type == BPF_MAP_TYPE_LRU_PERCPU_HASH || m->mi.type == BPF_MAP_TYPE_ARRAY ||
	       m->mi.type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static bool is_array(MapObject *m)
{
	return m->mi.type == BPF_MAP_TYPE_ARRAY || m->mi.type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static int need_table(MapObject *m)
{
	if (ready(m))
		return -1;
	if (is_table(m))
		return 0;
	PyErr_Format(PyExc_TypeError, "map '%U' is not a hash or array map", m->name);
	return -1;
}

static PyObject *decode(MapObject *m, uint32_t tid, const void *data, size_t size)
{
	return lbc_py_decode(m->prog, tid, data, size);
}

/* ---------------------------------------------------------------- dict behaviour */

struct items_ctx {
	MapObject *m;
	PyObject *list;
	int what;        /* 0 items, 1 keys, 2 values */
};

static int collect(void *ctx, const void *key, const void *value, const void *percpu, int n)
{
	struct items_ctx *c = ctx;
	PyObject *k = NULL, *v = NULL, *x;
	int rc;

	(void)percpu;
	(void)n;
	if (c->what != 2 && !(k = decode(c->m, c->m->mi.key_type_id, key, c->m->mi.key_size)))
		return -1;
	if (c->what != 1 &&
	    !(v = decode(c->m, c->m->mi.value_type_id, value, c->m->mi.value_size))) {
		Py_XDECREF(k);
		return -1;
	}
	x = c->what == 0 ? PyTuple_Pack(2, k, v) : Py_NewRef(c->what == 1 ? k : v);
	Py_XDECREF(k);
	Py_XDECREF(v);
	rc = x ? PyList_Append(c->list, x) : -1;
	Py_XDECREF(x);
	return rc;
}

static PyObject *walk(MapObject *m, int what)
{
	struct items_ctx c = { m, NULL, what };
	int err;

	if (need_table(m))
		return NULL;
	if (!(c.list = PyList_New(0)))
		return NULL;
	err = lbc_map_foreach(m->prog->l, mname(m), collect, &c);
	if (err) {
		Py_DECREF(c.list);
		return PyErr_Occurred() ? NULL : lbc_py_raise(m->prog, err);
	}
	return c.list;
}

static PyObject *map_items(MapObject *m, PyObject *u)
{
	(void)u;
	return walk(m, 0);
}

static PyObject *map_keys(MapObject *m, PyObject *u)
{
	(void)u;
	return walk(m, 1);
}

static PyObject *map_values(MapObject *m, PyObject *u)
{
	(void)u;
	return walk(m, 2);
}

static PyObject *map_dict(MapObject *m)
{
	PyObject *items = walk(m, 0), *d;
	Py_ssize_t i;

	if (!items)
		return NULL;
	d = PyDict_New();
	for (i = 0; d && i < PyList_GET_SIZE(items); i++) {
		PyObject *t = PyList_GET_ITEM(items, i);

		if (PyDict_SetItem(d, PyTuple_GET_ITEM(t, 0), PyTuple_GET_ITEM(t, 1)) < 0)
			Py_CLEAR(d);
	}
	Py_DECREF(items);
	return d;
}

/* The value of key k (NULL with KeyError when absent; *missing set). */
static PyObject *lookup(MapObject *m, PyObject *k, bool *missing)
{
	void *kb, *vb;
	PyObject *r = NULL;
	int err;

	*missing = false;
	if (need_table(m))
		return NULL;
	kb = calloc(1, m->mi.key_size ? m->mi.key_size : 1);
	vb = calloc(1, m->mi.value_size ? m->mi.value_size : 1);
	if (!kb || !vb) {
		PyErr_NoMemory();
		goto out;
	}
	if (lbc_py_encode(k, kb, m->mi.key_size, "key") < 0)
		goto out;
	err = lbc_map_lookup(m->prog->l, mname(m), kb, vb);
	if (err == -ENOENT) {
		*missing = true;
		PyErr_SetObject(PyExc_KeyError, k);
	} else if (err) {
		lbc_py_raise(m->prog, err);
	} else {
		r = decode(m, m->mi.value_type_id, vb, m->mi.value_size);
	}
out:
	free(kb);
	free(vb);
	return r;
}

static PyObject *map_subscript(MapObject *m, PyObject *k)
{
	bool missing;

	return lookup(m, k, &missing);
}

static int map_ass_sub(MapObject *m, PyObject *k, PyObject *v)
{
	void *kb, *vb = NULL;
	int err = -1;

	if (need_table(m))
		return -1;
	kb = calloc(1, m->mi.key_size ? m->mi.key_size : 1);
	if (!kb || lbc_py_encode(k, kb, m->mi.key_size, "key") < 0)
		goto out;
	if (!v) {
		if (is_array(m)) {
			PyErr_SetString(PyExc_TypeError, "array map entries cannot be deleted");
			goto out;
		}
		if (bpf_map_delete_elem(m->mi.fd, kb)) {
			if (errno == ENOENT)
				PyErr_SetObject(PyExc_KeyError, k);
			else
				PyErr_SetFromErrno(PyExc_OSError);
			goto out;
		}
		err = 0;
		goto out;
	}
	if (m->mi.percpu) {
		PyErr_SetString(PyExc_TypeError, "per-CPU map values cannot be set from Python");
		goto out;
	}
	vb = calloc(1, m->mi.value_size ? m->mi.value_size : 1);
	if (!vb || lbc_py_encode(v, vb, m->mi.value_size, "value") < 0)
		goto out;
	if (bpf_map_update_elem(m->mi.fd, kb, vb, BPF_ANY)) {
		PyErr_SetFromErrno(PyExc_OSError);
		goto out;
	}
	err = 0;
out:
	if (err && !PyErr_Occurred())
		PyErr_NoMemory();
	free(kb);
	free(vb);
	return err;
}

static int map_contains(MapObject *m, PyObject *k)
{
	bool missing;
	PyObject *v = lookup(m, k, &missing);

	if (v) {
		Py_DECREF(v);
		return 1;
	}
	if (missing) {
		PyErr_Clear();
		return 0;
	}
	return -1;
}

static Py_ssize_t map_len(MapObject *m)
{
	PyObject *k = walk(m, 1);
	Py_ssize_t n;

	if (!k)
		return -1;
	n = PyList_GET_SIZE(k);
	Py_DECREF(k);
	return n;
}

static PyObject *map_iter(MapObject *m)
{
	PyObject *k = walk(m, 1), *it;

	if (!k)
		return NULL;
	it = PyObject_GetIter(k);
	Py_DECREF(k);
	return it;
}

/* Deletes every key in `keys` (hash maps); arrays get zeroed values. */
static int drop_keys(MapObject *m, PyObject *keys)
{
	size_t vsz = m->mi.percpu ? ((m->mi.value_size + 7) & ~7u) * (size_t)libbpf_num_possible_cpus()
				  : m->mi.value_size;
	void *kb = calloc(1, m->mi.key_size ? m->mi.key_size : 1), *zero = calloc(1, vsz ? vsz : 1);
	Py_ssize_t i;
	int rc = 0;

	if (!kb || !zero) {
		free(kb);
		free(zero);
		PyErr_NoMemory();
		return -1;
	}
	for (i = 0; i < PyList_GET_SIZE(keys) && !rc; i++) {
		PyObject *k = PyList_GET_ITEM(keys, i);

		if (PyTuple_Check(k) && PyTuple_GET_SIZE(k) == 2 && !PyLong_Check(k))
			k = PyTuple_GET_ITEM(k, 0);      /* items() */
		if (lbc_py_encode(k, kb, m->mi.key_size, "key") < 0) {
			rc = -1;
			break;
		}
		if (is_array(m) ? bpf_map_update_elem(m->mi.fd, kb, zero, BPF_ANY)
				: (bpf_map_delete_elem(m->mi.fd, kb) && errno != ENOENT)) {
			PyErr_SetFromErrno(PyExc_OSError);
			rc = -1;
		}
	}
	free(kb);
	free(zero);
	return rc;
}

static PyObject *map_clear(MapObject *m, PyObject *u)
{
	PyObject *keys = walk(m, 1);
	int rc;

	(void)u;
	if (!keys)
		return NULL;
	rc = drop_keys(m, keys);
	Py_DECREF(keys);
	if (rc)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *map_get_then_clear(MapObject *m, PyObject *u)
{
	PyObject *d = map_dict(m), *keys;
	int rc;

	(void)u;
	if (!d)
		return NULL;
	keys = PyDict_Keys(d);
	rc = keys ? drop_keys(m, keys) : -1;
	Py_XDECREF(keys);
	if (rc) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

/* get() -> dict of everything (pylcc); get(k, default=None) -> one value (dict). */
static PyObject *map_get(MapObject *m, PyObject *args)
{
	PyObject *k = NULL, *def = Py_None, *v;
	bool missing;

	if (!PyArg_ParseTuple(args, "|OO:get", &k, &def))
		return NULL;
	if (!k)
		return map_dict(m);
	v = lookup(m, k, &missing);
	if (!v && missing) {
		PyErr_Clear();
		return Py_NewRef(def);
	}
	return v;
}

static PyObject *map_get_key_value(MapObject *m, PyObject *k)
{
	PyObject *args = PyTuple_Pack(1, k), *r;

	if (!args)
		return NULL;
	r = map_get(m, args);
	Py_DECREF(args);
	return r;
}

/* ---------------------------------------------------------------- stacks, hists, buffers */

static PyObject *map_get_stacks(MapObject *m, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "id", "pid", NULL };
	long long id;
	int pid = -1;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "L|i:getStacks", kwl, &id, &pid) || ready(m))
		return NULL;
	if (m->mi.type != BPF_MAP_TYPE_STACK_TRACE)
		return PyErr_Format(PyExc_TypeError, "map '%U' is not a stack map", m->name);
	/* ids come as u32 members; the kernel's errors are negative s32 */
	if (id > 0x7fffffffLL && id <= 0xffffffffLL)
		id = (int32_t)(uint32_t)id;
	return lbc_py_stack(m->prog, mname(m), id, pid);
}

static PyObject *map_show_hist(MapObject *m, PyObject *u)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err, rc;

	(void)u;
	if (ready(m))
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		return PyErr_NoMemory();
	err = lbc_print_map(m->prog->l, mname(m), f, false, false);
	fclose(f);
	rc = err ? 0 : lbc_py_write_stdout(buf, len);
	free(buf);
	if (err)
		return lbc_py_raise(m->prog, 0);
	if (rc < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *map_open_perf_buffer(MapObject *m, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "callback", "page_cnt", "lost_cb", NULL };
	PyObject *cb, *lost = Py_None;
	int pages = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|iO:open_perf_buffer", kwl, &cb, &pages,
					 &lost) || ready(m))
		return NULL;
	if (lbc_py_set_raw_handler(m->prog, mname(m), cb) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *map_perf_buffer_poll(MapObject *m, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "timeout", NULL };
	int timeout = -1;
	long total = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|i:perf_buffer_poll", kwl, &timeout))
		return NULL;
	if (timeout >= 0)
		return lbc_py_poll(m->prog, timeout);
	for (;;) {      /* the original's poll loop: until Ctrl-C (KeyboardInterrupt) */
		PyObject *n = lbc_py_poll(m->prog, 1000);

		if (!n)
			return NULL;
		total += PyLong_AsLong(n);
		Py_DECREF(n);
		if (!m->prog->l)
			return PyLong_FromLong(total);
	}
}

static PyObject *map_event(MapObject *m, PyObject *data)
{
	Py_buffer b;
	PyObject *r;

	if (ready(m) || PyObject_GetBuffer(data, &b, PyBUF_SIMPLE) < 0)
		return NULL;
	if (!m->mi.event_type_id) {
		PyBuffer_Release(&b);
		return PyErr_Format(PyExc_TypeError, "map '%U' has no event type (declare it with "
				    "LBC_PERF_OUTPUT or LBC_RINGBUF)", m->name);
	}
	r = decode(m, m->mi.event_type_id, b.buf, (size_t)b.len);
	PyBuffer_Release(&b);
	return r;
}

static PyObject *map_repr(MapObject *m)
{
	return PyUnicode_FromFormat("<lbc.Map %U type=%d key_size=%u value_size=%u>", m->name,
				    m->mi.type, m->mi.key_size, m->mi.value_size);
}

static PyMethodDef map_methods[] = {
	{ "items", (PyCFunction)map_items, METH_NOARGS, "[(key, value)], per-CPU values summed" },
	{ "keys", (PyCFunction)map_keys, METH_NOARGS, "[key]" },
	{ "values", (PyCFunction)map_values, METH_NOARGS, "[value]" },
	{ "get", (PyCFunction)map_get, METH_VARARGS,
	  "get() -> dict of every entry (pylcc); get(key, default=None) -> value" },
	{ "clear", (PyCFunction)map_clear, METH_NOARGS, "delete every entry (arrays: zero)" },
	{ "get_then_clear", (PyCFunction)map_get_then_clear, METH_NOARGS,
	  "dict of every entry, then delete them" },
	{ "getThenClear", (PyCFunction)map_get_then_clear, METH_NOARGS, "pylcc: get_then_clear" },
	{ "getKeys", (PyCFunction)map_keys, METH_NOARGS, "pylcc: keys()" },
	{ "getKeyValue", (PyCFunction)map_get_key_value, METH_O, "pylcc: value of key or None" },
	{ "getStacks", (PyCFunction)(void (*)(void))map_get_stacks, METH_VARARGS | METH_KEYWORDS,
	  "getStacks(id, pid=-1) -> symbolized frames of a stack map entry (user frames of pid)" },
	{ "showHist", (PyCFunction)map_show_hist, METH_NOARGS,
	  "print a LBC_HIST_LOG2/LBC_HIST_LINEAR map (or a hash map) as lbc run does" },
	{ "open_perf_buffer", (PyCFunction)(void (*)(void))map_open_perf_buffer,
	  METH_VARARGS | METH_KEYWORDS,
	  "open_perf_buffer(callback): callback(cpu, data, size) per record; "
	  "ctypes.string_at(data, size) gives its bytes" },
	{ "perf_buffer_poll", (PyCFunction)(void (*)(void))map_perf_buffer_poll,
	  METH_VARARGS | METH_KEYWORDS,
	  "perf_buffer_poll(timeout=-1): deliver records; -1 loops until Ctrl-C" },
	{ "event", (PyCFunction)map_event, METH_O,
	  "event(bytes) -> the record decoded by the map's event type" },
	{ NULL, NULL, 0, NULL },
};

static PyMemberDef map_members[] = {
	{ "name", T_OBJECT, offsetof(MapObject, name), READONLY, "map name" },
	{ "type", T_INT, offsetof(MapObject, mi.type), READONLY, "enum bpf_map_type" },
	{ "key_size", T_UINT, offsetof(MapObject, mi.key_size), READONLY, NULL },
	{ "value_size", T_UINT, offsetof(MapObject, mi.value_size), READONLY, NULL },
	{ "max_entries", T_UINT, offsetof(MapObject, mi.max_entries), READONLY, NULL },
	{ "percpu", T_BOOL, offsetof(MapObject, mi.percpu), READONLY, "per-CPU values" },
	{ NULL, 0, 0, 0, NULL },
};

static PyMappingMethods map_as_mapping = {
	.mp_length = (lenfunc)map_len,
	.mp_subscript = (binaryfunc)map_subscript,
	.mp_ass_subscript = (objobjargproc)map_ass_sub,
};
static PySequenceMethods map_as_sequence = { .sq_contains = (objobjproc)map_contains };

PyTypeObject MapType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "lbc.Map",
	.tp_basicsize = sizeof(MapObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "One map of an lbc.Program (from program.maps[name]).",
	.tp_dealloc = (destructor)map_dealloc,
	.tp_repr = (reprfunc)map_repr,
	.tp_iter = (getiterfunc)map_iter,
	.tp_methods = map_methods,
	.tp_members = map_members,
	.tp_as_mapping = &map_as_mapping,
	.tp_as_sequence = &map_as_sequence,
};

int lbc_py_map_init(PyObject *m)
{
	if (PyType_Ready(&MapType) < 0)
		return -1;
	return PyModule_AddObjectRef(m, "Map", (PyObject *)&MapType);
}
