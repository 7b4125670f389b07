/*
 * virsh-embed-settle.c: a preload library that makes plain virsh wait for
 * the embedded driver's reconnects (see virsh-debug-embed.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virsh-debug hands the commands it does not know to libvirt's own virsh.
 * On qemu:///embed that virsh runs libvirt's QEMU driver in its own
 * process and, with libvirt 9.0, can exit while the driver is still
 * reconnecting to a running domain, which crashes virsh or kills the
 * guest.  virsh cannot be changed, so virsh-debug starts it with this
 * library in LD_PRELOAD: it wraps virConnectOpenAuth(), the one call
 * virsh opens its connections with, and settles every embedded
 * connection before virsh uses it.  Any other connection is returned
 * untouched.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "virsh-debug-embed.h"

typedef virConnectPtr (*virshEmbedOpenAuthFunc)(const char *name,
                                                virConnectAuthPtr auth,
                                                unsigned int flags);

virConnectPtr
virConnectOpenAuth(const char *name, virConnectAuthPtr auth, unsigned int flags)
{
    static virshEmbedOpenAuthFunc realOpenAuth;
    virConnectPtr conn;

    if (!realOpenAuth &&
        !(realOpenAuth = (virshEmbedOpenAuthFunc)dlsym(RTLD_NEXT,
                                                       "virConnectOpenAuth"))) {
        fprintf(stderr, "virsh-embed-settle: libvirt's virConnectOpenAuth not "
                "found (%s); is this process linked with libvirt?\n", dlerror());
        abort();
    }
    if ((conn = realOpenAuth(name, auth, flags)))
        virshDebugEmbedSettle(conn);
    return conn;
}
