#define PY_SSIZE_T_CLEAN
#include <Python.h>
static struct PyModuleDef mod_def = { PyModuleDef_HEAD_INIT, "lbc", NULL, -1, NULL, NULL, NULL, NULL, NULL };
PyMODINIT_FUNC PyInit_lbc(void) { return PyModule_Create(&mod_def); }
