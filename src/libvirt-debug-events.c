/*
 * libvirt-debug-events.c: debug-exit events as typed callbacks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DEBUG_STOP travels as a QEMU monitor event
 * (virConnectDomainQemuMonitorEventRegister), which libvirt forwards over
 * its RPC: the same code receives events from the embedded driver, a local
 * daemon and qemu+ssh://.
 */

#include "libvirt-debug-private.h"

typedef struct {
    virDomainDebugEventCallback cb;
    void *opaque;
    virFreeCallback freecb;
} virDomainDebugEventData;

static void
virDomainDebugEventDataFree(void *opaque)
{
    virDomainDebugEventData *data = opaque;

    if (data->freecb)
        data->freecb(data->opaque);
    g_free(data);
}

static void
virDomainDebugEventDispatch(virConnectPtr conn,
                            virDomainPtr dom,
                            const char *event G_GNUC_UNUSED,
                            long long seconds G_GNUC_UNUSED,
                            unsigned int micros G_GNUC_UNUSED,
                            const char *details,
                            void *opaque)
{
    virDomainDebugEventData *data = opaque;
    g_autofree qemuDebugStop *stop = NULL;
    g_autoptr(GError) error = NULL;
    virDomainDebugStopInfo info = { 0 };

    /* An event this library cannot read is dropped with a warning rather
     * than handed on half-parsed: it comes from a QEMU with another
     * version of the protocol. */
    if (!(stop = qemuDebugParseStopEvent(details ? details : "", &error))) {
        g_warning("domain '%s': ignoring malformed DEBUG_STOP event: %s",
                  virDomainGetName(dom), error->message);
        return;
    }
    qemuDebugStopToInfo(stop, &info);
    data->cb(conn, dom, &info, data->opaque);
}

int
virDomainDebugEventRegister(virConnectPtr conn, virDomainPtr dom,
                            virDomainDebugEventCallback cb,
                            void *opaque, virFreeCallback freecb)
{
    virDomainDebugEventData *data;
    int id;

    virDomainDebugErrorReset();
    if (!cb) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "a debug event callback is required");
        return -1;
    }

    data = g_new0(virDomainDebugEventData, 1);
    data->cb = cb;
    data->opaque = opaque;
    data->freecb = freecb;

    id = virConnectDomainQemuMonitorEventRegister(conn, dom, QEMU_DEBUG_EVENT_STOP,
                                                  virDomainDebugEventDispatch,
                                                  data,
                                                  virDomainDebugEventDataFree,
                                                  0);
    if (id < 0) {
        /* libvirt did not take @data: free it, but not the caller's
         * opaque, which stays theirs on failure. */
        g_free(data);
        virDomainDebugReportLibvirtError(dom, "register for debug events "
                                         "(is a libvirt event loop running? call "
                                         "virEventRegisterDefaultImpl() before "
                                         "opening the connection)");
        return -1;
    }
    return id;
}

int
virDomainDebugEventDeregister(virConnectPtr conn, int callbackID)
{
    virDomainDebugErrorReset();
    if (virConnectDomainQemuMonitorEventDeregister(conn, callbackID) < 0) {
        virDomainDebugReportLibvirtError(NULL, "deregister the debug event callback");
        return -1;
    }
    return 0;
}
