/*
 * regread-bench.c: the round trip of one register read
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Median over many reads of:
 *  - virDomainDebugGetRegisters(rip) in a session (an attach with a
 *    lease) through the embedded driver, on the debug channel and forced
 *    onto the monitor path (LIBVIRT_DEBUG_TRANSPORT=monitor),
 *  - the same through a private libvirtd (libvirt's RPC, as qemu+ssh://
 *    takes, minus ssh; qemu+ssh:// itself cannot pass the channel),
 *  - the same QMP command sent straight to QEMU's own QMP socket, with no
 *    libvirt in between (what libvirt adds is the difference);
 *  - QEMU's raw gdbstub on the same guest: a 'g' packet (every register)
 *    over a unix socket.  (QEMU 7.2 answers 'p' only to a client that
 *    fetched the target description, which GDB does but a plain client
 *    need not; 'g' is what the comparison asks for.)
 * Times are wall clock on this machine; nothing here is asserted.
 */

#include <glib.h>

#include "libvirt-debug/libvirt-debug.h"
#include "bench-stats.h"
#include "gdbstub-client.h"
#include "testutils-guest.h"
#include "testutils-libvirt.h"
#include "testutils-qmp.h"

#define ROUNDS 300

/* The median register read in a session on @transport */
static double
benchSession(virDomainPtr dom, const char *transport)
{
    g_autoptr(GArray) us = g_array_new(FALSE, FALSE, sizeof(double));
    const char *names[] = { "rip" };
    size_t i;

    g_setenv("LIBVIRT_DEBUG_TRANSPORT", transport, TRUE);
    if (virDomainDebugAttach(dom, VIR_DOMAIN_DEBUG_ATTACH_LEASE |
                             VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS) < 0 ||
        virDomainDebugStop(dom, 0) < 0)
        g_error("%s", virDomainDebugGetLastErrorMessage());
    for (i = 0; i < ROUNDS + 10; i++) {
        virDomainDebugRegister *regs = NULL;
        gint64 t0 = g_get_monotonic_time();
        int n = virDomainDebugGetRegisters(dom, 0, names, 1, &regs, 0);
        gint64 t1 = g_get_monotonic_time();
        double d = t1 - t0;

        if (n != 1)
            g_error("register read failed: %s", virDomainDebugGetLastErrorMessage());
        virDomainDebugRegistersFree(regs, n);
        if (i >= 10) /* warm-up: first probes, caches */
            g_array_append_val(us, d);
    }
    virDomainDebugDetach(dom, 0);
    g_unsetenv("LIBVIRT_DEBUG_TRANSPORT");
    return benchMedian((double *) us->data, us->len);
}

/* One guest per libvirt kind (a process opens an embedded root once),
 * a session on the channel, then one on the monitor path */
static void
benchLibvirt(const char *kind, double *channel, double *monitor)
{
    g_autoptr(testLibvirt) lv = testLibvirtNew(kind);
    virDomainPtr dom = testLibvirtStartDomain(lv, "bench", testLibvirtQemu(), 1, NULL);

    *channel = benchSession(dom, "channel");
    *monitor = benchSession(dom, "monitor");
    virDomainFree(dom);
}

static double
benchRawQmp(void)
{
    const char *args[] = { "-machine", "pc", "-accel", "tcg", "-m", "32",
                           "-display", "none", "-nodefaults",
                           "-kernel", testGuestPath(), NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(testQemu) qemu = testQemuStart(testLibvirtQemu(), args, &error);
    g_autoptr(GArray) us = g_array_new(FALSE, FALSE, sizeof(double));
    size_t i;

    if (!qemu)
        g_error("cannot start QEMU: %s", error->message);
    json_node_unref(testQmpExecutef(qemu->qmp, &error, "stop", NULL));
    for (i = 0; i < ROUNDS + 10; i++) {
        gint64 t0 = g_get_monotonic_time();
        JsonNode *ret = testQmpExecutef(qemu->qmp, &error, "debug-read-registers",
                                        "{\"cpu-index\": 0, \"names\": [\"rip\"]}");
        gint64 t1 = g_get_monotonic_time();
        double d = t1 - t0;

        if (!ret)
            g_error("debug-read-registers failed: %s", error->message);
        json_node_unref(ret);
        if (i >= 10)
            g_array_append_val(us, d);
    }
    return benchMedian((double *) us->data, us->len);
}

static double
benchGdbstubMedian(benchGdbstub *gs, const char *packet)
{
    g_autoptr(GArray) us = g_array_new(FALSE, FALSE, sizeof(double));
    size_t i;

    for (i = 0; i < ROUNDS + 10; i++) {
        gint64 t0 = g_get_monotonic_time();
        g_autofree char *reply = benchGdbstubRequest(gs, packet);
        gint64 t1 = g_get_monotonic_time();
        double d = t1 - t0;

        if (!reply[0] || reply[0] == 'E')
            g_error("gdbstub refused '%s': %s", packet, reply);
        if (i >= 10)
            g_array_append_val(us, d);
    }
    return benchMedian((double *) us->data, us->len);
}

int
main(void)
{
    double embed, embedMon, daemon, daemonMon, rawQmp;
    benchGdbstub *gs;
    double rawG;

    benchLibvirt("embed", &embed, &embedMon);
    benchLibvirt("daemon", &daemon, &daemonMon);
    rawQmp = benchRawQmp();
    gs = benchGdbstubStart(testLibvirtQemu(), testGuestPath());
    rawG = benchGdbstubMedian(gs, "g");
    benchGdbstubStop(gs);
    g_print("register read round trip, median of %d (microseconds):\n", ROUNDS);
    g_print("  libvirt-debug, embedded, channel    %8.1f\n", embed);
    g_print("  libvirt-debug, embedded, monitor    %8.1f\n", embedMon);
    g_print("  libvirt-debug, libvirtd, channel    %8.1f\n", daemon);
    g_print("  libvirt-debug, libvirtd, monitor    %8.1f\n", daemonMon);
    g_print("  QMP straight to QEMU, no libvirt    %8.1f\n", rawQmp);
    g_print("  raw gdbstub 'g' (all), unix socket  %8.1f\n", rawG);
    return 0;
}
