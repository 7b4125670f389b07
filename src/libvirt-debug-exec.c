/*
 * libvirt-debug-exec.c: step, continue, stop, and where vCPUs stopped
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "libvirt-debug-private.h"

const char *
virDomainDebugStopReasonName(virDomainDebugStopReason reason)
{
    return qemuDebugStopReasonTypeToString(reason);
}

int
virDomainDebugStepPrepareArgs(virDomainPtr dom, unsigned int flags,
                              qemuDebugStepArgs *args)
{
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(GError) error = NULL;
    const qemuDebugCaps *caps;

    if (!(caps = virDomainDebugGetCaps(dom)))
        return -1;

    /* The <debug> element supplies whatever masking the caller left
     * open, and says whether the domain may be debugged at all. */
    if (!(def = virDomainDebugLoadPolicyDef(dom)))
        return -1;
    if (virDomainDebugCheckDefPolicy(dom, def, NULL) < 0)
        return -1;

    /* a range step is bounded by its range, not by a count */
    if (qemuDebugStepResolveMasks(def, flags, &args->noirq, &args->notimer,
                                  &error) < 0 ||
        qemuDebugCheckStep(caps, args->range ? 1 : args->count,
                           args->noirq, args->notimer, &error) < 0 ||
        (args->range &&
         qemuDebugCheckStepRange(caps, args->rangeStart, args->rangeEnd,
                                 &error) < 0) ||
        (args->trace &&
         qemuDebugCheckStepTrace(caps, args->count, &error) < 0)) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    return 0;
}


int
virDomainDebugStep(virDomainPtr dom, int vcpu, unsigned int count,
                   unsigned int flags)
{
    qemuDebugStepArgs args = { .vcpu = vcpu, .count = count };

    virDomainDebugErrorReset();
    if (virDomainDebugStepPrepareArgs(dom, flags, &args) < 0)
        return -1;
    return virDomainDebugRunEmpty(dom, qemuDebugBuildStepArgs(&args));
}


/* A waited step on the channel: see virDomainDebugStepSync */
static int
virDomainDebugStepSyncArgs(virDomainPtr dom, unsigned int flags,
                           qemuDebugStepArgs *args,
                           virDomainDebugStopInfo *stop,
                           virDomainDebugRegister **regs, int *nregs)
{
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    qemuDebugStop parsed;
    size_t n = 0;

    virDomainDebugErrorReset();
    *regs = NULL;
    *nregs = 0;
    if (!virDomainDebugChannelActive(dom))
        return 0;
    if (virDomainDebugStepPrepareArgs(dom, flags, args) < 0)
        return -1;
    args->wait = true;
    cmd = qemuDebugBuildStepArgs(args);
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return -1;
    if (qemuDebugParseRunReply(reply, "debug-step", &parsed, regs, &n,
                               &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    qemuDebugStopToInfo(&parsed, stop);
    *nregs = n;
    return 1;
}


/**
 * virDomainDebugStepSync:
 *
 * A step of @count instructions that returns only when the vCPU stopped
 * again, with the stop in @stop and the registers @names (NULL: all) of
 * the stopped vCPU in @regs: one exchange on a debug channel, where a
 * step is otherwise a command, an event and a register read.  The stop
 * is not also reported as an event to this process.  Returns 1 when
 * done, 0 without a debug channel to @dom (nothing done: step the usual
 * way), -1 on error.
 */
int
virDomainDebugStepSync(virDomainPtr dom, int vcpu, unsigned int count,
                       unsigned int flags, const char *const *names,
                       virDomainDebugStopInfo *stop,
                       virDomainDebugRegister **regs, int *nregs)
{
    qemuDebugStepArgs args = {
        .vcpu = vcpu, .count = count, .registers = names,
    };

    return virDomainDebugStepSyncArgs(dom, flags, &args, stop, regs, nregs);
}


int
virDomainDebugStepSyncRange(virDomainPtr dom, int vcpu,
                            unsigned long long start,
                            unsigned long long end,
                            unsigned int flags,
                            const char *const *names,
                            virDomainDebugStopInfo *stop,
                            virDomainDebugRegister **regs, int *nregs)
{
    qemuDebugStepArgs args = {
        .vcpu = vcpu, .range = true, .rangeStart = start, .rangeEnd = end,
        .registers = names,
    };

    return virDomainDebugStepSyncArgs(dom, flags, &args, stop, regs, nregs);
}


int
virDomainDebugContinue(virDomainPtr dom, unsigned int flags)
{
    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    return virDomainDebugRunEmpty(dom, qemuDebugBuildContinue());
}

int
virDomainDebugStop(virDomainPtr dom, unsigned int flags)
{
    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0 ||
        virDomainDebugCheckPolicy(dom, NULL) < 0)
        return -1;
    return virDomainDebugRunEmpty(dom, qemuDebugBuildInterrupt());
}

int
virDomainDebugGetStops(virDomainPtr dom, virDomainDebugStopInfo **stops,
                       unsigned int flags)
{
    g_autofree char *cmd = qemuDebugBuildQueryStop();
    g_autofree char *reply = NULL;
    g_autofree qemuDebugStop *raw = NULL;
    g_autoptr(GError) error = NULL;
    size_t n = 0;
    size_t i;

    virDomainDebugErrorReset();
    *stops = NULL;
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return -1;
    if (qemuDebugParseQueryStopReply(reply, &raw, &n, &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }

    *stops = g_new0(virDomainDebugStopInfo, n);
    for (i = 0; i < n; i++)
        qemuDebugStopToInfo(&raw[i], &(*stops)[i]);
    return n;
}
