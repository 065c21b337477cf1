/* bindgen input: the CPython 2.7 headers, exactly as an extension module sees them. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <pythread.h>
