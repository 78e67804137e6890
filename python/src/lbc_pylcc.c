// SPDX-License-Identifier: MIT
/* pylcc's model (seed README 6.3): ClbcBase(name, bpf_str="") compiles bpf_str, or
 * NAME.bpf.c found in the current directory or beside the main script, through the same
 * cache as lbc.Program (it is one), loads and attaches it; subclasses use self.maps. */
#include "lbc_py.h"
#include <string.h>
#include <unistd.h>

/* NAME.bpf.c in the current directory, else beside __main__'s file (a new str or NULL
 * with FileNotFoundError). */
static PyObject *find_source(PyObject *name)
{
	PyObject *file = PyUnicode_FromFormat("%U.bpf.c", name), *main, *mf, *dir, *path;
	const char *f;

	if (!file || !(f = PyUnicode_AsUTF8(file)))
		return NULL;
	if (!access(f, R_OK))
		return file;
	main = PyImport_AddModule("__main__");           /* borrowed */
	mf = main ? PyObject_GetAttrString(main, "__file__") : NULL;
	if (!mf)
		PyErr_Clear();
	if (mf && PyUnicode_Check(mf)) {
		const char *m = PyUnicode_AsUTF8(mf), *slash = m ? strrchr(m, '/') : NULL;

		if (slash) {
			dir = PyUnicode_FromStringAndSize(m, slash - m);
			path = dir ? PyUnicode_FromFormat("%U/%U", dir, file) : NULL;
			Py_XDECREF(dir);
			if (path && !access(PyUnicode_AsUTF8(path), R_OK)) {
				Py_DECREF(mf);
				Py_DECREF(file);
				return path;
			}
			Py_XDECREF(path);
		}
	}
	Py_XDECREF(mf);
	PyErr_Format(PyExc_FileNotFoundError,
		     "%U: no bpf_str given and not found in the current directory or beside the "
		     "script", file);
	Py_DECREF(file);
	return NULL;
}

static int clbc_init(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = { "name", "bpf_str", "set", "attach", NULL };
	PyObject *name, *src = NULL, *set = Py_None, *attach = Py_True, *pargs, *pkw;
	int rc;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "U|UOO:ClbcBase", kwl, &name, &src, &set,
					 &attach))
		return -1;
	pargs = PyTuple_New(0);
	if (src && PyUnicode_GET_LENGTH(src) > 0) {
		pkw = Py_BuildValue("{s:O,s:O,s:O,s:O}", "source", src, "name", name, "set", set,
				    "attach", attach);
	} else {
		PyObject *path = find_source(name);

		pkw = path ? Py_BuildValue("{s:N,s:O,s:O,s:O}", "path", path, "name", name, "set",
					   set, "attach", attach) : NULL;
	}
	rc = pargs && pkw ? ProgramType.tp_init(self, pargs, pkw) : -1;
	Py_XDECREF(pargs);
	Py_XDECREF(pkw);
	return rc;
}

static PyTypeObject ClbcBaseType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "lbc.ClbcBase",
	.tp_basicsize = sizeof(ProgramObject),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.tp_doc = "ClbcBase(name, bpf_str='')\n\nThe original pylcc base class: compiles "
		  "bpf_str (or NAME.bpf.c in the current directory or beside the script), "
		  "loads and attaches it. Subclasses read self.maps[...]: open_perf_buffer(cb), "
		  "perf_buffer_poll(), event(bytes), get(), getThenClear(), getKeys(), "
		  "getKeyValue(k), clear(), getStacks(id), showHist().",
	.tp_init = clbc_init,
};

int lbc_py_pylcc_init(PyObject *m)
{
	ClbcBaseType.tp_base = &ProgramType;
	ClbcBaseType.tp_traverse = ProgramType.tp_traverse;
	ClbcBaseType.tp_clear = ProgramType.tp_clear;
	if (PyType_Ready(&ClbcBaseType) < 0)
		return -1;
	return PyModule_AddObjectRef(m, "ClbcBase", (PyObject *)&ClbcBaseType);
}
