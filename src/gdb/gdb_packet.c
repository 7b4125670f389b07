/*
 * gdb_packet.c: the GDB remote serial protocol packet codec
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gdb/gdb_packet.h"

#include <string.h>

typedef enum {
    GDB_RSP_STATE_IDLE,     /* between packets: acks, interrupts, noise */
    GDB_RSP_STATE_DATA,     /* after '$' */
    GDB_RSP_STATE_CSUM1,    /* after '#' */
    GDB_RSP_STATE_CSUM2,    /* after the first checksum digit */
} gdbRspParserState;

struct _gdbRspParser {
    gdbRspParserState state;
    size_t maxPacket;
    GByteArray *raw;        /* the payload as received (RLE encoded) */
    GByteArray *packet;     /* the payload decoded, NUL terminated */
    guint8 sum;
    int csumHigh;
    bool overflow;
};


gdbRspParser *
gdbRspParserNew(size_t maxPacket)
{
    gdbRspParser *parser = g_new0(gdbRspParser, 1);

    parser->maxPacket = maxPacket;
    parser->raw = g_byte_array_sized_new(256);
    parser->packet = g_byte_array_sized_new(256);
    return parser;
}


void
gdbRspParserFree(gdbRspParser *parser)
{
    if (!parser)
        return;
    g_byte_array_unref(parser->raw);
    g_byte_array_unref(parser->packet);
    g_free(parser);
}


static void
gdbRspParserStart(gdbRspParser *parser)
{
    g_byte_array_set_size(parser->raw, 0);
    parser->sum = 0;
    parser->overflow = false;
    parser->state = GDB_RSP_STATE_DATA;
}


/* Expand run-length encoding ("X*n" repeats X n-29 more times).  GDB
 * itself never compresses what it sends, but the protocol allows it and a
 * peer that does must not be able to blow the buffer up. */
static gdbRspEventType
gdbRspParserDecode(gdbRspParser *parser)
{
    const guint8 *in = parser->raw->data;
    size_t len = parser->raw->len;
    size_t i;

    g_byte_array_set_size(parser->packet, 0);
    for (i = 0; i < len; i++) {
        if (in[i] == '*') {
            guint8 prev;
            int repeat;

            if (parser->packet->len == 0 || i + 1 >= len)
                return GDB_RSP_EVENT_MALFORMED;
            repeat = (int)in[++i] - 29;
            if (repeat < 3 || in[i] > 126)
                return GDB_RSP_EVENT_MALFORMED;
            if (parser->packet->len + repeat > parser->maxPacket)
                return GDB_RSP_EVENT_OVERSIZED;
            prev = parser->packet->data[parser->packet->len - 1];
            while (repeat-- > 0)
                g_byte_array_append(parser->packet, &prev, 1);
        } else {
            /* an expansion earlier in the packet counts too: the raw
             * bytes fit, what they decode to may not */
            if (parser->packet->len + 1 > parser->maxPacket)
                return GDB_RSP_EVENT_OVERSIZED;
            g_byte_array_append(parser->packet, &in[i], 1);
        }
    }
    return GDB_RSP_EVENT_PACKET;
}


/**
 * gdbRspParserFeed:
 * @parser: the parser
 * @byte: the next byte from the peer
 *
 * Advances the framing state machine by one byte.  Every input leads back
 * to the idle state eventually: a '$' inside a packet abandons it and
 * starts a new one, a bad checksum digit abandons it, and an oversized
 * packet is consumed up to its '#' without being stored, so the parser
 * resynchronises on the next packet whatever it was fed.
 *
 * Returns what the byte completed, GDB_RSP_EVENT_NONE if nothing.
 */
gdbRspEventType
gdbRspParserFeed(gdbRspParser *parser, guint8 byte)
{
    int digit;

    switch (parser->state) {
    case GDB_RSP_STATE_IDLE:
        switch (byte) {
        case '$':
            gdbRspParserStart(parser);
            return GDB_RSP_EVENT_NONE;
        case '+':
            return GDB_RSP_EVENT_ACK;
        case '-':
            return GDB_RSP_EVENT_NACK;
        case GDB_RSP_INTERRUPT:
            return GDB_RSP_EVENT_INTERRUPT;
        default:
            /* line noise between packets (GDB sends none) */
            return GDB_RSP_EVENT_NONE;
        }

    case GDB_RSP_STATE_DATA:
        if (byte == '$') {
            /* The previous packet never got its '#': drop it and take
             * this '$' as the start of the next one. */
            gdbRspParserStart(parser);
            return GDB_RSP_EVENT_MALFORMED;
        }
        if (byte == '#') {
            parser->state = GDB_RSP_STATE_CSUM1;
            return GDB_RSP_EVENT_NONE;
        }
        parser->sum += byte;
        if (parser->raw->len >= parser->maxPacket)
            parser->overflow = true;
        else
            g_byte_array_append(parser->raw, &byte, 1);
        return GDB_RSP_EVENT_NONE;

    case GDB_RSP_STATE_CSUM1:
        if ((digit = gdbRspHexDigit(byte)) < 0) {
            parser->state = GDB_RSP_STATE_IDLE;
            if (byte == '$')
                gdbRspParserStart(parser);
            return GDB_RSP_EVENT_MALFORMED;
        }
        parser->csumHigh = digit;
        parser->state = GDB_RSP_STATE_CSUM2;
        return GDB_RSP_EVENT_NONE;

    case GDB_RSP_STATE_CSUM2:
        parser->state = GDB_RSP_STATE_IDLE;
        if ((digit = gdbRspHexDigit(byte)) < 0) {
            if (byte == '$')
                gdbRspParserStart(parser);
            return GDB_RSP_EVENT_MALFORMED;
        }
        if (parser->overflow)
            return GDB_RSP_EVENT_OVERSIZED;
        if (((parser->csumHigh << 4) | digit) != parser->sum)
            return GDB_RSP_EVENT_BAD_CHECKSUM;
        return gdbRspParserDecode(parser);
    }

    return GDB_RSP_EVENT_NONE;
}


/**
 * gdbRspParserPacket:
 * @parser: a parser that just returned GDB_RSP_EVENT_PACKET
 * @len: set to the payload length
 *
 * Returns the decoded payload, NUL terminated (binary payloads may hold
 * NULs too: use @len).  Valid until the next gdbRspParserFeed().
 */
const char *
gdbRspParserPacket(gdbRspParser *parser, size_t *len)
{
    static const guint8 nul = 0;

    *len = parser->packet->len;
    g_byte_array_append(parser->packet, &nul, 1);
    g_byte_array_set_size(parser->packet, *len);
    return (const char *)parser->packet->data;
}


guint8
gdbRspChecksum(const char *data, size_t len)
{
    guint8 sum = 0;
    size_t i;

    for (i = 0; i < len; i++)
        sum += (guint8)data[i];
    return sum;
}


/**
 * gdbRspFramePacket:
 *
 * Appends "$payload#cs" to @out.  The payload goes as is: binary data
 * must have been escaped with gdbRspEscapeBinary() first.
 */
void
gdbRspFramePacket(GString *out, const char *payload, size_t len)
{
    g_string_append_c(out, '$');
    g_string_append_len(out, payload, len);
    g_string_append_printf(out, "#%02x", gdbRspChecksum(payload, len));
}


static bool
gdbRspNeedsEscape(guint8 c)
{
    /* '*' too: GDB would read it as run-length encoding */
    return c == '$' || c == '#' || c == '}' || c == '*';
}


void
gdbRspEscapeBinary(GString *out, const guint8 *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (gdbRspNeedsEscape(data[i])) {
            g_string_append_c(out, '}');
            g_string_append_c(out, data[i] ^ 0x20);
        } else {
            g_string_append_c(out, data[i]);
        }
    }
}


/**
 * gdbRspUnescapeBinary:
 *
 * Decodes '}'-escaped binary data into @out (at most @outmax bytes).
 *
 * Returns the number of bytes decoded, or -1 if the data ends inside an
 * escape or would overflow @out.
 */
gssize
gdbRspUnescapeBinary(const char *in, size_t inlen,
                     guint8 *out, size_t outmax)
{
    size_t i;
    size_t n = 0;

    for (i = 0; i < inlen; i++) {
        guint8 c = in[i];

        if (c == '}') {
            if (++i >= inlen)
                return -1;
            c = in[i] ^ 0x20;
        }
        if (n >= outmax)
            return -1;
        out[n++] = c;
    }
    return n;
}


int
gdbRspHexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}


void
gdbRspHexEncode(GString *out, const guint8 *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        g_string_append_c(out, digits[data[i] >> 4]);
        g_string_append_c(out, digits[data[i] & 0xf]);
    }
}


/**
 * gdbRspHexDecode:
 *
 * Decodes pairs of hex digits into @out.
 *
 * Returns the number of bytes, or -1 on an odd length, a non-hex digit or
 * more than @outmax bytes.
 */
gssize
gdbRspHexDecode(const char *in, size_t inlen, guint8 *out, size_t outmax)
{
    size_t i;

    if (inlen % 2 || inlen / 2 > outmax)
        return -1;
    for (i = 0; i < inlen; i += 2) {
        int hi = gdbRspHexDigit(in[i]);
        int lo = gdbRspHexDigit(in[i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (hi << 4) | lo;
    }
    return inlen / 2;
}


/**
 * gdbRspParseHexU64:
 * @in: text starting with hex digits
 * @value: set to their value
 *
 * Returns a pointer past the digits, or NULL if there are none or they
 * do not fit 64 bits (GDB never sends those: a peer that does gets an
 * error, not a silently truncated address).
 */
const char *
gdbRspParseHexU64(const char *in, guint64 *value)
{
    guint64 v = 0;
    const char *p = in;
    int d;

    while ((d = gdbRspHexDigit(*p)) >= 0) {
        if (v >> 60)
            return NULL;
        v = (v << 4) | d;
        p++;
    }
    if (p == in)
        return NULL;
    *value = v;
    return p;
}
