/*
 * libvirt-debug-private.h: what the API implementation files share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Only the API layer touches a libvirt connection: it turns a call into
 * QMP with src/qemu, sends it with virDomainQemuMonitorCommand, and turns
 * every failure into a thread-local error that names the domain and says
 * what to do.
 */

#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>

#include "libvirt-debug/libvirt-debug.h"
#include "conf/debug_conf.h"
#include "qemu/qemu_debug.h"

/* libvirt-debug-error.c */
void virDomainDebugReportError(virDomainDebugErrorCode code,
                               const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
void virDomainDebugReportGError(virDomainPtr dom, GError *error);
void virDomainDebugReportLibvirtError(virDomainPtr dom, const char *what);
void virDomainDebugReportNotRunning(virDomainPtr dom);
void virDomainDebugErrorReset(void);

/* libvirt-debug-monitor.c */
int virDomainDebugCheckActive(virDomainPtr dom);

/* libvirt-debug-config.c */
virDomainDebugDef *virDomainDebugLoadDef(virDomainPtr dom,
                                         unsigned int flags);
virDomainDebugDef *virDomainDebugLoadPolicyDef(virDomainPtr dom);

/* libvirt-debug-monitor.c, continued: QMP plumbing shared by the API
 * files. */
char *virDomainDebugDomainKey(virDomainPtr dom);
char *virDomainDebugRun(virDomainPtr dom, const char *cmd);
int virDomainDebugRunEmpty(virDomainPtr dom, char *cmd);
const qemuDebugCaps *virDomainDebugGetCaps(virDomainPtr dom);

/* libvirt-debug-session.c */
int virDomainDebugQueryPoints(virDomainPtr dom,
                              virDomainDebugPoint **points,
                              size_t *npoints);
unsigned int virDomainDebugVcpuCount(virDomainPtr dom);

/* libvirt-debug-error.c: refuse flags outside @allowed */
int virDomainDebugCheckFlags(virDomainPtr dom, unsigned int flags,
                             unsigned int allowed);

/* libvirt-debug-policy.c: may this call debug the domain?  @write names a
 * register or memory write (refused by writable="no"), NULL otherwise. */
int virDomainDebugCheckPolicy(virDomainPtr dom, const char *write);
/* The same for a caller that has the element already */
int virDomainDebugCheckDefPolicy(virDomainPtr dom,
                                 const virDomainDebugDef *def,
                                 const char *write);
int virDomainDebugMarkForcedSession(virDomainPtr dom, bool forced);

/* libvirt-debug-lease.c */
int virDomainDebugLeaseAcquire(virDomainPtr dom, const qemuDebugCaps *caps);
char *virDomainDebugLeaseClient(virDomainPtr dom);
int virDomainDebugLeaseRelease(virDomainPtr dom);
void virDomainDebugReportDisallowed(virDomainPtr dom);

/* libvirt-debug-channel.c */
typedef enum {
    VIR_DOMAIN_DEBUG_TRANSPORT_AUTO,      /* the channel where possible */
    VIR_DOMAIN_DEBUG_TRANSPORT_CHANNEL,   /* the channel or an error */
    VIR_DOMAIN_DEBUG_TRANSPORT_MONITOR,   /* never the channel */
} virDomainDebugTransport;

virDomainDebugTransport virDomainDebugTransportWanted(void);
int virDomainDebugChannelOpen(virDomainPtr dom, const qemuDebugCaps *caps,
                              const char *client);
void virDomainDebugChannelClose(virDomainPtr dom);
bool virDomainDebugChannelActive(virDomainPtr dom);
virDomainDebugDef *virDomainDebugChannelDef(virDomainPtr dom);
char *virDomainDebugChannelRun(virDomainPtr dom, const char *cmd, bool *used);
int virDomainDebugSyncLibvirt(virDomainPtr dom);

/* libvirt-debug-exec.c: a step answered with its stop, on a channel */
/* libvirt-debug-points.c */
int virDomainDebugInsertPointDef(virDomainPtr dom,
                                 virDomainDebugPointDef *point);

/* libvirt-debug-trace.c */
int virDomainDebugCompileDefConditions(virDomainPtr dom,
                                       virDomainDebugDef *def);

/* libvirt-debug-exec.c: the checks of a step (count, range, trace) and
 * the masking it takes, into @args */
int virDomainDebugStepPrepareArgs(virDomainPtr dom, unsigned int flags,
                                  qemuDebugStepArgs *args);
/* virDomainDebugStepSync of a range: keep stepping inside [start, end) */
int virDomainDebugStepSyncRange(virDomainPtr dom, int vcpu,
                                unsigned long long start,
                                unsigned long long end,
                                unsigned int flags,
                                const char *const *names,
                                virDomainDebugStopInfo *stop,
                                virDomainDebugRegister **regs, int *nregs);
int virDomainDebugStepSync(virDomainPtr dom, int vcpu, unsigned int count,
                           unsigned int flags, const char *const *names,
                           virDomainDebugStopInfo *stop,
                           virDomainDebugRegister **regs, int *nregs);

/* libvirt-debug-events.c: a DEBUG_STOP's data from a channel, delivered
 * to the callbacks from the libvirt event loop */
void virDomainDebugEventQueue(virDomainPtr dom, const qemuDebugStop *event);
