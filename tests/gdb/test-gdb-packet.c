/*
 * test-gdb-packet.c: the GDB remote protocol packet codec
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gdb/gdb_packet.h"

#include <string.h>

typedef struct {
    GPtrArray *packets;     /* payloads of good packets */
    GArray *events;         /* every non-NONE event */
} parsed;

static void
parsedClear(parsed *p)
{
    g_ptr_array_unref(p->packets);
    g_array_unref(p->events);
}

static void
feed(gdbRspParser *parser, const char *data, size_t len, parsed *out)
{
    size_t i;

    out->packets = g_ptr_array_new_with_free_func(g_free);
    out->events = g_array_new(FALSE, FALSE, sizeof(int));
    for (i = 0; i < len; i++) {
        int ev = gdbRspParserFeed(parser, data[i]);

        if (ev == GDB_RSP_EVENT_NONE)
            continue;
        g_array_append_val(out->events, ev);
        if (ev == GDB_RSP_EVENT_PACKET) {
            size_t plen;
            const char *pkt = gdbRspParserPacket(parser, &plen);

            g_ptr_array_add(out->packets, g_strndup(pkt, plen));
        }
    }
}

#define EV(p, i) g_array_index((p).events, int, i)

static void
testChecksum(void)
{
    g_autoptr(GString) out = g_string_new(NULL);

    g_assert_cmpuint(gdbRspChecksum("g", 1), ==, 0x67);
    gdbRspFramePacket(out, "OK", 2);
    g_assert_cmpstr(out->str, ==, "$OK#9a");
    g_string_truncate(out, 0);
    gdbRspFramePacket(out, "", 0);
    g_assert_cmpstr(out->str, ==, "$#00");
}

static void
testRoundTrip(void)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(GDB_RSP_MAX_PACKET);
    g_autoptr(GString) out = g_string_new(NULL);
    parsed p;

    gdbRspFramePacket(out, "qSupported:swbreak+", 19);
    gdbRspFramePacket(out, "m1000,4", 7);
    feed(parser, out->str, out->len, &p);
    g_assert_cmpuint(p.packets->len, ==, 2);
    g_assert_cmpstr(p.packets->pdata[0], ==, "qSupported:swbreak+");
    g_assert_cmpstr(p.packets->pdata[1], ==, "m1000,4");
    parsedClear(&p);
}

static void
testAcksAndInterrupt(void)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(GDB_RSP_MAX_PACKET);
    parsed p;

    feed(parser, "+-\x03+$g#67", 9, &p);
    g_assert_cmpuint(p.events->len, ==, 5);
    g_assert_cmpint(EV(p, 0), ==, GDB_RSP_EVENT_ACK);
    g_assert_cmpint(EV(p, 1), ==, GDB_RSP_EVENT_NACK);
    g_assert_cmpint(EV(p, 2), ==, GDB_RSP_EVENT_INTERRUPT);
    g_assert_cmpint(EV(p, 3), ==, GDB_RSP_EVENT_ACK);
    g_assert_cmpint(EV(p, 4), ==, GDB_RSP_EVENT_PACKET);
    parsedClear(&p);

    /* 0x03 inside a packet is data, not an interrupt */
    feed(parser, "$\x03#03", 5, &p);
    g_assert_cmpuint(p.events->len, ==, 1);
    g_assert_cmpint(EV(p, 0), ==, GDB_RSP_EVENT_PACKET);
    g_assert_cmpstr(p.packets->pdata[0], ==, "\x03");
    parsedClear(&p);
}

static void
testBadChecksum(void)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(GDB_RSP_MAX_PACKET);
    parsed p;
    const char in[] = "$g#00$g#67";

    feed(parser, in, strlen(in), &p);
    g_assert_cmpuint(p.events->len, ==, 2);
    g_assert_cmpint(EV(p, 0), ==, GDB_RSP_EVENT_BAD_CHECKSUM);
    g_assert_cmpint(EV(p, 1), ==, GDB_RSP_EVENT_PACKET);
    parsedClear(&p);
}

static void
testMissingHash(void)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(GDB_RSP_MAX_PACKET);
    parsed p;
    const char in[] = "$g$g#67";
    const char digits[] = "$g#z7$g#6$g#67";

    /* a '$' before the '#' abandons the first packet */
    feed(parser, in, strlen(in), &p);
    g_assert_cmpuint(p.events->len, ==, 2);
    g_assert_cmpint(EV(p, 0), ==, GDB_RSP_EVENT_MALFORMED);
    g_assert_cmpint(EV(p, 1), ==, GDB_RSP_EVENT_PACKET);
    g_assert_cmpstr(p.packets->pdata[0], ==, "g");
    parsedClear(&p);

    /* bad checksum digits, and a checksum cut short by a new packet */
    feed(parser, digits, strlen(digits), &p);
    g_assert_cmpuint(p.events->len, ==, 3);
    g_assert_cmpint(EV(p, 0), ==, GDB_RSP_EVENT_MALFORMED);
    g_assert_cmpint(EV(p, 1), ==, GDB_RSP_EVENT_MALFORMED);
    g_assert_cmpint(EV(p, 2), ==, GDB_RSP_EVENT_PACKET);
    parsedClear(&p);
}

static void
testOversized(void)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(64);
    g_autoptr(GString) in = g_string_new(NULL);
    g_autofree char *big = g_strnfill(100000, 'a');
    parsed p;

    gdbRspFramePacket(in, big, strlen(big));
    gdbRspFramePacket(in, "g", 1);
    feed(parser, in->str, in->len, &p);
    g_assert_cmpuint(p.events->len, ==, 2);
    g_assert_cmpint(EV(p, 0), ==, GDB_RSP_EVENT_OVERSIZED);
    g_assert_cmpint(EV(p, 1), ==, GDB_RSP_EVENT_PACKET);
    g_assert_cmpstr(p.packets->pdata[0], ==, "g");
    parsedClear(&p);
}

static void
testGarbage(void)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(GDB_RSP_MAX_PACKET);
    g_autoptr(GRand) rand = g_rand_new_with_seed(42);
    g_autofree char *junk = g_new(char, 1 << 20);
    parsed p;
    size_t i;

    for (i = 0; i < (1 << 20); i++)
        junk[i] = g_rand_int(rand) & 0xff;
    feed(parser, junk, 1 << 20, &p);
    parsedClear(&p);

    /* whatever state the junk left, the next packet comes through */
    feed(parser, "$g#67", 5, &p);
    g_assert_cmpuint(p.packets->len, ==, 1);
    g_assert_cmpstr(p.packets->pdata[0], ==, "g");
    parsedClear(&p);
}

static void
testRunLength(void)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(16);
    g_autoptr(GString) in = g_string_new(NULL);
    parsed p;

    /* "0* " is '0' and 3 more (' ' is 32 = 29 + 3) */
    gdbRspFramePacket(in, "X0* y", 5);
    /* a run with nothing before it */
    gdbRspFramePacket(in, "* ", 2);
    /* a run past the maximum size ('~' = 97 more) */
    gdbRspFramePacket(in, "0*~", 3);
    /* a run count below 3 */
    gdbRspFramePacket(in, "0*\x1f", 3);
    /* a run that fits, then literal bytes past the maximum (the raw
     * bytes fit in 16; found by fuzz-rsp-packet) */
    gdbRspFramePacket(in, "0*+abcd", 7);
    feed(parser, in->str, in->len, &p);
    g_assert_cmpuint(p.events->len, ==, 5);
    g_assert_cmpint(EV(p, 4), ==, GDB_RSP_EVENT_OVERSIZED);
    g_assert_cmpint(EV(p, 0), ==, GDB_RSP_EVENT_PACKET);
    g_assert_cmpstr(p.packets->pdata[0], ==, "X0000y");
    g_assert_cmpint(EV(p, 1), ==, GDB_RSP_EVENT_MALFORMED);
    g_assert_cmpint(EV(p, 2), ==, GDB_RSP_EVENT_OVERSIZED);
    g_assert_cmpint(EV(p, 3), ==, GDB_RSP_EVENT_MALFORMED);
    parsedClear(&p);
}

static void
testBinaryEscape(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    guint8 data[256];
    guint8 back[256];
    size_t i;

    for (i = 0; i < 256; i++)
        data[i] = i;
    gdbRspEscapeBinary(out, data, 256);
    g_assert_null(memchr(out->str, '$', out->len));
    g_assert_null(memchr(out->str, '#', out->len));
    g_assert_null(memchr(out->str, '*', out->len));
    g_assert_cmpuint(out->len, ==, 256 + 4);
    g_assert_cmpint(gdbRspUnescapeBinary(out->str, out->len, back, 256), ==, 256);
    g_assert_cmpmem(data, 256, back, 256);

    /* truncated escape, and too much data for the buffer */
    g_assert_cmpint(gdbRspUnescapeBinary("ab}", 3, back, 256), ==, -1);
    g_assert_cmpint(gdbRspUnescapeBinary("abc", 3, back, 2), ==, -1);
    g_assert_cmpint(gdbRspUnescapeBinary("}]", 2, back, 1), ==, 1);
    g_assert_cmpuint(back[0], ==, '}');
}

static void
testHex(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    const guint8 data[] = { 0x00, 0xab, 0xff };
    guint8 back[4];
    guint64 v;
    const char *end;

    gdbRspHexEncode(out, data, 3);
    g_assert_cmpstr(out->str, ==, "00abff");
    g_assert_cmpint(gdbRspHexDecode("00ABff", 6, back, 4), ==, 3);
    g_assert_cmpmem(data, 3, back, 3);
    g_assert_cmpint(gdbRspHexDecode("abc", 3, back, 4), ==, -1);
    g_assert_cmpint(gdbRspHexDecode("zz", 2, back, 4), ==, -1);
    g_assert_cmpint(gdbRspHexDecode("0011223344", 10, back, 4), ==, -1);

    end = gdbRspParseHexU64("ffffffffffffffff,", &v);
    g_assert_nonnull(end);
    g_assert_cmpint(*end, ==, ',');
    g_assert_cmpuint(v, ==, G_MAXUINT64);
    g_assert_null(gdbRspParseHexU64("10000000000000000", &v));
    g_assert_null(gdbRspParseHexU64(",", &v));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gdb/packet/checksum", testChecksum);
    g_test_add_func("/gdb/packet/round-trip", testRoundTrip);
    g_test_add_func("/gdb/packet/acks-interrupt", testAcksAndInterrupt);
    g_test_add_func("/gdb/packet/bad-checksum", testBadChecksum);
    g_test_add_func("/gdb/packet/missing-hash", testMissingHash);
    g_test_add_func("/gdb/packet/oversized", testOversized);
    g_test_add_func("/gdb/packet/garbage", testGarbage);
    g_test_add_func("/gdb/packet/run-length", testRunLength);
    g_test_add_func("/gdb/packet/binary-escape", testBinaryEscape);
    g_test_add_func("/gdb/packet/hex", testHex);
    return g_test_run();
}
