/*
 * cli-helper.c: set-up and checks for cli-test, in a process of their own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt 9.0's embedded driver keeps its root locked (run/qemu/driver.pid)
 * from the first connection until the process exits, closing the last
 * connection does not release it.  cli-test drives the root through
 * virsh-debug processes, so it cannot open it itself even briefly: it asks
 * this helper, which opens the root, does one thing and exits.
 *
 *   cli-helper URI start NAME EMULATOR [DEBUGXML]   define and start
 *   cli-helper URI start-smp NAME                   the same with 2 vCPUs
 *   cli-helper URI define NAME [DEBUGXML]           define (patched QEMU)
 *   cli-helper URI remove NAME                      destroy and undefine
 *   cli-helper URI state NAME                       print the state number
 *   cli-helper URI points NAME                      print "COUNT ADDR HITS..."
 *   cli-helper URI read32 NAME SYMBOL               print the guest's u32
 *   cli-helper URI read NAME SYMBOL LEN             print the bytes in hex
 *   cli-helper URI check NAME                       running, no point, no
 *                                                   vCPU stopped, progress
 *
 * Exits 0, or 1 with the reason on stderr.
 */

#include <stdio.h>
#include <string.h>
#include <libvirt/virterror.h>

#include "libvirt-debug/libvirt-debug.h"
#include "testutils-guest.h"
#include "e2e-guest.h"
#include "testutils-libvirt.h"
#include "virsh-debug-embed.h"

static virConnectPtr conn;


static G_GNUC_PRINTF(1, 2) void
fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "cli-helper: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}


static virDomainPtr
lookup(const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    if (!dom)
        fail("no domain '%s': %s", name, virGetLastErrorMessage());
    return dom;
}


static unsigned int
readU32(virDomainPtr dom, const char *symbol)
{
    g_autofree char *why = NULL;
    guint32 v;

    if (!e2eReadGuestU32(dom, symbol, &v, &why))
        fail("%s", why);
    return v;
}


static void
waitUp(virDomainPtr dom)
{
    g_autofree char *why = NULL;

    if (!e2eWaitGuestUp(dom, &why))
        fail("%s", why);
}

static void
check(virDomainPtr dom)
{
    g_autofree char *why = NULL;

    if (!e2eGuestIsClean(dom, &why))
        fail("%s", why);
}


int
main(int argc, char **argv)
{
    const char *cmd;
    const char *name;
    virDomainPtr dom = NULL;

    if (argc < 4)
        fail("usage: cli-helper URI COMMAND NAME [ARGS...]");
    cmd = argv[2];
    name = argv[3];

    testLibvirtRunEventLoop();
    if (!(conn = virConnectOpen(argv[1])))
        fail("cannot open %s: %s", argv[1], virGetLastErrorMessage());
    /* before anything can fail and exit: see tools/virsh-debug-embed.c */
    virshDebugEmbedSettle(conn);

    if (g_str_equal(cmd, "start") && argc >= 5) {
        g_autofree char *xml = testLibvirtDomainXML(name, argv[4], 1,
                                                    argc > 5 ? argv[5] : NULL);

        if (!(dom = virDomainDefineXML(conn, xml)) || virDomainCreate(dom) < 0)
            fail("cannot start %s: %s", name, virGetLastErrorMessage());
        /* the patched QEMU, booting as declared: wait for the guest */
        if (g_str_equal(argv[4], testLibvirtQemu()) && argc == 5)
            waitUp(dom);
    } else if (g_str_equal(cmd, "start-smp")) {
        g_autofree char *xml = testLibvirtDomainXML(name, testLibvirtQemu(), 2, NULL);

        if (!(dom = virDomainDefineXML(conn, xml)) || virDomainCreate(dom) < 0)
            fail("cannot start %s: %s", name, virGetLastErrorMessage());
        waitUp(dom);
    } else if (g_str_equal(cmd, "define")) {
        g_autofree char *xml = testLibvirtDomainXML(name, testLibvirtQemu(), 1,
                                                    argc > 4 ? argv[4] : NULL);

        if (!(dom = virDomainDefineXML(conn, xml)))
            fail("cannot define %s: %s", name, virGetLastErrorMessage());
    } else if (g_str_equal(cmd, "remove")) {
        dom = lookup(name);
        if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) < 0 &&
            virDomainIsActive(dom) == 1)
            fail("cannot destroy %s: %s", name, virGetLastErrorMessage());
        if (virDomainUndefine(dom) < 0)
            fail("cannot undefine %s: %s", name, virGetLastErrorMessage());
    } else if (g_str_equal(cmd, "state")) {
        int state = -1;
        int reason;

        dom = lookup(name);
        if (virDomainGetState(dom, &state, &reason, 0) < 0)
            fail("cannot get the state of %s: %s", name, virGetLastErrorMessage());
        printf("%d\n", state);
    } else if (g_str_equal(cmd, "points")) {
        virDomainDebugPoint *points = NULL;
        int n;
        int i;

        dom = lookup(name);
        if ((n = virDomainDebugListPoints(dom, &points, 0)) < 0)
            fail("cannot list points: %s", virDomainDebugGetLastErrorMessage());
        printf("%d", n);
        for (i = 0; i < n; i++)
            printf(" 0x%llx %llu", points[i].addr, points[i].hits);
        printf("\n");
        g_free(points);
    } else if (g_str_equal(cmd, "read32") && argc >= 5) {
        dom = lookup(name);
        printf("0x%x\n", readU32(dom, argv[4]));
    } else if (g_str_equal(cmd, "read") && argc >= 6) {
        g_autofree unsigned char *buf = NULL;
        unsigned long long len = g_ascii_strtoull(argv[5], NULL, 0);
        unsigned long long i;

        dom = lookup(name);
        buf = g_malloc0(len);
        if (virDomainDebugReadMemory(dom, testGuestSymbol(argv[4]), len, buf, 0, 0) < 0)
            fail("cannot read %s: %s", argv[4], virDomainDebugGetLastErrorMessage());
        for (i = 0; i < len; i++)
            printf("%02x", buf[i]);
        printf("\n");
    } else if (g_str_equal(cmd, "check")) {
        dom = lookup(name);
        check(dom);
    } else {
        fail("unknown command '%s' or missing arguments", cmd);
    }

    if (dom)
        virDomainFree(dom);
    virConnectClose(conn);
    return 0;
}
