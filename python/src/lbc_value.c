// SPDX-License-Identifier: MIT
/* Values between BPF bytes and Python: decoded through lbc_decode (the BTF walk is
 * liblbc's), encoded for map keys from int, str, bytes or a Struct's own bytes. */
#include "lbc_py.h"
#include <structmember.h>
#include <string.h>

/* ---------------------------------------------------------------- lbc.Struct */

/* A decoded struct or union: members as attributes, .raw its bytes (what equality,
 * hashing and use as a map key go by). */
typedef struct {
	PyObject_HEAD
	PyObject *dict;
	PyObject *raw;
} StructObject;

static void struct_dealloc(StructObject *self)
{
	Py_XDECREF(self->dict);
	Py_XDECREF(self->raw);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *struct_repr(StructObject *self)
{
	PyObject *parts = PyList_New(0), *sep = NULL, *body = NULL, *r = NULL;
	PyObject *k, *v;
	Py_ssize_t pos = 0;

	if (!parts)
		return NULL;
	while (PyDict_Next(self->dict, &pos, &k, &v)) {
		PyObject *s = PyUnicode_FromFormat("%U=%R", k, v);

		if (!s || PyList_Append(parts, s) < 0) {
			Py_XDECREF(s);
			goto out;
		}
		Py_DECREF(s);
	}
	if (!(sep = PyUnicode_FromString(", ")) || !(body = PyUnicode_Join(sep, parts)))
		goto out;
	r = PyUnicode_FromFormat("lbc.Struct(%U)", body);
out:
	Py_XDECREF(parts);
	Py_XDECREF(sep);
	Py_XDECREF(body);
	return r;
}

static Py_hash_t struct_hash(StructObject *self)
{
	return PyObject_Hash(self->raw);
}

static PyObject *struct_richcmp(PyObject *a, PyObject *b, int op)
{
	if (!PyObject_TypeCheck(b, &StructType) || (op != Py_EQ && op != Py_NE))
		Py_RETURN_NOTIMPLEMENTED;
	return PyObject_RichCompare(((StructObject *)a)->raw, ((StructObject *)b)->raw, op);
}

static PyObject *struct_asdict(StructObject *self, PyObject *unused)
{
	(void)unused;
	return PyDict_Copy(self->dict);
}

static PyMethodDef struct_methods[] = {
	{ "_asdict", (PyCFunction)struct_asdict, METH_NOARGS, "members as a dict" },
	{ NULL, NULL, 0, NULL },
};

static PyMemberDef struct_members[] = {
	{ "raw", T_OBJECT, offsetof(StructObject, raw), READONLY, "the bytes it was read from" },
	{ NULL, 0, 0, 0, NULL },
};

PyTypeObject StructType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "lbc.Struct",
	.tp_basicsize = sizeof(StructObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A struct decoded by its BTF type: members as attributes (char arrays as "
		  "str, arrays as tuples, nested structs as Struct), .raw the bytes.",
	.tp_dealloc = (destructor)struct_dealloc,
	.tp_repr = (reprfunc)struct_repr,
	.tp_hash = (hashfunc)struct_hash,
	.tp_richcompare = struct_richcmp,
	.tp_dictoffset = offsetof(StructObject, dict),
	.tp_methods = struct_methods,
	.tp_members = struct_members,
};

static PyObject *struct_new(const void *data, size_t size)
{
	StructObject *s = PyObject_New(StructObject, &StructType);

	if (!s)
		return NULL;
	s->dict = PyDict_New();
	s->raw = PyBytes_FromStringAndSize(data, (Py_ssize_t)size);
	if (!s->dict || !s->raw) {
		Py_DECREF(s);
		return NULL;
	}
	return (PyObject *)s;
}

/* ---------------------------------------------------------------- decoding */

#define MAX_NEST 16

struct dctx {
	PyObject *stack[MAX_NEST];
	int depth;
	PyObject *result;
};

/* Puts v (stolen) into the open container, or makes it the result. */
static int put(struct dctx *d, const char *name, PyObject *v)
{
	PyObject *top;
	int rc;

	if (!v)
		return -1;
	if (!d->depth) {
		Py_XDECREF(d->result);
		d->result = v;
		return 0;
	}
	top = d->stack[d->depth - 1];
	if (PyList_Check(top))
		rc = PyList_Append(top, v);
	else
		rc = PyDict_SetItemString(((StructObject *)top)->dict, name ? name : "?", v);
	Py_DECREF(v);
	return rc;
}

static int visit(void *ctx, const struct lbc_val *v)
{
	struct dctx *d = ctx;
	PyObject *c;

	switch (v->kind) {
	case LBC_VAL_INT:
	case LBC_VAL_ENUM:
		return put(d, v->name, PyLong_FromLongLong(v->i));
	case LBC_VAL_UINT:
	case LBC_VAL_PTR:
		return put(d, v->name, PyLong_FromUnsignedLongLong(v->u));
	case LBC_VAL_BOOL:
		return put(d, v->name, PyBool_FromLong((long)v->u));
	case LBC_VAL_STR:
		return put(d, v->name, PyUnicode_DecodeUTF8(v->str, (Py_ssize_t)v->len,
							    "surrogateescape"));
	case LBC_VAL_BYTES:
		return put(d, v->name, PyBytes_FromStringAndSize(v->str, (Py_ssize_t)v->len));
	case LBC_VAL_STRUCT:
	case LBC_VAL_ARRAY:
		if (d->depth == MAX_NEST)
			return -1;
		c = v->kind == LBC_VAL_STRUCT ? struct_new(v->data, v->size) : PyList_New(0);
		if (!c)
			return -1;
		d->stack[d->depth++] = c;
		return 0;
	case LBC_VAL_END:
		c = d->stack[--d->depth];
		if (PyList_Check(c)) {
			PyObject *t = PyList_AsTuple(c);

			Py_DECREF(c);
			c = t;
		}
		return put(d, v->name, c);
	}
	return -1;
}

PyObject *lbc_py_decode(ProgramObject *p, uint32_t type_id, const void *data, size_t size)
{
	struct dctx d = { .depth = 0 };
	int rc = lbc_decode(p->l, type_id, data, size, visit, &d);

	while (d.depth)
		Py_DECREF(d.stack[--d.depth]);
	if (rc || !d.result) {
		Py_XDECREF(d.result);
		if (!PyErr_Occurred())
			PyErr_Format(LbcError, "cannot decode %zu bytes as BTF type %u", size, type_id);
		return NULL;
	}
	return d.result;
}

/* ---------------------------------------------------------------- encoding */

int lbc_py_encode(PyObject *v, void *buf, size_t size, const char *what)
{
	memset(buf, 0, size);
	if (PyObject_TypeCheck(v, &StructType))
		v = ((StructObject *)v)->raw;
	if (PyBytes_Check(v) || PyByteArray_Check(v)) {
		Py_ssize_t n = PyBytes_Check(v) ? PyBytes_GET_SIZE(v) : PyByteArray_GET_SIZE(v);
		const char *s = PyBytes_Check(v) ? PyBytes_AS_STRING(v) : PyByteArray_AS_STRING(v);

		if ((size_t)n != size) {
			PyErr_Format(PyExc_ValueError, "%s must be %zu bytes, not %zd", what, size, n);
			return -1;
		}
		memcpy(buf, s, size);
		return 0;
	}
	if (PyUnicode_Check(v)) {   /* char arrays (and structs that are one) */
		Py_ssize_t n;
		const char *s = PyUnicode_AsUTF8AndSize(v, &n);

		if (!s)
			return -1;
		if ((size_t)n > size) {
			PyErr_Format(PyExc_ValueError, "%s: %zd bytes do not fit in %zu", what, n, size);
			return -1;
		}
		memcpy(buf, s, (size_t)n);
		return 0;
	}
	if (PyLong_Check(v)) {
		int overflow = 0;
		long long sv = PyLong_AsLongLongAndOverflow(v, &overflow);
		unsigned long long u;

		if (overflow > 0) {
			u = PyLong_AsUnsignedLongLong(v);
			if (u == (unsigned long long)-1 && PyErr_Occurred())
				return -1;
		} else if (overflow < 0 || (sv == -1 && PyErr_Occurred())) {
			PyErr_Format(PyExc_OverflowError, "%s does not fit in 8 bytes", what);
			return -1;
		} else {
			u = (unsigned long long)sv;
		}
		if (size > 8 || (size < 8 && (sv < 0 ? (sv < -(1LL << (size * 8 - 1)))
					      : (u >> (size * 8)) != 0))) {
			PyErr_Format(PyExc_OverflowError, "%s does not fit in %zu bytes", what, size);
			return -1;
		}
		memcpy(buf, &u, size);   /* little-endian hosts: the low bytes */
		return 0;
	}
	PyErr_Format(PyExc_TypeError, "%s must be int, str, bytes or lbc.Struct, not %.100s", what,
		     Py_TYPE(v)->tp_name);
	return -1;
}

int lbc_py_value_init(PyObject *m)
{
	if (PyType_Ready(&StructType) < 0)
		return -1;
	return PyModule_AddObjectRef(m, "Struct", (PyObject *)&StructType);
}
