/* One-line wrappers; see shim.h for why each exists. */
#include "shim.h"
#include <stddef.h>

void pep466_incref(PyObject *o) { Py_INCREF(o); }
void pep466_decref(PyObject *o) { Py_DECREF(o); }

PyObject *pep466_init_module(const char *name, PyMethodDef *methods, const char *doc)
{
    return Py_InitModule3(name, methods, doc);
}

PyObject *pep466_unicode_decode_utf8(const char *s, Py_ssize_t size, const char *errors)
{
    return PyUnicode_DecodeUTF8(s, size, errors);
}
int pep466_unicode_check(PyObject *o) { return PyUnicode_Check(o); }

int pep466_string_check(PyObject *o) { return PyString_Check(o); }
int pep466_exact_str_items(PyObject *args, Py_ssize_t n, const char **data, Py_ssize_t *size) {
    Py_ssize_t i;
    if (args == NULL || !PyTuple_CheckExact(args) || PyTuple_GET_SIZE(args) != n) return 0;
    for (i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(args, i);
        if (!PyString_CheckExact(item)) return 0;
        data[i] = PyString_AS_STRING(item);
        size[i] = PyString_GET_SIZE(item);
    }
    return 1;
}
int pep466_int_check(PyObject *o) { return PyInt_Check(o); }
int pep466_long_check(PyObject *o) { return PyLong_Check(o); }
int pep466_callable_check(PyObject *o) { return PyCallable_Check(o); }

/* 2.7's PySocketSockObject and PySocketModule_APIObject, declared from the 2.7 ABI:
 * head, fd, family, type, proto, errorhandler, timeout. _wrap_socket cross-checks fd and
 * timeout against sock.fileno()/sock.gettimeout() before trusting this layout. */
#ifdef MS_WINDOWS
#include <winsock2.h> /* SOCKET, as 2.7's socketmodule.h has it */
typedef SOCKET pep466_socket_t;
#else
typedef int pep466_socket_t;
#endif
typedef struct {
    PyObject_HEAD
    pep466_socket_t sock_fd;
    int sock_family;
    int sock_type;
    int sock_proto;
    PyObject *(*errorhandler)(void);
    double sock_timeout;
} pep466_sock_object;

typedef struct {
    PyTypeObject *Sock_Type;
    PyObject *error;
} pep466_capi_layout;

int pep466_socket_import(pep466_socket_capi *out)
{
    PyObject *mod = PyImport_ImportModule("_socket");
    pep466_capi_layout *api;
    if (mod == NULL)
        return -1;
    Py_DECREF(mod);
    api = (pep466_capi_layout *)PyCapsule_Import("_socket.CAPI", 0);
    if (api == NULL)
        return -1;
    out->sock_type = api->Sock_Type;
    out->error = api->error;
    return 0;
}
long long pep466_socket_fd(PyObject *sock) { return (long long)((pep466_sock_object *)sock)->sock_fd; }
double pep466_socket_timeout(PyObject *sock) { return ((pep466_sock_object *)sock)->sock_timeout; }
PyObject *pep466_socket_error_from_errno(PyObject *sock)
{
    return ((pep466_sock_object *)sock)->errorhandler();
}

size_t pep466_sizeof_pyobject(void) { return sizeof(PyObject); }
size_t pep466_sizeof_pytypeobject(void) { return sizeof(PyTypeObject); }
size_t pep466_offsetof_tp_flags(void) { return offsetof(PyTypeObject, tp_flags); }
size_t pep466_offsetof_tp_dealloc(void) { return offsetof(PyTypeObject, tp_dealloc); }
size_t pep466_offsetof_tp_free(void) { return offsetof(PyTypeObject, tp_free); }
size_t pep466_sizeof_pymethoddef(void) { return sizeof(PyMethodDef); }
size_t pep466_sizeof_py_buffer(void) { return sizeof(Py_buffer); }
long pep466_tpflags_default(void) { return Py_TPFLAGS_DEFAULT; }

/* compare_digest: a unicode object's code units as bytes (2.7's operator._compare_digest
 * compares PyUnicode_AS_DATA over PyUnicode_GET_DATA_SIZE), and whether an object has the
 * new-style buffer interface. Both are macros whose expansion depends on the build. */
const char *pep466_unicode_data(PyObject *o, Py_ssize_t *size)
{
    *size = PyUnicode_GET_DATA_SIZE(o);
    return PyUnicode_AS_DATA(o);
}
int pep466_check_buffer(PyObject *o) { return PyObject_CheckBuffer(o); }

/* Whether the calling thread holds the GIL (2.7 has no PyGILState_Check): the current thread
 * state is this thread's own, the test 2.7's PyGILState_Ensure makes. True only on a thread
 * Python knows; false before Py_Initialize (no thread state yet), after Py_Finalize, and on a
 * thread that released the GIL or never had it. */
int pep466_gil_held_here(void)
{
    PyThreadState *cur = _PyThreadState_Current;
    return cur != NULL && cur == PyGILState_GetThisThreadState();
}
