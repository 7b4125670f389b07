/*
 * gdb_memory.c: m, M and X: guest virtual memory through the current
 * thread's vCPU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Lengths come from the peer: they are checked against the packet size
 * before anything is allocated, so "m0,ffffffffffffffff" is an error
 * reply, not an allocation failure.
 */

#include "gdb/gdb_session_priv.h"

#include <string.h>

/* The largest 'm' GDB may ask for: its hex reply fills a packet */
#define GDB_RSP_MAX_MEMORY (GDB_RSP_MAX_PACKET / 2)

/* ADDR,LEN followed by @term */
static const char *
gdbRspParseAddrLen(const char *args, char term,
                   guint64 *addr, guint64 *len)
{
    const char *p;

    if (!(p = gdbRspParseHexU64(args, addr)) || *p != ',' ||
        !(p = gdbRspParseHexU64(p + 1, len)) || *p != term)
        return NULL;
    /* the range must not wrap around the address space */
    if (*len && *addr + *len - 1 < *addr)
        return NULL;
    return p;
}


void
gdbRspHandleReadMemory(gdbRspSession *session, const char *args,
                       GString *reply)
{
    g_autofree guint8 *buf = NULL;
    guint64 addr;
    guint64 len;

    if (!gdbRspParseAddrLen(args, '\0', &addr, &len) ||
        len > GDB_RSP_MAX_MEMORY) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    if (len == 0)
        return;     /* an empty reply is zero bytes read */

    buf = g_malloc(len);
    if (session->ops->readMemory(session->opaque, addr, len, buf,
                                 session->gThread) < 0) {
        /* GDB probes unmapped addresses all the time (bt, x past the
         * end): that is not worth a line on stderr */
        g_string_assign(reply, GDB_RSP_ERR_FAULT);
        return;
    }
    gdbRspHexEncode(reply, buf, len);
}


static void
gdbRspWriteMemory(gdbRspSession *session, guint64 addr,
                  const guint8 *buf, size_t len, GString *reply)
{
    g_autofree char *what = NULL;

    if (len == 0) {
        /* GDB probes X support with an empty write */
        g_string_assign(reply, "OK");
        return;
    }
    if (session->ops->writeMemory(session->opaque, addr, buf, len,
                                  session->gThread) < 0) {
        what = g_strdup_printf("write %zu bytes at 0x%llx", len,
                               (unsigned long long)addr);
        gdbRspSessionError(session, reply, what);
        if (g_str_equal(reply->str, GDB_RSP_ERR_GENERIC))
            g_string_assign(reply, GDB_RSP_ERR_FAULT);
        return;
    }
    g_string_assign(reply, "OK");
}


/* M ADDR,LEN:HEX */
void
gdbRspHandleWriteMemoryHex(gdbRspSession *session, const char *args,
                           size_t arglen, GString *reply)
{
    g_autofree guint8 *buf = NULL;
    const char *p;
    guint64 addr;
    guint64 len;

    if (!(p = gdbRspParseAddrLen(args, ':', &addr, &len)) ||
        len > GDB_RSP_MAX_PACKET / 2) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    p++;
    buf = g_malloc(len + 1);
    if (gdbRspHexDecode(p, arglen - (p - args), buf, len) != (gssize)len) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    gdbRspWriteMemory(session, addr, buf, len, reply);
}


/* X ADDR,LEN:BINARY ('}'-escaped) */
void
gdbRspHandleWriteMemoryBinary(gdbRspSession *session, const char *args,
                              size_t arglen, GString *reply)
{
    g_autofree guint8 *buf = NULL;
    const char *p;
    guint64 addr;
    guint64 len;

    if (!(p = gdbRspParseAddrLen(args, ':', &addr, &len)) ||
        len > GDB_RSP_MAX_PACKET) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    p++;
    buf = g_malloc(len + 1);
    /* a truncated packet must not write a partial buffer */
    if (gdbRspUnescapeBinary(p, arglen - (p - args), buf, len) != (gssize)len) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    gdbRspWriteMemory(session, addr, buf, len, reply);
}
