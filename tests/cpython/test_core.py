# -*- coding: utf-8 -*-
"""pep466 in a CPython 2.7.18 source build (scripts/build-cpython.sh): the modules are builtin,
and the core's os.urandom goes through pep466_urandom with Python 3.6's semantics. Python 2.7.
"""
import os
import platform
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

try:
    import ctypes
except ImportError:
    ctypes = None


# A seccomp filter that makes getrandom(2) fail with ENOSYS, as on a kernel older than 3.17,
# so that the child process exercises pep466's /dev/urandom path (x86_64 Linux).
NO_GETRANDOM = r'''
import ctypes, struct
libc = ctypes.CDLL(None, use_errno=True)
def ins(code, k, jt=0, jf=0):
    return struct.pack("HBBI", code, jt, jf, k)
prog = b"".join([
    ins(0x20, 4),                      # A = arch
    ins(0x15, 0xC000003E, 0, 3),       # not x86_64: allow
    ins(0x20, 0),                      # A = syscall number
    ins(0x15, 318, 0, 1),              # getrandom?
    ins(0x06, 0x00050000 | 38),        # ERRNO(ENOSYS)
    ins(0x06, 0x7fff0000),             # ALLOW
])
buf = ctypes.create_string_buffer(prog)
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fprog = Fprog(len(prog) // 8, ctypes.addressof(buf))
assert libc.prctl(38, 1, 0, 0, 0) == 0, ctypes.get_errno()           # PR_SET_NO_NEW_PRIVS
assert libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) == 0, ctypes.get_errno()  # SECCOMP_MODE_FILTER
'''

REUSE = r'''
import os, sys
path = sys.argv[1]
first = os.urandom(16)
assert len(first) == 16
assert not %(fds)s, "descriptors of /dev/urandom kept open: %%r" %% (%(fds)s,)
# A daemon closes everything it inherited; the numbers are reused by the next files it opens.
os.closerange(3, 1024)
files = [open(path, "rb") for _ in range(32)]
data = os.urandom(4096)
fake = open(path, "rb").read(4096)
assert data != fake, "os.urandom returned the file's bytes"
assert len(set(data)) > 64, "not random: %%r" %% data[:32]
assert os.urandom(4096) != data
print("ok")
'''


def run_child(code, *args):
    proc = subprocess.Popen([sys.executable, "-c", code] + list(args),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.communicate()[0]
    return proc.returncode, out


class Builtin(unittest.TestCase):
    def test_modules_are_builtin(self):
        self.assertIn("_ssl", sys.builtin_module_names)
        self.assertIn("_hashlib", sys.builtin_module_names)
        import _ssl
        import _hashlib
        self.assertFalse(hasattr(_ssl, "__file__"))
        self.assertFalse(hasattr(_hashlib, "__file__"))

    def test_lib_layer_is_in_the_tree(self):
        import ssl
        import hashlib
        self.assertTrue(hasattr(ssl, "SSLObject"))
        self.assertTrue(hasattr(hashlib, "sha3_256"))

    def test_unicode_build_and_debug_headers(self):
        # The modules work on this build's object layout and unicode width (bindgen read this
        # tree's headers): text through _ssl and _hashlib round-trips.
        import _hashlib
        import ssl
        self.assertEqual(_hashlib.new(u"sha256", b"abc").hexdigest(),
                         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        ctx.set_ciphers(u"HIGH")
        name = ssl._ssl.txt2obj(u"1.3.6.1.5.5.7.3.1")
        self.assertEqual(name[1], "serverAuth")


class Variant(unittest.TestCase):
    @unittest.skipUnless(os.environ.get("PEP466_VARIANT"), "PEP466_VARIANT not given")
    def test_the_build_is_the_variant_asked_for(self):
        variant = os.environ["PEP466_VARIANT"]
        self.assertEqual(sys.maxunicode, 0x10FFFF if variant == "ucs4" else 0xFFFF)
        self.assertEqual(hasattr(sys, "gettotalrefcount"), variant == "pydebug")


@unittest.skipUnless(sys.platform.startswith("linux"), "Linux descriptors")
class UrandomDescriptors(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp()
        os.write(fd, b"A" * 8192)
        os.close(fd)

    def tearDown(self):
        os.unlink(self.path)

    def check(self, prelude):
        code = prelude + REUSE % {"fds": "urandom_descriptors()"}
        code = "import os\n" + _SOURCE_OF_DESCRIPTORS + code
        rc, out = run_child(code, self.path)
        self.assertEqual((rc, out.strip()), (0, b"ok"), out)

    def test_closerange_and_reuse_with_getrandom(self):
        self.check("")

    @unittest.skipUnless(ctypes and platform.machine() == "x86_64", "seccomp filter for x86_64")
    def test_closerange_and_reuse_without_getrandom(self):
        # getrandom(2) missing: pep466 opens /dev/urandom per call, keeping nothing; 2.7's own
        # fallback would keep its descriptor open, which the child asserts is not the case.
        rc, out = run_child(NO_GETRANDOM + "import os\nprint(os.urandom(8) != os.urandom(8))\n")
        self.assertEqual((rc, out.strip()), (0, b"True"), out)
        self.check(NO_GETRANDOM)


_SOURCE_OF_DESCRIPTORS = '''
def urandom_descriptors():
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink("/proc/self/fd/" + name) == "/dev/urandom":
                found.append(int(name))
        except OSError:
            pass
    return found
'''


class UrandomReleasesTheGil(unittest.TestCase):
    def test_another_thread_runs_while_urandom_draws(self):
        stamps = []
        stop = []

        def ticker():
            while not stop:
                stamps.append(time.time())
                time.sleep(0.001)

        t = threading.Thread(target=ticker)
        t.start()
        try:
            size = 8 << 20
            while True:
                time.sleep(0.01)
                t0 = time.time()
                os.urandom(size)
                t1 = time.time()
                if t1 - t0 >= 0.05 or size >= 1 << 30:
                    break
                size *= 2
            inside = [s for s in stamps if t0 < s < t1]
        finally:
            stop.append(True)
            t.join()
        self.assertGreaterEqual(t1 - t0, 0.05, "could not make os.urandom take 50 ms")
        self.assertTrue(inside, "no other thread ran during a %.0f ms os.urandom(%d)"
                        % ((t1 - t0) * 1000, size))


if __name__ == "__main__":
    unittest.main()
