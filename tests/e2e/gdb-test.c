/*
 * gdb-test.c: the real GDB against the test guest through virsh-debug
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Debian's gdb, in batch mode, debugs the test guest through
 * `target remote | virsh-debug -c URI debug-gdb DOMAIN` (and through
 * `--listen PATH`), on the embedded driver or a private libvirtd (the
 * first argument).  A protocol-level case feeds malformed packets to
 * `virsh-debug debug-gdb` directly.
 *
 * An embedded driver root serves one process at a time, and virsh-debug
 * is that process while GDB runs: this test only connects around setup
 * and the checks it makes after GDB has gone.
 *
 * Symbols: GDB loads the guest's ELF with `symbol-file`, not as its
 * executable.  The guest is 32-bit code on an x86_64 vCPU; an executable
 * would make GDB pick i386 from the file and reject the i386:x86-64
 * target description, which is the thing under test here.  The ELF has
 * no debug info, so variables are named as GDB wants minimal symbols
 * named: {unsigned int} &guest_write_var.
 */

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <poll.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "libvirt-debug/libvirt-debug.h"
#include "testutils-guest.h"
#include "e2e-guest.h"
#include "virsh-debug-embed.h"
#include "testutils-libvirt.h"

/* Every GDB or virsh-debug run is bounded: nothing may hang the suite */
#define GDB_TIMEOUT_S 60
#define PROTO_TIMEOUT_S 30

/* The only warning GDB may print: there is no executable, on purpose
 * (see above) */
static const char *const expectedWarnings[] = {
    "warning: No executable has been specified and target does not support",
    NULL
};

/* Printed by the scripts just before a 'continue' the test interrupts */
#define GDB_MARK_CONTINUING "@@continuing@@"

static const char *kind = "embed";
static testLibvirt *lv;
static const char *domName = "gdb";

static unsigned long long
sym(const char *name)
{
    return testGuestSymbol(name);
}


/* ------------------------------------------------------------------ */
/* Running GDB                                                         */

/* `target remote | virsh-debug ...` for domain @dom.  GDB hands the
 * command to /bin/sh: the URI (with its '?') is quoted. */
static char *
gdbTargetPipe(const char *dom)
{
    return g_strdup_printf("target remote | %s -c '%s' debug-gdb %s",
                           e2eVirshDebugPath(), lv->uri, dom);
}

/* The start of every script: no pager, no questions, the guest's
 * symbols, then @target */
static GString *
gdbScriptNewWith(const char *target, const char *symbolFile)
{
    GString *s = g_string_new(NULL);

    g_string_append(s, "set pagination off\n");
    g_string_append(s, "set confirm off\n");
    g_string_append(s, "set width 0\n");
    g_string_append_printf(s, "symbol-file %s\n", symbolFile);
    g_string_append_printf(s, "%s\n", target);
    return s;
}

static GString *
gdbScriptNew(const char *target)
{
    return gdbScriptNewWith(target, testGuestPath());
}

/* The guest with DWARF line information and types (tests/guest) */
static const char *
guestDebugPath(void)
{
    const char *path = g_getenv("LIBVIRT_DEBUG_GUEST_DEBUG");

    if (!path)
        g_error("LIBVIRT_DEBUG_GUEST_DEBUG is not set: run the tests with meson test");
    return path;
}

/* How many packets starting with @prefix GDB sent (set debug remote 1) */
static guint
countPackets(const char *out, const char *prefix)
{
    g_autofree char *needle = g_strdup_printf("Sending packet: $%s", prefix);
    const char *p = out;
    guint n = 0;

    while ((p = strstr(p, needle))) {
        n++;
        p += strlen(needle);
    }
    return n;
}

/* Reads what @fd has until EOF or @deadline; returns false on timeout.
 * If @onMarker is set, it is called once when @marker first appears. */
static bool
readUntilEOF(int fd, GString *out, gint64 deadline,
             const char *marker, void (*onMarker)(gpointer), gpointer data)
{
    bool markerSeen = false;

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        char buf[4096];
        ssize_t n;

        if (left <= 0)
            return false;
        if (poll(&pfd, 1, left) <= 0)
            continue;
        if ((n = read(fd, buf, sizeof(buf))) < 0)
            continue;
        if (n == 0)
            return true;
        g_string_append_len(out, buf, n);
        if (marker && !markerSeen && strstr(out->str, marker)) {
            markerSeen = true;
            onMarker(data);
        }
    }
}

static void
gdbSendInterrupt(gpointer data)
{
    /* let GDB send its 'vCont;c' and the guest run a little: then
     * Ctrl-C, which batch-mode GDB turns into the interrupt byte */
    g_usleep(G_USEC_PER_SEC / 2);
    g_subprocess_send_signal(data, SIGINT);
}

/* Wait for @proc to exit, at most @timeoutS seconds; kills it then.
 * Returns its exit status, -1 if it had to be killed. */
static int
waitProcess(GSubprocess *proc, int timeoutS)
{
    gint64 deadline = g_get_monotonic_time() + timeoutS * G_USEC_PER_SEC;

    /* GSubprocess reaps on the GLib worker thread: poll its state */
    while (g_get_monotonic_time() < deadline) {
        if (g_subprocess_get_identifier(proc) == NULL)
            break;
        g_usleep(20 * 1000);
    }
    if (g_subprocess_get_identifier(proc) != NULL) {
        g_subprocess_force_exit(proc);
        g_subprocess_wait(proc, NULL, NULL);
        return -1;
    }
    g_subprocess_wait(proc, NULL, NULL);
    if (!g_subprocess_get_if_exited(proc))
        return -1;
    return g_subprocess_get_exit_status(proc);
}

/* Run GDB in batch mode on @script; returns its output (stdout and
 * stderr, where virsh-debug's messages appear too).  Once the script
 * printed GDB_MARK_CONTINUING, @onMarker (if not NULL) is called with
 * GDB's GSubprocess.  Fails the test if GDB does not finish in time or
 * exits with an error. */
static char *
gdbRunWith(GString *script, void (*onMarker)(gpointer))
{
    g_autofree char *path = g_build_filename(lv->dir, "script.gdb", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    GInputStream *stdoutPipe;
    gint64 deadline = g_get_monotonic_time() + GDB_TIMEOUT_S * G_USEC_PER_SEC;
    bool finished;
    int status;

    /* a script file, not -ex: the first failing command ends it, so an
     * unexpected error cannot leave a 'continue' running forever */
    g_assert_true(g_file_set_contents(path, script->str, -1, NULL));
    g_test_message("gdb script:\n%s", script->str);

    proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                            "gdb", "-nx", "-batch", "-x", path, NULL);
    if (!proc)
        g_error("cannot run gdb: %s", error->message);
    /* batch mode reads nothing, but must not find a terminal */
    g_output_stream_close(g_subprocess_get_stdin_pipe(proc), NULL, NULL);

    stdoutPipe = g_subprocess_get_stdout_pipe(proc);
    finished = readUntilEOF(g_unix_input_stream_get_fd(G_UNIX_INPUT_STREAM(stdoutPipe)),
                            out, deadline,
                            onMarker ? GDB_MARK_CONTINUING : NULL,
                            onMarker, proc);
    status = waitProcess(proc, finished ? 10 : 0);
    g_test_message("gdb output:\n%s", out->str);
    if (!finished)
        g_error("gdb did not finish within %d s; its output:\n%s",
                GDB_TIMEOUT_S, out->str);
    if (status != 0)
        g_error("gdb exited with status %d; its output:\n%s", status, out->str);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* gdbRunWith; with @interrupt, GDB gets SIGINT once the script printed
 * GDB_MARK_CONTINUING */
static char *
gdbRun(GString *script, bool interrupt)
{
    return gdbRunWith(script, interrupt ? gdbSendInterrupt : NULL);
}

/* Fails on any warning GDB printed that is not expected, and on the
 * errors that mean GDB and the bridge disagree about the target. */
static void
assertNoWarnings(const char *out)
{
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    size_t i;
    size_t j;

    for (i = 0; lines[i]; i++) {
        const char *line = lines[i];
        bool expected = false;

        if (strstr(line, "Remote 'g' packet reply is too long") ||
            strstr(line, "Remote failure reply") ||
            strstr(line, "Ignoring packet error") ||
            strstr(line, "Remote connection closed")) {
            g_error("gdb: %s\nwhole output:\n%s", line, out);
        }
        if (!g_str_has_prefix(line, "warning:"))
            continue;
        for (j = 0; expectedWarnings[j]; j++) {
            if (g_str_has_prefix(line, expectedWarnings[j]))
                expected = true;
        }
        if (!expected)
            g_error("unexpected gdb %s\nwhole output:\n%s", line, out);
    }
}

static void
assertContains(const char *out, const char *what)
{
    if (!strstr(out, what))
        g_error("gdb output lacks '%s':\n%s", what, out);
}

/* The number after the LAST occurrence of @key in @out (the scripts
 * print "key=0x..." with printf) */
static unsigned long long
outputNumber(const char *out, const char *key)
{
    const char *p = g_strrstr(out, key);
    unsigned long long v;
    char *end;

    if (!p)
        g_error("gdb output lacks '%s':\n%s", key, out);
    p += strlen(key);
    v = g_ascii_strtoull(p, &end, 0);
    if (end == p)
        g_error("no number after '%s' in gdb output:\n%s", key, out);
    return v;
}

/* "printf" lines the scripts use to report values */
#define PRINT_PC(key) "printf \"" key "=0x%lx\\n\", (unsigned long) $pc\n"
#define PRINT_U32(key, var) \
    "printf \"" key "=%u\\n\", {unsigned int} &" var "\n"


/* ------------------------------------------------------------------ */
/* Checks through the API, after GDB is gone                           */

/* The checks run in a child process, this same program with --helper:
 * an embedded driver root stays locked by the first process that opens
 * it until that process exits, closing the connection is not enough.  So
 * this process never opens it while virsh-debug has to. */

static virDomainPtr
lookupDomain(virConnectPtr conn, const char *name)
{
    virDomainPtr d = virDomainLookupByName(conn, name);

    if (!d)
        g_error("no domain '%s': %s", name, virGetLastErrorMessage());
    return d;
}

static unsigned int
readGuestU32(virDomainPtr d, const char *name)
{
    g_autofree char *why = NULL;
    guint32 v;

    if (!e2eReadGuestU32(d, name, &v, &why))
        g_error("%s", why);
    return v;
}

/* What GDB leaves behind: the guest running (its counter advances), no
 * debug point, the domain itself untouched. */
static void
helperCheck(virDomainPtr d)
{
    g_autofree char *why = NULL;

    if (!e2eGuestIsClean(d, &why))
        g_error("%s", why);
}

/* gdb-test --helper URI COMMAND DOMAIN [ARGS]: one libvirt operation,
 * its result on stdout */
static int
helperMain(int argc, char **argv)
{
    testLibvirt helperLv = { 0 };
    const char *cmd;
    const char *name;
    virDomainPtr d = NULL;

    if (argc < 3)
        g_error("usage: --helper URI COMMAND DOMAIN [ARGS]");
    cmd = argv[1];
    name = argv[2];
    testLibvirtRunEventLoop();
    helperLv.uri = argv[0];
    testLibvirtConnect(&helperLv);
    /* an embedded root: before anything can exit, see
     * tools/virsh-debug-embed.c (a helper that exited while libvirt
     * still reconnected to the running domains crashed, silently) */
    virshDebugEmbedSettle(helperLv.conn);

    if (g_str_equal(cmd, "start") && argc == 4) {
        g_autofree char *why = NULL;

        d = testLibvirtStartDomain(&helperLv, name, testLibvirtQemu(),
                                   atoi(argv[3]), NULL);
        if (!e2eWaitGuestUp(d, &why))
            g_error("%s", why);
    } else if (g_str_equal(cmd, "check")) {
        helperCheck(d = lookupDomain(helperLv.conn, name));
    } else if (g_str_equal(cmd, "read32") && argc == 4) {
        d = lookupDomain(helperLv.conn, name);
        g_print("%u\n", readGuestU32(d, argv[3]));
    } else if (g_str_equal(cmd, "write32") && argc == 5) {
        unsigned int v = g_ascii_strtoull(argv[4], NULL, 0);

        d = lookupDomain(helperLv.conn, name);
        if (virDomainDebugAttach(d, 0) < 0 ||
            virDomainDebugWriteMemory(d, sym(argv[3]), (unsigned char *) &v,
                                      sizeof(v), 0, 0) < 0 ||
            virDomainDebugDetach(d, 0) < 0)
            g_error("writing %s: %s", argv[3], virDomainDebugGetLastErrorMessage());
    } else if (g_str_equal(cmd, "setconfig") && argc == 4) {
        d = lookupDomain(helperLv.conn, name);
        if (virDomainDebugSetConfig(d, *argv[3] ? argv[3] : NULL,
                                    VIR_DOMAIN_AFFECT_LIVE) < 0)
            g_error("setting the <debug> element: %s",
                    virDomainDebugGetLastErrorMessage());
    } else if (g_str_equal(cmd, "destroy")) {
        d = lookupDomain(helperLv.conn, name);
        virDomainDestroy(d);
        virDomainUndefine(d);
    } else {
        g_error("unknown helper command '%s'", cmd);
    }
    if (d)
        virDomainFree(d);
    testLibvirtDisconnect(&helperLv);
    return 0;
}

static char *selfPath;

/* Run the helper; returns its output, fails the test if it fails */
static char *
helper(const char *cmd, const char *name, const char *arg1, const char *arg2)
{
    const char *argv[] = { selfPath, "--helper", lv->uri, cmd, name,
                           arg1, arg2, NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;
    char *out = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &out, &err, &status, &error))
        g_error("cannot run the helper: %s", error->message);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("helper %s %s failed:\n%s", cmd, name, err);
    return out;
}

static unsigned int
helperRead32(const char *name, const char *var)
{
    g_autofree char *out = helper("read32", name, var, NULL);

    return g_ascii_strtoull(out, NULL, 10);
}

static void
assertDomainRunningClean(const char *name)
{
    g_free(helper("check", name, NULL, NULL));
}

static void
assertGuestRunningClean(void)
{
    assertDomainRunningClean(domName);
}


/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void
testBreakpoint(gconstpointer data)
{
    bool hw = GPOINTER_TO_INT(data);
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;
    g_autofree char *hit = NULL;

    g_string_append_printf(s, "%s %s\n", hw ? "hbreak" : "break",
                           GUEST_SYM_FUNCTION);
    g_string_append(s, "continue\n");
    g_string_append(s, PRINT_PC("pc1"));
    g_string_append(s, PRINT_U32("calls1", GUEST_SYM_CALLS));
    /* continuing from the breakpoint steps over it: one more call */
    g_string_append(s, "continue\n");
    g_string_append(s, PRINT_PC("pc2"));
    g_string_append(s, PRINT_U32("calls2", GUEST_SYM_CALLS));
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    assertContains(out, hw ? "Hardware assisted breakpoint 1 at" : "Breakpoint 1 at");
    /* ("Thread N hit Breakpoint 1, ..." with several threads) */
    hit = g_strdup_printf("Breakpoint 1, 0x%016llx in %s ()",
                          sym(GUEST_SYM_FUNCTION), GUEST_SYM_FUNCTION);
    assertContains(out, hit);
    g_assert_cmphex(outputNumber(out, "pc1="), ==, sym(GUEST_SYM_FUNCTION));
    g_assert_cmphex(outputNumber(out, "pc2="), ==, sym(GUEST_SYM_FUNCTION));
    g_assert_cmpuint(outputNumber(out, "calls2="), ==,
                     outputNumber(out, "calls1=") + 1);
    assertContains(out, "[Inferior 1 (Remote target) detached]");
    assertGuestRunningClean();
}

typedef struct {
    const char *command;    /* watch, rwatch, awatch */
    const char *var;
    const char *created;    /* what GDB says when it creates it */
} testWatchData;

static void
testWatchpoint(gconstpointer data)
{
    const testWatchData *w = data;
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;
    g_autofree char *created = NULL;
    g_autofree char *hit = NULL;
    unsigned int readVar = 0;

    if (g_str_equal(w->command, "rwatch")) {
        /* what the guest will read */
        readVar = helperRead32(domName, GUEST_SYM_READ_VAR);
    }

    g_string_append_printf(s, "%s {unsigned int} &%s\n", w->command, w->var);
    g_string_append(s, "continue\n");
    g_string_append(s, PRINT_U32("value", "guest_write_var"));
    g_string_append(s, PRINT_PC("pc"));
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    created = g_strdup_printf("%s 1: {unsigned int} &%s", w->created, w->var);
    assertContains(out, created);
    /* the hit repeats it, before the values */
    hit = g_strdup_printf("%s\n\n%s", created,
                          g_str_equal(w->command, "rwatch") ? "Value = " : "Old value = ");
    assertContains(out, hit);

    if (g_str_equal(w->command, "rwatch")) {
        g_autofree char *value = g_strdup_printf("Value = %u", readVar);

        assertContains(out, value);
    } else {
        /* the guest stores its counter there every 256 iterations: the
         * next store after the one GDB saw */
        unsigned int old = outputNumber(out, "Old value = ");
        unsigned int new = outputNumber(out, "New value = ");

        g_assert_cmpuint(new % 256, ==, 0);
        g_assert_cmpuint(new - old, ==, 256);
        g_assert_cmpuint(outputNumber(out, "value="), ==, new);
    }
    /* GDB reports a watchpoint after the access: the guest's main loop */
    g_assert_cmphex(outputNumber(out, "pc="), >, sym("guest_main"));
    g_assert_cmphex(outputNumber(out, "pc="), <, sym("guest_main") + 0x200);
    assertGuestRunningClean();
}

static void
testStepi(void)
{
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;

    /* from a known place: guest_tick's first instruction */
    g_string_append_printf(s, "hbreak %s\ncontinue\ndelete\n", GUEST_SYM_FUNCTION);
    g_string_append(s, PRINT_PC("pc0"));
    g_string_append(s, "stepi\n");
    g_string_append(s, PRINT_PC("pc1"));
    g_string_append(s, "stepi\n");
    g_string_append(s, PRINT_PC("pc2"));
    /* a register the stop did not bring along (a step on the channel
     * brings the frame registers only) is read whole, and agrees with
     * the frame registers it came with */
    g_string_append(s, "printf \"rax-read=%d\\n\", $rax == $rax\n");
    g_string_append(s, "printf \"rip=0x%lx\\n\", $rip\n");
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    assertContains(out, "rax-read=1");
    g_assert_cmphex(outputNumber(out, "rip="), ==, outputNumber(out, "pc2="));
    g_assert_cmphex(outputNumber(out, "pc0="), ==, sym(GUEST_SYM_FUNCTION));
    /* one instruction each: still in guest_tick, moving forward */
    g_assert_cmphex(outputNumber(out, "pc1="), >, outputNumber(out, "pc0="));
    g_assert_cmphex(outputNumber(out, "pc2="), >, outputNumber(out, "pc1="));
    g_assert_cmphex(outputNumber(out, "pc2="), <, sym(GUEST_SYM_FUNCTION) + 16);
    assertContains(out, "in guest_tick ()");
    assertGuestRunningClean();
}

static void
testRegistersAndMemory(void)
{
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;
    g_autofree char *xline = NULL;
    g_auto(GStrv) words = NULL;
    const char *p;

    g_string_append(s, "show architecture\n");
    g_string_append(s, "info registers\n");
    g_string_append(s, "x/4xw &" GUEST_SYM_COUNTER "\n");
    g_string_append(s, PRINT_U32("counter", GUEST_SYM_COUNTER));
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    /* the architecture came from the target description alone */
    assertNoWarnings(out);
    assertContains(out, "The target architecture is set to \"auto\" "
                   "(currently \"i386:x86-64\")");
    assertContains(out, "\nrip            0x");
    assertContains(out, "\nrsp            0x");
    assertContains(out, "\neflags         0x");
    assertContains(out, "\ncr0            0x");

    /* x/4xw: four words at guest_counter, the first of them its value */
    xline = g_strdup_printf("0x%llx <%s>:", sym(GUEST_SYM_COUNTER), GUEST_SYM_COUNTER);
    assertContains(out, xline);
    p = strstr(out, xline) + strlen(xline);
    words = g_strsplit_set(p, " \t\n", 0);
    {
        unsigned long long w[4];
        size_t n = 0;
        size_t i;

        for (i = 0; words[i] && n < 4; i++) {
            if (!*words[i])
                continue;
            g_assert_true(g_str_has_prefix(words[i], "0x"));
            w[n++] = g_ascii_strtoull(words[i], NULL, 16);
        }
        g_assert_cmpuint(n, ==, 4);
        g_assert_cmpuint(w[0], ==, outputNumber(out, "counter="));
    }
    assertGuestRunningClean();
}

static void
testBacktrace(void)
{
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;
    g_autofree char *frame0 = NULL;
    GRegex *re;

    g_string_append_printf(s, "break %s\ncontinue\n", GUEST_SYM_FUNCTION);
    /* two frames: the guest has no debug info, and GDB unwinds its
     * 32-bit stack with the x86-64 rules past guest_main's frame */
    g_string_append(s, "bt 2\n");
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    frame0 = g_strdup_printf("#0  0x%016llx in %s ()", sym(GUEST_SYM_FUNCTION),
                             GUEST_SYM_FUNCTION);
    assertContains(out, frame0);
    re = g_regex_new("\n#1  0x[0-9a-f]+ in guest_main \\(\\)", 0, 0, NULL);
    if (!g_regex_match(re, out, 0, NULL))
        g_error("no caller guest_main in the backtrace:\n%s", out);
    g_regex_unref(re);
    assertGuestRunningClean();
}

/* "next" over a one-line loop of 500 iterations: GDB range-steps the
 * line (vCont;r), the bridge widens the range to all of the line's rows,
 * and QEMU runs the loop without a round trip per instruction */
static void
testNextRange(gconstpointer data)
{
    const char *command = data;
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNewWith(target, guestDebugPath());
    g_autofree char *out = NULL;
    const char *during;

    g_string_append(s, "break guest_loop\ncontinue\ndelete\n");
    /* to the loop's line, then over it: "step" there is "next" (no
     * call in the line), and the same range step */
    g_string_append(s, "next\n");
    g_string_append(s, "printf \"@@next@@\\n\"\n");
    g_string_append_printf(s, "set debug remote 1\n%s\nset debug remote 0\n",
                           command);
    g_string_append(s, "printf \"sum=%u\\n\", guest_loop_sum\n");
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    during = strstr(out, "@@next@@");
    g_assert_nonnull(during);
    /* one range step (GDB stops stepping the line when it leaves it);
     * a few more would still mean the rows were not merged into one */
    g_assert_cmpuint(countPackets(during, "vCont;r"), >=, 1);
    g_assert_cmpuint(countPackets(during, "vCont;r"), <=, 2);
    g_assert_cmpuint(countPackets(during, "vCont;s"), ==, 0);
    g_assert_cmpuint(outputNumber(out, "sum="), ==, 499 * 500 / 2);
    assertContains(during, "guest_loop_runs++;");
    assertGuestRunningClean();
}

/* "break f if cond": GDB sends the condition as agent expression
 * bytecode with the Z0 packet, QEMU evaluates it; "condition" changes
 * and removes it */
static void
testBreakCondition(void)
{
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNewWith(target, guestDebugPath());
    g_autofree char *out = NULL;
    unsigned long long c1, c2, c3;

    g_string_append(s, "break guest_tick if guest_tick_count % 1000 == 999\n");
    g_string_append(s, "set debug remote 1\ncontinue\nset debug remote 0\n");
    g_string_append(s, "printf \"calls1=%u\\n\", guest_tick_count\n");
    g_string_append(s, "condition 1 guest_tick_count % 1000 == 499\n");
    g_string_append(s, "continue\n");
    g_string_append(s, "printf \"calls2=%u\\n\", guest_tick_count\n");
    g_string_append(s, "condition 1\n");
    g_string_append(s, "continue\n");
    g_string_append(s, "printf \"calls3=%u\\n\", guest_tick_count\n");
    g_string_append(s, "delete\ndetach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    /* the condition travels with the insert: Z0,ADDR,KIND;XLEN,BYTECODE
     * (GDB read ConditionalBreakpoints+ in the bridge's qSupported) */
    {
        g_autofree char *withCond = g_strdup_printf("Sending packet: $Z0,%llx,1;X",
                                                    sym(GUEST_SYM_FUNCTION));

        assertContains(out, withCond);
    }
    c1 = outputNumber(out, "calls1=");
    c2 = outputNumber(out, "calls2=");
    c3 = outputNumber(out, "calls3=");
    g_assert_cmpuint(c1 % 1000, ==, 999);
    g_assert_cmpuint(c2 % 1000, ==, 499);
    g_assert_cmpuint(c2, >, c1);
    /* no condition: the very next call */
    g_assert_cmpuint(c3, ==, c2 + 1);
    assertGuestRunningClean();
}

/* A watchpoint with a condition: GDB evaluates it (it sends conditions
 * only with breakpoints), and stops where it holds */
static void
testWatchCondition(void)
{
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNewWith(target, guestDebugPath());
    g_autofree char *out = NULL;

    g_string_append(s, "watch " GUEST_SYM_WRITE_VAR " if "
                    GUEST_SYM_WRITE_VAR " % 0x1000 == 0\n");
    g_string_append(s, "continue\n");
    g_string_append(s, "printf \"w=%u\\n\", " GUEST_SYM_WRITE_VAR "\n");
    g_string_append(s, "delete\ndetach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    g_assert_cmpuint(outputNumber(out, "w=") % 0x1000, ==, 0);
    assertGuestRunningClean();
}

static void
testSetVar(void)
{
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;
    size_t i;

    /* read first: the bridge caches reads while the guest is stopped,
     * and a write must not leave GDB the stale value */
    g_string_append(s, PRINT_U32("before", GUEST_SYM_POKE));
    g_string_append_printf(s, "set var {unsigned int} &%s = 0x1234\n", GUEST_SYM_POKE);
    g_string_append(s, PRINT_U32("poke", GUEST_SYM_POKE));
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);
    assertNoWarnings(out);
    g_assert_cmpuint(outputNumber(out, "before="), ==, 0x5eed);
    g_assert_cmpuint(outputNumber(out, "poke="), ==, 0x1234);

    /* detached, the guest runs and copies it into its echo variable:
     * GDB's write reached the guest's memory, not just the bridge */
    for (i = 0; i < 100 && helperRead32(domName, GUEST_SYM_ECHO) != 0x1234; i++)
        g_usleep(50 * 1000);
    g_assert_cmphex(helperRead32(domName, GUEST_SYM_ECHO), ==, 0x1234);

    /* put it back for the other tests */
    g_free(helper("write32", domName, GUEST_SYM_POKE, "0x5eed"));
    assertGuestRunningClean();
}

static void
testInterrupt(void)
{
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;

    g_string_append(s, PRINT_U32("counter0", GUEST_SYM_COUNTER));
    g_string_append(s, "echo " GDB_MARK_CONTINUING "\\n\n");
    g_string_append(s, "continue\n");
    g_string_append(s, PRINT_U32("counter1", GUEST_SYM_COUNTER));
    /* stopped for real: it steps */
    g_string_append(s, PRINT_PC("pc0"));
    g_string_append(s, "stepi\n");
    g_string_append(s, PRINT_PC("pc1"));
    g_string_append(s, "detach\n");
    out = gdbRun(s, true);

    assertNoWarnings(out);
    assertContains(out, "received signal SIGINT, Interrupt.");
    /* the guest ran between the two reads */
    g_assert_cmpuint(outputNumber(out, "counter1="), !=,
                     outputNumber(out, "counter0="));
    g_assert_cmphex(outputNumber(out, "pc1="), !=, outputNumber(out, "pc0="));
    assertContains(out, "[Inferior 1 (Remote target) detached]");
    assertGuestRunningClean();
}

static void
testKill(void)
{
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;

    /* GDB removes its breakpoints whenever the target stops, unless told
     * to keep them: then 'kill' has one to clean up */
    g_string_append(s, "set breakpoint always-inserted on\n");
    g_string_append_printf(s, "break %s\ncontinue\n", GUEST_SYM_FUNCTION);
    g_string_append(s, "kill\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    assertContains(out, "[Inferior 1 (Remote target) killed]");
    /* 'kill' detached: the domain lives on, without the breakpoint */
    assertGuestRunningClean();
}

/* A bridge slow to answer (a loaded host, a remote libvirt): GDB
 * retransmits its first packet every 2 s while nobody acknowledges it,
 * and must still get one reply per request */
static void
testSlowStart(void)
{
    g_autofree char *target = g_strdup_printf(
        "target remote | sh -c 'sleep 5; exec %s -c \"%s\" debug-gdb %s'",
        e2eVirshDebugPath(), lv->uri, domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;

    g_string_append(s, PRINT_PC("pc"));
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    g_assert_null(strstr(out, "Remote replied unexpectedly"));
    g_assert_cmphex(outputNumber(out, "pc="), >=, 0x100000);
    assertGuestRunningClean();
}

/* detach with points armed: none is left, the guest runs */
static void
testDetach(void)
{
    g_autofree char *target = gdbTargetPipe(domName);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;

    /* The watchpoint goes in after the stop, so that the stop is the
     * breakpoints' wherever GDB attached: attached at guest_tick itself,
     * the next event of the guest may be its write of guest_write_var
     * (every 256 iterations, right after guest_tick returns).  Detach
     * then has all three kinds of point to remove. */
    g_string_append(s, "set breakpoint always-inserted on\n");
    g_string_append_printf(s, "hbreak %s\n", GUEST_SYM_FUNCTION);
    g_string_append_printf(s, "break %s\n", GUEST_SYM_FUNCTION);
    g_string_append(s, "continue\n");
    g_string_append(s, PRINT_PC("pc"));
    g_string_append(s, "awatch {unsigned int} &" GUEST_SYM_WRITE_VAR "\n");
    g_string_append(s, "info breakpoints\n");
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    g_assert_cmphex(outputNumber(out, "pc="), ==, sym(GUEST_SYM_FUNCTION));
    assertContains(out, "acc watchpoint keep y");
    assertContains(out, "[Inferior 1 (Remote target) detached]");
    assertGuestRunningClean();
}

/* `info threads` on a two-vCPU domain: one thread per vCPU */
static void
testThreads(void)
{
    const char *name = "gdb2";
    g_autofree char *target = gdbTargetPipe(name);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;

    g_free(helper("start", name, "2", NULL));

    g_string_append(s, "info threads\n");
    g_string_append(s, "thread 2\n");
    g_string_append(s, PRINT_PC("pc2"));
    g_string_append(s, "thread 1\n");
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    assertContains(out, "Thread 1 (vCPU 0)");
    assertContains(out, "Thread 2 (vCPU 1)");
    g_assert_null(strstr(out, "Thread 3"));
    assertContains(out, "[Switching to thread 2 (Thread 2)]");
    e2eAssertSecondVcpuPc(outputNumber(out, "pc2="));
    assertDomainRunningClean(name);
    g_free(helper("destroy", name, NULL, NULL));
}

/* The domain of testDomainDestroyed ends while GDB waits in 'continue':
 * destroyed through the daemon; on the embedded driver, whose root only
 * the bridge's process may hold, its QEMU is killed (a crash, as libvirt
 * sees it) */
static void
gdbDestroyGone(gpointer data G_GNUC_UNUSED)
{
    g_autofree char *pidfile = g_build_filename(lv->dir, "run", "qemu",
                                                "gone.pid", NULL);
    g_autofree char *pid = NULL;

    /* let GDB send its 'vCont;c' and the guest run */
    g_usleep(G_USEC_PER_SEC / 2);
    if (!g_str_equal(kind, "embed")) {
        g_free(helper("destroy", "gone", NULL, NULL));
        return;
    }
    g_assert_true(g_file_get_contents(pidfile, &pid, NULL, NULL));
    g_assert_cmpint(kill(atoi(pid), SIGKILL), ==, 0);
}

/* A domain destroyed under GDB ends the session as the inferior's death
 * would: GDB, waiting for the guest to stop, is told it was killed, and
 * the bridge says why and ends (it used to answer with errors until its
 * input closed) */
static void
testDomainDestroyed(void)
{
    g_autofree char *target = gdbTargetPipe("gone");
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autofree char *out = NULL;

    g_free(helper("start", "gone", "1", NULL));
    g_string_append_printf(s, "hbreak %s\n", GUEST_SYM_NEVER_CALLED);
    g_string_append(s, "echo " GDB_MARK_CONTINUING "\\n\n");
    g_string_append(s, "continue\n");
    g_string_append(s, "info threads\n");
    out = gdbRunWith(s, gdbDestroyGone);

    assertContains(out, "virsh-debug: domain 'gone' was ");
    assertContains(out, ": the GDB session ends");
    assertContains(out, "Program terminated with signal SIGKILL, Killed.");
    assertContains(out, "No threads.");
    if (g_str_equal(kind, "embed"))
        g_free(helper("destroy", "gone", NULL, NULL));   /* undefines it */
}

static void
testListen(void)
{
    g_autofree char *path = g_build_filename(lv->dir, "gdb.sock", NULL);
    g_autofree char *target = g_strdup_printf("target remote %s", path);
    g_autoptr(GString) s = gdbScriptNew(target);
    g_autoptr(GSubprocess) virsh = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    struct stat st;
    size_t i;

    /* stdout silenced: nothing of virsh-debug's may reach the TAP stream */
    virsh = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                             G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                             e2eVirshDebugPath(), "-c", lv->uri, "debug-gdb",
                             domName, "--listen", path, NULL);
    if (!virsh)
        g_error("cannot run virsh-debug: %s", error->message);

    for (i = 0; i < 500 && lstat(path, &st) < 0; i++)
        g_usleep(20 * 1000);
    g_assert_cmpint(lstat(path, &st), ==, 0);
    g_assert_true(S_ISSOCK(st.st_mode));
    g_assert_cmpint(st.st_mode & 07777, ==, 0600);

    g_string_append_printf(s, "hbreak %s\ncontinue\n", GUEST_SYM_FUNCTION);
    g_string_append(s, PRINT_PC("pc"));
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    assertNoWarnings(out);
    g_assert_cmphex(outputNumber(out, "pc="), ==, sym(GUEST_SYM_FUNCTION));
    g_assert_cmpint(waitProcess(virsh, PROTO_TIMEOUT_S), ==, 0);
    /* one client: the socket went as soon as GDB connected */
    g_assert_cmpint(lstat(path, &st), ==, -1);
    assertGuestRunningClean();
}


/* ------------------------------------------------------------------ */
/* The protocol through the real CLI, with malformed input              */

typedef struct {
    GSubprocess *proc;
    GOutputStream *in;
    int outfd;
    GString *buf;           /* read, not yet consumed */
} protoPeer;

static void
protoSend(protoPeer *peer, const char *data, size_t len)
{
    g_autoptr(GError) error = NULL;

    if (!g_output_stream_write_all(peer->in, data, len, NULL, NULL, &error))
        g_error("writing to virsh-debug: %s", error->message);
}

static void
protoSendPacket(protoPeer *peer, const char *payload)
{
    g_autofree char *packet = NULL;
    guint8 sum = 0;
    const char *p;

    for (p = payload; *p; p++)
        sum += (guint8) *p;
    packet = g_strdup_printf("$%s#%02x", payload, sum);
    protoSend(peer, packet, strlen(packet));
}

/* virsh-debug debug-gdb (with --symbols @symbols unless NULL) as @peer's
 * other end, its output collected in @buf */
static GSubprocess *
protoStart(protoPeer *peer, GString *buf, const char *symbols)
{
    g_autoptr(GError) error = NULL;
    GSubprocess *proc;

    if (symbols)
        proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                e2eVirshDebugPath(), "-c", lv->uri, "--symbols", symbols,
                                "debug-gdb", domName, NULL);
    else
        proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                e2eVirshDebugPath(), "-c", lv->uri, "debug-gdb",
                                domName, NULL);
    if (!proc)
        g_error("cannot run virsh-debug: %s", error->message);
    peer->proc = proc;
    peer->in = g_subprocess_get_stdin_pipe(proc);
    peer->outfd = g_unix_input_stream_get_fd(
        G_UNIX_INPUT_STREAM(g_subprocess_get_stdout_pipe(proc)));
    peer->buf = buf;
    return proc;
}

/* The next unit from the bridge: "+", "-" or a whole packet's payload
 * (its checksum verified) prefixed by '$' */
static char *
protoReceive(protoPeer *peer)
{
    gint64 deadline = g_get_monotonic_time() + PROTO_TIMEOUT_S * G_USEC_PER_SEC;

    for (;;) {
        struct pollfd pfd = { .fd = peer->outfd, .events = POLLIN };
        char tmp[4096];
        gint64 left;
        ssize_t n;

        if (peer->buf->len > 0) {
            char c = peer->buf->str[0];
            const char *hash;

            if (c == '+' || c == '-') {
                g_string_erase(peer->buf, 0, 1);
                return g_strdup_printf("%c", c);
            }
            if (c != '$')
                g_error("unexpected byte 0x%02x from the bridge", (guint8) c);
            if ((hash = strchr(peer->buf->str, '#')) &&
                hash + 2 < peer->buf->str + peer->buf->len) {
                size_t plen = hash - peer->buf->str - 1;
                g_autofree char *payload = g_strndup(peer->buf->str + 1, plen);
                g_autofree char *cs = g_strndup(hash + 1, 2);
                guint8 sum = 0;
                size_t i;

                for (i = 0; i < plen; i++)
                    sum += (guint8) payload[i];
                g_assert_cmpuint(sum, ==, g_ascii_strtoull(cs, NULL, 16));
                g_string_erase(peer->buf, 0, plen + 4);
                return g_strdup_printf("$%s", payload);
            }
        }

        left = (deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0)
            g_error("no reply from virsh-debug within %d s (have '%s')",
                    PROTO_TIMEOUT_S, peer->buf->str);
        if (poll(&pfd, 1, left) <= 0)
            continue;
        if ((n = read(peer->outfd, tmp, sizeof(tmp))) <= 0)
            g_error("virsh-debug closed its output (have '%s')", peer->buf->str);
        g_string_append_len(peer->buf, tmp, n);
    }
}

static void
protoExpect(protoPeer *peer, const char *prefix)
{
    g_autofree char *got = protoReceive(peer);

    if (!g_str_has_prefix(got, prefix))
        g_error("expected '%s...' from the bridge, got '%s'", prefix, got);
}

static void
testProtocolMalformed(void)
{
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GString) buf = g_string_new(NULL);
    g_autoptr(GString) big = g_string_new("$");
    protoPeer peer = { 0 };

    proc = protoStart(&peer, buf, NULL);

    /* a well-formed start */
    protoSendPacket(&peer, "qSupported:swbreak+;hwbreak+");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$PacketSize=");

    /* a bad checksum: a NAK, so the peer resends */
    protoSend(&peer, "$?#00", 5);
    protoExpect(&peer, "-");

    /* oversized (64 KiB, past the advertised 16 KiB): taken and refused */
    g_string_append_c(big, 'm');
    while (big->len < 64 * 1024)
        g_string_append_c(big, '0');
    g_string_append(big, "#00");
    protoSend(&peer, big->str, big->len);
    protoExpect(&peer, "+");
    protoExpect(&peer, "$E");

    /* garbage between packets is line noise: no reply */
    protoSend(&peer, "garbage \xff\xfe\r\n", 12);

    /* a packet cut short by the next: the torn one is NAKed */
    protoSend(&peer, "$m10", 4);
    protoSendPacket(&peer, "?");
    protoExpect(&peer, "-");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$T05thread:");

    /* bad checksum digits, then bad run-length encoding */
    protoSend(&peer, "$?#zz", 5);
    protoExpect(&peer, "-");
    protoSendPacket(&peer, "*!");
    protoExpect(&peer, "-");

    /* well framed, nonsense inside: error replies */
    protoSendPacket(&peer, "mzz,4");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$E");
    protoSendPacket(&peer, "Z9,100000,1");
    protoExpect(&peer, "+");
    protoSendPacket(&peer, "Hg99");
    protoExpect(&peer, "$");        /* Z9: empty, not supported */
    protoExpect(&peer, "+");
    protoExpect(&peer, "$E");
    protoSendPacket(&peer, "vCont;x");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$E");

    /* and it still works */
    protoSendPacket(&peer, "?");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$T05thread:01;");
    protoSendPacket(&peer, "g");
    protoExpect(&peer, "+");
    {
        g_autofree char *regs = protoReceive(&peer);

        g_assert_true(regs[0] == '$' && strlen(regs) > 100);
    }

    /* D: detached, the guest runs, virsh-debug exits successfully */
    protoSendPacket(&peer, "D");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$OK");
    g_output_stream_close(peer.in, NULL, NULL);
    g_assert_cmpint(waitProcess(proc, PROTO_TIMEOUT_S), ==, 0);
    assertGuestRunningClean();
}


/* ------------------------------------------------------------------ */
/* GDB started without a file gets the guest's symbols                 */

/* A GDB with no file: the bridge names the symbol file (--symbols, or the
 * domain's <debug:symbols>) and GDB reads it through the protocol, then
 * knows guest_tick without being told. */
static void
testExecFile(gconstpointer data)
{
    bool fromXml = GPOINTER_TO_INT(data);
    g_autofree char *target = NULL;
    g_autoptr(GString) s = g_string_new(NULL);
    g_autofree char *out = NULL;
    g_autofree char *hit = NULL;
    g_autofree char *reading = NULL;
    size_t i;

    if (fromXml) {
        g_autofree char *xml = g_strdup_printf(
            "<debug xmlns='http://libvirt-debug.org/schemas/domain/debug/1.0'>"
            "<symbols file='%s'/></debug>", testGuestPath());

        g_free(helper("setconfig", domName, xml, NULL));
        target = gdbTargetPipe(domName);
    } else {
        target = g_strdup_printf("target remote | %s -c '%s' --symbols %s debug-gdb %s",
                                 e2eVirshDebugPath(), lv->uri, testGuestPath(), domName);
    }
    /* no symbol-file, no file argument */
    g_string_append(s, "set pagination off\nset confirm off\nset width 0\n");
    g_string_append_printf(s, "%s\n", target);
    g_string_append_printf(s, "hbreak %s\n", GUEST_SYM_FUNCTION);
    g_string_append(s, "continue\n");
    g_string_append(s, PRINT_PC("pc"));
    g_string_append(s, PRINT_U32("calls", GUEST_SYM_CALLS));
    g_string_append(s, "info inferiors\n");
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    /* the warnings GDB prints about it, and no other: the slow-transfer
     * hint it always gives, and the test guest's i386 ELF on an x86-64
     * vCPU (see the top of this file), which GDB then reads as symbols
     * only, as 'symbol-file' would */
    {
        g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
        const char *allowed[] = {
            "warning: File transfers from remote targets can be slow",
            "warning: Selected architecture i386 is not compatible with "
            "reported target architecture i386:x86-64",
            "warning: Architecture of file not recognized",
            NULL,
        };

        for (i = 0; lines[i]; i++) {
            bool ok = !g_str_has_prefix(lines[i], "warning:");
            size_t j;

            for (j = 0; allowed[j]; j++)
                ok = ok || g_str_has_prefix(lines[i], allowed[j]);
            if (!ok)
                g_error("unexpected gdb %s\nwhole output:\n%s", lines[i], out);
        }
    }
    /* GDB read the file from the target, not from its own disk */
    reading = g_strdup_printf("Reading %s from remote target", testGuestPath());
    assertContains(out, reading);
    hit = g_strdup_printf("Breakpoint 1, 0x%016llx in %s ()",
                          sym(GUEST_SYM_FUNCTION), GUEST_SYM_FUNCTION);
    assertContains(out, hit);
    g_assert_cmphex(outputNumber(out, "pc="), ==, sym(GUEST_SYM_FUNCTION));
    g_assert_cmpuint(outputNumber(out, "calls="), >, 0);
    g_assert_null(strstr(out, "No symbol table is loaded"));
    assertContains(out, "[Inferior 1 (Remote target) detached]");
    if (fromXml)
        g_free(helper("setconfig", domName, "", NULL));
    assertGuestRunningClean();
}


/* A kernel relocated by KASLR, emulated: the guest's ELF with every
 * address 0x100000 lower (objcopy).  The bridge finds the offset by the
 * guest's syscall entry point and answers GDB's qOffsets with it, so the
 * symbols GDB reads from the target land where the guest runs them. */
static void
testExecFileRelocated(void)
{
    g_autofree char *shifted = g_build_filename(lv->dir, "shifted.elf", NULL);
    const char *objcopy[] = { "objcopy", "--change-addresses", "-0x100000",
                              testGuestPath(), shifted, NULL };
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *at = NULL;
    g_autofree char *hit = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **)objcopy, NULL, G_SPAWN_SEARCH_PATH, NULL,
                      NULL, NULL, NULL, &status, &error) ||
        !g_spawn_check_wait_status(status, &error))
        g_error("objcopy failed: %s", error->message);

    g_string_append(s, "set pagination off\nset confirm off\nset width 0\n");
    g_string_append_printf(s, "target remote | %s -c '%s' --symbols %s debug-gdb %s\n",
                           e2eVirshDebugPath(), lv->uri, shifted, domName);
    g_string_append_printf(s, "info address %s\n", GUEST_SYM_FUNCTION);
    g_string_append_printf(s, "hbreak %s\n", GUEST_SYM_FUNCTION);
    g_string_append(s, "continue\n");
    g_string_append(s, PRINT_PC("pc"));
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);

    at = g_strdup_printf("Symbol \"%s\" is at 0x%llx", GUEST_SYM_FUNCTION,
                         sym(GUEST_SYM_FUNCTION));
    assertContains(out, at);
    hit = g_strdup_printf("Breakpoint 1, 0x%016llx in %s ()",
                          sym(GUEST_SYM_FUNCTION), GUEST_SYM_FUNCTION);
    assertContains(out, hit);
    g_assert_cmphex(outputNumber(out, "pc="), ==, sym(GUEST_SYM_FUNCTION));
    assertContains(out, "[Inferior 1 (Remote target) detached]");
    g_unlink(shifted);
    assertGuestRunningClean();
}


/* Host I/O serves the one file, read-only; without a symbol file the
 * bridge offers neither the exec file nor host I/O. */
static void
testProtocolFiles(void)
{
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GString) buf = g_string_new(NULL);
    g_autoptr(GString) hexPath = g_string_new(NULL);
    g_autofree char *contents = NULL;
    g_autofree char *openFile = NULL;
    g_autofree char *openWrite = NULL;
    g_autofree char *reply = NULL;
    const char *path = testGuestPath();
    protoPeer peer = { 0 };
    gsize len = 0;
    size_t i;

    g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
    for (i = 0; path[i]; i++)
        g_string_append_printf(hexPath, "%02x", (guint8) path[i]);

    proc = protoStart(&peer, buf, path);

    protoSendPacket(&peer, "qSupported:swbreak+;hwbreak+");
    protoExpect(&peer, "+");
    reply = protoReceive(&peer);
    g_assert_nonnull(strstr(reply, ";qXfer:exec-file:read+"));
    g_clear_pointer(&reply, g_free);

    /* the path, whole */
    protoSendPacket(&peer, "qXfer:exec-file:read::0,1000");
    protoExpect(&peer, "+");
    reply = protoReceive(&peer);
    g_assert_true(g_str_has_prefix(reply, "$l"));
    g_assert_cmpstr(reply + 2, ==, path);
    g_clear_pointer(&reply, g_free);

    /* another file does not exist; the file is not writable */
    protoSendPacket(&peer, "vFile:setfs:0");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$F0");
    protoSendPacket(&peer, "vFile:open:2f6574632f706173737764,0,0");  /* /etc/passwd */
    protoExpect(&peer, "+");
    protoExpect(&peer, "$F-1,2");
    openWrite = g_strdup_printf("vFile:open:%s,2,0", hexPath->str);
    protoSendPacket(&peer, openWrite);
    protoExpect(&peer, "+");
    protoExpect(&peer, "$F-1,d");

    /* read-only: its first bytes, as on disk */
    openFile = g_strdup_printf("vFile:open:%s,0,0", hexPath->str);
    protoSendPacket(&peer, openFile);
    protoExpect(&peer, "+");
    reply = protoReceive(&peer);
    g_assert_cmpstr(reply, ==, "$F1");
    g_clear_pointer(&reply, g_free);
    protoSendPacket(&peer, "vFile:pread:1,4,0");
    protoExpect(&peer, "+");
    reply = protoReceive(&peer);
    g_assert_cmpstr(reply, ==, "$F4;\x7f" "ELF");
    g_clear_pointer(&reply, g_free);
    protoSendPacket(&peer, "vFile:pwrite:1,0,41");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$F-1,d");
    protoSendPacket(&peer, "vFile:close:1");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$F0");
    protoSendPacket(&peer, "vFile:pread:1,4,0");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$F-1,9");

    protoSendPacket(&peer, "D");
    protoExpect(&peer, "+");
    protoExpect(&peer, "$OK");
    g_output_stream_close(peer.in, NULL, NULL);
    g_assert_cmpint(waitProcess(proc, PROTO_TIMEOUT_S), ==, 0);
    g_assert_cmpuint(len, >, 4);
    assertGuestRunningClean();
}


/* ------------------------------------------------------------------ */
/* Over ssh: the bridge on the host, GDB's protocol through ssh         */

typedef struct {
    char *dir;
    int port;
    GPid pid;
} loopSshd;

static bool
runQuiet(const char *const *argv)
{
    int status;

    return g_spawn_sync(NULL, (char **) argv, NULL,
                        G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                        G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL) &&
           g_spawn_check_wait_status(status, NULL);
}

/* A free TCP port on 127.0.0.1 (the kernel's pick; sshd binds it next) */
static int
freeLoopbackPort(void)
{
    struct sockaddr_in addr = { .sin_family = AF_INET,
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *) &addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *) &addr, &len), ==, 0);
    port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

/* An sshd of the test's own on 127.0.0.1 (never another interface),
 * accepting one key made here; false if this host has no sshd */
static bool
loopSshdStart(loopSshd *sshd)
{
    g_autofree char *hostKey = NULL;
    g_autofree char *key = NULL;
    g_autofree char *pub = NULL;
    g_autofree char *config = NULL;
    g_autofree char *configPath = NULL;
    g_autofree char *authorized = NULL;
    g_autofree char *keyText = NULL;
    g_autoptr(GError) error = NULL;
    gint64 deadline;

    if (!g_file_test("/usr/sbin/sshd", G_FILE_TEST_IS_EXECUTABLE) ||
        !g_find_program_in_path("ssh") || !g_find_program_in_path("ssh-keygen"))
        return false;

    sshd->dir = g_build_filename(lv->dir, "sshd", NULL);
    g_assert_cmpint(g_mkdir_with_parents(sshd->dir, 0700), ==, 0);
    hostKey = g_build_filename(sshd->dir, "host_key", NULL);
    key = g_build_filename(sshd->dir, "key", NULL);
    pub = g_build_filename(sshd->dir, "key.pub", NULL);
    authorized = g_build_filename(sshd->dir, "authorized_keys", NULL);
    {
        const char *const hostArgv[] = { "ssh-keygen", "-q", "-t", "ed25519",
                                         "-N", "", "-f", hostKey, NULL };
        const char *const keyArgv[] = { "ssh-keygen", "-q", "-t", "ed25519",
                                         "-N", "", "-f", key, NULL };

        g_assert_true(runQuiet((const char *const *) hostArgv));
        g_assert_true(runQuiet((const char *const *) keyArgv));
    }
    g_assert_true(g_file_get_contents(pub, &keyText, NULL, NULL));
    g_assert_true(g_file_set_contents(authorized, keyText, -1, NULL));

    /* sshd wants its privilege separation directory */
    g_mkdir_with_parents("/run/sshd", 0755);
    sshd->port = freeLoopbackPort();
    config = g_strdup_printf("Port %d\n"
                             "ListenAddress 127.0.0.1\n"
                             "HostKey %s\n"
                             "AuthorizedKeysFile %s\n"
                             "PidFile %s/sshd.pid\n"
                             "StrictModes no\n"
                             "UsePAM no\n"
                             "PasswordAuthentication no\n"
                             "KbdInteractiveAuthentication no\n"
                             "PermitRootLogin prohibit-password\n",
                             sshd->port, hostKey, authorized, sshd->dir);
    configPath = g_build_filename(sshd->dir, "sshd_config", NULL);
    g_assert_true(g_file_set_contents(configPath, config, -1, NULL));
    {
        const char *const argv[] = { "/usr/sbin/sshd", "-D", "-e",
                                     "-f", configPath, NULL };

        if (!g_spawn_async(NULL, (char **) argv, NULL,
                           G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                           G_SPAWN_STDERR_TO_DEV_NULL,
                           NULL, NULL, &sshd->pid, &error))
            g_error("cannot start sshd: %s", error->message);
    }

    /* listening once a connection to its port succeeds */
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    for (;;) {
        struct sockaddr_in addr = { .sin_family = AF_INET,
                                    .sin_port = htons(sshd->port),
                                    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        int rc = connect(fd, (struct sockaddr *) &addr, sizeof(addr));

        close(fd);
        if (rc == 0)
            break;
        if (g_get_monotonic_time() > deadline)
            g_error("the test's sshd did not listen on 127.0.0.1:%d", sshd->port);
        g_usleep(50 * 1000);
    }
    return true;
}

static void
loopSshdStop(loopSshd *sshd)
{
    if (sshd->pid > 0) {
        kill(sshd->pid, SIGTERM);
        waitpid(sshd->pid, NULL, 0);
        g_spawn_close_pid(sshd->pid);
    }
    g_free(sshd->dir);
}

/* gdb -ex 'target remote | ssh host virsh-debug debug-gdb DOMAIN', as
 * docs/gdb-bridge.rst tells remote users: the bridge runs on the host,
 * opens the debug channel there (demanded, so a fallback to the monitor
 * path fails the test), and ssh carries GDB's protocol. */
static void
testOverSsh(void)
{
    loopSshd sshd = { 0 };
    g_autofree char *key = NULL;
    g_autofree char *target = NULL;
    g_autoptr(GString) s = NULL;
    g_autofree char *out = NULL;
    const char *transport = e2eChannelExpected() ? "channel" : "monitor";

    if (!loopSshdStart(&sshd)) {
        g_test_skip("no sshd on this host (scripts/setup.sh installs "
                    "openssh-server)");
        return;
    }
    key = g_build_filename(sshd.dir, "key", NULL);
    target = g_strdup_printf(
        "target remote | ssh -p %d -i %s -o BatchMode=yes "
        "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
        "-o LogLevel=ERROR root@127.0.0.1 "
        "\"env LIBVIRT_DEBUG_TRANSPORT=%s %s -c '%s' debug-gdb %s\"",
        sshd.port, key, transport, e2eVirshDebugPath(), lv->uri, domName);
    s = gdbScriptNew(target);
    g_string_append_printf(s, "hbreak %s\ncontinue\ndelete\n", GUEST_SYM_FUNCTION);
    g_string_append(s, PRINT_PC("pc0"));
    g_string_append(s, "stepi\n");
    g_string_append(s, PRINT_PC("pc1"));
    g_string_append(s, "detach\n");
    out = gdbRun(s, false);
    loopSshdStop(&sshd);

    assertNoWarnings(out);
    g_assert_cmphex(outputNumber(out, "pc0="), ==, sym(GUEST_SYM_FUNCTION));
    g_assert_cmphex(outputNumber(out, "pc1="), >, outputNumber(out, "pc0="));
    assertContains(out, "[Inferior 1 (Remote target) detached]");
    assertGuestRunningClean();
}


int
main(int argc, char **argv)
{
    static const testWatchData watchWrite = {
        "watch", GUEST_SYM_WRITE_VAR, "Hardware watchpoint" };
    static const testWatchData watchRead = {
        "rwatch", GUEST_SYM_READ_VAR, "Hardware read watchpoint" };
    static const testWatchData watchAccess = {
        "awatch", GUEST_SYM_WRITE_VAR, "Hardware access (read/write) watchpoint" };
    int ret;

    if (argc > 2 && g_str_equal(argv[1], "--helper"))
        return helperMain(argc - 2, argv + 2);

    selfPath = g_canonicalize_filename(argv[0], NULL);
    g_test_init(&argc, &argv, NULL);
    if (argc > 1)
        kind = argv[1];

    if (!g_find_program_in_path("gdb")) {
        g_test_skip("gdb is not installed");
        return g_test_run();
    }

    g_test_add_data_func("/gdb/break", GINT_TO_POINTER(0), testBreakpoint);
    g_test_add_data_func("/gdb/hbreak", GINT_TO_POINTER(1), testBreakpoint);
    g_test_add_data_func("/gdb/watch", &watchWrite, testWatchpoint);
    g_test_add_data_func("/gdb/rwatch", &watchRead, testWatchpoint);
    g_test_add_data_func("/gdb/awatch", &watchAccess, testWatchpoint);
    g_test_add_func("/gdb/stepi", testStepi);
    g_test_add_func("/gdb/over-ssh", testOverSsh);
    g_test_add_func("/gdb/registers-memory", testRegistersAndMemory);
    g_test_add_func("/gdb/bt", testBacktrace);
    g_test_add_data_func("/gdb/next-range", "next", testNextRange);
    g_test_add_data_func("/gdb/step-range", "step", testNextRange);
    g_test_add_func("/gdb/break-condition", testBreakCondition);
    g_test_add_func("/gdb/watch-condition", testWatchCondition);
    g_test_add_func("/gdb/set-var", testSetVar);
    g_test_add_func("/gdb/interrupt", testInterrupt);
    g_test_add_func("/gdb/slow-start", testSlowStart);
    g_test_add_func("/gdb/detach", testDetach);
    g_test_add_func("/gdb/domain-destroyed", testDomainDestroyed);
    g_test_add_func("/gdb/kill", testKill);
    g_test_add_func("/gdb/threads", testThreads);
    g_test_add_func("/gdb/listen", testListen);
    g_test_add_func("/gdb/protocol-malformed", testProtocolMalformed);
    g_test_add_data_func("/gdb/exec-file/option", GINT_TO_POINTER(0), testExecFile);
    g_test_add_data_func("/gdb/exec-file/xml", GINT_TO_POINTER(1), testExecFile);
    g_test_add_func("/gdb/exec-file/relocated", testExecFileRelocated);
    g_test_add_func("/gdb/protocol-files", testProtocolFiles);

    /* no connection of our own: see helperMain() */
    lv = testLibvirtPrepare(kind);
    g_free(helper("start", domName, "1", NULL));

    ret = g_test_run();
    testLibvirtFree(lv);
    return ret;
}
