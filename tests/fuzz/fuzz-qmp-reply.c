/*
 * fuzz-qmp-reply.c: libFuzzer harness of the QMP reply parsers (src/qemu)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is the text of a QMP reply, as libvirt hands it back from
 * virDomainQemuMonitorCommand.  Every reply parser gets it, since QEMU
 * (or a man in the middle of the monitor) may answer any command with
 * anything.  Invariants, on top of "no crash, no leak, no UB":
 *   - each parser either succeeds with no error set, or fails with one
 *     error of ours and leaves its outputs empty;
 *   - what it returns holds to the protocol: point ids > 0 and types in
 *     range, register values of exactly size * 2 hex digits, stop
 *     reasons in range, memory of exactly the size asked for.
 */

#include "config.h"

#include "qemu/qemu_debug.h"
#include "fuzz-common.h"

#define FUZZ_CHECK_RESULT(rc, err) \
    do { \
        if ((rc) < 0) \
            FUZZ_CHECK_ERROR(err); \
        else \
            FUZZ_CHECK((err) == NULL, "success with an error set: %s", \
                       (err)->message); \
    } while (0)


static void
fuzzSimpleReplies(const char *reply)
{
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autoptr(GError) e3 = NULL;
    g_autoptr(GError) e4 = NULL;
    g_autoptr(GError) e5 = NULL;
    g_autoptr(qemuDebugCaps) caps = NULL;
    g_autofree char *status = NULL;
    g_autofree char *xml = NULL;
    bool hasDebugAPI = false;
    int rc;

    FUZZ_CHECK_RESULT(qemuDebugParseEmptyReply(reply, &e1), e1);
    FUZZ_CHECK_RESULT(qemuDebugParseQueryCommandsReply(reply, &hasDebugAPI, NULL,
                                                       &e2), e2);

    caps = qemuDebugParseCapsReply(reply, &e3);
    FUZZ_CHECK_RESULT(caps ? 0 : -1, e3);
    if (caps) {
        g_autofree virDomainDebugCaps *pub = qemuDebugCapsToPublic(caps);

        FUZZ_CHECK(caps->pointTypes < (1u << VIR_DOMAIN_DEBUG_POINT_LAST),
                   "point type bits 0x%x", caps->pointTypes);
        FUZZ_CHECK(caps->hwBreakpoints >= -1 && caps->hwWatchpoints >= -1,
                   "slot counts %d %d", caps->hwBreakpoints,
                   caps->hwWatchpoints);
        g_free(pub->accelerator);
    }

    status = qemuDebugParseQueryStatusReply(reply, &e4);
    FUZZ_CHECK_RESULT(status ? 0 : -1, e4);

    rc = qemuDebugParseInsertReply(reply, &e5);
    FUZZ_CHECK_RESULT(rc, e5);
    FUZZ_CHECK(rc == -1 || rc > 0, "insert returned id %d", rc);

    {
        g_autoptr(GError) e6 = NULL;

        xml = qemuDebugParseGdbXmlReply(reply, &e6);
        FUZZ_CHECK_RESULT(xml ? 0 : -1, e6);
    }
}


static void
fuzzListReplies(const char *reply)
{
    virDomainDebugPoint *points = NULL;
    qemuDebugStop *stops = NULL;
    virDomainDebugRegister *regs = NULL;
    size_t npoints = 0, nstops = 0, nregs = 0, i;
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autoptr(GError) e3 = NULL;
    int rc;

    rc = qemuDebugParseQueryPointsReply(reply, &points, &npoints, &e1);
    FUZZ_CHECK_RESULT(rc, e1);
    FUZZ_CHECK(rc == 0 || (!points && !npoints), "points left on failure");
    for (i = 0; i < npoints; i++) {
        FUZZ_CHECK(points[i].id > 0, "point id %d", points[i].id);
        FUZZ_CHECK(points[i].type < VIR_DOMAIN_DEBUG_POINT_LAST,
                   "point type %d", points[i].type);
        FUZZ_CHECK(points[i].vcpu >= -1, "point vcpu %d", points[i].vcpu);
    }
    g_free(points);

    rc = qemuDebugParseQueryStopReply(reply, &stops, &nstops, &e2);
    FUZZ_CHECK_RESULT(rc, e2);
    FUZZ_CHECK(rc == 0 || (!stops && !nstops), "stops left on failure");
    for (i = 0; i < nstops; i++) {
        FUZZ_CHECK(stops[i].vcpu >= 0, "stop vcpu %d", stops[i].vcpu);
        FUZZ_CHECK(!stops[i].hasReason ||
                   stops[i].reason < VIR_DOMAIN_DEBUG_STOP_LAST,
                   "stop reason %d", stops[i].reason);
    }
    g_free(stops);

    rc = qemuDebugParseReadRegistersReply(reply, &regs, &nregs, &e3);
    FUZZ_CHECK_RESULT(rc, e3);
    FUZZ_CHECK(rc == 0 || (!regs && !nregs), "registers left on failure");
    for (i = 0; i < nregs; i++) {
        size_t j;

        FUZZ_CHECK(regs[i].name && *regs[i].name, "register without a name");
        FUZZ_CHECK(regs[i].size > 0 &&
                   strlen(regs[i].value) == (size_t) regs[i].size * 2,
                   "register %s: size %d, value '%s'", regs[i].name,
                   regs[i].size, regs[i].value);
        for (j = 0; regs[i].value[j]; j++)
            FUZZ_CHECK(g_ascii_isxdigit(regs[i].value[j]),
                       "register %s: value '%s' is not hex",
                       regs[i].name, regs[i].value);
    }
    qemuDebugRegistersFree(regs, nregs);
}


static void
fuzzMemoryReply(const char *reply, size_t expected)
{
    g_autofree unsigned char *data = NULL;
    g_autoptr(GError) err = NULL;
    size_t size = 1;
    int rc;

    rc = qemuDebugParseReadMemoryReply(reply, expected, &data, &size, &err);
    FUZZ_CHECK_RESULT(rc, err);
    if (rc < 0) {
        FUZZ_CHECK(!data && size == 0, "memory left on failure");
        return;
    }
    FUZZ_CHECK(expected == 0 || size == expected,
               "%zu bytes asked, %zu returned", expected, size);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *reply = fuzzInputString(data, size);

    fuzzSimpleReplies(reply);
    fuzzListReplies(reply);
    fuzzMemoryReply(reply, 0);
    fuzzMemoryReply(reply, 4);
    return 0;
}
