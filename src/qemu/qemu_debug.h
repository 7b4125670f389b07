/*
 * qemu_debug.h: the QMP debug API of the patched QEMU, as pure functions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This module turns requests into QMP command strings and QMP reply and
 * event strings into typed C structures.  It never talks to a monitor: the
 * API layer sends the strings with virDomainQemuMonitorCommand and hands
 * back the reply text exactly as libvirt returns it
 * ({"return": ..., "id": "libvirt-N"} or {"error": {...}}), and passes the
 * DEBUG_STOP event's "details" (the event's "data" object) as it gets it
 * from virConnectDomainQemuMonitorEventRegister.  Everything here is
 * therefore unit-testable on canned JSON.
 *
 * All errors are GErrors in the VIR_DEBUG_ERROR domain:
 *   VIR_DEBUG_ERROR_QMP          QEMU answered {"error": ...}; the message
 *                                is QEMU's "desc" verbatim
 *   VIR_DEBUG_ERROR_JSON         the reply or event is malformed
 *   VIR_DEBUG_ERROR_UNSUPPORTED  the capabilities rule the request out
 *                                (debugging unsupported, point type,
 *                                hardware slots, step masking)
 *   VIR_DEBUG_ERROR_INVALID      a bad argument (length, alignment, vCPU,
 *                                size)
 *
 * Addresses: json-glib 1.6 has only signed 64-bit integer nodes, so an
 * address above 0x7fffffffffffffff is sent as its two's complement (e.g.
 * 0xffffffff81000000 as -2130706432).  QEMU's QObject input visitor
 * accepts exactly that for 'uint64' and 'size' members
 * (qobject_input_type_uint64: "accept negative values for backward
 * compatibility").  Replies, which QEMU writes as unsigned decimals, are
 * held to the protocol: a negative number or one beyond 2^64-1 in a reply
 * is a malformed reply.
 */

#pragma once

#include <glib.h>

#include "libvirt-debug/libvirt-debug.h"
#include "conf/debug_conf.h"
#include "expr/debug_expr.h"

/* The QMP event the patched QEMU emits when a vCPU stops for the
 * debugger: the event name to register with
 * virConnectDomainQemuMonitorEventRegister. */
#define QEMU_DEBUG_EVENT_STOP "DEBUG_STOP"

/* The command whose presence in query-commands means "this QEMU has the
 * debug API". */
#define QEMU_DEBUG_PROBE_COMMAND "query-debug-capabilities"

/* The command that serves a debug channel (docs/qmp-debug.rst): present
 * in query-commands when QEMU has one. */
#define QEMU_DEBUG_CHANNEL_COMMAND "debug-channel-open"

/* The QEMU runstate (query-status "status") of a VM stopped for the
 * debugger, as opposed to "paused", "prelaunch", "running", ... */
#define QEMU_DEBUG_RUNSTATE_DEBUG "debug"

/* Protocol limits */
#define QEMU_DEBUG_STEP_COUNT_MAX 1000000
#define QEMU_DEBUG_WATCH_LEN_MAX 8
#define QEMU_DEBUG_STEP_TRACE_MAX 100000
#define QEMU_DEBUG_TRACE_DRAIN_MAX 4096

/* ------------------------------------------------------------------ */
/* String tables (wire names)                                          */

typedef enum {
    QEMU_DEBUG_STEP_FLAG_NOIRQ = 0,
    QEMU_DEBUG_STEP_FLAG_NOTIMER,

    QEMU_DEBUG_STEP_FLAG_LAST
} qemuDebugStepFlag;

/* virDomainDebugStopReason <-> "sw-breakpoint", ..., "step", "interrupt" */
VIR_DEBUG_ENUM_DECL(qemuDebugStopReason);
/* qemuDebugStepFlag <-> "noirq", "notimer" */
VIR_DEBUG_ENUM_DECL(qemuDebugStepFlag);
/* The point types use virDomainDebugPointTypeToString/FromString from
 * src/conf: the conf and wire names are the same strings. */

/* ------------------------------------------------------------------ */
/* Typed results                                                       */

typedef struct _qemuDebugCaps qemuDebugCaps;
struct _qemuDebugCaps {
    char *accelerator;           /* "tcg", "kvm", "none", ... */
    bool supported;
    unsigned int pointTypes;     /* bit (1 << virDomainDebugPointType) */
    int hwBreakpoints;           /* -1: unlimited (member absent, TCG) */
    int hwWatchpoints;           /* -1: unlimited */
    bool hwSlotsShared;          /* one pool for both (x86 KVM's DR0-DR3) */
    bool singleStep;
    unsigned int stepFlags;      /* bit (1 << qemuDebugStepFlag) */
    unsigned long long maxMemorySize; /* per debug-read/write-memory call */
    bool hasChannel;             /* debug-channel-open exists */
    bool rangeStep;              /* debug-step range-start/range-end */
    bool conditions;             /* debug-insert condition */
    bool ignoreCount;            /* debug-insert ignore-count */
    bool tracepoints;            /* debug-insert action "trace" */
    bool stepTrace;              /* debug-step trace */
};

qemuDebugCaps *qemuDebugCapsNew(void);
void qemuDebugCapsFree(qemuDebugCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuDebugCaps, qemuDebugCapsFree);

/* Copy into the public structure (free with g_free of accelerator and of
 * the struct, i.e. virDomainDebugCapsFree). */
virDomainDebugCaps *qemuDebugCapsToPublic(const qemuDebugCaps *caps);

/* One vCPU's debug stop: a DEBUG_STOP event or a query-debug-stop entry.
 * For an event, stopped, hasReason and hasPc are always true. */
typedef struct _qemuDebugStop qemuDebugStop;
struct _qemuDebugStop {
    int vcpu;
    bool stopped;
    bool hasReason;
    virDomainDebugStopReason reason;
    bool hasPc;
    unsigned long long pc;
    bool hasPointId;
    int pointId;
    bool hasWatchAddr;
    unsigned long long watchAddr;  /* the watchpoint's address */
    bool hasHitAddr;
    unsigned long long hitAddr;    /* the address the guest accessed */
};

/* Fill the public structure (pointId -1 when absent; hasWatch when
 * either address is known, a missing one then being 0). */
void qemuDebugStopToInfo(const qemuDebugStop *stop,
                         virDomainDebugStopInfo *info);

/* Registers use the public virDomainDebugRegister directly (name, GDB
 * number, size in bytes, value as hex in target byte order). */
void qemuDebugRegistersFree(virDomainDebugRegister *regs, size_t nregs);

/* ------------------------------------------------------------------ */
/* Command builders: each returns the complete QMP command as a string
 * ({"execute": ..., "arguments": {...}}), to free with g_free.  They take
 * typed arguments and cannot fail; the qemuDebugCheck*() functions below
 * vet the arguments against the capabilities first. */

char *qemuDebugBuildQueryCommands(void);
char *qemuDebugBuildQueryCaps(void);
/* stock QMP query-status: whether the VM is stopped for the debugger */
char *qemuDebugBuildQueryStatus(void);
/* debug-insert; point->vcpu VIR_DOMAIN_DEBUG_VCPU_ALL omits cpu-index */
char *qemuDebugBuildInsert(const virDomainDebugPointDef *point);
/* the same, the point belonging to lease @client (NULL: none) */
char *qemuDebugBuildInsertOwned(const virDomainDebugPointDef *point,
                                const char *client);
char *qemuDebugBuildRemove(int id);
char *qemuDebugBuildRemoveAll(void);
/* debug-lease (create or renew, @timeout seconds) and its release */
char *qemuDebugBuildLease(const char *client, unsigned int timeout);
char *qemuDebugBuildLeaseRelease(const char *client);
char *qemuDebugBuildQueryPoints(void);
/* debug-read-msr (x86) */
char *qemuDebugBuildReadMsr(int vcpu, unsigned int msr);
/* count 0 omits it (QEMU default 1); noirq/notimer are always explicit */
char *qemuDebugBuildStep(int vcpu, unsigned int count,
                         bool noirq, bool notimer);
char *qemuDebugBuildContinue(void);
char *qemuDebugBuildInterrupt(void);
char *qemuDebugBuildQueryStop(void);
/* names NULL (or nnames 0) reads every register */
char *qemuDebugBuildReadRegisters(int vcpu,
                                  const char *const *names,
                                  size_t nnames);
char *qemuDebugBuildWriteRegister(int vcpu, const char *name,
                                  const char *value);
/* annex NULL omits it (QEMU default "target.xml") */
char *qemuDebugBuildQueryGdbXml(const char *annex);
/* vcpu -1 omits cpu-index (QEMU default 0); physical false omits it */
char *qemuDebugBuildReadMemory(unsigned long long addr, size_t size,
                               int vcpu, bool physical);
char *qemuDebugBuildWriteMemory(unsigned long long addr,
                                const unsigned char *data, size_t size,
                                int vcpu, bool physical);

/* ------------------------------------------------------------------ */
/* Reply parsers: @reply is the full reply text.  On {"error": ...} they
 * fail with VIR_DEBUG_ERROR_QMP carrying QEMU's desc. */

/* Any command answering {} (remove, remove-all, step, continue,
 * interrupt, write-register, write-memory) */
int qemuDebugParseEmptyReply(const char *reply, GError **error);
/* *hasDebugAPI: query-debug-capabilities is among QEMU's commands;
 * *hasChannel (may be NULL): so is debug-channel-open */
int qemuDebugParseQueryCommandsReply(const char *reply,
                                     bool *hasDebugAPI,
                                     bool *hasChannel,
                                     GError **error);
qemuDebugCaps *qemuDebugParseCapsReply(const char *reply, GError **error);
/* query-status: returns the runstate ("running", "paused", "debug", ...),
 * compare with QEMU_DEBUG_RUNSTATE_DEBUG */
char *qemuDebugParseQueryStatusReply(const char *reply, GError **error);
/* Returns the new point id (> 0), or -1 */
int qemuDebugParseInsertReply(const char *reply, GError **error);
int qemuDebugParseReadMsrReply(const char *reply, unsigned long long *value,
                               GError **error);
/* *points is a g_new array (NULL when empty) */
int qemuDebugParseQueryPointsReply(const char *reply,
                                   virDomainDebugPoint **points,
                                   size_t *npoints,
                                   GError **error);
int qemuDebugParseQueryStopReply(const char *reply,
                                 qemuDebugStop **stops,
                                 size_t *nstops,
                                 GError **error);
/* Values are checked: hex digits, exactly size * 2 of them */
int qemuDebugParseReadRegistersReply(const char *reply,
                                     virDomainDebugRegister **regs,
                                     size_t *nregs,
                                     GError **error);
char *qemuDebugParseGdbXmlReply(const char *reply, GError **error);
/* Decodes the base64 and checks that exactly @expected bytes came back
 * (@expected 0: any length).  *data is g_malloc'ed. */
int qemuDebugParseReadMemoryReply(const char *reply,
                                  size_t expected,
                                  unsigned char **data,
                                  size_t *size,
                                  GError **error);

/* ------------------------------------------------------------------ */
/* Events                                                              */

/* @details: the DEBUG_STOP event's "data" object as JSON text */
qemuDebugStop *qemuDebugParseStopEvent(const char *details, GError **error);

/* ------------------------------------------------------------------ */
/* Capability checks: all of them run before anything is sent.
 *
 * @current / @ncurrent: the points QEMU already has (query-debug-points),
 * counted against the hardware slots.  @nvcpus: the domain's vCPU count,
 * or 0 when unknown (the vCPU binding is then left to QEMU). */

/* debugging is supported at all */
int qemuDebugCheckSupported(const qemuDebugCaps *caps, GError **error);

/* One interactive insert: supported, point type, watchpoint length and
 * alignment, vCPU binding, and a free hardware slot given @current. */
int qemuDebugCheckInsert(const qemuDebugCaps *caps,
                         const virDomainDebugPointDef *point,
                         const virDomainDebugPoint *current,
                         size_t ncurrent,
                         unsigned int nvcpus,
                         GError **error);

/* Every point of a <debug> element, as qemuDebugCheckInsert but all at
 * once: the hardware slot totals of the whole element are checked, and
 * the error names the first point that does not fit. */
int qemuDebugCheckDeclared(const qemuDebugCaps *caps,
                           const virDomainDebugDef *def,
                           const virDomainDebugPoint *current,
                           size_t ncurrent,
                           unsigned int nvcpus,
                           GError **error);

/* A step: single-step support, 1 <= count <= QEMU_DEBUG_STEP_COUNT_MAX,
 * and the masking asked for is one QEMU can do. */
/* A range step (after qemuDebugCheckStep with count 1) */
int qemuDebugCheckStepRange(const qemuDebugCaps *caps,
                            unsigned long long start,
                            unsigned long long end,
                            GError **error);
/* A traced step of @count instructions */
int qemuDebugCheckStepTrace(const qemuDebugCaps *caps,
                            unsigned int count,
                            GError **error);
int qemuDebugCheckStep(const qemuDebugCaps *caps,
                       unsigned int count,
                       bool noirq,
                       bool notimer,
                       GError **error);

/* Resolve the public virDomainDebugStepFlags against the <debug> element's
 * defaults (@def may be NULL: both masked).  MASK and ALLOW of the same
 * thing together is VIR_DEBUG_ERROR_INVALID. */
int qemuDebugStepResolveMasks(const virDomainDebugDef *def,
                              unsigned int flags,
                              bool *noirq,
                              bool *notimer,
                              GError **error);

/* One memory access of @size bytes at @addr fits a single QMP call:
 * 1 <= size <= max-memory-size and addr + size does not wrap. */
int qemuDebugCheckMemoryAccess(const qemuDebugCaps *caps,
                               unsigned long long addr,
                               size_t size,
                               GError **error);

/* ------------------------------------------------------------------ */
/* Translation of a <debug> definition                                 */

/* The ordered QMP commands (strings) that arm every point @def declares,
 * after checking all of them against @caps (and @current, @nvcpus, as
 * above).  Nothing is returned, so nothing gets sent, if any check
 * fails.  An element without points gives an empty array.
 *
 * The same sequence serves an attach and a debug start; see
 * qemuDebugStartResumes for what a start adds. */
GPtrArray *qemuDebugBuildArmCommands(const virDomainDebugDef *def,
                                     const qemuDebugCaps *caps,
                                     const virDomainDebugPoint *current,
                                     size_t ncurrent,
                                     unsigned int nvcpus,
                                     const char *client,
                                     GError **error);

/* A debug start is: start the domain paused (VIR_DOMAIN_START_PAUSED, so
 * QEMU runs with -S and no guest instruction has executed), send the
 * commands of qemuDebugBuildArmCommands, then, when this returns true,
 * resume with virDomainResume.  It returns false for <boot stop="yes">:
 * the guest stays stopped before its first instruction, ready for
 * debug-step.
 *
 * Why no QMP "cont" or "debug-continue" in the sequence: libvirt's own
 * resume reacquires the disk leases of a lock manager (sanlock,
 * virtlockd) and keeps its domain state and reason right; a raw "cont"
 * through the monitor would bypass both.
 *
 * Why no QEMU argv fragment: the patched QEMU's debug API is always
 * present and needs no -gdb / -s (the whole point is to have no
 * gdbstub port), and KVM guest debugging is enabled per vCPU at insert
 * time (KVM_SET_GUEST_DEBUG), so nothing has to be set at launch. */
bool qemuDebugStartResumes(const virDomainDebugDef *def);


/* ------------------------------------------------------------------ */
/* The debug channel (qemu_debug_channel.c)                            */

char *qemuDebugBuildGetfd(const char *fdname);
char *qemuDebugBuildChannelOpen(const char *fdname, const char *client);
bool qemuDebugChannelCarries(const char *execute);
char *qemuDebugChannelRequest(const char *cmd, guint64 id, char **execute,
                              GError **error);

enum {
    QEMU_DEBUG_CHANNEL_REPLY,
    QEMU_DEBUG_CHANNEL_EVENT,
    QEMU_DEBUG_CHANNEL_OTHER,
};
int qemuDebugChannelClassify(const char *line, guint64 *id,
                             qemuDebugStop **event, GError **error);

char *qemuDebugBuildStepWait(int vcpu, unsigned int count, bool noirq,
                             bool notimer, const char *const *names);
int qemuDebugParseRunReply(const char *reply, const char *cmd,
                           qemuDebugStop *stop,
                           virDomainDebugRegister **regs, size_t *nregs,
                           GError **error);


/* ------------------------------------------------------------------ */
/* Work inside QEMU: range and traced steps, conditions, tracepoints   */
/* (qemu_debug_trace.c)                                                */

typedef struct _qemuDebugStepArgs qemuDebugStepArgs;
struct _qemuDebugStepArgs {
    int vcpu;
    unsigned int count;                 /* 0: omitted (QEMU's default) */
    bool noirq;
    bool notimer;
    bool range;                         /* keep stepping inside it */
    unsigned long long rangeStart;
    unsigned long long rangeEnd;
    bool trace;                         /* record each instruction */
    const char *const *traceRegisters;  /* NULL: the pc only */
    bool wait;                          /* debug channel only */
    const char *const *registers;       /* with wait; NULL: all */
};

char *qemuDebugBuildStepArgs(const qemuDebugStepArgs *args);
char *qemuDebugBuildTraceDrain(int id, unsigned int max);
char *qemuDebugBuildQueryStepTrace(int vcpu);

int qemuDebugParseTraceDrainReply(const char *reply,
                                  virDomainDebugTraceRecord **records,
                                  size_t *nrecords,
                                  unsigned long long *dropped,
                                  unsigned long long *remaining,
                                  GError **error);
void qemuDebugTraceRecordsFree(virDomainDebugTraceRecord *records,
                               size_t n);
int qemuDebugParseStepTraceReply(const char *reply,
                                 virDomainDebugStepTraceEntry **entries,
                                 size_t *nentries,
                                 GError **error);
void qemuDebugStepTraceFree(virDomainDebugStepTraceEntry *entries,
                            size_t n);

/* Compile the readable conditions of @def into bytecode */
int qemuDebugCompileConditions(virDomainDebugDef *def,
                               const virDebugExprResolver *resolver,
                               GError **error);

/* query-debug-points entries own strings (condition, error) */
void qemuDebugPointsFree(virDomainDebugPoint *points, size_t npoints);
