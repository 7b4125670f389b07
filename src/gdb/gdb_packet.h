/*
 * gdb_packet.h: the GDB remote serial protocol packet codec
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure byte-buffer code: framing ($payload#cs), checksums, acks, the
 * interrupt byte, run-length decoding, '}' escaping of binary data and
 * hex helpers.  Nothing here does I/O, so every malformed input can be
 * exercised from a unit test.
 */

#pragma once

#include <glib.h>
#include <stdbool.h>

/* The largest payload we accept and advertise (qSupported PacketSize).
 * 16 KiB lets GDB read 8 KiB of memory per 'm' while keeping the buffer
 * for a hostile peer small. */
#define GDB_RSP_MAX_PACKET 0x4000

/* The byte GDB sends outside any packet to interrupt a running target. */
#define GDB_RSP_INTERRUPT 0x03

typedef enum {
    GDB_RSP_EVENT_NONE = 0,      /* nothing complete yet: feed more bytes */
    GDB_RSP_EVENT_PACKET,        /* a packet with a good checksum */
    GDB_RSP_EVENT_BAD_CHECKSUM,  /* framed, but the checksum does not match */
    GDB_RSP_EVENT_MALFORMED,     /* cut short by a new '$', bad RLE, bad digits */
    GDB_RSP_EVENT_OVERSIZED,     /* longer than the maximum packet size */
    GDB_RSP_EVENT_ACK,           /* '+' */
    GDB_RSP_EVENT_NACK,          /* '-' */
    GDB_RSP_EVENT_INTERRUPT,     /* 0x03 outside a packet */
} gdbRspEventType;

typedef struct _gdbRspParser gdbRspParser;

gdbRspParser *gdbRspParserNew(size_t maxPacket);
void gdbRspParserFree(gdbRspParser *parser);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gdbRspParser, gdbRspParserFree);

gdbRspEventType gdbRspParserFeed(gdbRspParser *parser, guint8 byte);

const char *gdbRspParserPacket(gdbRspParser *parser, size_t *len);

/* Framing and checksums */
guint8 gdbRspChecksum(const char *data, size_t len);
void gdbRspFramePacket(GString *out, const char *payload, size_t len);

/* Binary data ('X' packets, qXfer replies) */
void gdbRspEscapeBinary(GString *out, const guint8 *data, size_t len);
gssize gdbRspUnescapeBinary(const char *in, size_t inlen,
                            guint8 *out, size_t outmax);

/* Hex */
int gdbRspHexDigit(char c);
void gdbRspHexEncode(GString *out, const guint8 *data, size_t len);
gssize gdbRspHexDecode(const char *in, size_t inlen,
                       guint8 *out, size_t outmax);
const char *gdbRspParseHexU64(const char *in, guint64 *value);
