/*
 * gdb_registers.c: g, G, p and P over the target's register list
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The target reports each register with its GDB number, size and value
 * (hex in target byte order, exactly what a 'g' packet carries), so the
 * packets are concatenations in number order.  Registers are read once
 * per stop: GDB asks for them several times per stop (g, then p for the
 * registers outside the g packet), and every read is a QMP round trip.
 */

#include "gdb/gdb_session_priv.h"

#include <string.h>

static int
gdbRspRegCompare(const void *a, const void *b)
{
    const virDomainDebugRegister *ra = a;
    const virDomainDebugRegister *rb = b;

    return (ra->number > rb->number) - (ra->number < rb->number);
}


void
gdbRspRegCacheInvalidate(gdbRspSession *session)
{
    int i;

    /* a register write can change what virtual addresses mean (cr3),
     * and every resume can change memory: both caches go together */
    gdbRspMemCacheInvalidate(session);
    if (!session->regCache)
        return;
    for (i = 0; i < session->nvcpus; i++) {
        gdbRspRegCache *cache = &session->regCache[i];

        virDomainDebugRegistersFree(cache->regs, cache->nregs);
        cache->regs = NULL;
        cache->nregs = 0;
        cache->valid = false;
    }
}


void
gdbRspRegCacheFree(gdbRspSession *session)
{
    gdbRspRegCacheInvalidate(session);
    g_clear_pointer(&session->regCache, g_free);
    g_clear_pointer(&session->frameNames, g_strfreev);
}


/* Checks and sorts @regs, which the caller gives up; false if one of
 * them is malformed (then they are freed). */
static bool
gdbRspRegCacheStore(gdbRspSession *session, int vcpu,
                    virDomainDebugRegister *regs, int nregs, bool partial)
{
    gdbRspRegCache *cache = &session->regCache[vcpu];
    int i;

    /* A value that is not hex of the announced size would corrupt every
     * register after it in a 'g' packet */
    for (i = 0; i < nregs; i++) {
        if (!regs[i].value || regs[i].size <= 0 ||
            strlen(regs[i].value) != (size_t)regs[i].size * 2) {
            g_printerr("debug-gdb: register '%s' has a malformed value\n",
                       regs[i].name ? regs[i].name : "?");
            virDomainDebugRegistersFree(regs, nregs);
            return false;
        }
    }
    qsort(regs, nregs, sizeof(*regs), gdbRspRegCompare);
    virDomainDebugRegistersFree(cache->regs, cache->nregs);
    cache->regs = regs;
    cache->nregs = nregs;
    cache->valid = true;
    cache->partial = partial;
    return true;
}


static void gdbRspRegLearnFrameNames(gdbRspSession *session,
                                     gdbRspRegCache *cache);

/**
 * gdbRspRegCacheFill:
 *
 * Takes registers of @vcpu that came with its stop (a step answered with
 * them), so that GDB's reads at this stop cost nothing.
 */
void
gdbRspRegCacheFill(gdbRspSession *session, int vcpu,
                   virDomainDebugRegister *regs, int nregs, bool partial)
{
    if (vcpu < 0 || vcpu >= session->nvcpus || !session->regCache) {
        virDomainDebugRegistersFree(regs, nregs);
        return;
    }
    if (gdbRspRegCacheStore(session, vcpu, regs, nregs, partial) && !partial)
        gdbRspRegLearnFrameNames(session, &session->regCache[vcpu]);
}


/* The frame registers a stop reply expedites (pc, stack and frame
 * pointer), by their names on x86 and arm64 */
static const char *const gdbRspExpediteCandidates[] = {
    "rip", "rsp", "rbp", "eip", "esp", "ebp", "pc", "sp", "x29",
};


/* Learns which frame registers the target has from a full read */
static void
gdbRspRegLearnFrameNames(gdbRspSession *session, gdbRspRegCache *cache)
{
    GPtrArray *names;
    size_t i;
    int j;

    if (session->frameNames)
        return;
    names = g_ptr_array_new();
    for (i = 0; i < G_N_ELEMENTS(gdbRspExpediteCandidates); i++) {
        for (j = 0; j < cache->nregs; j++) {
            if (g_str_equal(cache->regs[j].name, gdbRspExpediteCandidates[i]))
                g_ptr_array_add(names, g_strdup(gdbRspExpediteCandidates[i]));
        }
    }
    if (names->len == 0) {
        /* none known: steps keep asking for every register */
        g_ptr_array_free(names, TRUE);
        return;
    }
    g_ptr_array_add(names, NULL);
    session->frameNames = (char **) g_ptr_array_free(names, FALSE);
}


/**
 * gdbRspRegExpedite:
 *
 * Appends the frame registers of @vcpu the cache has to a stop reply
 * ("NUMBER:VALUE;"), so that GDB needs no 'g' to find its frame.
 */
void
gdbRspRegExpedite(gdbRspSession *session, int vcpu, GString *reply)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(gdbRspExpediteCandidates); i++) {
        const virDomainDebugRegister *reg =
            gdbRspRegCacheLookup(session, vcpu, gdbRspExpediteCandidates[i]);

        if (reg)
            g_string_append_printf(reply, "%x:%s;", reg->number, reg->value);
    }
}


/* The value of register @name of @vcpu if the cache has it, or NULL */
const virDomainDebugRegister *
gdbRspRegCacheLookup(gdbRspSession *session, int vcpu, const char *name)
{
    gdbRspRegCache *cache;
    int i;

    if (vcpu < 0 || vcpu >= session->nvcpus || !session->regCache)
        return NULL;
    cache = &session->regCache[vcpu];
    for (i = 0; cache->valid && i < cache->nregs; i++) {
        if (g_str_equal(cache->regs[i].name, name))
            return &cache->regs[i];
    }
    return NULL;
}


static gdbRspRegCache *
gdbRspRegCacheGet(gdbRspSession *session, GString *reply)
{
    gdbRspRegCache *cache = &session->regCache[session->gThread];
    virDomainDebugRegister *regs = NULL;
    int nregs;

    if (cache->valid && !cache->partial)
        return cache;

    if ((nregs = session->ops->getRegisters(session->opaque,
                                            session->gThread, &regs)) < 0) {
        gdbRspSessionError(session, reply, "read registers");
        return NULL;
    }
    if (!gdbRspRegCacheStore(session, session->gThread, regs, nregs, false)) {
        g_string_assign(reply, GDB_RSP_ERR_GENERIC);
        return NULL;
    }
    gdbRspRegLearnFrameNames(session, cache);
    return cache;
}


/* The 'g' packet holds registers 0, 1, 2... up to the first gap: GDB
 * accepts a short 'g' packet (it fetches the rest with 'p') but not a
 * misaligned one. */
static int
gdbRspRegGPacketCount(gdbRspRegCache *cache)
{
    int i;

    for (i = 0; i < cache->nregs; i++) {
        if (cache->regs[i].number != i)
            break;
    }
    return i;
}


static virDomainDebugRegister *
gdbRspRegFind(gdbRspRegCache *cache, guint64 number)
{
    int i;

    for (i = 0; i < cache->nregs; i++) {
        if ((guint64)cache->regs[i].number == number)
            return &cache->regs[i];
    }
    return NULL;
}


void
gdbRspHandleReadRegisters(gdbRspSession *session, GString *reply)
{
    gdbRspRegCache *cache;
    int n;
    int i;

    if (!(cache = gdbRspRegCacheGet(session, reply)))
        return;
    n = gdbRspRegGPacketCount(cache);
    for (i = 0; i < n; i++)
        g_string_append(reply, cache->regs[i].value);
}


static int
gdbRspRegWrite(gdbRspSession *session, virDomainDebugRegister *reg,
               const char *hex, GString *reply)
{
    g_autofree char *value = g_ascii_strdown(hex, reg->size * 2);
    size_t i;

    for (i = 0; value[i]; i++) {
        if (gdbRspHexDigit(value[i]) < 0) {
            g_string_assign(reply, GDB_RSP_ERR_INVAL);
            return -1;
        }
    }
    /* GDB rewrites the whole 'g' set to change one register: skip the
     * unchanged ones (and the round trips and read-only registers) */
    if (g_ascii_strcasecmp(value, reg->value) == 0)
        return 0;
    if (session->ops->setRegister(session->opaque, session->gThread,
                                  reg->name, value) < 0) {
        g_autofree char *what = g_strdup_printf("write register %s",
                                                reg->name);
        gdbRspSessionError(session, reply, what);
        return -1;
    }
    /* a write may change other registers (flags, mode): read them
     * again before the next use */
    return 1;
}


void
gdbRspHandleWriteRegisters(gdbRspSession *session, const char *args,
                           GString *reply)
{
    gdbRspRegCache *cache;
    size_t len = strlen(args);
    size_t off = 0;
    bool written = false;
    int n;
    int i;

    if (!(cache = gdbRspRegCacheGet(session, reply)))
        return;
    n = gdbRspRegGPacketCount(cache);

    /* check the length first: a truncated packet changes nothing */
    for (i = 0; i < n && off < len; i++)
        off += cache->regs[i].size * 2;
    if (off != len) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }

    for (i = 0, off = 0; i < n && off < len; i++) {
        int rc = gdbRspRegWrite(session, &cache->regs[i], args + off, reply);

        if (rc < 0) {
            gdbRspRegCacheInvalidate(session);
            return;
        }
        written |= rc > 0;
        off += cache->regs[i].size * 2;
    }
    if (written)
        gdbRspRegCacheInvalidate(session);
    g_string_assign(reply, "OK");
}


void
gdbRspHandleReadRegister(gdbRspSession *session, const char *args,
                         GString *reply)
{
    virDomainDebugRegister *reg;
    gdbRspRegCache *cache;
    const char *p;
    guint64 number;

    if (!(p = gdbRspParseHexU64(args, &number)) || *p != '\0') {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    if (!(cache = gdbRspRegCacheGet(session, reply)))
        return;
    if (!(reg = gdbRspRegFind(cache, number))) {
        /* "unavailable": GDB shows <unavailable> instead of failing a
         * whole 'info registers' over one register QEMU does not have */
        g_string_assign(reply, "xx");
        return;
    }
    g_string_assign(reply, reg->value);
}


void
gdbRspHandleWriteRegister(gdbRspSession *session, const char *args,
                          GString *reply)
{
    virDomainDebugRegister *reg;
    gdbRspRegCache *cache;
    const char *p;
    guint64 number;

    if (!(p = gdbRspParseHexU64(args, &number)) || *p != '=') {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    if (!(cache = gdbRspRegCacheGet(session, reply)))
        return;
    if (!(reg = gdbRspRegFind(cache, number))) {
        g_string_assign(reply, GDB_RSP_ERR_FAULT);
        return;
    }
    if (strlen(p + 1) != (size_t)reg->size * 2) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    if (gdbRspRegWrite(session, reg, p + 1, reply) != 0)
        gdbRspRegCacheInvalidate(session);
    if (reply->len == 0)
        g_string_assign(reply, "OK");
}
