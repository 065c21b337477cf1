"""scripts/install.sh, end to end, on a private copy of the 2.7 interpreter (never the
original: its stock modules are what the parity tests compare against): the C modules and the
Lib layer (patched ssl.py...), --modules-only, --uninstall, and a refused modified original."""
import filecmp
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import pep466_support as support

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INSTALL = os.path.join(ROOT, "scripts", "install.sh")
LIB = os.path.realpath(os.path.join(support.OUR_DIR, "_ssl.so"))
LIB_LAYER = os.path.join(ROOT, "scripts", "lib-layer.py")
# The Lib files that have a patch (the Lib layer), e.g. ['ssl.py'].
PATCHED = sorted(n[:-len(".patch")] for n in
                 os.listdir(os.path.join(ROOT, "cpython-patches", "2.7.18", "Lib"))
                 if n.endswith(".patch"))
# Where each module is imported from, and whether ssl is our patched one (it alone has
# SSLContext.sslsocket_class).
# (Stock 2.7.18 on OpenSSL 3 has no _hashlib: it is not asked for.)
WHERE = ("import _ssl, ssl, hashlib, hmac\n"
         "for m in (_ssl, ssl, hashlib, hmac): print(m.__file__)\n"
         "print(hasattr(ssl.SSLContext, 'sslsocket_class'))\n")


def run(argv, **kw):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    out = proc.communicate()[0]
    return proc.returncode, out


class InstallTests(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pep466-install-")
        self.env = dict(os.environ)
        self.env.pop("PYTHONPATH", None)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def copy_interpreter(self):
        prefix = os.path.dirname(os.path.dirname(os.path.realpath(support.PYTHON27)))
        copy = os.path.join(self.tmp, "py27")
        # Only what the interpreter needs to start and import ssl/hashlib: bin and lib.
        shutil.copytree(os.path.join(prefix, "bin"), os.path.join(copy, "bin"), symlinks=True)
        shutil.copytree(os.path.join(prefix, "lib"), os.path.join(copy, "lib"), symlinks=True,
                        ignore=shutil.ignore_patterns("test", "*.pyc", "*.pyo", "site-packages"))
        python = os.path.join(copy, "bin", "python2.7")
        dynload = os.path.join(copy, "lib", "python2.7", "lib-dynload")
        if os.path.isdir(os.path.join(dynload, ".pep466-backup")):
            # pep466 is installed in the original: start the copy from the stock modules.
            code, out = run(["bash", INSTALL, "--uninstall", "--python", python], env=self.env)
            self.assertEqual(code, 0, out)
        return python

    def stdlib(self, python):
        return os.path.join(os.path.dirname(os.path.dirname(python)), "lib", "python2.7")

    def snapshot(self, folder, names):
        """{name: (sha256, mtime)} of those of `names` that exist in `folder`."""
        files = {}
        for name in names:
            path = os.path.join(folder, name)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    files[name] = (hashlib.sha256(f.read()).hexdigest(), os.stat(path).st_mtime)
        return files

    def lib_snapshot(self, python):
        """The Lib files a patch exists for, with their compiled files, and _ssl.so."""
        names = [n + ext for n in PATCHED for ext in ("", "c", "o")]
        files = self.snapshot(self.stdlib(python), names)
        files.update(self.snapshot(os.path.join(self.stdlib(python), "lib-dynload"),
                                   ["_ssl.so", "_hashlib.so"]))
        return files

    def where(self, python, env=None):
        code, out = run([python, "-c", WHERE], env=env or self.env)
        self.assertEqual(code, 0, out)
        lines = out.split()
        return lines[:4], lines[4] == "True"

    def test_prefix_install_is_imported_first(self):
        dest = os.path.join(self.tmp, "site")
        code, out = run(["bash", INSTALL, "--lib", LIB, "--prefix", dest, "--python",
                         support.PYTHON27], env=self.env)
        self.assertEqual(code, 0, out)
        self.assertTrue(os.path.islink(os.path.join(dest, "_hashlib.so")))
        env = dict(self.env, PYTHONPATH=dest)
        code, out = run([support.PYTHON27, "-c",
                         "import _ssl, _hashlib, hashlib; print(_ssl.__file__); "
                         "print(_hashlib.__file__); print(hashlib.md5('a').hexdigest())"], env=env)
        self.assertEqual(code, 0, out)
        lines = out.split()
        self.assertEqual(lines[0], os.path.join(dest, "_ssl.so"))
        self.assertEqual(lines[1], os.path.join(dest, "_hashlib.so"))
        self.assertEqual(lines[2], "0cc175b9c0f1b6a831c399e269772661")
        # The patched Lib files are in DIR too and shadow the stdlib's.
        files, patched_ssl = self.where(support.PYTHON27, env)
        self.assertTrue(patched_ssl)
        for name in PATCHED:
            self.assertTrue(os.path.exists(os.path.join(dest, name)), name)
            mod = [f for f in files if os.path.basename(f).startswith(name)][0]
            self.assertEqual(os.path.dirname(mod), dest)

    def test_prefix_modules_only_installs_no_lib_file(self):
        dest = os.path.join(self.tmp, "site")
        code, out = run(["bash", INSTALL, "--lib", LIB, "--prefix", dest, "--modules-only",
                         "--python", support.PYTHON27], env=self.env)
        self.assertEqual(code, 0, out)
        self.assertEqual(sorted(os.listdir(dest)), ["_hashlib.so", "_ssl.so"])

    def test_install_into_interpreter_and_uninstall_restores_stock(self):
        python = self.copy_interpreter()
        dynload = os.path.join(os.path.dirname(os.path.dirname(python)), "lib", "python2.7",
                               "lib-dynload")
        stock_ssl = os.path.join(self.tmp, "stock_ssl.so")
        shutil.copy2(os.path.join(dynload, "_ssl.so"), stock_ssl)
        had_hashlib = os.path.exists(os.path.join(dynload, "_hashlib.so"))
        # Compiled files as an installed 2.7 has them (the copy left them out).
        compile_all = ("import py_compile, sys\n"
                       "for f in sys.argv[1:]: py_compile.compile(f, doraise=True)\n")
        sources = [os.path.join(self.stdlib(python), n) for n in PATCHED]
        for flags in ([], ["-O"]):
            code, out = run([python] + flags + ["-c", compile_all] + sources, env=self.env)
            self.assertEqual(code, 0, out)
        before = self.lib_snapshot(python)
        self.assertIn("ssl.pyc", before)

        code, out = run(["bash", INSTALL, "--lib", LIB, "--python", python], env=self.env)
        self.assertEqual(code, 0, out)
        # The patched files replace lib/python2.7's own (not lib-dynload, which comes later on
        # sys.path) and are what `import` finds.
        files, patched_ssl = self.where(python)
        self.assertTrue(patched_ssl)
        stdlib = self.stdlib(python)
        for name in PATCHED:
            self.assertNotEqual(self.snapshot(stdlib, [name])[name][0], before[name][0], name)
            self.assertIn(os.path.join(stdlib, name + "c"), files)
            self.assertFalse(os.path.exists(os.path.join(stdlib, name + "o")), name)
        code, out = run([python, "-c", "import _hashlib, _ssl; print(_hashlib.__file__)"],
                        env=self.env)
        self.assertEqual(code, 0, out)
        self.assertEqual(out.strip(), os.path.join(dynload, "_hashlib.so"))
        self.assertTrue(filecmp.cmp(os.path.join(dynload, "_ssl.so"), LIB, shallow=False))

        # Installing twice keeps the first backup (the stock file), not our own copy.
        code, out = run(["bash", INSTALL, "--lib", LIB, "--python", python], env=self.env)
        self.assertEqual(code, 0, out)

        files, patched_ssl = self.where(python)
        self.assertTrue(patched_ssl)

        code, out = run(["bash", INSTALL, "--uninstall", "--python", python], env=self.env)
        self.assertEqual(code, 0, out)
        self.assertTrue(filecmp.cmp(os.path.join(dynload, "_ssl.so"), stock_ssl, shallow=False))
        self.assertEqual(os.path.exists(os.path.join(dynload, "_hashlib.so")), had_hashlib)
        self.assertFalse(os.path.exists(os.path.join(dynload, ".pep466-backup")))
        # Byte for byte (and mtime: the .pyc files stay valid) what was there before.
        self.assertEqual(self.lib_snapshot(python), before)
        files, patched_ssl = self.where(python)
        self.assertFalse(patched_ssl)

    def test_modules_only_leaves_lib_alone_then_full_install(self):
        python = self.copy_interpreter()
        before = self.lib_snapshot(python)
        code, out = run(["bash", INSTALL, "--lib", LIB, "--modules-only", "--python", python],
                        env=self.env)
        self.assertEqual(code, 0, out)
        after = self.lib_snapshot(python)
        for name in PATCHED:
            self.assertEqual(after[name], before[name], name)
        files, patched_ssl = self.where(python)
        self.assertFalse(patched_ssl)
        self.assertEqual(os.path.dirname(files[0]),
                         os.path.join(self.stdlib(python), "lib-dynload"))

        # A full install over it backs up the Lib files it now replaces; uninstall restores all.
        code, out = run(["bash", INSTALL, "--lib", LIB, "--python", python], env=self.env)
        self.assertEqual(code, 0, out)
        self.assertTrue(self.where(python)[1])
        code, out = run(["bash", INSTALL, "--uninstall", "--python", python], env=self.env)
        self.assertEqual(code, 0, out)
        self.assertEqual(self.lib_snapshot(python), before)

    def test_modified_original_is_refused(self):
        python = self.copy_interpreter()
        path = os.path.join(self.stdlib(python), "ssl.py")
        with open(path, "ab") as f:
            f.write(b"# local change\n")
        with open(path, "rb") as f:
            found = hashlib.sha256(f.read()).hexdigest()
        before = self.lib_snapshot(python)
        code, out = run(["bash", INSTALL, "--lib", LIB, "--python", python], env=self.env)
        self.assertNotEqual(code, 0, out)
        self.assertIn(path, out)
        self.assertIn("4be71acf7eae5ba8dd79f6a0ad84de2d869df72bf1d32387ba0f9014449b4d93", out)
        self.assertIn(found, out)
        # Refused before anything changed.
        self.assertEqual(self.lib_snapshot(python), before)
        self.assertFalse(os.path.exists(os.path.join(self.stdlib(python), "lib-dynload",
                                                     ".pep466-backup")))
        # lib-layer.py alone refuses too, and writes nothing.
        out_dir = os.path.join(self.tmp, "layer")
        code, out = run([python, LIB_LAYER, "--python", python, "--out", out_dir], env=self.env)
        self.assertNotEqual(code, 0, out)
        self.assertFalse(os.path.exists(os.path.join(out_dir, "ssl.py")))


if __name__ == "__main__":
    unittest.main()
