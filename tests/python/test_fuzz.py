"""Runs the seeded fuzz harness (fuzz/fuzz_inputs.py) for a bounded number of inputs per
target in a child interpreter with our modules: mutated DER/PEM certificates to
_test_decode_cert and cadata, malformed ALPN/NPN lists in handshakes, random digest and
object names. A crash, a SystemError (a Rust panic) or an unexpected exception class fails.
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pep466_support import OUR_DIR, PYTHON27, assert_modules_are_ours  # noqa: E402

HARNESS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "fuzz", "fuzz_inputs.py")
TARGETS = ["decode", "cadata", "alpn", "npn", "hashnames", "objects"]


class FuzzInputs(unittest.TestCase):

    def run_harness(self, seed, iterations):
        env = dict(os.environ)
        env["PYTHONPATH"] = OUR_DIR
        proc = subprocess.Popen([PYTHON27, HARNESS, "--seed", str(seed),
                                 "--iterations", str(iterations)] + TARGETS,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        out, err = proc.communicate()
        last_case = [l for l in err.splitlines() if l.startswith("case ")][-1:]
        self.assertEqual(proc.returncode, 0, "harness exited %d after %s\n%s\n%s"
                         % (proc.returncode, last_case, out, err[-2000:]))
        for t in TARGETS:
            self.assertIn("%s: %d inputs" % (t, iterations), out)

    def test_seed_466(self):
        self.run_harness(466, 150)

    def test_seed_2014(self):
        self.run_harness(2014, 150)


if __name__ == "__main__":
    assert_modules_are_ours()
    unittest.main()
