/*
 * fuzz-rsp-packet.c: libFuzzer harness of the GDB remote protocol codec
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is the byte stream a GDB (or anything connected to the
 * bridge's socket) sends.  Invariants, on top of "no crash, no leak, no
 * UB":
 *   - the framing parser never hands out a packet longer than its limit,
 *     and every packet it accepts survives escape + frame + parse again
 *     (what we send is what the peer reads);
 *   - escaping and hex encoding round-trip on any bytes, and their
 *     decoders never write past the buffer they are given;
 *   - a hex number parse stops inside the text and never on a digit.
 */

#include "gdb/gdb_packet.h"
#include "fuzz-common.h"

/* Small enough for the fuzzer to reach the oversize paths quickly */
#define FUZZ_MAX_PACKET 512


/* Escape, frame and parse @payload again: exactly it comes back. */
static void
fuzzReframe(const char *payload, size_t len)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(2 * FUZZ_MAX_PACKET);
    g_autoptr(GString) escaped = g_string_new(NULL);
    g_autoptr(GString) framed = g_string_new(NULL);
    g_autofree guint8 *back = g_malloc(len + 1);
    gdbRspEventType ev = GDB_RSP_EVENT_NONE;
    const char *got;
    size_t gotlen;
    gssize n;
    size_t i;

    gdbRspEscapeBinary(escaped, (const guint8 *) payload, len);
    gdbRspFramePacket(framed, escaped->str, escaped->len);
    for (i = 0; i < framed->len; i++) {
        ev = gdbRspParserFeed(parser, framed->str[i]);
        FUZZ_CHECK(i + 1 == framed->len || ev == GDB_RSP_EVENT_NONE,
                   "event %d before the end of a frame", ev);
    }
    FUZZ_CHECK(ev == GDB_RSP_EVENT_PACKET, "a framed packet gives event %d",
               ev);
    got = gdbRspParserPacket(parser, &gotlen);
    FUZZ_CHECK(gotlen == escaped->len &&
               memcmp(got, escaped->str, gotlen) == 0,
               "the escaped payload does not come back");
    n = gdbRspUnescapeBinary(got, gotlen, back, len + 1);
    FUZZ_CHECK(n == (gssize) len && memcmp(back, payload, len) == 0,
               "unescape(escape(x)) != x");
}


static void
fuzzStream(const uint8_t *data, size_t size)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(FUZZ_MAX_PACKET);
    size_t i;

    for (i = 0; i < size; i++) {
        gdbRspEventType ev = gdbRspParserFeed(parser, data[i]);
        const char *packet;
        size_t len;

        FUZZ_CHECK(ev >= GDB_RSP_EVENT_NONE && ev <= GDB_RSP_EVENT_INTERRUPT,
                   "event %d", ev);
        if (ev != GDB_RSP_EVENT_PACKET)
            continue;
        packet = gdbRspParserPacket(parser, &len);
        FUZZ_CHECK(len <= FUZZ_MAX_PACKET, "a packet of %zu bytes", len);
        FUZZ_CHECK(packet[len] == '\0', "packet not NUL terminated");
        fuzzReframe(packet, len);
    }
}


static void
fuzzCodecs(const uint8_t *data, size_t size)
{
    g_autoptr(GString) escaped = g_string_new(NULL);
    g_autoptr(GString) hex = g_string_new(NULL);
    g_autofree guint8 *out = g_malloc(size + 1);
    g_autofree char *text = fuzzInputString(data, size);
    size_t half = size / 2;
    const char *end;
    guint64 value;
    gssize n;

    /* round trips on arbitrary bytes */
    gdbRspEscapeBinary(escaped, data, size);
    n = gdbRspUnescapeBinary(escaped->str, escaped->len, out, size);
    FUZZ_CHECK(n == (gssize) size && memcmp(out, data, size) == 0,
               "unescape(escape(x)) != x");
    gdbRspHexEncode(hex, data, size);
    FUZZ_CHECK(hex->len == 2 * size, "hex of %zu bytes is %zu digits",
               size, hex->len);
    n = gdbRspHexDecode(hex->str, hex->len, out, size);
    FUZZ_CHECK(n == (gssize) size && memcmp(out, data, size) == 0,
               "hexdecode(hexencode(x)) != x");

    /* the decoders on arbitrary input, into a buffer half as big: ASan
     * catches a write past it */
    g_clear_pointer(&out, g_free);
    out = g_malloc(half + 1);
    n = gdbRspUnescapeBinary((const char *) data, size, out, half);
    FUZZ_CHECK(n >= -1 && n <= (gssize) half, "unescape gave %zd", n);
    n = gdbRspHexDecode((const char *) data, size, out, half);
    FUZZ_CHECK(n >= -1 && n <= (gssize) half, "hex decode gave %zd", n);

    if ((end = gdbRspParseHexU64(text, &value))) {
        FUZZ_CHECK(end > text && end <= text + strlen(text),
                   "hex number ends outside its text");
        FUZZ_CHECK(gdbRspHexDigit(*end) < 0, "hex number stops on a digit");
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzzStream(data, size);
    fuzzCodecs(data, size);
    return 0;
}
