/*
 * break-on-symbol.c: a fleet tool's view of libvirt-debug, complete
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   break-on-symbol URI DOMAIN SYMBOL [SYMBOL-FILE]
 *
 * Attaches to DOMAIN, arms a hardware breakpoint on SYMBOL (looked up in
 * SYMBOL-FILE, or the file the domain's <debug:symbols> names), waits up
 * to 30 s for a vCPU to hit it, prints where, and detaches: the guest
 * runs on with no debug point left.  Build it against the installed
 * library with
 *
 *   cc break-on-symbol.c $(pkg-config --cflags --libs libvirt-debug)
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/virterror.h>
#include <libvirt-debug/libvirt-debug.h>

static volatile int hit;
static virDomainDebugStopInfo hitStop;
static volatile int quitLoop;

static void
onExit(virConnectPtr conn, virDomainPtr dom,
       const virDomainDebugStopInfo *stop, void *opaque)
{
    (void)conn;
    (void)dom;
    (void)opaque;
    hitStop = *stop;
    hit = 1;
}

/* debug-exit events arrive on libvirt's event loop, which the program
 * runs in a thread of its own */
static void *
eventLoop(void *opaque)
{
    (void)opaque;
    while (!quitLoop)
        virEventRunDefaultImpl();
    return NULL;
}

/* libvirt prints every error as it is raised, including the ones the
 * library handles (a domain without a <debug> element has no such
 * metadata): this program prints its own */
static void
quietErrors(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static void
wake(int timer, void *opaque)
{
    (void)opaque;
    virEventRemoveTimeout(timer);
}

int
main(int argc, char **argv)
{
    virDomainDebugSymbols *syms = NULL;
    virConnectPtr conn = NULL;
    virDomainPtr dom = NULL;
    unsigned long long addr;
    pthread_t loop;
    char *where = NULL;
    int callback = -1;
    int attached = 0;
    int ret = 1;
    int i;

    if (argc < 4) {
        fprintf(stderr, "usage: %s URI DOMAIN SYMBOL [SYMBOL-FILE]\n", argv[0]);
        return 1;
    }
    virSetErrorFunc(NULL, quietErrors);
    /* the event loop must be registered before the connection opens */
    virEventRegisterDefaultImpl();
    pthread_create(&loop, NULL, eventLoop, NULL);

    if (!(conn = virConnectOpen(argv[1])) ||
        !(dom = virDomainLookupByName(conn, argv[2]))) {
        fprintf(stderr, "cannot find domain %s on %s\n", argv[2], argv[1]);
        goto cleanup;
    }
    syms = argc > 4 ? virDomainDebugSymbolsOpen(argv[4], 0)
                    : virDomainDebugSymbolsOpenDomain(dom, 0);
    if (!syms ||
        virDomainDebugSymbolsParseAddress(syms, argv[3], &addr) < 0 ||
        (callback = virDomainDebugEventRegister(conn, dom, onExit,
                                                NULL, NULL)) < 0 ||
        virDomainDebugAttach(dom, 0) < 0)
        goto error;
    attached = 1;
    /* the guest must run the code the file describes where it says */
    if (virDomainDebugSymbolsVerify(syms, dom, 0, 0) < 0 ||
        virDomainDebugInsertPoint(dom, VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT,
                                  addr, 0, -1, 0) < 0)
        goto error;

    for (i = 0; i < 3000 && !hit; i++)
        usleep(10 * 1000);
    if (!hit) {
        fprintf(stderr, "%s: no vCPU reached %s within 30 s\n", argv[2], argv[3]);
        goto cleanup;
    }
    where = virDomainDebugSymbolsFormatAddress(syms, hitStop.pc);
    printf("%s: vcpu %d %s at 0x%llx <%s>\n", virDomainGetName(dom), hitStop.vcpu,
           virDomainDebugStopReasonName(hitStop.reason), hitStop.pc,
           where ? where : "?");
    ret = 0;
    goto cleanup;

 error:
    fprintf(stderr, "%s\n", virDomainDebugGetLastErrorMessage());
 cleanup:
    if (attached && virDomainDebugDetach(dom, 0) < 0) {
        fprintf(stderr, "%s\n", virDomainDebugGetLastErrorMessage());
        ret = 1;
    }
    if (callback >= 0)
        virDomainDebugEventDeregister(conn, callback);
    free(where);
    virDomainDebugSymbolsFree(syms);
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    quitLoop = 1;
    virEventAddTimeout(0, wake, NULL, NULL);
    pthread_join(loop, NULL);
    return ret;
}
