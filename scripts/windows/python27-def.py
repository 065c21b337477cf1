#!/usr/bin/env python3
"""Writes python27.def: the exports of a Windows python27.dll, read from 2.7's own headers.

Usage: python27-def.py CC SRC OUT.def [CC-ARG...]   (e.g. -DMS_WIN64, see build.rs)

CC (a mingw gcc) preprocesses `Python.h` with SRC/Include and SRC/PC/pyconfig.h: outside the
core every Python API declaration becomes `__declspec(dllimport)`, and what it declares is
exactly what python27.dll exports (PyAPI_FUNC, PyAPI_DATA), under its compiled name (the
Unicode API as PyUnicodeUCS2_*). Data exports get DATA, so the import library made from the
file has only `__imp_<name>` for them, as python27.lib does: code that reaches Python's data
without dllimport fails to link against it, as it would on Windows.
"""
import re
import subprocess
import sys


def main():
    cc, src, out = sys.argv[1:4]
    extra = sys.argv[4:]
    # Twice: PY_SSIZE_T_CLEAN renames the PyArg_Parse*/Py_BuildValue family to their
    # exported *_SizeT twins, which modules built with it (pep466 is) import.
    text = "".join(subprocess.run(
        [cc, "-E"] + extra + clean + ["-I", src + "/Include", "-I", src + "/PC", "-x", "c", "-"],
        input="#include <Python.h>\n", capture_output=True, text=True, check=True).stdout
        for clean in ([], ["-DPY_SSIZE_T_CLEAN"]))
    # Only what Python's own headers declare (the line markers say which file a line is from;
    # the C library's headers have dllimport declarations of their own).
    ours, current = [], ""
    for line in text.splitlines():
        marker = re.match(r'# \d+ "([^"]*)"', line)
        if marker:
            current = marker.group(1)
        elif current.startswith(src):
            ours.append(line)
    # mingw spells __declspec(dllimport) as this attribute.
    mark = "__attribute__((dllimport))"
    names = {}
    for decl in " ".join(ours).split(";"):
        at = decl.find(mark)
        if at < 0:
            continue
        decl = " ".join(decl[at + len(mark):].split())
        decl = re.sub(r"\[[^\]]*\]", "", decl)           # arrays: the name is before [..]
        pointer = re.search(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)", decl)
        data = decl.find("(") < 0 or pointer is not None
        if pointer:                                      # a function-pointer variable
            name = pointer.group(1)
        elif data:
            name = re.findall(r"[A-Za-z_]\w*", decl)[-1]
        else:
            name = re.findall(r"([A-Za-z_]\w*)\s*\(", decl)[0]
        names[name] = data
    if len(names) < 500 or "PyArg_ParseTuple" not in names or not names.get("_Py_NoneStruct"):
        sys.exit("python27-def.py: the headers gave %d exports, not python27.dll's" % len(names))
    with open(out, "w") as f:
        f.write("LIBRARY python27.dll\nEXPORTS\n")
        for name in sorted(names):
            f.write("    %s%s\n" % (name, " DATA" if names[name] else ""))


if __name__ == "__main__":
    main()
