/*
 * test-virsh-debug-cli.c: virsh-debug's command line, without a debuggable
 * domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs the real binary (VIRSH_DEBUG_BIN) and checks usage, help, argument
 * validation, error reporting (an "error: " prefix on every stderr line,
 * exit status 1), the hand-off of unknown commands to virsh and the shell
 * reading from a pipe.  Where a connection is needed it is libvirt's test
 * driver (test:///default, one running domain "test"), which has no QEMU:
 * the debug commands themselves are covered by the e2e tests.
 */

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "testutils-pty.h"

static char *tmpdir;

typedef struct {
    int status;
    char *out;
    char *err;
} Result;

static void
resultClear(Result *r)
{
    g_free(r->out);
    g_free(r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Result, resultClear);


/* Runs virsh-debug with @args (NULL-terminated) and @input on stdin. */
static void
runv(Result *res, const char *input, const char *const *args)
{
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    const char *bin = g_getenv("VIRSH_DEBUG_BIN");
    size_t i;

    g_assert_nonnull(bin);
    g_ptr_array_add(argv, (char *)bin);
    for (i = 0; args[i]; i++)
        g_ptr_array_add(argv, (char *)args[i]);
    g_ptr_array_add(argv, NULL);

    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                         G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                         G_SUBPROCESS_FLAGS_STDERR_PIPE);
    /* A private home: libvirt's per-user files and virsh-debug's log go
     * there, and nothing from the caller's environment leaks in. */
    g_subprocess_launcher_setenv(launcher, "HOME", tmpdir, TRUE);
    g_subprocess_launcher_setenv(launcher, "XDG_RUNTIME_DIR", tmpdir, TRUE);
    g_subprocess_launcher_setenv(launcher, "XDG_CACHE_HOME", tmpdir, TRUE);
    g_subprocess_launcher_setenv(launcher, "XDG_CONFIG_HOME", tmpdir, TRUE);
    g_subprocess_launcher_unsetenv(launcher, "LIBVIRT_DEFAULT_URI");
    g_subprocess_launcher_unsetenv(launcher, "LIBVIRT_LOG_OUTPUTS");
    g_subprocess_launcher_unsetenv(launcher, "VIRSH_DEFAULT_CONNECT_URI");
    g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);

    proc = g_subprocess_launcher_spawnv(launcher,
                                        (const char *const *)argv->pdata,
                                        &error);
    g_assert_no_error(error);
    g_subprocess_communicate_utf8(proc, input ? input : "", NULL,
                                  &res->out, &res->err, &error);
    g_assert_no_error(error);
    res->status = g_subprocess_get_if_exited(proc) ?
        g_subprocess_get_exit_status(proc) : -1;
    {
        g_autofree char *line = g_strjoinv(" ", (char **)args);

        g_test_message("$ virsh-debug %s\n--- stdout\n%s--- stderr\n%s--- exit %d",
                       line, res->out, res->err, res->status);
    }
}

#define RUN(res, input, ...) \
    do { \
        const char *const runArgs_[] = { __VA_ARGS__, NULL }; \
        runv((res), (input), runArgs_); \
    } while (0)


/* A failure: status 1, something on stderr, every line of it an error. */
static void
assertError(const Result *r, const char *expect)
{
    g_auto(GStrv) lines = NULL;
    size_t i;

    g_assert_cmpint(r->status, ==, 1);
    g_assert_cmpstr(r->err, !=, "");
    lines = g_strsplit(r->err, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (!*lines[i])
            continue;
        if (!g_str_has_prefix(lines[i], "error: "))
            g_error("stderr line without the 'error: ' prefix: '%s'", lines[i]);
    }
    if (expect && !strstr(r->err, expect))
        g_error("stderr '%s' does not contain '%s'", r->err, expect);
}


static void
assertContains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        g_error("'%s' not found in:\n%s", needle, haystack);
}


/* ------------------------------------------------------------------ */

static void
testHelp(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "--help");
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.err, ==, "");
    assertContains(r.out, "Usage:");
    assertContains(r.out, "--connect");
    assertContains(r.out, "--json");
    assertContains(r.out, "debug-attach");
    assertContains(r.out, "debug-writemem");
    assertContains(r.out, "handed to virsh");
}


static void
testHelpShort(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "-h");
    g_assert_cmpint(r.status, ==, 0);
    assertContains(r.out, "Usage:");
}


static void
testVersion(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "--version");
    g_assert_cmpint(r.status, ==, 0);
    g_assert_true(g_str_has_prefix(r.out, "virsh-debug "));
    assertContains(r.out, "libvirt");
}


static void
testHelpCommandList(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "help");
    g_assert_cmpint(r.status, ==, 0);
    assertContains(r.out, "debug-break");
    assertContains(r.out, "debug-wait");
}


static const char *const commands[] = {
    "debug-attach", "debug-break", "debug-caps", "debug-config",
    "debug-continue", "debug-delete", "debug-detach", "debug-list",
    "debug-mem", "debug-regs", "debug-setreg", "debug-start", "debug-step",
    "debug-stop", "debug-wait", "debug-watch", "debug-where",
    "debug-writemem", NULL
};

static void
testHelpEveryCommand(void)
{
    size_t i;

    for (i = 0; commands[i]; i++) {
        g_auto(Result) r = { 0 };

        RUN(&r, NULL, "help", commands[i]);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_cmpstr(r.err, ==, "");
        assertContains(r.out, "SYNOPSIS");
        assertContains(r.out, commands[i]);
        assertContains(r.out, "<domain>");
    }
}


static void
testHelpBreak(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "help", "debug-break");
    g_assert_cmpint(r.status, ==, 0);
    assertContains(r.out, "debug-break [--domain] <domain> [--address] <address>");
    assertContains(r.out, "--hw");
    assertContains(r.out, "--vcpu <number>");
}


static void
testHelpUnknown(void)
{
    g_auto(Result) r = { 0 };

    /* not ours: virsh's help answers, and fails */
    RUN(&r, NULL, "help", "no-such-command");
    g_assert_cmpint(r.status, ==, 1);
    assertContains(r.err, "no-such-command");
}


static void
testUnknownGlobalOption(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "--bogus");
    assertError(&r, "--bogus");
    assertContains(r.err, "virsh-debug --help");
    g_assert_cmpstr(r.out, ==, "");
}


static void
testUnknownCommandOption(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "debug-break", "dom", "0x1000", "--bogus");
    assertError(&r, "command 'debug-break' doesn't support option --bogus");
}


static void
testBoolWithValue(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "debug-break", "dom", "0x1000", "--hw=yes");
    assertError(&r, "--hw");
}


static void
testOptionMissingValue(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "debug-watch", "dom", "0x1000", "--len");
    assertError(&r, "option --len of command 'debug-watch' requires a value");
}


static void
testMissingDomain(void)
{
    size_t i;

    for (i = 0; commands[i]; i++) {
        g_auto(Result) r = { 0 };

        RUN(&r, NULL, commands[i]);
        assertError(&r, "requires <domain> option");
    }
}


static void
testMissingAddress(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "debug-break", "dom");
    assertError(&r, "command 'debug-break' requires <address> option");
}


static void
testUnexpectedArgument(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "debug-list", "dom", "extra");
    assertError(&r, "unexpected argument 'extra'");
}


static void
testBadAddress(void)
{
    /* refused before any connection: malformed whatever the symbols */
    const char *bad[] = { "0xzz", "-5", "0x", "12abc", "0x1g", "", "0d12a",
                          "0x10000000000000000", "sym+", "sym+16", "a b", NULL };
    size_t i;

    for (i = 0; bad[i]; i++) {
        g_auto(Result) r = { 0 };
        g_autofree char *expect = g_strdup_printf("invalid address '%s': ", bad[i]);

        RUN(&r, NULL, "debug-break", "dom", "--address", bad[i]);
        assertError(&r, expect);
    }
}


/* a bare number is hex to some and decimal to others: refused, with both
 * spellings offered */
static void
testBareDecimalAddress(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "debug-break", "dom", "100090");
    assertError(&r, "invalid address '100090': ambiguous number '100090': is it hex "
                "or decimal? write 0x100090 for hex or 0d100090 for decimal");
    RUN(&r, NULL, "debug-mem", "dom", "4096", "16");
    assertError(&r, "write 0x4096 for hex or 0d4096 for decimal");
}


/* virsh's command-string form: one quoted argument is a whole command */
static void
testCommandString(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "debug-break dom 0xzz");
    assertError(&r, "invalid address '0xzz'");
    RUN(&r, NULL, "debug-break 'my dom' \"z z\"");
    assertError(&r, "invalid address 'z z'");
    RUN(&r, NULL, "debug-break 'unterminated");
    assertError(&r, "cannot parse the command string");
    RUN(&r, NULL, "help debug-list");
    g_assert_cmpint(r.status, ==, 0);
    assertContains(r.out, "debug-list [--domain] <domain>");
}


static void
testBadAddressOtherCommands(void)
{
    g_auto(Result) r1 = { 0 };
    g_auto(Result) r2 = { 0 };
    g_auto(Result) r3 = { 0 };

    RUN(&r1, NULL, "debug-watch", "dom", "0xzz");
    assertError(&r1, "invalid address '0xzz'");
    RUN(&r2, NULL, "debug-mem", "dom", "0xzz", "16");
    assertError(&r2, "invalid address '0xzz'");
    RUN(&r3, NULL, "debug-writemem", "dom", "0xzz", "90");
    assertError(&r3, "invalid address '0xzz'");
}


static void
testBadWatchLength(void)
{
    g_auto(Result) r1 = { 0 };
    g_auto(Result) r2 = { 0 };
    g_auto(Result) r3 = { 0 };

    RUN(&r1, NULL, "debug-watch", "dom", "0x1000", "--len", "3");
    assertError(&r1, "invalid watchpoint length 3: expected 1, 2, 4 or 8");
    RUN(&r2, NULL, "debug-watch", "dom", "0x1001", "--len", "4");
    assertError(&r2, "not aligned");
    RUN(&r3, NULL, "debug-watch", "dom", "0x1000", "--len", "four");
    assertError(&r3, "invalid length 'four'");
}


static void
testWatchReadAccess(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "debug-watch", "dom", "0x1000", "--read", "--access");
    assertError(&r, "mutually exclusive");
}


static void
testBadVcpu(void)
{
    g_auto(Result) r1 = { 0 };
    g_auto(Result) r2 = { 0 };

    RUN(&r1, NULL, "debug-regs", "dom", "--vcpu", "x");
    assertError(&r1, "invalid vCPU 'x'");
    RUN(&r2, NULL, "debug-break", "dom", "0x1000", "--vcpu", "-1");
    assertError(&r2, "invalid vCPU '-1'");
}


static void
testBadStep(void)
{
    g_auto(Result) r1 = { 0 };
    g_auto(Result) r2 = { 0 };

    RUN(&r1, NULL, "debug-step", "dom", "--count", "0");
    assertError(&r1, "invalid count 0");
    RUN(&r2, NULL, "debug-step", "dom", "--irq", "--no-irq");
    assertError(&r2, "mutually exclusive");
}


static void
testBadTimeout(void)
{
    const char *bad[] = { "-1", "0", "abc", "", "1s", NULL };
    size_t i;

    for (i = 0; bad[i]; i++) {
        g_auto(Result) r = { 0 };

        RUN(&r, NULL, "debug-wait", "dom", "--timeout", bad[i]);
        assertError(&r, "invalid timeout");
    }
}


static void
testDeleteArgs(void)
{
    g_auto(Result) r1 = { 0 };
    g_auto(Result) r2 = { 0 };
    g_auto(Result) r3 = { 0 };

    RUN(&r1, NULL, "debug-delete", "dom");
    assertError(&r1, "either a point id or --all");
    RUN(&r2, NULL, "debug-delete", "dom", "1", "--all");
    assertError(&r2, "either a point id or --all");
    RUN(&r3, NULL, "debug-delete", "dom", "0");
    assertError(&r3, "invalid debug point id '0'");
}


static void
testMemArgs(void)
{
    g_auto(Result) r1 = { 0 };
    g_auto(Result) r2 = { 0 };
    g_auto(Result) r3 = { 0 };

    RUN(&r1, NULL, "debug-mem", "dom", "0x1000");
    assertError(&r1, "requires <size> option");
    RUN(&r2, NULL, "debug-mem", "dom", "0x1000", "0");
    assertError(&r2, "invalid size 0");
    RUN(&r3, NULL, "debug-mem", "dom", "0xffffffffffffffff", "16");
    assertError(&r3, "past the end of the address space");
}


static void
testWritememArgs(void)
{
    g_auto(Result) r1 = { 0 };
    g_auto(Result) r2 = { 0 };
    g_auto(Result) r3 = { 0 };
    g_auto(Result) r4 = { 0 };

    RUN(&r1, NULL, "debug-writemem", "dom", "0x1000");
    assertError(&r1, "either hex bytes or --file");
    RUN(&r2, NULL, "debug-writemem", "dom", "0x1000", "abc");
    assertError(&r2, "invalid bytes 'abc'");
    RUN(&r3, NULL, "debug-writemem", "dom", "0x1000", "zz");
    assertError(&r3, "'zz' is not a hex byte");
    RUN(&r4, NULL, "debug-writemem", "dom", "0x1000", "--file", "/nonexistent/x");
    assertError(&r4, "cannot read '/nonexistent/x'");
}


static void
testSetregArgs(void)
{
    g_auto(Result) r1 = { 0 };
    g_auto(Result) r2 = { 0 };

    RUN(&r1, NULL, "debug-setreg", "dom", "rip");
    assertError(&r1, "requires <value> option");
    RUN(&r2, NULL, "debug-setreg", "dom", "rip", "nope");
    assertError(&r2, "invalid value 'nope'");
}


static void
testConfigArgs(void)
{
    g_auto(Result) r1 = { 0 };
    g_auto(Result) r2 = { 0 };

    RUN(&r1, NULL, "debug-config", "dom", "--edit", "--remove");
    assertError(&r1, "mutually exclusive");
    RUN(&r2, NULL, "debug-config", "dom", "--live", "--config");
    assertError(&r2, "--live and --config");
}


static void
testQuitOutsideShell(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "quit");
    assertError(&r, "only available in the interactive shell");
}


static void
testUnknownDomain(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "-c", "test:///default", "debug-list", "no-such-domain");
    assertError(&r, "failed to get domain 'no-such-domain'");
    assertContains(r.err, "virsh list --all");
}


static void
testConnectFailure(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "-c", "bogus:///nowhere", "debug-list", "dom");
    assertError(&r, "failed to connect to the hypervisor at 'bogus:///nowhere'");
}


static void
testNoDebugApi(void)
{
    g_auto(Result) r = { 0 };

    /* The test driver has no QEMU monitor: the library must refuse with
     * one clean error line, and nothing of libvirt's own log. */
    RUN(&r, NULL, "-c", "test:///default", "debug-caps", "test");
    assertError(&r, "test");
    g_assert_cmpstr(r.out, ==, "");
}


static void
testLookupById(void)
{
    g_auto(Result) r = { 0 };

    /* the test driver's domain has ID 1: found, then refused by the
     * library, not by the lookup */
    RUN(&r, NULL, "-c", "test:///default", "debug-list", "1");
    g_assert_cmpint(r.status, ==, 1);
    g_assert_null(strstr(r.err, "failed to get domain"));
}


static void
testPassThroughList(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "-c", "test:///default", "list");
    g_assert_cmpint(r.status, ==, 0);
    assertContains(r.out, "test");
    assertContains(r.out, "running");
}


static void
testPassThroughArgs(void)
{
    g_auto(Result) r = { 0 };

    /* options after the command are virsh's, untouched */
    RUN(&r, NULL, "-c", "test:///default", "-r", "list", "--name", "--all");
    g_assert_cmpint(r.status, ==, 0);
    assertContains(r.out, "test\n");
    g_assert_null(strstr(r.out, "running"));
}


static void
testPassThroughUnknown(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, NULL, "-c", "test:///default", "no-such-virsh-command");
    g_assert_cmpint(r.status, ==, 1);
    assertContains(r.err, "no-such-virsh-command");
}


static void
testShellPipe(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, "help\n# a comment\n\nhelp debug-step\nquit\nhelp\n",
        "-c", "test:///default");
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.err, ==, "");
    assertContains(r.out, "debug-attach");
    assertContains(r.out, "--count");
    /* nothing after quit runs: the command list appears once */
    g_assert_null(strstr(strstr(r.out, "debug-attach") + 1, "  debug-attach "));
}


static void
testShellErrorsContinue(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, "debug-break\ndebug-break dom 0xzz\nlist\n", "-c", "test:///default");
    g_assert_cmpint(r.status, ==, 0);
    assertContains(r.err, "error: command 'debug-break' requires <domain> option");
    assertContains(r.err, "error: invalid address '0xzz'");
    /* virsh ran the pass-through command */
    assertContains(r.out, "running");
}


static void
testShellQuoting(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, "debug-break 'my dom' \"z z\"\ndebug-break 'unterminated\n",
        "-c", "test:///default");
    assertContains(r.err, "error: invalid address 'z z'");
    assertContains(r.err, "error: cannot parse");
}


static void
testJsonParseError(void)
{
    g_auto(Result) r = { 0 };

    /* usage errors stay on stderr, nothing half-written on stdout */
    RUN(&r, NULL, "--json", "debug-break", "dom", "0xzz");
    assertError(&r, "invalid address '0xzz'");
    g_assert_cmpstr(r.out, ==, "");
}


static void
testLogRedirected(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *dir = g_build_filename(tmpdir, "libvirt-debug", NULL);

    RUN(&r, NULL, "-c", "test:///default", "debug-list", "no-such-domain");
    g_assert_cmpint(r.status, ==, 1);
    /* libvirt's log goes to a file there, not to the terminal */
    g_assert_true(g_file_test(dir, G_FILE_TEST_IS_DIR));
}


/* ------------------------------------------------------------------ */
/* The shell on a terminal (readline)                                  */

static pid_t
ptySpawn(int *fd)
{
    const char *bin = g_getenv("VIRSH_DEBUG_BIN");
    pid_t pid = forkpty(fd, NULL, NULL, NULL);

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        g_setenv("HOME", tmpdir, TRUE);
        g_setenv("XDG_RUNTIME_DIR", tmpdir, TRUE);
        g_setenv("TERM", "dumb", TRUE);
        g_setenv("INPUTRC", "/dev/null", TRUE);
        g_unsetenv("LIBVIRT_LOG_OUTPUTS");
        execl(bin, bin, "-c", "test:///default", NULL);
        _exit(127);
    }
    return pid;
}




static void
testShellPty(void)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    int fd;
    pid_t pid = ptySpawn(&fd);

    testPtyExpect(fd, seen, "Welcome to virsh-debug", 10);
    testPtyExpect(fd, seen, "virsh-debug # ", 10);
    testPtyWrite(fd, "help debug-list\r");
    testPtyExpect(fd, seen, "SYNOPSIS", 10);
    testPtyExpect(fd, seen, "virsh-debug # ", 10);
    /* Ctrl-C abandons the line, the shell goes on */
    testPtyWrite(fd, "debug-li\x03");
    testPtyExpect(fd, seen, "virsh-debug # ", 10);
    testPtyWrite(fd, "debug-break test 0xzz\r");
    testPtyExpect(fd, seen, "error: invalid address '0xzz'", 10);
    testPtyExpect(fd, seen, "virsh-debug # ", 10);
    testPtyWrite(fd, "quit\r");
    g_assert_cmpint(testPtyFinish(pid, -1, NULL), ==, 0);
    close(fd);
}


static void
testShellPtyEof(void)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    int fd;
    pid_t pid = ptySpawn(&fd);

    testPtyExpect(fd, seen, "virsh-debug # ", 10);
    testPtyWrite(fd, "\x04");
    g_assert_cmpint(testPtyFinish(pid, -1, NULL), ==, 0);
    close(fd);
}


static void
rmTree(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);

        if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
            !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            rmTree(child);
        else
            g_unlink(child);
    }
    g_rmdir(path);
}


int
main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("virsh-debug-cli-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    g_test_add_func("/cli/help", testHelp);
    g_test_add_func("/cli/help-short", testHelpShort);
    g_test_add_func("/cli/version", testVersion);
    g_test_add_func("/cli/help-command-list", testHelpCommandList);
    g_test_add_func("/cli/help-every-command", testHelpEveryCommand);
    g_test_add_func("/cli/help-debug-break", testHelpBreak);
    g_test_add_func("/cli/help-unknown", testHelpUnknown);
    g_test_add_func("/cli/unknown-global-option", testUnknownGlobalOption);
    g_test_add_func("/cli/unknown-command-option", testUnknownCommandOption);
    g_test_add_func("/cli/bool-with-value", testBoolWithValue);
    g_test_add_func("/cli/option-missing-value", testOptionMissingValue);
    g_test_add_func("/cli/missing-domain", testMissingDomain);
    g_test_add_func("/cli/missing-address", testMissingAddress);
    g_test_add_func("/cli/unexpected-argument", testUnexpectedArgument);
    g_test_add_func("/cli/bad-address", testBadAddress);
    g_test_add_func("/cli/bare-decimal-address", testBareDecimalAddress);
    g_test_add_func("/cli/command-string", testCommandString);
    g_test_add_func("/cli/bad-address-other-commands", testBadAddressOtherCommands);
    g_test_add_func("/cli/bad-watch-length", testBadWatchLength);
    g_test_add_func("/cli/watch-read-access", testWatchReadAccess);
    g_test_add_func("/cli/bad-vcpu", testBadVcpu);
    g_test_add_func("/cli/bad-step", testBadStep);
    g_test_add_func("/cli/bad-timeout", testBadTimeout);
    g_test_add_func("/cli/delete-args", testDeleteArgs);
    g_test_add_func("/cli/mem-args", testMemArgs);
    g_test_add_func("/cli/writemem-args", testWritememArgs);
    g_test_add_func("/cli/setreg-args", testSetregArgs);
    g_test_add_func("/cli/config-args", testConfigArgs);
    g_test_add_func("/cli/quit-outside-shell", testQuitOutsideShell);
    g_test_add_func("/cli/unknown-domain", testUnknownDomain);
    g_test_add_func("/cli/connect-failure", testConnectFailure);
    g_test_add_func("/cli/no-debug-api", testNoDebugApi);
    g_test_add_func("/cli/lookup-by-id", testLookupById);
    g_test_add_func("/cli/pass-through-list", testPassThroughList);
    g_test_add_func("/cli/pass-through-args", testPassThroughArgs);
    g_test_add_func("/cli/pass-through-unknown", testPassThroughUnknown);
    g_test_add_func("/cli/shell-pipe", testShellPipe);
    g_test_add_func("/cli/shell-errors-continue", testShellErrorsContinue);
    g_test_add_func("/cli/shell-quoting", testShellQuoting);
    g_test_add_func("/cli/shell-pty", testShellPty);
    g_test_add_func("/cli/shell-pty-eof", testShellPtyEof);
    g_test_add_func("/cli/json-parse-error", testJsonParseError);
    g_test_add_func("/cli/log-redirected", testLogRedirected);

    ret = g_test_run();

    rmTree(tmpdir);
    g_free(tmpdir);
    return ret;
}
