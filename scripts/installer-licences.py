"""The installers' licence steps, run by Python 2.7 on any platform over the pristine
CPython 2.7.18 tree with pep466's patches: both must ship pep466's THIRD-PARTY-LICENSES.txt
(OpenSSL 3 and the Rust crates) in place of OpenSSL 1.0.2's licence.

- Windows MSI: the patched Tools/msi/msi.py's generate_license() (the rest of msi.py needs
  Windows' msilib, this function does not), over a stand-in externals folder, with pep466
  found through PEP466_DIR and through externals\\pep466; no externals\\openssl-* needed.
- macOS installer: the patched build-installer.py's pep466_license_rtf() over 2.7.18's
  Mac/BuildScript/resources/License.rtf; the result keeps the original document, stays
  well-formed RTF, and reading its new part back gives the licence file exactly.

    python2.7 scripts/installer-licences.py CPYTHON_2_7_18_SRC PEP466_CHECKOUT

Prints `installer licences: N passed, N failed` (the licences stage of scripts/test.sh).
"""
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile


def load_functions(path, names, namespace):
    """The named top-level functions of a script, defined in `namespace`, without running
    the rest of it."""
    tree = ast.parse(open(path).read(), path)
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    if len(funcs) != len(names):
        raise RuntimeError("%s lacks one of %s" % (path, names))
    exec(compile(ast.Module(body=funcs), path, "exec"), namespace)
    return [namespace[n] for n in names]


def patched_copy(src, rel_files, patch, work):
    """Copies rel_files of the pristine tree into work and applies patch there."""
    for rel in rel_files:
        dest = os.path.join(work, rel)
        if not os.path.isdir(os.path.dirname(dest)):
            os.makedirs(os.path.dirname(dest))
        shutil.copy(os.path.join(src, rel), dest)
    subprocess.check_call(["patch", "-s", "-p1", "-d", work, "-i", patch])


def fake_source_tree(root):
    """Python's LICENSE and the externals the MSI still bundles, each with a marker text."""
    with open(os.path.join(root, "LICENSE"), "w") as f:
        f.write("PYTHON LICENSE MARKER\n")
    for folder, name in (("bzip2-1.0.6", "LICENSE"), ("bsddb-4.7.25.0", "LICENSE"),
                         ("tcl-8.5.19.0", "license.terms"), ("tk-8.5.19.0", "license.terms"),
                         ("tix-8.4.3.5", "license.terms")):
        os.makedirs(os.path.join(root, "externals", folder))
        with open(os.path.join(root, "externals", folder, name), "w") as f:
            f.write("%s MARKER\n" % folder)


def run_msi(msi_py, pep466, work, env_dir):
    src = os.path.join(work, "src")
    os.makedirs(src)
    fake_source_tree(src)
    if env_dir:
        os.environ["PEP466_DIR"] = pep466
    else:
        os.environ.pop("PEP466_DIR", None)
        shutil.copytree(pep466, os.path.join(src, "externals", "pep466"),
                        ignore=lambda d, names: [n for n in names
                                                 if n != "THIRD-PARTY-LICENSES.txt"])
    cwd = os.path.join(work, "msi")
    os.makedirs(cwd)
    with open(os.path.join(cwd, "crtlicense.txt"), "w") as f:
        f.write("CRT LICENSE MARKER\n")
    generate_license, = load_functions(msi_py, ["generate_license"],
                                       {"os": os, "srcdir": src})
    old = os.getcwd()
    os.chdir(cwd)
    try:
        generate_license()
    finally:
        os.chdir(old)
    return open(os.path.join(cwd, "LICENSE.txt")).read()


def check_msi(msi_py, pep466, third_party):
    failures = 0
    for env_dir, how in ((True, "PEP466_DIR"), (False, "externals\\pep466")):
        work = tempfile.mkdtemp(prefix="pep466-msi-")
        try:
            text = run_msi(msi_py, pep466, work, env_dir)
        except Exception as e:  # the unpatched function raises ValueError here
            print("FAIL  MSI generate_license() with pep466 found through %s: %r" % (how, e))
            failures += 1
            continue
        finally:
            shutil.rmtree(work)
        wanted = ["PYTHON LICENSE MARKER", "CRT LICENSE MARKER", "bzip2-1.0.6 MARKER",
                  "tix-8.4.3.5 MARKER", third_party,
                  "includes a copy of OpenSSL and the Rust crates of pep466"]
        missing = [w[:60] for w in wanted if w not in text]
        if missing:
            print("FAIL  MSI LICENSE.txt (pep466 through %s) lacks %r" % (how, missing))
            failures += 1
        else:
            print("ok    MSI LICENSE.txt (pep466 through %s): %d bytes with THIRD-PARTY-LICENSES.txt"
                  % (how, len(text)))
    return 2 - failures, failures


def rtf_text(rtf):
    """Plain text of RTF that holds only escaped characters and `\\<newline>` breaks."""
    out, i = [], 0
    while i < len(rtf):
        ch = rtf[i]
        if ch == "\\":
            nxt = rtf[i + 1]
            if nxt in "\\{}":
                out.append(nxt)
                i += 2
            elif nxt == "\n":
                out.append("\n")
                i += 2
            else:
                m = re.match(r"\\u(-?\d+)\?", rtf[i:])
                if not m:
                    raise ValueError("unexpected control word at %r" % rtf[i:i + 20])
                code = int(m.group(1))
                out.append(unichr(code if code >= 0 else code + 65536))
                i += len(m.group(0))
        elif ch in "{}":
            raise ValueError("unescaped brace in the appended text")
        else:
            out.append(ch)
            i += 1
    return u"".join(out)


def check_rtf(build_installer, license_rtf, pep466, third_party):
    license_rtf_fn, _ = load_functions(build_installer, ["pep466_license_rtf", "fileContents"],
                                       {"os": os})
    original = open(license_rtf).read()
    try:
        data = license_rtf_fn(original, pep466)
    except Exception as e:
        print("FAIL  macOS License.rtf: pep466_license_rtf() raised %r" % (e,))
        return 0, 1
    end = original.rindex("}")
    problems = []
    if not (data.startswith(original[:end]) and data.endswith(original[end:])):
        problems.append("the original document is not kept around the new part")
    lead = "\\\n\\f1\\b0 \\ulnone "
    added = data[end:len(data) - (len(original) - end)]
    if not added.startswith(lead) or not added.endswith("\\\n"):
        problems.append("the new part does not start a plain paragraph")
    else:
        try:
            if rtf_text(added[len(lead):-2]) != third_party.decode("utf-8"):
                problems.append("reading the new part back does not give the licence file")
        except ValueError as e:
            problems.append(str(e))
    depth = 0
    for m in re.finditer(r"\\[\\{}]|[{}]", data):
        depth += {"{": 1, "}": -1}.get(m.group(0), 0)
        if depth < 0:
            break
    if depth != 0:
        problems.append("unbalanced braces")
    if problems:
        print("FAIL  macOS License.rtf: %s" % "; ".join(problems))
        return 0, 1
    print("ok    macOS License.rtf: %d bytes, THIRD-PARTY-LICENSES.txt appended and read back"
          % len(data))
    return 1, 0


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, pep466 = sys.argv[1:3]
    pep466 = os.path.abspath(pep466)
    patches = os.path.join(pep466, "cpython-patches", "2.7.18")
    third_party = open(os.path.join(pep466, "THIRD-PARTY-LICENSES.txt")).read()
    work = tempfile.mkdtemp(prefix="pep466-installers-")
    try:
        patched_copy(src, ["Tools/msi/msi.py"],
                     os.path.join(patches, "Tools", "msi", "msi.py.patch"), work)
        patched_copy(src, ["Mac/BuildScript/build-installer.py",
                           "Mac/BuildScript/resources/ReadMe.rtf"],
                     os.path.join(patches, "Mac", "BuildScript", "build-installer.py.patch"),
                     work)
        passed, failed = check_msi(os.path.join(work, "Tools", "msi", "msi.py"), pep466,
                                   third_party)
        p, f = check_rtf(os.path.join(work, "Mac", "BuildScript", "build-installer.py"),
                         os.path.join(src, "Mac", "BuildScript", "resources", "License.rtf"),
                         pep466, third_party)
    finally:
        shutil.rmtree(work)
    passed, failed = passed + p, failed + f
    print("installer licences: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
