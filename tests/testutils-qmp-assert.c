/*
 * testutils-qmp-assert.c: asserting QMP calls for the QMP-level tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "testutils-qmp-assert.h"

static JsonNode *
testQmpCallv(testQmp *q, GError **err, const char *cmd, const char *fmt,
             va_list ap)
{
    g_autofree char *args = fmt ? g_strdup_vprintf(fmt, ap) : NULL;

    if (!args)
        return testQmpExecute(q, cmd, NULL, err);
    return testQmpExecutef(q, err, cmd, "%s", args);
}

JsonNode *
testQmpOk(testQmp *q, const char *cmd, const char *fmt, ...)
{
    g_autoptr(GError) err = NULL;
    JsonNode *ret;
    va_list ap;

    va_start(ap, fmt);
    ret = testQmpCallv(q, &err, cmd, fmt, ap);
    va_end(ap);
    if (!ret)
        g_error("%s failed: %s", cmd, err->message);
    return ret;
}

void
testQmpDo(testQmp *q, const char *cmd, const char *fmt, ...)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;
    va_list ap;

    va_start(ap, fmt);
    ret = testQmpCallv(q, &err, cmd, fmt, ap);
    va_end(ap);
    if (!ret)
        g_error("%s failed: %s", cmd, err->message);
}

void
testQmpErr(testQmp *q, const char *expect, const char *cmd,
           const char *fmt, ...)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;
    va_list ap;

    va_start(ap, fmt);
    ret = testQmpCallv(q, &err, cmd, fmt, ap);
    va_end(ap);
    if (ret)
        g_error("%s(%s) succeeded but should fail with '%s'", cmd,
                fmt ? fmt : "", expect);
    g_assert_error(err, TEST_QMP_ERROR, TEST_QMP_ERROR_COMMAND);
    if (!strstr(err->message, expect))
        g_error("%s: error '%s' does not mention '%s'", cmd, err->message,
                expect);
    g_test_message("%s: %s", cmd, err->message);
}

JsonObject *
testQmpWaitStop(testQmp *q)
{
    g_autoptr(GError) err = NULL;
    JsonObject *ev = testQmpWaitEvent(q, "DEBUG_STOP",
                                      TEST_QMP_STOP_TIMEOUT_MS, &err);

    g_assert_no_error(err);
    return ev;
}

void
testQmpAssertNoStop(testQmp *q)
{
    g_usleep(TEST_QMP_QUIET_MS * 1000);
    g_assert_cmpuint(testQmpCountEvents(q, "DEBUG_STOP"), ==, 0);
}

guint64
testQmpStopPc(JsonObject *ev)
{
    return (guint64) json_object_get_int_member(ev, "pc");
}

char *
testQmpRunState(testQmp *q)
{
    g_autoptr(JsonNode) ret = testQmpOk(q, "query-status", NULL);

    return g_strdup(json_object_get_string_member(json_node_get_object(ret),
                                                  "status"));
}

void
testQmpAssertRunState(testQmp *q, const char *want)
{
    g_autofree char *state = testQmpRunState(q);

    g_assert_cmpstr(state, ==, want);
}

char *
testQmpPointOwners(testQmp *q)
{
    g_autoptr(JsonNode) ret = testQmpOk(q, "query-debug-points", NULL);
    JsonArray *arr = json_node_get_array(ret);
    g_autoptr(GString) out = g_string_new(NULL);
    guint i;

    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        g_string_append_printf(out, "%s%" G_GINT64_FORMAT ":%s", i ? " " : "",
                               json_object_get_int_member(o, "id"),
                               json_object_has_member(o, "client") ?
                               json_object_get_string_member(o, "client") : "-");
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

testQemu *
testQemuStartGuest(void)
{
    testQemu *qemu = testQemuStartTcg("pc", NULL);

    testQemuWaitGuestReady(qemu);
    return qemu;
}
