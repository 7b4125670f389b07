/*
 * inqemu-bench.c: work done inside QEMU against GDB on QEMU's raw gdbstub
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One run, one patched QEMU binary, one test guest (three instances of
 * it: a bare QEMU with `-gdb unix:...`, a domain of the embedded driver
 * and one of a private libvirtd), the raw anchor and our paths side by
 * side, repetitions interleaved; while one side is measured the other
 * QEMUs are SIGSTOPped, so that the guests do not share the machine's
 * cores.  Each figure is the median of INQEMU_BENCH_RUNS (default 3)
 * repetitions; ratios matter, not absolute times.
 *
 *  1. GDB `next` over guest_loop's one-line loop of 500 iterations:
 *     through the bridge (`target remote | virsh-debug --symbols
 *     guest-debug.elf debug-gdb`, which range-steps with vCont;r, widened
 *     to the whole line) against GDB on the raw gdbstub (a single step
 *     per instruction).  GDB times the `next` itself (Python's monotonic
 *     clock around the command), from a stop at the loop's line;
 *     afterwards guest_loop_sum must be 124750 and GDB on the next line.
 *     One more run each with `set debug remote 1` counts the packets.
 *  2. `break guest_tick if guest_tick_count == N`, N 301 more than the
 *     count at the stop before, i.e. 300 false hits: the `continue` that
 *     ends at the true hit, where guest_tick_count must be N.  Through
 *     the bridge GDB sends the condition as agent-expression bytecode
 *     (Z0,...;X, counted) and QEMU evaluates it; on the raw stub GDB
 *     evaluates it at each hit.
 *  3. A 10,000-instruction trace from guest_tick: virDomainDebugStepTrace
 *     + virDomainDebugGetStepTrace (timed from the call to having the
 *     10,000 entries, with its phases) and `virsh-debug debug-step
 *     --trace --count 10000` (the whole process; --count 1 for its fixed
 *     cost), against, on the raw stub, GDB's `stepi 10000` (GDB's best
 *     chance: one command, nothing printed per step, the pcs not kept),
 *     a GDB Python loop of 10,000 `stepi` keeping each pc (the
 *     equivalent work), and a bare RSP client of this program sending
 *     `s` and `g` per step (the round trips alone, no GDB).
 *  4. 1,000 tracepoint hits on guest_hot collecting rip and
 *     guest_hot_count (4 bytes): the API from insertion to having drained
 *     1,000 records (a drain every DRAIN_PAUSE_US; the records' counts
 *     are checked consecutive), against GDB on the raw stub with `break
 *     guest_hot` and `commands` that printf guest_hot_count and $pc (to
 *     a pipe, checked consecutive) and continue, until the 1,000th hit.
 *     The guest's own time for the 1,000 hits is also given, from the
 *     records' timestamps (QEMU's clock at each hit): a client's drains
 *     contend with the vCPU for QEMU's global lock, and cost the client
 *     more than the guest.
 *  5. Guest slowdown: guest_hot_count per second (read with the API)
 *     with no point, with a tracepoint on guest_hot (drained every 100
 *     ms; guest_hot has a code page of its own, see tests/guest/guest.ld),
 *     and with a plain breakpoint on guest_never_called, never hit but
 *     on the main loop's code page: QEMU 7.2's TCG runs a page that holds
 *     a breakpoint one instruction per block, which the raw gdbstub
 *     shares.
 *
 * INQEMU_BENCH_ONLY=1234 picks figures (p: perf profiles of QEMU under a
 * tracepoint and under a never-hit breakpoint, into
 * INQEMU_BENCH_PERF_DIR); INQEMU_BENCH_SIDE=embed skips the private
 * libvirtd; INQEMU_BENCH_PERF_API=steptrace|hits runs that API child
 * under a system-wide `perf record`.
 *
 * The embedded driver's root is locked by the first process that opens
 * it until that process exits, so every libvirt call of this benchmark
 * is made by a child process (this program with --api ...), which
 * prints "bench-KEY VALUE" lines; GDB and virsh-debug are children too.
 * Nothing is asserted about time; wrong results (a wrong sum, count,
 * line, record) abort the run.
 */

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include "libvirt-debug/libvirt-debug.h"
#include "bench-stats.h"
#include "testutils-guest.h"
#include "testutils-libvirt.h"

/* repetitions: INQEMU_BENCH_RUNS (default 3, at most MAX_RUNS) */
#define MAX_RUNS 15
static int RUNS = 3;
#define GDB_TIMEOUT "600"
#define DOMAIN "bench"
#define LOOP_SUM (499 * 500 / 2)
#define COND_FALSE_HITS 300
#define TRACE_STEPS 10000
#define TRACE_HITS 1000
#define DRAIN_PAUSE_US 5000
#define RATE_PERIODS 5
#define RATE_PERIOD_US (2 * G_USEC_PER_SEC)

static char *selfPath;
static char *scratch;
/* the raw QEMU (the domains' are in sides[]) */
static GPid rawQemu;
static char *rawSock;
static char *uri;
static char *virsh;

/* ------------------------------------------------------------------ */
/* helpers                                                              */

static const char *
guestDebugPath(void)
{
    const char *p = g_getenv("LIBVIRT_DEBUG_GUEST_DEBUG");

    if (!p)
        g_error("LIBVIRT_DEBUG_GUEST_DEBUG is not set: run through meson");
    return p;
}

/* The line of guest.c that holds guest_loop's loop */
static int
loopLine(void)
{
    g_autofree char *path = g_build_filename(g_getenv("LIBVIRT_DEBUG_SRCDIR"),
                                             "tests", "guest", "guest.c", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    int i;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        g_error("cannot read %s", path);
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (strstr(lines[i], "guest_loop_sum += i"))
            return i + 1;
    }
    g_error("no loop line in %s", path);
    return -1;
}


/* The value of "bench-KEY VALUE" in @out */
static double
outValue(const char *out, const char *key)
{
    g_autofree char *pat = g_strdup_printf("bench-%s ", key);
    const char *p = strstr(out, pat);

    if (!p)
        g_error("no '%s' in output:\n%s", pat, out);
    return g_ascii_strtod(p + strlen(pat), NULL);
}

static guint
countLines(const char *text, const char *needle)
{
    guint n = 0;
    const char *p = text;

    while ((p = strstr(p, needle))) {
        n++;
        p += strlen(needle);
    }
    return n;
}

/* Lines of @text that hold both @a and @b */
static guint
countLinesWith(const char *text, const char *a, const char *b)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint n = 0;
    size_t i;

    for (i = 0; lines[i]; i++) {
        if (strstr(lines[i], a) && strstr(lines[i], b))
            n++;
    }
    return n;
}

/* Runs gdb on @script (connecting with @target); returns its stdout,
 * stderr in @err */
static char *
runGdb(const char *target, const char *script, char **err)
{
    g_autofree char *path = g_build_filename(scratch, "bench.gdb", NULL);
    g_autofree char *full = NULL;
    g_autoptr(GError) error = NULL;
    char *out = NULL;
    const char *argv[] = { "timeout", "-s", "KILL", GDB_TIMEOUT,
                           "gdb", "-nx", "-batch", "-x", path, NULL };
    int status;

    full = g_strdup_printf("set pagination off\nset confirm off\n"
                           "set height 0\nset width 0\n"
                           "symbol-file %s\n%s\n"
                           "python import time\n"
                           "%s"
                           "printf \"bench-done 1\\n\"\ndetach\n",
                           guestDebugPath(), target, script);
    if (!g_file_set_contents(path, full, -1, &error))
        g_error("%s", error->message);
    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                      NULL, NULL, &out, err, &status, &error))
        g_error("cannot run gdb: %s", error->message);
    if (!g_spawn_check_wait_status(status, NULL) || !strstr(out, "bench-done"))
        g_error("gdb failed on '%s':\n%s%s", target, out, *err);
    return out;
}

static char *
rawTarget(void)
{
    return g_strdup_printf("target remote %s", rawSock);
}

static char *
bridgeTarget(void)
{
    return g_strdup_printf("target remote | env LIBVIRT_DEBUG_TRANSPORT=channel "
                           "%s -c '%s' --symbols %s debug-gdb %s",
                           virsh, uri, guestDebugPath(), DOMAIN);
}

#define TIME_START "python t0 = time.monotonic()\n"
/* (for g_strdup_printf formats) */
#define TIME_END "python print(\"bench-ms %%.3f\" %% ((time.monotonic() - t0) * 1000))\n"

/* Runs this program with --api @what in a child; returns its stdout */
static char *
runApi(const char *what, const char *arg)
{
    const char *argv0[] = { selfPath, "--api", what, uri, arg, NULL };
    /* INQEMU_BENCH_PERF_API=WHAT: that child under a system-wide perf
     * record (QEMU and client), into $INQEMU_BENCH_PERF_DIR */
    const char *perfWhat = g_getenv("INQEMU_BENCH_PERF_API");
    const char *perfDir = g_getenv("INQEMU_BENCH_PERF_DIR");
    g_autofree char *perfData = g_strdup_printf("%s/perf-api-%s.data",
                                                perfDir ? perfDir : ".", what);
    const char *argvPerf[] = { "perf", "record", "-q", "-a", "-o", perfData, "--",
                               selfPath, "--api", what, uri, arg, NULL };
    const char **argv = perfWhat && g_str_equal(perfWhat, what) ? argvPerf : argv0;
    g_autoptr(GError) error = NULL;
    char *out = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **) argv, NULL,
                      G_SPAWN_CHILD_INHERITS_STDIN | G_SPAWN_SEARCH_PATH,
                      NULL, NULL, &out, NULL, &status, &error) ||
        !g_spawn_check_wait_status(status, NULL))
        g_error("bench child '%s' failed: %s\n%s", what,
                error ? error->message : "", out ? out : "");
    return out;
}

/* ------------------------------------------------------------------ */
/* 1. next over the loop                                                */

typedef struct {
    double ms;
    guint ranges;     /* vCont;r packets */
    guint steps;      /* vCont;s and s packets */
    guint packets;    /* all packets sent */
} gdbFigure;

static void
countPackets(const char *err, gdbFigure *f)
{
    f->ranges = countLines(err, "Sending packet: $vCont;r");
    f->steps = countLines(err, "Sending packet: $vCont;s") +
               countLines(err, "Sending packet: $s#");
    f->packets = countLines(err, "Sending packet: $");
}

static double
benchNext(const char *target, bool debug, gdbFigure *f)
{
    g_autofree char *script = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int line = loopLine();

    script = g_strdup_printf("break guest.c:%d\n"
                             "continue\n"
                             "delete\n"
                             "%s"
                             TIME_START
                             "next\n"
                             TIME_END
                             "%s"
                             "printf \"bench-sum %%u\\n\", guest_loop_sum\n"
                             "python print(\"bench-line %%d\" %% gdb.selected_frame().find_sal().line)\n",
                             line, debug ? "set debug remote 1\n" : "",
                             debug ? "set debug remote 0\n" : "");
    out = runGdb(target, script, &err);
    if (outValue(out, "sum") != LOOP_SUM || outValue(out, "line") != line + 1)
        g_error("'next' over the loop went wrong on '%s':\n%s", target, out);
    if (debug)
        countPackets(err, f);
    return outValue(out, "ms");
}

/* ------------------------------------------------------------------ */
/* 2. a condition with 300 false hits                                   */

static double
benchCond(const char *target, bool debug, gdbFigure *f)
{
    g_autofree char *script = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    /* GDB compiles a condition to bytecode only with no convenience
     * variable in it: the number is written out with eval */
    script = g_strdup_printf("break guest_tick\n"
                             "continue\n"
                             "delete\n"
                             "set $target = guest_tick_count + %d\n"
                             "eval \"break guest_tick if guest_tick_count == %%u\", $target\n"
                             "printf \"bench-target %%u\\n\", $target\n"
                             "%s"
                             TIME_START
                             "continue\n"
                             TIME_END
                             "%s"
                             "printf \"bench-count %%u\\n\", guest_tick_count\n"
                             "printf \"bench-pc %%u\\n\", $pc\n"
                             "printf \"bench-tick %%u\\n\", guest_tick\n",
                             COND_FALSE_HITS + 1,
                             debug ? "set debug remote 1\n" : "",
                             debug ? "set debug remote 0\n" : "");
    out = runGdb(target, script, &err);
    if (outValue(out, "count") != outValue(out, "target") ||
        outValue(out, "pc") != outValue(out, "tick"))
        g_error("the conditional breakpoint went wrong on '%s':\n%s", target, out);
    if (debug) {
        countPackets(err, f);
        f->ranges = countLinesWith(err, "Sending packet: $Z0,", ";X");
    }
    return outValue(out, "ms");
}

/* ------------------------------------------------------------------ */
/* 3. a 10,000-instruction trace, raw                                   */

static double
benchStepiRaw(bool keep)
{
    g_autofree char *target = rawTarget();
    g_autofree char *script = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    if (keep) {
        script = g_strdup_printf("break guest_tick\n"
                                 "continue\n"
                                 "delete\n"
                                 TIME_START
                                 "python\n"
                                 "pcs = []\n"
                                 "for i in range(%d):\n"
                                 "    gdb.execute('stepi', to_string=True)\n"
                                 "    pcs.append(int(gdb.parse_and_eval('$pc')))\n"
                                 "end\n"
                                 TIME_END
                                 "python print(\"bench-n %%d\" %% len(set(pcs)))\n"
                                 "python print(\"bench-steps %%d\" %% len(pcs))\n",
                                 TRACE_STEPS);
    } else {
        script = g_strdup_printf("break guest_tick\n"
                                 "continue\n"
                                 "delete\n"
                                 TIME_START
                                 "stepi %d\n"
                                 TIME_END
                                 "printf \"bench-steps %d\\n\"\n",
                                 TRACE_STEPS, TRACE_STEPS);
    }
    out = runGdb(target, script, &err);
    if (outValue(out, "steps") != TRACE_STEPS)
        g_error("stepi went wrong:\n%s", out);
    return outValue(out, "ms");
}

/* The raw path without GDB: a minimal RSP client of this program on the
 * raw gdbstub, 10,000 times `s` and `g` (for rip), keeping each pc: the
 * round trips alone, no debugger's work */
typedef struct {
    int fd;
    char buf[4096];
    size_t len;
    size_t pos;
} rspClient;

/* The next byte, or -1 if none came within @timeoutMs */
static int
rspByte(rspClient *c, int timeoutMs)
{
    if (c->pos == c->len) {
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, timeoutMs) <= 0)
            return -1;
        if ((n = read(c->fd, c->buf, sizeof(c->buf))) <= 0)
            g_error("raw client: the gdbstub closed the connection");
        c->len = n;
        c->pos = 0;
    }
    return (unsigned char) c->buf[c->pos++];
}

/* The next packet's payload, or NULL if none came within @timeoutMs */
static char *
rspReceive(rspClient *c, int timeoutMs)
{
    g_autoptr(GString) payload = g_string_new(NULL);
    int ch;

    do {
        if ((ch = rspByte(c, timeoutMs)) < 0)
            return NULL;
    } while (ch != '$');
    while ((ch = rspByte(c, 10000)) != '#') {
        if (ch < 0)
            g_error("raw client: a packet cut short");
        g_string_append_c(payload, ch);
    }
    rspByte(c, 10000);
    rspByte(c, 10000);
    if (write(c->fd, "+", 1) != 1)
        g_error("raw client: write failed");
    return g_string_free(g_steal_pointer(&payload), FALSE);
}

static char *
rspRequest(rspClient *c, const char *packet)
{
    unsigned int sum = 0;
    const char *p;
    g_autofree char *frame = NULL;
    char *reply;

    for (p = packet; *p; p++)
        sum += (unsigned char) *p;
    frame = g_strdup_printf("$%s#%02x", packet, sum & 0xff);
    if (write(c->fd, frame, strlen(frame)) != (ssize_t) strlen(frame))
        g_error("raw client: write failed");
    if (!(reply = rspReceive(c, 30000)))
        g_error("raw client: no reply to '%s'", packet);
    return reply;
}

static double
benchStepRsp(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    rspClient c = { .fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) };
    g_autofree char *z = g_strdup_printf("Z0,%llx,1",
                                         (unsigned long long) testGuestSymbol("guest_tick"));
    g_autofree guint64 *pcs = g_new0(guint64, TRACE_STEPS);
    g_autofree char *zr = NULL;
    g_autofree char *stop = NULL;
    g_autofree char *zz = NULL;
    char *stale;
    gint64 t0;
    gint64 t1;
    int i;

    g_strlcpy(sa.sun_path, rawSock, sizeof(sa.sun_path));
    if (c.fd < 0 || connect(c.fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
        g_error("raw client: cannot connect to %s", rawSock);
    /* QEMU stops the guest when a client attaches, and may say so
     * unasked: take whatever it sends first */
    g_free(rspRequest(&c, "?"));
    while ((stale = rspReceive(&c, 300)))
        g_free(stale);

    zr = rspRequest(&c, z);
    stop = rspRequest(&c, "c");
    z[0] = 'z';
    zz = rspRequest(&c, z);
    if (!g_str_equal(zr, "OK") || stop[0] != 'T' || !g_str_equal(zz, "OK"))
        g_error("raw client: cannot stop at guest_tick (%s, %s, %s)", zr, stop, zz);

    t0 = g_get_monotonic_time();
    for (i = 0; i < TRACE_STEPS; i++) {
        g_autofree char *st = rspRequest(&c, "s");
        /* QEMU answers `p` only to clients that read its target XML:
         * `g`, as GDB does; rip follows the 16 general registers */
        g_autofree char *regs = rspRequest(&c, "g");
        char pc[17];

        if (st[0] != 'T' || strlen(regs) < 17 * 16)
            g_error("raw client: step %d: '%s', '%.40s'", i, st, regs);
        memcpy(pc, regs + 16 * 16, 16);
        pc[16] = '\0';
        pcs[i] = GUINT64_FROM_BE(g_ascii_strtoull(pc, NULL, 16));
    }
    t1 = g_get_monotonic_time();
    if (pcs[1] == 0 || pcs[1] == pcs[0])
        g_error("raw client: the pc did not move");
    /* let the guest go, as GDB's detach does */
    g_free(rspRequest(&c, "D"));
    close(c.fd);
    return (t1 - t0) / 1000.0;
}

/* the CLI: the whole virsh-debug process, stop to stop, for @steps
 * traced instructions */
static double
benchStepCli(int steps)
{
    g_autofree char *count = g_strdup_printf("%d", steps);
    const char *argv[] = { virsh, "-c", uri, "debug-step", DOMAIN, "--trace",
                           "--count", count, NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *prep = runApi("stop-at-tick", NULL);
    g_autofree char *done = NULL;
    int status;
    gint64 t0;
    gint64 t1;
    guint n;

    t0 = g_get_monotonic_time();
    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT,
                      NULL, NULL, &out, &err, &status, &error) ||
        !g_spawn_check_wait_status(status, NULL))
        g_error("virsh-debug debug-step --trace failed: %s%s",
                out ? out : "", err ? err : "");
    t1 = g_get_monotonic_time();
    n = countLines(out, "0x");
    if (n < (guint) steps)
        g_error("debug-step --trace printed %u addresses:\n%.2000s", n, out);
    done = runApi("resume", NULL);
    return (t1 - t0) / 1000.0;
}

/* ------------------------------------------------------------------ */
/* 4. 1,000 hits collecting rip and guest_hot_count, raw                */

static double
benchHitsRaw(void)
{
    g_autofree char *target = rawTarget();
    g_autofree char *script = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_auto(GStrv) lines = NULL;
    guint first = 0;
    guint n = 0;
    size_t i;

    script = g_strdup_printf("set $n = 0\n"
                             "break guest_hot\n"
                             "commands\n"
                             "silent\n"
                             "set $n = $n + 1\n"
                             "printf \"hit %%u 0x%%x\\n\", guest_hot_count, $pc\n"
                             "if $n < %d\n"
                             "continue\n"
                             "end\n"
                             "end\n"
                             TIME_START
                             "continue\n"
                             TIME_END
                             "printf \"bench-hits %%u\\n\", $n\n",
                             TRACE_HITS);
    out = runGdb(target, script, &err);
    if (outValue(out, "hits") != TRACE_HITS)
        g_error("the raw hits went wrong:\n%s", out);
    /* each hit printed the guest's count, one more than the last */
    lines = g_strsplit(out, "\n", -1);
    for (i = 0; lines[i]; i++) {
        guint v;

        if (!g_str_has_prefix(lines[i], "hit "))
            continue;
        v = strtoul(lines[i] + 4, NULL, 10);
        if (n == 0)
            first = v;
        else if (v != first + n)
            g_error("raw hit %u saw guest_hot_count %u, not %u", n, v, first + n);
        n++;
    }
    if (n != TRACE_HITS)
        g_error("%u raw hits printed", n);
    return outValue(out, "ms");
}

/* ------------------------------------------------------------------ */
/* the API side, in a child process                                     */

static GAsyncQueue *stops;

static void
onStop(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom G_GNUC_UNUSED,
       const virDomainDebugStopInfo *stop, void *opaque G_GNUC_UNUSED)
{
    g_async_queue_push(stops, g_memdup2(stop, sizeof(*stop)));
}

static virDomainDebugStopInfo *
waitStop(void)
{
    virDomainDebugStopInfo *s = g_async_queue_timeout_pop(stops, 60 * G_USEC_PER_SEC);

    if (!s)
        g_error("no debug-exit event within 60 s");
    return s;
}

static void
check(int rc, const char *what)
{
    if (rc < 0)
        g_error("%s: %s", what, virDomainDebugGetLastErrorMessage());
}

static guint32
readU32(virDomainPtr dom, const char *sym)
{
    guint32 v;

    check(virDomainDebugReadMemory(dom, testGuestSymbol(sym), sizeof(v),
                                   (unsigned char *) &v, 0, 0), "read");
    return GUINT32_FROM_LE(v);
}

/* Stops the guest at guest_tick's entry (the session is attached) */
static void
stopAtTick(virDomainPtr dom)
{
    g_autofree virDomainDebugStopInfo *s = NULL;
    int id = virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                       testGuestSymbol("guest_tick"), 0, -1, 0);

    check(id, "insert");
    s = waitStop();
    check(virDomainDebugRemovePoint(dom, id, 0), "remove");
}

static void
apiStepTrace(virDomainPtr dom)
{
    virDomainDebugStepTraceEntry *entries = NULL;
    g_autofree virDomainDebugStopInfo *s = NULL;
    unsigned long long tick = testGuestSymbol("guest_tick");
    gint64 t0;
    gint64 tCalled;
    gint64 tStopped;
    gint64 t1;
    int n;

    stopAtTick(dom);
    t0 = g_get_monotonic_time();
    check(virDomainDebugStepTrace(dom, 0, TRACE_STEPS, NULL, 0), "step trace");
    tCalled = g_get_monotonic_time();
    s = waitStop();
    tStopped = g_get_monotonic_time();
    n = virDomainDebugGetStepTrace(dom, 0, &entries, 0);
    t1 = g_get_monotonic_time();
    check(n, "get step trace");
    if (n != TRACE_STEPS || entries[0].pc != tick ||
        s->reason != VIR_DOMAIN_DEBUG_STOP_STEP)
        g_error("traced step: %d entries, first 0x%llx, reason %d", n,
                n > 0 ? entries[0].pc : 0, s->reason);
    virDomainDebugStepTraceFree(entries, n);
    g_print("bench-ms %.3f\nbench-call-ms %.3f\nbench-event-ms %.3f\n"
            "bench-get-ms %.3f\n", (t1 - t0) / 1000.0,
            (tCalled - t0) / 1000.0, (tStopped - tCalled) / 1000.0,
            (t1 - tStopped) / 1000.0);
}

static int
insertTracepoint(virDomainPtr dom, unsigned int capacity)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int maxparams = 0;
    g_autofree char *mem = g_strdup_printf("0x%llx:4",
                                           (unsigned long long) testGuestSymbol("guest_hot_count"));
    int id;

    if (virTypedParamsAddBoolean(&params, &nparams, &maxparams,
                                 VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE, 1) < 0 ||
        virTypedParamsAddString(&params, &nparams, &maxparams,
                                VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_REGISTER,
                                "rip") < 0 ||
        virTypedParamsAddString(&params, &nparams, &maxparams,
                                VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_MEMORY,
                                mem) < 0 ||
        virTypedParamsAddUInt(&params, &nparams, &maxparams,
                              VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE_CAPACITY,
                              capacity) < 0)
        g_error("cannot build the tracepoint's parameters");
    id = virDomainDebugInsertPointParams(dom, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                         testGuestSymbol("guest_hot"), 0, -1,
                                         params, nparams, 0);
    virTypedParamsFree(params, nparams);
    check(id, "insert tracepoint");
    return id;
}

/* Checks a batch of records; @base is value - seq of the first one */
static void
checkRecords(virDomainDebugTraceRecord *recs, int n, gint64 *base, bool *haveBase)
{
    unsigned long long hot = testGuestSymbol("guest_hot");
    int i;

    for (i = 0; i < n; i++) {
        unsigned long long rip = 0;
        guint32 v;

        if (recs[i].pc != hot || recs[i].nregs != 1 || recs[i].nmem != 1 ||
            !recs[i].mem[0].data || recs[i].mem[0].len != 4 ||
            virDomainDebugRegisterValue(&recs[i].regs[0], &rip) < 0 ||
            rip != hot)
            g_error("bad trace record %llu", recs[i].seq);
        memcpy(&v, recs[i].mem[0].data, 4);
        v = GUINT32_FROM_LE(v);
        if (!*haveBase) {
            *base = (gint64) v - (gint64) recs[i].seq;
            *haveBase = true;
        } else if ((gint64) v - (gint64) recs[i].seq != *base) {
            g_error("record %llu holds guest_hot_count %u, not %lld",
                    recs[i].seq, v, (long long) (recs[i].seq + *base));
        }
    }
}

static void
apiHits(virDomainPtr dom)
{
    gint64 t0;
    gint64 t1;
    gint64 base = 0;
    bool haveBase = false;
    unsigned long long dropped = 0;
    int total = 0;
    int drains = 0;
    long long firstTs = -1;
    long long lastTs = -1;
    int id;

    const char *pause = g_getenv("INQEMU_BENCH_DRAIN_PAUSE_US");
    gulong pauseUs = pause ? strtoul(pause, NULL, 10) : DRAIN_PAUSE_US;
    gint64 tInserted;

    t0 = g_get_monotonic_time();
    id = insertTracepoint(dom, 4096);
    tInserted = g_get_monotonic_time();
    while (total < TRACE_HITS) {
        virDomainDebugTraceRecord *recs = NULL;
        int n;

        /* a client that polls in a tight loop takes QEMU's main loop
         * (and a core) from the vCPU: drain as a tool would */
        if (pauseUs)
            g_usleep(pauseUs);
        n = virDomainDebugTraceDrain(dom, id, 4096, &recs, &dropped, NULL, 0);
        check(n, "drain");
        drains++;
        checkRecords(recs, n, &base, &haveBase);
        /* QEMU's own clock at each hit: the guest's time for the hits,
         * whatever the drains cost the client */
        if (n > 0 && firstTs < 0)
            firstTs = recs[0].timestamp;
        if (n > 0 && total < TRACE_HITS)
            lastTs = recs[MIN(n, TRACE_HITS - total) - 1].timestamp;
        total += n;
        virDomainDebugTraceRecordsFree(recs, n);
    }
    t1 = g_get_monotonic_time();
    if (dropped)
        g_error("%llu records dropped", dropped);
    check(virDomainDebugRemovePoint(dom, id, 0), "remove");
    g_print("bench-ms %.3f\nbench-insert-ms %.3f\nbench-records %d\n"
            "bench-drains %d\nbench-span-ms %.3f\n", (t1 - t0) / 1000.0,
            (tInserted - t0) / 1000.0, total, drains,
            (lastTs - firstTs) / 1e6);
}

/* guest_hot_count per second over a period; drains @id if > 0 */
static double
hotRate(virDomainPtr dom, int id)
{
    guint32 before = readU32(dom, "guest_hot_count");
    gint64 t0 = g_get_monotonic_time();
    gint64 end = t0 + RATE_PERIOD_US;
    guint32 after;

    while (g_get_monotonic_time() < end) {
        g_usleep(100 * 1000);
        if (id > 0) {
            virDomainDebugTraceRecord *recs = NULL;
            int n = virDomainDebugTraceDrain(dom, id, 4096, &recs, NULL, NULL, 0);

            check(n, "drain");
            virDomainDebugTraceRecordsFree(recs, n);
        }
    }
    after = readU32(dom, "guest_hot_count");
    return (after - before) * (double) G_USEC_PER_SEC /
           (g_get_monotonic_time() - t0);
}

static void
apiRates(virDomainPtr dom)
{
    double none[RATE_PERIODS];
    double trace[RATE_PERIODS];
    double bp[RATE_PERIODS];
    size_t i;

    for (i = 0; i < RATE_PERIODS; i++) {
        int id;

        none[i] = hotRate(dom, 0);
        id = insertTracepoint(dom, 65536);
        trace[i] = hotRate(dom, id);
        check(virDomainDebugRemovePoint(dom, id, 0), "remove");
        id = virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                       testGuestSymbol("guest_never_called"),
                                       0, -1, 0);
        check(id, "insert");
        bp[i] = hotRate(dom, 0);
        check(virDomainDebugRemovePoint(dom, id, 0), "remove");
    }
    g_print("bench-none %.0f\nbench-trace %.0f\nbench-bp %.0f\n",
            benchMedian(none, RATE_PERIODS), benchMedian(trace, RATE_PERIODS),
            benchMedian(bp, RATE_PERIODS));
}

/* A tracepoint (or a never-hit breakpoint) for PROFILE_SECONDS, for
 * perf to look at QEMU meanwhile */
#define PROFILE_SECONDS 5
static void
apiHold(virDomainPtr dom, bool trace)
{
    int id;

    if (trace)
        id = insertTracepoint(dom, 65536);
    else
        id = virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                       testGuestSymbol("guest_never_called"),
                                       0, -1, 0);
    check(id, "insert");
    g_print("bench-rate %.0f\n", hotRate(dom, trace ? id : 0));
    g_usleep((PROFILE_SECONDS - 2) * G_USEC_PER_SEC);
    check(virDomainDebugRemovePoint(dom, id, 0), "remove");
}

/* With 'p' in INQEMU_BENCH_ONLY: perf's view of the domain's QEMU with a
 * tracepoint, then with a never-hit breakpoint, in
 * $INQEMU_BENCH_PERF_DIR (default: the current directory) */
static void
profileQemu(GPid qemu)
{
    const char *dir = g_getenv("INQEMU_BENCH_PERF_DIR");
    const char *kinds[] = { "trace", "bp" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_autofree char *hold = g_strdup_printf("hold-%s", kinds[i]);
        g_autofree char *data = g_strdup_printf("%s/perf-%s.data", dir ? dir : ".",
                                                kinds[i]);
        g_autofree char *pid = g_strdup_printf("%d", qemu);
        g_autofree char *secs = g_strdup_printf("%d", PROFILE_SECONDS - 1);
        /* INQEMU_BENCH_PERF_CALLGRAPH=dwarf for callers (QEMU has no
         * frame pointers) */
        const char *cg = g_getenv("INQEMU_BENCH_PERF_CALLGRAPH");
        const char *argv[] = { "perf", "record", "-q", "--call-graph", cg ? cg : "fp",
                               "-o", data, "-p", pid, "--", "sleep", secs, NULL };
        g_autoptr(GError) error = NULL;
        g_autofree char *out = NULL;
        GPid perf;

        if (!g_spawn_async(NULL, (char **) argv, NULL,
                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                           G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                           NULL, NULL, &perf, &error))
            g_error("cannot run perf: %s", error->message);
        out = runApi(hold, NULL);
        waitpid(perf, NULL, 0);
        g_spawn_close_pid(perf);
        g_print("profile: %s, guest_hot %s/s, perf data in %s\n", kinds[i],
                g_strstrip(strstr(out, "bench-rate") + strlen("bench-rate")), data);
    }
}

static int
apiMain(const char *what, const char *apiUri)
{
    testLibvirt lv = { .uri = (char *) apiUri };
    virDomainPtr dom;
    int cb;

    testLibvirtRunEventLoop();
    testLibvirtConnect(&lv);
    if (g_str_equal(what, "start")) {
        virDomainFree(testLibvirtStartDomain(&lv, DOMAIN, testLibvirtQemu(), 1, NULL));
        testLibvirtDisconnect(&lv);
        return 0;
    }
    if (!(dom = virDomainLookupByName(lv.conn, DOMAIN)))
        g_error("no domain '%s'", DOMAIN);
    stops = g_async_queue_new_full(g_free);
    cb = virDomainDebugEventRegister(lv.conn, dom, onStop, NULL, NULL);
    check(cb, "event register");

    if (g_str_equal(what, "resume")) {
        /* detach, resuming what stop-at-tick left stopped */
        check(virDomainDebugAttach(dom, VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS), "attach");
        check(virDomainDebugDetach(dom, VIR_DOMAIN_DEBUG_DETACH_ALL), "detach");
    } else if (g_str_equal(what, "stop-at-tick")) {
        /* no lease: the stop outlives this process, for the CLI */
        check(virDomainDebugAttach(dom, VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS), "attach");
        stopAtTick(dom);
    } else {
        check(virDomainDebugAttach(dom, VIR_DOMAIN_DEBUG_ATTACH_LEASE |
                                   VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS), "attach");
        g_print("bench-channel %d\n",
                virDomainDebugGetTransport(dom) == VIR_DOMAIN_DEBUG_TRANSPORT_TYPE_CHANNEL);
        if (g_str_equal(what, "steptrace"))
            apiStepTrace(dom);
        else if (g_str_equal(what, "hits"))
            apiHits(dom);
        else if (g_str_equal(what, "rates"))
            apiRates(dom);
        else if (g_str_equal(what, "hold-trace"))
            apiHold(dom, true);
        else if (g_str_equal(what, "hold-bp"))
            apiHold(dom, false);
        else
            g_error("unknown --api '%s'", what);
        check(virDomainDebugDetach(dom, 0), "detach");
    }
    virDomainDebugEventDeregister(lv.conn, cb);
    virDomainFree(dom);
    testLibvirtDisconnect(&lv);
    return 0;
}

/* ------------------------------------------------------------------ */
/* the two QEMUs                                                        */

/* the raw QEMU dies with this program, stopped or not (libvirt's are
 * reaped by testutils-libvirt) */
static void
rawChildSetup(gpointer opaque G_GNUC_UNUSED)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static void
startRaw(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *gdbarg = NULL;
    const char *argv[] = {
        testLibvirtQemu(), "-machine", "pc", "-accel", "tcg", "-m", "32",
        "-display", "none", "-nodefaults", "-kernel", testGuestPath(),
        "-gdb", NULL, NULL,
    };
    size_t i;

    rawSock = g_build_filename(scratch, "gdb.sock", NULL);
    gdbarg = g_strdup_printf("unix:%s,server=on,wait=off", rawSock);
    argv[13] = gdbarg;
    if (!g_spawn_async(NULL, (char **) argv, NULL,
                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                       rawChildSetup, NULL, &rawQemu, &error))
        g_error("cannot start QEMU: %s", error->message);
    for (i = 0; i < 200 && !g_file_test(rawSock, G_FILE_TEST_EXISTS); i++)
        g_usleep(50 * 1000);
}

/* The domain's QEMU: the pid in its pid file under the libvirt root */
static GPid
findDomainPid(const char *dir)
{
    const char *argv[] = { "find", dir, "-name", DOMAIN ".pid", NULL };
    g_autofree char *out = NULL;
    g_autofree char *pidText = NULL;

    if (!g_spawn_sync(NULL, (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, NULL, NULL) || !*out)
        g_error("no pid file of the domain under %s", dir);
    g_strchomp(out);
    if (strchr(out, '\n'))
        *strchr(out, '\n') = '\0';
    if (!g_file_get_contents(out, &pidText, NULL, NULL))
        g_error("cannot read %s", out);
    return atoi(pidText);
}

/* ------------------------------------------------------------------ */

typedef struct {
    const char *what;
    double raw;
    double ours;
    const char *rawHow;
    const char *oursHow;
} benchRow;

static void
printRow(const benchRow *r)
{
    g_print("  %-44s %10.1f %10.1f %8.1fx\n", r->what, r->raw, r->ours,
            r->raw / r->ours);
}

/* Our side: a libvirt instance with the domain */
#define NSIDES 2
typedef struct {
    const char *kind;
    const char *label;
    testLibvirt *lv;
    GPid qemu;
    double nextMs[MAX_RUNS];
    double condMs[MAX_RUNS];
    double traceApi[MAX_RUNS];
    double traceCli[MAX_RUNS];
    double traceCli1[MAX_RUNS];
    double traceCall[MAX_RUNS];
    double traceEvent[MAX_RUNS];
    double traceGet[MAX_RUNS];
    double hitsMs[MAX_RUNS];
    double hitsInsert[MAX_RUNS];
    double hitsDrains[MAX_RUNS];
    double hitsSpan[MAX_RUNS];
    gdbFigure nextF;
    gdbFigure condF;
    int channel;
} benchSide;

static benchSide sides[NSIDES] = {
    { .kind = "embed", .label = "embedded driver" },
    { .kind = "daemon", .label = "private libvirtd" },
};

/* Only @run's QEMU gets the CPU */
static void
onlyRun(GPid run)
{
    size_t i;

    if (rawQemu)
        kill(rawQemu, run == rawQemu ? SIGCONT : SIGSTOP);
    for (i = 0; i < NSIDES; i++) {
        if (sides[i].qemu)
            kill(sides[i].qemu, run == sides[i].qemu ? SIGCONT : SIGSTOP);
    }
    g_usleep(50 * 1000);
}

/* Make @side the one measured */
static void
useSide(benchSide *side)
{
    uri = side->lv->uri;
    onlyRun(side->qemu);
}

static void
printSideRow(const char *what, double raw, double *ours)
{
    benchRow r = { what, raw, benchMedian(ours, RUNS) };

    printRow(&r);
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    double nextRaw[MAX_RUNS];
    double condRaw[MAX_RUNS];
    double stepiRaw[MAX_RUNS], stepiKeep[MAX_RUNS], stepRsp[MAX_RUNS];
    const char *runsEnv = g_getenv("INQEMU_BENCH_RUNS");
    double hitsRaw[MAX_RUNS];
    gdbFigure nextRawF = { 0 };
    gdbFigure condRawF = { 0 };
    g_autofree char *rates = NULL;
    g_autofree char *rawT = NULL;
    const char *only = g_getenv("INQEMU_BENCH_ONLY");
    const char *onlySide = g_getenv("INQEMU_BENCH_SIDE");
    size_t nsides = NSIDES;
    size_t k;
    int i;

    if (argc == 5 && g_str_equal(argv[1], "--api"))
        return apiMain(argv[2], argv[3]);
    if (argc == 4 && g_str_equal(argv[1], "--api"))
        return apiMain(argv[2], argv[3]);
    selfPath = g_canonicalize_filename(argv[0], NULL);
    virsh = g_build_filename(g_getenv("LIBVIRT_DEBUG_BUILDDIR"), "tools",
                             "virsh-debug", NULL);
    if (!(scratch = g_dir_make_tmp("lvdbg-inqemu-XXXXXX", &error)))
        g_error("%s", error->message);
    /* INQEMU_BENCH_SIDE=embed: the embedded driver only */
    if (onlySide && g_str_equal(onlySide, "embed"))
        nsides = 1;
#define WANT(n) (!only || strchr(only, (n)))

    for (k = 0; k < nsides; k++) {
        g_autofree char *out = NULL;

        sides[k].lv = testLibvirtPrepare(sides[k].kind);
        uri = sides[k].lv->uri;
        out = runApi("start", NULL);
        sides[k].qemu = findDomainPid(sides[k].lv->dir);
        onlyRun(0);
    }
    startRaw();
    rawT = rawTarget();
    if (runsEnv)
        RUNS = CLAMP(atoi(runsEnv), 1, MAX_RUNS);

    for (i = 0; i < RUNS; i++) {
        if (WANT('1')) {
            onlyRun(rawQemu);
            nextRaw[i] = benchNext(rawT, false, NULL);
            for (k = 0; k < nsides; k++) {
                g_autofree char *t = NULL;

                useSide(&sides[k]);
                t = bridgeTarget();
                sides[k].nextMs[i] = benchNext(t, false, NULL);
            }
        }
        if (WANT('2')) {
            onlyRun(rawQemu);
            condRaw[i] = benchCond(rawT, false, NULL);
            for (k = 0; k < nsides; k++) {
                g_autofree char *t = NULL;

                useSide(&sides[k]);
                t = bridgeTarget();
                sides[k].condMs[i] = benchCond(t, false, NULL);
            }
        }
        if (WANT('3')) {
            onlyRun(rawQemu);
            stepiRaw[i] = benchStepiRaw(false);
            stepiKeep[i] = benchStepiRaw(true);
            stepRsp[i] = benchStepRsp();
            for (k = 0; k < nsides; k++) {
                g_autofree char *api = NULL;

                useSide(&sides[k]);
                api = runApi("steptrace", NULL);
                sides[k].channel = outValue(api, "channel");
                sides[k].traceApi[i] = outValue(api, "ms");
                sides[k].traceCall[i] = outValue(api, "call-ms");
                sides[k].traceEvent[i] = outValue(api, "event-ms");
                sides[k].traceGet[i] = outValue(api, "get-ms");
                sides[k].traceCli[i] = benchStepCli(TRACE_STEPS);
                sides[k].traceCli1[i] = benchStepCli(1);
            }
        }
        if (WANT('4')) {
            onlyRun(rawQemu);
            hitsRaw[i] = benchHitsRaw();
            for (k = 0; k < nsides; k++) {
                g_autofree char *api = NULL;

                useSide(&sides[k]);
                api = runApi("hits", NULL);
                sides[k].channel = outValue(api, "channel");
                sides[k].hitsMs[i] = outValue(api, "ms");
                sides[k].hitsInsert[i] = outValue(api, "insert-ms");
                sides[k].hitsDrains[i] = outValue(api, "drains");
                sides[k].hitsSpan[i] = outValue(api, "span-ms");
            }
        }
    }
    /* packet counts: one more run each with GDB's packet log */
    if (WANT('1')) {
        onlyRun(rawQemu);
        benchNext(rawT, true, &nextRawF);
        for (k = 0; k < nsides; k++) {
            g_autofree char *t = NULL;

            useSide(&sides[k]);
            t = bridgeTarget();
            benchNext(t, true, &sides[k].nextF);
        }
    }
    if (WANT('2')) {
        onlyRun(rawQemu);
        benchCond(rawT, true, &condRawF);
        for (k = 0; k < nsides; k++) {
            g_autofree char *t = NULL;

            useSide(&sides[k]);
            t = bridgeTarget();
            benchCond(t, true, &sides[k].condF);
        }
    }
    if (WANT('5')) {
        useSide(&sides[0]);
        rates = runApi("rates", NULL);
    }
    if (only && strchr(only, 'p')) {
        useSide(&sides[0]);
        profileQemu(sides[0].qemu);
    }

    onlyRun(0);
    kill(rawQemu, SIGCONT);
    kill(rawQemu, SIGKILL);
    waitpid(rawQemu, NULL, 0);
    for (k = 0; k < nsides; k++)
        kill(sides[k].qemu, SIGCONT);

    g_print("inqemu-bench: GDB on QEMU's raw gdbstub against libvirt-debug "
            "(debug channel), same QEMU binary, same guest, median of %d (ms):\n",
            RUNS);
    g_print("  %-44s %10s %10s %9s\n", "", "raw", "ours", "raw/ours");
    if (WANT('1')) {
        g_print("1. gdb `next` over guest_loop's 500-iteration loop line\n");
        for (k = 0; k < nsides; k++) {
            g_autofree char *what = g_strdup_printf("bridge, %s", sides[k].label);

            printSideRow(what, benchMedian(nextRaw, RUNS), sides[k].nextMs);
        }
        g_print("     packets gdb sent during the next: raw %u (%u single steps)",
                nextRawF.packets, nextRawF.steps);
        for (k = 0; k < nsides; k++)
            g_print(", %s %u (%u vCont;r, %u single steps)", sides[k].label,
                    sides[k].nextF.packets, sides[k].nextF.ranges,
                    sides[k].nextF.steps);
        g_print("\n");
    }
    if (WANT('2')) {
        g_print("2. `break guest_tick if guest_tick_count == N`, 300 false hits: the continue\n");
        for (k = 0; k < nsides; k++) {
            g_autofree char *what = g_strdup_printf("bridge, %s", sides[k].label);

            printSideRow(what, benchMedian(condRaw, RUNS), sides[k].condMs);
        }
        g_print("     packets gdb sent during the continue: raw %u (%u Z0 with ;X)",
                condRawF.packets, condRawF.ranges);
        for (k = 0; k < nsides; k++)
            g_print(", %s %u (%u Z0 with ;X)", sides[k].label,
                    sides[k].condF.packets, sides[k].condF.ranges);
        g_print("\n");
    }
    if (WANT('3')) {
        g_print("3. a 10,000-instruction trace (raw: gdb `stepi 10000`, pcs not kept)\n");
        for (k = 0; k < nsides; k++) {
            g_autofree char *a = g_strdup_printf("API, %s", sides[k].label);
            g_autofree char *c = g_strdup_printf("virsh-debug process, %s",
                                                 sides[k].label);

            printSideRow(a, benchMedian(stepiRaw, RUNS), sides[k].traceApi);
            printSideRow(c, benchMedian(stepiRaw, RUNS), sides[k].traceCli);
        }
        g_print("   raw: gdb Python loop of stepi keeping each pc, against the API\n");
        for (k = 0; k < nsides; k++) {
            g_autofree char *b = g_strdup_printf("API, %s", sides[k].label);

            printSideRow(b, benchMedian(stepiKeep, RUNS), sides[k].traceApi);
        }
        g_print("   raw: this program's own RSP client, no GDB (s + g a step, pcs kept)\n");
        for (k = 0; k < nsides; k++) {
            g_autofree char *b = g_strdup_printf("API, %s", sides[k].label);

            printSideRow(b, benchMedian(stepRsp, RUNS), sides[k].traceApi);
        }
        for (k = 0; k < nsides; k++)
            g_print("     %s API phases: the call %.1f ms, to the stop event "
                    "%.1f ms, fetching the entries %.1f ms\n", sides[k].label,
                    benchMedian(sides[k].traceCall, RUNS),
                    benchMedian(sides[k].traceEvent, RUNS),
                    benchMedian(sides[k].traceGet, RUNS));
        for (k = 0; k < nsides; k++)
            g_print("     %s: virsh-debug debug-step --trace --count 1 (start, "
                    "connect, attach, one step) %.1f ms\n", sides[k].label,
                    benchMedian(sides[k].traceCli1, RUNS));
    }
    if (WANT('4')) {
        g_print("4. 1,000 hits on guest_hot recording rip and guest_hot_count "
                "(raw: gdb commands; silent; printf; continue)\n");
        for (k = 0; k < nsides; k++) {
            g_autofree char *what = g_strdup_printf("API tracepoint, %s",
                                                    sides[k].label);

            g_autofree char *span = g_strdup_printf("  the guest's time for them, %s",
                                                    sides[k].label);

            printSideRow(what, benchMedian(hitsRaw, RUNS), sides[k].hitsMs);
            g_print("     insertion %.1f ms, %.0f drains (one every %d ms)\n",
                    benchMedian(sides[k].hitsInsert, RUNS),
                    benchMedian(sides[k].hitsDrains, RUNS),
                    DRAIN_PAUSE_US / 1000);
            /* first to last hit by the records' timestamps: how long the
             * traced guest took, the drains left out */
            printSideRow(span, benchMedian(hitsRaw, RUNS), sides[k].hitsSpan);
        }
    }
    if (WANT('5')) {
        double none = outValue(rates, "none");
        double trace = outValue(rates, "trace");
        double bp = outValue(rates, "bp");

        g_print("5. guest_hot calls per second, embedded driver (median of %d "
                "periods of %d s):\n",
                RATE_PERIODS, (int) (RATE_PERIOD_US / G_USEC_PER_SEC));
        g_print("  no point                                  %10.0f\n", none);
        g_print("  tracepoint on guest_hot (hit rate)        %10.0f  (%.1f%% of no point)\n",
                trace, 100.0 * trace / none);
        g_print("  never-hit breakpoint in the main loop's page %7.0f  (%.1f%% of no point)\n",
                bp, 100.0 * bp / none);
        /* guest_hot has a page of its own (tests/guest/guest.ld): its
         * tracepoint slows only its own instructions' blocks */
        g_print("  a tracepoint hit costs the guest %.2f us\n",
                (1.0 / trace - 1.0 / none) * G_USEC_PER_SEC);
    }
    for (k = 0; k < nsides; k++) {
        if (!sides[k].lv)
            continue;
        if ((WANT('3') || WANT('4')) && !sides[k].channel)
            g_print("NOTE: the %s API runs were on the monitor path, not the "
                    "debug channel\n", sides[k].label);
        testLibvirtFree(sides[k].lv);
    }
    {
        const char *rm[] = { "rm", "-rf", scratch, NULL };

        g_spawn_sync(NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, NULL, NULL, NULL, NULL);
    }
    return 0;
}
