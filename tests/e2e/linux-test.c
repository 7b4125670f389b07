/*
 * linux-test.c: Debian's own kernel, debugged as users debug it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The current Debian 12 kernel (tests/linux/fetch-kernel.sh downloads it
 * with its vmlinux from the -dbg package and builds a busybox initramfs
 * whose /init makes syscalls forever) boots once, with KASLR, under the
 * patched QEMU on TCG, on the embedded driver or a private libvirtd (the
 * first argument; LIBVIRT_DEBUG_TRANSPORT=monitor forces the monitor
 * path).  The domain's <debug:symbols> names the vmlinux.  Then:
 *  - GDB with no file attaches through `virsh-debug debug-gdb`, reads the
 *    vmlinux through the bridge, relocates it by the KASLR offset the
 *    bridge reports, and a hardware breakpoint on do_sys_openat2 hits;
 *    bt, stepi and next work with file:line, detach leaves it running;
 *  - the CLI breaks on do_sys_openat2 by name: it finds the KASLR offset
 *    itself, the breakpoint hits and the stop names the symbol.
 *
 * An embedded driver root serves one process at a time (see
 * testutils-libvirt.h): this program does its libvirt work in a child
 * process (itself with --helper) while virsh-debug and GDB use the root.
 */

#include <glib.h>
#include <gio/gio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "libvirt-debug/libvirt-debug.h"
#include "e2e-guest.h"
#include "testutils-libvirt.h"

#define DOMAIN "linux"
#define NS "http://libvirt-debug.org/schemas/domain/debug/1.0"
/* the function every open() of the guest's /init loop runs through */
#define SYSCALL_FUNCTION "do_sys_openat2"
#define SYSCALL_FILE "fs/open.c"
/* what /init prints once it runs (tests/linux/fetch-kernel.sh) */
#define INIT_MARK "linux-test: init is running"
/* KASLR on, nothing slow: no CPU bug mitigations under TCG */
#define CMDLINE "console=ttyS0 quiet mitigations=off panic=-1"

/* The TCG boot takes 10 to 20 s on an idle machine; every command is
 * bounded so that nothing hangs the suite */
#define BOOT_TIMEOUT_S 240
#define GDB_TIMEOUT_S "300"
/* GDB 13 reads the stderr of a `target remote | COMMAND` once per byte
 * it receives from COMMAND for as long as that stderr is open (ser-base.c,
 * generic_readchar), about 0.4 MB/s here: at that rate the 600 MB
 * vmlinux would take some 25 minutes through the bridge's host I/O.  So
 * on that pipe GDB reads it from the disk it shares with the bridge
 * (`set sysroot /`, as docs/gdb-bridge.rst says and as the bridge's note
 * suggests); past this bound the case fails, and says why. */
#define GDB_PIPE_TIMEOUT_S "180"
#define CLI_TIMEOUT_S "120"
#define WAIT_TIMEOUT_S "60"

static const char *kind = "embed";
static testLibvirt *lv;
static char *kernelDir;     /* the fetch script's cache directory */
static char *vmlinux;
static char *selfPath;


/* ------------------------------------------------------------------ */
/* Running programs                                                    */

typedef struct {
    int status;      /* exit status, -1 if it did not exit */
    char *out;       /* stdout, and stderr too when merged */
    char *err;
} Result;

static void
resultClear(Result *r)
{
    g_clear_pointer(&r->out, g_free);
    g_clear_pointer(&r->err, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Result, resultClear);

/* Runs @argv (NULL-terminated) to its end; its output in @res, stderr
 * after stdout unless @merge puts both in res->out in order */
static void
runArgv(Result *res, bool merge, const char *const *argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_autofree char *line = g_strjoinv(" ", (char **) argv);
    gint64 start = g_get_monotonic_time();

    resultClear(res);
    proc = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                             G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                             (merge ? G_SUBPROCESS_FLAGS_STDERR_MERGE :
                                      G_SUBPROCESS_FLAGS_STDERR_PIPE),
                             &error);
    if (!proc)
        g_error("cannot run %s: %s", argv[0], error->message);
    /* no input: GDB's batch mode must find no terminal either */
    if (!g_subprocess_communicate_utf8(proc, "", NULL, &res->out,
                                       merge ? NULL : &res->err, &error))
        g_error("running %s: %s", argv[0], error->message);
    res->status = g_subprocess_get_if_exited(proc) ?
                  g_subprocess_get_exit_status(proc) : -1;
    g_test_message("$ %s   (%.1f s)\n--- output\n%s--- stderr\n%s--- exit %d",
                   line, (g_get_monotonic_time() - start) / 1e6, res->out,
                   res->err ? res->err : "", res->status);
}

/* virsh-debug -c URI ARGS..., bounded by CLI_TIMEOUT_S */
#define VIRSH_DEBUG(res, ...) \
    do { \
        const char *const argv_[] = { "timeout", CLI_TIMEOUT_S, \
                                      e2eVirshDebugPath(), "-c", lv->uri, \
                                      __VA_ARGS__, NULL }; \
        runArgv((res), false, argv_); \
    } while (0)

static void
assertContains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        g_error("'%s' not found in:\n%s", needle, haystack);
}

/* The first match of @pattern (multi-line) in @text, its group @group */
static char *
matchGroup(const char *text, const char *pattern, int group)
{
    g_autoptr(GRegex) re = g_regex_new(pattern, G_REGEX_MULTILINE, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;

    g_assert_nonnull(re);
    if (!g_regex_match(re, text, 0, &match))
        g_error("nothing matches /%s/ in:\n%s", pattern, text);
    return g_match_info_fetch(match, group);
}


/* ------------------------------------------------------------------ */
/* libvirt work, in a process of its own (see the top of this file)    */

static char *
domainXML(const char *dir, const char *console)
{
    return g_strdup_printf(
        "<domain type='qemu'>\n"
        "  <name>" DOMAIN "</name>\n"
        "  <memory unit='MiB'>512</memory>\n"
        "  <vcpu>2</vcpu>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "    <kernel>%s/vmlinuz</kernel>\n"
        "    <initrd>%s/initramfs.gz</initrd>\n"
        "    <cmdline>" CMDLINE "</cmdline>\n"
        "  </os>\n"
        "  <metadata>\n"
        "    <debug:debug xmlns:debug='" NS "' allowed='yes' writable='yes'>\n"
        "      <debug:symbols file='%s/vmlinux'/>\n"
        "    </debug:debug>\n"
        "  </metadata>\n"
        "  <devices>\n"
        "    <emulator>%s</emulator>\n"
        "    <controller type='usb' model='none'/>\n"
        "    <memballoon model='none'/>\n"
        "    <serial type='file'>\n"
        "      <source path='%s'/>\n"
        "      <target port='0'/>\n"
        "    </serial>\n"
        "  </devices>\n"
        "</domain>\n",
        dir, dir, dir, testLibvirtQemu(), console);
}

/* linux-test --helper URI start KERNELDIR CONSOLE | check */
static int
helperMain(int argc, char **argv)
{
    testLibvirt helperLv = { 0 };
    virDomainPtr dom = NULL;
    g_autofree char *why = NULL;

    if (argc < 2)
        g_error("usage: --helper URI start KERNELDIR CONSOLE | check");
    testLibvirtRunEventLoop();
    helperLv.uri = argv[0];
    testLibvirtConnect(&helperLv);

    if (g_str_equal(argv[1], "start") && argc == 4) {
        g_autofree char *xml = domainXML(argv[2], argv[3]);

        if (!(dom = virDomainDefineXML(helperLv.conn, xml)))
            g_error("cannot define " DOMAIN ": %s", virGetLastErrorMessage());
        if (virDomainCreate(dom) < 0)
            g_error("cannot start " DOMAIN ": %s", virGetLastErrorMessage());
    } else if (g_str_equal(argv[1], "check")) {
        if (!(dom = virDomainLookupByName(helperLv.conn, DOMAIN)))
            g_error("no domain " DOMAIN ": %s", virGetLastErrorMessage());
        if (!e2eDomainIsClean(dom, &why))
            g_error("%s", why);
    } else {
        g_error("unknown helper command '%s'", argv[1]);
    }
    virDomainFree(dom);
    testLibvirtDisconnect(&helperLv);
    return 0;
}

static void
helper(const char *cmd, const char *arg1, const char *arg2)
{
    const char *const argv[] = { selfPath, "--helper", lv->uri, cmd, arg1, arg2,
                                 NULL };
    g_auto(Result) r = { 0 };

    runArgv(&r, false, argv);
    if (r.status != 0)
        g_error("helper %s failed:\n%s", cmd, r.err);
}

/* What a debugger leaves behind: the domain running, no debug point,
 * no vCPU stopped for the debugger */
static void
assertDomainRunningClean(void)
{
    helper("check", NULL, NULL);
}


/* ------------------------------------------------------------------ */
/* The kernel                                                          */

/* The cache directory of tests/linux/fetch-kernel.sh (its last line of
 * output), downloading on the first run; NULL with @why if it fails */
static char *
fetchKernel(char **why)
{
    g_autofree char *script = g_build_filename(g_getenv("LIBVIRT_DEBUG_SRCDIR"),
                                               "tests", "linux", "fetch-kernel.sh",
                                               NULL);
    const char *const argv[] = { "sh", script, NULL };
    g_auto(Result) r = { 0 };
    g_auto(GStrv) lines = NULL;
    guint n;

    runArgv(&r, false, argv);
    lines = g_strsplit(g_strstrip(r.out), "\n", -1);
    n = g_strv_length(lines);
    if (r.status != 0 || n == 0 ||
        !g_file_test(lines[n - 1], G_FILE_TEST_IS_DIR)) {
        *why = g_strdup_printf("%s failed (exit %d): %s", script, r.status,
                               r.err);
        return NULL;
    }
    return g_strdup(lines[n - 1]);
}

/* Starts the domain and waits until its /init runs: by then the kernel
 * has set up its syscall entry, which tells its KASLR offset */
static void
bootKernel(void)
{
    g_autofree char *console = g_build_filename(lv->dir, "console.log", NULL);
    gint64 start = g_get_monotonic_time();
    gint64 deadline = start + BOOT_TIMEOUT_S * G_USEC_PER_SEC;

    helper("start", kernelDir, console);
    for (;;) {
        g_autofree char *text = NULL;

        if (g_file_get_contents(console, &text, NULL, NULL) &&
            strstr(text, INIT_MARK))
            break;
        if (g_get_monotonic_time() > deadline)
            g_error("the kernel's /init did not run within %d s; its console:\n%s",
                    BOOT_TIMEOUT_S, text ? text : "(nothing)");
        g_usleep(G_USEC_PER_SEC / 10);
    }
    g_test_message("the kernel booted to /init in %.1f s",
                   (g_get_monotonic_time() - start) / 1e6);
}

/* The address of @name in the vmlinux, before relocation */
static unsigned long long
fileSymbol(const char *name)
{
    static virDomainDebugSymbols *syms;
    unsigned long long addr;

    if (!syms && !(syms = virDomainDebugSymbolsOpen(vmlinux, 0)))
        g_error("cannot read %s: %s", vmlinux, virDomainDebugGetLastErrorMessage());
    if (virDomainDebugSymbolsLookup(syms, name, &addr, NULL) < 0)
        g_error("no %s in %s: %s", name, vmlinux, virDomainDebugGetLastErrorMessage());
    return addr;
}

/* The offset of "note: the kernel of domain 'linux' runs +0x... from"
 * in @text: where KASLR put the kernel, relative to the vmlinux */
static long long
noteOffset(const char *text)
{
    g_autofree char *hex = matchGroup(text,
                                      "note: the kernel of domain '" DOMAIN
                                      "' runs ([-+]0x[0-9a-f]+) from .*"
                                      "syscall entry point", 1);

    return g_ascii_strtoll(hex, NULL, 16);
}


/* ------------------------------------------------------------------ */
/* Tests                                                               */

/* GDB with no file, on @target (a `target remote` argument): it reads
 * the vmlinux the domain names (through the bridge's host I/O, or from
 * the disk it shares with the bridge when @sysroot is "/"), relocated by
 * the KASLR offset the bridge finds (and says on its stderr, @bridgeErr
 * returns it, NULL if it goes to GDB's output), and debugs the kernel as
 * users do, bounded by @timeoutS seconds. */
static void
gdbNoFile(const char *target, const char *sysroot, const char *timeoutS,
          char *(*bridgeErr)(void))
{
    g_autofree char *note = NULL;
    g_autofree char *script = g_build_filename(lv->dir, "linux.gdb", NULL);
    const char *const argv[] = { "timeout", timeoutS, "gdb", "-nx", "-batch",
                                 "-x", script, NULL };
    g_autoptr(GString) s = g_string_new(NULL);
    g_auto(Result) r = { 0 };
    g_autofree char *reading = g_strdup_printf("Reading %s from remote target", vmlinux);
    g_autofree char *pcHit = NULL;
    g_autofree char *pcStepi = NULL;
    g_autofree char *whereStepi = NULL;
    g_autofree char *whereNext = NULL;
    long long offset;

    g_string_append(s, "set pagination off\nset confirm off\nset width 0\n");
    if (sysroot)
        g_string_append_printf(s, "set sysroot %s\n", sysroot);
    g_string_append_printf(s, "target remote %s\n", target);
    g_string_append(s, "hbreak " SYSCALL_FUNCTION "\n");
    g_string_append(s, "continue\n");
    g_string_append(s, "printf \"@@pc-hit=0x%lx\\n\", (unsigned long) $pc\n");
    g_string_append(s, "printf \"@@bt\\n\"\nbt\n");
    g_string_append(s, "stepi\n");
    g_string_append(s, "printf \"@@pc-stepi=0x%lx\\n\", (unsigned long) $pc\n");
    g_string_append(s, "printf \"@@where-stepi\\n\"\nframe\n");
    g_string_append(s, "next\n");
    g_string_append(s, "printf \"@@where-next\\n\"\nframe\n");
    g_string_append(s, "detach\n");
    g_assert_true(g_file_set_contents(script, s->str, -1, NULL));
    g_test_message("gdb script:\n%s", s->str);

    runArgv(&r, true, argv);
    note = bridgeErr ? bridgeErr() : g_strdup(r.out);
    if (r.status == 124 && strstr(r.out, reading) && !strstr(r.out, "Breakpoint 1,"))
        g_error("GDB did not load the %s through `target remote %s` within %s s "
                "(GDB reads the stderr of a `target remote | COMMAND` once per "
                "byte of COMMAND's output while it is open: see GDB_PIPE_TIMEOUT_S)",
                vmlinux, target, timeoutS);
    if (r.status != 0)
        g_error("gdb exited with %d (124: it ran out of %s s)", r.status, timeoutS);

    /* the symbols came through the bridge (or from the file it named),
     * relocated by the offset it found in the guest */
    if (!sysroot)
        assertContains(r.out, reading);
    /* and the bridge, serving a file that large, said how GDB on its
     * pipe would read it faster (its stderr is a pipe on --listen too) */
    if (bridgeErr)
        assertContains(note, "'set sysroot /' before 'target remote'");
    offset = noteOffset(note);
    g_assert_cmpint(offset, !=, 0);
    g_assert_null(strstr(r.out, "No symbol table is loaded"));

    /* the hit, in the relocated function (after its prologue, where GDB
     * puts a breakpoint on a function with line information) */
    assertContains(r.out, "Hardware assisted breakpoint 1 at 0x");
    g_free(matchGroup(r.out, "[Bb]reakpoint 1, " SYSCALL_FUNCTION " \\(.*\\) at "
                      SYSCALL_FILE ":[0-9]+$", 0));
    pcHit = matchGroup(r.out, "^@@pc-hit=(0x[0-9a-f]+)$", 1);
    g_assert_cmphex(g_ascii_strtoull(pcHit, NULL, 16), >=,
                    fileSymbol(SYSCALL_FUNCTION) + offset);
    g_assert_cmphex(g_ascii_strtoull(pcHit, NULL, 16), <,
                    fileSymbol(SYSCALL_FUNCTION) + offset + 0x100);

    /* bt: the function with its file:line, and its callers */
    g_free(matchGroup(r.out, "^@@bt\n#0  " SYSCALL_FUNCTION " \\(.*\\) at "
                      SYSCALL_FILE ":[0-9]+\n#1  ", 0));

    /* stepi moved the pc; next moved to another line */
    pcStepi = matchGroup(r.out, "^@@pc-stepi=(0x[0-9a-f]+)$", 1);
    g_assert_cmpstr(pcStepi, !=, pcHit);
    whereStepi = matchGroup(r.out, "^@@where-stepi\n#0  .* at ([^ ]+:[0-9]+)$", 1);
    whereNext = matchGroup(r.out, "^@@where-next\n#0  .* at ([^ ]+:[0-9]+)$", 1);
    g_assert_cmpstr(whereNext, !=, whereStepi);

    assertContains(r.out, "[Inferior 1 (Remote target) detached]");
    assertDomainRunningClean();
}

/* `gdb`, `set sysroot /` and `target remote | virsh-debug debug-gdb
 * linux`, as docs/gdb-bridge.rst says for a kernel on the bridge's host:
 * the file's path still comes from the bridge */
static void
testGdbPipe(void)
{
    g_autofree char *target = g_strdup_printf("| %s -c '%s' debug-gdb " DOMAIN,
                                              e2eVirshDebugPath(), lv->uri);

    gdbNoFile(target, "/", GDB_PIPE_TIMEOUT_S, NULL);
}

/* the same through `virsh-debug debug-gdb linux --listen PATH` */
static GSubprocess *listenBridge;

/* the bridge's stderr, once it ended with GDB's session */
static char *
listenBridgeErr(void)
{
    g_autoptr(GError) error = NULL;
    char *err = NULL;

    if (!g_subprocess_communicate_utf8(listenBridge, NULL, NULL, NULL, &err, &error))
        g_error("virsh-debug: %s", error->message);
    g_test_message("virsh-debug debug-gdb --listen: exit %d, stderr:\n%s",
                   g_subprocess_get_exit_status(listenBridge), err);
    g_assert_true(g_subprocess_get_successful(listenBridge));
    return err;
}

static void
testGdbListen(void)
{
    g_autofree char *sock = g_build_filename(lv->dir, "gdb.sock", NULL);
    const char *const argv[] = { "timeout", GDB_TIMEOUT_S, e2eVirshDebugPath(),
                                 "-c", lv->uri, "debug-gdb", DOMAIN,
                                 "--listen", sock, NULL };
    g_autoptr(GError) error = NULL;
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;

    listenBridge = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
    if (!listenBridge)
        g_error("cannot run virsh-debug: %s", error->message);
    /* it listens once the socket is there */
    while (!g_file_test(sock, G_FILE_TEST_EXISTS)) {
        if (g_get_monotonic_time() > deadline ||
            !g_subprocess_get_identifier(listenBridge))
            g_error("virsh-debug debug-gdb --listen %s did not listen", sock);
        g_usleep(G_USEC_PER_SEC / 20);
    }
    gdbNoFile(sock, NULL, GDB_TIMEOUT_S, listenBridgeErr);
    g_clear_object(&listenBridge);
}

/* virsh-debug debug-break linux do_sys_openat2 --hw: the symbol from the
 * domain's <debug:symbols>, relocated by the KASLR offset the tool finds */
static void
testCliBreakKaslr(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *inserted = NULL;
    g_autofree char *hit = NULL;
    g_autofree char *id = NULL;
    unsigned long long addr;
    long long offset;

    VIRSH_DEBUG(&r, "debug-break", DOMAIN, SYSCALL_FUNCTION, "--hw");
    g_assert_cmpint(r.status, ==, 0);
    offset = noteOffset(r.err);
    /* KASLR moves the kernel in 2 MiB steps */
    g_assert_cmpint(offset, !=, 0);
    g_assert_cmpint(offset % 0x200000, ==, 0);
    addr = fileSymbol(SYSCALL_FUNCTION) + offset;
    inserted = g_strdup_printf("inserted at 0x%llx <" SYSCALL_FUNCTION ">", addr);
    assertContains(r.out, inserted);
    id = matchGroup(r.out, "^Debug point ([0-9]+) \\(hw-breakpoint\\) inserted", 1);

    VIRSH_DEBUG(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT_S);
    g_assert_cmpint(r.status, ==, 0);
    hit = g_strdup_printf("hw-breakpoint at 0x%llx <" SYSCALL_FUNCTION "> (point %s)",
                          addr, id);
    assertContains(r.out, hit);

    VIRSH_DEBUG(&r, "debug-delete", DOMAIN, id);
    g_assert_cmpint(r.status, ==, 0);
    VIRSH_DEBUG(&r, "debug-continue", DOMAIN);
    g_assert_cmpint(r.status, ==, 0);
    assertDomainRunningClean();
}


int
main(int argc, char **argv)
{
    g_autofree char *why = NULL;
    int ret;

    if (argc > 2 && g_str_equal(argv[1], "--helper"))
        return helperMain(argc - 2, argv + 2);

    selfPath = g_canonicalize_filename(argv[0], NULL);
    g_test_init(&argc, &argv, NULL);
    if (argc > 1)
        kind = argv[1];

    if (!g_find_program_in_path("gdb")) {
        g_test_skip("gdb is not installed (scripts/setup.sh installs it)");
        return g_test_run();
    }
    if (!(kernelDir = fetchKernel(&why))) {
        g_test_skip(why);
        return g_test_run();
    }
    vmlinux = g_build_filename(kernelDir, "vmlinux", NULL);
    /* a session that falls back to the monitor path fails where the
     * channel is expected */
    if (e2eChannelExpected())
        g_setenv("LIBVIRT_DEBUG_TRANSPORT", "channel", TRUE);

    /* the CLI first (the fastest), the pipe last (see GDB_PIPE_TIMEOUT_S) */
    g_test_add_func("/linux/cli-break-kaslr", testCliBreakKaslr);
    g_test_add_func("/linux/gdb/listen", testGdbListen);
    g_test_add_func("/linux/gdb/pipe", testGdbPipe);

    /* no connection of our own: see the top of this file */
    lv = testLibvirtPrepare(kind);
    bootKernel();

    ret = g_test_run();
    testLibvirtFree(lv);
    return ret;
}
