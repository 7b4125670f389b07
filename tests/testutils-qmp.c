/*
 * testutils-qmp.c: a tiny synchronous QMP client, and QEMU processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "testutils-guest.h"
#include "testutils-qmp.h"

#define TEST_QEMU_START_TIMEOUT_MS 10000
#define TEST_QEMU_QUIT_TIMEOUT_MS 5000

struct _testQmp {
    int fd;
    GString *inbuf;
    GQueue events;       /* JsonObject *, whole event messages */
    guint timeout_ms;
};

GQuark
testQmpErrorQuark(void)
{
    return g_quark_from_static_string("test-qmp-error-quark");
}

static gint64
deadlineAfter(guint timeout_ms)
{
    return g_get_monotonic_time() + (gint64) timeout_ms * 1000;
}

/* Read more input, waiting until @deadline (monotonic time, us); a
 * deadline in the past polls once without blocking. */
static gboolean
testQmpFill(testQmp *qmp, gint64 deadline, GError **error)
{
    struct pollfd pfd = { .fd = qmp->fd, .events = POLLIN };
    char buf[65536];
    ssize_t n;
    int rc;

    for (;;) {
        gint64 left = deadline - g_get_monotonic_time();
        int ms = left > 0 ? (int) ((left + 999) / 1000) : 0;

        rc = poll(&pfd, 1, ms);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                        "poll on the QMP socket: %s", g_strerror(errno));
            return FALSE;
        }
        if (rc == 0) {
            g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_TIMEOUT,
                        "QEMU sent nothing on QMP in time");
            return FALSE;
        }
        break;
    }

    n = read(qmp->fd, buf, sizeof(buf));
    if (n < 0) {
        g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                    "reading the QMP socket: %s", g_strerror(errno));
        return FALSE;
    }
    if (n == 0) {
        g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                    "QEMU closed the QMP connection");
        return FALSE;
    }
    g_string_append_len(qmp->inbuf, buf, n);
    return TRUE;
}

/* The next complete message, or NULL (and no error) if none is buffered. */
static JsonObject *
testQmpNextBuffered(testQmp *qmp, GError **error)
{
    g_autoptr(JsonParser) parser = NULL;
    g_autofree char *line = NULL;
    JsonNode *root;
    char *nl;

    while ((nl = memchr(qmp->inbuf->str, '\n', qmp->inbuf->len))) {
        gsize len = nl - qmp->inbuf->str;

        g_free(line);
        line = g_strndup(qmp->inbuf->str, len);
        g_string_erase(qmp->inbuf, 0, len + 1);
        g_strstrip(line);
        if (!*line)
            continue;

        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, line, -1, error))
            return NULL;
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
            g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_PROTOCOL,
                        "QMP message is not an object: %s", line);
            return NULL;
        }
        return json_object_ref(json_node_get_object(root));
    }
    return NULL;
}

/* The next message that is not an event, queueing events; NULL on error. */
static JsonObject *
testQmpNextReply(testQmp *qmp, gint64 deadline, GError **error)
{
    for (;;) {
        GError *err = NULL;
        JsonObject *msg = testQmpNextBuffered(qmp, &err);

        if (err) {
            g_propagate_error(error, err);
            return NULL;
        }
        if (msg) {
            if (json_object_has_member(msg, "event")) {
                g_queue_push_tail(&qmp->events, msg);
                continue;
            }
            return msg;
        }
        if (!testQmpFill(qmp, deadline, error))
            return NULL;
    }
}

static gboolean
testQmpSend(testQmp *qmp, const char *text, GError **error)
{
    return testQmpSendRaw(qmp, text, strlen(text), error);
}

testQmp *
testQmpConnect(const char *path, guint timeout_ms, GError **error)
{
    /* a client like a channel's, on a socket connected below */
    g_autoptr(testQmp) qmp = testQmpNewChannel(-1);
    g_autoptr(JsonObject) greeting = NULL;
    g_autoptr(JsonNode) ret = NULL;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    gint64 deadline = deadlineAfter(timeout_ms);

    if (strlen(path) >= sizeof(addr.sun_path)) {
        g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                    "socket path too long: %s", path);
        return NULL;
    }
    strcpy(addr.sun_path, path);

    for (;;) {
        qmp->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (qmp->fd < 0) {
            g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                        "socket: %s", g_strerror(errno));
            return NULL;
        }
        if (connect(qmp->fd, (struct sockaddr *) &addr, sizeof(addr)) == 0)
            break;
        close(qmp->fd);
        qmp->fd = -1;
        if ((errno != ENOENT && errno != ECONNREFUSED) ||
            g_get_monotonic_time() > deadline) {
            g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                        "cannot connect to QMP socket %s: %s",
                        path, g_strerror(errno));
            return NULL;
        }
        g_usleep(20 * 1000);
    }

    greeting = testQmpNextReply(qmp, deadline, error);
    if (!greeting)
        return NULL;
    if (!json_object_has_member(greeting, "QMP")) {
        g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_PROTOCOL,
                    "%s did not greet with QMP", path);
        return NULL;
    }
    ret = testQmpExecute(qmp, "qmp_capabilities", NULL, error);
    if (!ret)
        return NULL;
    return g_steal_pointer(&qmp);
}

void
testQmpFree(testQmp *qmp)
{
    if (!qmp)
        return;
    if (qmp->fd >= 0)
        close(qmp->fd);
    g_string_free(qmp->inbuf, TRUE);
    g_queue_clear_full(&qmp->events, (GDestroyNotify) json_object_unref);
    g_free(qmp);
}

void
testQmpSetTimeout(testQmp *qmp, guint timeout_ms)
{
    qmp->timeout_ms = timeout_ms;
}

/* The "return" of the reply to @command, the next that is not an
 * event; a QMP error becomes TEST_QMP_ERROR_COMMAND with its desc. */
static JsonNode *
testQmpAwaitReturn(testQmp *qmp, const char *command, GError **error)
{
    g_autoptr(JsonObject) reply = NULL;

    reply = testQmpNextReply(qmp, deadlineAfter(qmp->timeout_ms), error);
    if (!reply) {
        g_prefix_error(error, "%s: ", command);
        return NULL;
    }
    if (json_object_has_member(reply, "error")) {
        JsonObject *err = json_object_get_object_member(reply, "error");
        const char *desc = err ? json_object_get_string_member_with_default(
                                     err, "desc", "(no description)")
                               : "(malformed error)";
        g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_COMMAND, "%s", desc);
        return NULL;
    }
    if (!json_object_has_member(reply, "return")) {
        g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_PROTOCOL,
                    "%s: reply has neither return nor error", command);
        return NULL;
    }
    return json_node_copy(json_object_get_member(reply, "return"));
}

JsonNode *
testQmpExecute(testQmp *qmp, const char *command, JsonNode *args,
               GError **error)
{
    g_autoptr(JsonObject) req = json_object_new();
    g_autoptr(JsonNode) reqnode = json_node_new(JSON_NODE_OBJECT);
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;

    json_object_set_string_member(req, "execute", command);
    if (args)
        json_object_set_member(req, "arguments", json_node_copy(args));
    json_node_set_object(reqnode, req);
    text = json_to_string(reqnode, FALSE);
    line = g_strconcat(text, "\n", NULL);
    if (!testQmpSend(qmp, line, error))
        return NULL;
    return testQmpAwaitReturn(qmp, command, error);
}

JsonNode *
testQmpExecutef(testQmp *qmp, GError **error, const char *command,
                const char *argsfmt, ...)
{
    g_autoptr(JsonParser) parser = NULL;
    g_autofree char *text = NULL;
    JsonNode *args;
    va_list ap;

    if (!argsfmt)
        return testQmpExecute(qmp, command, NULL, error);

    va_start(ap, argsfmt);
    text = g_strdup_vprintf(argsfmt, ap);
    va_end(ap);

    parser = json_parser_new();
    if (!json_parser_load_from_data(parser, text, -1, error)) {
        g_prefix_error(error, "%s: bad arguments '%s': ", command, text);
        return NULL;
    }
    args = json_parser_get_root(parser);
    return testQmpExecute(qmp, command, args, error);
}

static JsonObject *
testQmpTakeEvent(testQmp *qmp, const char *name)
{
    GList *l;

    for (l = qmp->events.head; l; l = l->next) {
        JsonObject *ev = l->data;
        if (g_strcmp0(json_object_get_string_member(ev, "event"), name) == 0) {
            g_queue_delete_link(&qmp->events, l);
            return ev;
        }
    }
    return NULL;
}

static JsonObject *
testQmpEventData(JsonObject *ev)
{
    JsonObject *data;

    if (json_object_has_member(ev, "data"))
        data = json_object_ref(json_object_get_object_member(ev, "data"));
    else
        data = json_object_new();
    json_object_unref(ev);
    return data;
}

JsonObject *
testQmpWaitEvent(testQmp *qmp, const char *name, guint timeout_ms,
                 GError **error)
{
    gint64 deadline = deadlineAfter(timeout_ms);
    JsonObject *ev;

    for (;;) {
        GError *err = NULL;
        JsonObject *msg;

        if ((ev = testQmpTakeEvent(qmp, name)))
            return testQmpEventData(ev);

        while ((msg = testQmpNextBuffered(qmp, &err))) {
            if (json_object_has_member(msg, "event"))
                g_queue_push_tail(&qmp->events, msg);
            else
                json_object_unref(msg);     /* a stray reply */
        }
        if (err) {
            g_propagate_error(error, err);
            return NULL;
        }
        if ((ev = testQmpTakeEvent(qmp, name)))
            return testQmpEventData(ev);
        if (!testQmpFill(qmp, deadline, &err)) {
            if (g_error_matches(err, TEST_QMP_ERROR, TEST_QMP_ERROR_TIMEOUT)) {
                g_clear_error(&err);
                g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_TIMEOUT,
                            "no %s event within %u ms", name, timeout_ms);
            } else {
                g_propagate_error(error, err);
            }
            return NULL;
        }
    }
}

guint
testQmpCountEvents(testQmp *qmp, const char *name)
{
    JsonObject *msg;
    GList *l;
    guint n = 0;

    for (;;) {
        g_autoptr(GError) err = NULL;

        while ((msg = testQmpNextBuffered(qmp, NULL))) {
            if (json_object_has_member(msg, "event"))
                g_queue_push_tail(&qmp->events, msg);
            else
                json_object_unref(msg);
        }
        if (!testQmpFill(qmp, 0, &err))
            break;
    }
    for (l = qmp->events.head; l; l = l->next) {
        if (!name ||
            g_strcmp0(json_object_get_string_member(l->data, "event"), name) == 0)
            n++;
    }
    return n;
}

void
testQmpClearEvents(testQmp *qmp)
{
    testQmpCountEvents(qmp, NULL);
    g_queue_clear_full(&qmp->events, (GDestroyNotify) json_object_unref);
}


/* Send @len bytes of @text, the first with @fd attached (SCM_RIGHTS). */
static gboolean
testQmpSendWithFd(testQmp *qmp, const char *text, gsize len, int fd,
                  GError **error)
{
    char control[CMSG_SPACE(sizeof(int))] = { 0 };
    struct iovec iov = { .iov_base = (void *) text, .iov_len = 1 };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = sizeof(control),
    };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    ssize_t n;

    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    do {
        n = sendmsg(qmp->fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
        g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                    "passing a file descriptor on QMP: %s",
                    n < 0 ? g_strerror(errno) : "short write");
        return FALSE;
    }
    return testQmpSendRaw(qmp, text + 1, len - 1, error);
}

JsonNode *
testQmpExecuteWithFd(testQmp *qmp, int fd, GError **error,
                     const char *command, const char *argsfmt, ...)
{
    g_autofree char *args = NULL;
    g_autofree char *line = NULL;
    va_list ap;

    if (argsfmt) {
        va_start(ap, argsfmt);
        args = g_strdup_vprintf(argsfmt, ap);
        va_end(ap);
    }
    line = g_strdup_printf("{\"execute\": \"%s\"%s%s}\n", command,
                           args ? ", \"arguments\": " : "", args ? args : "");
    if (!testQmpSendWithFd(qmp, line, strlen(line), fd, error))
        return NULL;
    return testQmpAwaitReturn(qmp, command, error);
}

testQmp *
testQmpNewChannel(int fd)
{
    testQmp *qmp = g_new0(testQmp, 1);

    qmp->fd = fd;
    qmp->inbuf = g_string_new(NULL);
    qmp->timeout_ms = 10000;
    g_queue_init(&qmp->events);
    return qmp;
}

testQmp *
testQmpOpenChannel(testQmp *qmp, const char *client, char **client_out,
                   GError **error)
{
    g_autoptr(JsonNode) ret = NULL;
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                    "socketpair: %s", g_strerror(errno));
        return NULL;
    }
    ret = testQmpExecuteWithFd(qmp, sv[1], error, "getfd",
                               "{\"fdname\": \"debug-channel\"}");
    close(sv[1]);       /* QEMU has its own copy now, or none */
    if (!ret) {
        close(sv[0]);
        return NULL;
    }
    json_node_unref(ret);
    if (client)
        ret = testQmpExecutef(qmp, error, "debug-channel-open",
                              "{\"fdname\": \"debug-channel\", "
                              "\"client\": \"%s\"}", client);
    else
        ret = testQmpExecutef(qmp, error, "debug-channel-open",
                              "{\"fdname\": \"debug-channel\"}");
    if (!ret) {
        close(sv[0]);
        return NULL;
    }
    if (client_out)
        *client_out = g_strdup(json_object_get_string_member(
                                   json_node_get_object(ret), "client"));
    return testQmpNewChannel(sv[0]);
}

gboolean
testQmpSendRaw(testQmp *qmp, const char *text, gsize len, GError **error)
{
    gsize done = 0;

    while (done < len) {
        ssize_t n = send(qmp->fd, text + done, len - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                        "writing the QMP socket: %s", g_strerror(errno));
            return FALSE;
        }
        done += n;
    }
    return TRUE;
}

JsonObject *
testQmpNextMessage(testQmp *qmp, guint timeout_ms, GError **error)
{
    return testQmpNextReply(qmp, deadlineAfter(timeout_ms), error);
}

int
testQmpFd(testQmp *qmp)
{
    return qmp->fd;
}

gboolean
testQmpWaitClosed(testQmp *qmp, guint timeout_ms)
{
    gint64 deadline = deadlineAfter(timeout_ms);

    for (;;) {
        g_autoptr(GError) err = NULL;

        if (!testQmpFill(qmp, deadline, &err))
            return !g_error_matches(err, TEST_QMP_ERROR,
                                    TEST_QMP_ERROR_TIMEOUT);
        g_string_truncate(qmp->inbuf, 0);
    }
}


/* The accelerator the tests run QEMU with: tcg, unless
 * $LIBVIRT_DEBUG_ACCEL says otherwise (tests/kvm/lane-x86.sh sets it to
 * kvm inside the KVM lane). */
const char *
testQemuAccel(void)
{
    const char *accel = g_getenv("LIBVIRT_DEBUG_ACCEL");

    return accel && *accel ? accel : "tcg";
}

testQemu *
testQemuStartTcg(const char *machine, const char *const *extra)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    testQemu *qemu;

    g_ptr_array_add(args, (char *) "-machine");
    g_ptr_array_add(args, (char *) machine);
    g_ptr_array_add(args, (char *) "-accel");
    g_ptr_array_add(args, (char *) testQemuAccel());
    g_ptr_array_add(args, (char *) "-display");
    g_ptr_array_add(args, (char *) "none");
    g_ptr_array_add(args, (char *) "-nodefaults");
    if (g_strcmp0(machine, "none") != 0) {
        g_ptr_array_add(args, (char *) "-kernel");
        g_ptr_array_add(args, (char *) testGuestPath());
    }
    for (; extra && *extra; extra++)
        g_ptr_array_add(args, (char *) *extra);
    g_ptr_array_add(args, NULL);

    qemu = testQemuStart(testQemuBinary(), (const char *const *) args->pdata,
                         &err);
    g_assert_no_error(err);
    return qemu;
}

static guint32
testQemuReadGuestU32(testQemu *qemu, const char *sym)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = testQmpExecutef(qemu->qmp, &err,
                                              "debug-read-memory",
                                              "{\"addr\": %" G_GUINT64_FORMAT
                                              ", \"size\": 4}",
                                              testGuestSymbol(sym));
    g_autofree guchar *p = NULL;
    gsize len;

    g_assert_no_error(err);
    p = g_base64_decode(json_object_get_string_member(
                            json_node_get_object(ret), "data"), &len);
    g_assert_cmpuint(len, ==, 4);
    return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

void
testQemuWaitGuestReady(testQemu *qemu)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (testQemuReadGuestU32(qemu, "guest_ready") != 1 ||
           testQemuReadGuestU32(qemu, "guest_counter") < 16) {
        if (g_get_monotonic_time() > deadline)
            g_error("the test guest did not start within 10 s");
        g_usleep(10 * 1000);
    }
}


const char *
testQemuBinary(void)
{
    const char *bin = g_getenv("LIBVIRT_DEBUG_QEMU");

    if (!bin || !*bin)
        g_error("LIBVIRT_DEBUG_QEMU is empty: the QMP debug tests need the "
                "patched QEMU; configure with "
                "meson setup BUILDDIR -Dqemu_binary=$(qemu/build.sh)");
    return bin;
}

char *
testQemuPath(testQemu *qemu, const char *name)
{
    return g_build_filename(qemu->dir, name, NULL);
}

char *
testQemuLog(testQemu *qemu)
{
    char *log = NULL;

    if (!g_file_get_contents(qemu->log_path, &log, NULL, NULL))
        log = g_strdup("");
    return log;
}

static gboolean
testQemuReap(testQemu *qemu, guint timeout_ms)
{
    gint64 deadline = deadlineAfter(timeout_ms);

    while (qemu->pid > 0) {
        int status;
        pid_t rc = waitpid(qemu->pid, &status, WNOHANG);

        if (rc == qemu->pid || (rc < 0 && errno != EINTR)) {
            qemu->pid = 0;
            return TRUE;
        }
        if (g_get_monotonic_time() > deadline)
            return FALSE;
        g_usleep(10 * 1000);
    }
    return TRUE;
}

/* What became of a QEMU that did not come up, for the error message:
 * how it exited, or, if it still runs, where each of its threads waits
 * (so a hang names the wait instead of only "no socket").  Reaps it if
 * it exited, and says so in @exited. */
static char *
testQemuDescribe(pid_t pid, bool *exited)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *taskdir = g_strdup_printf("/proc/%d/task", (int) pid);
    g_autoptr(GDir) dir = NULL;
    const char *tid;
    int status;

    *exited = waitpid(pid, &status, WNOHANG) == pid;
    if (*exited) {
        if (WIFSIGNALED(status))
            return g_strdup_printf("QEMU was killed by signal %d (%s)",
                                   WTERMSIG(status),
                                   g_strsignal(WTERMSIG(status)));
        return g_strdup_printf("QEMU exited with status %d",
                               WEXITSTATUS(status));
    }

    dir = g_dir_open(taskdir, 0, NULL);
    while (dir && (tid = g_dir_read_name(dir))) {
        g_autofree char *statpath = g_build_filename(taskdir, tid, "stat", NULL);
        g_autofree char *wchanpath = g_build_filename(taskdir, tid, "wchan",
                                                      NULL);
        g_autofree char *stat = NULL;
        g_autofree char *wchan = NULL;
        const char *state = "?";
        char *paren;

        g_file_get_contents(statpath, &stat, NULL, NULL);
        g_file_get_contents(wchanpath, &wchan, NULL, NULL);
        /* "tid (comm) S ...": the state follows the last parenthesis */
        if (stat && (paren = strrchr(stat, ')')) && paren[1] && paren[2]) {
            paren[3] = '\0';
            state = paren + 2;
        }
        g_string_append_printf(out, "%s%s %s %s", out->len ? ", " : "",
                               tid, state, wchan && *wchan ? wchan : "-");
    }
    return g_strdup_printf("QEMU is still running; its threads "
                           "(id, state, wait): %s", out->str);
}


/* In the child, before exec: QEMU dies with the test process, so that
 * a test that aborts (a failed assertion) leaves no guest running on
 * the machine for the tests and benchmarks after it */
static void
testQemuChildSetup(gpointer data G_GNUC_UNUSED)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

testQemu *
testQemuStart(const char *binary, const char *const *args, GError **error)
{
    g_autoptr(testQemu) qemu = g_new0(testQemu, 1);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *qmparg = NULL;
    int logfd;
    gsize i;

    qemu->dir = g_dir_make_tmp("ld-qemu-XXXXXX", error);
    if (!qemu->dir)
        return NULL;
    qemu->qmp_path = g_build_filename(qemu->dir, "qmp.sock", NULL);
    qemu->log_path = g_build_filename(qemu->dir, "qemu.log", NULL);

    g_ptr_array_add(argv, g_strdup(binary));
    for (i = 0; args && args[i]; i++)
        g_ptr_array_add(argv, g_strdup(args[i]));
    g_ptr_array_add(argv, g_strdup("-qmp"));
    g_ptr_array_add(argv, g_strdup_printf("unix:%s,server=on,wait=off",
                                          qemu->qmp_path));
    g_ptr_array_add(argv, NULL);

    logfd = open(qemu->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (logfd < 0) {
        g_set_error(error, TEST_QMP_ERROR, TEST_QMP_ERROR_IO,
                    "cannot create %s: %s", qemu->log_path, g_strerror(errno));
        return NULL;
    }
    if (!g_spawn_async_with_fds(NULL, (char **) argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD,
                                testQemuChildSetup, NULL,
                                &qemu->pid, -1, logfd, logfd, error)) {
        close(logfd);
        return NULL;
    }
    close(logfd);

    qemu->qmp = testQmpConnect(qemu->qmp_path, TEST_QEMU_START_TIMEOUT_MS,
                               error);
    if (!qemu->qmp) {
        g_autofree char *log = NULL;
        bool exited;
        g_autofree char *what = testQemuDescribe(qemu->pid, &exited);

        if (exited) {
            qemu->pid = 0;
        } else {
            kill(qemu->pid, SIGKILL);
            testQemuReap(qemu, TEST_QEMU_QUIT_TIMEOUT_MS);
        }
        log = testQemuLog(qemu);
        g_prefix_error(error, "QEMU did not come up (%s; log: %s): ", what, log);
        return NULL;
    }
    return g_steal_pointer(&qemu);
}

void
testQemuFree(testQemu *qemu)
{
    if (!qemu)
        return;
    if (qemu->pid > 0) {
        if (qemu->qmp) {
            testQmpSetTimeout(qemu->qmp, 2000);
            g_autoptr(JsonNode) ret = testQmpExecute(qemu->qmp, "quit", NULL,
                                                      NULL);
        }
        if (!testQemuReap(qemu, TEST_QEMU_QUIT_TIMEOUT_MS)) {
            kill(qemu->pid, SIGKILL);
            testQemuReap(qemu, TEST_QEMU_QUIT_TIMEOUT_MS);
        }
    }
    g_clear_pointer(&qemu->qmp, testQmpFree);
    if (qemu->dir) {
        g_autoptr(GDir) dir = g_dir_open(qemu->dir, 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
            g_autofree char *path = g_build_filename(qemu->dir, name, NULL);
            g_unlink(path);
        }
        g_rmdir(qemu->dir);
    }
    g_free(qemu->dir);
    g_free(qemu->qmp_path);
    g_free(qemu->log_path);
    g_free(qemu);
}
