/*
 * e2e-guest.c: what every end-to-end test checks of the test guest
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "e2e-guest.h"
#include "testutils-guest.h"

gboolean
e2eReadGuestU32(virDomainPtr dom, const char *symbol, guint32 *value,
                char **why)
{
    *value = 0;
    if (virDomainDebugReadMemory(dom, testGuestSymbol(symbol), sizeof(*value),
                                 (unsigned char *) value, 0, 0) < 0) {
        *why = g_strdup_printf("cannot read %s: %s", symbol,
                               virDomainDebugGetLastErrorMessage());
        return FALSE;
    }
    return TRUE;
}


void
e2eAssertSecondVcpuPc(guint64 pc)
{
    if (testGuestIsHigherHalf()) {
        /* the higher-half guest starts its application processor, which
         * runs its own loop in the guest's code, as a kernel's does */
        g_assert_cmphex(pc, >=, testGuestSymbol("_text"));
        g_assert_cmphex(pc, <, testGuestSymbol("_etext"));
    } else {
        /* the 32-bit guest never starts vCPU 1: it waits in the
         * firmware, below the guest's code */
        g_assert_cmphex(pc, <, 0x100000);
    }
}


gboolean
e2eWaitGuestUp(virDomainPtr dom, char **why)
{
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    g_autofree char *last = NULL;
    guint32 ready = 0;

    /* Until the guest's own code has turned paging on, its symbols'
     * addresses mean nothing to the vCPU: the higher-half guest's reads
     * fail then, as a kernel's would in its firmware, so they are
     * retried until the deadline. */
    while (g_get_monotonic_time() < deadline) {
        g_clear_pointer(&last, g_free);
        if (e2eReadGuestU32(dom, "guest_ready", &ready, &last) && ready == 1)
            return TRUE;
        g_usleep(20 * 1000);
    }
    *why = g_strdup_printf("domain '%s': the guest did not come up within "
                           "60 s (guest_ready is %u%s%s)",
                           virDomainGetName(dom), ready,
                           last ? "; " : "", last ? last : "");
    return FALSE;
}


gboolean
e2eDomainIsClean(virDomainPtr dom, char **why)
{
    g_autofree virDomainDebugPoint *points = NULL;
    g_autofree virDomainDebugStopInfo *stops = NULL;
    int state = -1;
    int reason;
    int n;
    int i;

    if (virDomainGetState(dom, &state, &reason, 0) < 0 || state != VIR_DOMAIN_RUNNING) {
        *why = g_strdup_printf("domain '%s' is not running (state %d)",
                               virDomainGetName(dom), state);
        return FALSE;
    }
    if ((n = virDomainDebugListPoints(dom, &points, 0)) != 0) {
        *why = g_strdup_printf("domain '%s' has %d debug points left (%s)",
                               virDomainGetName(dom), n,
                               n < 0 ? virDomainDebugGetLastErrorMessage() :
                               "should be none");
        return FALSE;
    }
    if ((n = virDomainDebugGetStops(dom, &stops, 0)) < 1) {
        *why = g_strdup_printf("cannot ask where the vCPUs are: %s",
                               virDomainDebugGetLastErrorMessage());
        return FALSE;
    }
    for (i = 0; i < n; i++) {
        if (stops[i].stopped) {
            *why = g_strdup_printf("vCPU %d is stopped for the debugger at 0x%llx",
                                   stops[i].vcpu, stops[i].pc);
            return FALSE;
        }
    }
    return TRUE;
}


gboolean
e2eGuestIsClean(virDomainPtr dom, char **why)
{
    guint32 before;
    guint32 now;
    int i;

    if (!e2eDomainIsClean(dom, why))
        return FALSE;

    /* running, as its counter shows */
    if (!e2eReadGuestU32(dom, GUEST_SYM_COUNTER, &before, why))
        return FALSE;
    for (i = 0; i < 100; i++) {
        if (!e2eReadGuestU32(dom, GUEST_SYM_COUNTER, &now, why))
            return FALSE;
        if (now != before)
            return TRUE;
        g_usleep(20 * 1000);
    }
    *why = g_strdup_printf("the guest makes no progress: %s stays %u",
                           GUEST_SYM_COUNTER, before);
    return FALSE;
}


gboolean
e2eChannelExpected(void)
{
    return g_strcmp0(g_getenv("LIBVIRT_DEBUG_TRANSPORT"), "monitor") != 0;
}


const char *
e2eVirshDebugPath(void)
{
    static char *path;

    if (!path) {
        const char *builddir = g_getenv("LIBVIRT_DEBUG_BUILDDIR");

        if (!builddir)
            g_error("LIBVIRT_DEBUG_BUILDDIR is not set: run the tests with meson test");
        path = g_build_filename(builddir, "tools", "virsh-debug", NULL);
    }
    return path;
}
