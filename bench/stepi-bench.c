/*
 * stepi-bench.c: GDB single-stepping through libvirt versus QEMU's gdbstub
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Wall time for Debian's gdb, in batch mode, to run 1,000 `stepi`
 * commands on the test guest:
 *  - through the bridge, `target remote | virsh-debug -c URI debug-gdb`,
 *    on the embedded driver and on a private libvirtd (libvirt's RPC, as
 *    qemu+ssh:// takes, minus ssh), each on the debug channel and forced
 *    onto the monitor path (LIBVIRT_DEBUG_TRANSPORT=monitor, the path a
 *    qemu+ssh:// URI takes);
 *  - through QEMU's raw gdbstub on the same patched QEMU and guest
 *    (`-gdb unix:PATH,server=on,wait=off`, `target remote PATH`).
 * Each figure is the median of a few runs of the gdb process minus the
 * median of the same script with no stepi (start, symbols, connect,
 * detach).  Nothing is asserted.
 */

#include <gio/gio.h>
#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <libvirt/virterror.h>

#include "libvirt-debug/libvirt-debug.h"
#include "bench-stats.h"
#include "testutils-guest.h"
#include "testutils-libvirt.h"

#define STEPS 1000
#define RUNS 3
#define GDB_TIMEOUT "300"

static char *selfPath;

/* Runs gdb on a script of @steps stepi after @target; returns the wall
 * time in ms */
static double
gdbTime(const char *dir, const char *target, int steps)
{
    g_autofree char *path = g_build_filename(dir, "bench.gdb", NULL);
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *argv[] = { "timeout", "-s", "KILL", GDB_TIMEOUT,
                           "gdb", "-nx", "-batch", "-x", path, NULL };
    gint64 t0;
    gint64 t1;
    int status;
    int i;

    g_string_append(s, "set pagination off\nset confirm off\n");
    g_string_append_printf(s, "symbol-file %s\n%s\n", testGuestPath(), target);
    for (i = 0; i < steps; i++)
        g_string_append(s, "stepi\n");
    /* what GDB thinks happened: checked below */
    g_string_append(s, "printf \"bench-done\\n\"\ndetach\n");
    if (!g_file_set_contents(path, s->str, -1, &error))
        g_error("%s", error->message);

    t0 = g_get_monotonic_time();
    if (!g_spawn_sync(NULL, (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH,
                      NULL, NULL, &out, &err, &status, &error))
        g_error("cannot run gdb: %s", error->message);
    t1 = g_get_monotonic_time();
    if (!g_spawn_check_wait_status(status, NULL) || !strstr(out, "bench-done"))
        g_error("gdb failed on '%s':\n%s%s", target, out, err);
    return (t1 - t0) / 1000.0;
}

static double
medianTime(const char *dir, const char *target, int steps)
{
    double t[RUNS];
    int i;

    for (i = 0; i < RUNS; i++)
        t[i] = gdbTime(dir, target, steps);
    return benchMedian(t, RUNS);
}

/* stepi time for @target: 1000 steps minus the baseline */
static void
benchTarget(const char *dir, const char *target, double *total, double *base)
{
    *base = medianTime(dir, target, 0);
    *total = medianTime(dir, target, STEPS);
}

/* bench --start URI NAME: start the guest in a process of its own, since
 * an embedded root stays locked by a process that opened it */
static int
startMain(const char *uri, const char *name)
{
    testLibvirt helperLv = { .uri = (char *) uri };

    testLibvirtRunEventLoop();
    testLibvirtConnect(&helperLv);
    virDomainFree(testLibvirtStartDomain(&helperLv, name, testLibvirtQemu(), 1, NULL));
    testLibvirtDisconnect(&helperLv);
    return 0;
}

/* One guest per libvirt kind (a process opens an embedded root once),
 * GDB through the bridge on the channel, then on the monitor path */
static void
benchLibvirt(const char *kind, double *total, double *base, double *totalMon,
             double *baseMon)
{
    g_autoptr(testLibvirt) lv = testLibvirtPrepare(kind);
    g_autofree char *target = NULL;
    g_autofree char *targetMon = NULL;
    g_autofree char *virsh = g_build_filename(g_getenv("LIBVIRT_DEBUG_BUILDDIR"),
                                              "tools", "virsh-debug", NULL);
    const char *argv[] = { selfPath, "--start", lv->uri, "bench", NULL };
    g_autoptr(GError) error = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      NULL, NULL, &status, &error) ||
        !g_spawn_check_wait_status(status, NULL))
        g_error("cannot start the guest on %s", lv->uri);

    target = g_strdup_printf("target remote | env LIBVIRT_DEBUG_TRANSPORT=channel "
                             "%s -c '%s' debug-gdb bench", virsh, lv->uri);
    benchTarget(lv->dir, target, total, base);
    targetMon = g_strdup_printf("target remote | env LIBVIRT_DEBUG_TRANSPORT=monitor "
                                "%s -c '%s' debug-gdb bench", virsh, lv->uri);
    benchTarget(lv->dir, targetMon, totalMon, baseMon);
}

static void
benchRaw(double *total, double *base)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("lvdbg-stepi-XXXXXX", &error);
    g_autofree char *sock = g_build_filename(dir, "gdb.sock", NULL);
    g_autofree char *gdbarg = g_strdup_printf("unix:%s,server=on,wait=off", sock);
    g_autofree char *target = g_strdup_printf("target remote %s", sock);
    const char *argv[] = {
        testLibvirtQemu(), "-machine", "pc", "-accel", "tcg", "-m", "32",
        "-display", "none", "-nodefaults", "-kernel", testGuestPath(),
        "-gdb", gdbarg, NULL,
    };
    const char *rm[] = { "rm", "-rf", dir, NULL };
    GPid qemu;
    size_t i;

    if (!g_spawn_async(NULL, (char **) argv, NULL,
                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                       NULL, NULL, &qemu, &error))
        g_error("cannot start QEMU: %s", error->message);
    for (i = 0; i < 200 && !g_file_test(sock, G_FILE_TEST_EXISTS); i++)
        g_usleep(50 * 1000);

    /* QEMU's gdbstub takes one client after another: every run is a
     * fresh connection, as through the bridge */
    benchTarget(dir, target, total, base);

    kill(qemu, SIGKILL);
    waitpid(qemu, NULL, 0);
    g_spawn_close_pid(qemu);
    g_spawn_sync(NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH,
                 NULL, NULL, NULL, NULL, NULL, NULL);
}

int
main(int argc, char **argv)
{
    struct {
        const char *label;
        const char *kind;
        const char *transport;
        double total;
        double base;
    } runs[] = {
        { "bridge, embedded, channel", "embed", "channel" },
        { "bridge, embedded, monitor", "embed", "monitor" },
        { "bridge, libvirtd, channel", "daemon", "channel" },
        { "bridge, libvirtd, monitor", "daemon", "monitor" },
        { "raw gdbstub, unix socket", NULL, NULL },
    };
    size_t i;

    if (argc == 4 && g_str_equal(argv[1], "--start"))
        return startMain(argv[2], argv[3]);
    selfPath = g_canonicalize_filename(argv[0], NULL);

    /* runs[] pairs each kind's channel and monitor figures */
    for (i = 0; i < G_N_ELEMENTS(runs); i++) {
        if (!runs[i].kind)
            benchRaw(&runs[i].total, &runs[i].base);
        else if (g_str_equal(runs[i].transport, "channel"))
            benchLibvirt(runs[i].kind, &runs[i].total, &runs[i].base,
                         &runs[i + 1].total, &runs[i + 1].base);
    }

    g_print("gdb running %d stepi, median of %d runs (milliseconds):\n",
            STEPS, RUNS);
    g_print("  %-34s %10s %10s %10s %8s %8s\n", "", "total", "baseline",
            "stepi", "per step", "vs raw");
    for (i = 0; i < G_N_ELEMENTS(runs); i++) {
        double raw = runs[G_N_ELEMENTS(runs) - 1].total -
                     runs[G_N_ELEMENTS(runs) - 1].base;
        double step = runs[i].total - runs[i].base;

        g_print("  %-34s %10.0f %10.0f %10.0f %8.2f %7.1fx\n",
                runs[i].label, runs[i].total, runs[i].base, step,
                step / STEPS, step / raw);
    }
    return 0;
}
