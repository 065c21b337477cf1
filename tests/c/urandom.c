/* Links against libpep466.a exactly as a CPython core build would, and checks pep466_urandom:
 * sizes, failure on impossible arguments, no repeats across calls; before the interpreter
 * exists (as 2.7's hash-secret seed would call it), then with an initialised interpreter and
 * the GIL held (as os.urandom does), where it must hand the GIL back as it found it.
 * Prints "ok" on success. */
#include <Python.h>
#include <stdio.h>
#include <string.h>
#include "pep466.h"

static int all_zero(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int main(void)
{
    static uint8_t a[1 << 16], b[1 << 16];
    size_t sizes[] = {1, 16, 32, 255, 256, 257, 4096, sizeof a};
    size_t i;
    if (pep466_urandom(NULL, 0) != 0 || pep466_urandom(a, 0) != 0) {
        puts("zero-length request failed");
        return 1;
    }
    if (pep466_urandom(NULL, 16) != -1) {
        puts("NULL buffer accepted");
        return 1;
    }
    if (pep466_urandom(a, (size_t)-1) != -1) {
        puts("impossible size accepted");
        return 1;
    }
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        memset(a, 0, n);
        memset(b, 0, n);
        if (pep466_urandom(a, n) != 0 || pep466_urandom(b, n) != 0) {
            printf("request of %zu bytes failed\n", n);
            return 1;
        }
        if (n >= 16 && (memcmp(a, b, n) == 0 || all_zero(a, n))) {
            printf("%zu-byte draws repeat or are empty\n", n);
            return 1;
        }
    }
    /* With the GIL held (threads initialised, as in any 2.7 that imported threading). */
    Py_InitializeEx(0);
    PyEval_InitThreads();
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (pep466_urandom(a, sizes[i]) != 0) {
            printf("request of %zu bytes failed with the GIL held\n", sizes[i]);
            return 1;
        }
        if (_PyThreadState_Current == NULL || _PyThreadState_Current != PyGILState_GetThisThreadState()) {
            printf("the GIL was not taken back after a %zu-byte request\n", sizes[i]);
            return 1;
        }
    }
    Py_Finalize();
    if (pep466_urandom(a, 64) != 0) {
        puts("request after Py_Finalize failed");
        return 1;
    }
    puts("ok");
    return 0;
}
