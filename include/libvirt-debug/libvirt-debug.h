/*
 * libvirt-debug.h: managed guest debugging over a libvirt connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libvirt/libvirt.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * virDomainDebugPointType:
 *
 * The kinds of debug point.  Hardware breakpoints and watchpoints draw on
 * the accelerator's debug registers where it has a limit (KVM); TCG
 * emulates any number.
 */
typedef enum {
    VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT = 0,
    VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT = 1,
    VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE = 2,
    VIR_DOMAIN_DEBUG_POINT_WATCH_READ = 3,
    VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS = 4,

    VIR_DOMAIN_DEBUG_POINT_LAST
} virDomainDebugPointType;

/**
 * virDomainDebugStopReason:
 *
 * Why a vCPU stopped for the debugger.
 */
typedef enum {
    VIR_DOMAIN_DEBUG_STOP_SW_BREAKPOINT = 0,
    VIR_DOMAIN_DEBUG_STOP_HW_BREAKPOINT = 1,
    VIR_DOMAIN_DEBUG_STOP_WATCH_WRITE = 2,
    VIR_DOMAIN_DEBUG_STOP_WATCH_READ = 3,
    VIR_DOMAIN_DEBUG_STOP_WATCH_ACCESS = 4,
    VIR_DOMAIN_DEBUG_STOP_STEP = 5,
    VIR_DOMAIN_DEBUG_STOP_INTERRUPT = 6, /* stopped on request */

    VIR_DOMAIN_DEBUG_STOP_LAST
} virDomainDebugStopReason;


/**
 * virDomainDebugStepFlags:
 *
 * Interrupt and timer masking while stepping.  With none of these flags a
 * step uses what the domain's <debug> element declares (default: both
 * masked, as QEMU's gdbstub does).
 */
typedef enum {
    VIR_DOMAIN_DEBUG_STEP_MASK_IRQ = (1 << 0),
    VIR_DOMAIN_DEBUG_STEP_ALLOW_IRQ = (1 << 1),
    VIR_DOMAIN_DEBUG_STEP_MASK_TIMERS = (1 << 2),
    VIR_DOMAIN_DEBUG_STEP_ALLOW_TIMERS = (1 << 3),
} virDomainDebugStepFlags;

/**
 * virDomainDebugAttachFlags:
 *
 * VIR_DOMAIN_DEBUG_ATTACH_FORCE: attach even though the domain's <debug>
 * element says allowed="no".
 * VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS: do not arm the declared points.
 * VIR_DOMAIN_DEBUG_ATTACH_LEASE: take a lease on the domain for this
 * process: the points it arms and inserts from now on belong to the
 * lease, and if the process dies without virDomainDebugDetach() (killed,
 * crashed, its host or connection gone), QEMU removes those points and
 * resumes the guest by itself.  On a connection that can pass files
 * (the embedded driver, a local qemu:///system or qemu:///session) the
 * lease is a debug channel: a socket straight to QEMU that carries this
 * process's debug calls and events for the domain from then on, without
 * a libvirt round trip each, and whose close ends the lease at once.
 * Elsewhere (qemu+ssh://, qemu+tcp://, or a QEMU without the channel) a
 * thread of the library renews a timed lease over the monitor, which
 * QEMU ends once it runs out (15 seconds; LIBVIRT_DEBUG_LEASE_TIMEOUT
 * sets 1 to 3600).  LIBVIRT_DEBUG_TRANSPORT=channel or =monitor forces
 * one (channel: fail rather than fall back).  For sessions and debugger
 * bridges; a process that attaches to leave points armed after it exits
 * must not use it.
 */
typedef enum {
    VIR_DOMAIN_DEBUG_ATTACH_FORCE = (1 << 0),
    VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS = (1 << 1),
    VIR_DOMAIN_DEBUG_ATTACH_LEASE = (1 << 2),
} virDomainDebugAttachFlags;

/**
 * virDomainDebugDetachFlags:
 *
 * VIR_DOMAIN_DEBUG_DETACH_ALL: remove every debug point of the domain,
 * not only those of this process's lease.
 */
typedef enum {
    VIR_DOMAIN_DEBUG_DETACH_ALL = (1 << 0),
} virDomainDebugDetachFlags;

/**
 * virDomainDebugMemoryFlags:
 *
 * VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL: the address is a guest-physical address;
 * otherwise it is virtual, translated by the given vCPU's MMU.
 */
typedef enum {
    VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL = (1 << 0),
} virDomainDebugMemoryFlags;

/**
 * virDomainDebugErrorCode:
 *
 * What went wrong in the last failed call of this thread.
 */
typedef enum {
    VIR_DOMAIN_DEBUG_ERR_NONE = 0,
    VIR_DOMAIN_DEBUG_ERR_INTERNAL,       /* a bug, or an unexpected reply */
    VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,    /* bad argument from the caller */
    VIR_DOMAIN_DEBUG_ERR_LIBVIRT,        /* libvirt refused the call */
    VIR_DOMAIN_DEBUG_ERR_READ_ONLY,      /* read-only connection */
    VIR_DOMAIN_DEBUG_ERR_NOT_RUNNING,    /* the domain is not running */
    VIR_DOMAIN_DEBUG_ERR_NO_DEBUG_API,   /* the QEMU is not the patched one */
    VIR_DOMAIN_DEBUG_ERR_UNSUPPORTED,    /* the accelerator cannot do it */
    VIR_DOMAIN_DEBUG_ERR_DISALLOWED,     /* <debug allowed="no"> (or writable="no") */
    VIR_DOMAIN_DEBUG_ERR_NO_SLOTS,       /* hardware debug registers exhausted */
    VIR_DOMAIN_DEBUG_ERR_QEMU,           /* QEMU refused the command */
    VIR_DOMAIN_DEBUG_ERR_XML,            /* invalid <debug> element */
    VIR_DOMAIN_DEBUG_ERR_TIMEOUT,        /* nothing happened in time */
    VIR_DOMAIN_DEBUG_ERR_NO_SYMBOLS,     /* no symbol file is known */
    VIR_DOMAIN_DEBUG_ERR_SYMBOLS,        /* unreadable symbol file, or no such symbol */

    VIR_DOMAIN_DEBUG_ERR_LAST
} virDomainDebugErrorCode;

/**
 * virDomainDebugGetLastErrorMessage:
 *
 * Returns the message of the last error raised by a virDomainDebug*() call
 * in this thread ("no error" if none).  Messages name the domain and say
 * what to do.  The string belongs to the library and stays valid until
 * the thread's next virDomainDebug*() call.
 */
const char *virDomainDebugGetLastErrorMessage(void);

/**
 * virDomainDebugGetLastErrorCode:
 *
 * Returns the virDomainDebugErrorCode of the last error in this thread.
 */
int virDomainDebugGetLastErrorCode(void);

/**
 * virDomainDebugResetLastError:
 *
 * Forget the last error of this thread.
 */
void virDomainDebugResetLastError(void);

/* ------------------------------------------------------------------ */
/* Capabilities                                                        */

typedef struct _virDomainDebugCaps virDomainDebugCaps;
struct _virDomainDebugCaps {
    char *accelerator;            /* "tcg", "kvm", ... */
    int supported;                /* guest debugging works at all */
    unsigned int pointTypes;      /* bit (1 << virDomainDebugPointType) */
    int hwBreakpoints;            /* -1: unlimited (TCG) */
    int hwWatchpoints;            /* -1: unlimited (TCG) */
    int hwSlotsShared;            /* one pool for both (KVM x86) */
    int singleStep;
    int stepMaskIrq;              /* IRQ masking while stepping supported */
    int stepMaskTimers;           /* timer masking while stepping supported */
    unsigned long long maxMemorySize; /* per QMP call; the API splits */
    /* Work QEMU does without a round trip per instruction or per hit */
    int rangeStep;                /* virDomainDebugStepRange */
    int conditions;               /* VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION* */
    int ignoreCount;              /* VIR_DOMAIN_DEBUG_POINT_PARAM_IGNORE */
    int tracepoints;              /* VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE */
    int stepTrace;                /* virDomainDebugStepTrace */
};

/**
 * virDomainDebugGetCapabilities:
 * @dom: a running domain
 * @flags: 0
 *
 * Probes the domain's QEMU.  A QEMU without the debug API (found by asking
 * it which commands it has) fails with VIR_DOMAIN_DEBUG_ERR_NO_DEBUG_API.
 *
 * Returns the capabilities (free with virDomainDebugCapsFree), or NULL.
 */
virDomainDebugCaps *virDomainDebugGetCapabilities(virDomainPtr dom,
                                                  unsigned int flags);
void virDomainDebugCapsFree(virDomainDebugCaps *caps);

/* ------------------------------------------------------------------ */
/* Session                                                             */

/**
 * virDomainDebugAttach:
 * @dom: a running domain
 * @flags: bitwise-OR of virDomainDebugAttachFlags
 *
 * Starts debugging: checks the QEMU has the debug API and that the
 * domain's <debug> element allows debugging (unless
 * VIR_DOMAIN_DEBUG_ATTACH_FORCE), checks the declared points against the
 * hardware slot counts, then arms them.  Nothing is armed if any check
 * fails.  The guest keeps running.
 *
 * Returns the number of points armed, or -1.
 */
int virDomainDebugAttach(virDomainPtr dom, unsigned int flags);

/**
 * virDomainDebugTransportType:
 *
 * How this process's debug calls for a domain travel.
 */
typedef enum {
    VIR_DOMAIN_DEBUG_TRANSPORT_TYPE_MONITOR = 0, /* libvirt's QEMU monitor */
    VIR_DOMAIN_DEBUG_TRANSPORT_TYPE_CHANNEL = 1, /* a debug channel */
} virDomainDebugTransportType;

/**
 * virDomainDebugGetTransport:
 * @dom: a domain
 *
 * Returns VIR_DOMAIN_DEBUG_TRANSPORT_TYPE_CHANNEL while this process has
 * an open debug channel to @dom (see VIR_DOMAIN_DEBUG_ATTACH_LEASE),
 * VIR_DOMAIN_DEBUG_TRANSPORT_TYPE_MONITOR otherwise.
 */
int virDomainDebugGetTransport(virDomainPtr dom);

/**
 * virDomainDebugDetach:
 * @dom: a running domain
 * @flags: bitwise-OR of virDomainDebugDetachFlags
 *
 * Without a lease (see VIR_DOMAIN_DEBUG_ATTACH_LEASE), or with
 * VIR_DOMAIN_DEBUG_DETACH_ALL: removes every debug point and resumes the
 * guest if it is stopped in the debugger, leaving it as if it had never
 * been debugged.  With a lease: ends it, which removes the lease's points
 * only (another client's stay) and resumes the guest if it is stopped in
 * the debugger and no other client holds a lease.
 *
 * Returns 0, or -1.
 */
int virDomainDebugDetach(virDomainPtr dom, unsigned int flags);

/**
 * virDomainDebugStart:
 * @dom: a defined, inactive domain
 * @flags: bitwise-OR of virDomainDebugAttachFlags
 *
 * Starts the domain paused, attaches (arming the declared points before
 * the guest's first instruction), then resumes it unless the <debug>
 * element asks for <boot stop="yes">; in that case the guest stays stopped
 * before its first instruction, ready for stepping.
 *
 * Returns the number of points armed, or -1 (the domain is destroyed
 * again if arming failed).
 */
int virDomainDebugStart(virDomainPtr dom, unsigned int flags);

/* ------------------------------------------------------------------ */
/* Debug points                                                        */

typedef struct _virDomainDebugRegister virDomainDebugRegister;
typedef struct _virDomainDebugSymbols virDomainDebugSymbols;
typedef struct _virDomainDebugPoint virDomainDebugPoint;
struct _virDomainDebugPoint {
    int id;
    virDomainDebugPointType type;
    unsigned long long addr;
    unsigned long long len;       /* 0 for breakpoints */
    int vcpu;                     /* -1: every vCPU */
    unsigned long long hits;      /* times reached, conditions true or not */
    int trace;                    /* a tracepoint: collects and continues */
    char *condition;              /* agent-expression bytecode, hex; NULL */
    char *conditionText;          /* as written, if in readable syntax */
    unsigned long long ignoreCount;     /* true hits still to ignore */
    unsigned long long conditionErrors; /* evaluations that failed */
    char *lastConditionError;     /* why the last one failed, or NULL */
    unsigned long long traceRecords;    /* buffered, not drained yet */
    unsigned long long traceDropped;    /* lost to overflow */
    unsigned long long traceCapacity;   /* records the buffer holds */
};

/**
 * virDomainDebugPointsFree:
 * @points: an array from virDomainDebugListPoints
 * @npoints: its length
 *
 * Frees the array and the strings of its points.
 */
void virDomainDebugPointsFree(virDomainDebugPoint *points, int npoints);

/*
 * Typed parameters of virDomainDebugInsertPointParams.  Each is
 * optional; a parameter marked repeatable may be given several times.
 */
/* string: a condition in the readable syntax of docs/conditions.rst,
 * compiled with the symbols of the domain's <symbols file=>; with
 * CONDITION_BYTECODE too, the bytecode is evaluated and this text is
 * only what debug-list shows (conditionText) */
#define VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION "condition"
/* string: a condition as GDB agent-expression bytecode, in hex */
#define VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION_BYTECODE "condition-bytecode"
/* uint: true hits that do not fire before one does */
#define VIR_DOMAIN_DEBUG_POINT_PARAM_IGNORE "ignore"
/* boolean: a tracepoint (breakpoint types only): collect and continue */
#define VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE "trace"
/* string, repeatable: a register to collect, e.g. "rip" */
#define VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_REGISTER "collect-register"
/* string, repeatable: memory to collect, "ADDR:LEN" (ADDR 0x-hex or
 * decimal, LEN 1 to 4096 bytes) */
#define VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_MEMORY "collect-memory"
/* uint: records the tracepoint's ring buffer holds (1 to 65536;
 * QEMU's default 1024) */
#define VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE_CAPACITY "trace-capacity"
/* boolean: a DEBUG_TRACE_FULL event when the buffer fills (at most one
 * a second) */
#define VIR_DOMAIN_DEBUG_POINT_PARAM_NOTIFY_FULL "notify-full"

/**
 * virDomainDebugInsertPointParams:
 * @dom: a running domain
 * @type: a virDomainDebugPointType
 * @addr: guest virtual address
 * @len: watchpoints: 1, 2, 4 or 8, @addr aligned to it; breakpoints: 0
 * @vcpu: the vCPU to bind it to, or -1 for all
 * @params: VIR_DOMAIN_DEBUG_POINT_PARAM_* (may be NULL)
 * @nparams: how many
 * @flags: 0
 *
 * virDomainDebugInsertPoint with a condition, an ignore count or a
 * trace action, all evaluated by QEMU at each hit without a round trip:
 * a false condition or an ignored hit lets the guest go on, a
 * tracepoint records what it collects and lets it go on.
 *
 * Returns the new point's id (> 0), or -1.
 */
int virDomainDebugInsertPointParams(virDomainPtr dom,
                                    virDomainDebugPointType type,
                                    unsigned long long addr,
                                    unsigned long long len,
                                    int vcpu,
                                    virTypedParameterPtr params,
                                    int nparams,
                                    unsigned int flags);

/**
 * virDomainDebugCompileCondition:
 * @dom: a running domain (its registers name the $registers)
 * @condition: text in the syntax of docs/conditions.rst
 * @syms: symbols for the names in @condition, or NULL for the domain's
 *        <symbols file=> (if any)
 * @flags: 0
 *
 * Returns the condition as hex agent-expression bytecode (free()), for
 * VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION_BYTECODE, or NULL with an
 * error naming the column at fault.
 */
char *virDomainDebugCompileCondition(virDomainPtr dom,
                                     const char *condition,
                                     virDomainDebugSymbols *syms,
                                     unsigned int flags);

/* One record of a tracepoint */
typedef struct _virDomainDebugTraceMemory virDomainDebugTraceMemory;
struct _virDomainDebugTraceMemory {
    unsigned long long addr;
    size_t len;
    unsigned char *data;          /* len bytes, or NULL if unreadable */
    char *error;                  /* why it was unreadable, or NULL */
};


typedef struct _virDomainDebugTraceRecord virDomainDebugTraceRecord;
struct _virDomainDebugTraceRecord {
    unsigned long long seq;       /* 1, 2, ...: a gap is a dropped record */
    int vcpu;
    unsigned long long pc;
    long long timestamp;          /* host realtime clock, ns */
    virDomainDebugRegister *regs;
    int nregs;
    virDomainDebugTraceMemory *mem;
    int nmem;
};

/**
 * virDomainDebugTraceDrain:
 * @dom: a running domain
 * @id: a tracepoint
 * @max: at most this many records (1 to 4096; 0: 256)
 * @records: set to the records, oldest first (free with
 *           virDomainDebugTraceRecordsFree)
 * @dropped: set to the records lost to overflow since insertion (may
 *           be NULL)
 * @remaining: set to the records still buffered (may be NULL)
 * @flags: 0
 *
 * Takes the oldest records out of the tracepoint's ring buffer.
 *
 * Returns the number of records, or -1.
 */
int virDomainDebugTraceDrain(virDomainPtr dom, int id, unsigned int max,
                             virDomainDebugTraceRecord **records,
                             unsigned long long *dropped,
                             unsigned long long *remaining,
                             unsigned int flags);
void virDomainDebugTraceRecordsFree(virDomainDebugTraceRecord *records,
                                    int nrecords);

/**
 * virDomainDebugInsertPoint:
 * @dom: a running domain
 * @type: a virDomainDebugPointType
 * @addr: guest virtual address
 * @len: watchpoints: 1, 2, 4 or 8, @addr aligned to it; breakpoints: 0
 * @vcpu: the vCPU to bind it to, or -1 for all
 * @flags: 0
 *
 * Returns the new point's id (> 0), or -1.
 */
int virDomainDebugInsertPoint(virDomainPtr dom,
                              virDomainDebugPointType type,
                              unsigned long long addr,
                              unsigned long long len,
                              int vcpu,
                              unsigned int flags);

/**
 * virDomainDebugRemovePoint:
 * @dom: a running domain
 * @id: a point id from virDomainDebugInsertPoint or virDomainDebugListPoints
 * @flags: 0
 *
 * Returns 0, or -1.
 */
int virDomainDebugRemovePoint(virDomainPtr dom, int id, unsigned int flags);

/**
 * virDomainDebugRemoveAllPoints:
 *
 * Returns 0, or -1.
 */
int virDomainDebugRemoveAllPoints(virDomainPtr dom, unsigned int flags);

/**
 * virDomainDebugListPoints:
 * @dom: a running domain
 * @points: set to an array (free with free()/g_free())
 * @flags: 0
 *
 * Returns the number of points, or -1.
 */
int virDomainDebugListPoints(virDomainPtr dom,
                             virDomainDebugPoint **points,
                             unsigned int flags);

/* ------------------------------------------------------------------ */
/* Execution control                                                   */

typedef struct _virDomainDebugStopInfo virDomainDebugStopInfo;
struct _virDomainDebugStopInfo {
    int vcpu;
    int stopped;                  /* 0: running, or never stopped */
    virDomainDebugStopReason reason;
    unsigned long long pc;
    int pointId;                  /* -1: none */
    int hasWatch;                 /* watchAddr and hitAddr are valid */
    unsigned long long watchAddr; /* the watchpoint's address */
    unsigned long long hitAddr;   /* the address the guest accessed */
};

/**
 * virDomainDebugStep:
 * @dom: a running domain whose vCPUs are stopped
 * @vcpu: the vCPU to step (others stay stopped)
 * @count: instructions to execute (>= 1)
 * @flags: bitwise-OR of virDomainDebugStepFlags
 *
 * Returns as soon as QEMU accepted the step; the end of the step is a
 * debug-exit event with reason VIR_DOMAIN_DEBUG_STOP_STEP (or an earlier
 * breakpoint or watchpoint stop).
 *
 * Returns 0, or -1.
 */
int virDomainDebugStep(virDomainPtr dom, int vcpu, unsigned int count,
                       unsigned int flags);

/**
 * virDomainDebugStepRange:
 * @dom: a running domain whose vCPUs are stopped
 * @vcpu: the vCPU to step
 * @start: first address of the range
 * @end: the address after the range (> @start)
 * @flags: bitwise-OR of virDomainDebugStepFlags
 *
 * Steps @vcpu one instruction, then keeps stepping inside QEMU while its
 * program counter stays in [@start, @end): GDB's range stepping, with
 * no round trip per instruction.  Ends like virDomainDebugStep, with a
 * VIR_DOMAIN_DEBUG_STOP_STEP event once the pc left the range (or an
 * earlier point's stop, or virDomainDebugStop).
 *
 * Returns 0, or -1.
 */
int virDomainDebugStepRange(virDomainPtr dom, int vcpu,
                            unsigned long long start,
                            unsigned long long end,
                            unsigned int flags);

/* One instruction of a traced step */
typedef struct _virDomainDebugStepTraceEntry virDomainDebugStepTraceEntry;
struct _virDomainDebugStepTraceEntry {
    unsigned long long pc;        /* before the instruction */
    virDomainDebugRegister *regs; /* those asked for, before it */
    int nregs;
};

/**
 * virDomainDebugStepTrace:
 * @dom: a running domain whose vCPUs are stopped
 * @vcpu: the vCPU to step
 * @count: instructions to execute (1 to 100000)
 * @registers: NULL-terminated names of registers to record before each
 *             instruction, or NULL for the program counter only
 * @flags: bitwise-OR of virDomainDebugStepFlags
 *
 * virDomainDebugStep that records each instruction it executes; after
 * its stop event, virDomainDebugGetStepTrace returns the record.
 *
 * Returns 0, or -1.
 */
int virDomainDebugStepTrace(virDomainPtr dom, int vcpu, unsigned int count,
                            const char *const *registers,
                            unsigned int flags);

/**
 * virDomainDebugGetStepTrace:
 * @dom: a running domain
 * @vcpu: the vCPU of the traced step
 * @entries: set to one entry per instruction executed, in order (free
 *           with virDomainDebugStepTraceFree)
 * @flags: 0
 *
 * Returns the number of entries of @vcpu's last traced step, or -1.
 */
int virDomainDebugGetStepTrace(virDomainPtr dom, int vcpu,
                               virDomainDebugStepTraceEntry **entries,
                               unsigned int flags);
void virDomainDebugStepTraceFree(virDomainDebugStepTraceEntry *entries,
                                 int nentries);

/**
 * virDomainDebugContinue:
 *
 * Resumes the guest; a vCPU sitting on a breakpoint steps over it first.
 * Returns 0, or -1.
 */
int virDomainDebugContinue(virDomainPtr dom, unsigned int flags);

/**
 * virDomainDebugStop:
 *
 * Stops every vCPU for the debugger (a debug-exit event with reason
 * VIR_DOMAIN_DEBUG_STOP_INTERRUPT follows).  Returns 0, or -1.
 */
int virDomainDebugStop(virDomainPtr dom, unsigned int flags);

/**
 * virDomainDebugGetStops:
 * @dom: a running domain
 * @stops: set to one entry per vCPU (free with free()/g_free())
 * @flags: 0
 *
 * Where each vCPU last stopped for the debugger, for clients that missed
 * the event.  Returns the number of vCPUs, or -1.
 */
int virDomainDebugGetStops(virDomainPtr dom, virDomainDebugStopInfo **stops,
                           unsigned int flags);

/* ------------------------------------------------------------------ */
/* Registers and memory                                                */

struct _virDomainDebugRegister {
    char *name;
    int number;                   /* GDB register number */
    int size;                     /* bytes */
    char *value;                  /* hex, target byte order */
};

/**
 * virDomainDebugGetRegisters:
 * @dom: a running domain
 * @vcpu: which vCPU
 * @names: register names, or NULL for all
 * @nnames: number of @names
 * @regs: set to the array (free with virDomainDebugRegistersFree)
 * @flags: 0
 *
 * Returns the number of registers, or -1.
 */
int virDomainDebugGetRegisters(virDomainPtr dom, int vcpu,
                               const char **names, size_t nnames,
                               virDomainDebugRegister **regs,
                               unsigned int flags);
void virDomainDebugRegistersFree(virDomainDebugRegister *regs, int nregs);

/**
 * virDomainDebugRegisterValue:
 * @reg: a register up to 8 bytes wide
 * @value: set to its value as a number (the hex is little-endian)
 *
 * Returns 0, or -1 if the register is wider than 8 bytes.
 */
int virDomainDebugRegisterValue(const virDomainDebugRegister *reg,
                                unsigned long long *value);

/**
 * virDomainDebugSetRegister:
 * @dom: a running domain
 * @vcpu: which vCPU
 * @name: register name as virDomainDebugGetRegisters reports it
 * @value: hex in target byte order, exactly the register's size
 * @flags: 0
 *
 * Refused when the <debug> element says writable="no".
 * Returns 0, or -1.
 */
int virDomainDebugSetRegister(virDomainPtr dom, int vcpu, const char *name,
                              const char *value, unsigned int flags);

/**
 * virDomainDebugSetRegisterValue:
 *
 * As virDomainDebugSetRegister, with the value as a number; the library
 * encodes it in the register's size and byte order.
 */
int virDomainDebugSetRegisterValue(virDomainPtr dom, int vcpu,
                                   const char *name,
                                   unsigned long long value,
                                   unsigned int flags);

/**
 * virDomainDebugReadMemory:
 * @dom: a running domain
 * @addr: guest address (virtual through @vcpu's MMU, or physical)
 * @size: bytes to read; larger reads are split into QMP-sized pieces
 * @buf: where to put them
 * @vcpu: vCPU whose MMU translates virtual addresses
 * @flags: virDomainDebugMemoryFlags
 *
 * Returns 0, or -1.
 */
int virDomainDebugReadMemory(virDomainPtr dom, unsigned long long addr,
                             size_t size, unsigned char *buf, int vcpu,
                             unsigned int flags);

/**
 * virDomainDebugWriteMemory:
 *
 * As virDomainDebugReadMemory, writing @size bytes from @buf.  Refused
 * when the <debug> element says writable="no".  Returns 0, or -1.
 */
int virDomainDebugWriteMemory(virDomainPtr dom, unsigned long long addr,
                              const unsigned char *buf, size_t size,
                              int vcpu, unsigned int flags);

/**
 * virDomainDebugGetTargetXML:
 * @dom: a running domain
 * @annex: "target.xml" or a file it includes
 * @flags: 0
 *
 * The GDB target description of the guest's CPU (for GDB bridges).
 * Returns the XML (free with free()/g_free()), or NULL.
 */
char *virDomainDebugGetTargetXML(virDomainPtr dom, const char *annex,
                                 unsigned int flags);

/* ------------------------------------------------------------------ */
/* Debug-exit events                                                   */

/**
 * virDomainDebugEventCallback:
 * @conn: the connection
 * @dom: the domain that stopped
 * @stop: where and why (valid during the call only)
 * @opaque: the caller's data
 *
 * Called from the libvirt event loop of the process, which the
 * application must run (virEventRegisterDefaultImpl() before opening the
 * connection, then virEventRunDefaultImpl() in a loop).
 */
typedef void (*virDomainDebugEventCallback)(virConnectPtr conn,
                                            virDomainPtr dom,
                                            const virDomainDebugStopInfo *stop,
                                            void *opaque);

/**
 * virDomainDebugEventRegister:
 * @conn: a connection
 * @dom: a domain, or NULL for every domain of @conn
 * @cb: called for each debug exit
 * @opaque: passed to @cb
 * @freecb: frees @opaque when the callback is deregistered
 *
 * Uses libvirt's QEMU monitor event API, so events arrive over remote
 * connections too.  Returns a callback id (>= 0), or -1.
 */
int virDomainDebugEventRegister(virConnectPtr conn, virDomainPtr dom,
                                virDomainDebugEventCallback cb,
                                void *opaque, virFreeCallback freecb);
int virDomainDebugEventDeregister(virConnectPtr conn, int callbackID);

/* ------------------------------------------------------------------ */
/* Symbols                                                             */

/**
 * virDomainDebugSymbols:
 *
 * A guest's symbol table, read from a file on the machine that runs the
 * caller: an ELF file with a symbol table (an unstripped vmlinux, with or
 * without DWARF, a firmware or any other ELF) or a System.map (nm's
 * "ADDRESS TYPE NAME" lines, as the kernel build writes it).  Addresses
 * are the file's plus a relocation offset (0 unless set with
 * virDomainDebugSymbolsSetOffset, e.g. a kernel's KASLR slide).
 *
 * A table is read-only once opened, so any number of threads may look
 * symbols up at once; virDomainDebugSymbolsSetOffset must not run
 * concurrently with other calls on the same table.
 */

/**
 * virDomainDebugSymbolsOpen:
 * @path: an ELF file or a System.map
 * @flags: 0
 *
 * Reads the whole symbol table (the ELF is kept open for
 * virDomainDebugSymbolsReadFile).  Fails with VIR_DOMAIN_DEBUG_ERR_SYMBOLS
 * if the file cannot be read, is a stripped ELF or is neither format.
 *
 * Returns the table (free with virDomainDebugSymbolsFree), or NULL.
 */
virDomainDebugSymbols *virDomainDebugSymbolsOpen(const char *path,
                                                 unsigned int flags);

/**
 * virDomainDebugSymbolsOpenDomain:
 * @dom: a domain
 * @flags: 0
 *
 * Opens the file the domain's <debug:symbols file=...> element names (a
 * path on the machine running the caller).  Fails with
 * VIR_DOMAIN_DEBUG_ERR_NO_SYMBOLS if the element names none.
 *
 * Returns the table (free with virDomainDebugSymbolsFree), or NULL.
 */
virDomainDebugSymbols *virDomainDebugSymbolsOpenDomain(virDomainPtr dom,
                                                       unsigned int flags);

void virDomainDebugSymbolsFree(virDomainDebugSymbols *syms);

/**
 * virDomainDebugSymbolsGetPath:
 *
 * Returns the file the table was read from (owned by the table).
 */
const char *virDomainDebugSymbolsGetPath(const virDomainDebugSymbols *syms);

/**
 * virDomainDebugSymbolsSetOffset / virDomainDebugSymbolsGetOffset:
 *
 * The relocation offset: guest address = file address + offset.  Every
 * lookup, name and parse applies it.
 */
void virDomainDebugSymbolsSetOffset(virDomainDebugSymbols *syms,
                                    long long offset);
long long virDomainDebugSymbolsGetOffset(const virDomainDebugSymbols *syms);

/**
 * virDomainDebugSymbolsLookup:
 * @syms: a table
 * @name: a symbol name (a global symbol wins over static ones of the
 *        same name)
 * @addr: set to its guest address
 * @size: set to its size in bytes, 0 if the file does not say (may be NULL)
 *
 * Returns 0, or -1 (VIR_DOMAIN_DEBUG_ERR_SYMBOLS: no such symbol).
 */
int virDomainDebugSymbolsLookup(const virDomainDebugSymbols *syms,
                                const char *name,
                                unsigned long long *addr,
                                unsigned long long *size);

/**
 * virDomainDebugSymbolsNameAddress:
 * @syms: a table
 * @addr: a guest address
 * @offset: set to @addr's offset into the symbol (may be NULL)
 *
 * The symbol covering @addr: the closest one at or below it, within its
 * size when the file gives one.
 *
 * Returns its name (owned by the table), or NULL when no symbol covers
 * @addr (not an error).
 */
const char *virDomainDebugSymbolsNameAddress(const virDomainDebugSymbols *syms,
                                             unsigned long long addr,
                                             unsigned long long *offset);

/**
 * virDomainDebugSymbolsFormatAddress:
 *
 * @addr as "symbol" or "symbol+0x1c" (free with free()/g_free()), or NULL
 * when no symbol covers it.
 */
char *virDomainDebugSymbolsFormatAddress(const virDomainDebugSymbols *syms,
                                         unsigned long long addr);

/**
 * virDomainDebugSymbolsParseAddress:
 * @syms: a table, or NULL (then only numbers are accepted)
 * @expr: "SYMBOL", "SYMBOL+OFFSET", "0xHEX" or "0dDECIMAL"; OFFSET is
 *        0xHEX, 0dDECIMAL or a single digit
 * @addr: set to the guest address
 *
 * A bare number of two digits or more is refused
 * (VIR_DOMAIN_DEBUG_ERR_INVALID_ARG): "100090" is 0x100090 to some
 * people and 0x186fa to others.  A symbol with @syms NULL fails with
 * VIR_DOMAIN_DEBUG_ERR_NO_SYMBOLS, an unknown one with
 * VIR_DOMAIN_DEBUG_ERR_SYMBOLS.
 *
 * Returns 0, or -1.
 */
int virDomainDebugSymbolsParseAddress(const virDomainDebugSymbols *syms,
                                      const char *expr,
                                      unsigned long long *addr);

/**
 * virDomainDebugSymbolsDetectOffset:
 * @syms: a kernel's table (with an entry_SYSCALL_64 symbol)
 * @dom: the running domain
 * @offset: set to the relocation offset the guest shows
 * @flags: 0
 *
 * Where a relocated (KASLR) kernel runs, read from the guest itself: on
 * x86-64 the syscall entry MSR (LSTAR) holds the address of
 * entry_SYSCALL_64, so the offset is LSTAR minus the file's
 * entry_SYSCALL_64.  The table's own offset is left alone (set it with
 * virDomainDebugSymbolsSetOffset, then check the result with
 * virDomainDebugSymbolsVerify).
 *
 * Returns 1 with @offset set; 0 when the guest cannot tell (no
 * entry_SYSCALL_64 in the table, a guest that has not set its syscall
 * entry yet, a QEMU that is not x86); -1 on error.
 */
int virDomainDebugSymbolsDetectOffset(const virDomainDebugSymbols *syms,
                                      virDomainPtr dom, long long *offset,
                                      unsigned int flags);

/**
 * virDomainDebugSymbolsVerify:
 * @syms: a table
 * @dom: the running domain the symbols are meant for
 * @vcpu: the vCPU whose MMU translates the addresses
 * @flags: 0
 *
 * Checks that the guest runs the code the symbol file describes, where
 * the table (with its offset) says: compares the first bytes of a few of
 * the file's functions with the guest's memory.  Kernels patch some
 * instructions at boot (alternatives, ftrace), so a function matches when
 * three quarters of its bytes do (a software breakpoint's int3 counts as
 * a match), and the table when most functions checked do.  Tools should
 * refuse to arm a point by symbol when this fails: the point would land
 * in the wrong place.
 *
 * Returns 1 when the guest matches, 0 when the file holds no bytes to
 * compare (a System.map), or -1 when it does not match
 * (VIR_DOMAIN_DEBUG_ERR_SYMBOLS; the message names a function and both
 * addresses) or the guest cannot be read.
 */
int virDomainDebugSymbolsVerify(const virDomainDebugSymbols *syms,
                                virDomainPtr dom, int vcpu,
                                unsigned int flags);

/**
 * virDomainDebugSymbolsReadFile:
 * @syms: a table read from an ELF file
 * @addr: a guest address
 * @buf: where to put @size bytes
 *
 * The bytes the file holds for @addr (its loaded sections), to compare
 * with the guest's memory.  Fails for a System.map, which has none.
 *
 * Returns 0, or -1.
 */
int virDomainDebugSymbolsReadFile(const virDomainDebugSymbols *syms,
                                  unsigned long long addr,
                                  unsigned char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* The <debug> element                                                 */

/**
 * virDomainDebugGetConfig:
 * @dom: a domain
 * @flags: VIR_DOMAIN_AFFECT_LIVE or VIR_DOMAIN_AFFECT_CONFIG (0: current)
 *
 * Returns the domain's <debug> element as XML (free with free()/g_free()),
 * the defaults if it has none, or NULL on error.
 */
char *virDomainDebugGetConfig(virDomainPtr dom, unsigned int flags);

/**
 * virDomainDebugSetConfig:
 * @dom: a domain
 * @xml: a <debug> element (validated against debug.rng), or NULL to remove
 * @flags: VIR_DOMAIN_AFFECT_LIVE and/or VIR_DOMAIN_AFFECT_CONFIG
 *
 * Returns 0, or -1 (nothing changed).
 */
int virDomainDebugSetConfig(virDomainPtr dom, const char *xml,
                            unsigned int flags);

/**
 * virDomainDebugPointTypeName / virDomainDebugStopReasonName:
 *
 * The stable names used in XML, QMP and `--json` output
 * ("hw-breakpoint", "watchpoint-write", "step", ...), or NULL.
 */
const char *virDomainDebugPointTypeName(virDomainDebugPointType type);
const char *virDomainDebugStopReasonName(virDomainDebugStopReason reason);

#ifdef __cplusplus
}
#endif
