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
virDomainDebugStep(virDomainPtr dom, int vcpu, unsigned int count,
                   unsigned int flags)
{
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autoptr(GError) error = NULL;
    const qemuDebugCaps *caps;
    bool noirq;
    bool notimer;

    virDomainDebugErrorReset();
    if (!(caps = virDomainDebugGetCaps(dom)))
        return -1;

    /* The <debug> element supplies whatever masking the caller left
     * open, and says whether the domain may be debugged at all. */
    if (!(def = virDomainDebugLoadPolicyDef(dom)))
        return -1;
    if (virDomainDebugCheckDefPolicy(dom, def, NULL) < 0)
        return -1;

    if (qemuDebugStepResolveMasks(def, flags, &noirq, &notimer, &error) < 0 ||
        qemuDebugCheckStep(caps, count, noirq, notimer, &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    return virDomainDebugRunEmpty(dom, qemuDebugBuildStep(vcpu, count,
                                                          noirq, notimer));
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
