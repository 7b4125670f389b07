/*
 * virsh-debug-embed.c: waiting for libvirt's embedded driver to reconnect
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With qemu:///embed?root=DIR libvirt's QEMU driver runs inside the
 * process that opens the connection, and opening it starts one thread per
 * running domain that reconnects to the domain's QEMU (libvirt 9.0:
 * qemuProcessReconnect).  A process that exits while such a thread still
 * runs races its own exit: library destructors run under the thread (seen:
 * libnuma's, under virNumaGetHostMemoryNodeset from the cgroup step), and
 * the thread either crashes the process or fails a step of the reconnect,
 * and then libvirt kills the QEMU it could not reconnect to ("shutting
 * down, reason=daemon"): the guest dies because a CLI process exited.
 *
 * Each reconnect thread is handed its domain's lock before
 * virConnectOpen() returns and takes the domain's job before it lets go
 * of the lock, and it holds the job until it is done.  So a call that
 * takes a job on every running domain returns only once every reconnect
 * is over: virDomainMemoryStats takes a query job and changes nothing.
 * Settling right after the connection is opened keeps the whole command,
 * and the process's exit, clear of the reconnects.
 */

#include <stdlib.h>
#include <string.h>
#include <libvirt/virterror.h>

#include "virsh-debug-embed.h"

/* Whether @uri names libvirt's embedded driver (qemu:///embed?root=...). */
bool
virshDebugEmbedURI(const char *uri)
{
    return uri && strstr(uri, ":///embed") != NULL;
}


/**
 * virshDebugEmbedSettle:
 * @conn: a connection, of any kind
 *
 * On an embedded connection, returns once libvirt has reconnected to
 * every running domain; on any other connection, at once.  Never fails:
 * only the wait matters, and libvirt's last error is left clear.
 */
void
virshDebugEmbedSettle(virConnectPtr conn)
{
    virDomainPtr *doms = NULL;
    char *uri;
    bool embed;
    int ndoms;
    int i;

    /* virConnectGetURI is answered locally, without an RPC */
    if (!conn || !(uri = virConnectGetURI(conn))) {
        virResetLastError();
        return;
    }
    embed = virshDebugEmbedURI(uri);
    free(uri);
    if (!embed)
        return;

    ndoms = virConnectListAllDomains(conn, &doms,
                                     VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    for (i = 0; i < ndoms; i++) {
        virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

        if (virDomainMemoryStats(doms[i], stats, VIR_DOMAIN_MEMORY_STAT_NR, 0) < 0)
            virResetLastError();
        virDomainFree(doms[i]);
    }
    free(doms);
    virResetLastError();
}
