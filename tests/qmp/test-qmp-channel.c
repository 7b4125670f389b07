/*
 * test-qmp-channel.c: the debug channel of the patched QEMU, driven directly
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every test starts its own patched QEMU ($LIBVIRT_DEBUG_QEMU) under TCG
 * with the test guest, opens debug channels the way a client does (a
 * socketpair, one end passed with getfd, then debug-channel-open) and
 * talks JSON on its end.  The QMP monitor serves as the independent
 * witness: what the channel did must be visible there.
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutils-guest.h"
#include "testutils-qmp-assert.h"

/* How long a closed channel's lease may take to end before the test
 * fails: a bound generous enough for a loaded machine, not the promise
 * (milliseconds, measured by hand; no timing is asserted here) */
#define CLOSE_TIMEOUT_MS 10000
/* How long a channel that stays open is watched for a wrong cleanup */
#define CLOSE_QUIET_MS 1000

static testQmp *
openChannel(testQemu *qemu, const char *client, char **name)
{
    g_autoptr(GError) err = NULL;
    testQmp *ch = testQmpOpenChannel(qemu->qmp, client, name, &err);

    g_assert_no_error(err);
    return ch;
}

static gint64
insertOn(testQmp *q, const char *type, const char *sym)
{
    g_autoptr(JsonNode) ret = testQmpOk(q, "debug-insert",
                                    "{\"type\": \"%s\", \"addr\": %"
                                    G_GUINT64_FORMAT "}", type,
                                    testGuestSymbol(sym));

    return json_object_get_int_member(json_node_get_object(ret), "id");
}

/* The channels listed, as "CLIENT:POINTS", space-separated. */
static char *
channelList(testQmp *q)
{
    g_autoptr(JsonNode) ret = testQmpOk(q, "query-debug-channels", NULL);
    JsonArray *arr = json_node_get_array(ret);
    g_autoptr(GString) out = g_string_new(NULL);
    guint i;

    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        g_string_append_printf(out, "%s%s:%" G_GINT64_FORMAT, i ? " " : "",
                               json_object_get_string_member(o, "client"),
                               json_object_get_int_member(o, "points"));
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
assertChannels(testQmp *q, const char *want)
{
    g_autofree char *got = channelList(q);

    g_assert_cmpstr(got, ==, want);
}

/* Send @line (a whole request, newline added) and return the next reply
 * that is not an event. */
static JsonObject *
rawRequest(testQmp *q, const char *line)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = g_strconcat(line, "\n", NULL);
    JsonObject *reply;

    testQmpSendRaw(q, text, strlen(text), &err);
    g_assert_no_error(err);
    reply = testQmpNextMessage(q, TEST_QMP_STOP_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    return reply;
}

/* Send @line, a request whose reply is deferred (wait=true), with a query
 * behind it, and return once the query is answered: the request has run,
 * so what the monitor does next cannot overtake it (two sockets have no
 * order between them). */
static void
sendDeferred(testQmp *q, const char *line)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = g_strconcat(
        line, "\n{\"execute\": \"query-debug-channels\", \"id\": \"sync\"}\n",
        NULL);
    g_autoptr(JsonObject) sync = NULL;

    testQmpSendRaw(q, text, strlen(text), &err);
    g_assert_no_error(err);
    sync = testQmpNextMessage(q, TEST_QMP_STOP_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(json_object_get_string_member(sync, "id"), ==, "sync");
}

static const char *
replyErrorClass(JsonObject *reply)
{
    g_assert_true(json_object_has_member(reply, "error"));
    return json_object_get_string_member(
        json_object_get_object_member(reply, "error"), "class");
}

static const char *
replyErrorDesc(JsonObject *reply)
{
    g_assert_true(json_object_has_member(reply, "error"));
    return json_object_get_string_member(
        json_object_get_object_member(reply, "error"), "desc");
}

/* Stop the guest at guest_tick with a hardware breakpoint inserted over
 * @q, wait for the stop there, then remove the point. */
static void
stopAtTick(testQemu *qemu, testQmp *q)
{
    g_autoptr(JsonObject) ev = NULL;
    gint64 id = insertOn(q, "hw-breakpoint", "guest_tick");

    ev = testQmpWaitStop(q);
    g_assert_cmphex(testQmpStopPc(ev), ==, testGuestSymbol("guest_tick"));
    testQmpDo(q, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id);
    testQmpAssertRunState(qemu->qmp, "debug");
    testQmpClearEvents(q);
    testQmpClearEvents(qemu->qmp);
}

/*
 * Opening channels: QEMU names the lease if the client does not, and
 * query-debug-channels lists each channel until it closes.
 */
static void
testOpen(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) a = NULL;
    g_autoptr(testQmp) b = NULL;
    g_autofree char *name = NULL;
    g_autofree char *bname = NULL;
    gint64 deadline;

    assertChannels(qemu->qmp, "");
    a = openChannel(qemu, NULL, &name);
    g_assert_cmpstr(name, ==, "channel-1");
    b = openChannel(qemu, "gdb-7", &bname);
    g_assert_cmpstr(bname, ==, "gdb-7");
    assertChannels(qemu->qmp, "channel-1:0 gdb-7:0");
    /* a channel answers at once, without greeting or negotiation */
    assertChannels(a, "channel-1:0 gdb-7:0");
    insertOn(b, "sw-breakpoint", "guest_never_called");
    assertChannels(b, "channel-1:0 gdb-7:1");

    g_clear_pointer(&a, testQmpFree);
    deadline = g_get_monotonic_time() + CLOSE_TIMEOUT_MS * 1000;
    for (;;) {
        g_autofree char *list = channelList(qemu->qmp);

        if (g_str_equal(list, "gdb-7:1"))
            break;
        if (g_get_monotonic_time() > deadline)
            g_error("a closed channel is still listed: %s", list);
        g_usleep(10 * 1000);
    }
}

/* Every debug command works through a channel, and DEBUG_STOP events
 * arrive on it. */
static void
testCommands(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = NULL;
    g_autoptr(JsonNode) ret = NULL;
    g_autoptr(JsonObject) ev = NULL;
    g_autofree char *name = NULL;
    g_autofree char *owners = NULL;
    g_autofree char *want = NULL;
    g_autofree char *one = NULL;
    g_autofree char *none = NULL;
    guint64 tick = testGuestSymbol("guest_tick");
    guint64 var = testGuestSymbol("guest_reg_sink");
    gint64 id;
    JsonArray *arr;

    ch = openChannel(qemu, NULL, &name);

    ret = testQmpOk(ch, "query-debug-capabilities", NULL);
    g_assert_true(json_object_get_boolean_member(json_node_get_object(ret),
                                                 "supported"));
    g_clear_pointer(&ret, json_node_unref);

    /* a point inserted through the channel is its lease's */
    id = insertOn(ch, "hw-breakpoint", "guest_tick");
    ev = testQmpWaitStop(ch);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                    "hw-breakpoint");
    g_assert_cmphex(testQmpStopPc(ev), ==, tick);
    g_assert_cmpint(json_object_get_int_member(ev, "point-id"), ==, id);
    g_clear_pointer(&ev, json_object_unref);
    /* the monitor gets its event as before */
    ev = testQmpWaitStop(qemu->qmp);
    g_clear_pointer(&ev, json_object_unref);
    owners = testQmpPointOwners(ch);
    want = g_strdup_printf("%" G_GINT64_FORMAT ":%s", id, name);
    g_assert_cmpstr(owners, ==, want);

    ret = testQmpOk(ch, "query-debug-stop", NULL);
    arr = json_node_get_array(ret);
    g_assert_true(json_object_get_boolean_member(
                      json_array_get_object_element(arr, 0), "stopped"));
    g_clear_pointer(&ret, json_node_unref);

    ret = testQmpOk(ch, "debug-read-registers",
                "{\"cpu-index\": 0, \"names\": [\"rip\"]}");
    arr = json_node_get_array(ret);
    g_assert_cmpstr(json_object_get_string_member(
                        json_array_get_object_element(arr, 0), "name"), ==,
                    "rip");
    g_clear_pointer(&ret, json_node_unref);
    testQmpDo(ch, "debug-write-register",
          "{\"cpu-index\": 0, \"name\": \"rbx\", \"value\": \"efbeadde00000000\"}");
    ret = testQmpOk(qemu->qmp, "debug-read-registers",
                "{\"cpu-index\": 0, \"names\": [\"rbx\"]}");
    g_assert_cmpstr(json_object_get_string_member(
                        json_array_get_object_element(
                            json_node_get_array(ret), 0), "value"), ==,
                    "efbeadde00000000");
    g_clear_pointer(&ret, json_node_unref);

    testQmpDo(ch, "debug-write-memory",
          "{\"addr\": %" G_GUINT64_FORMAT ", \"data\": \"eFY0Eg==\"}", var);
    ret = testQmpOk(qemu->qmp, "debug-read-memory",
                "{\"addr\": %" G_GUINT64_FORMAT ", \"size\": 4}", var);
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(ret),
                                                  "data"), ==, "eFY0Eg==");
    g_clear_pointer(&ret, json_node_unref);
    ret = testQmpOk(ch, "debug-read-memory",
                "{\"addr\": %" G_GUINT64_FORMAT ", \"size\": 4}", var);
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(ret),
                                                  "data"), ==, "eFY0Eg==");
    g_clear_pointer(&ret, json_node_unref);

    ret = testQmpOk(ch, "query-debug-gdb-xml", NULL);
    g_assert_nonnull(strstr(json_object_get_string_member(
                                json_node_get_object(ret), "xml"), "target"));
    g_clear_pointer(&ret, json_node_unref);
    ret = testQmpOk(ch, "debug-read-msr",
                "{\"cpu-index\": 0, \"msr\": 3221225602}");
    g_clear_pointer(&ret, json_node_unref);

    /* step without wait: {} and then the event, as on the monitor */
    testQmpDo(ch, "debug-remove", "{\"id\": %" G_GINT64_FORMAT "}", id);
    testQmpClearEvents(ch);
    ret = testQmpOk(ch, "debug-step", "{\"cpu-index\": 0}");
    g_assert_cmpuint(json_object_get_size(json_node_get_object(ret)), ==, 0);
    g_clear_pointer(&ret, json_node_unref);
    ev = testQmpWaitStop(ch);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==, "step");
    g_clear_pointer(&ev, json_object_unref);

    ret = testQmpOk(ch, "debug-continue", NULL);
    g_assert_cmpuint(json_object_get_size(json_node_get_object(ret)), ==, 0);
    g_clear_pointer(&ret, json_node_unref);
    testQmpAssertRunState(qemu->qmp, "running");
    testQmpDo(ch, "debug-interrupt", NULL);
    ev = testQmpWaitStop(ch);
    g_assert_cmpstr(json_object_get_string_member(ev, "reason"), ==,
                    "interrupt");
    g_clear_pointer(&ev, json_object_unref);
    testQmpAssertRunState(qemu->qmp, "debug");

    /* a channel's lease needs no renewal: debug-lease does nothing */
    testQmpDo(ch, "debug-lease", "{\"client\": \"%s\", \"timeout\": 1}", name);
    insertOn(ch, "sw-breakpoint", "guest_never_called");
    g_usleep(1500 * 1000);
    one = g_strdup_printf("%s:1", name);
    assertChannels(qemu->qmp, one);
    testQmpDo(ch, "debug-remove-all", NULL);
    none = g_strdup_printf("%s:0", name);
    assertChannels(ch, none);
    testQmpDo(ch, "debug-continue", NULL);
    testQmpAssertRunState(qemu->qmp, "running");
}

/* Only the debug commands pass; the refusal says why, keeps the id and
 * changes nothing. */
static void
testRefused(void)
{
    static const char *const refused[] = {
        "query-status", "stop", "quit", "qmp_capabilities", "getfd",
        "x-debug-set-hw-limits", "debug-channel-open", "human-monitor-command",
    };
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = openChannel(qemu, NULL, NULL);
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(refused); i++) {
        g_autofree char *line = g_strdup_printf(
            "{\"execute\": \"%s\", \"arguments\": {\"fdname\": \"x\"}, "
            "\"id\": \"r%zu\"}", refused[i], i);
        g_autofree char *wantid = g_strdup_printf("r%zu", i);
        g_autofree char *want = g_strdup_printf(
            "command '%s' is not available on a debug channel (only debug-* "
            "and query-debug-* are); use the QMP monitor", refused[i]);
        g_autoptr(JsonObject) reply = rawRequest(ch, line);

        g_assert_cmpstr(replyErrorClass(reply), ==, "GenericError");
        g_assert_cmpstr(replyErrorDesc(reply), ==, want);
        g_assert_cmpstr(json_object_get_string_member(reply, "id"), ==,
                        wantid);
    }
    /* exec-oob is not a way around it */
    {
        g_autoptr(JsonObject) reply = rawRequest(
            ch, "{\"exec-oob\": \"stop\", \"id\": 1}");

        g_assert_cmpstr(replyErrorClass(reply), ==, "GenericError");
    }
    testQmpAssertRunState(qemu->qmp, "running");
    testQmpErr(ch, "not available on a debug channel", "x-debug-set-hw-limits",
           "{\"hw-breakpoints\": 1, \"hw-watchpoints\": 1, "
           "\"hw-slots-shared\": true}");
    /* the channel still works */
    assertChannels(ch, "channel-1:0");
}

/* Bad debug-channel-open requests are refused and say what to do. */
static void
testBadOpen(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;
    g_autofree char *longName = g_strnfill(65, 'x');
    int sv[2], pfd[2];

    testQmpErr(qemu->qmp, "no file descriptor named 'nope' was passed",
           "debug-channel-open", "{\"fdname\": \"nope\"}");

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), ==, 0);
    ret = testQmpExecuteWithFd(qemu->qmp, sv[1], &err, "getfd",
                               "{\"fdname\": \"dgram\"}");
    g_assert_no_error(err);
    testQmpErr(qemu->qmp, "is not a stream socket", "debug-channel-open",
           "{\"fdname\": \"dgram\"}");
    /* it was taken, and closed */
    testQmpErr(qemu->qmp, "no file descriptor named 'dgram'",
           "debug-channel-open", "{\"fdname\": \"dgram\"}");
    close(sv[0]);
    close(sv[1]);

    g_assert_cmpint(pipe(pfd), ==, 0);
    g_clear_pointer(&ret, json_node_unref);
    ret = testQmpExecuteWithFd(qemu->qmp, pfd[0], &err, "getfd",
                               "{\"fdname\": \"pipe\"}");
    g_assert_no_error(err);
    testQmpErr(qemu->qmp, "is not a socket", "debug-channel-open",
           "{\"fdname\": \"pipe\"}");
    close(pfd[0]);
    close(pfd[1]);

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    g_clear_pointer(&ret, json_node_unref);
    ret = testQmpExecuteWithFd(qemu->qmp, sv[1], &err, "getfd",
                               "{\"fdname\": \"ok\"}");
    g_assert_no_error(err);
    testQmpErr(qemu->qmp, "1 to 64 characters", "debug-channel-open",
           "{\"fdname\": \"ok\", \"client\": \"%s\"}", longName);
    testQmpErr(qemu->qmp, "printable ASCII", "debug-channel-open",
           "{\"fdname\": \"ok\", \"client\": \"a b\"}");
    close(sv[0]);
    close(sv[1]);

    assertChannels(qemu->qmp, "");
    testQmpAssertRunState(qemu->qmp, "running");
}

/* Malformed JSON gets an error reply and the channel stays usable. */
static void
testGarbage(void)
{
    static const char *const garbage[] = {
        "{\"execute\": }\n",
        "]]]\n",
        "{\"execute\": \"debug-continue\", \"arguments\": [1]}\n",
        "42\n",
        "{\"arguments\": {}}\n",
        "{\"execute\": \"debug-insert\", \"arguments\": {\"type\": \"bogus\", "
            "\"addr\": 1}}\n",
        "{\"execute\": \"debug-nonexistent\"}\n",
    };
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = openChannel(qemu, NULL, NULL);
    g_autoptr(GError) err = NULL;
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(garbage); i++) {
        g_autoptr(JsonObject) reply = NULL;
        g_autoptr(JsonObject) after = NULL;
        g_autofree char *text = g_strdup_printf(
            "%s{\"execute\": \"query-debug-channels\", \"id\": %zu}\n",
            garbage[i], i);
        guint errors = 0;

        testQmpSendRaw(ch, text, strlen(text), &err);
        g_assert_no_error(err);
        /* one or more errors, then the valid command's reply */
        for (;;) {
            reply = testQmpNextMessage(ch, TEST_QMP_STOP_TIMEOUT_MS, &err);
            g_assert_no_error(err);
            if (json_object_has_member(reply, "return"))
                break;
            g_assert_cmpstr(replyErrorClass(reply), !=, "");
            g_test_message("garbage %zu: %s", i, replyErrorDesc(reply));
            errors++;
            g_clear_pointer(&reply, json_object_unref);
        }
        g_assert_cmpuint(errors, >=, 1);
        g_assert_cmpint(json_object_get_int_member(reply, "id"), ==, i);
    }
    assertChannels(qemu->qmp, "channel-1:0");
    testQmpAssertRunState(qemu->qmp, "running");
}

/* Wait until @ch is closed by QEMU, at most @ms. */
static void
assertClosed(testQmp *ch, guint ms)
{
    if (!testQmpWaitClosed(ch, ms))
        g_error("QEMU did not close the channel within %u ms", ms);
}

/*
 * One message over 1 MiB, or 1 MiB of input without a complete message,
 * closes the channel (its lease ends); QEMU and the guest are unharmed
 * and points of the monitor stay.
 */
static void
checkOversized(const char *prefix, char fill, const char *suffix)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = openChannel(qemu, NULL, NULL);
    g_autoptr(GString) big = g_string_new(prefix);
    g_autofree char *owners = NULL;
    gsize done = 0;

    insertOn(qemu->qmp, "sw-breakpoint", "guest_never_called");
    insertOn(ch, "sw-breakpoint", "guest_never_called");
    while (big->len < (1 << 20) + 4096)
        g_string_append_c(big, fill);
    g_string_append(big, suffix);

    /* QEMU stops reading when it closes: a failed send is expected */
    while (done < big->len) {
        ssize_t n = send(testQmpFd(ch), big->str + done, big->len - done,
                         MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        done += n;
    }
    assertClosed(ch, 5000);

    testQmpAssertRunState(qemu->qmp, "running");
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "1:-");
    assertChannels(qemu->qmp, "");
    testQemuWaitGuestReady(qemu);
    g_assert_cmpuint(testQmpCountEvents(qemu->qmp, "DEBUG_STOP"), ==, 0);
}

static void
testOversizedMessage(void)
{
    checkOversized("{\"execute\": \"query-debug-points\", \"id\": \"", 'A',
                   "\"}\n");
}

static void
testOversizedNoMessage(void)
{
    checkOversized("", ' ', "");
}

/* Two channels at once: each sees every stop, each has its own lease. */
static void
testTwoChannels(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) a = openChannel(qemu, "a", NULL);
    g_autoptr(testQmp) b = openChannel(qemu, "b", NULL);
    g_autoptr(JsonObject) eva = NULL;
    g_autoptr(JsonObject) evb = NULL;
    g_autoptr(JsonObject) evm = NULL;
    g_autofree char *owners = NULL;
    gint64 id;

    insertOn(a, "sw-breakpoint", "guest_never_called");
    id = insertOn(b, "hw-breakpoint", "guest_tick");
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "1:a 2:b");
    assertChannels(qemu->qmp, "a:1 b:1");

    eva = testQmpWaitStop(a);
    evb = testQmpWaitStop(b);
    evm = testQmpWaitStop(qemu->qmp);
    g_assert_cmpint(json_object_get_int_member(eva, "point-id"), ==, id);
    g_assert_cmpint(json_object_get_int_member(evb, "point-id"), ==, id);
    g_assert_cmpint(json_object_get_int_member(evm, "point-id"), ==, id);
    g_assert_cmphex(testQmpStopPc(eva), ==, testGuestSymbol("guest_tick"));

    /* b goes: a's point stays, and a still holds the stop */
    g_clear_pointer(&b, testQmpFree);
    g_usleep(CLOSE_QUIET_MS * 1000);
    g_clear_pointer(&owners, g_free);
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "1:a");
    testQmpAssertRunState(qemu->qmp, "debug");
}

/*
 * A channel closes while the guest sits on the channel's breakpoint: the
 * point goes and the guest runs within a second; the monitor's point
 * stays.
 */
static void
testCloseResumes(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = openChannel(qemu, NULL, NULL);
    g_autoptr(JsonObject) ev = NULL;
    g_autofree char *owners = NULL;
    gint64 deadline;

    insertOn(qemu->qmp, "sw-breakpoint", "guest_never_called");
    insertOn(ch, "hw-breakpoint", "guest_tick");
    ev = testQmpWaitStop(ch);
    g_assert_cmphex(testQmpStopPc(ev), ==, testGuestSymbol("guest_tick"));
    testQmpAssertRunState(qemu->qmp, "debug");
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "1:- 2:channel-1");

    g_clear_pointer(&ch, testQmpFree);
    deadline = g_get_monotonic_time() + CLOSE_TIMEOUT_MS * 1000;
    for (;;) {
        g_autofree char *state = testQmpRunState(qemu->qmp);

        if (g_str_equal(state, "running"))
            break;
        if (g_get_monotonic_time() > deadline)
            g_error("the VM is still '%s' %d s after its channel closed",
                    state, CLOSE_TIMEOUT_MS / 1000);
        g_usleep(10 * 1000);
    }
    g_clear_pointer(&owners, g_free);
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "1:-");
    assertChannels(qemu->qmp, "");
}

/* The value of register @name in the "registers" of a wait reply. */
static const char *
replyRegister(JsonObject *ret, const char *name)
{
    JsonArray *regs = json_object_get_array_member(ret, "registers");
    guint i;

    for (i = 0; i < json_array_get_length(regs); i++) {
        JsonObject *r = json_array_get_object_element(regs, i);

        if (g_str_equal(json_object_get_string_member(r, "name"), name))
            return json_object_get_string_member(r, "value");
    }
    return NULL;
}

static guint64
hexLe(const char *hex)
{
    guint64 v = 0;
    gsize i, n = strlen(hex) / 2;

    for (i = MIN(n, 8); i > 0; i--)
        v = v << 8 | (g_ascii_xdigit_value(hex[2 * i - 2]) << 4 |
                      g_ascii_xdigit_value(hex[2 * i - 1]));
    return v;
}

/*
 * A step with wait=true is one exchange: the reply carries the stop and
 * the registers asked for, and that channel gets no DEBUG_STOP for it;
 * another channel and the monitor do.
 */
static void
testStepWait(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) a = openChannel(qemu, "a", NULL);
    g_autoptr(testQmp) b = openChannel(qemu, "b", NULL);
    g_autoptr(JsonObject) reply = NULL;
    g_autoptr(JsonObject) evb = NULL;
    g_autoptr(JsonObject) evm = NULL;
    JsonObject *ret, *stop;
    const char *rip;
    int i;

    stopAtTick(qemu, a);
    testQmpClearEvents(b);

    for (i = 0; i < 3; i++) {
        g_autofree char *line = g_strdup_printf(
            "{\"execute\": \"debug-step\", \"arguments\": {\"cpu-index\": 0, "
            "\"wait\": true, \"registers\": [\"rip\", \"rsp\"]}, "
            "\"id\": %d}", 40 + i);

        g_clear_pointer(&reply, json_object_unref);
        reply = rawRequest(a, line);
        g_assert_cmpint(json_object_get_int_member(reply, "id"), ==, 40 + i);
        ret = json_object_get_object_member(reply, "return");
        g_assert_nonnull(ret);
        stop = json_object_get_object_member(ret, "stop");
        g_assert_nonnull(stop);
        g_assert_cmpstr(json_object_get_string_member(stop, "reason"), ==,
                        "step");
        g_assert_true(json_object_get_boolean_member(stop, "stopped"));
        g_assert_cmpint(json_object_get_int_member(stop, "cpu-index"), ==, 0);
        g_assert_cmpuint(json_array_get_length(
                             json_object_get_array_member(ret, "registers")),
                         ==, 2);
        rip = replyRegister(ret, "rip");
        g_assert_nonnull(rip);
        g_assert_nonnull(replyRegister(ret, "rsp"));
        g_assert_cmphex(hexLe(rip), ==, testQmpStopPc(stop));

        /* the others get the event, as always */
        g_clear_pointer(&evb, json_object_unref);
        evb = testQmpWaitStop(b);
        g_assert_cmphex(testQmpStopPc(evb), ==, testQmpStopPc(stop));
        g_clear_pointer(&evm, json_object_unref);
        evm = testQmpWaitStop(qemu->qmp);
        g_assert_cmphex(testQmpStopPc(evm), ==, testQmpStopPc(stop));
    }
    /* one stop, one message, on the channel that waited */
    testQmpAssertNoStop(a);
    testQmpAssertRunState(qemu->qmp, "debug");

    /* an empty list: all registers */
    g_clear_pointer(&reply, json_object_unref);
    reply = rawRequest(a, "{\"execute\": \"debug-step\", \"arguments\": "
                          "{\"cpu-index\": 0, \"wait\": true, "
                          "\"registers\": []}, \"id\": \"all\"}");
    ret = json_object_get_object_member(reply, "return");
    g_assert_cmpuint(json_array_get_length(
                         json_object_get_array_member(ret, "registers")),
                     >, 16);
    g_assert_nonnull(replyRegister(ret, "eflags"));

    /* without registers: the stop only */
    g_clear_pointer(&reply, json_object_unref);
    reply = rawRequest(a, "{\"execute\": \"debug-step\", \"arguments\": "
                          "{\"cpu-index\": 0, \"wait\": true}, \"id\": 1}");
    ret = json_object_get_object_member(reply, "return");
    g_assert_true(json_object_has_member(ret, "stop"));
    g_assert_false(json_object_has_member(ret, "registers"));
    testQmpAssertNoStop(a);
}

/*
 * continue with wait=true is answered by the next stop: a breakpoint hit,
 * or debug-interrupt sent on the same channel meanwhile (replies then
 * come out of order, matched by id).
 */
static void
testContinueWait(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = openChannel(qemu, NULL, NULL);
    g_autoptr(JsonObject) reply = NULL;
    g_autoptr(JsonObject) first = NULL;
    g_autoptr(JsonObject) second = NULL;
    g_autoptr(GError) err = NULL;
    JsonObject *ret, *stop, *cont, *intr;
    gint64 id;
    const char *line;

    stopAtTick(qemu, ch);
    id = insertOn(ch, "hw-breakpoint", "guest_tick");
    reply = rawRequest(ch, "{\"execute\": \"debug-continue\", \"arguments\": "
                           "{\"wait\": true, \"registers\": [\"rip\"]}, "
                           "\"id\": \"c1\"}");
    g_assert_cmpstr(json_object_get_string_member(reply, "id"), ==, "c1");
    ret = json_object_get_object_member(reply, "return");
    stop = json_object_get_object_member(ret, "stop");
    g_assert_cmpstr(json_object_get_string_member(stop, "reason"), ==,
                    "hw-breakpoint");
    g_assert_cmpint(json_object_get_int_member(stop, "point-id"), ==, id);
    g_assert_cmphex(testQmpStopPc(stop), ==, testGuestSymbol("guest_tick"));
    g_assert_cmphex(hexLe(replyRegister(ret, "rip")), ==,
                    testGuestSymbol("guest_tick"));
    testQmpAssertNoStop(ch);
    testQmpAssertRunState(qemu->qmp, "debug");

    /* a pending wait does not block the channel */
    testQmpDo(ch, "debug-remove-all", NULL);
    sendDeferred(ch, "{\"execute\": \"debug-continue\", \"arguments\": "
                     "{\"wait\": true}, \"id\": \"c2\"}");
    testQmpAssertRunState(qemu->qmp, "running");

    line = "{\"execute\": \"debug-interrupt\", \"id\": \"i\"}\n";
    testQmpSendRaw(ch, line, strlen(line), &err);
    g_assert_no_error(err);
    first = testQmpNextMessage(ch, TEST_QMP_STOP_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    second = testQmpNextMessage(ch, TEST_QMP_STOP_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    if (g_str_equal(json_object_get_string_member(first, "id"), "c2")) {
        cont = first;
        intr = second;
    } else {
        cont = second;
        intr = first;
    }
    g_assert_cmpstr(json_object_get_string_member(cont, "id"), ==, "c2");
    g_assert_cmpstr(json_object_get_string_member(intr, "id"), ==, "i");
    g_assert_true(json_object_has_member(intr, "return"));
    stop = json_object_get_object_member(
        json_object_get_object_member(cont, "return"), "stop");
    g_assert_cmpstr(json_object_get_string_member(stop, "reason"), ==,
                    "interrupt");
    testQmpAssertNoStop(ch);
    testQmpAssertRunState(qemu->qmp, "debug");

    /* a stop without a debug stop ends the wait with an error */
    g_clear_pointer(&reply, json_object_unref);
    /* (the monitor's stop must not meet a VM the continue has not
     * started yet) */
    sendDeferred(ch, "{\"execute\": \"debug-continue\", \"arguments\": "
                     "{\"wait\": true}, \"id\": \"c3\"}");
    testQmpDo(qemu->qmp, "stop", NULL);
    reply = testQmpNextMessage(ch, TEST_QMP_STOP_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(json_object_get_string_member(reply, "id"), ==, "c3");
    g_assert_nonnull(strstr(replyErrorDesc(reply),
                            "without a debug stop"));
    testQmpAssertRunState(qemu->qmp, "paused");

    /* a channel that goes with a wait pending: no harm at the next stop */
    sendDeferred(ch, "{\"execute\": \"debug-continue\", \"arguments\": "
                     "{\"wait\": true}, \"id\": \"c4\"}");
    testQmpClearEvents(qemu->qmp);
    testQmpAssertRunState(qemu->qmp, "running");
    g_clear_pointer(&ch, testQmpFree);
    g_usleep(TEST_QMP_QUIET_MS * 1000);
    testQmpDo(qemu->qmp, "debug-interrupt", NULL);
    json_object_unref(testQmpWaitStop(qemu->qmp));
    testQmpAssertRunState(qemu->qmp, "debug");
    assertChannels(qemu->qmp, "");
}

/*
 * A traced step with wait=true: the reply carries the pc (and the
 * registers asked for) before each instruction, and query-debug-step-trace
 * returns the same afterwards.
 */
static void
testStepTraceWait(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = openChannel(qemu, NULL, NULL);
    g_autoptr(JsonObject) reply = NULL;
    g_autoptr(JsonNode) again = NULL;
    JsonObject *ret, *stop;
    JsonArray *trace;
    guint i;

    stopAtTick(qemu, ch);
    reply = rawRequest(ch, "{\"execute\": \"debug-step\", \"arguments\": "
                           "{\"cpu-index\": 0, \"count\": 5, \"wait\": true, "
                           "\"trace\": true, \"trace-registers\": [\"rip\"]}, "
                           "\"id\": \"t\"}");
    ret = json_object_get_object_member(reply, "return");
    stop = json_object_get_object_member(ret, "stop");
    g_assert_cmpstr(json_object_get_string_member(stop, "reason"), ==, "step");
    trace = json_object_get_array_member(ret, "trace");
    g_assert_cmpuint(json_array_get_length(trace), ==, 5);
    g_assert_cmphex((guint64) json_object_get_int_member(
                        json_array_get_object_element(trace, 0), "pc"), ==,
                    testGuestSymbol("guest_tick"));
    for (i = 0; i < 5; i++) {
        JsonObject *e = json_array_get_object_element(trace, i);
        JsonArray *regs = json_object_get_array_member(e, "registers");
        JsonObject *rip = json_array_get_object_element(regs, 0);

        g_assert_cmpstr(json_object_get_string_member(rip, "name"), ==, "rip");
        g_assert_cmphex(hexLe(json_object_get_string_member(rip, "value")), ==,
                        (guint64) json_object_get_int_member(e, "pc"));
        if (i > 0)
            g_assert_cmphex((guint64) json_object_get_int_member(e, "pc"), !=,
                            (guint64) json_object_get_int_member(
                                json_array_get_object_element(trace, i - 1),
                                "pc"));
    }
    testQmpAssertNoStop(ch);

    /* the monitor gets the same afterwards */
    again = testQmpOk(qemu->qmp, "query-debug-step-trace", "{\"cpu-index\": 0}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(again)), ==, 5);
    g_assert_cmpint(json_object_get_int_member(
                        json_array_get_object_element(json_node_get_array(again), 4),
                        "pc"), ==,
                    json_object_get_int_member(
                        json_array_get_object_element(trace, 4), "pc"));

    /* a step without trace leaves the last trace alone, and its reply
     * has none */
    g_clear_pointer(&reply, json_object_unref);
    reply = rawRequest(ch, "{\"execute\": \"debug-step\", \"arguments\": "
                           "{\"cpu-index\": 0, \"wait\": true}, \"id\": 2}");
    g_assert_false(json_object_has_member(
                       json_object_get_object_member(reply, "return"), "trace"));
    g_clear_pointer(&again, json_node_unref);
    again = testQmpOk(ch, "query-debug-step-trace", "{\"cpu-index\": 0}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(again)), ==, 5);
}

/*
 * A range step with wait=true that never leaves its range: debug-interrupt
 * on the same channel ends it promptly, and the waited reply carries the
 * interrupt stop.
 */
static void
testRangeStepWaitInterrupt(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = openChannel(qemu, NULL, NULL);
    g_autoptr(JsonObject) first = NULL;
    g_autoptr(JsonObject) second = NULL;
    g_autoptr(JsonObject) reply = NULL;
    g_autoptr(GError) err = NULL;
    JsonObject *step, *intr, *stop;
    const char *line;

    stopAtTick(qemu, ch);
    sendDeferred(ch, "{\"execute\": \"debug-step\", \"arguments\": "
                     "{\"cpu-index\": 0, \"range-start\": 0, "
                     "\"range-end\": 18446744073709551615, \"wait\": true}, "
                     "\"id\": \"r\"}");
    testQmpAssertRunState(qemu->qmp, "running");

    line = "{\"execute\": \"debug-interrupt\", \"id\": \"i\"}\n";
    testQmpSendRaw(ch, line, strlen(line), &err);
    g_assert_no_error(err);
    first = testQmpNextMessage(ch, TEST_QMP_STOP_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    second = testQmpNextMessage(ch, TEST_QMP_STOP_TIMEOUT_MS, &err);
    g_assert_no_error(err);
    if (g_str_equal(json_object_get_string_member(first, "id"), "r")) {
        step = first;
        intr = second;
    } else {
        step = second;
        intr = first;
    }
    g_assert_cmpstr(json_object_get_string_member(step, "id"), ==, "r");
    g_assert_cmpstr(json_object_get_string_member(intr, "id"), ==, "i");
    g_assert_true(json_object_has_member(intr, "return"));
    stop = json_object_get_object_member(
        json_object_get_object_member(step, "return"), "stop");
    g_assert_cmpstr(json_object_get_string_member(stop, "reason"), ==,
                    "interrupt");
    g_assert_cmpint(json_object_get_int_member(stop, "cpu-index"), ==, 0);
    testQmpAssertNoStop(ch);
    testQmpAssertRunState(qemu->qmp, "debug");

    /* a range step that leaves its range: one exchange */
    reply = rawRequest(ch, "{\"execute\": \"debug-step\", \"arguments\": "
                           "{\"cpu-index\": 0, \"range-start\": 0, "
                           "\"range-end\": 4096, \"wait\": true}, \"id\": 3}");
    stop = json_object_get_object_member(
        json_object_get_object_member(reply, "return"), "stop");
    g_assert_cmpstr(json_object_get_string_member(stop, "reason"), ==, "step");
    g_assert_cmpuint(testQmpStopPc(stop), >=, 4096);
}

/* wait and registers are for channels; the monitor refuses them and
 * nothing happens. */
static void
testWaitRefused(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = openChannel(qemu, NULL, NULL);
    const char *msg = "'wait' is only available on a debug channel "
                      "(debug-channel-open)";

    testQmpErr(qemu->qmp, msg, "debug-continue", "{\"wait\": true}");
    stopAtTick(qemu, ch);
    testQmpErr(qemu->qmp, msg, "debug-step", "{\"cpu-index\": 0, \"wait\": true}");
    testQmpErr(qemu->qmp, msg, "debug-step",
           "{\"cpu-index\": 0, \"registers\": [\"rip\"]}");
    testQmpErr(qemu->qmp, msg, "debug-continue", "{\"registers\": []}");
    testQmpErr(ch, "'registers' needs 'wait': true", "debug-step",
           "{\"cpu-index\": 0, \"registers\": [\"rip\"]}");
    testQmpErr(ch, "has no register named 'nosuch'", "debug-step",
           "{\"cpu-index\": 0, \"wait\": true, \"registers\": [\"nosuch\"]}");
    testQmpErr(ch, "has no register named 'nosuch'", "debug-continue",
           "{\"wait\": true, \"registers\": [\"rip\", \"nosuch\"]}");
    testQmpAssertNoStop(qemu->qmp);
    testQmpAssertNoStop(ch);
    testQmpAssertRunState(qemu->qmp, "debug");
    /* wait=false is the old behaviour, on the monitor too */
    testQmpDo(qemu->qmp, "debug-continue", "{\"wait\": false}");
    testQmpAssertRunState(qemu->qmp, "running");
}

/*
 * A channel opened with the name of an existing timed lease takes it
 * over: the lease no longer expires (debug-lease renews nothing) and
 * ends with the channel.  Two channels cannot hold one lease.
 */
static void
testLeaseTakeover(void)
{
    g_autoptr(testQemu) qemu = testQemuStartGuest();
    g_autoptr(testQmp) ch = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *owners = NULL;
    g_autofree char *name = NULL;
    gint64 deadline;

    /* 3 s: room for the takeover below on a loaded machine, and a wait
     * past it shows the takeover stopped the expiry */
    testQmpDo(qemu->qmp, "debug-lease", "{\"client\": \"L\", \"timeout\": 3}");
    testQmpDo(qemu->qmp, "debug-insert",
          "{\"type\": \"sw-breakpoint\", \"addr\": %" G_GUINT64_FORMAT
          ", \"client\": \"L\"}", testGuestSymbol("guest_never_called"));
    ch = openChannel(qemu, "L", &name);
    g_assert_cmpstr(name, ==, "L");
    assertChannels(qemu->qmp, "L:1");
    g_assert_null(testQmpOpenChannel(qemu->qmp, "L", NULL, &err));
    g_assert_nonnull(strstr(err->message, "already held by another debug "
                                          "channel"));

    g_usleep(3500 * 1000);
    testQmpDo(qemu->qmp, "debug-lease", "{\"client\": \"L\", \"timeout\": 1}");
    g_usleep(1500 * 1000);
    owners = testQmpPointOwners(qemu->qmp);
    g_assert_cmpstr(owners, ==, "1:L");

    /* releasing it ends it, and the channel holds it afresh, empty */
    insertOn(ch, "sw-breakpoint", "guest_tick");
    json_object_unref(testQmpWaitStop(ch));
    testQmpDo(ch, "debug-lease-release", "{\"client\": \"L\"}");
    testQmpAssertRunState(qemu->qmp, "running");
    assertChannels(qemu->qmp, "L:0");
    insertOn(ch, "sw-breakpoint", "guest_never_called");
    assertChannels(qemu->qmp, "L:1");

    g_clear_pointer(&ch, testQmpFree);
    deadline = g_get_monotonic_time() + CLOSE_TIMEOUT_MS * 1000;
    for (;;) {
        g_clear_pointer(&owners, g_free);
        owners = testQmpPointOwners(qemu->qmp);
        if (g_str_equal(owners, ""))
            break;
        if (g_get_monotonic_time() > deadline)
            g_error("the channel's points outlived it: %s", owners);
        g_usleep(10 * 1000);
    }
    testQmpErr(qemu->qmp, "no lease named 'L'", "debug-lease-release",
           "{\"client\": \"L\"}");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/qmp-channel/open", testOpen);
    g_test_add_func("/qmp-channel/commands", testCommands);
    g_test_add_func("/qmp-channel/refused", testRefused);
    g_test_add_func("/qmp-channel/bad-open", testBadOpen);
    g_test_add_func("/qmp-channel/garbage", testGarbage);
    g_test_add_func("/qmp-channel/oversized/message", testOversizedMessage);
    g_test_add_func("/qmp-channel/oversized/no-message",
                    testOversizedNoMessage);
    g_test_add_func("/qmp-channel/two-channels", testTwoChannels);
    g_test_add_func("/qmp-channel/close-resumes", testCloseResumes);
    g_test_add_func("/qmp-channel/step-wait", testStepWait);
    g_test_add_func("/qmp-channel/continue-wait", testContinueWait);
    g_test_add_func("/qmp-channel/wait-refused", testWaitRefused);
    g_test_add_func("/qmp-channel/step-trace-wait", testStepTraceWait);
    g_test_add_func("/qmp-channel/range-step-wait-interrupt",
                    testRangeStepWaitInterrupt);
    g_test_add_func("/qmp-channel/lease-takeover", testLeaseTakeover);
    return g_test_run();
}
