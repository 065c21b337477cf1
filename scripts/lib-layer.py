#!/usr/bin/env python3
"""Writes pep466's Lib layer: the interpreter's own CPython 2.7.18 ssl.py, hashlib.py and
hmac.py with our patches applied (cpython-patches/2.7.18/Lib/NAME.patch), into a folder.

  scripts/lib-layer.py --out DIR [--python PY27]

PY27 defaults to the interpreter running this script if it is a 2.7, else to the one the
test runners use ($PYTHON27, pyenv's 2.7.18, python2.7 on PATH).

Only the files that have a patch are written; the others stay the stdlib's. Each original
must be 2.7.18's file byte for byte (checked by sha256), else nothing is written. When
scripts/install.sh has already replaced a file in the interpreter, its original is read from
lib-dynload/.pep466-backup/. The patches are applied with GNU patch, with no fuzz and no
offset allowed.

Runs under Python 2.7 or 3 (install.sh runs it with the 2.7 it installs into).
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATCHES = os.path.join(ROOT, "cpython-patches", "2.7.18", "Lib")
# sha256 of CPython 2.7.18's Lib files, the only ones the patches are made for.
PRISTINE = {
    "ssl.py": "4be71acf7eae5ba8dd79f6a0ad84de2d869df72bf1d32387ba0f9014449b4d93",
    "hashlib.py": "8aa8f5858227b3f827890cef5ec164b6c13a1ace025414681fa43d49a49a38bb",
    "hmac.py": "63014e86607f52c044bc1394fb0deb18e00f650e1f6eb41caaead62f39f814c1",
}
BACKUP = os.path.join("lib-dynload", ".pep466-backup")


def fail(message):
    sys.stderr.write("lib-layer: %s\n" % message)
    sys.exit(1)


def stdlib_dir(python):
    """The folder of `python`'s os.py (lib/python2.7), asked of the interpreter itself."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    out = subprocess.check_output(
        [python, "-c", "import os, sys; sys.stdout.write(os.path.dirname(os.__file__))"], env=env)
    return out.decode().strip()


def patched_names():
    """The Lib files that have a patch, e.g. ['ssl.py']."""
    if not os.path.isdir(PATCHES):
        return []
    return sorted(n[:-len(".patch")] for n in os.listdir(PATCHES)
                  if n.endswith(".patch") and n[:-len(".patch")] in PRISTINE)


def original(stdlib, name):
    """The interpreter's original `name`: the copy install.sh kept, else the stdlib's file;
    refuses anything that is not 2.7.18's file."""
    path = os.path.join(stdlib, BACKUP, name)
    if not os.path.exists(path):
        path = os.path.join(stdlib, name)
    with open(path, "rb") as f:
        found = hashlib.sha256(f.read()).hexdigest()
    if found != PRISTINE[name]:
        fail("%s is not CPython 2.7.18's %s (sha256 expected %s, found %s); "
             "the Lib patches apply only to that file" % (path, name, PRISTINE[name], found))
    return path


def apply_patch(source, patch, dest):
    """Writes `source` with `patch` (a diff of a/Lib/NAME) applied to `dest`."""
    work = tempfile.mkdtemp(prefix="pep466-lib-")
    try:
        name = os.path.basename(dest)
        os.mkdir(os.path.join(work, "Lib"))
        shutil.copyfile(source, os.path.join(work, "Lib", name))
        try:
            proc = subprocess.Popen(
                ["patch", "-p1", "-F0", "-N", "--batch", "--no-backup-if-mismatch",
                 "-d", work, "-i", patch], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError:
            fail("GNU patch is needed to apply %s (install the 'patch' package)" % patch)
        out = proc.communicate()[0].decode("utf-8", "replace")
        # -F0 forbids fuzz; an offset would mean the patch was not made against this file.
        if proc.returncode != 0 or "offset" in out or "fuzz" in out:
            fail("%s does not apply cleanly to %s:\n%s" % (patch, source, out))
        shutil.copyfile(os.path.join(work, "Lib", name), dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder to write the patched files to")
    ap.add_argument("--python", help="the 2.7 interpreter whose files are patched")
    args = ap.parse_args()
    python = args.python
    if not python:
        if sys.version_info[:2] == (2, 7):
            python = sys.executable
        else:
            sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
            from pep466_support import find_python27
            python = find_python27()
    stdlib = stdlib_dir(python)
    names = patched_names()
    # Check every original before writing anything.
    sources = [(name, original(stdlib, name)) for name in names]
    if not os.path.isdir(args.out):
        os.makedirs(args.out)
    for name, source in sources:
        apply_patch(source, os.path.join(PATCHES, name + ".patch"), os.path.join(args.out, name))
        print("%s: %s + %s.patch" % (os.path.join(args.out, name), source, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
