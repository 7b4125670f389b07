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

/* Per-stop read cache.  At every stop GDB reads the same few bytes
 * more than once (the instruction at pc, the function's prologue, the
 * stack), and each read is a round trip through libvirt and QMP, two
 * orders of magnitude dearer than on QEMU's own gdbstub.  While the guest
 * is stopped its memory does not change under GDB, so what was read is
 * kept until the next resume, register write or memory write.  Only what
 * GDB asked for is ever read: no read-ahead, which could touch MMIO. */
#define GDB_RSP_MEM_CACHE_ENTRIES 16
#define GDB_RSP_MEM_CACHE_MAX_LEN 1024

typedef struct {
    int vcpu;               /* virtual addresses are per vCPU */
    guint64 addr;
    guint64 len;
    guint8 data[];
} gdbRspMemBlock;


void
gdbRspMemCacheInvalidate(gdbRspSession *session)
{
    if (session->memCache)
        g_ptr_array_set_size(session->memCache, 0);
}


static bool
gdbRspMemCacheLookup(gdbRspSession *session, guint64 addr, guint64 len,
                     guint8 *buf)
{
    size_t i;

    if (!session->memCache)
        return false;
    for (i = 0; i < session->memCache->len; i++) {
        gdbRspMemBlock *b = g_ptr_array_index(session->memCache, i);

        if (b->vcpu == session->gThread &&
            addr >= b->addr && addr - b->addr + len <= b->len) {
            memcpy(buf, b->data + (addr - b->addr), len);
            return true;
        }
    }
    return false;
}


static void
gdbRspMemCacheAdd(gdbRspSession *session, guint64 addr, guint64 len,
                  const guint8 *buf)
{
    gdbRspMemBlock *b;

    if (len > GDB_RSP_MEM_CACHE_MAX_LEN)
        return;
    if (!session->memCache)
        session->memCache = g_ptr_array_new_with_free_func(g_free);
    if (session->memCache->len >= GDB_RSP_MEM_CACHE_ENTRIES)
        g_ptr_array_remove_index(session->memCache, 0);
    b = g_malloc(sizeof(*b) + len);
    b->vcpu = session->gThread;
    b->addr = addr;
    b->len = len;
    memcpy(b->data, buf, len);
    g_ptr_array_add(session->memCache, b);
}

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
    if (!gdbRspMemCacheLookup(session, addr, len, buf)) {
        if (session->ops->readMemory(session->opaque, addr, len, buf,
                                     session->gThread) < 0) {
            /* GDB probes unmapped addresses all the time (bt, x past
             * the end): that is not worth a line on stderr */
            g_string_assign(reply, GDB_RSP_ERR_FAULT);
            return;
        }
        gdbRspMemCacheAdd(session, addr, len, buf);
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
    /* writes are rare (set var; breakpoints are debug points, not
     * memory writes): drop the whole cache rather than patch it */
    gdbRspMemCacheInvalidate(session);
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
