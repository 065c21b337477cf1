/* bench_tls_peer.c: the raw-OpenSSL side of scripts/bench_tls.py (compiled there at bench time
 * with `cc -O2 ... -lssl -lcrypto` against the system libssl).
 *
 * It does, in C, exactly what the Python workers of bench_tls.py do, so the figures compare the
 * cost of the same protocol with and without an interpreter on top:
 *
 *   bench_tls_peer hs   CERT KEY COUNT       fork a server; COUNT sequential TLS 1.3 handshakes
 *                                            (connect, handshake, 1 byte each way, close);
 *                                            prints handshakes per CPU second
 *                                            (client + server) and per wall second
 *   bench_tls_peer bulk CERT KEY BYTES       fork a server; send BYTES in 64 KiB SSL_write calls,
 *                                            the server reads them with 64 KiB SSL_read calls
 *                                            and answers one byte; prints MB per
 *                                            CPU second (both ends) and per wall second
 *   bench_tls_peer membio-hs CERT KEY COUNT  no sockets, one process: COUNT TLS 1.3 handshakes
 *                                            between a client and a server SSL, each on two
 *                                            BIO_s_mem (incoming, outgoing), the bytes copied
 *                                            between them as the Python workers do (then 1 byte
 *                                            each way, free), after one untimed checked one;
 *                                            prints handshakes per CPU second and per wall second
 *   bench_tls_peer membio-bulk CERT KEY BYTES
 *                                            one such connection; BYTES in 16 KiB SSL_write calls,
 *                                            each followed by the copy to the server's incoming
 *                                            BIO and SSL_read of the 16 KiB; prints MB per CPU
 *                                            second and per wall second
 *   bench_tls_peer hold-client PORT CA COUNT [plain]
 *                                            open COUNT connections to PORT (handshake, 1 byte
 *                                            each way; with "plain" TCP connect only), print
 *                                            "HELD", keep them until stdin closes (the client
 *                                            side of the RSS benchmark)
 *   bench_tls_peer hold-server CERT KEY COUNT [release]
 *                                            listen, print the port, accept COUNT connections
 *                                            from hold-client and keep them; prints the RSS
 *                                            growth per connection in bytes (with "release":
 *                                            SSL_MODE_RELEASE_BUFFERS on the context)
 *
 * The client verifies the server's (self-signed) certificate against CERT, as the Python client
 * does. Every connection ends cleanly: the client reads the server's byte before closing, so no
 * side ever reads an EOF. Not part of any test; benchmark only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536

static void die(const char *what)
{
    fprintf(stderr, "bench_tls_peer: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static long rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL || fscanf(f, "%ld %ld", &pages, &resident) != 2)
        die("cannot read /proc/self/statm");
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

static SSL_CTX *server_ctx(const char *cert, const char *key, int release)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
        SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        die("server context");
    if (release)
        SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    return ctx;
}

static SSL_CTX *client_ctx(const char *ca)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
        SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
        die("client context");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

static int listener(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 1024) ||
        getsockname(fd, (struct sockaddr *)&a, &len))
        die("listen");
    *port = ntohs(a.sin_port);
    return fd;
}

/* TCP_NODELAY on every connection, both ends (the Python workers do the same): otherwise the
 * server's session tickets and its first reply, separate small writes, can meet Nagle and the
 * peer's delayed ACK and stall 40 ms. */
static void set_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int dial(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    set_nodelay(fd);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a))
        die("connect");
    return fd;
}

/* Server side of one connection: handshake, read the client's byte, answer one. */
static SSL *serve_one(SSL_CTX *ctx, int lfd)
{
    char b;
    int fd = accept(lfd, NULL, NULL);
    SSL *ssl = SSL_new(ctx);
    if (fd < 0 || ssl == NULL)
        die("accept");
    set_nodelay(fd);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1 || SSL_read(ssl, &b, 1) != 1 || SSL_write(ssl, "y", 1) != 1)
        die("server handshake");
    return ssl;
}

static SSL *connect_one(SSL_CTX *ctx, int port)
{
    char b;
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, dial(port));
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) != 1 || SSL_write(ssl, "x", 1) != 1 || SSL_read(ssl, &b, 1) != 1)
        die("client handshake");
    if (SSL_version(ssl) != TLS1_3_VERSION)
        die("not TLS 1.3");
    return ssl;
}

static void drop(SSL *ssl)
{
    int fd = SSL_get_fd(ssl);
    SSL_free(ssl);
    close(fd);
}

/* The server runs in a forked child; `body` returns the CPU seconds of its timed part, which
 * come back through a pipe (read by wait_child). */
static int cpu_pipe[2];

static pid_t fork_server(SSL_CTX *ctx, int lfd, double (*body)(SSL_CTX *, int, long), long n)
{
    pid_t pid;
    if (pipe(cpu_pipe))
        die("pipe");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        double spent = body(ctx, lfd, n);
        if (write(cpu_pipe[1], &spent, sizeof spent) != sizeof spent)
            _exit(1);
        _exit(0);
    }
    close(lfd);
    close(cpu_pipe[1]);
    return pid;
}

static double hs_server(SSL_CTX *ctx, int lfd, long count)
{
    drop(serve_one(ctx, lfd)); /* the checked connection, not timed */
    double t0 = cpu();
    for (long i = 0; i < count; i++)
        drop(serve_one(ctx, lfd));
    return cpu() - t0;
}

static double bulk_server(SSL_CTX *ctx, int lfd, long total)
{
    static char buf[CHUNK];
    SSL *ssl = serve_one(ctx, lfd);
    long got = 0;
    double t0 = cpu();
    while (got < total) {
        int n = SSL_read(ssl, buf, CHUNK);
        if (n <= 0)
            die("bulk read");
        got += n;
    }
    if (SSL_write(ssl, "k", 1) != 1)
        die("bulk ack");
    t0 = cpu() - t0;
    drop(ssl);
    return t0;
}

/* --- memory BIOs (Python 3's SSLObject, pep466's _wrap_bio) ------------------------------
 * Both contexts get SSL_MODE_RELEASE_BUFFERS here, as Python 3 and pep466 set it on every
 * context (the socket modes above set it on the server only). */

#define MEMBIO_CHUNK 16384

struct membio_pair {
    SSL *client, *server;
    BIO *ci, *co, *si, *so; /* client/server incoming/outgoing */
};

/* Moves everything queued in `from` to `to`, as `to.write(from.read())` does in Python. */
static void pump(BIO *from, BIO *to)
{
    static char buf[4 * MEMBIO_CHUNK];
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0)
        if (BIO_write(to, buf, n) != n)
            die("BIO_write");
}

static SSL *membio_ssl(SSL_CTX *ctx, BIO **in, BIO **out)
{
    SSL *ssl = SSL_new(ctx);
    *in = BIO_new(BIO_s_mem());
    *out = BIO_new(BIO_s_mem());
    if (ssl == NULL || *in == NULL || *out == NULL)
        die("membio SSL_new");
    /* An empty memory BIO means "retry later", not EOF (MemoryBIO does the same). */
    BIO_set_mem_eof_return(*in, -1);
    BIO_set_mem_eof_return(*out, -1);
    BIO_up_ref(*in);
    BIO_up_ref(*out);
    SSL_set_bio(ssl, *in, *out);
    return ssl;
}

/* 1 when done, 0 when it wants the peer's bytes. */
static int membio_step(SSL *ssl)
{
    int r = SSL_do_handshake(ssl);
    if (r == 1)
        return 1;
    if (SSL_get_error(ssl, r) != SSL_ERROR_WANT_READ)
        die("membio handshake");
    return 0;
}

/* Handshake, one byte each way (the client has then read the session tickets). */
static void membio_connect(SSL_CTX *sctx, SSL_CTX *cctx, struct membio_pair *p)
{
    char b;
    int cdone = 0, sdone = 0;
    p->client = membio_ssl(cctx, &p->ci, &p->co);
    p->server = membio_ssl(sctx, &p->si, &p->so);
    SSL_set_connect_state(p->client);
    SSL_set_accept_state(p->server);
    SSL_set_tlsext_host_name(p->client, "localhost");
    while (!(cdone && sdone)) {
        if (!cdone)
            cdone = membio_step(p->client);
        pump(p->co, p->si);
        if (!sdone)
            sdone = membio_step(p->server);
        pump(p->so, p->ci);
    }
    if (SSL_write(p->client, "x", 1) != 1)
        die("membio client write");
    pump(p->co, p->si);
    if (SSL_read(p->server, &b, 1) != 1 || SSL_write(p->server, "y", 1) != 1)
        die("membio server byte");
    pump(p->so, p->ci);
    if (SSL_read(p->client, &b, 1) != 1)
        die("membio client read");
}

static void membio_free(struct membio_pair *p)
{
    SSL_free(p->client);
    SSL_free(p->server);
    BIO_free(p->ci);
    BIO_free(p->co);
    BIO_free(p->si);
    BIO_free(p->so);
}

/* Returns the server's CPU seconds. */
static double wait_child(pid_t pid)
{
    int status;
    double spent;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        read(cpu_pipe[0], &spent, sizeof spent) != sizeof spent)
        die("server process failed");
    close(cpu_pipe[0]);
    return spent;
}

int main(int argc, char **argv)
{
    int port;
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 5 && strcmp(argv[1], "hs") == 0) {
        long count = atol(argv[4]);
        SSL_CTX *sctx = server_ctx(argv[2], argv[3], 1), *cctx = client_ctx(argv[2]);
        int lfd = listener(&port);
        pid_t pid = fork_server(sctx, lfd, hs_server, count);
        drop(connect_one(cctx, port));
        double t0 = now(), c0 = cpu();
        for (long i = 0; i < count; i++)
            drop(connect_one(cctx, port));
        double dt = now() - t0, dc = cpu() - c0;
        dc += wait_child(pid);
        printf("%.3f %.3f\n", count / dc, count / dt);
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "bulk") == 0) {
        static char buf[CHUNK];
        long total = atol(argv[4]), sent = 0;
        char b;
        SSL_CTX *sctx = server_ctx(argv[2], argv[3], 1), *cctx = client_ctx(argv[2]);
        int lfd = listener(&port);
        pid_t pid = fork_server(sctx, lfd, bulk_server, total);
        SSL *ssl = connect_one(cctx, port);
        memset(buf, 0xa5, sizeof buf);
        double t0 = now(), c0 = cpu();
        while (sent < total) {
            int n = SSL_write(ssl, buf, CHUNK);
            if (n <= 0)
                die("bulk write");
            sent += n;
        }
        if (SSL_read(ssl, &b, 1) != 1)
            die("bulk ack read");
        double dt = now() - t0, dc = cpu() - c0;
        drop(ssl);
        dc += wait_child(pid);
        printf("%.3f %.3f\n", total / dc / 1e6, total / dt / 1e6);
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "membio-hs") == 0) {
        long count = atol(argv[4]);
        struct membio_pair p;
        SSL_CTX *sctx = server_ctx(argv[2], argv[3], 1), *cctx = client_ctx(argv[2]);
        SSL_CTX_set_mode(cctx, SSL_MODE_RELEASE_BUFFERS);
        membio_connect(sctx, cctx, &p); /* the checked one, not timed */
        if (SSL_version(p.client) != TLS1_3_VERSION)
            die("not TLS 1.3");
        membio_free(&p);
        double t0 = now(), c0 = cpu();
        for (long i = 0; i < count; i++) {
            membio_connect(sctx, cctx, &p);
            membio_free(&p);
        }
        double dt = now() - t0, dc = cpu() - c0;
        printf("%.3f %.3f\n", count / dc, count / dt);
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "membio-bulk") == 0) {
        static char out[MEMBIO_CHUNK], in[MEMBIO_CHUNK];
        long total = atol(argv[4]);
        struct membio_pair p;
        SSL_CTX *sctx = server_ctx(argv[2], argv[3], 1), *cctx = client_ctx(argv[2]);
        SSL_CTX_set_mode(cctx, SSL_MODE_RELEASE_BUFFERS);
        membio_connect(sctx, cctx, &p);
        memset(out, 0xa5, sizeof out);
        double t0 = now(), c0 = cpu();
        for (long i = 0; i < total / MEMBIO_CHUNK; i++) {
            int got = 0, n;
            if (SSL_write(p.client, out, MEMBIO_CHUNK) != MEMBIO_CHUNK)
                die("membio bulk write");
            pump(p.co, p.si);
            while (got < MEMBIO_CHUNK) {
                if ((n = SSL_read(p.server, in, MEMBIO_CHUNK - got)) <= 0)
                    die("membio bulk read");
                got += n;
            }
        }
        double dt = now() - t0, dc = cpu() - c0;
        membio_free(&p);
        printf("%.3f %.3f\n", total / dc / 1e6, total / dt / 1e6);
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "hold-client") == 0) {
        long count = atol(argv[4]);
        int plain = argc >= 6 && strcmp(argv[5], "plain") == 0;
        char line[16];
        SSL_CTX *cctx = client_ctx(argv[3]);
        SSL **held = calloc(count, sizeof *held);
        int *fds = calloc(count, sizeof *fds);
        for (long i = 0; i < count; i++) {
            if (plain)
                fds[i] = dial(atoi(argv[2]));
            else
                held[i] = connect_one(cctx, atoi(argv[2]));
        }
        printf("HELD\n");
        fflush(stdout);
        while (fgets(line, sizeof line, stdin) != NULL)
            ;
        for (long i = 0; i < count; i++) {
            if (plain)
                close(fds[i]);
            else
                drop(held[i]);
        }
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "hold-server") == 0) {
        long count = atol(argv[4]);
        int release = argc >= 6 && strcmp(argv[5], "release") == 0;
        SSL_CTX *ctx = server_ctx(argv[2], argv[3], release);
        SSL **held = calloc(count, sizeof *held);
        int lfd = listener(&port);
        printf("%d\n", port);
        fflush(stdout);
        /* A few connections first, so one-time allocations are not counted. */
        for (int i = 0; i < 10; i++)
            drop(serve_one(ctx, lfd));
        long before = rss_bytes();
        for (long i = 0; i < count; i++)
            held[i] = serve_one(ctx, lfd);
        long after = rss_bytes();
        printf("%.1f\n", (double)(after - before) / count);
        fflush(stdout);
        for (long i = 0; i < count; i++)
            drop(held[i]);
        return 0;
    }
    fprintf(stderr, "usage: see the comment at the top of bench_tls_peer.c\n");
    return 2;
}
