#!/usr/bin/env python
"""pep466 TLS benchmark: our _ssl against stock 2.7, Python 3 and raw OpenSSL (C), in one run.

    python3 scripts/bench_tls.py --lib-dir DIR [--python27 PATH] [--python3 PATH]
                                 [--rounds N] [--handshakes N] [--bulk-mib N] [--hold N]
                                 [--only NAME ...] [--json FILE] [--callgrind]

(or `scripts/bench.py --lib-dir DIR --tls`, which runs these after the hashlib table.)

DIR holds our build as `_ssl.so` (a symlink to target/release/libpep466.so is enough). The
script runs under 2.7 or 3. At start it makes two self-signed certificates with the openssl CLI
in a temp dir (RSA-2048 and ECDSA P-256, CN=localhost) and compiles scripts/bench_tls_peer.c
with `cc` against the system libssl. Then, --rounds times, it runs every benchmark once per
flavour, flavours interleaved, each in a fresh process, and reports the median of the rounds:

    ours     2.7.18 with DIR first on PYTHONPATH (our _ssl; checked)
    stock    2.7.18 as installed (its own _ssl.so, built against the same OpenSSL 3)
    py3      Python 3's ssl (same OpenSSL)
    C        bench_tls_peer: the same protocol written directly against libssl

Every Python flavour runs the same code (the worker part of this file):

  handshakes   the worker forks; the child serves, the parent connects COUNT times in a row
               (after one untimed connection that checks the version): TCP connect (TCP_NODELAY
               on both ends), TLS 1.3 handshake (the client verifies the certificate, SNI
               "localhost"), one byte each way (so the client has read the session tickets and
               nobody ever reads an EOF), close. Both ends are the flavour under test.
  bulk         one connection over loopback, the client sendall()s --bulk-mib MiB in 64 KiB
               writes, the forked server reads them with recv_into() on a preallocated 64 KiB
               bytearray and answers one byte.

  rss/conn     the worker is a server; a C client process (bench_tls_peer hold-client, so the
               client side is not counted) opens 10 + --hold connections; the server accepts,
               handshakes, exchanges one byte and closes the first 10 (warm-up), then reads
               its RSS (/proc/self/statm), accepts and keeps --hold connections, and reads its
               RSS again: (after - before) / --hold. `rss/conn plain TCP` is the same with no
               TLS at all (the cost of Python's own socket objects); the C rows hold SSL
               objects only, with and without SSL_MODE_RELEASE_BUFFERS.

  Both are reported per CPU second: the CPU time (user + system, so loopback TCP counts) of
  client and server over the timed part, summed; the machines this runs on are shared and
  small, and wall time there measures the neighbours. Wall-clock rates are kept in --json.

The benchmark is never part of the test command.
"""
from __future__ import division, print_function

import argparse
import gc
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.abspath(__file__)
PEER_SRC = os.path.join(os.path.dirname(HERE), 'bench_tls_peer.c')
KiB = 1024
MiB = 1024 * KiB
CHUNK = 64 * KiB
WARMUP = 10
FLAVOURS = ('ours', 'stock', 'py3', 'C')
PY3 = sys.version_info[0] >= 3

# name, unit, higher_is_better, job, certificate, targets: (reference flavour, op, limit)
BENCHMARKS = [
    ('TLS 1.3 handshakes RSA-2048', 'hs/cpu-s', True, 'hs', 'rsa',
     [('stock', '>=', 1.0), ('py3', '>=', 1.0)]),
    ('TLS 1.3 handshakes ECDSA P-256', 'hs/cpu-s', True, 'hs', 'ec',
     [('stock', '>=', 1.0), ('py3', '>=', 1.0)]),
    ('bulk 64 KiB sendall/recv_into', 'MB/cpu-s', True, 'bulk', 'ec',
     [('stock', '>=', 1.0), ('C', '>=', 0.95)]),
    ('rss/conn (server, TLS)', 'bytes', False, 'rss', 'ec', [('stock', '<', 1.0)]),
    ('rss/conn plain TCP', 'bytes', False, 'rss-plain', 'ec', []),
    ('rss/conn C no RELEASE_BUFFERS', 'bytes', False, 'rss-norelease', 'ec', []),
]


# --- the worker: runs under the flavour being measured -------------------------------------

def statm_rss():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGESIZE')


def contexts(ssl, certdir, kind):
    cert = os.path.join(certdir, kind + '.pem')
    key = os.path.join(certdir, kind + '.key')
    if PY3:
        server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        for c in (server, client):
            c.minimum_version = ssl.TLSVersion.TLSv1_3
        client.check_hostname = False
    else:
        server = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        client = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        for c in (server, client):
            c.options |= ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1 | ssl.OP_NO_TLSv1_2
    server.load_cert_chain(cert, key)
    client.verify_mode = ssl.CERT_REQUIRED
    client.load_verify_locations(cert)
    return server, client


def recv_exactly(s, n):
    got = b''
    while len(got) < n:
        chunk = s.recv(n - len(got))
        if not chunk:
            raise RuntimeError('EOF after %d of %d bytes' % (len(got), n))
        got += chunk
    return got


def nodelay(raw):
    # Both ends, every connection (bench_tls_peer.c does the same): otherwise the server's
    # session tickets and its first reply, separate small writes, can meet Nagle and the
    # peer's delayed ACK and stall 40 ms.
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return raw


def serve_one(lsock, sctx):
    raw = nodelay(lsock.accept()[0])
    s = sctx.wrap_socket(raw, server_side=True)
    recv_exactly(s, 1)
    s.sendall(b'y')
    return s, raw


def connect_one(port, cctx):
    raw = nodelay(socket.create_connection(('127.0.0.1', port)))
    s = cctx.wrap_socket(raw, server_hostname='localhost')
    s.sendall(b'x')
    recv_exactly(s, 1)
    return s, raw


def close_pair(pair):
    # Python 2's wrapped socket shares the fd with `raw`: close both so it goes now.
    for s in pair:
        s.close()


def listener():
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(('127.0.0.1', 0))
    lsock.listen(1024)
    return lsock, lsock.getsockname()[1]


def cpu_seconds():
    """This process's CPU seconds, user + system (system time counts: loopback TCP is part of
    the work, the same for every flavour)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Section(object):
    """Wall and CPU seconds of a timed section."""

    def __enter__(self):
        self.wall, self.cpu = time.time(), cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.time() - self.wall, cpu_seconds() - self.cpu
        return False


def forked(server_body, client_body):
    """Runs server_body(lsock) in a forked child and client_body(port) here. Each returns
    the Section it timed; the child's CPU seconds come back through a pipe. Returns (client
    wall seconds, client + server CPU seconds) once the child has exited cleanly."""
    lsock, port = listener()
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(rfd)
            section = server_body(lsock)
            os.write(wfd, repr(section.cpu).encode())
            code = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code)
    lsock.close()
    os.close(wfd)
    try:
        section = client_body(port)
    finally:
        _, status = os.waitpid(pid, 0)
        server_cpu = os.read(rfd, 100)
        os.close(rfd)
    if status != 0:
        raise RuntimeError('server process failed (status %d)' % status)
    return section.wall, section.cpu + float(server_cpu.decode())


def job_handshakes(ssl, certdir, kind, opts):
    """Returns handshakes per CPU second (client + server) and per wall second."""
    sctx, cctx = contexts(ssl, certdir, kind)
    count = opts.handshakes

    def server(lsock):
        close_pair(serve_one(lsock, sctx))   # the checked connection, not timed
        with Section() as section:
            for _ in range(count):
                close_pair(serve_one(lsock, sctx))
        return section

    def client(port):
        pair = connect_one(port, cctx)
        if pair[0].version() != 'TLSv1.3':
            raise RuntimeError('negotiated %s' % pair[0].version())
        close_pair(pair)
        with Section() as section:
            for _ in range(count):
                close_pair(connect_one(port, cctx))
        return section

    wall, cpu = forked(server, client)
    return count / cpu, count / wall


def job_bulk(ssl, certdir, kind, opts):
    """Returns MB per CPU second (sender + receiver) and per wall second."""
    sctx, cctx = contexts(ssl, certdir, kind)
    total = opts.bulk_mib * MiB

    def server(lsock):
        pair = serve_one(lsock, sctx)
        s = pair[0]
        buf = bytearray(CHUNK)
        got = 0
        with Section() as section:
            while got < total:
                n = s.recv_into(buf)
                if not n:
                    raise RuntimeError('EOF after %d bytes' % got)
                got += n
            s.sendall(b'k')
        close_pair(pair)
        return section

    def client(port):
        pair = connect_one(port, cctx)
        s = pair[0]
        data = b'\xa5' * CHUNK
        with Section() as section:
            for _ in range(total // CHUNK):
                s.sendall(data)
            recv_exactly(s, 1)
        close_pair(pair)
        return section

    wall, cpu = forked(server, client)
    return total / cpu / 1e6, total / wall / 1e6


def job_rss(ssl, certdir, kind, opts, plain=False):
    sctx, _ = contexts(ssl, certdir, kind)
    lsock, port = listener()
    argv = [opts.peer, 'hold-client', str(port), os.path.join(certdir, kind + '.pem'),
            str(WARMUP + opts.hold)] + (['plain'] if plain else [])
    client = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        if plain:
            accept = lambda: (nodelay(lsock.accept()[0]),)
        else:
            accept = lambda: serve_one(lsock, sctx)
        for _ in range(WARMUP):
            close_pair(accept())
        gc.collect()
        before = statm_rss()
        held = [accept() for _ in range(opts.hold)]
        gc.collect()
        after = statm_rss()
        if client.stdout.readline().strip() != b'HELD':
            raise RuntimeError('hold-client failed')
    finally:
        client.stdin.close()
        client.wait()
    for pair in held:
        close_pair(pair)
    return (after - before) / opts.hold


def worker(opts):
    import ssl
    origin = getattr(sys.modules.get('_ssl'), '__file__', 'builtin')
    name = opts.only[0]
    job, kind = [(b[3], b[4]) for b in BENCHMARKS if b[0] == name][0]
    wall = None
    if job == 'hs':
        value, wall = job_handshakes(ssl, opts.certdir, kind, opts)
    elif job == 'bulk':
        value, wall = job_bulk(ssl, opts.certdir, kind, opts)
    elif job == 'rss':
        value = job_rss(ssl, opts.certdir, kind, opts)
    elif job == 'rss-plain':
        value = job_rss(ssl, opts.certdir, kind, opts, plain=True)
    else:
        value = None
    sys.stdout.write(json.dumps({'value': value, 'wall': wall, '_origin': origin,
                                 '_python': sys.version.split()[0]}))


# --- the driver ----------------------------------------------------------------------------

def openssl(args, cwd):
    subprocess.check_call(['openssl'] + args, cwd=cwd, stdout=open(os.devnull, 'w'),
                          stderr=subprocess.STDOUT)


def make_certs(d):
    for kind, keyopts in (('rsa', ['-newkey', 'rsa:2048']),
                          ('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'])):
        openssl(['req', '-x509', '-nodes', '-days', '2', '-subj', '/CN=localhost',
                 '-addext', 'subjectAltName=DNS:localhost', '-keyout', kind + '.key',
                 '-out', kind + '.pem'] + keyopts, d)


def build_peer(d):
    exe = os.path.join(d, 'bench_tls_peer')
    subprocess.check_call(['cc', '-O2', '-o', exe, PEER_SRC, '-lssl', '-lcrypto'])
    return exe


def run_python(python, flavour, name, opts):
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    if flavour == 'ours':
        env['PYTHONPATH'] = opts.lib_dir
    argv = [python, HERE, '--worker', '--certdir', opts.certdir, '--peer', opts.peer,
            '--handshakes', str(opts.handshakes), '--bulk-mib', str(opts.bulk_mib),
            '--hold', str(opts.hold), '--only', name]
    got = json.loads(subprocess.check_output(argv, env=env).decode())
    if flavour == 'ours':
        origin = os.path.realpath(os.path.dirname(got['_origin']))
        if origin != os.path.realpath(opts.lib_dir):
            raise SystemExit('ours: _ssl came from %s, not from %s' % (got['_origin'],
                                                                       opts.lib_dir))
    return got


def run_c(job, kind, opts):
    cert = os.path.join(opts.certdir, kind + '.pem')
    key = os.path.join(opts.certdir, kind + '.key')
    if job == 'hs':
        out = subprocess.check_output([opts.peer, 'hs', cert, key, str(opts.handshakes)])
        return float(out.split()[0]), float(out.split()[1])
    if job == 'bulk':
        out = subprocess.check_output([opts.peer, 'bulk', cert, key, str(opts.bulk_mib * MiB)])
        return float(out.split()[0]), float(out.split()[1])
    if job in ('rss', 'rss-norelease'):
        argv = [opts.peer, 'hold-server', cert, key, str(opts.hold)]
        server = subprocess.Popen(argv + (['release'] if job == 'rss' else []),
                                  stdout=subprocess.PIPE)
        port = server.stdout.readline().strip().decode()
        client = subprocess.Popen([opts.peer, 'hold-client', port, cert,
                                   str(WARMUP + opts.hold)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        value = float(server.stdout.readline())
        client.stdout.readline()
        client.stdin.close()
        client.wait()
        server.wait()
        return value, None
    return None, None


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def fmt(value):
    if value is None:
        return '-'
    if abs(value) >= 100:
        return '{:,.0f}'.format(value)
    if abs(value) >= 1:
        return '%.2f' % value
    return '%.3f' % value


def check(op, got, limit):
    if got is None:
        return '-'
    ok = {'>=': got >= limit, '<=': got <= limit, '<': got < limit}[op]
    return 'yes' if ok else 'NO'


def driver(opts):
    tmp = tempfile.mkdtemp(prefix='pep466-bench-tls-')
    try:
        opts.certdir = tmp
        make_certs(tmp)
        opts.peer = build_peer(tmp)
        return count_instructions(opts) if opts.callgrind else measure(opts)
    finally:
        shutil.rmtree(tmp, True)


def measure(opts):
    chosen = [b for b in BENCHMARKS if not opts.only or b[0] in opts.only]
    pythons = {'ours': opts.python27, 'stock': opts.python27, 'py3': opts.python3}
    runs = dict(((b[0], f), []) for b in chosen for f in FLAVOURS)
    walls = dict(((b[0], f), []) for b in chosen for f in FLAVOURS)
    versions = {}
    for round_ in range(opts.rounds):
        for b in chosen:
            name, job, kind = b[0], b[3], b[4]
            for flavour in FLAVOURS:
                sys.stderr.write('round %d: %s: %s...\n' % (round_ + 1, name, flavour))
                if flavour == 'C':
                    if job != 'rss-plain':
                        value, wall = run_c(job, kind, opts)
                        runs[name, flavour].append(value)
                        walls[name, flavour].append(wall)
                elif job != 'rss-norelease':
                    got = run_python(pythons[flavour], flavour, name, opts)
                    versions[flavour] = got['_python']
                    runs[name, flavour].append(got['value'])
                    walls[name, flavour].append(got['wall'])
    results = dict((k, median(v)) for k, v in runs.items())

    print('TLS: python ours/stock %s, py3 %s; %d rounds (median), %d handshakes, %d MiB bulk, '
          '%d held connections; load average at the end %s'
          % (versions.get('ours', '?'), versions.get('py3', '?'), opts.rounds, opts.handshakes,
             opts.bulk_mib, opts.hold, ', '.join('%.2f' % x for x in os.getloadavg())))
    print()
    head = ('benchmark', 'unit', 'ours', 'stock 2.7', 'Python 3', 'OpenSSL C',
            'ours/stock', 'ours/py3', 'ours/C', 'target', 'met')
    rows = [head]
    summary = {}
    for name, unit, _, _, _, targets in chosen:
        vals = dict((f, results[name, f]) for f in FLAVOURS)
        ours = vals['ours']
        ratios = dict((f, ours / vals[f] if ours is not None and vals[f] else None)
                      for f in ('stock', 'py3', 'C'))
        met = [check(op, ratios[ref], limit) for ref, op, limit in targets]
        target_txt = ', '.join('vs %s %s %s' % t for t in targets)
        rows.append((name, unit, fmt(ours), fmt(vals['stock']), fmt(vals['py3']),
                     fmt(vals['C']), fmt(ratios['stock']), fmt(ratios['py3']),
                     fmt(ratios['C']), target_txt, ', '.join(met)))
        summary[name] = {'unit': unit, 'values': vals, 'ratios': ratios, 'met': met,
                         'runs': dict((f, runs[name, f]) for f in FLAVOURS),
                         'wall_runs': dict((f, walls[name, f]) for f in FLAVOURS)}
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for i, r in enumerate(rows):
        print(' | '.join(c.ljust(w) if j < 2 else c.rjust(w)
                         for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0:
            print('-+-'.join('-' * w for w in widths))
    print()
    print('Ratios are ours / reference: above 1 is better for rates, below 1 for bytes.')
    if opts.json:
        with open(opts.json, 'w') as f:
            json.dump(summary, f, indent=2, sort_keys=True)
    return summary

# --- --callgrind: instructions per operation, which noise does not move ------------------------

# name, job, certificate, small and large size (handshakes, or MiB), unit
COUNTED = [
    ('TLS 1.3 handshake RSA-2048', 'hs', 'rsa', 20, 60, 'handshake'),
    ('TLS 1.3 handshake ECDSA P-256', 'hs', 'ec', 20, 60, 'handshake'),
    ('bulk 64 KiB sendall/recv_into', 'bulk', 'ec', 16, 48, 'MiB'),
]


def real_executable(python):
    # valgrind must run the interpreter itself, not a launcher script (pyenv shims).
    return subprocess.check_output([python, '-c', 'import sys; print(sys.executable)'],
                                   env=dict(os.environ, PYTHONPATH='')).decode().strip()


def callgrind_total(argv, env, outdir):
    """Runs argv under callgrind (children traced through fork); returns the instructions of
    the process itself and of its forked server child."""
    for name in os.listdir(outdir):
        os.unlink(os.path.join(outdir, name))
    proc = subprocess.Popen(['valgrind', '--tool=callgrind', '--callgrind-out-file=' +
                             os.path.join(outdir, 'cg.%p')] + argv, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError('callgrind run failed: %s' % err.decode()[-2000:])
    own = child = 0
    for name in os.listdir(outdir):
        with open(os.path.join(outdir, name)) as f:
            total = [int(line.split()[1]) for line in f
                     if line.startswith(('summary:', 'totals:'))][0]
        if name == 'cg.%d' % proc.pid:
            own = total
        else:
            child += total
    return own + child


def count_instructions(opts):
    """Instructions per handshake / per MiB (client + server) for each flavour: the difference
    between a small and a large run, so start-up, imports and context set-up cancel out."""
    pythons = dict((f, real_executable(p)) for f, p in
                   (('ours', opts.python27), ('stock', opts.python27), ('py3', opts.python3)))
    outdir = os.path.join(opts.certdir, 'callgrind')
    os.mkdir(outdir)
    rows = [('operation', 'unit', 'ours', 'stock 2.7', 'Python 3', 'OpenSSL C',
             'ours/stock', 'ours/py3', 'ours/C')]
    summary = {}
    for name, job, kind, small, large, unit in COUNTED:
        per = {}
        for flavour in FLAVOURS:
            sys.stderr.write('callgrind: %s: %s...\n' % (name, flavour))
            totals = []
            for size in (small, large):
                env = dict(os.environ)
                env.pop('PYTHONPATH', None)
                cert = os.path.join(opts.certdir, kind + '.pem')
                key = os.path.join(opts.certdir, kind + '.key')
                if flavour == 'C':
                    amount = size if job == 'hs' else size * MiB
                    argv = [opts.peer, job, cert, key, str(amount)]
                else:
                    if flavour == 'ours':
                        env['PYTHONPATH'] = opts.lib_dir
                    bench = [b[0] for b in BENCHMARKS if b[3] == job and b[4] == kind][0]
                    argv = [pythons[flavour], HERE, '--worker', '--certdir', opts.certdir,
                            '--peer', opts.peer, '--handshakes', str(size),
                            '--bulk-mib', str(size), '--hold', '1', '--only', bench]
                totals.append(callgrind_total(argv, env, outdir))
            per[flavour] = (totals[1] - totals[0]) / (large - small)
        ours = per['ours']
        rows.append((name, 'instr/' + unit) + tuple('{:,.0f}'.format(per[f]) for f in FLAVOURS)
                    + tuple('%.3f' % (per[f] / ours) for f in ('stock', 'py3', 'C')))
        summary[name] = per
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print(' | '.join(c.ljust(w) if j < 2 else c.rjust(w)
                         for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0:
            print('-+-'.join('-' * w for w in widths))
    print()
    print('Instructions executed by client + server (callgrind), per operation: the difference '
          'between runs of %s. Ratios are speeds: reference instructions / ours (above 1: '
          'ours does less work).' % ', '.join('%d and %d' % (c[3], c[4]) for c in COUNTED))
    if opts.json:
        with open(opts.json, 'w') as f:
            json.dump(summary, f, indent=2, sort_keys=True)
    return summary


def add_arguments(p):
    """The TLS options (bench.py adds them to its own parser)."""
    p.add_argument('--handshakes', type=int, default=300,
                   help='handshakes per timed run (default 300)')
    p.add_argument('--bulk-mib', type=int, default=256, help='MiB per bulk run (default 256)')
    p.add_argument('--hold', type=int, default=1000,
                   help='connections held open for the RSS figure (default 1000)')


def run_from_bench(bench_opts):
    """`scripts/bench.py --tls`: the TLS table after the hashlib one, with bench.py's
    interpreters, --lib-dir and --rounds, and this file's defaults for the rest."""
    p = argparse.ArgumentParser()
    add_arguments(p)
    opts = p.parse_args([])
    opts.lib_dir, opts.rounds = bench_opts.lib_dir, bench_opts.rounds
    opts.python27, opts.python3 = bench_opts.python27, bench_opts.python3
    opts.only, opts.json, opts.callgrind = [], None, False
    print()
    return driver(opts)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--lib-dir', help='directory holding our _ssl.so')
    p.add_argument('--python27', default=os.environ.get(
        'PEP466_PYTHON27', '/root/.pyenv/versions/2.7.18/bin/python2.7'))
    p.add_argument('--python3', default=os.environ.get('PEP466_PYTHON3', 'python3'))
    p.add_argument('--rounds', type=int, default=5,
                   help='run every flavour this many times, interleaved; report the median')
    p.add_argument('--only', nargs='*', default=[], help='benchmark names to run')
    p.add_argument('--json', help='also write all figures (every run) to this file')
    p.add_argument('--callgrind', action='store_true',
                   help='instead: count instructions per handshake and per MiB under '
                        'valgrind --tool=callgrind (deterministic; takes a few minutes)')
    add_arguments(p)
    p.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    p.add_argument('--certdir', help=argparse.SUPPRESS)
    p.add_argument('--peer', help=argparse.SUPPRESS)
    opts = p.parse_args()
    if opts.worker:
        worker(opts)
        return
    if not opts.lib_dir:
        p.error('--lib-dir is required')
    opts.lib_dir = os.path.abspath(opts.lib_dir)
    driver(opts)


if __name__ == '__main__':
    main()
