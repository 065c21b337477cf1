"""scripts/install.sh, end to end, on a private copy of the 2.7 interpreter (never the
original: its stock modules are what the parity tests compare against)."""
import filecmp
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

    def test_install_into_interpreter_and_uninstall_restores_stock(self):
        python = self.copy_interpreter()
        dynload = os.path.join(os.path.dirname(os.path.dirname(python)), "lib", "python2.7",
                               "lib-dynload")
        stock_ssl = os.path.join(self.tmp, "stock_ssl.so")
        shutil.copy2(os.path.join(dynload, "_ssl.so"), stock_ssl)
        had_hashlib = os.path.exists(os.path.join(dynload, "_hashlib.so"))

        code, out = run(["bash", INSTALL, "--lib", LIB, "--python", python], env=self.env)
        self.assertEqual(code, 0, out)
        code, out = run([python, "-c", "import _hashlib, _ssl; print(_hashlib.__file__)"],
                        env=self.env)
        self.assertEqual(code, 0, out)
        self.assertEqual(out.strip(), os.path.join(dynload, "_hashlib.so"))
        self.assertTrue(filecmp.cmp(os.path.join(dynload, "_ssl.so"), LIB, shallow=False))

        # Installing twice keeps the first backup (the stock file), not our own copy.
        code, out = run(["bash", INSTALL, "--lib", LIB, "--python", python], env=self.env)
        self.assertEqual(code, 0, out)

        code, out = run(["bash", INSTALL, "--uninstall", "--python", python], env=self.env)
        self.assertEqual(code, 0, out)
        self.assertTrue(filecmp.cmp(os.path.join(dynload, "_ssl.so"), stock_ssl, shallow=False))
        self.assertEqual(os.path.exists(os.path.join(dynload, "_hashlib.so")), had_hashlib)
        self.assertFalse(os.path.exists(os.path.join(dynload, ".pep466-backup")))


if __name__ == "__main__":
    unittest.main()
