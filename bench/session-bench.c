/*
 * session-bench.c: what a debug session costs besides its round trips
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Against a private libvirtd (a fleet tool is a client of the host's
 * daemon), with the test guest:
 *  - event latency: a breakpoint hit to the event callback, bounded from
 *    above by the median of many "debug-continue called -> callback"
 *    (the guest runs a few microseconds to guest_tick, which it calls
 *    every loop iteration; so the figure is the continue's round trip,
 *    that run, and the event's way to the client: on the monitor path
 *    libvirt delivers the event before the continue's reply), in a
 *    session on the debug channel and on the monitor path;
 *  - guest throughput: guest_counter's progress per second with a
 *    session attached (debug channel, no points) against the same guest
 *    with nobody attached, alternating, several periods each;
 *  - memory: the client process's resident set after attaching to 16
 *    domains at once (a session each, on the channel), against before.
 * Times are wall clock on this machine; nothing here is asserted.
 */

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "libvirt-debug/libvirt-debug.h"
#include "bench-stats.h"
#include "testutils-guest.h"
#include "testutils-libvirt.h"

#define EVENT_ROUNDS 200
#define THROUGHPUT_PERIODS 9
#define THROUGHPUT_PERIOD_US (2 * G_USEC_PER_SEC)
#define FLEET 16

static GAsyncQueue *events;

static void
onStop(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom G_GNUC_UNUSED,
       const virDomainDebugStopInfo *stop G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    gint64 *now = g_new(gint64, 1);

    *now = g_get_monotonic_time();
    g_async_queue_push(events, now);
}

static gint64
waitStop(void)
{
    g_autofree gint64 *t = g_async_queue_timeout_pop(events, 20 * G_USEC_PER_SEC);

    if (!t)
        g_error("no debug-exit event within 20 s");
    return *t;
}

static void
check(int rc)
{
    if (rc < 0)
        g_error("%s", virDomainDebugGetLastErrorMessage());
}

/* Median microseconds from a continue to the callback of the stop at the
 * guest's breakpoint, in a session on @transport */
static double
benchEvents(virDomainPtr dom, const char *transport)
{
    g_autoptr(GArray) us = g_array_new(FALSE, FALSE, sizeof(double));
    gint64 *late;
    size_t i;

    g_setenv("LIBVIRT_DEBUG_TRANSPORT", transport, TRUE);
    check(virDomainDebugAttach(dom, VIR_DOMAIN_DEBUG_ATTACH_LEASE |
                               VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS));
    check(virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                                    testGuestSymbol("guest_tick"), 0, -1, 0));
    waitStop();
    for (i = 0; i < EVENT_ROUNDS + 10; i++) {
        gint64 t0 = g_get_monotonic_time();
        double d;

        check(virDomainDebugContinue(dom, 0));
        d = waitStop() - t0;
        if (i >= 10)
            g_array_append_val(us, d);
    }
    check(virDomainDebugDetach(dom, 0));
    g_unsetenv("LIBVIRT_DEBUG_TRANSPORT");
    /* the monitor's copies of the last stops may still come */
    g_usleep(500 * 1000);
    while ((late = g_async_queue_try_pop(events)))
        g_free(late);
    return benchMedian((double *) us->data, us->len);
}

static guint32
readCounter(virDomainPtr dom)
{
    guint32 v;

    check(virDomainDebugReadMemory(dom, testGuestSymbol("guest_counter"),
                                   sizeof(v), (unsigned char *) &v, 0, 0));
    return v;
}

/* guest_counter's progress per second over one period */
static double
counterRate(virDomainPtr dom)
{
    guint32 before = readCounter(dom);
    gint64 t0 = g_get_monotonic_time();
    guint32 after;

    g_usleep(THROUGHPUT_PERIOD_US);
    after = readCounter(dom);
    return (after - before) * (double) G_USEC_PER_SEC /
           (g_get_monotonic_time() - t0);
}

static void
benchThroughput(virDomainPtr dom, double *alone, double *attached)
{
    g_autoptr(GArray) a = g_array_new(FALSE, FALSE, sizeof(double));
    g_autoptr(GArray) b = g_array_new(FALSE, FALSE, sizeof(double));
    size_t i;

    for (i = 0; i < THROUGHPUT_PERIODS; i++) {
        double r = counterRate(dom);

        g_array_append_val(a, r);
        check(virDomainDebugAttach(dom, VIR_DOMAIN_DEBUG_ATTACH_LEASE |
                                   VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS));
        r = counterRate(dom);
        g_array_append_val(b, r);
        check(virDomainDebugDetach(dom, 0));
    }
    *alone = benchMedian((double *) a->data, a->len);
    *attached = benchMedian((double *) b->data, b->len);
}

static long
residentKiB(void)
{
    g_autofree char *status = NULL;
    const char *line;

    if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL) ||
        !(line = strstr(status, "VmRSS:")))
        return -1;
    return strtol(line + strlen("VmRSS:"), NULL, 10);
}

static void
benchFleet(testLibvirt *lv, long *before, long *after, int *channels)
{
    virDomainPtr doms[FLEET];
    size_t i;

    for (i = 0; i < FLEET; i++) {
        g_autofree char *name = g_strdup_printf("fleet%zu", i);

        doms[i] = testLibvirtStartDomain(lv, name, testLibvirtQemu(), 1, NULL);
    }
    *before = residentKiB();
    *channels = 0;
    for (i = 0; i < FLEET; i++) {
        check(virDomainDebugAttach(doms[i], VIR_DOMAIN_DEBUG_ATTACH_LEASE |
                                   VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS));
        /* a session reads something, as a tool would */
        readCounter(doms[i]);
        if (virDomainDebugGetTransport(doms[i]) == VIR_DOMAIN_DEBUG_TRANSPORT_TYPE_CHANNEL)
            (*channels)++;
    }
    *after = residentKiB();
    for (i = 0; i < FLEET; i++) {
        virDomainDebugDetach(doms[i], 0);
        virDomainDestroy(doms[i]);
        virDomainFree(doms[i]);
    }
}

int
main(void)
{
    g_autoptr(testLibvirt) lv = testLibvirtNew("daemon");
    virDomainPtr dom = testLibvirtStartDomain(lv, "bench", testLibvirtQemu(), 1, NULL);
    double evChannel, evMonitor, alone, attached;
    long rssBefore, rssAfter;
    int channels;
    int cb;

    events = g_async_queue_new_full(g_free);
    cb = virDomainDebugEventRegister(lv->conn, dom, onStop, NULL, NULL);
    check(cb);
    evChannel = benchEvents(dom, "channel");
    evMonitor = benchEvents(dom, "monitor");
    virDomainDebugEventDeregister(lv->conn, cb);
    benchThroughput(dom, &alone, &attached);
    virDomainDestroy(dom);
    virDomainFree(dom);
    benchFleet(lv, &rssBefore, &rssAfter, &channels);

    g_print("breakpoint hit to event callback (at most: continue called to "
            "callback), private libvirtd, median of %d (microseconds):\n",
            EVENT_ROUNDS);
    g_print("  session on the debug channel   %8.0f\n", evChannel);
    g_print("  session on the monitor path    %8.0f\n", evMonitor);
    g_print("guest throughput (guest_counter per second), median of %d "
            "periods of %d s:\n", THROUGHPUT_PERIODS,
            (int) (THROUGHPUT_PERIOD_US / G_USEC_PER_SEC));
    g_print("  nobody attached                %8.0f\n", alone);
    g_print("  a session attached, no points  %8.0f  (%.1f%%)\n", attached,
            100.0 * attached / alone);
    g_print("client resident memory, %d domains (%d on a debug channel):\n",
            FLEET, channels);
    g_print("  before attaching               %8ld KiB\n", rssBefore);
    g_print("  attached to all                %8ld KiB\n", rssAfter);
    return 0;
}
