#!/usr/bin/env python
"""pep466 TLS benchmark: our _ssl against stock 2.7, Python 3 and raw OpenSSL (C), in one run.

    python3 scripts/bench_tls.py --lib-dir DIR [--python27 PATH] [--python3 PATH]
                                 [--rounds N] [--handshakes N] [--bulk-mib N] [--hold N]
                                 [--membio-mib N] [--baseline-lib-dir DIR]
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
    base     only with --baseline-lib-dir DIR: 2.7.18 with that other build of ours first on
             PYTHONPATH (checked), for before/after figures of a change

Every Python flavour runs the same code (the worker part of this file):

  handshakes   the worker forks; the child serves, the parent connects COUNT times in a row
               (after one untimed connection that checks the version): TCP connect (TCP_NODELAY
               on both ends), TLS 1.3 handshake (the client verifies the certificate, SNI
               "localhost"), one byte each way (so the client has read the session tickets and
               nobody ever reads an EOF), close. Both ends are the flavour under test.
  bulk         one connection over loopback, the client sendall()s --bulk-mib MiB in 64 KiB
               writes, the forked server reads them with recv_into() on a preallocated 64 KiB
               bytearray and answers one byte.

  membio-handshake
               no sockets, one process (Python 3's SSLObject machinery): COUNT TLS 1.3
               handshakes, after one untimed checked one, between a client and a server made by
               `ctx._wrap_bio(incoming, outgoing, server_side, server_hostname)` on four
               `_ssl.MemoryBIO`s; the worker calls do_handshake() on each side in turn, catching
               `_ssl.SSLWantReadError`, and moves the bytes (`si.write(co.read())`) between
               calls; then one byte each way (`write`, move, `read`) and both objects are
               dropped. The client verifies the certificate and sends SNI "localhost".
               The `_ssl` level is called directly, under 2.7 and 3 alike: 2.7's ssl.py has no
               SSLObject, and Python 3's `ssl.SSLObject` wrapper would add its Python layer to
               one side only. Stock 2.7 has no memory BIOs (no figure).
  membio-bulk  one such connection; --membio-mib MiB in 16 KiB steps: client `write(data)`,
               `si.write(co.read())`, server `read(16384)` (again while short).

  rss/conn     the worker is a server; a C client process (bench_tls_peer hold-client, so the
               client side is not counted) opens 10 + --hold connections; the server accepts,
               handshakes, exchanges one byte and closes the first 10 (warm-up), then reads
               its RSS (/proc/self/statm), accepts and keeps --hold connections, and reads its
               RSS again: (after - before) / --hold. `rss/conn plain TCP` is the same with no
               TLS at all (the cost of Python's own socket objects); the C rows hold SSL
               objects only, with and without SSL_MODE_RELEASE_BUFFERS.

  All rates are reported per CPU second: the CPU time (user + system, so loopback TCP counts) of
  client and server over the timed part, summed; the machines this runs on are shared and
  small, and wall time there measures the neighbours. Wall-clock rates are kept in --json.

--callgrind counts instructions instead (valgrind --tool=callgrind, client + server, a forked
server followed): every operation runs twice per flavour, in separate processes that differ only
in the count (20 and 60 socket handshakes, 16 and 48 MiB socket bulk, 5 and 25 membio
handshakes, 0 and 64 MiB membio bulk), and the difference is divided by the difference in count,
so start-up, imports, certificates, contexts and the checked first connection cancel out.
Workers run with PYTHONHASHSEED=0. Socket handshakes also get a "(client)" row (the connecting
process alone). --callgrind-keep DIR keeps the callgrind files for callgrind_annotate.

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
FLAVOURS = ('ours', 'base', 'stock', 'py3', 'C')
MEMBIO_CHUNK = 16 * KiB
PY3 = sys.version_info[0] >= 3

# name, unit, higher_is_better, job, certificate, targets: (reference flavour, op, limit)
BENCHMARKS = [
    ('TLS 1.3 handshakes RSA-2048', 'hs/cpu-s', True, 'hs', 'rsa',
     [('stock', '>=', 1.0), ('py3', '>=', 1.0)]),
    ('TLS 1.3 handshakes ECDSA P-256', 'hs/cpu-s', True, 'hs', 'ec',
     [('stock', '>=', 1.0), ('py3', '>=', 1.0)]),
    ('bulk 64 KiB sendall/recv_into', 'MB/cpu-s', True, 'bulk', 'ec',
     [('stock', '>=', 1.0), ('C', '>=', 0.95)]),
    ('membio-handshake', 'hs/cpu-s', True, 'membio-hs', 'ec', [('py3', '>=', 1.0)]),
    ('membio-bulk', 'MB/cpu-s', True, 'membio-bulk', 'ec', [('C', '>=', 0.95)]),
    ('rss/conn (server, TLS)', 'bytes', False, 'rss', 'ec',
     [('stock', '<', 1.0), ('py3', '<=', 1.0)]),
    ('rss/conn plain TCP', 'bytes', False, 'rss-plain', 'ec', []),
    ('rss/conn C no RELEASE_BUFFERS', 'bytes', False, 'rss-norelease', 'ec', []),
]


# --- the worker: runs under the flavour being measured -------------------------------------

def statm_rss():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGESIZE')


# --check-hostname: the client also checks the server's name ('localhost'). Python 3 and
# pep466's Lib layer (PROTOCOL_TLS_CLIENT) have OpenSSL check it during the handshake; stock
# 2.7's ssl.py checks it after the handshake (match_hostname over getpeercert()'s dict).
CHECK_HOSTNAME = False


def contexts(ssl, certdir, kind):
    cert = os.path.join(certdir, kind + '.pem')
    key = os.path.join(certdir, kind + '.key')
    if PY3 or (CHECK_HOSTNAME and hasattr(ssl, 'PROTOCOL_TLS_CLIENT')):
        server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        for c in (server, client):
            c.minimum_version = ssl.TLSVersion.TLSv1_3
        client.check_hostname = CHECK_HOSTNAME
    elif CHECK_HOSTNAME:
        server = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        client = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        for c in (server, client):
            c.options |= ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1 | ssl.OP_NO_TLSv1_2
        client.verify_mode = ssl.CERT_REQUIRED
        client.check_hostname = True
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


def membio_connect(ssl, sctx, cctx):
    """A client and a server over memory BIOs, handshaken, one byte each way (the client has
    then read the session tickets). Returns (client, server, client_in, client_out, server_in,
    server_out)."""
    import _ssl
    want_read = _ssl.SSLWantReadError
    ci, co, si, so = _ssl.MemoryBIO(), _ssl.MemoryBIO(), _ssl.MemoryBIO(), _ssl.MemoryBIO()
    client = cctx._wrap_bio(ci, co, False, 'localhost')
    server = sctx._wrap_bio(si, so, True, None)
    def step(obj):  # True once obj's handshake is done
        try:
            obj.do_handshake()
            return True
        except want_read:
            return False
    cdone = sdone = False
    while not (cdone and sdone):
        cdone = cdone or step(client)
        si.write(co.read())
        sdone = sdone or step(server)
        ci.write(so.read())
    client.write(b'x')
    si.write(co.read())
    server.read(1)
    server.write(b'y')
    ci.write(so.read())
    client.read(1)
    return client, server, ci, co, si, so


def job_membio_handshakes(ssl, certdir, kind, opts):
    """Returns handshakes per CPU second and per wall second (one process: both ends)."""
    sctx, cctx = contexts(ssl, certdir, kind)
    conn = membio_connect(ssl, sctx, cctx)     # the checked one, not timed
    if conn[0].version() != 'TLSv1.3' or not conn[0].getpeercert():
        raise RuntimeError('negotiated %s' % conn[0].version())
    del conn
    count = opts.handshakes
    with Section() as section:
        for _ in range(count):
            membio_connect(ssl, sctx, cctx)
    return count / section.cpu if count else 0.0, count / section.wall if count else 0.0


def job_membio_bulk(ssl, certdir, kind, opts):
    """Returns MB per CPU second and per wall second (one process: both ends)."""
    sctx, cctx = contexts(ssl, certdir, kind)
    client, server, ci, co, si, so = membio_connect(ssl, sctx, cctx)
    total = opts.membio_mib * MiB
    data = b'\xa5' * MEMBIO_CHUNK
    with Section() as section:
        for _ in range(total // MEMBIO_CHUNK):
            client.write(data)
            si.write(co.read())
            got = len(server.read(MEMBIO_CHUNK))
            while got < MEMBIO_CHUNK:
                got += len(server.read(MEMBIO_CHUNK - got))
    if not total:
        return 0.0, 0.0
    return total / section.cpu / 1e6, total / section.wall / 1e6


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
    global CHECK_HOSTNAME
    CHECK_HOSTNAME = opts.check_hostname
    import ssl
    origin = getattr(sys.modules.get('_ssl'), '__file__', 'builtin')
    name = opts.only[0]
    job, kind = [(b[3], b[4]) for b in BENCHMARKS if b[0] == name][0]
    wall = None
    if job.startswith('membio') and not hasattr(sys.modules['_ssl'], 'MemoryBIO'):
        value = None       # a build without memory BIOs (a --baseline-lib-dir from before)
    elif job == 'hs':
        value, wall = job_handshakes(ssl, opts.certdir, kind, opts)
    elif job == 'bulk':
        value, wall = job_bulk(ssl, opts.certdir, kind, opts)
    elif job == 'membio-hs':
        value, wall = job_membio_handshakes(ssl, opts.certdir, kind, opts)
    elif job == 'membio-bulk':
        value, wall = job_membio_bulk(ssl, opts.certdir, kind, opts)
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


def flavour_lib_dir(flavour, opts):
    return {'ours': opts.lib_dir, 'base': opts.baseline_lib_dir}.get(flavour)


def flavours(opts):
    return [f for f in FLAVOURS if f != 'base' or opts.baseline_lib_dir]


def runs_for(flavour, job, opts):
    """Whether `flavour` has a figure for `job` at all."""
    if flavour == 'C':
        return job != 'rss-plain'
    if job == 'rss-norelease':
        return False
    if job.startswith('membio') and flavour in ('stock', 'base'):
        # Stock 2.7 has no MemoryBIO; an older build of ours (base) may have none either.
        return flavour == 'base' and has_membio(opts)
    return True


def has_membio(opts):
    if getattr(opts, '_base_membio', None) is None:
        probe = [opts.python27, '-c', 'import _ssl, sys; sys.exit(not hasattr(_ssl, "MemoryBIO"))']
        opts._base_membio = subprocess.call(probe, env=worker_env('base', opts)) == 0
    return opts._base_membio


def worker_env(flavour, opts):
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    lib_dir = flavour_lib_dir(flavour, opts)
    if lib_dir:
        env['PYTHONPATH'] = lib_dir
    return env


def check_origin(flavour, got, opts):
    lib_dir = flavour_lib_dir(flavour, opts)
    if lib_dir:
        origin = os.path.realpath(os.path.dirname(got['_origin']))
        if origin != os.path.realpath(lib_dir):
            raise SystemExit('%s: _ssl came from %s, not from %s' % (flavour, got['_origin'],
                                                                     lib_dir))


def worker_argv(python, name, opts, handshakes, bulk_mib, hold, membio_mib):
    return [python, HERE, '--worker', '--certdir', opts.certdir, '--peer', opts.peer,
            '--handshakes', str(handshakes), '--bulk-mib', str(bulk_mib), '--hold', str(hold),
            '--membio-mib', str(membio_mib), '--only', name] + (
                ['--check-hostname'] if getattr(opts, 'check_hostname', False) else [])


def run_python(python, flavour, name, opts):
    argv = worker_argv(python, name, opts, opts.handshakes, opts.bulk_mib, opts.hold,
                       opts.membio_mib)
    got = json.loads(subprocess.check_output(argv, env=worker_env(flavour, opts)).decode())
    check_origin(flavour, got, opts)
    return got


def run_c(job, kind, opts):
    cert = os.path.join(opts.certdir, kind + '.pem')
    key = os.path.join(opts.certdir, kind + '.key')
    if job == 'hs':
        out = subprocess.check_output([opts.peer, 'hs', cert, key, str(opts.handshakes)])
        return float(out.split()[0]), float(out.split()[1])
    if job in ('bulk', 'membio-hs', 'membio-bulk'):
        amount = {'bulk': opts.bulk_mib * MiB, 'membio-hs': opts.handshakes,
                  'membio-bulk': opts.membio_mib * MiB}[job]
        out = subprocess.check_output([opts.peer, job, cert, key, str(amount)])
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


def pythons(opts):
    return {'ours': opts.python27, 'base': opts.python27, 'stock': opts.python27,
            'py3': opts.python3}


def measure(opts):
    chosen = [b for b in BENCHMARKS if not opts.only or b[0] in opts.only]
    flavs = flavours(opts)
    runs = dict(((b[0], f), []) for b in chosen for f in flavs)
    walls = dict(((b[0], f), []) for b in chosen for f in flavs)
    versions = {}
    for round_ in range(opts.rounds):
        for b in chosen:
            name, job, kind = b[0], b[3], b[4]
            for flavour in flavs:
                if not runs_for(flavour, job, opts):
                    continue
                sys.stderr.write('round %d: %s: %s...\n' % (round_ + 1, name, flavour))
                if flavour == 'C':
                    value, wall = run_c(job, kind, opts)
                else:
                    got = run_python(pythons(opts)[flavour], flavour, name, opts)
                    versions[flavour] = got['_python']
                    value, wall = got['value'], got['wall']
                runs[name, flavour].append(value)
                walls[name, flavour].append(wall)
    results = dict((k, median(v)) for k, v in runs.items())

    print('TLS: python ours/stock %s, py3 %s; %d rounds (median), %d handshakes, %d MiB bulk, '
          '%d MiB membio-bulk, %d held connections; load average at the end %s'
          % (versions.get('ours', '?'), versions.get('py3', '?'), opts.rounds, opts.handshakes,
             opts.bulk_mib, opts.membio_mib, opts.hold,
             ', '.join('%.2f' % x for x in os.getloadavg())))
    print()
    refs = [f for f in flavs if f != 'ours']
    head = (('benchmark', 'unit') + tuple(COLUMN[f] for f in flavs)
            + tuple('ours/' + f for f in refs) + ('target', 'met'))
    rows = [head]
    summary = {}
    for name, unit, _, _, _, targets in chosen:
        vals = dict((f, results[name, f]) for f in flavs)
        ours = vals['ours']
        ratios = dict((f, ours / vals[f] if ours is not None and vals[f] else None)
                      for f in refs)
        met = [check(op, ratios.get(ref), limit) for ref, op, limit in targets]
        target_txt = ', '.join('vs %s %s %s' % t for t in targets)
        rows.append((name, unit) + tuple(fmt(vals[f]) for f in flavs)
                    + tuple(fmt(ratios[f]) for f in refs) + (target_txt, ', '.join(met)))
        summary[name] = {'unit': unit, 'values': vals, 'ratios': ratios, 'met': met,
                         'runs': dict((f, runs[name, f]) for f in flavs),
                         'wall_runs': dict((f, walls[name, f]) for f in flavs)}
    print_table(rows)
    print('Ratios are ours / reference: above 1 is better for rates, below 1 for bytes.')
    if opts.json:
        with open(opts.json, 'w') as f:
            json.dump(summary, f, indent=2, sort_keys=True)
    return summary

COLUMN = {'ours': 'ours', 'base': 'baseline', 'stock': 'stock 2.7', 'py3': 'Python 3',
          'C': 'OpenSSL C'}


def print_table(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print(' | '.join(c.ljust(w) if j < 2 else c.rjust(w)
                         for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0:
            print('-+-'.join('-' * w for w in widths))
    print()

# --- --callgrind: instructions per operation, which noise does not move ------------------------

# name, job, certificate, small and large size (handshakes, or MiB), unit, targets on the speed
# ratio reference / ours (the base targets apply only with --baseline-lib-dir). The socket
# handshake rows also get a "(client)" row: the connecting process alone.
SAME_AS_BASE = ('base', '>=', 0.995)
COUNTED = [
    ('TLS 1.3 handshake RSA-2048', 'hs', 'rsa', 20, 60, 'handshake',
     [('stock', '>=', 1.0), ('py3', '>=', 1.0), SAME_AS_BASE]),
    ('TLS 1.3 handshake ECDSA P-256', 'hs', 'ec', 20, 60, 'handshake',
     [('stock', '>=', 1.0), ('py3', '>=', 1.0), SAME_AS_BASE]),
    ('bulk 64 KiB sendall/recv_into', 'bulk', 'ec', 16, 48, 'MiB',
     [('stock', '>=', 1.0), ('C', '>=', 0.95), SAME_AS_BASE]),
    ('membio-handshake', 'membio-hs', 'ec', 5, 25, 'handshake', [('py3', '>=', 1.0)]),
    ('membio-bulk', 'membio-bulk', 'ec', 0, 64, 'MiB', [('C', '>=', 0.95)]),
]


def real_executable(python):
    # valgrind must run the interpreter itself, not a launcher script (pyenv shims).
    return subprocess.check_output([python, '-c', 'import sys; print(sys.executable)'],
                                   env=dict(os.environ, PYTHONPATH='')).decode().strip()


def callgrind_total(argv, env, outdir, keep=None):
    """Runs argv under callgrind (children traced through fork); returns the instructions of
    the process itself and of its forked server child (0 when there is none). With keep (a
    path prefix), the callgrind files are also copied there, for callgrind_annotate."""
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
            role = 'own'
        else:
            child += total
            role = 'child'
        if keep:
            shutil.copy(os.path.join(outdir, name), '%s.%s.%s' % (keep, role, name[3:]))
    return own, child


def slug(text):
    return ''.join(c if c.isalnum() else '-' for c in text)


def count_instructions(opts):
    """Instructions per operation (client + server) for each flavour: the difference between a
    small and a large run, each a separate process under callgrind, so start-up, imports,
    context set-up and the untimed first connection cancel out. Every worker runs with
    PYTHONHASHSEED=0 so that both runs of a flavour take the same dict paths."""
    flavs = flavours(opts)
    exes = dict((f, real_executable(p)) for f, p in pythons(opts).items()
                if f in flavs)
    outdir = os.path.join(opts.certdir, 'callgrind')
    os.mkdir(outdir)
    if opts.callgrind_keep and not os.path.isdir(opts.callgrind_keep):
        os.makedirs(opts.callgrind_keep)
    refs = [f for f in flavs if f != 'ours']
    rows = [('operation', 'unit') + tuple(COLUMN[f] for f in flavs)
            + tuple('ours/' + f for f in refs) + ('target', 'met')]
    summary = {}
    bench_names = dict((c[0], [b[0] for b in BENCHMARKS if b[3] == c[1] and b[4] == c[2]][0])
                       for c in COUNTED)
    chosen = [c for c in COUNTED
              if not opts.only or c[0] in opts.only or bench_names[c[0]] in opts.only]
    for name, job, kind, small, large, unit, targets in chosen:
        per, per_client = {}, {}
        for flavour in flavs:
            if not runs_for(flavour, job, opts):
                per[flavour] = per_client[flavour] = None
                continue
            sys.stderr.write('callgrind: %s: %s...\n' % (name, flavour))
            totals = []
            for size in (small, large):
                cert = os.path.join(opts.certdir, kind + '.pem')
                key = os.path.join(opts.certdir, kind + '.key')
                if flavour == 'C':
                    env = dict(os.environ)
                    amount = size if job in ('hs', 'membio-hs') else size * MiB
                    argv = [opts.peer, job, cert, key, str(amount)]
                else:
                    env = worker_env(flavour, opts)
                    env['PYTHONHASHSEED'] = '0'
                    argv = worker_argv(exes[flavour], bench_names[name], opts, size, size, 1,
                                       size)
                keep = opts.callgrind_keep and os.path.join(
                    opts.callgrind_keep, '%s.%s.%d' % (slug(name), flavour, size))
                totals.append(callgrind_total(argv, env, outdir, keep))
            per[flavour] = (sum(totals[1]) - sum(totals[0])) / (large - small)
            per_client[flavour] = (totals[1][0] - totals[0][0]) / (large - small)
        lines = [(name, per, targets)]
        if job == 'hs':
            lines.append((name + ' (client)', per_client, [SAME_AS_BASE]))
        for label, figures, row_targets in lines:
            ours = figures['ours']
            ratios = dict((f, figures[f] / ours if figures[f] else None) for f in refs)
            row_targets = [t for t in row_targets if t[0] in flavs]
            met = [check(op, ratios.get(ref), limit) for ref, op, limit in row_targets]
            rows.append((label, 'instr/' + unit)
                        + tuple('-' if figures[f] is None else '{:,.0f}'.format(figures[f])
                                for f in flavs)
                        + tuple('-' if ratios[f] is None else '%.4f' % ratios[f] for f in refs)
                        + (', '.join('%s/ours %s %s' % t for t in row_targets), ', '.join(met)))
            summary[label] = {'per_op': figures, 'speed_ratios': ratios, 'met': met}
    print_table(rows)
    print('Instructions executed by client + server (callgrind), per operation: the difference '
          'between runs of %s. Ratios are speeds: reference instructions / ours (above 1: '
          'ours does less work); "(client)" rows count the connecting process only.'
          % ', '.join('%d and %d' % (c[3], c[4]) for c in chosen))
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
    p.add_argument('--membio-mib', type=int, default=64,
                   help='MiB per membio-bulk run (default 64)')


def run_from_bench(bench_opts):
    """`scripts/bench.py --tls`: the TLS table after the hashlib one, with bench.py's
    interpreters, --lib-dir and --rounds, and this file's defaults for the rest."""
    p = argparse.ArgumentParser()
    add_arguments(p)
    opts = p.parse_args([])
    opts.lib_dir, opts.rounds = bench_opts.lib_dir, bench_opts.rounds
    opts.python27, opts.python3 = bench_opts.python27, bench_opts.python3
    opts.only, opts.json, opts.callgrind = [], None, False
    opts.baseline_lib_dir = opts.callgrind_keep = None
    print()
    return driver(opts)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--lib-dir', help='directory holding our _ssl.so')
    p.add_argument('--baseline-lib-dir',
                   help='another build of ours (its _ssl.so) for a "baseline" column: '
                        'before/after figures of a change')
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
    p.add_argument('--callgrind-keep', metavar='DIR',
                   help='with --callgrind: keep every callgrind output file in DIR, named '
                        'OPERATION.FLAVOUR.SIZE.{own,child}.PID (for callgrind_annotate)')
    add_arguments(p)
    p.add_argument('--check-hostname', action='store_true',
                   help='the Python clients also check the server name (check_hostname=True; '
                        'PROTOCOL_TLS_CLIENT where ssl.py has it); the C peer is unchanged')
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
    if opts.baseline_lib_dir:
        opts.baseline_lib_dir = os.path.abspath(opts.baseline_lib_dir)
    driver(opts)


if __name__ == '__main__':
    main()
