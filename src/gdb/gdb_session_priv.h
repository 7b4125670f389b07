/*
 * gdb_session_priv.h: what the command handler files of a session share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdb/gdb_session.h"
#include "gdb/gdb_packet.h"

/* errno-style codes, as QEMU's gdbstub and gdbserver reply; GDB only
 * checks for the 'E', the numbers are for people reading packet logs */
#define GDB_RSP_ERR_GENERIC  "E01"
#define GDB_RSP_ERR_ACCESS   "E0d"   /* EACCES: <debug writable="no"> */
#define GDB_RSP_ERR_FAULT    "E0e"   /* EFAULT: memory not mapped */
#define GDB_RSP_ERR_BUSY     "E10"   /* EBUSY: the target is running */
#define GDB_RSP_ERR_INVAL    "E16"   /* EINVAL: malformed packet */
#define GDB_RSP_ERR_NOSPC    "E1c"   /* ENOSPC: hardware slots exhausted */

typedef struct {
    virDomainDebugRegister *regs;   /* sorted by GDB register number */
    int nregs;
    bool valid;
    bool partial;                   /* only some: g/p read them all */
} gdbRspRegCache;

typedef struct _gdbRspLines gdbRspLines;

struct _gdbRspSession {
    const gdbRspTargetOps *ops;
    void *opaque;
    unsigned int flags;

    int nvcpus;
    int gThread;            /* vCPU for g/G/p/P/m/M/X */
    int cThread;            /* vCPU for s/c; -1: all */
    bool running;
    bool detached;
    bool noAckPending;      /* switch to no-ack after this reply */
    bool gdbSwbreak;        /* GDB understands swbreak:/hwbreak: */
    bool gdbHwbreak;
    virDomainDebugStopInfo lastStop;

    gdbRspRegCache *regCache;       /* one per vCPU */
    char **frameNames;              /* the frame registers this target has,
                                     * once known (gdb_registers.c) */
    GPtrArray *memCache;            /* gdbRspMemBlock: reads of this stop */
    GHashTable *points;             /* "type:addr:len" -> gdbRspPointEntry */
    GHashTable *pointRanges;        /* id -> gdbRspPointRange */
    GHashTable *xmlCache;           /* annex -> target description */

    /* The symbol file GDB may read (gdb_files.c), and its open handles
     * (fd, 0: free) */
    char *execFile;
    long long execOffset;       /* a relocated kernel's offset (qOffsets) */
    int files[8];           /* GDB_RSP_MAX_FILES */
    bool notedSlowPipe;         /* said how to read a large file faster */

    unsigned int features;      /* GDB_RSP_TARGET_*, once known */
    bool featuresKnown;
    gdbRspLines *lines;         /* the line table of execFile (gdb_lines.c) */

    /* Stops posted by the event thread, drained by the loop */
    GMutex lock;
    GQueue stops;
    int wakeupFd;
    /* The domain ended under GDB (posted by the event thread): -1 not,
     * else the signal GDB is told the inferior died of (0: it exited) */
    int exitSignal;
};

typedef struct {
    unsigned long long addr;
    unsigned long long len;
} gdbRspPointRange;

/* What one Z packet inserted */
typedef struct {
    GArray *ids;            /* the target's point ids */
    char *conditions;       /* the ;X bytecodes joined by ';', "" if none */
} gdbRspPointEntry;

/* gdb_session.c */
unsigned int gdbRspSessionFeatures(gdbRspSession *session);
void gdbRspSessionError(gdbRspSession *session, GString *reply,
                        const char *what);
const char *gdbRspParseThreadId(const char *p, int *vcpu);

/* gdb_registers.c */
void gdbRspRegCacheInvalidate(gdbRspSession *session);
void gdbRspRegCacheFree(gdbRspSession *session);
void gdbRspRegCacheFill(gdbRspSession *session, int vcpu,
                        virDomainDebugRegister *regs, int nregs,
                        bool partial);
void gdbRspRegExpedite(gdbRspSession *session, int vcpu, GString *reply);
const virDomainDebugRegister *gdbRspRegCacheLookup(gdbRspSession *session,
                                                   int vcpu,
                                                   const char *name);
void gdbRspHandleReadRegisters(gdbRspSession *session, GString *reply);
void gdbRspHandleWriteRegisters(gdbRspSession *session,
                                const char *args, GString *reply);
void gdbRspHandleReadRegister(gdbRspSession *session,
                              const char *args, GString *reply);
void gdbRspHandleWriteRegister(gdbRspSession *session,
                               const char *args, GString *reply);

/* gdb_memory.c */
void gdbRspMemCacheInvalidate(gdbRspSession *session);
void gdbRspHandleReadMemory(gdbRspSession *session,
                            const char *args, GString *reply);
void gdbRspHandleWriteMemoryHex(gdbRspSession *session,
                                const char *args, size_t len,
                                GString *reply);
void gdbRspHandleWriteMemoryBinary(gdbRspSession *session,
                                   const char *args, size_t len,
                                   GString *reply);

/* gdb_files.c */
void gdbRspHandleXferExecFile(gdbRspSession *session, const char *args,
                              GString *reply);
void gdbRspHandleFile(gdbRspSession *session, const char *args,
                      GString *reply);
void gdbRspFilesClose(gdbRspSession *session);

/* gdb_lines.c: GDB steps a source line as ranges of its line-table
 * rows; widen [*start, *end) to the whole run of rows of that line */
void gdbRspLinesWiden(gdbRspSession *session, unsigned long long *start,
                      unsigned long long *end);
void gdbRspLinesFree(gdbRspLines *lines);

/* gdb_points.c */
void gdbRspHandlePoint(gdbRspSession *session, bool insert,
                       const char *args, GString *reply);
void gdbRspPointsForget(gdbRspSession *session);
void gdbRspPointEntryFree(gdbRspPointEntry *entry);
