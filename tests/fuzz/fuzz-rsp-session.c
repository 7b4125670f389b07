/*
 * fuzz-rsp-session.c: libFuzzer harness of the GDB bridge's session
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is what GDB sends; it goes through the packet parser into a
 * session (src/gdb/gdb_session.c and its handlers) over the in-memory
 * target the protocol unit tests use (tests/gdb/gdb_fake_target.c: two
 * vCPUs, 4 KiB of memory, registers, points, stops posted at once).  No
 * libvirt connection is involved: the session only ever calls the
 * target's ops table.  Invariants, on top of "no crash, no leak, no UB":
 *   - every reply frames into a packet our own parser reads back;
 *   - GDB never waits for nothing: after a resume, or an interrupt of a
 *     running target, a stop reply comes (the target posts its stops at
 *     once, so the session must not be left running without one);
 *   - the end of input detaches: the target has no point left and runs.
 */

#include "gdb/gdb_packet.h"
#include "gdb/gdb_session.h"
#include "gdb_fake_target.h"
#include "fuzz-common.h"


static void
fuzzCheckReply(const GString *reply)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(G_MAXSIZE / 2);
    g_autoptr(GString) framed = g_string_new(NULL);
    gdbRspEventType ev = GDB_RSP_EVENT_NONE;
    const char *got;
    size_t len;
    size_t i;

    gdbRspFramePacket(framed, reply->str, reply->len);
    for (i = 0; i < framed->len; i++)
        ev = gdbRspParserFeed(parser, framed->str[i]);
    FUZZ_CHECK(ev == GDB_RSP_EVENT_PACKET,
               "reply '%s' does not frame into a packet (event %d)",
               reply->str, ev);
    got = gdbRspParserPacket(parser, &len);
    FUZZ_CHECK(len == reply->len && memcmp(got, reply->str, len) == 0,
               "reply '%s' is not read back as sent", reply->str);
}


/* The loop's part after a resume or an interrupt: the stop reply */
static void
fuzzTakeStop(gdbRspSession *session)
{
    g_autoptr(GString) reply = g_string_new(NULL);

    if (gdbRspSessionTakeStop(session, reply))
        fuzzCheckReply(reply);
    FUZZ_CHECK(!gdbRspSessionIsRunning(session),
               "the session waits for a stop the target will never post");
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(GDB_RSP_MAX_PACKET);
    fakeTarget *fake = fakeTargetNew();
    gdbRspSession *session = gdbRspSessionNew(&fakeTargetOps, fake, 0);
    bool closed = false;
    size_t i;
    int t;

    fake->session = session;
    /* a continue stops at once at a breakpoint, as a busy guest would */
    fake->stopOnCont = size > 0 && data[0] & 1;
    fake->contStop = (virDomainDebugStopInfo) {
        .vcpu = 1, .stopped = 1, .reason = VIR_DOMAIN_DEBUG_STOP_SW_BREAKPOINT,
        .pc = 0x1000, .pointId = 1,
    };
    FUZZ_CHECK(gdbRspSessionStart(session, 1000) == 0, "no session start");

    for (i = 0; i < size && !closed; i++) {
        g_autoptr(GString) reply = g_string_new(NULL);
        const char *packet;
        size_t len;

        switch (gdbRspParserFeed(parser, data[i])) {
        case GDB_RSP_EVENT_INTERRUPT:
            gdbRspSessionInterrupt(session);
            fuzzTakeStop(session);
            break;
        case GDB_RSP_EVENT_PACKET:
            packet = gdbRspParserPacket(parser, &len);
            switch (gdbRspSessionHandlePacket(session, packet, len, reply)) {
            case GDB_RSP_ACTION_REPLY:
                fuzzCheckReply(reply);
                break;
            case GDB_RSP_ACTION_REPLY_CLOSE:
                fuzzCheckReply(reply);
                closed = true;
                break;
            case GDB_RSP_ACTION_CLOSE:
                closed = true;
                break;
            case GDB_RSP_ACTION_RESUMED:
                if (!fake->stopOnCont && fake->running)
                    break;      /* running until GDB interrupts */
                fuzzTakeStop(session);
                break;
            case GDB_RSP_ACTION_NONE:
                break;
            }
            break;
        default:
            break;
        }
    }

    /* end of input: GDB went away */
    FUZZ_CHECK(gdbRspSessionDetach(session) == 0, "detach failed");
    for (t = 0; t < VIR_DOMAIN_DEBUG_POINT_LAST; t++)
        FUZZ_CHECK(fakeTargetCountPoints(fake, t) == 0,
                   "%d points of type %d left after detach",
                   fakeTargetCountPoints(fake, t), t);
    FUZZ_CHECK(fake->running, "the target is left stopped after detach");

    fake->session = NULL;
    gdbRspSessionFree(session);
    fakeTargetFree(fake);
    return 0;
}
