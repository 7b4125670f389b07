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

    /* Returns a point id (> 0), or -1 */
    int (*insertPoint)(void *opaque, virDomainDebugPointType type,
                       unsigned long long addr, unsigned long long len);
    int (*removePoint)(void *opaque, int id);

    /* Execution: the end of step/cont/stop is reported asynchronously with
     * gdbRspSessionPostStop() */
    int (*step)(void *opaque, int vcpu);
    int (*cont)(void *opaque);
    int (*stop)(void *opaque);

    /* Optional: a step answered with its stop and registers of the
     * stopped vCPU (*regs, sorted or not): those named by @names (NULL:
     * all), reported by the return value instead of
     * gdbRspSessionPostStop().  Returns 1 when done, 0 when the target
     * cannot do it now (use step), -1 on error. */
    int (*stepSync)(void *opaque, int vcpu, const char *const *names,
                    virDomainDebugStopInfo *stop,
                    virDomainDebugRegister **regs, int *nregs);

    /* Where each vCPU stopped, as virDomainDebugGetStops() */
    int (*getStops)(void *opaque, virDomainDebugStopInfo **stops);

    /* Remove every point and leave the guest running */
    int (*detach)(void *opaque);

    int (*lastErrorCode)(void *opaque);
    const char *(*lastErrorMessage)(void *opaque);
};
