/*
 * gdb_target.h: what the GDB bridge needs from a debug target
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The protocol handlers only talk to a target through this table, so the
 * transport and the protocol can be unit-tested against an in-memory
 * target while the bridge proper (gdb_bridge.c) maps every operation onto
 * the public virDomainDebug*() API.  The types are the public API's own.
 *
 * Every operation returns 0 (or a count/id) on success and -1 on failure;
 * after a failure lastErrorCode()/lastErrorMessage() say why, in terms of
 * virDomainDebugErrorCode.
 */

#pragma once

#include "libvirt-debug/libvirt-debug.h"

/* gdbRspTargetOps.features */
enum {
    GDB_RSP_TARGET_RANGE_STEP = 1 << 0,   /* stepRange works */
    GDB_RSP_TARGET_CONDITIONS = 1 << 1,   /* insertPoint's condition */
};

typedef struct _gdbRspTargetOps gdbRspTargetOps;
struct _gdbRspTargetOps {
    /* Number of vCPUs (GDB threads 1..n) */
    int (*vcpuCount)(void *opaque);

    /* Every register of @vcpu, as virDomainDebugGetRegisters() */
    int (*getRegisters)(void *opaque, int vcpu,
                        virDomainDebugRegister **regs);
    int (*setRegister)(void *opaque, int vcpu, const char *name,
                       const char *hexValue);

    /* Virtual addresses through @vcpu's MMU */
    int (*readMemory)(void *opaque, unsigned long long addr, size_t size,
                      unsigned char *buf, int vcpu);
    int (*writeMemory)(void *opaque, unsigned long long addr,
                       const unsigned char *buf, size_t size, int vcpu);

    /* The GDB target description (allocated), or NULL */
    char *(*getTargetXML)(void *opaque, const char *annex);

    /* Returns a point id (> 0), or -1.  @condition: NULL, or GDB
     * agent-expression bytecode (hex) the target evaluates at each hit,
     * stopping only when it is true */
    int (*insertPoint)(void *opaque, virDomainDebugPointType type,
                       unsigned long long addr, unsigned long long len,
                       const char *condition);
    int (*removePoint)(void *opaque, int id);

    /* Execution: the end of step/cont/stop is reported asynchronously with
     * gdbRspSessionPostStop() */
    int (*step)(void *opaque, int vcpu);
    int (*cont)(void *opaque);
    int (*stop)(void *opaque);

    /* Optional: step once, then keep stepping while the pc stays in
     * [@start, @end), inside the target (GDB's range stepping) */
    int (*stepRange)(void *opaque, int vcpu, unsigned long long start,
                     unsigned long long end);

    /* Optional: a step (a range step when @end > @start, else one
     * instruction) answered with its stop and registers of the stopped
     * vCPU (*regs, sorted or not): those named by @names (NULL: all),
     * reported by the return value instead of gdbRspSessionPostStop().
     * Returns 1 when done, 0 when the target cannot do it now (use
     * step/stepRange), -1 on error. */
    int (*stepSync)(void *opaque, int vcpu, unsigned long long start,
                    unsigned long long end, const char *const *names,
                    virDomainDebugStopInfo *stop,
                    virDomainDebugRegister **regs, int *nregs);

    /* Optional: what the target does itself (GDB_RSP_TARGET_*) */
    unsigned int (*features)(void *opaque);

    /* Where each vCPU stopped, as virDomainDebugGetStops() */
    int (*getStops)(void *opaque, virDomainDebugStopInfo **stops);

    /* Remove every point and leave the guest running */
    int (*detach)(void *opaque);

    int (*lastErrorCode)(void *opaque);
    const char *(*lastErrorMessage)(void *opaque);
};
