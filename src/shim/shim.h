/* The C shim: every CPython 2.7 macro, and every symbol whose spelling depends on how the
 * interpreter was configured (UCS2/UCS4, Py_DEBUG, 64-bit Py_InitModule4), behind one stable
 * name that Rust can call. Each function is one line of C over the documented API. */
#ifndef PEP466_SHIM_H
#define PEP466_SHIM_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Reference counting (macros in 2.7; Py_DEBUG builds add bookkeeping). */
void pep466_incref(PyObject *o);
void pep466_decref(PyObject *o);

/* Py_InitModule3 is a macro over Py_InitModule4 or Py_InitModule4_64 (and _TraceRefs). */
PyObject *pep466_init_module(const char *name, PyMethodDef *methods, const char *doc);

/* PyUnicode_* are renamed to PyUnicodeUCS2_* or PyUnicodeUCS4_* by unicodeobject.h. */
PyObject *pep466_unicode_decode_utf8(const char *s, Py_ssize_t size, const char *errors);
int pep466_unicode_check(PyObject *o);

/* Type checks are macros reading tp_flags. */
int pep466_string_check(PyObject *o);
/* The argument-tuple fast path: 1 when `args` is a tuple of exactly `n` items, each of exact
 * type str; then data[i]/size[i] are item i's bytes (borrowed). Macros, one call per call. */
int pep466_exact_str_items(PyObject *args, Py_ssize_t n, const char **data, Py_ssize_t *size);
int pep466_int_check(PyObject *o);
int pep466_long_check(PyObject *o);
int pep466_callable_check(PyObject *o);
const char *pep466_unicode_data(PyObject *o, Py_ssize_t *size);
int pep466_check_buffer(PyObject *o);

/* The socket object of 2.7's socketmodule (its header is not installed). */
typedef struct {
    void *sock_type;       /* PyTypeObject* of _socket.socket */
    PyObject *error;       /* socket.error */
} pep466_socket_capi;
int pep466_socket_import(pep466_socket_capi *out);
long long pep466_socket_fd(PyObject *sock);
double pep466_socket_timeout(PyObject *sock);
PyObject *pep466_socket_error_from_errno(PyObject *sock);

/* Facts about the headers, for the Rust layout test. */
size_t pep466_sizeof_pyobject(void);
size_t pep466_sizeof_pytypeobject(void);
size_t pep466_offsetof_tp_flags(void);
size_t pep466_offsetof_tp_dealloc(void);
size_t pep466_offsetof_tp_free(void);
size_t pep466_sizeof_pymethoddef(void);
size_t pep466_sizeof_py_buffer(void);
long pep466_tpflags_default(void);

/* The GIL, for code C may call with or without it (pep466_urandom). */
int pep466_gil_held_here(void);

#endif
