/*
 * qemudebugjsontest.c: QMP command builders, reply / event / error
 * parsers and capability checks of src/qemu, on canned JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The replies are written as libvirt's virDomainQemuMonitorCommand returns
 * them (with libvirt's "id"), the events as its monitor event callback
 * passes "details" (the "data" object alone).
 */

#include <string.h>

#include "qemu/qemu_debug.h"
#include "qemutestutils.h"

#define CAPS_TCG \
    "{\"return\": {\"accelerator\": \"tcg\", \"supported\": true, " \
    "\"point-types\": [\"sw-breakpoint\", \"hw-breakpoint\", \"watchpoint-write\", " \
    "\"watchpoint-read\", \"watchpoint-access\"], \"hw-slots-shared\": false, " \
    "\"single-step\": true, \"step-flags\": [\"noirq\", \"notimer\"], " \
    "\"max-memory-size\": 65536}, \"id\": \"libvirt-7\"}"

#define CAPS_KVM_X86 \
    "{\"return\": {\"accelerator\": \"kvm\", \"supported\": true, " \
    "\"point-types\": [\"sw-breakpoint\", \"hw-breakpoint\", \"watchpoint-write\", " \
    "\"watchpoint-read\", \"watchpoint-access\"], \"hw-breakpoints\": 4, " \
    "\"hw-watchpoints\": 4, \"hw-slots-shared\": true, " \
    "\"single-step\": true, \"step-flags\": [\"noirq\", \"notimer\"], " \
    "\"max-memory-size\": 65536}, \"id\": \"libvirt-7\"}"

#define POINTS_REPLY \
    "{\"return\": [" \
    "{\"id\": 1, \"type\": \"hw-breakpoint\", \"addr\": 18446744071578845184, " \
    "\"len\": 0, \"hits\": 3, \"cpu-index\": 0}, " \
    "{\"id\": 2, \"type\": \"watchpoint-write\", \"addr\": 1064960, " \
    "\"len\": 4, \"hits\": 0}" \
    "], \"id\": \"libvirt-9\"}"

#define EVENT_WATCH \
    "{\"cpu-index\": 1, \"reason\": \"watchpoint-write\", " \
    "\"pc\": 18446744071578845200, \"point-id\": 2, " \
    "\"watch-addr\": 1064960, \"hit-addr\": 1064962}"


static qemuDebugCaps *
testCaps(const char *reply)
{
    g_autoptr(GError) err = NULL;
    qemuDebugCaps *caps = qemuDebugParseCapsReply(reply, &err);

    g_assert_no_error(err);
    g_assert_nonnull(caps);
    return caps;
}


/* ------------------------------------------------------------------ */
/* Builders                                                            */

static void
testBuilders(void)
{
    virDomainDebugPointDef hw = {
        VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, 0xffffffff81000000ULL, 0, 0 };
    virDomainDebugPointDef sw = {
        VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, 0x100010, 0, VIR_DOMAIN_DEBUG_VCPU_ALL };
    virDomainDebugPointDef wp = {
        VIR_DOMAIN_DEBUG_POINT_WATCH_READ, 0x104008, 8, 1 };
    const char *names[] = { "rip", "rsp" };
    const unsigned char bytes[] = { 0x90, 0x90, 0xcc };
    struct {
        char *actual;
        const char *expected;
    } cases[] = {
        { qemuDebugBuildQueryCommands(), "{\"execute\":\"query-commands\"}" },
        { qemuDebugBuildQueryCaps(), "{\"execute\":\"query-debug-capabilities\"}" },
        { qemuDebugBuildQueryStatus(), "{\"execute\":\"query-status\"}" },
        /* above G_MAXINT64: two's complement, which QEMU's uint64 visitor takes */
        { qemuDebugBuildInsert(&hw),
          "{\"execute\":\"debug-insert\",\"arguments\":{\"type\":\"hw-breakpoint\","
          "\"addr\":-2130706432,\"cpu-index\":0}}" },
        { qemuDebugBuildInsert(&sw),
          "{\"execute\":\"debug-insert\",\"arguments\":{\"type\":\"sw-breakpoint\","
          "\"addr\":1048592}}" },
        { qemuDebugBuildInsert(&wp),
          "{\"execute\":\"debug-insert\",\"arguments\":{\"type\":\"watchpoint-read\","
          "\"addr\":1064968,\"len\":8,\"cpu-index\":1}}" },
        { qemuDebugBuildRemove(7),
          "{\"execute\":\"debug-remove\",\"arguments\":{\"id\":7}}" },
        { qemuDebugBuildRemoveAll(), "{\"execute\":\"debug-remove-all\"}" },
        { qemuDebugBuildInsertOwned(&sw, "9d3c"),
          "{\"execute\":\"debug-insert\",\"arguments\":{\"type\":\"sw-breakpoint\","
          "\"addr\":1048592,\"client\":\"9d3c\"}}" },
        { qemuDebugBuildLease("9d3c", 15),
          "{\"execute\":\"debug-lease\",\"arguments\":{\"client\":\"9d3c\","
          "\"timeout\":15}}" },
        { qemuDebugBuildReadMsr(0, 0xc0000082),
          "{\"execute\":\"debug-read-msr\",\"arguments\":{\"cpu-index\":0,"
          "\"msr\":3221225602}}" },
        { qemuDebugBuildLeaseRelease("9d3c"),
          "{\"execute\":\"debug-lease-release\",\"arguments\":{\"client\":\"9d3c\"}}" },
        { qemuDebugBuildQueryPoints(), "{\"execute\":\"query-debug-points\"}" },
        { qemuDebugBuildStep(1, 10, true, false),
          "{\"execute\":\"debug-step\",\"arguments\":{\"cpu-index\":1,\"count\":10,"
          "\"noirq\":true,\"notimer\":false}}" },
        { qemuDebugBuildStep(0, 0, false, true),
          "{\"execute\":\"debug-step\",\"arguments\":{\"cpu-index\":0,"
          "\"noirq\":false,\"notimer\":true}}" },
        { qemuDebugBuildContinue(), "{\"execute\":\"debug-continue\"}" },
        { qemuDebugBuildInterrupt(), "{\"execute\":\"debug-interrupt\"}" },
        { qemuDebugBuildQueryStop(), "{\"execute\":\"query-debug-stop\"}" },
        { qemuDebugBuildReadRegisters(0, NULL, 0),
          "{\"execute\":\"debug-read-registers\",\"arguments\":{\"cpu-index\":0}}" },
        { qemuDebugBuildReadRegisters(1, names, 2),
          "{\"execute\":\"debug-read-registers\",\"arguments\":{\"cpu-index\":1,"
          "\"names\":[\"rip\",\"rsp\"]}}" },
        /* strings are escaped by json-glib, not by us */
        { qemuDebugBuildWriteRegister(0, "r\"ax", "0100000000000000"),
          "{\"execute\":\"debug-write-register\",\"arguments\":{\"cpu-index\":0,"
          "\"name\":\"r\\\"ax\",\"value\":\"0100000000000000\"}}" },
        { qemuDebugBuildQueryGdbXml(NULL), "{\"execute\":\"query-debug-gdb-xml\"}" },
        { qemuDebugBuildQueryGdbXml("i386-64bit.xml"),
          "{\"execute\":\"query-debug-gdb-xml\",\"arguments\":{\"annex\":\"i386-64bit.xml\"}}" },
        { qemuDebugBuildReadMemory(0x100000, 16, -1, false),
          "{\"execute\":\"debug-read-memory\",\"arguments\":{\"addr\":1048576,\"size\":16}}" },
        { qemuDebugBuildReadMemory(0x1000, 4096, 1, true),
          "{\"execute\":\"debug-read-memory\",\"arguments\":{\"addr\":4096,\"size\":4096,"
          "\"cpu-index\":1,\"physical\":true}}" },
        { qemuDebugBuildWriteMemory(0x100000, bytes, sizeof(bytes), 0, false),
          "{\"execute\":\"debug-write-memory\",\"arguments\":{\"addr\":1048576,"
          "\"data\":\"kJDM\",\"cpu-index\":0}}" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        qemuTestAssertJSONObject(cases[i].actual);
        g_assert_cmpstr(cases[i].actual, ==, cases[i].expected);
        g_free(cases[i].actual);
    }
}


/* ------------------------------------------------------------------ */
/* Replies                                                             */

static void
testQueryCommands(void)
{
    g_autoptr(GError) err = NULL;
    bool has = true;
    bool channel = false;

    g_assert_cmpint(qemuDebugParseQueryCommandsReply(
        "{\"return\": [{\"name\": \"query-status\"}, "
        "{\"name\": \"query-debug-capabilities\"}, {\"name\": \"debug-insert\"}], "
        "\"id\": \"libvirt-3\"}", &has, NULL, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_true(has);

    /* a QEMU with the debug channel */
    g_assert_cmpint(qemuDebugParseQueryCommandsReply(
        "{\"return\": [{\"name\": \"query-debug-capabilities\"}, "
        "{\"name\": \"debug-channel-open\"}]}", &has, &channel, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_true(has);
    g_assert_true(channel);

    /* Debian's stock QEMU */
    g_assert_cmpint(qemuDebugParseQueryCommandsReply(
        "{\"return\": [{\"name\": \"query-status\"}, {\"name\": \"cont\"}], "
        "\"id\": \"libvirt-3\"}", &has, &channel, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_false(has);
    g_assert_false(channel);

    g_assert_cmpint(qemuDebugParseQueryCommandsReply(
        "{\"return\": [{\"nom\": \"cont\"}]}", &has, NULL, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_assert_nonnull(strstr(err->message, "'name' is missing"));
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugParseQueryCommandsReply(
        "{\"return\": {\"name\": \"cont\"}}", &has, NULL, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
}


static void
testCapsReply(void)
{
    g_autoptr(qemuDebugCaps) tcg = testCaps(CAPS_TCG);
    g_autoptr(qemuDebugCaps) kvm = testCaps(CAPS_KVM_X86);
    g_autoptr(qemuDebugCaps) future = NULL;
    virDomainDebugCaps *pub;
    g_autoptr(GError) err = NULL;

    g_assert_cmpstr(tcg->accelerator, ==, "tcg");
    g_assert_true(tcg->supported);
    g_assert_cmpuint(tcg->pointTypes, ==, (1U << VIR_DOMAIN_DEBUG_POINT_LAST) - 1);
    g_assert_cmpint(tcg->hwBreakpoints, ==, -1);
    g_assert_cmpint(tcg->hwWatchpoints, ==, -1);
    g_assert_false(tcg->hwSlotsShared);
    g_assert_true(tcg->singleStep);
    g_assert_cmpuint(tcg->stepFlags, ==, 3);
    g_assert_cmpuint(tcg->maxMemorySize, ==, 65536);

    g_assert_cmpint(kvm->hwBreakpoints, ==, 4);
    g_assert_cmpint(kvm->hwWatchpoints, ==, 4);
    g_assert_true(kvm->hwSlotsShared);

    pub = qemuDebugCapsToPublic(kvm);
    g_assert_cmpstr(pub->accelerator, ==, "kvm");
    g_assert_cmpint(pub->hwBreakpoints, ==, 4);
    g_assert_cmpint(pub->hwSlotsShared, ==, 1);
    g_assert_cmpint(pub->stepMaskIrq, ==, 1);
    g_assert_cmpint(pub->stepMaskTimers, ==, 1);
    g_assert_cmpuint(pub->maxMemorySize, ==, 65536);
    g_free(pub->accelerator);
    g_free(pub);

    /* names a newer QEMU may add are skipped, not fatal */
    future = testCaps("{\"return\": {\"accelerator\": \"hvf\", \"supported\": true, "
                      "\"point-types\": [\"sw-breakpoint\", \"branch-trace\"], "
                      "\"hw-slots-shared\": false, \"single-step\": true, "
                      "\"step-flags\": [\"nonmi\"], \"max-memory-size\": 4096, "
                      "\"new-member\": [1, 2]}}");
    g_assert_cmpuint(future->pointTypes, ==, 1U << VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT);
    g_assert_cmpuint(future->stepFlags, ==, 0);
}


/* Replies that must fail, with a fragment of the expected message */
static void
testCapsReplyMalformed(void)
{
    struct {
        const char *reply;
        int code;
        const char *message;
    } cases[] = {
        { "{\"return\": {\"accelerator\": \"tcg\"}}",
          VIR_DEBUG_ERROR_JSON, "member 'supported' is missing" },
        { "{\"return\": {\"accelerator\": 7, \"supported\": true}}",
          VIR_DEBUG_ERROR_JSON, "member 'accelerator' must be a string" },
        { "{\"return\": {\"accelerator\": \"kvm\", \"supported\": \"yes\"}}",
          VIR_DEBUG_ERROR_JSON, "member 'supported' must be a boolean" },
        { "{\"return\": {\"accelerator\": \"kvm\", \"supported\": true, "
          "\"point-types\": \"sw-breakpoint\"}}",
          VIR_DEBUG_ERROR_JSON, "member 'point-types' must be an array" },
        { "{\"return\": {\"accelerator\": \"kvm\", \"supported\": true, "
          "\"point-types\": [1]}}",
          VIR_DEBUG_ERROR_JSON, "element 0 of 'point-types' must be a string" },
        { "{\"return\": {\"accelerator\": \"kvm\", \"supported\": true, "
          "\"point-types\": [], \"hw-breakpoints\": -4}}",
          VIR_DEBUG_ERROR_JSON, "negative number" },
        { "{\"return\": {\"accelerator\": \"kvm\", \"supported\": true, "
          "\"point-types\": [], \"hw-breakpoints\": 4294967296}}",
          VIR_DEBUG_ERROR_JSON, "'hw-breakpoints' is 4294967296, outside 0..2147483647" },
        { "{\"return\": {\"accelerator\": \"kvm\", \"supported\": true, "
          "\"point-types\": [], \"hw-breakpoints\": 4.5}}",
          VIR_DEBUG_ERROR_JSON, "'hw-breakpoints' must be an unsigned integer" },
        { "{\"return\": {\"accelerator\": \"tcg\", \"supported\": true, "
          "\"point-types\": [], \"hw-slots-shared\": false, \"single-step\": true, "
          "\"step-flags\": [], \"max-memory-size\": 99999999999999999999999}}",
          VIR_DEBUG_ERROR_JSON, "out of range" },
        { "{\"return\": {\"accelerator\": \"tcg\", \"supported\": true, "
          "\"point-types\": [], \"hw-slots-shared\": false, \"single-step\": true, "
          "\"step-flags\": []}}",
          VIR_DEBUG_ERROR_JSON, "'max-memory-size' is missing" },
        { "{\"return\": [], \"id\": \"libvirt-1\"}",
          VIR_DEBUG_ERROR_JSON, "'return' must be an object" },
        { "{\"id\": \"libvirt-1\"}",
          VIR_DEBUG_ERROR_JSON, "neither 'return' nor 'error'" },
        { "{\"return\": {\"accelerator\": \"tcg\", \"supp",
          VIR_DEBUG_ERROR_JSON, "malformed reply to 'query-debug-capabilities'" },
        { "", VIR_DEBUG_ERROR_JSON, "empty" },
        { "[1, 2]", VIR_DEBUG_ERROR_JSON, "expected a JSON object" },
        { "null", VIR_DEBUG_ERROR_JSON, "expected a JSON object" },
        { "{\"error\": {\"class\": \"CommandNotFound\", "
          "\"desc\": \"The command query-debug-capabilities has not been found\"}, "
          "\"id\": \"libvirt-4\"}",
          VIR_DEBUG_ERROR_QMP, "The command query-debug-capabilities has not been found" },
        { "{\"error\": {\"class\": \"GenericError\"}}",
          VIR_DEBUG_ERROR_JSON, "member 'desc' is missing" },
        { "{\"error\": \"boom\"}",
          VIR_DEBUG_ERROR_JSON, "'error' is not an object" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(qemuDebugCaps) caps = qemuDebugParseCapsReply(cases[i].reply, &err);

        g_assert_null(caps);
        g_assert_error(err, VIR_DEBUG_ERROR, cases[i].code);
        if (!strstr(err->message, cases[i].message)) {
            g_test_message("case %zu: '%s' does not contain '%s'",
                           i, err->message, cases[i].message);
            g_test_fail();
        }
    }
}


static void
testQueryStatusReply(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *status = NULL;

    status = qemuDebugParseQueryStatusReply(
        "{\"return\": {\"status\": \"debug\", \"singlestep\": false, "
        "\"running\": false}, \"id\": \"libvirt-8\"}", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(status, ==, QEMU_DEBUG_RUNSTATE_DEBUG);

    g_assert_null(qemuDebugParseQueryStatusReply("{\"return\": {\"running\": true}}", &err));
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
}


static void
testInsertReply(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(qemuDebugParseInsertReply(
        "{\"return\": {\"id\": 12}, \"id\": \"libvirt-20\"}", &err), ==, 12);
    g_assert_no_error(err);

    g_assert_cmpint(qemuDebugParseInsertReply("{\"return\": {\"id\": 0}}", &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugParseInsertReply("{\"return\": {\"id\": \"12\"}}", &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugParseInsertReply(
        "{\"return\": {\"id\": 9223372036854775808}}", &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugParseInsertReply("{\"return\": {}}", &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugParseInsertReply(
        "{\"id\": \"libvirt-21\", \"error\": {\"class\": \"GenericError\", "
        "\"desc\": \"hardware watchpoint slots exhausted: 4 of 4 in use\"}}",
        &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_QMP);
    g_assert_cmpstr(err->message, ==, "hardware watchpoint slots exhausted: 4 of 4 in use");
}


static void
testEmptyReply(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(qemuDebugParseEmptyReply("{\"return\": {}, \"id\": \"libvirt-5\"}",
                                             &err), ==, 0);
    g_assert_no_error(err);

    g_assert_cmpint(qemuDebugParseEmptyReply(
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"debug point 7 does "
        "not exist (query-debug-points lists the points)\"}}", &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_QMP);
    g_assert_cmpstr(err->message, ==,
                    "debug point 7 does not exist (query-debug-points lists the points)");
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugParseEmptyReply("{\"return\": 1}", &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
}


static void
testPointsReply(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree virDomainDebugPoint *points = NULL;
    size_t n = 99;

    g_assert_cmpint(qemuDebugParseQueryPointsReply(POINTS_REPLY, &points, &n, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpint(points[0].id, ==, 1);
    g_assert_cmpint(points[0].type, ==, VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT);
    g_assert_cmpuint(points[0].addr, ==, 0xffffffff81000000ULL);
    g_assert_cmpuint(points[0].len, ==, 0);
    g_assert_cmpuint(points[0].hits, ==, 3);
    g_assert_cmpint(points[0].vcpu, ==, 0);
    g_assert_cmpint(points[1].type, ==, VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE);
    g_assert_cmpuint(points[1].addr, ==, 0x104000);
    g_assert_cmpuint(points[1].len, ==, 4);
    g_assert_cmpint(points[1].vcpu, ==, VIR_DOMAIN_DEBUG_VCPU_ALL);
    g_clear_pointer(&points, g_free);

    g_assert_cmpint(qemuDebugParseQueryPointsReply("{\"return\": []}", &points, &n, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(n, ==, 0);
    g_assert_null(points);

    /* the highest address there is */
    g_assert_cmpint(qemuDebugParseQueryPointsReply(
        "{\"return\": [{\"id\": 3, \"type\": \"sw-breakpoint\", "
        "\"addr\": 18446744073709551615, \"len\": 0, \"hits\": 0}]}",
        &points, &n, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(points[0].addr, ==, G_MAXUINT64);
    g_clear_pointer(&points, g_free);
}


static void
testPointsReplyMalformed(void)
{
    const char *cases[] = {
        /* unknown enum value */
        "{\"return\": [{\"id\": 1, \"type\": \"hw-watchpoint\", \"addr\": 1, "
        "\"len\": 0, \"hits\": 0}]}",
        /* negative address */
        "{\"return\": [{\"id\": 1, \"type\": \"sw-breakpoint\", \"addr\": -4096, "
        "\"len\": 0, \"hits\": 0}]}",
        /* one past 2^64-1 */
        "{\"return\": [{\"id\": 1, \"type\": \"sw-breakpoint\", "
        "\"addr\": 18446744073709551616, \"len\": 0, \"hits\": 0}]}",
        /* address as a string */
        "{\"return\": [{\"id\": 1, \"type\": \"sw-breakpoint\", \"addr\": \"0x1000\", "
        "\"len\": 0, \"hits\": 0}]}",
        /* missing hits */
        "{\"return\": [{\"id\": 1, \"type\": \"sw-breakpoint\", \"addr\": 1, \"len\": 0}]}",
        /* cpu-index out of int range */
        "{\"return\": [{\"id\": 1, \"type\": \"sw-breakpoint\", \"addr\": 1, "
        "\"len\": 0, \"hits\": 0, \"cpu-index\": 3000000000}]}",
        /* element not an object */
        "{\"return\": [1]}",
        /* null where a value is expected */
        "{\"return\": [{\"id\": null, \"type\": \"sw-breakpoint\", \"addr\": 1, "
        "\"len\": 0, \"hits\": 0}]}",
        /* not an array */
        "{\"return\": {}}",
        /* boolean for a number */
        "{\"return\": [{\"id\": true, \"type\": \"sw-breakpoint\", \"addr\": 1, "
        "\"len\": 0, \"hits\": 0}]}",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autofree virDomainDebugPoint *points = NULL;
        size_t n = 0;

        g_assert_cmpint(qemuDebugParseQueryPointsReply(cases[i], &points, &n, &err), ==, -1);
        g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
        g_assert_null(points);
        g_assert_cmpuint(n, ==, 0);
        g_test_message("case %zu: %s", i, err->message);
    }
}


static void
testStopReply(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree qemuDebugStop *stops = NULL;
    virDomainDebugStopInfo info;
    size_t n = 0;

    g_assert_cmpint(qemuDebugParseQueryStopReply(
        "{\"return\": [{\"cpu-index\": 0, \"stopped\": true, \"reason\": \"step\", "
        "\"pc\": 1048592}, {\"cpu-index\": 1, \"stopped\": false}], "
        "\"id\": \"libvirt-30\"}", &stops, &n, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(n, ==, 2);
    g_assert_true(stops[0].stopped);
    g_assert_true(stops[0].hasReason);
    g_assert_cmpint(stops[0].reason, ==, VIR_DOMAIN_DEBUG_STOP_STEP);
    g_assert_cmpuint(stops[0].pc, ==, 0x100010);
    g_assert_false(stops[0].hasPointId);
    g_assert_cmpint(stops[1].vcpu, ==, 1);
    g_assert_false(stops[1].stopped);
    g_assert_false(stops[1].hasReason);
    g_assert_false(stops[1].hasPc);

    qemuDebugStopToInfo(&stops[0], &info);
    g_assert_cmpint(info.vcpu, ==, 0);
    g_assert_cmpint(info.stopped, ==, 1);
    g_assert_cmpint(info.pointId, ==, -1);
    g_assert_cmpint(info.hasWatch, ==, 0);
    g_clear_pointer(&stops, g_free);

    g_assert_cmpint(qemuDebugParseQueryStopReply(
        "{\"return\": [{\"cpu-index\": 0}]}", &stops, &n, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_assert_nonnull(strstr(err->message, "'stopped' is missing"));
}


static void
testRegistersReply(void)
{
    g_autoptr(GError) err = NULL;
    virDomainDebugRegister *regs = NULL;
    size_t n = 0;
    const char *bad[] = {
        /* 8 bytes need 16 digits */
        "{\"return\": [{\"name\": \"rip\", \"number\": 16, \"size\": 8, \"value\": \"1000\"}]}",
        "{\"return\": [{\"name\": \"rip\", \"number\": 16, \"size\": 2, \"value\": \"zz00\"}]}",
        "{\"return\": [{\"name\": \"\", \"number\": 16, \"size\": 1, \"value\": \"00\"}]}",
        "{\"return\": [{\"name\": \"rip\", \"number\": 16, \"size\": 0, \"value\": \"\"}]}",
        "{\"return\": [{\"name\": \"rip\", \"number\": 16, \"size\": 1}]}",
        "{\"return\": [{\"name\": \"rax\", \"number\": 0, \"size\": 1, \"value\": \"00\"}, "
        "{\"name\": \"rip\", \"number\": -16, \"size\": 1, \"value\": \"00\"}]}",
    };
    size_t i;

    g_assert_cmpint(qemuDebugParseReadRegistersReply(
        "{\"return\": [{\"name\": \"rax\", \"number\": 0, \"size\": 8, "
        "\"value\": \"efbeadde00000000\"}, {\"name\": \"eflags\", \"number\": 17, "
        "\"size\": 4, \"value\": \"02000000\"}], \"id\": \"libvirt-40\"}",
        &regs, &n, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpstr(regs[0].name, ==, "rax");
    g_assert_cmpint(regs[0].number, ==, 0);
    g_assert_cmpint(regs[0].size, ==, 8);
    g_assert_cmpstr(regs[0].value, ==, "efbeadde00000000");
    g_assert_cmpstr(regs[1].name, ==, "eflags");
    g_assert_cmpint(regs[1].number, ==, 17);
    qemuDebugRegistersFree(regs, n);

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        regs = NULL;
        g_assert_cmpint(qemuDebugParseReadRegistersReply(bad[i], &regs, &n, &err), ==, -1);
        g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
        g_assert_null(regs);
        g_test_message("case %zu: %s", i, err->message);
        g_clear_error(&err);
    }
}


static void
testGdbXmlReply(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;

    xml = qemuDebugParseGdbXmlReply(
        "{\"return\": {\"xml\": \"<?xml version=\\\"1.0\\\"?><target>"
        "<architecture>i386:x86-64</architecture></target>\"}}", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(xml, ==, "<?xml version=\"1.0\"?><target>"
                    "<architecture>i386:x86-64</architecture></target>");

    g_assert_null(qemuDebugParseGdbXmlReply("{\"return\": {\"xml\": 1}}", &err));
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
}


static void
testMemoryReply(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree unsigned char *data = NULL;
    size_t size = 0;
    const char *bad[] = {
        "{\"return\": {\"data\": \"kJ!M\"}}",
        "{\"return\": {\"data\": \"kJD\"}}",
        "{\"return\": {\"data\": \"k=DM\"}}",
        "{\"return\": {\"data\": 9}}",
        "{\"return\": {}}",
    };
    size_t i;

    g_assert_cmpint(qemuDebugParseReadMemoryReply(
        "{\"return\": {\"data\": \"kJDM\"}, \"id\": \"libvirt-50\"}",
        3, &data, &size, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(size, ==, 3);
    g_assert_cmpint(data[0], ==, 0x90);
    g_assert_cmpint(data[2], ==, 0xcc);
    g_clear_pointer(&data, g_free);

    g_assert_cmpint(qemuDebugParseReadMemoryReply(
        "{\"return\": {\"data\": \"kA==\"}}", 0, &data, &size, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(size, ==, 1);
    g_clear_pointer(&data, g_free);

    /* fewer bytes than asked for is a broken reply, not a short read */
    g_assert_cmpint(qemuDebugParseReadMemoryReply(
        "{\"return\": {\"data\": \"kA==\"}}", 16, &data, &size, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_assert_nonnull(strstr(err->message, "16 bytes requested but 1 returned"));
    g_clear_error(&err);

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_cmpint(qemuDebugParseReadMemoryReply(bad[i], 3, &data, &size, &err), ==, -1);
        g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
        g_assert_null(data);
        g_clear_error(&err);
    }
}


/* Every prefix of a valid reply is malformed, and must say so without
 * crashing; strings containing '-' or digits are not mistaken for
 * numbers. */
static void
testTruncated(void)
{
    const char *full = POINTS_REPLY;
    size_t len = strlen(full);
    size_t i;

    for (i = 0; i < len; i++) {
        g_autofree char *prefix = g_strndup(full, i);
        g_autoptr(GError) err = NULL;
        g_autofree virDomainDebugPoint *points = NULL;
        size_t n;

        g_assert_cmpint(qemuDebugParseQueryPointsReply(prefix, &points, &n, &err), ==, -1);
        g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    }

    for (i = 0; i < strlen(EVENT_WATCH); i++) {
        g_autofree char *prefix = g_strndup(EVENT_WATCH, i);
        g_autoptr(GError) err = NULL;
        g_autofree qemuDebugStop *stop = qemuDebugParseStopEvent(prefix, &err);

        g_assert_null(stop);
        g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    }
}


/* Each valid input mutated at every position: the parser either
 * succeeds or fails with a VIR_DEBUG_ERROR, and never crashes (valgrind
 * and ASan builds check the memory side). */
typedef bool (*testParseFunc)(const char *text, GError **error);

static bool
testParsePoints(const char *text, GError **error)
{
    g_autofree virDomainDebugPoint *points = NULL;
    size_t n;

    return qemuDebugParseQueryPointsReply(text, &points, &n, error) == 0;
}

static bool
testParseCaps(const char *text, GError **error)
{
    g_autoptr(qemuDebugCaps) caps = qemuDebugParseCapsReply(text, error);

    return caps != NULL;
}

static bool
testParseEvent(const char *text, GError **error)
{
    g_autofree qemuDebugStop *stop = qemuDebugParseStopEvent(text, error);

    return stop != NULL;
}

static bool
testParseRegisters(const char *text, GError **error)
{
    virDomainDebugRegister *regs = NULL;
    size_t n = 0;
    int rc = qemuDebugParseReadRegistersReply(text, &regs, &n, error);

    qemuDebugRegistersFree(regs, n);
    return rc == 0;
}

static bool
testParseMemory(const char *text, GError **error)
{
    g_autofree unsigned char *data = NULL;
    size_t n;

    return qemuDebugParseReadMemoryReply(text, 0, &data, &n, error) == 0;
}

static void
testMutations(void)
{
    struct {
        const char *text;
        testParseFunc parse;
    } inputs[] = {
        { POINTS_REPLY, testParsePoints },
        { CAPS_KVM_X86, testParseCaps },
        { EVENT_WATCH, testParseEvent },
        { "{\"return\": [{\"name\": \"rax\", \"number\": 0, \"size\": 2, "
          "\"value\": \"efbe\"}]}", testParseRegisters },
        { "{\"return\": {\"data\": \"kJDM\"}}", testParseMemory },
    };
    const char replacements[] = "-9\"{}[],:x0.e ";
    size_t i;
    size_t pos;
    size_t r;

    for (i = 0; i < G_N_ELEMENTS(inputs); i++) {
        size_t len = strlen(inputs[i].text);

        for (pos = 0; pos < len; pos++) {
            for (r = 0; r < sizeof(replacements) - 1; r++) {
                g_autofree char *mutant = g_strdup(inputs[i].text);
                g_autoptr(GError) err = NULL;

                mutant[pos] = replacements[r];
                if (!inputs[i].parse(mutant, &err)) {
                    g_assert_nonnull(err);
                    g_assert_true(err->domain == VIR_DEBUG_ERROR);
                    g_assert_nonnull(err->message);
                } else {
                    g_assert_null(err);
                }
            }
        }

        /* trailing garbage and a second document */
        {
            g_autofree char *extra = g_strdup_printf("%s}", inputs[i].text);
            g_autofree char *twice = g_strdup_printf("%s%s", inputs[i].text,
                                                     inputs[i].text);
            g_autoptr(GError) err = NULL;

            g_assert_false(inputs[i].parse(extra, &err));
            g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
            g_clear_error(&err);
            g_assert_false(inputs[i].parse(twice, &err));
            g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
        }
    }
}


static void
testNumbersInStrings(void)
{
    g_autoptr(GError) err = NULL;

    /* a QMP error whose desc has a '-' and huge digits */
    g_assert_cmpint(qemuDebugParseEmptyReply(
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"address -1 "
        "\\\"99999999999999999999999\\\" is not mapped\"}, \"id\": \"libvirt-1\"}",
        &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_QMP);
    g_assert_cmpstr(err->message, ==,
                    "address -1 \"99999999999999999999999\" is not mapped");
}


/* ------------------------------------------------------------------ */
/* Events                                                              */

static void
testStopEvent(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree qemuDebugStop *stop = NULL;
    virDomainDebugStopInfo info;

    stop = qemuDebugParseStopEvent(EVENT_WATCH, &err);
    g_assert_no_error(err);
    g_assert_nonnull(stop);
    g_assert_cmpint(stop->vcpu, ==, 1);
    g_assert_true(stop->stopped);
    g_assert_true(stop->hasReason);
    g_assert_cmpint(stop->reason, ==, VIR_DOMAIN_DEBUG_STOP_WATCH_WRITE);
    g_assert_true(stop->hasPc);
    g_assert_cmpuint(stop->pc, ==, 0xffffffff81000010ULL);
    g_assert_true(stop->hasPointId);
    g_assert_cmpint(stop->pointId, ==, 2);
    g_assert_true(stop->hasWatchAddr);
    g_assert_cmpuint(stop->watchAddr, ==, 0x104000);
    g_assert_true(stop->hasHitAddr);
    g_assert_cmpuint(stop->hitAddr, ==, 0x104002);

    qemuDebugStopToInfo(stop, &info);
    g_assert_cmpint(info.vcpu, ==, 1);
    g_assert_cmpint(info.reason, ==, VIR_DOMAIN_DEBUG_STOP_WATCH_WRITE);
    g_assert_cmpint(info.pointId, ==, 2);
    g_assert_cmpint(info.hasWatch, ==, 1);
    g_assert_cmpuint(info.watchAddr, ==, 0x104000);
    g_assert_cmpuint(info.hitAddr, ==, 0x104002);
    g_clear_pointer(&stop, g_free);

    stop = qemuDebugParseStopEvent("{\"cpu-index\": 0, \"reason\": \"interrupt\", "
                                   "\"pc\": 1048576}", &err);
    g_assert_no_error(err);
    g_assert_cmpint(stop->reason, ==, VIR_DOMAIN_DEBUG_STOP_INTERRUPT);
    g_assert_false(stop->hasPointId);
    g_assert_cmpint(stop->pointId, ==, -1);
    g_assert_false(stop->hasWatchAddr);
    g_assert_false(stop->hasHitAddr);
}


static void
testStopEventMalformed(void)
{
    struct {
        const char *details;
        const char *message;
    } cases[] = {
        { NULL, "DEBUG_STOP event: empty" },
        { "", "empty" },
        { "{\"cpu-index\": 0, \"reason\": \"single-step\", \"pc\": 1}",
          "unknown stop reason 'single-step' of vCPU 0" },
        { "{\"cpu-index\": 0, \"reason\": \"step\"}", "member 'pc' is missing" },
        { "{\"reason\": \"step\", \"pc\": 1}", "member 'cpu-index' is missing" },
        { "{\"cpu-index\": \"0\", \"reason\": \"step\", \"pc\": 1}",
          "member 'cpu-index' must be an unsigned integer" },
        { "{\"cpu-index\": 0, \"reason\": 5, \"pc\": 1}",
          "member 'reason' must be a string" },
        { "{\"cpu-index\": 0, \"reason\": \"step\", \"pc\": -1}", "negative number" },
        { "{\"cpu-index\": 0, \"reason\": \"step\", \"pc\": 1, \"point-id\": 0}",
          "'point-id' is 0, outside 1..2147483647" },
        { "{\"cpu-index\": 0, \"reason\": \"step\", \"pc\": 1, "
          "\"hit-addr\": 123456789012345678901234567890}", "out of range" },
        { "{\"cpu-index\": 0, \"reason\": \"step\", \"pc\": 1.5}",
          "member 'pc' must be an unsigned integer" },
        { "[{\"cpu-index\": 0}]", "expected a JSON object" },
        { "{\"cpu-index\": 0,, }", "malformed DEBUG_STOP event" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autofree qemuDebugStop *stop = qemuDebugParseStopEvent(cases[i].details, &err);

        g_assert_null(stop);
        g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
        if (!strstr(err->message, cases[i].message)) {
            g_test_message("case %zu: '%s' does not contain '%s'",
                           i, err->message, cases[i].message);
            g_test_fail();
        }
    }
}


static void
testEnums(void)
{
    int i;

    for (i = 0; i < VIR_DOMAIN_DEBUG_STOP_LAST; i++)
        g_assert_cmpint(qemuDebugStopReasonTypeFromString(
                            qemuDebugStopReasonTypeToString(i)), ==, i);
    for (i = 0; i < QEMU_DEBUG_STEP_FLAG_LAST; i++)
        g_assert_cmpint(qemuDebugStepFlagTypeFromString(
                            qemuDebugStepFlagTypeToString(i)), ==, i);

    g_assert_cmpstr(qemuDebugStopReasonTypeToString(VIR_DOMAIN_DEBUG_STOP_WATCH_ACCESS),
                    ==, "watchpoint-access");
    g_assert_cmpstr(qemuDebugStepFlagTypeToString(QEMU_DEBUG_STEP_FLAG_NOTIMER),
                    ==, "notimer");
    g_assert_null(qemuDebugStopReasonTypeToString(VIR_DOMAIN_DEBUG_STOP_LAST));
    g_assert_null(qemuDebugStopReasonTypeToString(-1));
    g_assert_cmpint(qemuDebugStopReasonTypeFromString("bogus"), ==, -1);
    g_assert_cmpint(qemuDebugStepFlagTypeFromString("nonmi"), ==, -1);
}


/* ------------------------------------------------------------------ */
/* Checks                                                              */

static void
testCheckInsert(void)
{
    g_autoptr(qemuDebugCaps) tcg = testCaps(CAPS_TCG);
    g_autoptr(qemuDebugCaps) kvm = testCaps(CAPS_KVM_X86);
    virDomainDebugPoint current[] = {
        { .id = 1, .type = VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, .addr = 0x1000, .vcpu = -1 },
        { .id = 2, .type = VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE, .addr = 0x2000, .len = 4, .vcpu = -1 },
        { .id = 3, .type = VIR_DOMAIN_DEBUG_POINT_WATCH_READ, .addr = 0x3000, .len = 8, .vcpu = 0 },
        { .id = 4, .type = VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, .addr = 0x4000, .vcpu = -1 },
        { .id = 5, .type = VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, .addr = 0x5000, .vcpu = -1 },
    };
    virDomainDebugPointDef hw = {
        VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, 0xffffffff81000000ULL, 0, -1 };
    virDomainDebugPointDef sw = {
        VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, 0x6000, 0, -1 };
    struct {
        virDomainDebugPointDef point;
        int code;
        const char *message;
    } bad[] = {
        { { VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE, 0x104000, 3, -1 }, VIR_DEBUG_ERROR_INVALID,
          "write watchpoint at 0x104000 (len 3): len must be 1, 2, 4 or 8" },
        { { VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE, 0x104000, 16, -1 }, VIR_DEBUG_ERROR_INVALID,
          "len must be 1, 2, 4 or 8" },
        { { VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS, 0x104000, 0, -1 }, VIR_DEBUG_ERROR_INVALID,
          "len must be 1, 2, 4 or 8" },
        { { VIR_DOMAIN_DEBUG_POINT_WATCH_READ, 0x104002, 4, -1 }, VIR_DEBUG_ERROR_INVALID,
          "read watchpoint at 0x104002 (len 4): the address must be aligned to the "
          "length (0x104000 would be)" },
        { { VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, 0x1000, 4, -1 }, VIR_DEBUG_ERROR_INVALID,
          "software breakpoint at 0x1000: a breakpoint has no length (got 4)" },
        { { VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, 0x1000, 0, 2 }, VIR_DEBUG_ERROR_INVALID,
          "software breakpoint at 0x1000 is bound to vCPU 2 but the domain has "
          "2 vCPUs (0-1)" },
        { { VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, 0x1000, 0, -7 }, VIR_DEBUG_ERROR_INVALID,
          "is bound to vCPU -7 but" },
        { { VIR_DOMAIN_DEBUG_POINT_LAST, 0x1000, 0, -1 }, VIR_DEBUG_ERROR_INVALID,
          "unknown debug point type" },
    };
    g_autoptr(GError) err = NULL;
    qemuDebugCaps restricted;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_cmpint(qemuDebugCheckInsert(tcg, &bad[i].point, NULL, 0, 2, &err), ==, -1);
        g_assert_error(err, VIR_DEBUG_ERROR, bad[i].code);
        if (!strstr(err->message, bad[i].message)) {
            g_test_message("case %zu: '%s' does not contain '%s'",
                           i, err->message, bad[i].message);
            g_test_fail();
        }
        g_clear_error(&err);
    }

    /* vCPU count unknown: the binding is left to QEMU */
    g_assert_cmpint(qemuDebugCheckInsert(tcg, &bad[5].point, NULL, 0, 0, &err), ==, 0);
    g_assert_no_error(err);

    /* four hardware points in use: a fifth does not fit on KVM x86 ... */
    g_assert_cmpint(qemuDebugCheckInsert(kvm, &hw, current, G_N_ELEMENTS(current), 2,
                                         &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_NO_SLOTS);
    g_assert_cmpstr(err->message, ==,
                    "cannot insert hardware breakpoint at 0xffffffff81000000: "
                    "hardware debug slots exhausted, all 4 shared debug registers "
                    "of this KVM host are in use by 2 hardware breakpoints and "
                    "2 watchpoints; use a software breakpoint or remove a point first");
    g_clear_error(&err);

    /* ... but a software one does, and so does anything on TCG */
    g_assert_cmpint(qemuDebugCheckInsert(kvm, &sw, current, G_N_ELEMENTS(current), 2,
                                         &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpint(qemuDebugCheckInsert(tcg, &hw, current, G_N_ELEMENTS(current), 2,
                                         &err), ==, 0);
    g_assert_no_error(err);
    /* three in use: room for one */
    g_assert_cmpint(qemuDebugCheckInsert(kvm, &hw, current, 3, 2, &err), ==, 0);
    g_assert_no_error(err);

    /* a point type the host does not offer */
    restricted = *kvm;
    restricted.pointTypes = (1U << VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT) |
        (1U << VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT);
    g_assert_cmpint(qemuDebugCheckInsert(&restricted, &bad[3].point, NULL, 0, 2,
                                         &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED);
    g_assert_cmpstr(err->message, ==,
                    "read watchpoint at 0x104002 (len 4): this KVM host does not "
                    "support watchpoint-read points (it offers: sw-breakpoint, "
                    "hw-breakpoint)");
    g_clear_error(&err);

    /* debugging unsupported at all */
    restricted.supported = false;
    restricted.accelerator = (char *) "none";
    g_assert_cmpint(qemuDebugCheckInsert(&restricted, &sw, NULL, 0, 2, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED);
    g_assert_cmpstr(err->message, ==,
                    "guest debugging is not supported by this QEMU (accelerator "
                    "'none'); run the domain with a TCG or KVM accelerator");
}


static void
testCheckArm64Slots(void)
{
    g_autoptr(qemuDebugCaps) arm = qemuDebugCapsNew();
    g_autoptr(GError) err = NULL;
    virDomainDebugPoint current[4];
    virDomainDebugPointDef wp = { VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS, 0x8000, 8, -1 };
    virDomainDebugPointDef hw = { VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, 0x9000, 0, -1 };
    size_t i;

    arm->accelerator = g_strdup("kvm");
    arm->supported = true;
    arm->pointTypes = (1U << VIR_DOMAIN_DEBUG_POINT_LAST) - 1;
    arm->hwBreakpoints = 6;
    arm->hwWatchpoints = 4;

    memset(current, 0, sizeof(current));
    for (i = 0; i < G_N_ELEMENTS(current); i++) {
        current[i].id = i + 1;
        current[i].type = VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE;
        current[i].len = 4;
        current[i].vcpu = -1;
    }

    /* separate pools: watchpoints full, breakpoints free */
    g_assert_cmpint(qemuDebugCheckInsert(arm, &wp, current, 4, 1, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_NO_SLOTS);
    g_assert_cmpstr(err->message, ==,
                    "cannot insert access watchpoint at 0x8000 (len 8): hardware "
                    "debug slots exhausted, all 4 watchpoint registers of this KVM "
                    "host are in use by 4 watchpoints; remove a watchpoint first");
    g_clear_error(&err);
    g_assert_cmpint(qemuDebugCheckInsert(arm, &hw, current, 4, 1, &err), ==, 0);
    g_assert_no_error(err);
}


static void
testCheckStep(void)
{
    g_autoptr(qemuDebugCaps) tcg = testCaps(CAPS_TCG);
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDebugDef) def = virDomainDebugDefNew();
    qemuDebugCaps caps;
    bool noirq;
    bool notimer;

    g_assert_cmpint(qemuDebugCheckStep(tcg, 1, true, true, &err), ==, 0);
    g_assert_cmpint(qemuDebugCheckStep(tcg, QEMU_DEBUG_STEP_COUNT_MAX, false, false,
                                       &err), ==, 0);
    g_assert_no_error(err);

    g_assert_cmpint(qemuDebugCheckStep(tcg, 0, true, true, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_cmpint(qemuDebugCheckStep(tcg, QEMU_DEBUG_STEP_COUNT_MAX + 1, true, true,
                                       &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
    g_clear_error(&err);

    caps = *tcg;
    caps.stepFlags = 1U << QEMU_DEBUG_STEP_FLAG_NOTIMER;
    g_assert_cmpint(qemuDebugCheckStep(&caps, 1, true, true, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "mask-irq='no'"));
    g_clear_error(&err);
    g_assert_cmpint(qemuDebugCheckStep(&caps, 1, false, true, &err), ==, 0);
    g_assert_no_error(err);

    caps.singleStep = false;
    g_assert_cmpint(qemuDebugCheckStep(&caps, 1, false, false, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED);
    g_clear_error(&err);

    /* masks: the element's defaults, overridden by flags */
    def->stepMaskIrq = false;
    def->stepMaskTimers = true;
    g_assert_cmpint(qemuDebugStepResolveMasks(def, 0, &noirq, &notimer, &err), ==, 0);
    g_assert_false(noirq);
    g_assert_true(notimer);
    g_assert_cmpint(qemuDebugStepResolveMasks(def, VIR_DOMAIN_DEBUG_STEP_MASK_IRQ |
                                              VIR_DOMAIN_DEBUG_STEP_ALLOW_TIMERS,
                                              &noirq, &notimer, &err), ==, 0);
    g_assert_true(noirq);
    g_assert_false(notimer);
    g_assert_cmpint(qemuDebugStepResolveMasks(NULL, 0, &noirq, &notimer, &err), ==, 0);
    g_assert_true(noirq);
    g_assert_true(notimer);
    g_assert_cmpint(qemuDebugStepResolveMasks(def, VIR_DOMAIN_DEBUG_STEP_MASK_IRQ |
                                              VIR_DOMAIN_DEBUG_STEP_ALLOW_IRQ,
                                              &noirq, &notimer, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
}


static void
testCheckMemory(void)
{
    g_autoptr(qemuDebugCaps) tcg = testCaps(CAPS_TCG);
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(qemuDebugCheckMemoryAccess(tcg, 0x1000, 65536, &err), ==, 0);
    g_assert_cmpint(qemuDebugCheckMemoryAccess(tcg, G_MAXUINT64, 1, &err), ==, 0);
    g_assert_no_error(err);

    g_assert_cmpint(qemuDebugCheckMemoryAccess(tcg, 0x1000, 0, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugCheckMemoryAccess(tcg, 0x1000, 65537, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
    g_assert_cmpstr(err->message, ==,
                    "memory access of 65537 bytes at 0x1000 is larger than this "
                    "QEMU's 65536 bytes per call; split it");
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugCheckMemoryAccess(tcg, G_MAXUINT64 - 1, 4, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID);
}


/* An error is one line, even when json-glib quotes a token that spans
 * two (found by tests/fuzz/fuzz-qmp-event) */
static void
testErrorOneLine(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree qemuDebugStop *stop =
        qemuDebugParseStopEvent("{\"cpu-index\": 0, \":\n1, \"pod\"t-id\": 0}", &err);

    g_assert_null(stop);
    g_assert_nonnull(err);
    g_assert_null(strchr(err->message, '\n'));
}


/* A QMP error with an empty desc still fails with words (found by
 * tests/fuzz/fuzz-qmp-reply) */
static void
testErrorEmptyDesc(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(qemuDebugParseEmptyReply("{\"error\": {\"class\": \"GenericError\", "
                                             "\"desc\": \"\"}}", &err), <, 0);
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "without saying why"));
}



/* The debug channel's framing: ids on requests, replies told from
 * events. */
static void
testChannelMessages(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *line = NULL;
    g_autofree char *execute = NULL;
    g_autofree qemuDebugStop *data = NULL;
    g_autofree char *cmd = NULL;
    guint64 id = 0;

    line = qemuDebugChannelRequest("{\"execute\":\"debug-step\","
                                   "\"arguments\":{\"cpu-index\":0}}",
                                   7, &execute, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(execute, ==, "debug-step");
    g_assert_cmpstr(line, ==, "{\"execute\":\"debug-step\","
                    "\"arguments\":{\"cpu-index\":0},\"id\":7}");
    g_clear_pointer(&line, g_free);
    g_clear_pointer(&execute, g_free);

    /* a command about a kernel in the higher half goes on the channel
     * too: the builders write its address as a two's complement */
    {
        qemuDebugStepArgs args = {
            .vcpu = 0, .range = true, .rangeStart = 0xffffffff81000000ULL,
            .rangeEnd = 0xffffffff81000010ULL, .wait = true,
        };

        cmd = qemuDebugBuildStepArgs(&args);
    }
    line = qemuDebugChannelRequest(cmd, 8, &execute, &err);
    g_assert_no_error(err);
    g_assert_nonnull(line);
    g_assert_cmpstr(execute, ==, "debug-step");
    g_assert_nonnull(strstr(line, "\"range-start\":-2130706432"));
    g_assert_nonnull(strstr(line, "\"id\":8"));
    g_assert_true(qemuDebugChannelCarries("debug-step"));
    g_assert_true(qemuDebugChannelCarries("query-debug-points"));
    g_assert_false(qemuDebugChannelCarries("query-status"));
    g_assert_false(qemuDebugChannelCarries("getfd"));
    g_assert_null(qemuDebugChannelRequest("{\"arguments\":{}}", 1,
                                          &execute, &err));
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugChannelClassify("{\"return\":{},\"id\":42}",
                                             &id, &data, &err),
                    ==, QEMU_DEBUG_CHANNEL_REPLY);
    g_assert_no_error(err);
    g_assert_cmpuint(id, ==, 42);
    g_assert_null(data);

    g_assert_cmpint(qemuDebugChannelClassify(
        "{\"event\":\"DEBUG_STOP\",\"data\":{\"cpu-index\":0,"
        "\"reason\":\"step\",\"pc\":4096},\"timestamp\":{}}",
        &id, &data, &err), ==, QEMU_DEBUG_CHANNEL_EVENT);
    g_assert_no_error(err);
    g_assert_cmpint(data->vcpu, ==, 0);
    g_assert_cmpint(data->reason, ==, VIR_DOMAIN_DEBUG_STOP_STEP);
    g_assert_cmpuint(data->pc, ==, 4096);
    g_clear_pointer(&data, g_free);

    /* a kernel in the higher half: every address is >= 2^63, which
     * json-glib holds as a negative gint64 (issue: the event came out of
     * the channel as "pc":-2127891209 and was dropped) */
    g_assert_cmpint(qemuDebugChannelClassify(
        "{\"event\":\"DEBUG_STOP\",\"data\":{\"cpu-index\":1,"
        "\"reason\":\"watchpoint-write\",\"pc\":18446744071581660407,"
        "\"point-id\":3,\"watch-addr\":18446744073709551608,"
        "\"hit-addr\":18446744073709551615},\"timestamp\":{}}",
        &id, &data, &err), ==, QEMU_DEBUG_CHANNEL_EVENT);
    g_assert_no_error(err);
    g_assert_cmpint(data->vcpu, ==, 1);
    g_assert_cmphex(data->pc, ==, 0xffffffff812af4f7ULL);
    g_assert_cmpint(data->pointId, ==, 3);
    g_assert_cmphex(data->watchAddr, ==, 0xfffffffffffffff8ULL);
    g_assert_cmphex(data->hitAddr, ==, 0xffffffffffffffffULL);
    g_clear_pointer(&data, g_free);

    /* an event whose data this library cannot read is not an event */
    g_assert_cmpint(qemuDebugChannelClassify(
        "{\"event\":\"DEBUG_STOP\",\"data\":{\"cpu-index\":0,"
        "\"reason\":\"nap\",\"pc\":1}}", &id, &data, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_assert_null(data);
    g_clear_error(&err);

    g_assert_cmpint(qemuDebugChannelClassify(
        "{\"event\":\"RESUME\",\"data\":{}}", &id, &data, &err),
        ==, QEMU_DEBUG_CHANNEL_OTHER);
    g_assert_no_error(err);

    /* a reply without an id cannot be matched to a caller */
    g_assert_cmpint(qemuDebugChannelClassify("{\"return\":{}}", &id, &data,
                                             &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_clear_error(&err);
    g_assert_cmpint(qemuDebugChannelClassify(
        "{\"event\":\"DEBUG_STOP\"}", &id, &data, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_clear_error(&err);
    g_assert_cmpint(qemuDebugChannelClassify("[1]", &id, &data, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
}


/* A step that waited: its command, and its reply with the stop and the
 * registers */
static void
testStepWait(void)
{
    g_autoptr(GError) err = NULL;
    const char *const frame[] = { "rip", "rsp", NULL };
    g_autofree char *cmd = qemuDebugBuildStepWait(1, 1, true, false, NULL);
    g_autofree char *cmdFrame = qemuDebugBuildStepWait(0, 1, true, true, frame);
    virDomainDebugRegister *regs = NULL;
    size_t nregs = 0;
    qemuDebugStop stop;

    g_assert_cmpstr(cmd, ==, "{\"execute\":\"debug-step\",\"arguments\":"
                    "{\"cpu-index\":1,\"count\":1,\"noirq\":true,"
                    "\"notimer\":false,\"wait\":true,\"registers\":[]}}");
    g_assert_cmpstr(cmdFrame, ==, "{\"execute\":\"debug-step\",\"arguments\":"
                    "{\"cpu-index\":0,\"count\":1,\"noirq\":true,"
                    "\"notimer\":true,\"wait\":true,\"registers\":"
                    "[\"rip\",\"rsp\"]}}");

    g_assert_cmpint(qemuDebugParseRunReply(
        "{\"return\":{\"stop\":{\"cpu-index\":1,\"stopped\":true,"
        "\"reason\":\"step\",\"pc\":4096},\"registers\":[{\"name\":"
        "\"rip\",\"number\":16,\"size\":8,\"value\":\"0010000000000000\"}]},"
        "\"id\":3}", "debug-step", &stop, &regs, &nregs, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpint(stop.vcpu, ==, 1);
    g_assert_true(stop.stopped);
    g_assert_cmpint(stop.reason, ==, VIR_DOMAIN_DEBUG_STOP_STEP);
    g_assert_cmphex(stop.pc, ==, 4096);
    g_assert_cmpuint(nregs, ==, 1);
    g_assert_cmpstr(regs[0].name, ==, "rip");
    g_assert_cmpstr(regs[0].value, ==, "0010000000000000");
    qemuDebugRegistersFree(regs, nregs);

    /* a wait that ended without a debug stop is QEMU's error */
    g_assert_cmpint(qemuDebugParseRunReply(
        "{\"error\":{\"class\":\"GenericError\",\"desc\":\"the VM stopped "
        "(runstate 'paused') without a debug stop\"}}", "debug-step",
        &stop, &regs, &nregs, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_QMP);
    g_clear_error(&err);
    /* no stop, a malformed register: refused whole */
    g_assert_cmpint(qemuDebugParseRunReply("{\"return\":{}}", "debug-step",
                                           &stop, &regs, &nregs, &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_clear_error(&err);
    g_assert_cmpint(qemuDebugParseRunReply(
        "{\"return\":{\"stop\":{\"cpu-index\":0,\"stopped\":true},"
        "\"registers\":[{\"name\":\"rip\",\"number\":16,\"size\":8,"
        "\"value\":\"zz\"}]}}", "debug-step", &stop, &regs, &nregs, &err),
        ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_assert_null(regs);
}

/* Range and traced steps, conditions and tracepoints on debug-insert */
static void
testInQemuBuilders(void)
{
    const char *const regs[] = { "rax", NULL };
    char *collectRegs[] = { (char *) "rip", NULL };
    virDomainDebugMemRangeDef mem[] = { { 0x104000, 4 } };
    qemuDebugStepArgs range = {
        .vcpu = 0, .noirq = true, .notimer = true, .range = true,
        .rangeStart = 0x1000ca, .rangeEnd = 0x1000e8,
    };
    qemuDebugStepArgs trace = {
        .vcpu = 1, .count = 3, .noirq = true, .trace = true,
        .traceRegisters = regs,
    };
    virDomainDebugPointDef cond = {
        .type = VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT, .addr = 0x1000,
        .vcpu = -1, .condition = (char *) "$rax == 1",
        .conditionBytecode = (char *) "26000022011327", .ignoreCount = 2,
    };
    virDomainDebugPointDef tp = {
        .type = VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT, .addr = 0x2000,
        .vcpu = 0, .trace = true, .collectRegisters = collectRegs,
        .ncollectMemory = 1, .collectMemory = mem, .traceCapacity = 8,
        .notifyFull = true,
    };
    g_autofree char *r = qemuDebugBuildStepArgs(&range);
    g_autofree char *t = qemuDebugBuildStepArgs(&trace);
    g_autofree char *c = qemuDebugBuildInsert(&cond);
    g_autofree char *p = qemuDebugBuildInsert(&tp);
    g_autofree char *d = qemuDebugBuildTraceDrain(4, 0);
    g_autofree char *d2 = qemuDebugBuildTraceDrain(4, 10);
    g_autofree char *q = qemuDebugBuildQueryStepTrace(1);

    g_assert_cmpstr(r, ==, "{\"execute\":\"debug-step\",\"arguments\":"
                    "{\"cpu-index\":0,\"noirq\":true,\"notimer\":true,"
                    "\"range-start\":1048778,\"range-end\":1048808}}");
    g_assert_cmpstr(t, ==, "{\"execute\":\"debug-step\",\"arguments\":"
                    "{\"cpu-index\":1,\"count\":3,\"noirq\":true,"
                    "\"notimer\":false,\"trace\":true,"
                    "\"trace-registers\":[\"rax\"]}}");
    g_assert_cmpstr(c, ==, "{\"execute\":\"debug-insert\",\"arguments\":"
                    "{\"type\":\"sw-breakpoint\",\"addr\":4096,"
                    "\"condition\":\"26000022011327\",\"condition-text\":"
                    "\"$rax == 1\",\"ignore-count\":2}}");
    g_assert_cmpstr(p, ==, "{\"execute\":\"debug-insert\",\"arguments\":"
                    "{\"type\":\"hw-breakpoint\",\"addr\":8192,"
                    "\"cpu-index\":0,\"action\":\"trace\","
                    "\"collect-registers\":[\"rip\"],\"collect-memory\":"
                    "[{\"addr\":1064960,\"len\":4}],\"trace-capacity\":8,"
                    "\"notify-full\":true}}");
    g_assert_cmpstr(d, ==, "{\"execute\":\"debug-trace-drain\",\"arguments\":{\"id\":4}}");
    g_assert_cmpstr(d2, ==, "{\"execute\":\"debug-trace-drain\",\"arguments\":"
                    "{\"id\":4,\"max\":10}}");
    g_assert_cmpstr(q, ==, "{\"execute\":\"query-debug-step-trace\","
                    "\"arguments\":{\"cpu-index\":1}}");
}


static void
testTraceDrainReply(void)
{
    g_autoptr(GError) err = NULL;
    virDomainDebugTraceRecord *recs = NULL;
    unsigned long long dropped = 0;
    unsigned long long remaining = 0;
    size_t n = 0;
    size_t i;
    const char *bad[] = {
        /* 3 bytes where 4 were collected */
        "{\"return\":{\"records\":[{\"seq\":1,\"cpu-index\":0,\"pc\":1,"
        "\"timestamp\":5,\"memory\":[{\"addr\":1,\"len\":4,\"data\":\"AQID\"}]}],"
        "\"dropped\":0,\"remaining\":0}}",
        /* neither data nor error */
        "{\"return\":{\"records\":[{\"seq\":1,\"cpu-index\":0,\"pc\":1,"
        "\"timestamp\":5,\"memory\":[{\"addr\":1,\"len\":4}]}],"
        "\"dropped\":0,\"remaining\":0}}",
        /* no pc */
        "{\"return\":{\"records\":[{\"seq\":1,\"cpu-index\":0,"
        "\"timestamp\":5}],\"dropped\":0,\"remaining\":0}}",
        /* a malformed register */
        "{\"return\":{\"records\":[{\"seq\":1,\"cpu-index\":0,\"pc\":1,"
        "\"timestamp\":5,\"registers\":[{\"name\":\"rip\",\"number\":16,"
        "\"size\":8,\"value\":\"12\"}]}],\"dropped\":0,\"remaining\":0}}",
        /* no counts */
        "{\"return\":{\"records\":[]}}",
        "{\"return\":[]}",
    };

    g_assert_cmpint(qemuDebugParseTraceDrainReply(
        "{\"return\":{\"records\":[{\"seq\":7,\"cpu-index\":0,\"pc\":4096,"
        "\"timestamp\":123,\"registers\":[{\"name\":\"rip\",\"number\":16,"
        "\"size\":8,\"value\":\"0010000000000000\"}],\"memory\":["
        "{\"addr\":1064960,\"len\":4,\"data\":\"AQIDBA==\"},"
        "{\"addr\":1073741824,\"len\":2,\"error\":\"not mapped\"}]},"
        "{\"seq\":9,\"cpu-index\":1,\"pc\":4097,\"timestamp\":124}],"
        "\"dropped\":1,\"remaining\":5}}",
        &recs, &n, &dropped, &remaining, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpuint(dropped, ==, 1);
    g_assert_cmpuint(remaining, ==, 5);
    g_assert_cmpuint(recs[0].seq, ==, 7);
    g_assert_cmphex(recs[0].pc, ==, 4096);
    g_assert_cmpint(recs[0].timestamp, ==, 123);
    g_assert_cmpint(recs[0].nregs, ==, 1);
    g_assert_cmpstr(recs[0].regs[0].value, ==, "0010000000000000");
    g_assert_cmpint(recs[0].nmem, ==, 2);
    g_assert_cmpmem(recs[0].mem[0].data, 4, "\x01\x02\x03\x04", 4);
    g_assert_null(recs[0].mem[1].data);
    g_assert_cmpstr(recs[0].mem[1].error, ==, "not mapped");
    g_assert_cmpint(recs[1].vcpu, ==, 1);
    g_assert_cmpint(recs[1].nregs, ==, 0);
    g_assert_cmpint(recs[1].nmem, ==, 0);
    qemuDebugTraceRecordsFree(recs, n);

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) e = NULL;

        recs = NULL;
        g_assert_cmpint(qemuDebugParseTraceDrainReply(bad[i], &recs, &n,
                                                      &dropped, &remaining,
                                                      &e), ==, -1);
        g_assert_error(e, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
        g_assert_null(recs);
        g_test_message("case %zu: %s", i, e->message);
    }
}


static void
testStepTraceReply(void)
{
    g_autoptr(GError) err = NULL;
    virDomainDebugStepTraceEntry *e = NULL;
    size_t n = 0;

    g_assert_cmpint(qemuDebugParseStepTraceReply(
        "{\"return\":[{\"pc\":4096},{\"pc\":4101,\"registers\":[{\"name\":"
        "\"rax\",\"number\":0,\"size\":8,\"value\":\"0100000000000000\"}]}]}",
        &e, &n, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmphex(e[0].pc, ==, 4096);
    g_assert_cmpint(e[0].nregs, ==, 0);
    g_assert_cmphex(e[1].pc, ==, 4101);
    g_assert_cmpstr(e[1].regs[0].name, ==, "rax");
    qemuDebugStepTraceFree(e, n);

    g_assert_cmpint(qemuDebugParseStepTraceReply("{\"return\":{}}", &e, &n,
                                                 &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_clear_error(&err);
    g_assert_cmpint(qemuDebugParseStepTraceReply("{\"return\":[{}]}", &e, &n,
                                                 &err), ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_assert_null(e);
}


static void
testPointsExtrasReply(void)
{
    g_autoptr(GError) err = NULL;
    virDomainDebugPoint *points = NULL;
    size_t n = 0;

    g_assert_cmpint(qemuDebugParseQueryPointsReply(
        "{\"return\":[{\"id\":1,\"type\":\"sw-breakpoint\",\"addr\":1,"
        "\"len\":0,\"hits\":300,\"action\":\"stop\",\"condition\":\"220127\","
        "\"condition-text\":\"1\",\"ignore-count\":4,\"condition-errors\":2,"
        "\"last-condition-error\":\"'ref32' at offset 5: unmapped\"},"
        "{\"id\":2,\"type\":\"hw-breakpoint\",\"addr\":2,\"len\":0,"
        "\"hits\":9,\"action\":\"trace\",\"ignore-count\":0,"
        "\"condition-errors\":0,\"trace-records\":3,\"trace-dropped\":6,"
        "\"trace-capacity\":3}]}", &points, &n, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_cmpuint(n, ==, 2);
    g_assert_false(points[0].trace);
    g_assert_cmpstr(points[0].condition, ==, "220127");
    g_assert_cmpstr(points[0].conditionText, ==, "1");
    g_assert_cmpuint(points[0].ignoreCount, ==, 4);
    g_assert_cmpuint(points[0].conditionErrors, ==, 2);
    g_assert_nonnull(strstr(points[0].lastConditionError, "unmapped"));
    g_assert_true(points[1].trace);
    g_assert_null(points[1].condition);
    g_assert_cmpuint(points[1].traceRecords, ==, 3);
    g_assert_cmpuint(points[1].traceDropped, ==, 6);
    g_assert_cmpuint(points[1].traceCapacity, ==, 3);
    qemuDebugPointsFree(points, n);

    /* an action this library does not know */
    g_assert_cmpint(qemuDebugParseQueryPointsReply(
        "{\"return\":[{\"id\":1,\"type\":\"sw-breakpoint\",\"addr\":1,"
        "\"len\":0,\"hits\":0,\"action\":\"log\"}]}", &points, &n, &err),
        ==, -1);
    g_assert_error(err, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON);
    g_assert_null(points);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/qemu/debug/builders", testBuilders);
    g_test_add_func("/qemu/debug/builders-in-qemu", testInQemuBuilders);
    g_test_add_func("/qemu/debug/reply/trace-drain", testTraceDrainReply);
    g_test_add_func("/qemu/debug/reply/step-trace", testStepTraceReply);
    g_test_add_func("/qemu/debug/reply/points-extras", testPointsExtrasReply);
    g_test_add_func("/qemu/debug/error-one-line", testErrorOneLine);
    g_test_add_func("/qemu/debug/error-empty-desc", testErrorEmptyDesc);
    g_test_add_func("/qemu/debug/reply/query-commands", testQueryCommands);
    g_test_add_func("/qemu/debug/reply/caps", testCapsReply);
    g_test_add_func("/qemu/debug/reply/caps-malformed", testCapsReplyMalformed);
    g_test_add_func("/qemu/debug/reply/query-status", testQueryStatusReply);
    g_test_add_func("/qemu/debug/reply/insert", testInsertReply);
    g_test_add_func("/qemu/debug/reply/empty", testEmptyReply);
    g_test_add_func("/qemu/debug/reply/points", testPointsReply);
    g_test_add_func("/qemu/debug/reply/points-malformed", testPointsReplyMalformed);
    g_test_add_func("/qemu/debug/reply/stop", testStopReply);
    g_test_add_func("/qemu/debug/reply/registers", testRegistersReply);
    g_test_add_func("/qemu/debug/reply/gdb-xml", testGdbXmlReply);
    g_test_add_func("/qemu/debug/reply/memory", testMemoryReply);
    g_test_add_func("/qemu/debug/reply/truncated", testTruncated);
    g_test_add_func("/qemu/debug/reply/numbers-in-strings", testNumbersInStrings);
    g_test_add_func("/qemu/debug/reply/mutations", testMutations);
    g_test_add_func("/qemu/debug/event/stop", testStopEvent);
    g_test_add_func("/qemu/debug/event/stop-malformed", testStopEventMalformed);
    g_test_add_func("/qemu/debug/enums", testEnums);
    g_test_add_func("/qemu/debug/check/insert", testCheckInsert);
    g_test_add_func("/qemu/debug/check/arm64-slots", testCheckArm64Slots);
    g_test_add_func("/qemu/debug/check/step", testCheckStep);
    g_test_add_func("/qemu/debug/check/memory", testCheckMemory);
    g_test_add_func("/qemu/debug/channel/messages", testChannelMessages);
    g_test_add_func("/qemu/debug/channel/step-wait", testStepWait);

    return g_test_run();
}
