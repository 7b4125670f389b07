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

/* The checks of a step, and the masking it takes */
static int
virDomainDebugStepPrepare(virDomainPtr dom, unsigned int count,
                          unsigned int flags, bool *noirq, bool *notimer)
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

    if (qemuDebugStepResolveMasks(def, flags, noirq, notimer, &error) < 0 ||
        qemuDebugCheckStep(caps, count, *noirq, *notimer, &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    return 0;
}

int
virDomainDebugStep(virDomainPtr dom, int vcpu, unsigned int count,
                   unsigned int flags)
{
    bool noirq;
    bool notimer;

    virDomainDebugErrorReset();
    if (virDomainDebugStepPrepare(dom, count, flags, &noirq, &notimer) < 0)
        return -1;
    return virDomainDebugRunEmpty(dom, qemuDebugBuildStep(vcpu, count,
                                                          noirq, notimer));
}

/**
 * virDomainDebugStepSync:
 *
 * A step of @count instructions that returns only when the vCPU stopped
 * again, with the stop in @stop and the registers @names (NULL: all) of
 * the stopped vCPU in @regs: one exchange on a debug channel, where a step is otherwise a
 * command, an event and a register read.  The stop is not also reported
 * as an event to this process.  Returns 1 when done, 0 without a debug
 * channel to @dom (nothing done: step the usual way), -1 on error.
 */
int
virDomainDebugStepSync(virDomainPtr dom, int vcpu, unsigned int count,
                       unsigned int flags, const char *const *names,
                       virDomainDebugStopInfo *stop,
                       virDomainDebugRegister **regs, int *nregs)
{
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    qemuDebugStop parsed;
    size_t n = 0;
    bool noirq;
    bool notimer;

    virDomainDebugErrorReset();
    *regs = NULL;
    *nregs = 0;
    if (!virDomainDebugChannelActive(dom))
        return 0;
    if (virDomainDebugStepPrepare(dom, count, flags, &noirq, &notimer) < 0)
        return -1;
    cmd = qemuDebugBuildStepWait(vcpu, count, noirq, notimer, names);
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
