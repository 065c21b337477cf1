#!/usr/bin/env python
"""pep466 benchmark: our _hashlib against stock 2.7, Python 3 and raw OpenSSL, in one run.

    python3 scripts/bench.py --lib-dir DIR [--python27 PATH] [--python3 PATH]
                             [--rounds N] [--repeat N] [--min-time S] [--openssl-seconds N]
                             [--only NAME ...] [--json FILE] [--tls]

DIR holds our build as `_hashlib.so` (a symlink to target/release/libpep466.so is enough). The
script runs under 2.7 or 3; it starts each interpreter itself, once per flavour and round
(flavours interleaved, --rounds rounds, best kept), and each worker measures in-process with
time loops (best of --repeat runs, each at least --min-time seconds), then prints JSON back to
the driver. Flavours:

    ours     2.7.18 with DIR first on PYTHONPATH (our _hashlib; checked)
    stock    2.7.18 as installed: its builtin _sha256/_sha/_md5/_sha512 modules and hashlib's
             pure-Python pbkdf2 fallback (stock 2.7.18 here has no _hashlib: it did not build
             against OpenSSL 3)
    py3      Python 3's hashlib (its _hashlib, on the same OpenSSL)
    openssl  `openssl speed -evp ALG -bytes 1048576` (only for the 1 MiB figures)

Per-call costs (rows whose unit is "instr") are callgrind instruction counts: the worker runs
the statement 2000 and 4000 times under `valgrind --tool=callgrind` and reports the
difference / 2000, so start-up and the loop's first-time costs cancel out. Throughput rows
are timed. The "ours" worker also gets pep466's Lib layer (scripts/lib-layer.py output) on
its path, for the hashlib.py/hmac.py rows.

Adding benchmarks (TLS figures, for instance): write a function `f(impl, opts)` returning a
number, decorate it with `@benchmark(name, unit, higher_is_better, targets=...)`, and give
`Impl` whatever accessors it needs for each flavour (return None from `f` where a flavour has no
counterpart). A target ('py3', '>=', 1.2) means ours / py3 >= 1.2 for rates (ops/s, MB/s) and
ours / py3 <= x for times when written ('py3', '<=', x); a target with reference None compares
the bare value. The benchmark is never part of the test command.
"""
from __future__ import division, print_function

import argparse
import json
import os
import subprocess
import sys
import threading
import time

try:
    range_ = xrange
except NameError:  # Python 3
    range_ = range

HERE = os.path.abspath(__file__)
MiB = 1024 * 1024
FLAVOURS = ('ours', 'stock', 'py3')


# --- the table -----------------------------------------------------------------------------

BENCHMARKS = []


class Benchmark(object):
    def __init__(self, name, unit, higher_is_better, fn, targets, openssl_alg, note):
        self.name, self.unit, self.higher_is_better = name, unit, higher_is_better
        self.fn, self.targets, self.openssl_alg, self.note = fn, targets, openssl_alg, note


def benchmark(name, unit, higher_is_better=True, targets=(), openssl_alg=None, note=''):
    def register(fn):
        BENCHMARKS.append(Benchmark(name, unit, higher_is_better, fn, list(targets),
                                    openssl_alg, note))
        return fn
    return register


# --- what each flavour calls ---------------------------------------------------------------

class Impl(object):
    """The hash constructors and pbkdf2 of one flavour."""

    def __init__(self, flavour):
        self.flavour = flavour
        if flavour == 'ours':
            import _hashlib
            self._ctor = lambda name: getattr(_hashlib, 'openssl_' + name)
            self.pbkdf2 = _hashlib.pbkdf2_hmac
            self.origin = _hashlib.__file__
            import hashlib
            self.hashlib = hashlib
        elif flavour == 'stock':
            import _md5
            import _sha
            import _sha256
            import _sha512
            import hashlib
            table = {'md5': _md5.new, 'sha1': _sha.new, 'sha256': _sha256.sha256,
                     'sha512': _sha512.sha512}
            self._ctor = table.__getitem__
            self.pbkdf2 = hashlib.pbkdf2_hmac
            self.origin = 'pbkdf2 from %s' % hashlib.pbkdf2_hmac.__module__
            self.hashlib = hashlib
        elif flavour == 'py3':
            import hashlib
            self._ctor = lambda name: getattr(hashlib, name)
            self.pbkdf2 = hashlib.pbkdf2_hmac
            self.origin = hashlib.sha256.__module__
            self.hashlib = hashlib
        else:
            raise ValueError(flavour)

    def ctor(self, name):
        return self._ctor(name)


def cpu_clock():
    """This process's CPU seconds (user + system). Single-threaded figures are timed on it, as
    `openssl speed` times itself on user CPU time: on a shared machine, time spent waiting for
    a core is then not counted."""
    if hasattr(time, 'process_time'):
        return time.process_time()
    import resource
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_loop(body, namespace, opts):
    """Best CPU seconds per iteration of `body` (a statement using names from `namespace`)."""
    src = ('def inner(_n):\n'
           '    for _ in _range(_n):\n'
           '        %s\n' % body)
    ns = dict(namespace)
    ns['_range'] = range_
    exec(compile(src, '<bench>', 'exec'), ns)
    inner = ns['inner']
    n = 1
    while True:                       # calibrate: one run lasts at least min_time
        t0 = cpu_clock()
        inner(n)
        elapsed = cpu_clock() - t0
        if elapsed >= opts.min_time:
            break
        n *= 2 if elapsed == 0 else max(2, min(10, int(opts.min_time / elapsed * 1.2) + 1))
    best = elapsed
    for _ in range_(opts.repeat - 1):
        t0 = cpu_clock()
        inner(n)
        best = min(best, cpu_clock() - t0)
    return best / n


def best_time(fn, opts, repeat=None, clock=cpu_clock):
    best = None
    for _ in range_(repeat or opts.repeat):
        t0 = clock()
        fn()
        elapsed = clock() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best


# --- the benchmarks ------------------------------------------------------------------------

def make_hash_1mib(alg):
    @benchmark('%s 1 MiB' % alg, 'MB/s', targets=[('openssl', '>=', 0.98)], openssl_alg=alg,
               note='one-shot %s(buf).digest() on a 1 MiB buffer' % alg)
    def bench(impl, opts):
        ctor = impl.ctor(alg)
        buf = b'\xa5' * MiB
        per = timed_loop('f(d).digest()', {'f': ctor, 'd': buf}, opts)
        return MiB / per / 1e6
    return bench


for _alg in ('sha256', 'sha1', 'md5', 'sha512'):
    make_hash_1mib(_alg)


@benchmark('sha256 64 B one-shot', 'ops/s', targets=[('py3', '>=', 1.2)],
           note='sha256(data).digest() with 64-byte data')
def oneshot_64(impl, opts):
    return 1 / timed_loop('f(d).digest()', {'f': impl.ctor('sha256'), 'd': b'x' * 64}, opts)


@benchmark('sha256 16 B update', 'ops/s', targets=[('py3', '>=', 1.0)],
           note='h.update(data) with 16-byte data, bound method hoisted')
def update_16(impl, opts):
    h = impl.ctor('sha256')()
    return 1 / timed_loop('u(d)', {'u': h.update, 'd': b'x' * 16}, opts)


@benchmark('call floor (1-arg C method)', 'ops/s',
           note='{}.get(k): the interpreter cost of calling any one-argument C method; '
                'bounds the update figure')
def call_floor(impl, opts):
    return 1 / timed_loop('g(k)', {'g': {}.get, 'k': 1}, opts)


@benchmark('pbkdf2-sha256 100k', 's', higher_is_better=False, targets=[('py3', '<=', 1.02)],
           note="pbkdf2_hmac('sha256', pw, salt, 100000), one derivation")
def pbkdf2_100k(impl, opts):
    f = impl.pbkdf2
    # The pure-Python fallback takes seconds per call: fewer repeats there.
    repeat = 2 if impl.flavour == 'stock' else None
    return best_time(lambda: f('sha256', b'password', b'salt' * 4, 100000), opts, repeat)


@benchmark('2 threads x 64 MiB sha256', 'wall ratio', higher_is_better=False,
           targets=[(None, '<=', 1.05)],
           note='wall time of two threads each hashing 64 MiB / one thread hashing 64 MiB '
                '(1.0 = perfect parallelism, 2.0 = serialised)')
def two_threads(impl, opts):
    ctor = impl.ctor('sha256')
    buf = b'\x5a' * (64 * MiB)

    def one():
        ctor(buf).digest()
    return two_thread_ratio(one, opts)


def two_thread_ratio(one, opts):
    """Wall time of `one` in two threads at once / in one thread."""
    def two():
        threads = [threading.Thread(target=one) for _ in range_(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    # Wall time (CPU time would hide the very thing measured), one and two interleaved so a
    # burst of load from elsewhere hits both alike.
    single = double = None
    for _ in range_(opts.repeat):
        s = best_time(one, opts, 1, time.time)
        d = best_time(two, opts, 1, time.time)
        single = s if single is None else min(single, s)
        double = d if double is None else min(double, d)
    return double / single


def callgrind_per_call(setup, body, opts):
    """Instructions per execution of `body` (after `setup`), counted by callgrind in a child
    interpreter like this one, with this one's environment: (count(4000) - count(2000)) / 2000.
    Counts do not depend on the machine's load: measured in the first round only (None after,
    which the driver's best-of keeps out)."""
    if opts.round > 1:
        return None
    script = ('import sys\n%s\ndef _inner(_n):\n    for _ in _range(_n):\n        %s\n'
              'try:\n    _range = xrange\nexcept NameError:\n    _range = range\n'
              '_inner(int(sys.argv[1]))\n' % (setup, body))
    counts = []
    for n in (2000, 4000):
        proc = subprocess.Popen(['valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null',
                                 sys.executable, '-c', script, str(n)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = proc.communicate()[1].decode('utf-8', 'replace')
        if proc.returncode != 0:
            raise RuntimeError('callgrind run failed: %s' % err[-2000:])
        total = [l for l in err.splitlines() if 'Collected :' in l]
        counts.append(int(total[-1].split(':')[1].strip()))
    return (counts[1] - counts[0]) / 2000.0


# Per flavour: the import line that gives `f` (the sha256 constructor), `hashlib`, `hmac`.
SETUP = {
    'ours': 'import _hashlib, hashlib, hmac\nf = _hashlib.openssl_sha256\nD = "sha256"',
    'stock': 'import _sha256, hashlib, hmac\nf = _sha256.sha256\nD = hashlib.sha256',
    'py3': 'import hashlib, hmac\nf = hashlib.sha256\nD = "sha256"',
}


@benchmark('update(16 B) per call', 'instr', higher_is_better=False,
           targets=[(None, '<=', 900), ('py3', '<=', 1.0)],
           note='h.update(d), d 16 bytes, bound method hoisted (callgrind)')
def update_16_instr(impl, opts):
    return callgrind_per_call(SETUP[impl.flavour] + '\nu = f().update\nd = b"x" * 16', 'u(d)', opts)


@benchmark('sha256(64 B).digest() per call', 'instr', higher_is_better=False,
           targets=[(None, '<=', 6500), ('py3', '<=', 1.0)],
           note='one-shot sha256 of 64 bytes (callgrind)')
def oneshot_64_instr(impl, opts):
    return callgrind_per_call(SETUP[impl.flavour] + '\nd = b"x" * 64', 'f(d).digest()', opts)


@benchmark('hmac.new(k, 64 B, sha256).digest()', 'instr', higher_is_better=False,
           targets=[(None, '<=', 20000), ('py3', '<=', 1.0)],
           note="hmac.new(key, 64 bytes, 'sha256').digest() (stock 2.7: digestmod "
                "hashlib.sha256, its only spelling) (callgrind)")
def hmac_new_instr(impl, opts):
    return callgrind_per_call(SETUP[impl.flavour] + '\nk = b"k" * 32\nd = b"x" * 64\n'
                              'n = hmac.new', 'n(k, d, D).digest()', opts)


@benchmark('hmac.digest(k, 64 B, sha256)', 'instr', higher_is_better=False,
           targets=[('py3', '<=', 0.9)],
           note="hmac.digest(key, 64 bytes, 'sha256'); stock 2.7 has no hmac.digest (callgrind)")
def hmac_digest_instr(impl, opts):
    if impl.flavour == 'stock':
        return None
    return callgrind_per_call(SETUP[impl.flavour] + '\nk = b"k" * 32\nd = b"x" * 64\n'
                              'g = hmac.digest', 'g(k, d, D)', opts)


def make_new_1mib(alg, openssl_alg, stmt, targets):
    @benchmark('%s 1 MiB' % alg, 'MB/s', targets=targets, openssl_alg=openssl_alg,
               note='%s on a 1 MiB buffer' % stmt)
    def bench(impl, opts):
        ctor = getattr(impl.hashlib, alg, None)
        if ctor is None:
            return None
        per = timed_loop(stmt, {'f': ctor, 'd': b'\xa5' * MiB}, opts)
        return MiB / per / 1e6
    return bench


make_new_1mib('sha3_256', 'sha3-256', 'f(d).digest()', [('openssl', '>=', 0.98)])
make_new_1mib('shake_128', 'shake128', 'f(d).digest(32)', [('openssl', '>=', 0.98)])
make_new_1mib('blake2b', 'blake2b512', 'f(d).digest()',
              [('openssl', '>=', 1.0), ('py3', '>=', 1.0)])


@benchmark('scrypt n=2**14 r=8 p=1', 's', higher_is_better=False,
           targets=[('py3', '<=', 1.02)], note="scrypt(pw, salt=..., n=16384, r=8, p=1), one call")
def scrypt_16k(impl, opts):
    f = getattr(impl.hashlib, 'scrypt', None)
    if f is None:
        return None
    return best_time(lambda: f(b'password', salt=b'NaCl' * 4, n=2 ** 14, r=8, p=1), opts)


@benchmark('2 threads x scrypt', 'wall ratio', higher_is_better=False,
           targets=[(None, '<=', 1.05)],
           note='wall time of two threads each running the scrypt above / one thread')
def scrypt_threads(impl, opts):
    f = getattr(impl.hashlib, 'scrypt', None)
    if f is None:
        return None

    def one():
        f(b'password', salt=b'NaCl' * 4, n=2 ** 14, r=8, p=1)
    return two_thread_ratio(one, opts)


@benchmark('memory per live sha256()', 'B', higher_is_better=False,
           targets=[('py3', '<=', 1.0)],
           note='RSS growth / 200 000 live sha256() objects (their list made beforehand)')
def memory_per_object(impl, opts):
    ctor = impl.ctor('sha256')
    n = 200000

    def rss():
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
    keep = [None] * n       # the list exists before the first reading
    before = rss()
    for i in range_(n):
        keep[i] = ctor()
    grown = rss() - before
    del keep
    return grown / float(n)


# --- workers and the driver ----------------------------------------------------------------

def worker(flavour, names, opts):
    impl = Impl(flavour)
    out = {'_origin': impl.origin, '_python': sys.version.split()[0]}
    for b in BENCHMARKS:
        if b.name in names:
            try:
                out[b.name] = b.fn(impl, opts)
            except (ImportError, AttributeError, KeyError):
                out[b.name] = None
    sys.stdout.write(json.dumps(out))


def openssl_rate(alg, seconds):
    out = subprocess.check_output(['openssl', 'speed', '-evp', alg, '-bytes', str(MiB),
                                   '-seconds', str(seconds), '-mr'],
                                  stderr=open(os.devnull, 'w')).decode()
    for line in out.splitlines():
        if line.startswith('+F:'):
            return float(line.split(':')[3]) / 1e6
    raise RuntimeError('no +F line from openssl speed: %r' % out)


def lib_layer_dir(opts):
    """A temp folder with pep466's patched hashlib.py/hmac.py (scripts/lib-layer.py), made
    once per run, for the "ours" worker."""
    if getattr(opts, '_lib_layer', None) is None:
        import tempfile
        out = tempfile.mkdtemp(prefix='pep466-bench-lib-')
        subprocess.check_call([sys.executable if sys.version_info[0] == 3 else 'python3',
                               os.path.join(os.path.dirname(HERE), 'lib-layer.py'),
                               '--out', out, '--python', opts.python27],
                              stdout=open(os.devnull, 'w'))
        for name in os.listdir(out):      # ssl.py would need our _ssl: hashlib/hmac only
            if name not in ('hashlib.py', 'hmac.py'):
                os.remove(os.path.join(out, name))
        opts._lib_layer = out
    return opts._lib_layer


def run_worker(python, flavour, names, opts, lib_dir):
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    if flavour == 'ours':
        env['PYTHONPATH'] = lib_dir + os.pathsep + lib_layer_dir(opts)
    argv = [python, HERE, '--worker', flavour, '--repeat', str(opts.repeat),
            '--min-time', str(opts.min_time), '--round', str(opts.round), '--only'] + names
    out = subprocess.check_output(argv, env=env)
    return json.loads(out.decode())


def ratio(bench, ours, ref):
    if ours is None or ref is None or ref == 0:
        return None
    return ours / ref


def fmt(value):
    if value is None:
        return '-'
    if value >= 1e5:
        return '{:,.0f}'.format(value)
    if value >= 100:
        return '%.0f' % value
    if value >= 1:
        return '%.2f' % value
    return '%.3f' % value


def machine():
    model = 'unknown CPU'
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    except IOError:
        pass
    try:
        ossl = subprocess.check_output(['openssl', 'version']).decode().strip()
    except OSError:
        ossl = 'no openssl CLI'
    return '%s, %d CPUs, %s' % (model, os.sysconf('SC_NPROCESSORS_ONLN'), ossl)


def driver(opts):
    names = [b.name for b in BENCHMARKS if not opts.only or b.name in opts.only]
    by_name = dict((b.name, b) for b in BENCHMARKS)
    results = {}
    # Flavours run in turn, --rounds times, keeping each one's best figure: on a shared machine
    # a burst of load then hits one round, not one flavour.
    for round_ in range(opts.rounds):
        opts.round = round_ + 1
        for flavour, python in (('ours', opts.python27), ('stock', opts.python27),
                                ('py3', opts.python3)):
            sys.stderr.write('round %d: %s (%s)...\n' % (round_ + 1, flavour, python))
            got = run_worker(python, flavour, names, opts, opts.lib_dir)
            best = results.setdefault(flavour, got)
            for name, value in got.items():
                old = best.get(name)
                if name.startswith('_') or value is None or old is None:
                    continue
                better = value > old if by_name[name].higher_is_better else value < old
                if better:
                    best[name] = value
    origin = results['ours'].get('_origin', '')
    if os.path.realpath(os.path.dirname(origin)) != os.path.realpath(opts.lib_dir):
        raise SystemExit('ours: _hashlib came from %s, not from %s' % (origin, opts.lib_dir))
    results['openssl'] = {}
    for b in BENCHMARKS:
        if b.name in names and b.openssl_alg:
            sys.stderr.write('running openssl speed %s...\n' % b.openssl_alg)
            results['openssl'][b.name] = max(openssl_rate(b.openssl_alg, opts.openssl_seconds)
                                             for _ in range(opts.rounds))

    print('machine: %s' % machine())
    print('load average at the end: %s (single-threaded figures are CPU time; the thread '
          'figure is wall time)' % ', '.join('%.2f' % x for x in os.getloadavg()))
    print('python: ours/stock %s, py3 %s; rounds %d, repeat %d, min-time %.2fs, '
          'openssl -seconds %d' % (results['ours']['_python'], results['py3']['_python'],
                                   opts.rounds, opts.repeat, opts.min_time,
                                   opts.openssl_seconds))
    print()
    head = ('benchmark', 'unit', 'ours', 'stock 2.7', 'Python 3', 'OpenSSL',
            'ours/stock', 'ours/py3', 'ours/openssl', 'target', 'met')
    rows = [head]
    summary = {}
    for b in BENCHMARKS:
        if b.name not in names:
            continue
        vals = dict((f, results[f].get(b.name)) for f in FLAVOURS + ('openssl',))
        ours = vals['ours']
        ratios = dict((f, ratio(b, ours, vals[f])) for f in ('stock', 'py3', 'openssl'))
        target_txt, met = [], []
        for ref, op, limit in b.targets:
            got = ours if ref is None else ratios.get(ref)
            ok = None if got is None else (got >= limit if op == '>=' else got <= limit)
            target_txt.append('%s %s %s' % ('value' if ref is None else 'vs ' + ref, op, limit))
            met.append('-' if ok is None else ('yes' if ok else 'NO'))
        rows.append((b.name, b.unit, fmt(ours), fmt(vals['stock']), fmt(vals['py3']),
                     fmt(vals['openssl']), fmt(ratios['stock']), fmt(ratios['py3']),
                     fmt(ratios['openssl']), ', '.join(target_txt), ', '.join(met)))
        summary[b.name] = {'unit': b.unit, 'values': vals, 'ratios': ratios,
                           'targets': b.targets, 'met': met, 'note': b.note}
    import bench_tls  # the same table layout as the TLS benchmark's
    bench_tls.print_table(rows)
    print('Ratios are ours / reference: above 1 is better for rates, below 1 for times;')
    print('the thread figure is a wall-time ratio (1.0 = two threads as fast as one).')
    for b in BENCHMARKS:
        if b.name in names and b.note:
            print('  %s: %s' % (b.name, b.note))
    if opts.json:
        with open(opts.json, 'w') as f:
            json.dump({'machine': machine(), 'results': results, 'summary': summary}, f,
                      indent=2, sort_keys=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--lib-dir', help='directory holding our _hashlib.so')
    p.add_argument('--python27', default=os.environ.get(
        'PEP466_PYTHON27', '/root/.pyenv/versions/2.7.18/bin/python2.7'))
    p.add_argument('--python3', default=os.environ.get('PEP466_PYTHON3', 'python3'))
    p.add_argument('--rounds', type=int, default=3,
                   help='run every flavour this many times, interleaved; keep the best')
    p.add_argument('--repeat', type=int, default=5)
    p.add_argument('--min-time', type=float, default=0.2)
    p.add_argument('--openssl-seconds', type=int, default=3)
    p.add_argument('--only', nargs='*', default=[])
    p.add_argument('--json', help='also write all figures to this file')
    p.add_argument('--tls', action='store_true',
                   help='then run the TLS table of scripts/bench_tls.py (needs _ssl.so in '
                        '--lib-dir; run bench_tls.py alone for its own options)')
    p.add_argument('--worker', choices=FLAVOURS, help=argparse.SUPPRESS)
    p.add_argument('--round', type=int, default=1, help=argparse.SUPPRESS)
    opts = p.parse_args()
    if opts.worker:
        worker(opts.worker, opts.only, opts)
        return
    if not opts.lib_dir:
        p.error('--lib-dir is required')
    opts.lib_dir = os.path.abspath(opts.lib_dir)
    driver(opts)
    if opts.tls:
        # Imported here only: it imports socket, which on 2.7 imports _ssl.
        sys.path.insert(0, os.path.dirname(HERE))
        import bench_tls
        bench_tls.run_from_bench(opts)


if __name__ == '__main__':
    main()
