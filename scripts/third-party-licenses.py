#!/usr/bin/env python3
"""Writes THIRD-PARTY-LICENSES.txt: the licence texts of everything pep466's library links
besides itself, for installers to ship next to Python's own LICENSE (the MSI's LICENSE.txt
through Tools/msi/msi.py, the macOS installer's License.rtf through build-installer.py; see
cpython-patches/README.md).

What is listed, read from `cargo metadata --locked` (so from Cargo.lock):
- OpenSSL, from the openssl-src crate the `vendored` feature builds (the installer builds
  use it); a drop-in build links the system's OpenSSL instead, whose licence the system ships;
- every crate the library links (normal dependencies, followed transitively) on the
  platforms pep466 supports: Linux, Windows (MSVC and MinGW, 32 and 64 bit), macOS;
- the Rust standard library, which the static and dynamic libraries contain.

A crate's licence texts are the files it ships (LICENSE*, LICENCE*, COPYING*). A crate that
ships none (blake2b_simd, blake2s_simd: MIT) gets the MIT licence's standard text with its
manifest's authors as the copyright holders; any other licence without a file is an error.

    scripts/third-party-licenses.py            rewrite the file
    scripts/third-party-licenses.py --check    exit 1 if it is stale (the test command runs this)
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
OUT = os.path.join(ROOT, "THIRD-PARTY-LICENSES.txt")
PLATFORMS = [
    "x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu",
    "x86_64-pc-windows-msvc", "i686-pc-windows-msvc", "x86_64-pc-windows-gnu",
    "x86_64-apple-darwin", "aarch64-apple-darwin",
]
LICENCE_FILE = re.compile(r"^(licen[cs]e|copying)", re.I)
MIT_TEXT = """MIT License

Copyright (c) {holders}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""
RULE = "=" * 78


def metadata():
    cmd = ["cargo", "metadata", "--format-version", "1", "--locked", "--features", "vendored",
           "--manifest-path", os.path.join(ROOT, "Cargo.toml")]
    for p in PLATFORMS:
        cmd += ["--filter-platform", p]
    return json.loads(subprocess.check_output(cmd))


def linked_packages(meta):
    """The packages reached from the root through normal (linked) dependencies."""
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    seen, todo = set(), [meta["resolve"]["root"]]
    while todo:
        for dep in nodes[todo.pop()]["deps"]:
            if any(k["kind"] is None for k in dep["dep_kinds"]) and dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                todo.append(dep["pkg"])
    return packages, sorted((packages[i] for i in seen), key=lambda p: p["name"])


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().rstrip() + "\n"


def crate_texts(pkg):
    folder = os.path.dirname(pkg["manifest_path"])
    files = sorted(f for f in os.listdir(folder) if LICENCE_FILE.match(f))
    if files:
        return ["%s:\n\n%s" % (f, read(os.path.join(folder, f))) for f in files]
    if re.search(r"\bMIT\b", pkg["license"] or ""):
        holders = ", ".join(re.sub(r"\s*<[^>]*>", "", a) for a in pkg["authors"]) or \
            "the %s authors" % pkg["name"]
        return ["(the crate ships no licence file; its manifest says %s)\n\n%s"
                % (pkg["license"], MIT_TEXT.format(holders=holders))]
    sys.exit("third-party-licenses: %s %s ships no licence file and is not MIT (%s)"
             % (pkg["name"], pkg["version"], pkg["license"]))


def openssl_section(packages):
    src = [p for p in packages.values() if p["name"] == "openssl-src"]
    if len(src) != 1:
        sys.exit("third-party-licenses: expected one openssl-src in Cargo.lock, found %d" % len(src))
    src = src[0]
    version = src["version"].split("+")[-1]
    folder = os.path.join(os.path.dirname(src["manifest_path"]), "openssl")
    return ("OpenSSL %s (built from source by the openssl-src crate %s when pep466's `vendored`\n"
            "feature is on, as the Windows and macOS installer builds do)\nLicense: Apache-2.0\n\n%s"
            % (version, src["version"], read(os.path.join(folder, "LICENSE.txt"))))


def render():
    meta = metadata()
    packages, linked = linked_packages(meta)
    parts = [
        "Third-party software in pep466's _ssl and _hashlib modules\n"
        "(written by scripts/third-party-licenses.py from Cargo.lock; do not edit)\n\n"
        "The modules contain, besides pep466 itself (MIT OR Apache-2.0), the software below.\n",
        openssl_section(packages),
        "The Rust standard library (linked into the library)\nLicense: MIT OR Apache-2.0\n\n"
        + MIT_TEXT.format(holders="The Rust Project Developers"),
    ]
    for pkg in linked:
        head = "%s %s (Rust crate)\nLicense: %s\n" % (pkg["name"], pkg["version"], pkg["license"])
        parts.append(head + "\n" + "\n".join(crate_texts(pkg)))
    return ("\n%s\n\n" % RULE).join(parts)


def main():
    text = render()
    if sys.argv[1:] == ["--check"]:
        try:
            current = read(OUT)
        except OSError:
            current = None
        if current != text.rstrip() + "\n":
            print("THIRD-PARTY-LICENSES.txt is stale: run scripts/third-party-licenses.py")
            return 1
        print("THIRD-PARTY-LICENSES.txt is current")
        return 0
    if sys.argv[1:]:
        sys.exit(__doc__)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text.rstrip() + "\n")
    print("wrote %s" % OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
