/*
 * test-gdb-session.c: the GDB bridge's command handlers and I/O loop,
 * driven through a socket against an in-memory target
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * These are protocol unit tests: malformed, oversized and hostile input
 * included.  GDB itself against the real stack is the e2e suite's job.
 */

#include "gdb_fake_target.h"
#include "testutils-guest.h"
#include "gdb/gdb_loop.h"
#include "gdb/gdb_packet.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    int rc;
    GPtrArray *replies;     /* payloads */
    int acks;
    int nacks;
    GString *raw;           /* everything the bridge wrote */
} runResult;

static void
runResultClear(runResult *r)
{
    g_ptr_array_unref(r->replies);
    g_string_free(r->raw, TRUE);
}

/* Append a framed packet to a script */
static void
pkt(GString *script, const char *payload)
{
    gdbRspFramePacket(script, payload, strlen(payload));
}

static void
pktLen(GString *script, const char *payload, size_t len)
{
    gdbRspFramePacket(script, payload, len);
}

static void
runScript(fakeTarget *fake, const GString *script, runResult *r)
{
    g_autoptr(gdbRspSession) session = NULL;
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(1 << 20);
    g_autofree char *outpath = NULL;
    int sv[2];
    int outfd;
    char buf[4096];
    ssize_t n;
    size_t off = 0;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    /* the whole script is written up front, then EOF */
    while (off < script->len) {
        n = write(sv[1], script->str + off, script->len - off);
        g_assert_cmpint(n, >, 0);
        off += n;
    }
    shutdown(sv[1], SHUT_WR);

    outfd = g_file_open_tmp("gdb-session-XXXXXX", &outpath, NULL);
    g_assert_cmpint(outfd, >=, 0);
    unlink(outpath);

    session = gdbRspSessionNew(&fakeTargetOps, fake, 0);
    fake->session = session;
    if (fake->execFile)
        gdbRspSessionSetExecFile(session, fake->execFile);
    g_assert_cmpint(gdbRspSessionStart(session, 1000), ==, 0);
    r->rc = gdbRspServeLoop(session, sv[0], outfd);
    fake->session = NULL;

    r->replies = g_ptr_array_new_with_free_func(g_free);
    r->raw = g_string_new(NULL);
    r->acks = r->nacks = 0;
    lseek(outfd, 0, SEEK_SET);
    while ((n = read(outfd, buf, sizeof(buf))) > 0)
        g_string_append_len(r->raw, buf, n);
    for (off = 0; off < r->raw->len; off++) {
        size_t plen;
        const char *p;

        switch (gdbRspParserFeed(parser, r->raw->str[off])) {
        case GDB_RSP_EVENT_PACKET:
            p = gdbRspParserPacket(parser, &plen);
            g_ptr_array_add(r->replies, g_strndup(p, plen));
            break;
        case GDB_RSP_EVENT_ACK:
            r->acks++;
            break;
        case GDB_RSP_EVENT_NACK:
            r->nacks++;
            break;
        case GDB_RSP_EVENT_NONE:
            break;
        default:
            g_assert_not_reached();     /* the bridge never sends junk */
        }
    }
    close(outfd);
    close(sv[0]);
    close(sv[1]);
}

static void
assertReplies(runResult *r, const char *const *expected)
{
    guint i;

    for (i = 0; expected[i]; i++) {
        if (i >= r->replies->len)
            g_error("reply %u missing, expected '%s'; got: %s",
                    i, expected[i], r->raw->str);
        if (!g_str_equal(r->replies->pdata[i], expected[i]))
            g_error("reply %u: '%s', expected '%s'; all: %s", i,
                    (char *)r->replies->pdata[i], expected[i], r->raw->str);
    }
    if (i != r->replies->len)
        g_error("%u replies, expected %u; got: %s",
                r->replies->len, i, r->raw->str);
}

#define QSUPPORTED \
    "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;" \
    "vContSupported+;QStartNoAckMode+"

#define RUN(fake, script, ...) \
    do { \
        const char *const exp_[] = { __VA_ARGS__, NULL }; \
        runScript(fake, script, &res); \
        assertReplies(&res, exp_); \
    } while (0)


static void
testHandshake(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    g_string_append_c(s, '+');
    pkt(s, "qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
    pkt(s, "vMustReplyEmpty");
    pkt(s, "QStartNoAckMode");
    g_string_append_c(s, '+');
    pkt(s, "?");
    pkt(s, "qAttached");
    pkt(s, "qOffsets");
    pkt(s, "qTStatus");
    RUN(fake, s,
        QSUPPORTED, "", "OK", "T05thread:01;", "1", "", "");
    /* acks for the three packets before no-ack mode, none after */
    g_assert_cmpint(res.acks, ==, 3);
    g_assert_cmpint(res.rc, ==, 0);
    /* EOF: detached, guest running */
    g_assert_cmpint(fake->detaches, ==, 1);
    g_assert_true(fake->running);
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testTargetXml(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    g_autofree char *full = fakeTargetOps.getTargetXML(fake, "target.xml");
    g_autoptr(GString) got = g_string_new(NULL);
    runResult res;
    guint i;

    pkt(s, "qXfer:features:read:target.xml:0,10");
    pkt(s, "qXfer:features:read:target.xml:10,1000");
    pkt(s, "qXfer:features:read:target.xml:5000,10");
    pkt(s, "qXfer:features:read:core.xml:0,ffff");
    pkt(s, "qXfer:features:read:../etc/passwd:0,10");
    pkt(s, "qXfer:features:read:nope.xml:0,10");
    pkt(s, "qXfer:features:read:target.xml:0");
    pkt(s, "qXfer:features:read:target.xml:ffffffffffffffffff,1");
    runScript(fake, s, &res);
    g_assert_cmpuint(res.replies->len, ==, 8);

    /* reassemble the first two chunks, unescaping */
    for (i = 0; i < 2; i++) {
        const char *r = res.replies->pdata[i];
        guint8 buf[2048];
        gssize n;

        g_assert_cmpint(r[0], ==, i == 0 ? 'm' : 'l');
        n = gdbRspUnescapeBinary(r + 1, strlen(r + 1), buf, sizeof(buf));
        g_assert_cmpint(n, >=, 0);
        g_string_append_len(got, (char *)buf, n);
    }
    g_assert_cmpstr(got->str, ==, full);
    /* the '$#*}' in the description went out escaped */
    g_assert_nonnull(strstr(res.replies->pdata[1], "}\x04}\x03}\x0a}]"));
    g_assert_cmpstr(res.replies->pdata[2], ==, "l");
    g_assert_cmpstr(res.replies->pdata[3], ==,
                    "l<feature name=\"org.gnu.gdb.i386.core\"/>");
    g_assert_cmpstr(res.replies->pdata[4], ==, "E16");
    g_assert_cmpstr(res.replies->pdata[5], ==, "E01");
    g_assert_cmpstr(res.replies->pdata[6], ==, "E16");
    g_assert_cmpstr(res.replies->pdata[7], ==, "E16");
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testThreads(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    pkt(s, "qfThreadInfo");
    pkt(s, "qsThreadInfo");
    pkt(s, "qC");
    pkt(s, "Hg2");
    pkt(s, "qC");
    pkt(s, "p0");
    pkt(s, "Hg0");
    pkt(s, "Hg-1");
    pkt(s, "qC");
    pkt(s, "Hg3");
    pkt(s, "Hc-1");
    pkt(s, "Hx1");
    pkt(s, "T1");
    pkt(s, "T3");
    pkt(s, "Tzz");
    pkt(s, "qThreadExtraInfo,2");
    RUN(fake, s,
        "m01,02", "l", "QC01", "OK", "QC02", "1111111111111111",
        "OK", "OK", "QC02", "E16", "OK", "E16", "OK", "E16", "E16",
        "764350552031" /* "vCPU 1" */);
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testRegisters(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(GString) g = g_string_new(NULL);
    g_autoptr(GString) gw = g_string_new("G");
    g_autofree char *fsBase = g_strdup(fake->regs[0][4]);
    g_autofree char *rcx = g_strdup(fake->regs[0][2]);
    runResult res;
    int i;

    /* registers 0-3 in order; 40 behind the gap stays out of 'g' */
    for (i = 0; i < 4; i++)
        g_string_append(g, fake->regs[0][i]);
    g_string_append(gw, g->str);
    /* change rbx only */
    memcpy(gw->str + 1 + 16, "deadbeefdeadbeef", 16);

    pkt(s, "g");
    pkt(s, "p28");
    pkt(s, "p2");
    pkt(s, "p63");
    pkt(s, "pzz");
    pkt(s, gw->str);
    pkt(s, "p1");
    pkt(s, "P2=1122334455667788");
    pkt(s, "p2");
    pkt(s, "P2=11");
    pkt(s, "P2=zz22334455667788");
    pkt(s, "P63=00");
    pkt(s, "Gabcd");
    pkt(s, "G");                        /* nothing to write */
    RUN(fake, s,
        g->str, fsBase, rcx, "xx", "E16",
        "OK", "deadbeefdeadbeef", "OK", "1122334455667788",
        "E16", "E16", "E0e", "E16", "OK");
    /* the G wrote one register, P one: unchanged ones cost nothing */
    g_assert_cmpint(fake->setRegisterCalls, ==, 2);
    g_assert_cmpstr(fake->regs[0][1], ==, "deadbeefdeadbeef");
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testMemory(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(GString) x = g_string_new("X1010,4:");
    const guint8 bin[] = { '}', '$', '#', '*' };
    guint8 expect[4];
    runResult res;

    pkt(s, "m1000,4");
    pkt(s, "m0,4");
    pkt(s, "m1000,ffffffffffffffff");
    pkt(s, "mffffffffffffffff,2");
    pkt(s, "m1000,2001");
    pkt(s, "m1000,0");
    pkt(s, "m1000");
    pkt(s, "m,4");
    pkt(s, "M1008,2:abcd");
    pkt(s, "m1008,2");
    pkt(s, "M1008,2:zzzz");
    pkt(s, "M1008,2:abcdef");
    pkt(s, "M0,1:00");
    gdbRspEscapeBinary(x, bin, 4);
    pktLen(s, x->str, x->len);
    pkt(s, "m1010,4");
    /* truncated: 4 bytes announced, 2 sent; then an escape cut short */
    pkt(s, "X1020,4:ab");
    pkt(s, "X1020,2:a}");
    pkt(s, "X1020,0:");
    pkt(s, "X1020,ffffffff:ab");
    pkt(s, "m1020,2");
    RUN(fake, s,
        "00010203", "E0e", "E16", "E16", "E16", "", "E16", "E16",
        "OK", "abcd", "E16", "E16", "E0e", "OK", "7d24232a",
        "E16", "E16", "OK", "E16", "2021");
    memcpy(expect, bin, 4);
    g_assert_cmpmem(fake->mem + 0x10, 4, expect, 4);
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testPoints(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    pkt(s, "Z0,1000,1");
    pkt(s, "Z0,1000,1");                /* idempotent */
    pkt(s, "Z1,2000,1");
    pkt(s, "Z1,2001,1");
    pkt(s, "Z1,2002,1");                /* third: no slot */
    pkt(s, "Z2,1003,4");                /* split 1003/1 1004/2 1006/1 */
    pkt(s, "Z3,1010,8");
    pkt(s, "Z4,1021,4");                /* needs 3, 0 left: none kept */
    pkt(s, "z3,1010,8");
    pkt(s, "Z4,1020,4");
    pkt(s, "Z2,1000,0");
    pkt(s, "Z2,1000,100");
    pkt(s, "Z9,1000,1");
    pkt(s, "Z0,zz,1");
    pkt(s, "Z0,1000");
    pkt(s, "Z0,3000,1;X1,27");          /* no conditions on this target */
    pkt(s, "z0,1000,1");
    pkt(s, "z0,1000,1");                /* already gone: still OK */
    RUN(fake, s,
        "OK", "OK", "OK", "OK", "E1c", "OK", "OK", "E1c", "OK", "OK",
        "E16", "E16", "E16", "E16", "E16", "E16", "OK", "OK");
    /* detach at EOF removed the rest */
    g_assert_cmpuint(fake->points->len, ==, 0);
    g_assert_cmpint(fake->detaches, ==, 1);
    runResultClear(&res);

    /* before the detach: check the split and the counts */
    g_string_truncate(s, 0);
    pkt(s, "Z0,1000,1");
    pkt(s, "Z0,1000,1");
    pkt(s, "Z2,1003,4");
    pkt(s, "Z4,1021,4");
    pkt(s, "D");
    fake->watchLimit = 4;
    fake->detaches = 0;
    runScript(fake, s, &res);
    g_assert_cmpuint(res.replies->len, ==, 5);
    g_assert_cmpstr(res.replies->pdata[3], ==, "E1c");
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testPointSplit(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(gdbRspSession) session = gdbRspSessionNew(&fakeTargetOps, fake, 0);
    g_autoptr(GString) reply = g_string_new(NULL);
    fakePoint *p;

    fake->session = session;
    g_assert_cmpint(gdbRspSessionStart(session, 1000), ==, 0);
    gdbRspSessionHandlePacket(session, "Z2,1003,4", 9, reply);
    g_assert_cmpstr(reply->str, ==, "OK");
    g_assert_cmpuint(fake->points->len, ==, 3);
    p = &g_array_index(fake->points, fakePoint, 0);
    g_assert_cmpuint(p[0].addr, ==, 0x1003);
    g_assert_cmpuint(p[0].len, ==, 1);
    g_assert_cmpuint(p[1].addr, ==, 0x1004);
    g_assert_cmpuint(p[1].len, ==, 2);
    g_assert_cmpuint(p[2].addr, ==, 0x1006);
    g_assert_cmpuint(p[2].len, ==, 1);

    /* one block left: the 3-block insert fails and leaves nothing */
    gdbRspSessionHandlePacket(session, "Z4,1021,4", 9, reply);
    g_assert_cmpstr(reply->str, ==, "E1c");
    g_assert_cmpuint(fake->points->len, ==, 3);

    gdbRspSessionHandlePacket(session, "z2,1003,4", 9, reply);
    g_assert_cmpstr(reply->str, ==, "OK");
    g_assert_cmpuint(fake->points->len, ==, 0);

    gdbRspSessionHandlePacket(session, "Z0,1000,1", 9, reply);
    gdbRspSessionHandlePacket(session, "Z0,1000,1", 9, reply);
    g_assert_cmpuint(fakeTargetCountPoints(fake, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT), ==, 1);
    g_assert_cmpuint(g_array_index(fake->points, fakePoint, 0).len, ==, 0);
    g_assert_cmpint(gdbRspSessionDetach(session), ==, 0);
    g_assert_cmpuint(fake->points->len, ==, 0);
    fake->session = NULL;
    g_clear_pointer(&session, gdbRspSessionFree);
    fakeTargetFree(fake);
}

static void
testStops(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    /* GDB says it understands swbreak/hwbreak */
    pkt(s, "qSupported:swbreak+;hwbreak+");
    pkt(s, "c");
    pkt(s, "qC");
    fake->stopOnCont = true;
    fake->contStop = (virDomainDebugStopInfo) {
        .vcpu = 1, .stopped = 1,
        .reason = VIR_DOMAIN_DEBUG_STOP_SW_BREAKPOINT, .pointId = 1,
    };
    RUN(fake, s, QSUPPORTED, "T05thread:02;swbreak:;", "QC02");
    runResultClear(&res);

    /* without swbreak+ from GDB the field is left out */
    g_string_truncate(s, 0);
    pkt(s, "c");
    RUN(fake, s, "T05thread:02;");
    runResultClear(&res);

    fake->contStop.reason = VIR_DOMAIN_DEBUG_STOP_HW_BREAKPOINT;
    fake->contStop.vcpu = 0;
    g_string_truncate(s, 0);
    pkt(s, "qSupported:swbreak+;hwbreak+");
    pkt(s, "vCont;c");
    RUN(fake, s, QSUPPORTED, "T05thread:01;hwbreak:;");
    runResultClear(&res);

    fake->contStop.reason = VIR_DOMAIN_DEBUG_STOP_WATCH_WRITE;
    fake->contStop.hasWatch = 1;
    fake->contStop.watchAddr = 0x1004;
    fake->contStop.hitAddr = 0x1005;
    g_string_truncate(s, 0);
    pkt(s, "C05");
    fake->contStop.pointId = 99;
    RUN(fake, s, "T05thread:01;watch:1005;");
    runResultClear(&res);

    fake->contStop.reason = VIR_DOMAIN_DEBUG_STOP_WATCH_READ;
    g_string_truncate(s, 0);
    pkt(s, "c");
    RUN(fake, s, "T05thread:01;rwatch:1005;");
    runResultClear(&res);

    /* the hit address is outside the watched range: report the range */
    fake->contStop.reason = VIR_DOMAIN_DEBUG_STOP_WATCH_ACCESS;
    fake->contStop.hitAddr = 0x1000;
    fake->nextId = 0;
    g_string_truncate(s, 0);
    pkt(s, "Z4,1004,4");
    pkt(s, "c");
    fake->contStop.pointId = 1;
    RUN(fake, s, "OK", "T05thread:01;awatch:1004;");
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testStep(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    pkt(s, "vCont?");
    pkt(s, "s");
    pkt(s, "vCont;s:2;c");
    pkt(s, "qC");
    pkt(s, "vCont;s:1");
    pkt(s, "Hc2");
    pkt(s, "s");
    pkt(s, "vCont;S05:1");
    pkt(s, "vCont;x");
    pkt(s, "vCont;s:5");
    pkt(s, "vCont");
    pkt(s, "vCont;");
    pkt(s, "vCont;c:zz");
    RUN(fake, s,
        "vCont;c;C;s;S", "T05thread:01;", "T05thread:02;", "QC02",
        "T05thread:01;", "OK", "T05thread:02;", "T05thread:01;",
        "E16", "E16", "E16", "E16", "E16");
    runResultClear(&res);
    fakeTargetFree(fake);
}

/* A target that evaluates conditions and steps ranges: GDB is told so,
 * Z0 conditions reach it (one point per condition, replaced when GDB
 * sends others), and vCont;r becomes a range step. */
static void
testConditionsAndRanges(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    fake->features = GDB_RSP_TARGET_CONDITIONS | GDB_RSP_TARGET_RANGE_STEP;
    pkt(s, "vCont?");
    pkt(s, "Z0,3000,1;X3,220527");
    pkt(s, "Z0,3000,1;X3,220527");      /* the same: idempotent */
    pkt(s, "Z0,4000,1;X3,220527");
    pkt(s, "Z0,4000,1;X3,220627");      /* "condition 1 ...": replaced */
    pkt(s, "Z0,5000,1;X2,2201;X2,2200"); /* two breakpoints, one place */
    pkt(s, "Z0,6000,1;X2,2201");
    pkt(s, "Z0,6000,1");                /* "condition 1": now plain */
    RUN(fake, s, "vCont;c;C;s;S;r", "OK", "OK", "OK", "OK", "OK", "OK",
        "OK");
    g_assert_cmpstr(fake->pointsAtDetach, ==,
                    "1@3000:220527 3@4000:220627 4@5000:2201 5@5000:2200 "
                    "7@6000");
    runResultClear(&res);

    g_string_truncate(s, 0);
    pkt(s, "Z2,1000,4;X2,2201");        /* GDB evaluates watchpoints' */
    pkt(s, "Z0,4000,1;X0,");
    pkt(s, "Z0,4000,1;X2,zz01");
    pkt(s, "Z0,4000,1;X3,2201");        /* shorter than it says */
    pkt(s, "Z0,4000,1;Y2,2201");
    pkt(s, "z0,3000,1;X2,2201");
    RUN(fake, s, "E16", "E16", "E16", "E16", "E16", "E16");
    g_assert_cmpstr(fake->pointsAtDetach, ==, "");
    runResultClear(&res);

    /* a range step on vCPU 1, an empty range is one step, a malformed
     * range is refused */
    g_string_truncate(s, 0);
    pkt(s, "vCont;r1000,1010:1;c");
    RUN(fake, s, "T05thread:01;");
    g_assert_cmphex(fake->lastRangeStart, ==, 0x1000);
    g_assert_cmphex(fake->lastRangeEnd, ==, 0x1010);
    runResultClear(&res);

    g_string_truncate(s, 0);
    fake->lastRangeStart = fake->lastRangeEnd = 0;
    pkt(s, "vCont;r1000,1000:1");
    pkt(s, "vCont;r1000:1");
    pkt(s, "vCont;rzz,1000:1");
    RUN(fake, s, "T05thread:01;", "E16", "E16");
    g_assert_cmphex(fake->lastRangeEnd, ==, 0);
    runResultClear(&res);
    fakeTargetFree(fake);
}


/* With the symbol file's line table, a range step GDB asks for over
 * part of a source line covers the whole line's rows, inside its
 * function and never over the function's entry */
static void
testRangeWidened(void)
{
    const char *elf = g_getenv("LIBVIRT_DEBUG_GUEST_DEBUG");
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    g_autofree char *pkt1 = NULL;
    g_autofree char *pkt2 = NULL;
    guint64 loop = 0;
    guint64 size = 0;
    guint64 a, b;
    runResult res;

    g_assert_nonnull(elf);
    g_assert_true(testGuestLookupSymbol(elf, "guest_loop", &loop, &size, NULL));
    fake->features = GDB_RSP_TARGET_RANGE_STEP;
    fake->execFile = elf;

    /* two bytes in the middle of guest_loop's one-line loop */
    a = loop + size / 2;
    b = a + 2;
    pkt1 = g_strdup_printf("vCont;r%" G_GINT64_MODIFIER "x,%" G_GINT64_MODIFIER
                           "x:1", a, b);
    pkt(s, pkt1);
    RUN(fake, s, "T05thread:01;");
    g_assert_cmphex(fake->lastRangeStart, <, a);
    g_assert_cmphex(fake->lastRangeEnd, >, b);
    g_assert_cmphex(fake->lastRangeStart, >, loop);
    g_assert_cmphex(fake->lastRangeEnd, <=, loop + size);
    runResultClear(&res);

    /* an address no line covers (past the code): as GDB gave it */
    g_string_truncate(s, 0);
    pkt2 = g_strdup_printf("vCont;r%" G_GINT64_MODIFIER "x,%" G_GINT64_MODIFIER
                           "x:1", (guint64) 0x3ff000, (guint64) 0x3ff010);
    pkt(s, pkt2);
    RUN(fake, s, "T05thread:01;");
    g_assert_cmphex(fake->lastRangeStart, ==, 0x3ff000);
    g_assert_cmphex(fake->lastRangeEnd, ==, 0x3ff010);
    runResultClear(&res);
    fakeTargetFree(fake);
}


/* A target without conditions or range steps: GDB is not told of
 * either, and a vCont;r is refused */
static void
testNoConditionsOrRanges(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    pkt(s, "qSupported:swbreak+");
    pkt(s, "vCont;r1000,1010:1");
    runScript(fake, s, &res);
    g_assert_null(strstr(res.replies->pdata[0], "ConditionalBreakpoints"));
    g_assert_cmpstr(res.replies->pdata[1], ==, "E16");
    runResultClear(&res);

    fake->features = GDB_RSP_TARGET_CONDITIONS;
    g_string_truncate(s, 0);
    pkt(s, "qSupported:swbreak+");
    runScript(fake, s, &res);
    g_assert_nonnull(strstr(res.replies->pdata[0],
                            ";ConditionalBreakpoints+"));
    runResultClear(&res);
    fakeTargetFree(fake);
}


/* A target that answers a step with its stop and the registers: the
 * stop reply expedites the pc, and GDB's reads at that stop cost no
 * further target call.  Once a full set told which frame registers the
 * target has, steps ask for those only, and a 'g' then reads them all. */
static void
testStepSync(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    fake->syncSteps = true;
    pkt(s, "vCont;s:2");
    pkt(s, "g");
    pkt(s, "p10");
    pkt(s, "vCont;s:1");
    pkt(s, "p0");
    pkt(s, "g");
    RUN(fake, s,
        "T05thread:02;10:0110000000000000;",
        "1111111111111111122222222222222213333333333333331444444444444444",
        "0110000000000000",
        "T05thread:01;10:0010000000000000;",
        "0111111111111111",
        "0111111111111111022222222222222203333333333333330444444444444444");
    g_assert_cmpint(fake->lastStepVcpu, ==, 0);
    g_assert_cmpstr(fake->lastStepNames ? fake->lastStepNames[0] : NULL, ==, "rip");
    g_assert_null(fake->lastStepNames[1]);
    /* the first step brought every register; the second, rip only, so
     * p0 read them all (once: g used the same read) */
    g_assert_cmpint(fake->getRegistersCalls, ==, 1);
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testInterrupt(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    /* c: the guest runs; GDB sends a packet anyway (busy), then 0x03 */
    pkt(s, "Hg2");
    pkt(s, "c");
    pkt(s, "g");
    g_string_append_c(s, GDB_RSP_INTERRUPT);
    pkt(s, "qC");
    /* an interrupt while stopped is ignored */
    g_string_append_c(s, GDB_RSP_INTERRUPT);
    pkt(s, "qC");
    /* the interrupt keeps GDB on the thread it was looking at */
    RUN(fake, s, "OK", "E10", "T02thread:02;", "QC02", "QC02");
    runResultClear(&res);

    /* the guest stopped on its own but its event never came: the
     * refused interrupt still ends the run with the stop it finds */
    g_string_truncate(s, 0);
    fake->stopSilentlyOnCont = true;
    pkt(s, "c");
    g_string_append_c(s, GDB_RSP_INTERRUPT);
    pkt(s, "qC");
    RUN(fake, s, "T05thread:01;", "QC01");
    fake->stopSilentlyOnCont = false;
    runResultClear(&res);

    /* EOF while running: detached, guest left running */
    g_string_truncate(s, 0);
    fake->detaches = 0;
    pkt(s, "Z0,1000,1");
    pkt(s, "c");
    RUN(fake, s, "OK");
    g_assert_cmpint(fake->detaches, ==, 1);
    g_assert_cmpuint(fake->points->len, ==, 0);
    g_assert_true(fake->running);
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testDetachKill(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    pkt(s, "Z0,1000,1");
    pkt(s, "D");
    pkt(s, "g");                        /* after D: never read */
    RUN(fake, s, "OK", "OK");
    g_assert_cmpint(fake->detaches, ==, 1);
    g_assert_cmpuint(fake->points->len, ==, 0);
    g_assert_true(fake->running);
    g_assert_cmpint(res.rc, ==, 0);
    runResultClear(&res);

    /* k: detach too (the bridge never destroys the domain), no reply */
    fake->detaches = 0;
    g_string_truncate(s, 0);
    pkt(s, "Z1,1000,1");
    pkt(s, "k");
    pkt(s, "g");
    RUN(fake, s, "OK");
    g_assert_cmpint(fake->detaches, ==, 1);
    g_assert_cmpuint(fake->points->len, ==, 0);
    g_assert_true(fake->running);
    runResultClear(&res);

    /* D while running (a GDB that gave up waiting) */
    fake->detaches = 0;
    g_string_truncate(s, 0);
    pkt(s, "c");
    pkt(s, "D;1");
    RUN(fake, s, "OK");
    g_assert_cmpint(fake->detaches, ==, 1);
    runResultClear(&res);

    fake->detaches = 0;
    g_string_truncate(s, 0);
    pkt(s, "vKill;1");
    RUN(fake, s, "OK");
    g_assert_cmpint(fake->detaches, ==, 1);
    runResultClear(&res);

    /* the domain was destroyed while GDB waited for a stop: GDB sees the
     * inferior killed, and the session ends with nothing to detach */
    fake->detaches = 0;
    fake->exitOnCont = true;
    fake->exitSignal = 9;
    g_string_truncate(s, 0);
    pkt(s, "c");
    RUN(fake, s, "X09");
    g_assert_cmpint(fake->detaches, ==, 0);
    g_assert_cmpint(res.rc, ==, 0);
    runResultClear(&res);

    /* a guest that shut down exited */
    fake->exitSignal = 0;
    g_string_truncate(s, 0);
    pkt(s, "c");
    RUN(fake, s, "W00");
    g_assert_cmpint(fake->detaches, ==, 0);
    runResultClear(&res);

    /* destroyed while GDB is at its prompt: no stop reply (GDB waits for
     * none), the session ends and GDB finds the connection closed; the
     * packets read before are answered, nothing after */
    fake->exitOnCont = false;
    fake->exitOnRead = true;
    fake->exitSignal = 9;
    g_string_truncate(s, 0);
    pkt(s, "m1000,1");
    RUN(fake, s, "00");
    g_assert_cmpint(fake->detaches, ==, 0);
    g_assert_cmpint(res.rc, ==, 0);
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testMalformed(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    g_autofree char *big = g_strnfill(GDB_RSP_MAX_PACKET + 100, 'M');
    g_autoptr(GRand) rand = g_rand_new_with_seed(7);
    runResult res;
    int i;

    /* ack mode: bad checksum and missing '#' get '-', GDB resends */
    g_string_append(s, "$qC#00");
    pkt(s, "qC");
    g_string_append(s, "$qC");
    pkt(s, "qC");
    /* oversized: acked and refused, never stored */
    pkt(s, big);
    pkt(s, "qC");
    /* unknown commands: the empty reply */
    pkt(s, "qFooBar");
    pkt(s, "~");
    pkt(s, "!");
    pkt(s, "bc");
    pkt(s, "");
    /* binary garbage between packets, without '$' */
    for (i = 0; i < 4096; i++) {
        char c = g_rand_int(rand) & 0xff;

        if (c != '$' && c != GDB_RSP_INTERRUPT && c != '-')
            g_string_append_c(s, c);
    }
    pkt(s, "qC");
    RUN(fake, s, "QC01", "QC01", "E16", "QC01", "", "", "", "", "", "QC01");
    g_assert_cmpint(res.nacks, ==, 2);
    runResultClear(&res);

    /* no-ack mode: a bad packet gets an error reply instead */
    g_string_truncate(s, 0);
    pkt(s, "QStartNoAckMode");
    g_string_append(s, "$qC#00");
    g_string_append(s, "$qC");
    pkt(s, "qC");
    RUN(fake, s, "OK", "E16", "E16", "QC01");
    g_assert_cmpint(res.nacks, ==, 0);
    runResultClear(&res);

    /* total garbage, '$' included: the bridge survives and detaches */
    g_string_truncate(s, 0);
    for (i = 0; i < (1 << 16); i++)
        g_string_append_c(s, g_rand_int(rand) & 0xff);
    fake->detaches = 0;
    runScript(fake, s, &res);
    g_assert_cmpint(fake->detaches, ==, 1);
    runResultClear(&res);
    fakeTargetFree(fake);
}

static void
testRetransmit(void)
{
    fakeTarget *fake = fakeTargetNew();
    g_autoptr(GString) s = g_string_new(NULL);
    runResult res;

    pkt(s, "qC");
    g_string_append_c(s, '-');
    RUN(fake, s, "QC01", "QC01");
    runResultClear(&res);
    fakeTargetFree(fake);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gdb/session/handshake", testHandshake);
    g_test_add_func("/gdb/session/target-xml", testTargetXml);
    g_test_add_func("/gdb/session/threads", testThreads);
    g_test_add_func("/gdb/session/registers", testRegisters);
    g_test_add_func("/gdb/session/memory", testMemory);
    g_test_add_func("/gdb/session/points", testPoints);
    g_test_add_func("/gdb/session/point-split", testPointSplit);
    g_test_add_func("/gdb/session/stops", testStops);
    g_test_add_func("/gdb/session/step", testStep);
    g_test_add_func("/gdb/session/step-sync", testStepSync);
    g_test_add_func("/gdb/session/conditions-ranges",
                    testConditionsAndRanges);
    g_test_add_func("/gdb/session/range-widened", testRangeWidened);
    g_test_add_func("/gdb/session/no-conditions-ranges",
                    testNoConditionsOrRanges);
    g_test_add_func("/gdb/session/interrupt", testInterrupt);
    g_test_add_func("/gdb/session/detach-kill", testDetachKill);
    g_test_add_func("/gdb/session/malformed", testMalformed);
    g_test_add_func("/gdb/session/retransmit", testRetransmit);
    return g_test_run();
}
