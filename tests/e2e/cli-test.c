/*
 * cli-test.c: virsh-debug end to end
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs the real virsh-debug binary against a real libvirt (the embedded
 * driver, or a private libvirtd reached through libvirt's RPC, selected by
 * the first argument), the patched QEMU under TCG and the test guest,
 * whose addresses come from its ELF symbols.  Output is checked the way a
 * script or an operator reads it: the human lines, and the --json
 * documents parsed with json-glib.
 *
 * An embedded root serves one process at a time, and libvirt 9.0 keeps it
 * locked until the process that opened it exits, so this process never
 * opens it while virsh-debug runs: domains are set up, and after every
 * test the guest is checked to run with no debug point left and no vCPU
 * stopped, by cli-helper, through the library, independently of the tool
 * under test.
 */

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <stdbool.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "libvirt-debug/libvirt-debug.h"
#include "testutils-guest.h"
#include "e2e-guest.h"
#include "testutils-hang.h"
#include "testutils-pty.h"
#include "testutils-libvirt.h"

#define DOMAIN "e2e"
#define NS "http://libvirt-debug.org/schemas/domain/debug/1.0"
/* debug-wait never hangs the suite: a hit normally comes within ms */
#define WAIT_TIMEOUT "20"
#define LEASE_TIMEOUT "3"

static const char *kind = "embed";
static testLibvirt *lv;
static char *tmpdir;


/* ------------------------------------------------------------------ */
/* Running virsh-debug                                                 */

typedef struct {
    int status;      /* exit status, or 128 + signal */
    char *out;
    char *err;
} Result;

static void
resultClear(Result *r)
{
    g_clear_pointer(&r->out, g_free);
    g_clear_pointer(&r->err, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Result, resultClear);



/* The environment of every virsh-debug run: a private home and runtime
 * directory (virsh-debug's own log of libvirt goes there), and no
 * LIBVIRT_LOG_OUTPUTS, which this process sets for itself: the tool must
 * keep libvirt's noise off the terminal on its own.  Built before any
 * fork: setenv() in a child of a threaded process is not safe. */
static char **childEnvp;

/* The timed lease of a session: short on the monitor path, so a killed
 * session's expires within the test; an hour where the channel holds
 * the lease, so that only the channel's close can explain a cleanup. */
static const char *
leaseTimeout(void)
{
    return e2eChannelExpected() ? "3600" : LEASE_TIMEOUT;
}


/* How long a killed client's residue may take to go */
static int
cleanupSeconds(void)
{
    return e2eChannelExpected() ? 15 : atoi(LEASE_TIMEOUT) + 15;
}


static void
childEnvInit(void)
{
    char **env = g_get_environ();

    env = g_environ_setenv(env, "HOME", tmpdir, TRUE);
    env = g_environ_setenv(env, "XDG_RUNTIME_DIR", tmpdir, TRUE);
    env = g_environ_setenv(env, "XDG_CACHE_HOME", tmpdir, TRUE);
    env = g_environ_setenv(env, "XDG_CONFIG_HOME", tmpdir, TRUE);
    env = g_environ_setenv(env, "LC_ALL", "C", TRUE);
    /* the pty session's readline: no terminal tricks, no user inputrc */
    env = g_environ_setenv(env, "TERM", "dumb", TRUE);
    env = g_environ_setenv(env, "INPUTRC", "/dev/null", TRUE);
    /* a dead session's timed lease runs out in LEASE_TIMEOUT s, not 15
     * (see leaseTimeout()) */
    env = g_environ_setenv(env, "LIBVIRT_DEBUG_LEASE_TIMEOUT", leaseTimeout(), TRUE);
    env = g_environ_unsetenv(env, "LIBVIRT_LOG_OUTPUTS");
    env = g_environ_unsetenv(env, "LIBVIRT_DEFAULT_URI");
    env = g_environ_unsetenv(env, "G_MESSAGES_DEBUG");
    childEnvp = env;
}


static const char *
helperBin(void)
{
    static char *bin;

    if (!bin)
        bin = g_build_filename(g_getenv("LIBVIRT_DEBUG_BUILDDIR"),
                               "tests", "e2e", "cli-helper", NULL);
    return bin;
}


/* Runs `BIN -c URI ARGS...` (virsh-debug), or `BIN URI ARGS...` (the
 * helper, in the test's own environment) with @input on stdin. */
/* A command that hangs: what every thread of it, of the QEMUs libvirt
 * runs for the test and of the private libvirtd waits in (GDB's
 * backtraces), into the test's log, so that a hang seen once names its
 * cause. */
static void
describeHang(GPid pid)
{
    g_autofree char *qemuDir = g_build_filename(lv->dir, "run", "qemu", NULL);
    g_autoptr(GArray) pids = g_array_new(FALSE, FALSE, sizeof(int));
    g_autoptr(GDir) dir = g_dir_open(qemuDir, 0, NULL);
    g_autofree char *queues = NULL;
    g_autofree char *out = NULL;
    const char *name;
    int p = pid;

    g_array_append_val(pids, p);
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(qemuDir, name, NULL);
        g_autofree char *text = NULL;

        if (g_str_has_suffix(name, ".pid") &&
            g_file_get_contents(path, &text, NULL, NULL)) {
            p = atoi(text);
            g_array_append_val(pids, p);
        }
    }
    p = lv->daemon;
    g_array_append_val(pids, p);

    queues = testSocketQueues((int *) pids->data, pids->len);
    g_test_message("their sockets (a command in QEMU's Recv-Q was never "
                   "read):\n%s", queues);
    out = testThreadBacktraces((int *) pids->data, pids->len);
    g_test_message("threads of the hung command, the QEMUs and "
                   "libvirtd:\n%s", out);
}


/* When set, virsh-debug runs under coreutils' timeout, which sends it
 * SIGINT (Ctrl-C) after this many seconds: for commands that run until
 * interrupted */
static const char *runInterruptAfter;

static void
runv(Result *res, const char *input, bool helper, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *line = NULL;
    int inFd = -1;
    int outFd = -1;
    int errFd = -1;
    GPid pid;
    int status;
    size_t i;

    if (!helper && runInterruptAfter) {
        g_ptr_array_add(argv, (char *)"/usr/bin/timeout");
        g_ptr_array_add(argv, (char *)"--preserve-status");
        g_ptr_array_add(argv, (char *)"-s");
        g_ptr_array_add(argv, (char *)"INT");
        g_ptr_array_add(argv, (char *)runInterruptAfter);
    }
    g_ptr_array_add(argv, (char *)(helper ? helperBin() : e2eVirshDebugPath()));
    if (!helper)
        g_ptr_array_add(argv, (char *)"-c");
    g_ptr_array_add(argv, lv->uri);
    for (i = 0; args[i]; i++)
        g_ptr_array_add(argv, (char *)args[i]);
    g_ptr_array_add(argv, NULL);

    resultClear(res);
    /* g_spawn rather than GSubprocess: the child's environment is set up
     * after the fork, from this process's, minus what it must not see. */
    if (!g_spawn_async_with_pipes(NULL, (char **)argv->pdata,
                                  helper ? NULL : childEnvp,
                                  G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                  &pid, &inFd, &outFd, &errFd, &error))
        g_error("cannot run %s: %s", (char *)argv->pdata[0], error->message);

    {
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GString) err = g_string_new(NULL);
        const char *in = input ? input : "";
        size_t inLen = strlen(in);
        size_t inOff = 0;

        if (inLen == 0) {
            close(inFd);
            inFd = -1;
        }
        while (outFd >= 0 || errFd >= 0) {
            struct pollfd fds[3] = {
                { .fd = outFd, .events = POLLIN },
                { .fd = errFd, .events = POLLIN },
                { .fd = inFd, .events = POLLOUT },
            };
            int j;

            if (poll(fds, 3, 120 * 1000) <= 0) {
                describeHang(pid);
                g_error("virsh-debug %s: no output for 120 s", args[0]);
            }
            for (j = 0; j < 2; j++) {
                char buf[4096];
                ssize_t n;

                if (!fds[j].revents)
                    continue;
                n = read(fds[j].fd, buf, sizeof(buf));
                if (n > 0) {
                    g_string_append_len(j ? err : out, buf, n);
                } else if (n == 0 || errno != EINTR) {
                    close(fds[j].fd);
                    *(j ? &errFd : &outFd) = -1;
                }
            }
            if (inFd >= 0 && fds[2].revents) {
                ssize_t n = write(inFd, in + inOff, inLen - inOff);

                if (n > 0)
                    inOff += n;
                if (n < 0 || inOff == inLen) {
                    close(inFd);
                    inFd = -1;
                }
            }
        }
        if (inFd >= 0)
            close(inFd);
        res->out = g_string_free(g_steal_pointer(&out), FALSE);
        res->err = g_string_free(g_steal_pointer(&err), FALSE);
    }

    while (waitpid(pid, &status, 0) < 0)
        g_assert_cmpint(errno, ==, EINTR);
    g_spawn_close_pid(pid);
    res->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

    line = g_strjoinv(" ", (char **)args);
    g_test_message("$ %s %s\n--- stdout\n%s--- stderr\n%s--- exit %d",
                   helper ? "cli-helper" : "virsh-debug", line,
                   res->out, res->err, res->status);
}

#define RUN(res, ...) \
    do { \
        const char *const runArgs_[] = { __VA_ARGS__, NULL }; \
        runv((res), NULL, false, runArgs_); \
    } while (0)

#define RUN_INPUT(res, input, ...) \
    do { \
        const char *const runArgs_[] = { __VA_ARGS__, NULL }; \
        runv((res), (input), false, runArgs_); \
    } while (0)

/* cli-helper's output; it must succeed */
#define HELPER(...) \
    ({ \
        const char *const runArgs_[] = { __VA_ARGS__, NULL }; \
        g_auto(Result) hres_ = { 0 }; \
        runv(&hres_, NULL, true, runArgs_); \
        if (hres_.status != 0) \
            g_error("cli-helper %s failed: %s", runArgs_[0], hres_.err); \
        g_steal_pointer(&hres_.out); \
    })


static void
assertContains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        g_error("'%s' not found in:\n%s", needle, haystack);
}


/* Success: status 0 and nothing at all on stderr, in particular none of
 * libvirt's log ("tainted: custom-monitor" on every monitor command). */
static void
assertOk(const Result *r)
{
    if (r->status != 0)
        g_error("virsh-debug failed with %d:\n%s%s", r->status, r->out, r->err);
    if (*r->err)
        g_error("stderr of a successful command is not empty:\n%s", r->err);
}


/* A failure: status 1, every stderr line an "error: ", naming @expect. */
static void
assertError(const Result *r, const char *expect)
{
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (r->status != 1)
        g_error("expected exit status 1, got %d:\n%s%s", r->status, r->out, r->err);
    g_assert_cmpstr(r->err, !=, "");
    lines = g_strsplit(r->err, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (*lines[i] && !g_str_has_prefix(lines[i], "error: "))
            g_error("stderr line without the 'error: ' prefix: '%s'", lines[i]);
    }
    if (expect)
        assertContains(r->err, expect);
}


/* The one JSON document a --json command printed. */
static JsonNode *
parseJson(const Result *r)
{
    g_autoptr(GError) error = NULL;
    JsonNode *node = json_from_string(r->out, &error);

    if (!node)
        g_error("stdout is not one JSON document (%s):\n%s", error->message, r->out);
    return node;
}


/* Symbols as the command line takes them. */
static const char *
symHex(const char *name)
{
    static GHashTable *cache;
    char *str;

    if (!cache)
        cache = g_hash_table_new(g_str_hash, g_str_equal);
    if (!(str = g_hash_table_lookup(cache, name))) {
        str = g_strdup_printf("0x%llx", (unsigned long long)testGuestSymbol(name));
        g_hash_table_insert(cache, (char *)name, str);
    }
    return str;
}


static unsigned long long
sym(const char *name)
{
    return testGuestSymbol(name);
}


/* ------------------------------------------------------------------ */
/* Checks through the library (in cli-helper)                          */

static unsigned int
readGuestU32(const char *name)
{
    g_autofree char *out = HELPER("read32", DOMAIN, name);

    return g_ascii_strtoull(out, NULL, 16);
}


/* The guest runs (its counter advances), has no debug point left and no
 * vCPU stopped for the debugger. */
static void
assertGuestRunningClean(void)
{
    g_autofree char *out = HELPER("check", DOMAIN);
}


/* debug-wait, parsed: the stop it reports. */
static JsonObject *
waitStop(const char *domain, JsonNode **node)
{
    g_auto(Result) r = { 0 };
    JsonObject *obj;

    RUN(&r, "--json", "debug-wait", domain, "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    *node = parseJson(&r);
    obj = json_node_get_object(*node);
    g_assert_cmpstr(json_object_get_string_member(obj, "event"), ==, "debug-exit");
    g_assert_cmpstr(json_object_get_string_member(obj, "domain"), ==, domain);
    g_assert_true(json_object_get_boolean_member(obj, "stopped"));
    return obj;
}


/* ------------------------------------------------------------------ */
/* The commands                                                        */

static void
testCaps(void)
{
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    JsonObject *obj;
    JsonArray *types;

    RUN(&r, "debug-caps", DOMAIN);
    assertOk(&r);
    assertContains(r.out, "Domain:                " DOMAIN "\n");
    assertContains(r.out, "Accelerator:           tcg\n");
    assertContains(r.out, "Supported:             yes\n");
    assertContains(r.out, "hw-breakpoint");
    assertContains(r.out, "Single step:           yes\n");
    assertContains(r.out, "Range steps:           yes\n");
    assertContains(r.out, "Conditions:            yes\n");
    assertContains(r.out, "Ignore counts:         yes\n");
    assertContains(r.out, "Tracepoints:           yes\n");
    assertContains(r.out, "Traced steps:          yes\n");

    RUN(&r, "--json", "debug-caps", DOMAIN);
    assertOk(&r);
    node = parseJson(&r);
    obj = json_node_get_object(node);
    g_assert_cmpstr(json_object_get_string_member(obj, "domain"), ==, DOMAIN);
    g_assert_cmpstr(json_object_get_string_member(obj, "accelerator"), ==, "tcg");
    g_assert_true(json_object_get_boolean_member(obj, "supported"));
    g_assert_true(json_object_get_boolean_member(obj, "single-step"));
    /* TCG: no debug register limits */
    g_assert_cmpint(json_object_get_int_member(obj, "hw-breakpoints"), ==, -1);
    g_assert_cmpint(json_object_get_int_member(obj, "hw-watchpoints"), ==, -1);
    g_assert_cmpint(json_object_get_int_member(obj, "max-memory-size"), >, 0);
    g_assert_true(json_object_get_boolean_member(obj, "range-step"));
    g_assert_true(json_object_get_boolean_member(obj, "conditions"));
    g_assert_true(json_object_get_boolean_member(obj, "ignore-count"));
    g_assert_true(json_object_get_boolean_member(obj, "tracepoints"));
    g_assert_true(json_object_get_boolean_member(obj, "step-trace"));
    types = json_object_get_array_member(obj, "point-types");
    g_assert_cmpuint(json_array_get_length(types), ==, VIR_DOMAIN_DEBUG_POINT_LAST);
    g_assert_cmpstr(json_array_get_string_element(types, 0), ==, "sw-breakpoint");

    assertGuestRunningClean();
}


static void
testBreakpoint(gconstpointer data)
{
    bool hw = GPOINTER_TO_INT(data);
    const char *type = hw ? "hw-breakpoint" : "sw-breakpoint";
    const char *tick = symHex(GUEST_SYM_FUNCTION);
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(JsonNode) regsNode = NULL;
    g_autoptr(JsonNode) listNode = NULL;
    g_autofree char *hit = NULL;
    g_autofree char *rip = NULL;
    g_autofree char *row = NULL;
    JsonObject *obj;
    JsonArray *arr;
    gint64 id;

    if (hw)
        RUN(&r, "--json", "debug-break", DOMAIN, tick, "--hw");
    else
        RUN(&r, "--json", "debug-break", DOMAIN, tick);
    assertOk(&r);
    node = parseJson(&r);
    obj = json_node_get_object(node);
    id = json_object_get_int_member(obj, "id");
    g_assert_cmpint(id, >, 0);
    g_assert_cmpstr(json_object_get_string_member(obj, "type"), ==, type);
    g_assert_cmpstr(json_object_get_string_member(obj, "address"), ==, tick);

    /* the hit, as an operator reads it */
    hit = g_strdup_printf("debug-exit: vcpu 0 %s at %s (point %" G_GINT64_FORMAT ")\n",
                          type, tick, id);
    RUN(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, hit);

    /* the registers agree with it */
    rip = g_strdup_printf("rip  0x%016llx\n", sym(GUEST_SYM_FUNCTION));
    RUN(&r, "debug-regs", DOMAIN, "rip");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, rip);
    RUN(&r, "--json", "debug-regs", DOMAIN, "rip", "rsp");
    assertOk(&r);
    regsNode = parseJson(&r);
    obj = json_node_get_object(regsNode);
    g_assert_cmpint(json_object_get_int_member(obj, "vcpu"), ==, 0);
    arr = json_object_get_array_member(obj, "registers");
    g_assert_cmpuint(json_array_get_length(arr), ==, 2);
    obj = json_array_get_object_element(arr, 0);
    g_assert_cmpstr(json_object_get_string_member(obj, "name"), ==, "rip");
    g_assert_cmpuint(g_ascii_strtoull(json_object_get_string_member(obj, "value"),
                                      NULL, 16), ==, sym(GUEST_SYM_FUNCTION));
    g_assert_cmpint(json_object_get_int_member(obj, "size"), ==, 8);

    /* where: vCPU 0 stopped there */
    RUN(&r, "debug-where", DOMAIN);
    assertOk(&r);
    row = g_strdup_printf(" 0      stopped   %-18s 0x%016llx   %-6" G_GINT64_FORMAT " -\n",
                          type, sym(GUEST_SYM_FUNCTION), id);
    assertContains(r.out, row);

    /* the list shows the point with its hit */
    RUN(&r, "debug-list", DOMAIN);
    assertOk(&r);
    g_clear_pointer(&row, g_free);
    row = g_strdup_printf(" %-4" G_GINT64_FORMAT " %-18s 0x%016llx   -     all    ",
                          id, type, sym(GUEST_SYM_FUNCTION));
    assertContains(r.out, row);
    RUN(&r, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    listNode = parseJson(&r);
    arr = json_node_get_array(listNode);
    g_assert_cmpuint(json_array_get_length(arr), ==, 1);
    obj = json_array_get_object_element(arr, 0);
    g_assert_cmpint(json_object_get_int_member(obj, "id"), ==, id);
    g_assert_cmpstr(json_object_get_string_member(obj, "type"), ==, type);
    g_assert_cmpstr(json_object_get_string_member(obj, "address"), ==, tick);
    g_assert_cmpint(json_object_get_int_member(obj, "vcpu"), ==, -1);
    g_assert_cmpint(json_object_get_int_member(obj, "hits"), >=, 1);

    /* continuing steps over the breakpoint and comes back to it */
    RUN(&r, "debug-continue", DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "Domain '" DOMAIN "' continued\n");
    RUN(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, hit);

    /* deleted by id, the list is empty, the guest goes on */
    {
        g_autofree char *idstr = g_strdup_printf("%" G_GINT64_FORMAT, id);
        g_autofree char *deleted = g_strdup_printf("Debug point %s deleted\n", idstr);

        RUN(&r, "debug-delete", DOMAIN, idstr);
        assertOk(&r);
        g_assert_cmpstr(r.out, ==, deleted);
    }
    RUN(&r, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "[]\n");
    RUN(&r, "debug-continue", DOMAIN);
    assertOk(&r);

    assertGuestRunningClean();
}


static void
testWatchpoint(gconstpointer data)
{
    const char *flag = data;
    const char *var = g_str_equal(flag, "--read") ? GUEST_SYM_READ_VAR : GUEST_SYM_WRITE_VAR;
    const char *reason = g_str_equal(flag, "--read") ? "watchpoint-read" :
        g_str_equal(flag, "--access") ? "watchpoint-access" : "watchpoint-write";
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(JsonNode) stopNode = NULL;
    g_autofree char *inserted = NULL;
    g_autofree char *human = NULL;
    JsonObject *obj;
    gint64 id;

    if (*flag)
        RUN(&r, "--json", "debug-watch", DOMAIN, symHex(var), "--len", "4", flag);
    else
        RUN(&r, "--json", "debug-watch", DOMAIN, symHex(var), "--len", "4");
    assertOk(&r);
    node = parseJson(&r);
    obj = json_node_get_object(node);
    id = json_object_get_int_member(obj, "id");
    g_assert_cmpstr(json_object_get_string_member(obj, "type"), ==, reason);
    g_assert_cmpint(json_object_get_int_member(obj, "len"), ==, 4);

    obj = waitStop(DOMAIN, &stopNode);
    g_assert_cmpstr(json_object_get_string_member(obj, "reason"), ==, reason);
    g_assert_cmpint(json_object_get_int_member(obj, "point"), ==, id);
    g_assert_cmpstr(json_object_get_string_member(obj, "watch-address"), ==, symHex(var));
    g_assert_cmpstr(json_object_get_string_member(obj, "hit-address"), ==, symHex(var));

    /* the same stop in words: a stopped vCPU is reported at once */
    human = g_strdup_printf("debug-exit: vcpu 0 %s at %s (point %" G_GINT64_FORMAT
                            ") accessing %s (watching %s)\n", reason,
                            json_object_get_string_member(obj, "pc"), id,
                            symHex(var), symHex(var));
    RUN(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, human);

    RUN(&r, "debug-detach", DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "Detached from domain '" DOMAIN "': no debug points "
                    "left, guest running.\n");
    assertGuestRunningClean();
}


/* debug-stop, debug-step (1 and 100), debug-setreg seen by the guest */
static void
testStepSetreg(void)
{
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *storeAt = NULL;
    JsonObject *obj;
    unsigned long long stopPc;
    const unsigned int value = 0x5eed1234;

    RUN(&r, "--json", "debug-stop", DOMAIN);
    assertOk(&r);
    node = parseJson(&r);
    obj = json_node_get_object(node);
    g_assert_cmpstr(json_object_get_string_member(obj, "reason"), ==, "interrupt");
    stopPc = g_ascii_strtoull(json_object_get_string_member(obj, "pc"), NULL, 16);

    RUN(&r, "debug-step", DOMAIN);
    assertOk(&r);
    assertContains(r.out, "debug-exit: vcpu 0 step at 0x");
    g_assert_cmpuint(g_ascii_strtoull(strstr(r.out, "0x"), NULL, 16), !=, stopPc);

    RUN(&r, "debug-step", DOMAIN, "--count", "100");
    assertOk(&r);
    assertContains(r.out, "debug-exit: vcpu 0 step at 0x");

    /* The guest stores %eax into guest_reg_sink at guest_reg_store:
     * stopped there, a register written by debug-setreg is what the next
     * instruction stores. */
    RUN(&r, "debug-break", DOMAIN, symHex("guest_reg_store"), "--hw");
    assertOk(&r);
    RUN(&r, "debug-continue", DOMAIN);
    assertOk(&r);
    storeAt = g_strdup_printf("hw-breakpoint at %s", symHex("guest_reg_store"));
    RUN(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    assertContains(r.out, storeAt);
    RUN(&r, "debug-setreg", DOMAIN, "rax", "0x5eed1234");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "Register rax of vCPU 0 set to 0x5eed1234\n");
    RUN(&r, "debug-regs", DOMAIN, "rax");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "rax  0x000000005eed1234\n");
    RUN(&r, "debug-delete", DOMAIN, "--all");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "All debug points deleted from domain '" DOMAIN "'\n");
    RUN(&r, "debug-step", DOMAIN, "--count", "1");
    assertOk(&r);

    g_assert_cmphex(readGuestU32("guest_reg_sink"), ==, value);

    RUN(&r, "debug-detach", DOMAIN);
    assertOk(&r);
    assertGuestRunningClean();
}


/* A long step that crosses the guest's own int3 (delivered through the
 * guest's IDT) ends in exactly one debug exit, reported to the client. */
static void
testStepGuestInt3(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *atSite = g_strdup_printf("hw-breakpoint at %s",
                                              symHex("guest_int3_site"));
    guint32 before;

    RUN(&r, "debug-break", DOMAIN, symHex("guest_int3_site"), "--hw");
    assertOk(&r);
    RUN(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    assertContains(r.out, atSite);
    RUN(&r, "debug-delete", DOMAIN, "--all");
    assertOk(&r);
    before = readGuestU32("guest_int3_count");

    RUN(&r, "debug-step", DOMAIN, "--count", "100");
    assertOk(&r);
    assertContains(r.out, "debug-exit: vcpu 0 step at 0x");
    g_assert_cmpuint(readGuestU32("guest_int3_count"), ==, before + 1);

    RUN(&r, "debug-detach", DOMAIN);
    assertOk(&r);
    assertGuestRunningClean();
}


/* Points that never fire: listed, deleted one by one and all at once. */
static void
testListDelete(void)
{
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *wrow = NULL;
    JsonArray *arr;
    JsonObject *obj;

    RUN(&r, "debug-break", DOMAIN, symHex("guest_never_called"));
    assertOk(&r);
    assertContains(r.out, "(sw-breakpoint) inserted at ");
    RUN(&r, "debug-watch", DOMAIN, symHex("guest_fault_count"), "--len", "4", "--access");
    assertOk(&r);
    assertContains(r.out, "(watchpoint-access) inserted at ");
    assertContains(r.out, ", 4 bytes\n");
    RUN(&r, "debug-break", DOMAIN, symHex("guest_never_called"), "--hw", "--vcpu", "0");
    assertOk(&r);
    assertContains(r.out, " on vCPU 0\n");

    RUN(&r, "debug-list", DOMAIN);
    assertOk(&r);
    assertContains(r.out, " Id   Type               Address              Len   vCPU   Hits\n");
    wrow = g_strdup_printf("watchpoint-access  0x%016llx   4     all    0\n",
                           sym("guest_fault_count"));
    assertContains(r.out, wrow);

    RUN(&r, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    node = parseJson(&r);
    arr = json_node_get_array(node);
    g_assert_cmpuint(json_array_get_length(arr), ==, 3);
    obj = json_array_get_object_element(arr, 2);
    g_assert_cmpstr(json_object_get_string_member(obj, "type"), ==, "hw-breakpoint");
    g_assert_cmpint(json_object_get_int_member(obj, "vcpu"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(obj, "hits"), ==, 0);

    /* one by id */
    {
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT,
                                              json_object_get_int_member(obj, "id"));
        g_autoptr(JsonNode) after = NULL;

        RUN(&r, "debug-delete", DOMAIN, id);
        assertOk(&r);
        RUN(&r, "--json", "debug-list", DOMAIN);
        assertOk(&r);
        after = parseJson(&r);
        g_assert_cmpuint(json_array_get_length(json_node_get_array(after)), ==, 2);

        /* gone: deleting it again names it */
        RUN(&r, "debug-delete", DOMAIN, id);
        assertError(&r, id);
    }

    RUN(&r, "debug-delete", DOMAIN, "--all");
    assertOk(&r);
    RUN(&r, "debug-list", DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(strchr(strchr(r.out, '\n') + 1, '\n'), ==, "\n\n");
    assertGuestRunningClean();
}


static void
testMemory(void)
{
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *file = g_build_filename(tmpdir, "mem.bin", NULL);
    g_autofree char *contents = NULL;
    g_autofree char *virt = NULL;
    g_autofree char *prefix = NULL;
    unsigned char guest[64];
    gsize len = 0;
    size_t i;

    /* guest code: does not change while we look */
    {
        g_autofree char *hex = HELPER("read", DOMAIN, GUEST_SYM_FUNCTION, "64");

        for (i = 0; i < sizeof(guest); i++)
            guest[i] = (g_ascii_xdigit_value(hex[2 * i]) << 4) |
                g_ascii_xdigit_value(hex[2 * i + 1]);
    }

    RUN(&r, "debug-mem", DOMAIN, symHex(GUEST_SYM_FUNCTION), "64", "--file", file);
    assertOk(&r);
    assertContains(r.out, "Wrote 64 bytes from ");
    g_assert_true(g_file_get_contents(file, &contents, &len, NULL));
    g_assert_cmpmem(contents, len, guest, sizeof(guest));

    /* the hex dump: xxd's layout with guest addresses */
    RUN(&r, "debug-mem", DOMAIN, symHex(GUEST_SYM_FUNCTION), "64");
    assertOk(&r);
    virt = g_strdup(r.out);
    prefix = g_strdup_printf("%08llx: %02x%02x %02x%02x ", sym(GUEST_SYM_FUNCTION),
                             guest[0], guest[1], guest[2], guest[3]);
    g_assert_true(g_str_has_prefix(virt, prefix));
    for (i = 0; i < 4; i++) {
        g_autofree char *addr = g_strdup_printf("%08llx: ",
                                                sym(GUEST_SYM_FUNCTION) + 16 * i);

        assertContains(virt, addr);
    }

    /* the physical view has the same bytes, at the physical addresses
     * (the same on the identity-mapped guest) */
    {
        g_autofree char *phys = g_strdup_printf("0x%llx",
                                                (unsigned long long) testGuestPhysical(GUEST_SYM_FUNCTION));
        g_auto(GStrv) vlines = g_strsplit(virt, "\n", -1);
        g_auto(GStrv) plines = NULL;

        RUN(&r, "debug-mem", DOMAIN, phys, "64", "--phys");
        assertOk(&r);
        plines = g_strsplit(r.out, "\n", -1);
        g_assert_cmpuint(g_strv_length(plines), ==, g_strv_length(vlines));
        for (i = 0; plines[i] && *plines[i]; i++) {
            g_autofree char *addr = g_strdup_printf("%08llx: ",
                                                    (unsigned long long) testGuestPhysical(GUEST_SYM_FUNCTION) + 16 * i);

            g_assert_true(g_str_has_prefix(plines[i], addr));
            g_assert_cmpstr(strchr(plines[i], ' '), ==, strchr(vlines[i], ' '));
        }
    }

    /* past 4 GiB: the 32-bit guest's vCPU cannot address it (its bytes
     * at 0 used to come out labelled 0x100000000), the higher-half
     * guest's page tables do not map it; nothing is printed either way */
    RUN(&r, "debug-mem", DOMAIN, "0x100000000", "16");
    assertError(&r, testGuestIsHigherHalf() ? "is not mapped by vCPU 0"
                                            : "it is not in long mode");
    g_assert_cmpstr(r.out, ==, "");

    /* --json carries the bytes as hex */
    RUN(&r, "--json", "debug-mem", DOMAIN, symHex(GUEST_SYM_FUNCTION), "4");
    assertOk(&r);
    node = parseJson(&r);
    {
        g_autofree char *hex = g_strdup_printf("%02x%02x%02x%02x",
                                               guest[0], guest[1], guest[2], guest[3]);

        g_assert_cmpstr(json_object_get_string_member(json_node_get_object(node), "data"),
                        ==, hex);
    }
    assertGuestRunningClean();
}


static void
testWritememVisible(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *file = g_build_filename(tmpdir, "poke.bin", NULL);
    g_autofree char *wrote = g_strdup_printf("Wrote 4 bytes at %s\n",
                                             symHex(GUEST_SYM_POKE));
    const unsigned char poke2[4] = { 0x0d, 0xf0, 0xad, 0x0b };
    size_t i;

    /* little-endian 0x12345678, as hex bytes */
    RUN(&r, "debug-writemem", DOMAIN, symHex(GUEST_SYM_POKE), "78", "56", "34", "12");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, wrote);

    /* the guest copies it to its sink: the write reached the guest */
    for (i = 0; i < 50 && readGuestU32(GUEST_SYM_ECHO) != 0x12345678; i++)
        g_usleep(20 * 1000);
    g_assert_cmphex(readGuestU32(GUEST_SYM_ECHO), ==, 0x12345678);

    /* from a file, physical */
    g_assert_true(g_file_set_contents(file, (const char *)poke2, sizeof(poke2), NULL));
    {
        g_autofree char *phys = g_strdup_printf("0x%llx",
                                                (unsigned long long) testGuestPhysical(GUEST_SYM_POKE));

        RUN(&r, "debug-writemem", DOMAIN, phys, "--file", file, "--phys");
    }
    assertOk(&r);
    for (i = 0; i < 50 && readGuestU32(GUEST_SYM_ECHO) != 0x0badf00d; i++)
        g_usleep(20 * 1000);
    g_assert_cmphex(readGuestU32(GUEST_SYM_ECHO), ==, 0x0badf00d);

    /* back to the guest's own value */
    RUN(&r, "debug-writemem", DOMAIN, symHex(GUEST_SYM_POKE), "ed5e0000");
    assertOk(&r);
    assertGuestRunningClean();
}


static char *
writeTmp(const char *name, const char *content)
{
    char *path = g_build_filename(tmpdir, name, NULL);

    g_assert_true(g_file_set_contents(path, content, -1, NULL));
    return path;
}


static void
testConfig(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *before = NULL;
    g_autofree char *ro = writeTmp("ro.xml", "<debug xmlns='" NS "' writable='no'/>\n");
    g_autofree char *bad = writeTmp("bad.xml", "<debug xmlns='" NS "' allowed='maybe'/>\n");
    g_autofree char *broken = writeTmp("broken.xml", "<debug xmlns='" NS "'");

    /* no element: the defaults */
    RUN(&r, "debug-config", DOMAIN);
    assertOk(&r);
    assertContains(r.out, "allowed=\"yes\"");
    assertContains(r.out, "writable=\"yes\"");
    before = g_strdup(r.out);

    /* live only: the persistent definition keeps the defaults */
    RUN(&r, "debug-config", DOMAIN, "--set", ro, "--live");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "Debug configuration of domain '" DOMAIN "' set.\n");
    RUN(&r, "debug-config", DOMAIN, "--live");
    assertOk(&r);
    assertContains(r.out, "writable=\"no\"");
    RUN(&r, "debug-config", DOMAIN, "--config");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, before);

    /* and it is enforced: a write is refused, a read is not */
    RUN(&r, "debug-writemem", DOMAIN, symHex(GUEST_SYM_POKE), "00");
    assertError(&r, "writable");
    RUN(&r, "debug-mem", DOMAIN, symHex(GUEST_SYM_POKE), "4");
    assertOk(&r);

    /* invalid XML refused, nothing changed */
    RUN(&r, "debug-config", DOMAIN, "--set", bad);
    assertError(&r, "maybe");
    RUN(&r, "debug-config", DOMAIN, "--set", broken);
    assertError(&r, DOMAIN);
    RUN(&r, "debug-config", DOMAIN);
    assertOk(&r);
    assertContains(r.out, "writable=\"no\"");

    /* the persistent one separately */
    RUN(&r, "--json", "debug-config", DOMAIN, "--set", ro, "--config");
    assertOk(&r);
    RUN(&r, "--json", "debug-config", DOMAIN, "--config");
    assertOk(&r);
    {
        g_autoptr(JsonNode) node = parseJson(&r);

        assertContains(json_object_get_string_member(json_node_get_object(node), "xml"),
                       "writable=\"no\"");
    }

    /* removed from both: the defaults again */
    RUN(&r, "debug-config", DOMAIN, "--remove", "--live", "--config");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "Debug configuration of domain '" DOMAIN "' removed.\n");
    RUN(&r, "debug-config", DOMAIN, "--live");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, before);
    RUN(&r, "debug-config", DOMAIN, "--config");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, before);
    assertGuestRunningClean();
}


/* <debug allowed='no'>: attach refused without --force, nothing armed;
 * with --force the declared point is armed (and the session detaches at
 * the end of its input). */
static void
testDisallowed(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *xml = g_strdup_printf("<debug xmlns='" NS "' allowed='no'>"
                                           "<breakpoint type='hw' addr='%s'/></debug>",
                                           symHex(GUEST_SYM_FUNCTION));
    g_autofree char *file = writeTmp("disallowed.xml", xml);
    g_autofree char *hit = g_strdup_printf("debug-exit: vcpu 0 hw-breakpoint at %s",
                                           symHex(GUEST_SYM_FUNCTION));

    RUN(&r, "debug-config", DOMAIN, "--set", file);
    assertOk(&r);

    RUN(&r, "debug-attach", DOMAIN);
    assertError(&r, "--force");
    assertContains(r.err, "'" DOMAIN "'");
    RUN(&r, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "[]\n");

    /* a session reading commands from a pipe */
    RUN_INPUT(&r, "wait --timeout " WAIT_TIMEOUT "\nlist\nquit\n",
              "debug-attach", DOMAIN, "--force");
    assertOk(&r);
    {
        g_autofree char *attached = g_strdup_printf(
            "Attached to domain '" DOMAIN "' (%s): 1 debug point armed.",
            e2eChannelExpected() ? "debug channel" : "libvirt monitor");

        assertContains(r.out, attached);
    }
    assertContains(r.out, hit);
    assertContains(r.out, "hw-breakpoint ");
    assertContains(r.out, "Detached from domain '" DOMAIN "'.\n");

    RUN(&r, "debug-config", DOMAIN, "--remove");
    assertOk(&r);
    assertGuestRunningClean();
}


/* A guest stopped on a breakpoint: debug-detach removes it and resumes. */
static void
testDetach(void)
{
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;

    RUN(&r, "debug-break", DOMAIN, symHex(GUEST_SYM_FUNCTION));
    assertOk(&r);
    RUN(&r, "debug-watch", DOMAIN, symHex(GUEST_SYM_WRITE_VAR));
    assertOk(&r);
    RUN(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    RUN(&r, "--json", "debug-detach", DOMAIN);
    assertOk(&r);
    node = parseJson(&r);
    g_assert_true(json_object_get_boolean_member(json_node_get_object(node), "detached"));
    /* nothing is stopped any more: a wait times out */
    RUN(&r, "debug-wait", DOMAIN, "--timeout", "0.5");
    assertError(&r, "timed out");
    assertGuestRunningClean();
}


static void
testDebugStart(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *debugXML = g_strdup_printf(
        "<debug:debug xmlns:debug='" NS "'>"
        "<debug:boot stop='yes'/>"
        "<debug:breakpoint type='hw' addr='%s'/>"
        "</debug:debug>", symHex(GUEST_SYM_FUNCTION));
    g_autofree char *hit = g_strdup_printf("debug-exit: vcpu 0 hw-breakpoint at %s",
                                           symHex(GUEST_SYM_FUNCTION));
    g_autofree char *armed = g_strdup_printf("1 %s 0\n", symHex(GUEST_SYM_FUNCTION));
    g_autofree char *out = NULL;
    g_autofree char *state = NULL;
    g_autofree char *points = NULL;

    out = HELPER("define", "boot", debugXML);

    RUN(&r, "debug-start", "boot");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "Domain 'boot' started for debugging: 1 debug point armed\n");

    /* paused before its first instruction, the point armed, not hit */
    state = HELPER("state", "boot");
    g_assert_cmpint(atoi(state), ==, VIR_DOMAIN_PAUSED);
    points = HELPER("points", "boot");
    g_assert_cmpstr(points, ==, armed);

    /* a running domain cannot be started */
    RUN(&r, "debug-start", "boot");
    assertError(&r, "already running");

    /* let it go: the first call of guest_tick hits */
    RUN(&r, "debug-continue", "boot");
    assertOk(&r);
    RUN(&r, "debug-wait", "boot", "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    assertContains(r.out, hit);
    RUN(&r, "debug-detach", "boot");
    assertOk(&r);

    g_clear_pointer(&state, g_free);
    state = HELPER("state", "boot");
    g_assert_cmpint(atoi(state), ==, VIR_DOMAIN_RUNNING);
    g_clear_pointer(&out, g_free);
    out = HELPER("remove", "boot");
    assertGuestRunningClean();
}


/* ------------------------------------------------------------------ */
/* Symbols                                                             */

/* The guest's ELF given with --symbols (before or after the command):
 * a breakpoint on a function name, and every address printed about it
 * named back. */
/* ------------------------------------------------------------------ */
/* Work in QEMU: --if, --ignore, tracepoints, traced steps             */

static gint64
insertedId(const Result *r)
{
    g_autoptr(JsonNode) node = parseJson(r);

    return json_object_get_int_member(json_node_get_object(node), "id");
}


static void
testCliConditionIgnore(void)
{
    const char *elf = testGuestPath();
    g_autofree char *cond = g_strdup_printf("u32[%s] %% 1000 == 999",
                                            GUEST_SYM_CALLS);
    g_autofree char *listed = g_strdup_printf("  if %s", cond);
    g_autofree char *idstr = NULL;
    g_autoptr(JsonNode) stopNode = NULL;
    g_autoptr(JsonNode) stop2Node = NULL;
    g_autoptr(JsonNode) listNode = NULL;
    g_auto(Result) r = { 0 };
    JsonObject *obj;
    unsigned int count;
    gint64 id;

    RUN(&r, "--symbols", elf, "--json", "debug-break", DOMAIN,
        GUEST_SYM_FUNCTION, "--if", cond);
    assertOk(&r);
    id = insertedId(&r);
    obj = waitStop(DOMAIN, &stopNode);
    g_assert_cmpint(json_object_get_int_member(obj, "point"), ==, id);
    count = readGuestU32(GUEST_SYM_CALLS);
    g_assert_cmpuint(count % 1000, ==, 999);

    /* the list shows the condition as written, and how often it held */
    RUN(&r, "--symbols", elf, "debug-list", DOMAIN);
    assertOk(&r);
    assertContains(r.out, listed);
    RUN(&r, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    listNode = parseJson(&r);
    obj = json_array_get_object_element(json_node_get_array(listNode), 0);
    g_assert_cmpstr(json_object_get_string_member(obj, "condition"), ==, cond);
    g_assert_nonnull(json_object_get_string_member(obj, "condition-bytecode"));
    g_assert_cmpint(json_object_get_int_member(obj, "hits"), >=, 1);

    /* an ignore count: the 201st hit after the continue stops */
    idstr = g_strdup_printf("%" G_GINT64_FORMAT, id);
    RUN(&r, "debug-delete", DOMAIN, idstr);
    assertOk(&r);
    RUN(&r, "debug-break", DOMAIN, symHex(GUEST_SYM_FUNCTION), "--ignore", "200");
    assertOk(&r);
    assertContains(r.out, ", ignoring the first 200 hits\n");
    RUN(&r, "debug-continue", DOMAIN);
    assertOk(&r);
    waitStop(DOMAIN, &stop2Node);
    g_assert_cmpuint(readGuestU32(GUEST_SYM_CALLS), ==, count + 201);

    /* what does not compile is refused before QEMU sees it */
    RUN(&r, "debug-break", DOMAIN, symHex(GUEST_SYM_FUNCTION), "--if", "u32[");
    assertError(&r, "column 5");
    RUN(&r, "--symbols", elf, "debug-break", DOMAIN, GUEST_SYM_FUNCTION,
        "--if", "u32[no_such_symbol] == 1");
    assertError(&r, "no_such_symbol");
    RUN(&r, "debug-break", DOMAIN, symHex(GUEST_SYM_FUNCTION), "--ignore", "-1");
    assertError(&r, "ignore count");
    RUN(&r, "debug-delete", DOMAIN, "--all");
    assertOk(&r);
    RUN(&r, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "[]\n");
    RUN(&r, "debug-continue", DOMAIN);
    assertOk(&r);
    assertGuestRunningClean();
}


static void
testCliTracepoint(void)
{
    const char *elf = testGuestPath();
    g_autofree char *idstr = NULL;
    g_autofree char *hot = g_strdup(symHex("guest_hot"));
    g_auto(GStrv) lines = NULL;
    g_auto(Result) r = { 0 };
    gint64 base = 0;
    gint64 id;
    guint n = 0;
    guint i;

    RUN(&r, "--symbols", elf, "--json", "debug-trace", DOMAIN, "guest_hot",
        "--collect", "rip", "--mem", "guest_hot_count:4", "--capacity", "64");
    assertOk(&r);
    id = insertedId(&r);
    idstr = g_strdup_printf("%" G_GINT64_FORMAT, id);
    g_usleep(300 * 1000);

    /* one JSON object per record and line; the guest's counter at each
     * call is one more than at the call before */
    RUN(&r, "--symbols", elf, "--json", "debug-trace-records", DOMAIN, idstr);
    assertOk(&r);
    lines = g_strsplit(r.out, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_autoptr(JsonNode) node = NULL;
        JsonObject *rec;
        JsonObject *mem;
        guint32 value;
        gint64 seq;

        if (!*lines[i])
            continue;
        node = json_from_string(lines[i], NULL);
        g_assert_nonnull(node);
        rec = json_node_get_object(node);
        g_assert_cmpstr(json_object_get_string_member(rec, "pc"), ==, hot);
        g_assert_cmpstr(json_object_get_string_member(rec, "symbol"), ==, "guest_hot");
        g_assert_cmpuint(g_ascii_strtoull(json_object_get_string_member(
                             json_object_get_object_member(rec, "registers"), "rip"),
                             NULL, 16), ==, sym("guest_hot"));
        mem = json_array_get_object_element(json_object_get_array_member(rec, "memory"), 0);
        g_assert_cmpstr(json_object_get_string_member(mem, "address"), ==,
                        symHex("guest_hot_count"));
        value = g_ascii_strtoull(json_object_get_string_member(mem, "bytes"), NULL, 16);
        value = GUINT32_SWAP_LE_BE(value);     /* the bytes are little-endian */
        seq = json_object_get_int_member(rec, "seq");
        if (n++ == 0)
            base = (gint64) value - seq;
        g_assert_cmpint((gint64) value - seq, ==, base);
    }
    g_assert_cmpuint(n, >, 0);
    g_assert_cmpuint(n, <=, 64);

    /* --follow keeps draining until Ctrl-C: the records of two seconds,
     * more than the buffer holds, with no gap once it follows */
    runInterruptAfter = "2";
    RUN(&r, "--json", "debug-trace-records", DOMAIN, idstr, "--follow");
    runInterruptAfter = NULL;
    assertOk(&r);
    g_strfreev(lines);
    lines = g_strsplit(r.out, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), >, 64);
    {
        gint64 prev = -1;

        for (i = 0; lines[i] && *lines[i]; i++) {
            g_autoptr(JsonNode) node = json_from_string(lines[i], NULL);
            gint64 seq;

            g_assert_nonnull(node);
            seq = json_object_get_int_member(json_node_get_object(node), "seq");
            g_assert_cmpint(seq, >, prev);
            prev = seq;
        }
    }

    /* as an operator reads them */
    g_usleep(100 * 1000);
    RUN(&r, "--symbols", elf, "debug-trace-records", DOMAIN, idstr, "--max", "2");
    assertOk(&r);
    g_strfreev(lines);
    lines = g_strsplit(r.out, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 4);
    for (i = 0; i < 2; i++) {
        g_autofree char *at = g_strdup_printf(" vCPU 0 at %s <guest_hot> "
                                              "rip=0x%016llx "
                                              "[guest_hot_count]=0x", hot,
                                              sym("guest_hot"));

        g_assert_true(g_str_has_prefix(lines[i], "#"));
        assertContains(lines[i], at);
    }
    assertContains(lines[2], "2 records, ");
    RUN(&r, "debug-list", DOMAIN);
    assertOk(&r);
    assertContains(r.out, " tracepoint ");
    assertContains(r.out, "records buffered");

    /* the guest never stopped */
    RUN(&r, "--json", "debug-where", DOMAIN);
    assertOk(&r);
    assertContains(r.out, "\"stopped\":false");

    /* bad input */
    RUN(&r, "debug-trace-records", DOMAIN, "9999");
    assertError(&r, "9999");
    RUN(&r, "debug-trace", DOMAIN, hot, "--mem", "guest_hot_count");
    assertError(&r, "ADDR:LEN");
    RUN(&r, "debug-trace", DOMAIN, hot, "--capacity", "70000");
    assertError(&r, "--capacity");
    RUN(&r, "debug-trace", DOMAIN, hot, "--collect", "no_such_reg");
    assertError(&r, "no_such_reg");
    RUN(&r, "debug-delete", DOMAIN, idstr);
    assertOk(&r);
    assertGuestRunningClean();
}


static void
testCliStepTrace(void)
{
    const char *elf = testGuestPath();
    g_autoptr(JsonNode) stopNode = NULL;
    g_autofree char *first = NULL;
    g_autofree char *idstr = NULL;
    g_auto(GStrv) lines = NULL;
    g_auto(Result) r = { 0 };
    guint i;

    RUN(&r, "--json", "debug-break", DOMAIN, symHex("guest_loop"));
    assertOk(&r);
    idstr = g_strdup_printf("%" G_GINT64_FORMAT, insertedId(&r));
    waitStop(DOMAIN, &stopNode);
    RUN(&r, "debug-delete", DOMAIN, idstr);
    assertOk(&r);

    RUN(&r, "--symbols", elf, "debug-step", DOMAIN, "--trace", "--count", "6",
        "--regs", "rax");
    assertOk(&r);
    lines = g_strsplit(r.out, "\n", -1);
    g_assert_cmpstr(lines[0], ==, "6 instructions executed on vCPU 0:");
    first = g_strdup_printf("  %s <guest_loop> rax=0x", symHex("guest_loop"));
    g_assert_true(g_str_has_prefix(lines[1], first));
    for (i = 1; i <= 6; i++)
        g_assert_true(g_str_has_prefix(lines[i], "  0x"));
    g_assert_true(g_str_has_prefix(lines[7], "debug-exit: vcpu 0 step at "));

    RUN(&r, "debug-step", DOMAIN, "--regs", "rax");
    assertError(&r, "--regs needs --trace");
    RUN(&r, "debug-step", DOMAIN, "--trace", "--count", "100001");
    assertError(&r, "100001");
    RUN(&r, "debug-continue", DOMAIN);
    assertOk(&r);
    assertGuestRunningClean();
}


static void
testSymbolsElf(void)
{
    const char *elf = testGuestPath();
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(JsonNode) regsNode = NULL;
    g_autoptr(JsonNode) listNode = NULL;
    g_autofree char *inserted = NULL;
    g_autofree char *hit = NULL;
    g_autofree char *rip = NULL;
    g_autofree char *where = NULL;
    g_autofree char *listed = NULL;
    g_autofree char *dump = NULL;
    JsonObject *obj;
    JsonArray *arr;
    gint64 id;

    /* --json after the command, --symbols before it */
    RUN(&r, "--symbols", elf, "debug-break", DOMAIN, GUEST_SYM_FUNCTION, "--hw", "--json");
    assertOk(&r);
    node = parseJson(&r);
    obj = json_node_get_object(node);
    id = json_object_get_int_member(obj, "id");
    g_assert_cmpstr(json_object_get_string_member(obj, "address"), ==,
                    symHex(GUEST_SYM_FUNCTION));
    g_assert_cmpstr(json_object_get_string_member(obj, "symbol"), ==, GUEST_SYM_FUNCTION);

    hit = g_strdup_printf("debug-exit: vcpu 0 hw-breakpoint at %s <" GUEST_SYM_FUNCTION
                          "> (point %" G_GINT64_FORMAT ")\n",
                          symHex(GUEST_SYM_FUNCTION), id);
    RUN(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT, "--symbols", elf);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, hit);

    rip = g_strdup_printf("rip  0x%016llx <" GUEST_SYM_FUNCTION ">\n",
                          sym(GUEST_SYM_FUNCTION));
    RUN(&r, "--symbols", elf, "debug-regs", DOMAIN, "rip");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, rip);
    RUN(&r, "--symbols", elf, "debug-regs", DOMAIN, "rip", "rsp", "--json");
    assertOk(&r);
    regsNode = parseJson(&r);
    arr = json_object_get_array_member(json_node_get_object(regsNode), "registers");
    obj = json_array_get_object_element(arr, 0);
    g_assert_cmpstr(json_object_get_string_member(obj, "symbol"), ==, GUEST_SYM_FUNCTION);
    /* only the program counter is named */
    g_assert_false(json_object_has_member(json_array_get_object_element(arr, 1), "symbol"));

    RUN(&r, "--symbols", elf, "debug-where", DOMAIN);
    assertOk(&r);
    assertContains(r.out, " Symbol ");
    where = g_strdup_printf("0x%016llx   " GUEST_SYM_FUNCTION "  ", sym(GUEST_SYM_FUNCTION));
    assertContains(r.out, where);

    RUN(&r, "--symbols", elf, "debug-list", DOMAIN);
    assertOk(&r);
    listed = g_strdup_printf("0x%016llx   " GUEST_SYM_FUNCTION "  ", sym(GUEST_SYM_FUNCTION));
    assertContains(r.out, listed);
    RUN(&r, "--symbols", elf, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    listNode = parseJson(&r);
    obj = json_array_get_object_element(json_node_get_array(listNode), 0);
    g_assert_cmpstr(json_object_get_string_member(obj, "symbol"), ==, GUEST_SYM_FUNCTION);
    g_assert_cmpstr(json_object_get_string_member(obj, "address"), ==,
                    symHex(GUEST_SYM_FUNCTION));

    /* SYMBOL+OFFSET reads the same bytes as the address in hex */
    {
        g_autofree char *hex = g_strdup_printf("0x%llx", sym(GUEST_SYM_FUNCTION) + 4);

        RUN(&r, "debug-mem", DOMAIN, hex, "4");
        assertOk(&r);
        dump = g_strdup(r.out);
        RUN(&r, "--symbols", elf, "debug-mem", DOMAIN, GUEST_SYM_FUNCTION "+4", "4");
        assertOk(&r);
        g_assert_cmpstr(r.out, ==, dump);
        RUN(&r, "--symbols", elf, "debug-mem", DOMAIN, GUEST_SYM_FUNCTION "+0x4", "4");
        assertOk(&r);
        g_assert_cmpstr(r.out, ==, dump);
    }

    RUN(&r, "debug-detach", DOMAIN);
    assertOk(&r);
    assertGuestRunningClean();
}


/* The System.map the domain's <debug:symbols> names: no --symbols */
static void
testSymbolsMapFromXml(void)
{
    const char *map = g_getenv("LIBVIRT_DEBUG_GUEST_MAP");
    g_autofree char *xml = g_strdup_printf("<debug xmlns='" NS "'><symbols file='%s'/></debug>",
                                           map);
    g_autofree char *file = writeTmp("symbols.xml", xml);
    g_autofree char *human = NULL;
    g_autofree char *var = g_strdup_printf("%s <" GUEST_SYM_WRITE_VAR ">",
                                           symHex(GUEST_SYM_WRITE_VAR));
    g_autoptr(JsonNode) stopNode = NULL;
    g_auto(Result) r = { 0 };
    JsonObject *obj;

    g_assert_nonnull(map);
    RUN(&r, "debug-config", DOMAIN, "--set", file);
    assertOk(&r);

    RUN(&r, "debug-watch", DOMAIN, GUEST_SYM_WRITE_VAR, "--len", "4");
    assertOk(&r);
    assertContains(r.out, var);
    obj = waitStop(DOMAIN, &stopNode);
    g_assert_cmpstr(json_object_get_string_member(obj, "watch-address"), ==,
                    symHex(GUEST_SYM_WRITE_VAR));
    g_assert_cmpstr(json_object_get_string_member(obj, "watch-symbol"), ==,
                    GUEST_SYM_WRITE_VAR);
    g_assert_cmpstr(json_object_get_string_member(obj, "hit-symbol"), ==,
                    GUEST_SYM_WRITE_VAR);
    g_assert_true(json_object_has_member(obj, "pc-symbol"));
    human = g_strdup_printf(" accessing %s (watching %s)\n", var, var);
    RUN(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    assertContains(r.out, human);

    /* a name the file does not have: refused, naming it and the file */
    RUN(&r, "debug-break", DOMAIN, "no_such_function");
    assertError(&r, "no symbol 'no_such_function'");
    assertContains(r.err, map);

    RUN(&r, "debug-detach", DOMAIN);
    assertOk(&r);
    RUN(&r, "debug-config", DOMAIN, "--remove");
    assertOk(&r);
    assertGuestRunningClean();
}


/* What cannot be resolved arms nothing and says what to do */
static void
testSymbolsErrors(void)
{
    g_autofree char *missing = g_build_filename(tmpdir, "no-such-vmlinux", NULL);
    const char *stripped = g_getenv("LIBVIRT_DEBUG_GUEST_STRIPPED");
    g_auto(Result) r = { 0 };

    /* no symbol file anywhere */
    RUN(&r, "debug-break", DOMAIN, GUEST_SYM_FUNCTION);
    assertError(&r, "names no symbol file");
    assertContains(r.err, "--symbols FILE");
    /* the address of the issue, typed without 0x (all digits, whatever
     * the test guest's layout) */
    RUN(&r, "debug-break", DOMAIN, "100090");
    assertError(&r, "ambiguous number '100090'");
    RUN(&r, "--symbols", missing, "debug-break", DOMAIN, GUEST_SYM_FUNCTION);
    assertError(&r, missing);
    RUN(&r, "--symbols", stripped, "debug-break", DOMAIN, GUEST_SYM_FUNCTION);
    assertError(&r, "stripped");
    RUN(&r, "--symbols", testGuestPath(), "debug-break", DOMAIN, GUEST_SYM_FUNCTION "+16");
    assertError(&r, "ambiguous number '16'");

    /* nothing was armed */
    RUN(&r, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "[]\n");
    assertGuestRunningClean();
}


/* The guest's System.map with every address @slide lower: a kernel
 * relocated by @slide, emulated.  Returns the file's path. */
static char *
writeShiftedMap(unsigned long long slide)
{
    const char *map = g_getenv("LIBVIRT_DEBUG_GUEST_MAP");
    g_autofree char *contents = NULL;
    g_autoptr(GString) moved = g_string_new(NULL);
    g_auto(GStrv) lines = NULL;
    size_t i;

    g_assert_true(g_file_get_contents(map, &contents, NULL, NULL));
    lines = g_strsplit(contents, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 3);
        unsigned long long addr;

        if (g_strv_length(f) != 3)
            continue;
        addr = g_ascii_strtoull(f[0], NULL, 16);
        g_assert_cmpuint(addr, >=, slide);
        g_string_append_printf(moved, "%016llx %s %s\n", addr - slide, f[1], f[2]);
    }
    return writeTmp("shifted.map", moved->str);
}


/* A relocated kernel, emulated: a System.map whose addresses are all
 * 0x100000 below the guest's, and --offset 0x100000 puts them back */
static void
testSymbolsOffset(void)
{
    g_autofree char *shifted = writeShiftedMap(0x100000);
    g_autofree char *inserted = g_strdup_printf("inserted at %s <" GUEST_SYM_FUNCTION ">",
                                                symHex(GUEST_SYM_FUNCTION));
    g_autofree char *hit = g_strdup_printf("debug-exit: vcpu 0 hw-breakpoint at %s <"
                                           GUEST_SYM_FUNCTION ">",
                                           symHex(GUEST_SYM_FUNCTION));
    g_auto(Result) r = { 0 };

    RUN(&r, "--symbols", shifted, "--offset", "0x100000",
        "debug-break", DOMAIN, GUEST_SYM_FUNCTION, "--hw");
    assertOk(&r);
    assertContains(r.out, inserted);
    /* the offset given is the one used: nothing detected, nothing said */
    g_assert_null(strstr(r.err, "note:"));
    RUN(&r, "debug-wait", DOMAIN, "--timeout", WAIT_TIMEOUT,
        "--symbols", shifted, "--offset", "0d1048576");
    assertOk(&r);
    assertContains(r.out, hit);
    RUN(&r, "debug-detach", DOMAIN);
    assertOk(&r);

    /* an offset is spelled as an address is */
    RUN(&r, "--symbols", shifted, "--offset", "1048576", "debug-list", DOMAIN);
    assertError(&r, "invalid offset '1048576'");
    assertGuestRunningClean();
}


/* The same relocated kernel without --offset: the guest's syscall entry
 * point (LSTAR holds entry_SYSCALL_64, as a Linux kernel's does) tells
 * the offset, which is applied and said */
static void
testSymbolsDetectedOffset(void)
{
    g_autofree char *shifted = writeShiftedMap(0x100000);
    g_autofree char *inserted = g_strdup_printf("inserted at %s <" GUEST_SYM_FUNCTION ">",
                                                symHex(GUEST_SYM_FUNCTION));
    g_auto(Result) r = { 0 };

    RUN(&r, "--symbols", shifted, "debug-break", DOMAIN, GUEST_SYM_FUNCTION, "--hw");
    g_assert_cmpint(r.status, ==, 0);
    assertContains(r.out, inserted);
    /* one line on stderr, a note, not an error */
    g_assert_true(g_str_has_prefix(r.err, "note: the kernel of domain '" DOMAIN
                                   "' runs +0x100000 from "));
    assertContains(r.err, "syscall entry point");
    g_assert_cmpuint(strlen(strchr(r.err, '\n')), ==, 1);
    RUN(&r, "debug-detach", DOMAIN);
    assertOk(&r);

    /* the guest's own file: offset 0, nothing to say */
    RUN(&r, "--symbols", testGuestPath(), "debug-list", DOMAIN);
    assertOk(&r);
    g_assert_null(strstr(r.err, "note:"));
    assertGuestRunningClean();
}


/* Symbols that do not describe the guest where they say: refused before
 * anything is armed */
static void
testSymbolsMismatch(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, "--symbols", testGuestPath(), "--offset", "0x1000",
        "debug-break", DOMAIN, GUEST_SYM_FUNCTION, "--hw");
    assertError(&r, "does not match the guest");
    assertContains(r.err, "--offset");
    assertContains(r.err, testGuestPath());
    RUN(&r, "--symbols", testGuestPath(), "--offset", "0x1000",
        "debug-mem", DOMAIN, GUEST_SYM_COUNTER, "4");
    assertError(&r, "does not match the guest");
    RUN(&r, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "[]\n");
    assertGuestRunningClean();
}


/* ------------------------------------------------------------------ */
/* What a virsh user expects                                           */

/* debug-where agrees with domstate: a domain paused before its first
 * instruction has no running vCPU */
static void
testWherePaused(void)
{
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *out = HELPER("define", "paused",
                                  "<debug:debug xmlns:debug='" NS "'>"
                                  "<debug:boot stop='yes'/></debug:debug>");
    g_autofree char *state = NULL;
    JsonObject *obj;

    RUN(&r, "debug-start", "paused");
    assertOk(&r);
    state = HELPER("state", "paused");
    g_assert_cmpint(atoi(state), ==, VIR_DOMAIN_PAUSED);

    RUN(&r, "debug-where", "paused");
    assertOk(&r);
    assertContains(r.out, " 0      paused    -");
    g_assert_null(strstr(r.out, "running"));
    RUN(&r, "debug-where", "paused", "--json");
    assertOk(&r);
    node = parseJson(&r);
    obj = json_array_get_object_element(json_node_get_array(node), 0);
    g_assert_cmpstr(json_object_get_string_member(obj, "state"), ==, "paused");
    g_assert_false(json_object_get_boolean_member(obj, "stopped"));

    /* a detach does not run a guest the debugger did not stop, and says
     * so instead of "guest running" */
    RUN(&r, "debug-detach", "paused");
    assertOk(&r);
    assertContains(r.out, "the guest stays paused");
    g_clear_pointer(&state, g_free);
    state = HELPER("state", "paused");
    g_assert_cmpint(atoi(state), ==, VIR_DOMAIN_PAUSED);

    /* running again: running */
    RUN(&r, "debug-continue", "paused");
    assertOk(&r);
    RUN(&r, "debug-where", "paused");
    assertOk(&r);
    assertContains(r.out, " 0      running   -");
    RUN(&r, "debug-detach", "paused");
    assertOk(&r);

    g_clear_pointer(&out, g_free);
    out = HELPER("remove", "paused");
    assertGuestRunningClean();
}


/* debug-regs: the general registers by default, every one with --all,
 * eflags decoded from its value */
static void
testRegsDefaultAll(void)
{
    g_auto(Result) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GString) expect = g_string_new("[");
    g_autofree char *line = NULL;
    static const struct { int bit; const char *name; } flags[] = {
        { 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" },
        { 8, "TF" }, { 9, "IF" }, { 10, "DF" }, { 11, "OF" },
    };
    unsigned long long eflags = 0;
    const char *value;
    JsonArray *arr;
    size_t i;

    RUN(&r, "debug-stop", DOMAIN);
    assertOk(&r);

    RUN(&r, "debug-regs", DOMAIN);
    assertOk(&r);
    assertContains(r.out, "rax ");
    assertContains(r.out, "rip ");
    assertContains(r.out, "eflags ");
    g_assert_null(strstr(r.out, "xmm0"));
    g_assert_null(strstr(r.out, "st0"));
    RUN(&r, "debug-regs", DOMAIN, "--all");
    assertOk(&r);
    assertContains(r.out, "xmm0");
    assertContains(r.out, "st0");
    RUN(&r, "debug-regs", DOMAIN, "rip", "--all");
    assertError(&r, "--all");

    RUN(&r, "debug-regs", DOMAIN, "eflags", "--json");
    assertOk(&r);
    node = parseJson(&r);
    arr = json_object_get_array_member(json_node_get_object(node), "registers");
    value = json_object_get_string_member(json_array_get_object_element(arr, 0),
                                          "value");
    eflags = g_ascii_strtoull(value, NULL, 16);
    for (i = 0; i < G_N_ELEMENTS(flags); i++) {
        if (eflags & (1ULL << flags[i].bit))
            g_string_append_printf(expect, " %s", flags[i].name);
    }
    g_string_append(expect, " ]");
    /* the guest runs with interrupts off */
    g_assert_null(strstr(expect->str, "IF"));
    line = g_strdup_printf("eflags  %s %s\n", value, expect->str);
    RUN(&r, "debug-regs", DOMAIN, "eflags");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, line);

    /* with more flags set (not IF: the guest has no handler for a timer
     * interrupt), then back to the guest's own value */
    RUN(&r, "debug-setreg", DOMAIN, "eflags", "0x8c7");
    assertOk(&r);
    RUN(&r, "debug-regs", DOMAIN, "eflags");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "eflags  0x000008c7 [ CF PF ZF SF OF ]\n");
    RUN(&r, "debug-setreg", DOMAIN, "eflags", value);
    assertOk(&r);

    RUN(&r, "debug-detach", DOMAIN);
    assertOk(&r);
    assertGuestRunningClean();
}


/* 'virsh-debug -c URI "debug-where e2e"' is 'debug-where e2e', for our
 * commands and virsh's */
static void
testCommandString(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *plain = NULL;

    RUN(&r, "debug-list", DOMAIN);
    assertOk(&r);
    plain = g_strdup(r.out);
    RUN(&r, "debug-list " DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, plain);
    RUN(&r, "debug-list '" DOMAIN "' --json");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "[]\n");
    RUN(&r, "domstate " DOMAIN);
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, "running\n\n");
    assertGuestRunningClean();
}


/* With several vCPUs, commands without --vcpu act on the one that
 * stopped and say so.  (Only vCPU 0 calls guest_tick: the 32-bit guest's
 * second vCPU waits in the firmware, the higher-half guest's runs a loop
 * of its own.) */
static void
testCurrentVcpu(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *out = HELPER("start-smp", "smp");
    g_autofree char *regs = g_strdup_printf("vCPU 0 (the one stopped for the debugger):\n"
                                            "rip  0x%016llx\n", sym(GUEST_SYM_FUNCTION));

    RUN(&r, "debug-break", "smp", symHex(GUEST_SYM_FUNCTION), "--hw");
    assertOk(&r);
    RUN(&r, "debug-wait", "smp", "--timeout", WAIT_TIMEOUT);
    assertOk(&r);
    assertContains(r.out, "debug-exit: vcpu 0 hw-breakpoint");

    RUN(&r, "debug-regs", "smp", "rip");
    assertOk(&r);
    g_assert_cmpstr(r.out, ==, regs);
    /* named: no note, and the other vCPU's own registers */
    RUN(&r, "debug-regs", "smp", "rip", "--vcpu", "1");
    assertOk(&r);
    g_assert_true(g_str_has_prefix(r.out, "rip  0x"));
    e2eAssertSecondVcpuPc(g_ascii_strtoull(r.out + strlen("rip  "), NULL, 16));
    RUN(&r, "debug-mem", "smp", symHex(GUEST_SYM_FUNCTION), "4");
    assertOk(&r);
    assertContains(r.out, "Through the MMU of vCPU 0 (the one stopped for the debugger):\n");
    RUN(&r, "debug-step", "smp");
    assertOk(&r);
    assertContains(r.out, "debug-exit: vcpu 0 step at 0x");

    RUN(&r, "debug-detach", "smp");
    assertOk(&r);
    g_clear_pointer(&out, g_free);
    out = HELPER("remove", "smp");
    assertGuestRunningClean();
}


/* examples/break-on-symbol, the README's program, does what it says.
 * (On a daemon: a program that opens an embedded root must settle its
 * reconnects first, which the example leaves out for clarity.) */
static void
testExampleProgram(void)
{
    g_autofree char *bin = g_build_filename(g_getenv("LIBVIRT_DEBUG_BUILDDIR"),
                                            "examples", "break-on-symbol", NULL);
    g_autofree char *expect = g_strdup_printf(DOMAIN ": vcpu 0 hw-breakpoint at %s <"
                                              GUEST_SYM_FUNCTION ">\n",
                                              symHex(GUEST_SYM_FUNCTION));
    const char *argv[] = { bin, lv->uri, DOMAIN, GUEST_SYM_FUNCTION,
                           testGuestPath(), NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL,
                               NULL, &out, &err, &status, NULL));
    g_test_message("break-on-symbol:\n%s%s", out, err);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_assert_cmpstr(out, ==, expect);
    g_assert_cmpstr(err, ==, "");
    assertGuestRunningClean();
}


/* QEMU's messages reach the user with the commands that exist here */
static void
testErrorsNameCommands(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, "debug-step", DOMAIN);
    assertError(&r, "stop it (debug-stop)");
    g_assert_null(strstr(r.err, "debug-interrupt"));
    assertGuestRunningClean();
}


/* ------------------------------------------------------------------ */
/* The interactive session on a terminal                               */

static pid_t
ptyAttach(int *fd)
{
    pid_t pid;

    e2eVirshDebugPath();          /* nothing to allocate after the fork */
    pid = forkpty(fd, NULL, NULL, NULL);
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        const char *argv[] = { e2eVirshDebugPath(), "-c", lv->uri,
                               "debug-attach", DOMAIN, NULL };

        execve(argv[0], (char **)argv, childEnvp);
        _exit(127);
    }
    return pid;
}


/* attach, a breakpoint whose hit is reported without typing anything,
 * the registers, a step, quit */
static void
testSessionPty(void)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    g_autofree char *cmd = g_strdup_printf("break %s --hw\r", symHex(GUEST_SYM_FUNCTION));
    g_autofree char *hit = g_strdup_printf("debug-exit: vcpu 0 hw-breakpoint at %s (point ",
                                           symHex(GUEST_SYM_FUNCTION));
    g_autofree char *rip = g_strdup_printf("rip  0x%016llx", sym(GUEST_SYM_FUNCTION));
    int fd;
    pid_t pid = ptyAttach(&fd);

    testPtyExpect(fd, seen, "Attached to domain '" DOMAIN "'", 30);
    testPtyExpect(fd, seen, "virsh-debug (" DOMAIN ")# ", 30);
    testPtyWrite(fd, cmd);
    testPtyExpect(fd, seen, "(hw-breakpoint) inserted at ", 30);
    /* asynchronous: nothing typed since (it may come before or after the
     * next prompt) */
    testPtyExpect(fd, seen, hit, 30);
    testPtyWrite(fd, "regs rip\r");
    testPtyExpect(fd, seen, rip, 30);
    testPtyExpect(fd, seen, "virsh-debug (" DOMAIN ")# ", 30);
    testPtyWrite(fd, "step\r");
    testPtyExpect(fd, seen, "debug-exit: vcpu 0 step at 0x", 30);
    testPtyWrite(fd, "quit\r");
    testPtyExpect(fd, seen, "Detached from domain '" DOMAIN "'.", 30);
    g_assert_cmpint(testPtyFinish(pid, fd, seen), ==, 0);
    g_assert_null(strstr(seen->str, "error"));
    assertGuestRunningClean();
}


/* debug-wait at a terminal says what it waits for, and for how long */
static void
testSessionWaitTerminal(void)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    int fd;
    pid_t pid = ptyAttach(&fd);

    testPtyExpect(fd, seen, "virsh-debug (" DOMAIN ")# ", 30);
    testPtyWrite(fd, "wait --timeout 1\r");
    testPtyExpect(fd, seen, "Waiting for a debug exit of domain '" DOMAIN "' (up to 1 s; "
                  "Ctrl-C stops waiting)...", 30);
    testPtyExpect(fd, seen, "error: timed out after 1 seconds", 30);
    testPtyExpect(fd, seen, "virsh-debug (" DOMAIN ")# ", 30);
    testPtyWrite(fd, "quit\r");
    testPtyExpect(fd, seen, "Detached from domain '" DOMAIN "'.", 30);
    g_assert_cmpint(testPtyFinish(pid, fd, seen), ==, 0);
    assertGuestRunningClean();
}


/* A session on a pipe reports each debug exit once: a wait that finds
 * the guest still stopped at the exit it reported says nothing more */
static void
testSessionPipeOnce(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *input = g_strdup_printf("break %s --hw\n"
                                             "wait --timeout " WAIT_TIMEOUT "\n"
                                             "wait --timeout " WAIT_TIMEOUT "\n"
                                             "quit\n", symHex(GUEST_SYM_FUNCTION));
    const char *p;
    int exits = 0;

    RUN_INPUT(&r, input, "debug-attach", DOMAIN);
    assertOk(&r);
    for (p = r.out; (p = strstr(p, "debug-exit:")); p++)
        exits++;
    g_assert_cmpint(exits, ==, 1);
    assertContains(r.out, "Detached from domain '" DOMAIN "'.\n");
    assertGuestRunningClean();
}


/* A debug-attach session on a pty whose breakpoint the guest is stopped
 * at, at the prompt again: what each way of ending a session starts
 * from.  Returns the session's pid, its pty in @fd. */
static pid_t
sessionStoppedAtBreakpoint(int *fd, GString *seen)
{
    g_autofree char *cmd = g_strdup_printf("break %s\r", symHex(GUEST_SYM_FUNCTION));
    pid_t pid = ptyAttach(fd);

    testPtyExpect(*fd, seen, "virsh-debug (" DOMAIN ")# ", 30);
    testPtyWrite(*fd, cmd);
    testPtyExpect(*fd, seen, "debug-exit: vcpu 0 sw-breakpoint at ", 30);
    /* type only once readline reads again: keys typed before it switched
     * the terminal to raw mode would be cooked by the tty (Ctrl-D, Ctrl-U
     * included) instead of reaching readline */
    testPtyExpect(*fd, seen, "virsh-debug (" DOMAIN ")# ", 30);
    return pid;
}


/* End of input (Ctrl-D) or Ctrl-C with a point armed and the guest
 * stopped on it: the session detaches cleanly either way. */
static void
testSessionPtyEnd(gconstpointer data)
{
    const char *key = data;
    g_autoptr(GString) seen = g_string_new(NULL);
    int fd;
    pid_t pid = sessionStoppedAtBreakpoint(&fd, seen);

    /* a half-typed line is dropped, not run */
    testPtyWrite(fd, "watch 0x1");
    testPtyWrite(fd, key);
    if (g_str_equal(key, "\x04")) {
        /* readline takes Ctrl-D as end of input on an empty line only */
        testPtyWrite(fd, "\x15\x04");
    }
    testPtyExpect(fd, seen, "Detached from domain '" DOMAIN "'.", 30);
    g_assert_cmpint(testPtyFinish(pid, fd, seen), ==, 0);
    assertGuestRunningClean();
}


/* Ctrl-C typed as the session is about to read a key typed before it:
 * the terminal discards its pending input as it raises SIGINT, so the
 * key poll() reported is gone when the session reads it.
 * LIBVIRT_DEBUG_TEST_KEY_DELAY holds the session in that window (between
 * the poll and the read of a line's first key) for a second, and the
 * Ctrl-C lands in it: the session must still detach, not wait in read()
 * for a key that never comes. */
static void
testSessionPtyCtrlCKey(void)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    char **saved = childEnvp;
    pid_t pid;
    int fd;

    childEnvp = g_environ_setenv(g_strdupv(saved),
                                 "LIBVIRT_DEBUG_TEST_KEY_DELAY", "1000", TRUE);
    pid = sessionStoppedAtBreakpoint(&fd, seen);
    g_strfreev(childEnvp);
    childEnvp = saved;
    testPtyWrite(fd, "watch 0x1");
    /* the session's poll() returns for the 'w' at once; a quarter of a
     * second leaves it well inside the delay */
    g_usleep(G_USEC_PER_SEC / 4);
    testPtyWrite(fd, "\x03");
    testPtyExpect(fd, seen, "Detached from domain '" DOMAIN "'.", 30);
    g_assert_cmpint(testPtyFinish(pid, fd, seen), ==, 0);
    assertGuestRunningClean();
}


/* SIGTERM (kill, a service manager) or SIGHUP (the terminal or the ssh
 * connection went away) with a point armed and the guest stopped on it:
 * the session detaches before it exits, as for Ctrl-C. */
static void
testSessionSignal(gconstpointer data)
{
    int sig = GPOINTER_TO_INT(data);
    g_autoptr(GString) seen = g_string_new(NULL);
    int fd;
    pid_t pid = sessionStoppedAtBreakpoint(&fd, seen);

    g_assert_cmpint(kill(pid, sig), ==, 0);
    testPtyExpect(fd, seen, "Detached from domain '" DOMAIN "'.", 30);
    g_assert_cmpint(testPtyFinish(pid, fd, seen), ==, 0);
    assertGuestRunningClean();
}


/* libvirtd restarted under a session stopped at its breakpoint: 'quit'
 * still removes the point and resumes the guest, though the session's
 * libvirt connection is gone.  On the debug channel, which goes straight
 * to QEMU; forced onto the monitor path, through a new connection.  The
 * session's timed lease lasts an hour here, so its expiry cannot be
 * what cleans up. */
static void
testSessionDaemonRestart(void)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    char **saved = childEnvp;
    pid_t pid;
    int fd;

    childEnvp = g_environ_setenv(g_strdupv(saved),
                                 "LIBVIRT_DEBUG_LEASE_TIMEOUT", "3600", TRUE);
    pid = sessionStoppedAtBreakpoint(&fd, seen);
    g_strfreev(childEnvp);
    childEnvp = saved;
    testLibvirtRestartDaemon(lv);
    testPtyWrite(fd, "quit\r");
    testPtyExpect(fd, seen, "Detached from domain '" DOMAIN "'.", 30);
    g_assert_cmpint(testPtyFinish(pid, fd, seen), ==, 0);
    assertGuestRunningClean();
}


/* Polls cli-helper check until the guest runs clean, for up to @seconds. */
static void
waitGuestRunningClean(int seconds)
{
    const char *const args[] = { "check", DOMAIN, NULL };
    gint64 deadline = g_get_monotonic_time() + seconds * G_USEC_PER_SEC;

    for (;;) {
        g_auto(Result) r = { 0 };

        runv(&r, NULL, true, args);
        if (r.status == 0)
            return;
        if (g_get_monotonic_time() > deadline)
            g_error("the guest is not running clean after %d s: %s", seconds, r.err);
        g_usleep(250 * 1000);
    }
}


/* A session killed outright (SIGKILL: no handler runs) with its point
 * armed and the guest stopped on it: QEMU removes the point and resumes
 * the guest by itself, when the session's debug channel closes (its
 * timed lease would last an hour: see leaseTimeout()), or, forced onto
 * the monitor path, when nobody renews the lease. */
static void
testSessionKilled(void)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    int status;
    int fd;
    pid_t pid = sessionStoppedAtBreakpoint(&fd, seen);

    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    while (waitpid(pid, &status, 0) < 0)
        g_assert_cmpint(errno, ==, EINTR);
    close(fd);
    g_assert_true(WIFSIGNALED(status));
    waitGuestRunningClean(cleanupSeconds());
}


/* "$DATA#CS": a GDB remote-protocol packet. */
static char *
gdbPacket(const char *data)
{
    unsigned int sum = 0;
    const char *p;

    for (p = data; *p; p++)
        sum += (unsigned char)*p;
    return g_strdup_printf("$%s#%02x", data, sum & 0xff);
}


/* Sends @data as a packet on @fd and returns GDB's view of the answer:
 * everything read until a packet ("$...#cs") arrived, within 30 s. */
static char *
gdbExchange(int fd, const char *data)
{
    g_autofree char *packet = gdbPacket(data);
    g_autoptr(GString) in = g_string_new(NULL);
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    g_assert_cmpint(write(fd, packet, strlen(packet)), ==, strlen(packet));
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        const char *dollar;
        const char *hash;
        char buf[512];
        ssize_t n;

        if ((dollar = strchr(in->str, '$')) && (hash = strchr(dollar, '#')) &&
            strlen(hash) >= 3) {
            g_assert_cmpint(write(fd, "+", 1), ==, 1);
            return g_string_free(g_steal_pointer(&in), FALSE);
        }
        if (g_get_monotonic_time() > deadline ||
            poll(&pfd, 1, 1000) < 0 ||
            ((pfd.revents & POLLIN) && (n = read(fd, buf, sizeof(buf))) <= 0))
            g_error("no answer to '%s' from the GDB bridge; got '%s'", data, in->str);
        if (pfd.revents & POLLIN)
            g_string_append_len(in, buf, n);
    }
}


/* The GDB bridge killed outright (SIGKILL) with the guest stopped for GDB
 * and GDB's breakpoint armed: QEMU removes the point and resumes the
 * guest by itself (the channel closed, or on the monitor path, nobody
 * renewed the lease). */
static void
testGdbBridgeKilled(void)
{
    g_autofree char *sock = g_build_filename(tmpdir, "bridge.sock", NULL);
    g_autofree char *z0 = g_strdup_printf("Z0,%s,1", symHex(GUEST_SYM_FUNCTION) + 2);
    g_autofree char *stop = NULL;
    g_autofree char *ok = NULL;
    const char *argv[] = { e2eVirshDebugPath(), "-c", lv->uri, "debug-gdb", DOMAIN,
                           "--listen", sock, NULL };
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autoptr(GError) error = NULL;
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    GPid pid;
    int status;
    int fd;

    if (!g_spawn_async(NULL, (char **)argv, childEnvp,
                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                       NULL, NULL, &pid, &error))
        g_error("cannot run the GDB bridge: %s", error->message);
    while (!g_file_test(sock, G_FILE_TEST_EXISTS)) {
        if (g_get_monotonic_time() > deadline)
            g_error("the GDB bridge did not listen on %s", sock);
        g_usleep(50 * 1000);
    }
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpuint(strlen(sock), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, sock);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);

    stop = gdbExchange(fd, "?");
    g_assert_nonnull(strstr(stop, "$T05"));
    ok = gdbExchange(fd, z0);
    g_assert_nonnull(strstr(ok, "$OK#"));

    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    while (waitpid(pid, &status, 0) < 0)
        g_assert_cmpint(errno, ==, EINTR);
    g_spawn_close_pid(pid);
    close(fd);
    g_unlink(sock);
    waitGuestRunningClean(cleanupSeconds());
}


/* Two sessions on one domain (a daemon serves two processes at once):
 * each one's end removes its own points only. */
static void
testTwoSessions(void)
{
    g_autoptr(GString) seenA = g_string_new(NULL);
    g_autoptr(GString) seenB = g_string_new(NULL);
    g_autofree char *breakA = g_strdup_printf("break %s\r", symHex(GUEST_SYM_NEVER_CALLED));
    g_autofree char *watchB = g_strdup_printf("watch %s --len 4\r",
                                              symHex("guest_fault_count"));
    g_autoptr(JsonNode) node = NULL;
    g_auto(Result) r = { 0 };
    JsonArray *points;
    int fdA, fdB;
    pid_t pidA = ptyAttach(&fdA);
    pid_t pidB;

    testPtyExpect(fdA, seenA, "virsh-debug (" DOMAIN ")# ", 30);
    testPtyWrite(fdA, breakA);
    testPtyExpect(fdA, seenA, "inserted at", 30);
    pidB = ptyAttach(&fdB);
    testPtyExpect(fdB, seenB, "virsh-debug (" DOMAIN ")# ", 30);
    testPtyWrite(fdB, watchB);
    testPtyExpect(fdB, seenB, "inserted at", 30);

    testPtyWrite(fdB, "quit\r");
    testPtyExpect(fdB, seenB, "Detached from domain '" DOMAIN "'.", 30);
    g_assert_cmpint(testPtyFinish(pidB, fdB, seenB), ==, 0);

    /* A's point is still there */
    RUN(&r, "--json", "debug-list", DOMAIN);
    assertOk(&r);
    node = parseJson(&r);
    points = json_node_get_array(node);
    g_assert_cmpuint(json_array_get_length(points), ==, 1);
    g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(points, 0),
                                                  "address"),
                    ==, symHex(GUEST_SYM_NEVER_CALLED));

    testPtyWrite(fdA, "quit\r");
    testPtyExpect(fdA, seenA, "Detached from domain '" DOMAIN "'.", 30);
    g_assert_cmpint(testPtyFinish(pidA, fdA, seenA), ==, 0);
    assertGuestRunningClean();
}


/* While a session holds an embedded root, another virsh-debug on the
 * same root is refused with an explanation, not just libvirt's locked
 * pid file; the session goes on unharmed. */
static void
testEmbedRootBusy(void)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    g_auto(Result) r = { 0 };
    int fd;
    pid_t pid = ptyAttach(&fd);

    testPtyExpect(fd, seen, "virsh-debug (" DOMAIN ")# ", 30);
    RUN(&r, "debug-list", DOMAIN);
    assertError(&r, "in use by another process");
    testPtyWrite(fd, "list\r");
    testPtyExpect(fd, seen, "virsh-debug (" DOMAIN ")# ", 30);
    testPtyWrite(fd, "quit\r");
    testPtyExpect(fd, seen, "Detached from domain '" DOMAIN "'.", 30);
    g_assert_cmpint(testPtyFinish(pid, fd, seen), ==, 0);
    assertGuestRunningClean();
}


/* ------------------------------------------------------------------ */
/* Errors                                                              */

static void
testErrNotRunning(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *out = HELPER("define", "off");

    RUN(&r, "debug-caps", "off");
    assertError(&r, "domain 'off' is not running");
    RUN(&r, "debug-break", "off", symHex(GUEST_SYM_FUNCTION));
    assertError(&r, "domain 'off' is not running");
    RUN(&r, "debug-attach", "off");
    assertError(&r, "domain 'off' is not running");

    g_clear_pointer(&out, g_free);
    out = HELPER("remove", "off");
    assertGuestRunningClean();
}


static void
testErrUnknownDomain(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, "debug-caps", "no-such-domain");
    assertError(&r, "'no-such-domain'");
    RUN(&r, "debug-break", "no-such-domain", symHex(GUEST_SYM_FUNCTION));
    assertError(&r, "'no-such-domain'");
    assertGuestRunningClean();
}


static void
testErrStockQemu(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *out = HELPER("start", "stock", testLibvirtStockQemu());

    RUN(&r, "debug-caps", "stock");
    assertError(&r, "no debug API");
    assertContains(r.err, "'stock'");
    RUN(&r, "debug-break", "stock", symHex(GUEST_SYM_FUNCTION), "--hw");
    assertError(&r, "no debug API");
    RUN(&r, "debug-attach", "stock");
    assertError(&r, "no debug API");

    g_clear_pointer(&out, g_free);
    out = HELPER("remove", "stock");
    assertGuestRunningClean();
}


static void
testErrReadOnly(void)
{
    g_auto(Result) r = { 0 };

    RUN(&r, "-r", "debug-break", DOMAIN, symHex(GUEST_SYM_FUNCTION));
    assertError(&r, "read-only");
    assertContains(r.err, "'" DOMAIN "'");
    RUN(&r, "-r", "debug-writemem", DOMAIN, symHex(GUEST_SYM_POKE), "00");
    assertError(&r, "read-only");
    assertGuestRunningClean();
}


static void
testErrBadInput(void)
{
    g_auto(Result) r = { 0 };
    g_autofree char *misaligned = g_strdup_printf("0x%llx", sym(GUEST_SYM_WRITE_VAR) + 1);

    RUN(&r, "debug-watch", DOMAIN, misaligned, "--len", "4");
    assertError(&r, "not aligned");
    assertContains(r.err, misaligned);
    RUN(&r, "debug-watch", DOMAIN, symHex(GUEST_SYM_WRITE_VAR), "--len", "3");
    assertError(&r, "length 3");
    RUN(&r, "debug-break", DOMAIN, "nowhere");
    assertError(&r, "'nowhere'");
    RUN(&r, "debug-regs", DOMAIN, "no-such-register");
    assertError(&r, "no-such-register");
    RUN(&r, "debug-setreg", DOMAIN, "no-such-register", "1");
    assertError(&r, "no-such-register");
    RUN(&r, "debug-mem", DOMAIN, "0xfffffffff0000000", "16", "--phys");
    assertError(&r, "0xfffffffff0000000");
    RUN(&r, "debug-mem", DOMAIN, "0x7ff00000", "16");
    assertError(&r, "0x7ff00000");
    RUN(&r, "debug-break", DOMAIN, "0x7ff00000");
    assertError(&r, "0x7ff00000");
    RUN(&r, "debug-mem", DOMAIN, symHex(GUEST_SYM_FUNCTION), "0");
    assertError(&r, "size");
    RUN(&r, "debug-step", DOMAIN, "--count", "0");
    assertError(&r, "count");
    /* stepping a running vCPU */
    RUN(&r, "debug-step", DOMAIN);
    assertError(&r, DOMAIN);
    assertGuestRunningClean();
}


/* ------------------------------------------------------------------ */

/*
 * A command virsh-debug does not know runs in plain virsh.  On the
 * embedded driver that virsh reconnects to the running guest in its own
 * process, and libvirt 9.0's virsh used to exit in the middle of it: it
 * crashed in about one run in thirty, and now and then libvirt killed the
 * guest ("shutting down, reason=daemon").  Many short runs in a row, each
 * of which must leave the guest running.
 */
#define PASS_THROUGH_RUNS 40

static void
testPassThrough(void)
{
    size_t i;

    for (i = 0; i < PASS_THROUGH_RUNS; i++) {
        g_auto(Result) r = { 0 };

        RUN(&r, "domstate", DOMAIN);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_cmpstr(r.out, ==, "running\n\n");
    }
    assertGuestRunningClean();
}


int
main(int argc, char **argv)
{
    g_autofree char *out = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    if (argc > 1)
        kind = argv[1];
    tmpdir = g_dir_make_tmp("cli-e2e-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    /* no connection of our own: see cli-helper.c */
    lv = testLibvirtPrepare(kind);
    childEnvInit();
    out = HELPER("start", DOMAIN, testLibvirtQemu());

    g_test_add_func("/e2e/cli/caps", testCaps);
    g_test_add_data_func("/e2e/cli/break-hw", GINT_TO_POINTER(1), testBreakpoint);
    g_test_add_data_func("/e2e/cli/break-sw", GINT_TO_POINTER(0), testBreakpoint);
    g_test_add_data_func("/e2e/cli/watch-write", "", testWatchpoint);
    g_test_add_data_func("/e2e/cli/watch-read", "--read", testWatchpoint);
    g_test_add_data_func("/e2e/cli/watch-access", "--access", testWatchpoint);
    g_test_add_func("/e2e/cli/step-setreg", testStepSetreg);
    g_test_add_func("/e2e/cli/step-guest-int3", testStepGuestInt3);
    g_test_add_func("/e2e/cli/list-delete", testListDelete);
    g_test_add_func("/e2e/cli/mem", testMemory);
    g_test_add_func("/e2e/cli/writemem", testWritememVisible);
    g_test_add_func("/e2e/cli/config", testConfig);
    g_test_add_func("/e2e/cli/disallowed", testDisallowed);
    g_test_add_func("/e2e/cli/detach", testDetach);
    g_test_add_func("/e2e/cli/debug-start", testDebugStart);
    g_test_add_func("/e2e/cli/symbols/elf", testSymbolsElf);
    g_test_add_func("/e2e/cli/condition-ignore", testCliConditionIgnore);
    g_test_add_func("/e2e/cli/tracepoint", testCliTracepoint);
    g_test_add_func("/e2e/cli/step-trace", testCliStepTrace);
    g_test_add_func("/e2e/cli/symbols/map-from-xml", testSymbolsMapFromXml);
    g_test_add_func("/e2e/cli/symbols/errors", testSymbolsErrors);
    g_test_add_func("/e2e/cli/symbols/offset", testSymbolsOffset);
    g_test_add_func("/e2e/cli/symbols/detected-offset", testSymbolsDetectedOffset);
    g_test_add_func("/e2e/cli/symbols/mismatch", testSymbolsMismatch);
    g_test_add_func("/e2e/cli/where-paused", testWherePaused);
    g_test_add_func("/e2e/cli/regs-default-all", testRegsDefaultAll);
    g_test_add_func("/e2e/cli/errors-name-commands", testErrorsNameCommands);
    g_test_add_func("/e2e/cli/command-string", testCommandString);
    g_test_add_func("/e2e/cli/current-vcpu", testCurrentVcpu);
    if (g_str_equal(kind, "daemon"))
        g_test_add_func("/e2e/cli/example-program", testExampleProgram);
    g_test_add_func("/e2e/cli/session-pty", testSessionPty);
    g_test_add_func("/e2e/cli/session-wait-terminal", testSessionWaitTerminal);
    g_test_add_func("/e2e/cli/session-pipe-once", testSessionPipeOnce);
    g_test_add_data_func("/e2e/cli/session-pty-eof", "\x04", testSessionPtyEnd);
    g_test_add_data_func("/e2e/cli/session-pty-ctrl-c", "\x03", testSessionPtyEnd);
    g_test_add_func("/e2e/cli/session-pty-ctrl-c-key", testSessionPtyCtrlCKey);
    g_test_add_data_func("/e2e/cli/session-sigterm", GINT_TO_POINTER(SIGTERM),
                         testSessionSignal);
    g_test_add_data_func("/e2e/cli/session-sighup", GINT_TO_POINTER(SIGHUP),
                         testSessionSignal);
    g_test_add_func("/e2e/cli/session-killed", testSessionKilled);
    g_test_add_func("/e2e/cli/gdb-bridge-killed", testGdbBridgeKilled);
    if (g_str_equal(kind, "daemon")) {
        g_test_add_func("/e2e/cli/two-sessions", testTwoSessions);
        g_test_add_func("/e2e/cli/session-libvirtd-restart",
                        testSessionDaemonRestart);
    }
    if (g_str_equal(kind, "embed"))
        g_test_add_func("/e2e/cli/embed-root-busy", testEmbedRootBusy);
    g_test_add_func("/e2e/cli/err/not-running", testErrNotRunning);
    g_test_add_func("/e2e/cli/err/unknown-domain", testErrUnknownDomain);
    g_test_add_func("/e2e/cli/err/stock-qemu", testErrStockQemu);
    g_test_add_func("/e2e/cli/err/read-only", testErrReadOnly);
    g_test_add_func("/e2e/cli/err/bad-input", testErrBadInput);
    g_test_add_func("/e2e/cli/pass-through", testPassThrough);

    ret = g_test_run();

    testLibvirtFree(lv);
    {
        const char *rmArgv[] = { "rm", "-rf", tmpdir, NULL };

        g_spawn_sync(NULL, (char **)rmArgv, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, NULL, NULL, NULL, NULL);
    }
    g_free(tmpdir);
    return ret;
}
