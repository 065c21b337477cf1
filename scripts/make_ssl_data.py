#!/usr/bin/env python3
"""Generate the OpenSSL error-mnemonic tables of pep466's `_ssl` module.

`_ssl.err_codes_to_names`, `_ssl.err_names_to_codes` and `_ssl.lib_codes_to_names`,
and the `[LIB: REASON]` prefix of every SSLError message, come from these tables.
Stock CPython 2.7.18 compiled in a table from the OpenSSL 1.0.2 era, and under
OpenSSL 3 a quarter of its entries name the wrong error. We therefore read the
numbers from the headers of the OpenSSL we build against, one table per OpenSSL
line, because reason numbers differ between 1.1.1, 3.x and 4.x.

Input: an OpenSSL include directory (the one holding err.h; an unbuilt source
tree's include/openssl with err.h.in and ../../VERSION.dat works too).
  * libraries: every `ERR_LIB_<NAME> <code>` in err.h, except ERR_LIB_OFFSET and
    ERR_LIB_MASK, which OpenSSL 3 defines for bit packing and which are not
    libraries;
  * reasons: every `<LIB>_R_<NAME> <code>` in the per-library `<lib>err.h`
    headers (asn1err.h, sslerr.h, pemerr.h, ...). The common `ERR_R_*` reasons
    of err.h are left out, as CPython 3 leaves them out, so "PEM lib" stays a
    bare `[SSL]` / `[X509]` message as in 2.7;
  * legacy aliases: `<lib>err_legacy.h` macros that keep an old name, with its
    number, for a code OpenSSL has since renamed (4.0: SSLV3_ALERT_* became
    TLS_ALERT_*). The old name is the one shown, the name 2.7 code and tests
    know; both names are accepted by err_names_to_codes. Legacy macros defined
    as 0 (removed reasons) or as another macro (spelling fixes) are ignored.

Output: src/ssl/err_data/ossl111.rs, ossl300.rs or ossl400.rs (chosen by the
OpenSSL major version), plain Rust data that src/ssl/err_data.rs selects by cfg.
The output depends only on the header contents, never on paths, time or dict
order, so a rerun gives byte-identical files; `--check` relies on that.

Usage:
  python3 scripts/make_ssl_data.py                  # system headers
  python3 scripts/make_ssl_data.py --include DIR    # any OpenSSL, repeatable
  python3 scripts/make_ssl_data.py --check          # exit 1 if stale

Runs on Python 3 and on Python 2.7.
"""

from __future__ import print_function

import argparse
import difflib
import io
import os
import re
import sys

GENERATOR = "scripts/make_ssl_data.py"
DEFAULT_INCLUDE = "/usr/include/openssl"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO, "src", "ssl", "err_data")

# ERR_LIB_* macros in err.h that describe the packed-code layout, not a library.
NOT_LIBRARIES = frozenset(["OFFSET", "MASK"])

# Which generated file serves which OpenSSL release line, keyed by major
# version; 1.x is accepted only from 1.1 on (the crate's floor).
LINES = {1: "111", 3: "300", 4: "400"}
LINE_CFG = {
    "111": "neither `pep466_ossl300` nor `pep466_ossl400`",
    "300": "`pep466_ossl300`",
    "400": "`pep466_ossl400`",
}

DEFINE_RE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z0-9_]+)[ \t]*(.*)$", re.M)
COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
INT_RE = re.compile(r"^([0-9]+)[uUlL]*$")
REASON_MACRO_RE = re.compile(r"^([A-Z0-9_]+?)_R_([A-Z0-9_]+)$")
ERR_HEADER_RE = re.compile(r"^[a-z0-9]+err\.h$")
LEGACY_HEADER_RE = re.compile(r"^[a-z0-9]+err_legacy\.h$")
VERSION_TEXT_RE = re.compile(r'^[ \t]*#[ \t]*define[ \t]+OPENSSL_VERSION_TEXT[ \t]+"([^"]*)"', re.M)
VERSION_IN_TEXT_RE = re.compile(r"^OpenSSL ([0-9]+)\.([0-9]+)\.([0-9]+)")


class GenError(Exception):
    """A header looks different from what this script understands."""


def read_text(path):
    with io.open(path, "r", encoding="latin-1") as f:
        return f.read()


def defines(text):
    """Yield (name, value) for each #define, with comments and continuations removed."""
    # CRLF first: headers from a Windows checkout must give the same table.
    # Comments next so that commented-out defines (e.g. ERR_LIB_METH) are
    # not seen; newlines inside them are kept so line structure survives.
    text = text.replace("\r\n", "\n")
    text = COMMENT_RE.sub(lambda m: " " + "\n" * m.group(0).count("\n"), text)
    text = text.replace("\\\n", " ")
    for m in DEFINE_RE.finditer(text):
        yield m.group(1), m.group(2).strip()


def parse_int(name, value, path):
    m = INT_RE.match(value)
    if not m:
        raise GenError("%s: %s is %r, expected a decimal number" % (path, name, value))
    return int(m.group(1))


def find_err_h(include):
    for name in ("err.h", "err.h.in"):
        path = os.path.join(include, name)
        if os.path.isfile(path):
            return path
    raise GenError("%s: no err.h (or err.h.in); not an OpenSSL include directory" % include)


def read_version(include):
    """Return (major, minor, version_text) of the OpenSSL whose headers these are."""
    text = None
    path = os.path.join(include, "opensslv.h")
    if os.path.isfile(path):
        m = VERSION_TEXT_RE.search(read_text(path))
        if m:
            text = m.group(1)
    if text is None:
        # An unbuilt 3.x+ source tree templates opensslv.h; the numbers live in
        # VERSION.dat at the top of the tree.
        path = os.path.join(include, os.pardir, os.pardir, "VERSION.dat")
        if not os.path.isfile(path):
            raise GenError("%s: cannot find the OpenSSL version (opensslv.h, VERSION.dat)" % include)
        fields = {}
        for line in read_text(path).splitlines():
            if "=" in line:
                key, _, value = line.partition("=")
                fields[key.strip()] = value.strip().strip('"')
        text = "OpenSSL %s.%s.%s%s %s" % (
            fields["MAJOR"],
            fields["MINOR"],
            fields["PATCH"],
            "-" + fields["PRE_RELEASE_TAG"] if fields.get("PRE_RELEASE_TAG") else "",
            fields.get("RELEASE_DATE", ""),
        )
    text = " ".join(text.split())
    m = VERSION_IN_TEXT_RE.match(text)
    if not m:
        raise GenError("%s: %r is not an OpenSSL version" % (include, text))
    return int(m.group(1)), int(m.group(2)), text


def read_libraries(include):
    path = find_err_h(include)
    libs = {}
    for name, value in defines(read_text(path)):
        if not name.startswith("ERR_LIB_"):
            continue
        lib = name[len("ERR_LIB_"):]
        if lib in NOT_LIBRARIES:
            continue
        code = parse_int(name, value, path)
        if lib in libs and libs[lib] != code:
            raise GenError("%s: ERR_LIB_%s defined twice" % (path, lib))
        libs[lib] = code
    codes = sorted(libs.values())
    if len(set(codes)) != len(codes):
        raise GenError("%s: two ERR_LIB_* share a code" % path)
    for needed in ("PEM", "X509", "SSL"):
        if needed not in libs:
            raise GenError("%s: ERR_LIB_%s missing" % (path, needed))
    return libs


def reason_defines(path, libs, legacy=False):
    """Yield (lib_code, reason_code, name) for each <LIB>_R_<NAME> in one header."""
    for macro, value in defines(read_text(path)):
        m = REASON_MACRO_RE.match(macro)
        if not m or any(macro.startswith(lib + "_F_") for lib in libs):
            # 1.1.1 function codes, some of which contain "_R_" themselves.
            continue
        if legacy and REASON_MACRO_RE.match(value):
            # A spelling fix (EVP_R_OPERATON_... -> EVP_R_OPERATION_...): the
            # misspelt name is not one to show, nor one CPython 3 accepts.
            continue
        prefix, name = m.groups()
        if prefix not in libs:
            raise GenError("%s: %s has no matching ERR_LIB_%s" % (path, macro, prefix))
        yield libs[prefix], parse_int(macro, value, path), name


def read_reasons(include, libs):
    """Return ({(lib, reason): name}, [(lib, reason, name)]) from the headers.

    The dict is what err_codes_to_names shows; the list holds every name that
    err_names_to_codes accepts, which adds the current names that a legacy
    alias displaced.
    """
    files = sorted(os.listdir(include))
    headers = [n for n in files if ERR_HEADER_RE.match(n) and n != "err.h"]
    if not headers:
        raise GenError("%s: no <lib>err.h headers" % include)
    current = {}
    for header in headers:
        path = os.path.join(include, header)
        for lib, code, name in reason_defines(path, libs):
            if current.get((lib, code), name) != name:
                # Two current names for one code would make the table depend on
                # parse order; stop so that someone decides which one 2.7 shows.
                raise GenError(
                    "%s: %s and %s share code %r" % (path, name, current[(lib, code)], (lib, code))
                )
            current[(lib, code)] = name

    # OpenSSL 4 renamed some SSL reasons (SSLV3_ALERT_* -> TLS_ALERT_*, ...) and
    # keeps the old macros, same numbers, in sslerr_legacy.h. Code written for
    # 2.7 compares exception.reason with the old names (test_ssl does, for
    # SSLV3_ALERT_HANDSHAKE_FAILURE), so the old name stays the one shown and
    # both names resolve in err_names_to_codes. Legacy macros defined as 0 are
    # placeholders for reasons OpenSSL removed and say nothing.
    legacy = {}
    for header in (n for n in files if LEGACY_HEADER_RE.match(n)):
        path = os.path.join(include, header)
        for lib, code, name in reason_defines(path, libs, legacy=True):
            if code == 0 or current.get((lib, code)) == name:
                continue
            if legacy.get((lib, code), name) != name:
                raise GenError(
                    "%s: legacy %s and %s share code %r" % (path, name, legacy[(lib, code)], (lib, code))
                )
            legacy[(lib, code)] = name

    shown = dict(current)
    shown.update(legacy)
    accepted = set((lib, code, name) for (lib, code), name in shown.items())
    accepted.update((lib, code, name) for (lib, code), name in current.items())
    return shown, sorted(accepted)


def names_to_codes(accepted, libs):
    """Pick one (lib, reason) per name, the rule stock 2.7 and 3.x dicts follow.

    CPython builds err_names_to_codes from a table ordered by library name, so a
    name used by several libraries maps to the library whose name sorts last:
    INVALID_TRUST -> X509 rather than SSL, UNSUPPORTED_CIPHER -> SSL over PEM.
    """
    lib_name = dict((code, name) for name, code in libs.items())
    best = {}
    for lib, code, name in accepted:
        rank = (lib_name[lib], code)
        if name not in best or rank > best[name][0]:
            best[name] = (rank, lib, code)
    return sorted((name, lib, code) for name, (_, lib, code) in best.items())


def tuple_lines(fields):
    """Format one table row as rustfmt does: on one line while the fields
    between the parentheses take at most 60 columns (its `fn_call_width`),
    else one field per line."""
    flat = ", ".join(fields)
    if len(flat) <= 60:
        return ["    (%s)," % flat]
    return ["    ("] + ["        %s," % f for f in fields] + ["    ),"]


def render(include):
    major, minor, version = read_version(include)
    if major not in LINES or (major == 1 and minor < 1):
        raise GenError("%s: OpenSSL %d.%d is not a supported line" % (include, major, minor))
    line = LINES[major]
    libs = read_libraries(include)
    reasons, accepted = read_reasons(include, libs)
    codes = names_to_codes(accepted, libs)

    out = []
    w = out.append
    w("// @generated by %s from the headers of %s." % (GENERATOR, version))
    w("// Do not edit: rerun the script (see src/ssl/err_data.rs).")
    w("")
    w("//! OpenSSL %d.x error mnemonics, used when the crate is built with" % major)
    w("//! %s." % LINE_CFG[line])
    w("")
    w("/// `ERR_LIB_*`: %d libraries, sorted by code." % len(libs))
    w("pub(crate) static LIBRARY_NAMES: &[(i32, &str)] = &[")
    for name, code in sorted(libs.items(), key=lambda item: item[1]):
        out.extend(tuple_lines(["%d" % code, '"%s"' % name]))
    w("];")
    w("")
    w("/// `<LIB>_R_*`: %d reasons, sorted by (library, reason)." % len(reasons))
    w("pub(crate) static REASON_NAMES: &[(i32, i32, &str)] = &[")
    for (lib, code), name in sorted(reasons.items()):
        out.extend(tuple_lines(["%d" % lib, "%d" % code, '"%s"' % name]))
    w("];")
    w("")
    w("/// The %d distinct reason names, sorted by name, each with the code" % len(codes))
    w("/// `err_names_to_codes` maps it to.")
    w("pub(crate) static REASON_CODES: &[(&str, i32, i32)] = &[")
    for name, lib, code in codes:
        out.extend(tuple_lines(['"%s"' % name, "%d" % lib, "%d" % code]))
    w("];")
    w("")
    return line, version, "\n".join(out).encode("ascii")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--include",
        action="append",
        metavar="DIR",
        help="OpenSSL include directory (repeatable; default %s)" % DEFAULT_INCLUDE,
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write here instead of src/ssl/err_data/ossl<line>.rs (one --include only)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the committed file differs from a fresh generation",
    )
    args = parser.parse_args(argv)
    includes = args.include or [DEFAULT_INCLUDE]
    if args.output and len(includes) != 1:
        parser.error("--output takes exactly one --include")

    stale = False
    for include in includes:
        try:
            line, version, data = render(include)
        except (GenError, EnvironmentError) as e:
            print("make_ssl_data: %s" % e, file=sys.stderr)
            return 2
        path = args.output or os.path.join(OUT_DIR, "ossl%s.rs" % line)
        shown = os.path.relpath(path, REPO) if path.startswith(REPO) else path
        old = None
        if os.path.isfile(path):
            with open(path, "rb") as f:
                old = f.read()
        if args.check:
            if old == data:
                print("%s is up to date (%s)" % (shown, version))
                continue
            stale = True
            print("%s is stale for %s; rerun %s" % (shown, version, GENERATOR), file=sys.stderr)
            before = (old or b"").decode("ascii", "replace").splitlines()
            after = data.decode("ascii").splitlines()
            diff = list(difflib.unified_diff(before, after, shown, "fresh", lineterm="", n=1))
            for text in diff[:40]:
                print(text, file=sys.stderr)
            if len(diff) > 40:
                print("... (%d more diff lines)" % (len(diff) - 40), file=sys.stderr)
        elif old != data:
            parent = os.path.dirname(path)
            if parent and not os.path.isdir(parent):
                os.makedirs(parent)
            with open(path, "wb") as f:
                f.write(data)
            print("wrote %s (%s)" % (shown, version))
        else:
            print("%s unchanged (%s)" % (shown, version))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
