/*
 * virsh-debug-events.c: the libvirt event loop and debug-exit events
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Debug-exit events arrive through libvirt's QEMU monitor event API, which
 * only delivers them while somebody runs the libvirt event loop: a
 * dedicated GThread runs virEventRunDefaultImpl() for the life of the
 * process.  The callback records the latest stop under a lock and bumps a
 * generation counter; a command that waits (debug-wait, debug-step,
 * debug-stop) takes the generation *after* registering and *before*
 * acting, so an event that comes back quickly is never missed.
 */

#include <unistd.h>

#include "virsh-debug.h"

static GThread *virshDebugEventThread;
static gint virshDebugEventQuit;

static gpointer
virshDebugEventThreadRun(gpointer opaque G_GNUC_UNUSED)
{
    while (!g_atomic_int_get(&virshDebugEventQuit)) {
        if (virEventRunDefaultImpl() < 0)
            break;
    }
    return NULL;
}


/**
 * virshDebugEventLoopStart:
 *
 * Must run before the connection is opened: libvirt only wires a
 * connection to the event loop that is registered when it is opened.
 */
int
virshDebugEventLoopStart(virshDebugControl *ctl)
{
    if (virshDebugEventThread)
        return 0;
    if (virEventRegisterDefaultImpl() < 0) {
        virshDebugReportLibvirtError("cannot start libvirt's event loop");
        return -1;
    }
    virshDebugEventThread = g_thread_new("virsh-debug-events",
                                         virshDebugEventThreadRun, ctl);
    return 0;
}


static void
virshDebugEventWake(int timer, void *opaque G_GNUC_UNUSED)
{
    virEventRemoveTimeout(timer);
}


void
virshDebugEventLoopStop(virshDebugControl *ctl G_GNUC_UNUSED)
{
    if (!virshDebugEventThread)
        return;
    g_atomic_int_set(&virshDebugEventQuit, 1);
    /* virEventRunDefaultImpl() blocks in poll(): an immediate timer
     * makes it return so the thread sees the quit flag. */
    if (virEventAddTimeout(0, virshDebugEventWake, NULL, NULL) < 0)
        g_warning("cannot wake libvirt's event loop");
    g_thread_join(virshDebugEventThread);
    virshDebugEventThread = NULL;
}


static void
virshDebugEventCallback(virConnectPtr conn G_GNUC_UNUSED,
                        virDomainPtr dom,
                        const virDomainDebugStopInfo *stop,
                        void *opaque)
{
    virshDebugControl *ctl = opaque;
    const char *name = virDomainGetName(dom);

    g_mutex_lock(&ctl->eventLock);
    ctl->eventStop = *stop;
    g_free(ctl->eventDomain);
    ctl->eventDomain = g_strdup(name);
    ctl->eventGeneration++;
    g_cond_broadcast(&ctl->eventCond);
    g_mutex_unlock(&ctl->eventLock);

    /* In a debug session the report is printed by the shell as soon as it
     * can (between commands, or while it waits for input), never in the
     * middle of a line it is printing. */
    if (g_atomic_int_get(&ctl->asyncReports)) {
        char byte = 'e';

        g_async_queue_push(ctl->reports, virshDebugFormatStop(ctl, name, stop));
        if (write(ctl->wakeupPipe[1], &byte, 1) < 0) {
            /* The pipe is non-blocking: if it is full, the shell has
             * wake-ups pending anyway. */
        }
    }
}


/**
 * virshDebugEventsWatch:
 *
 * Registers for debug exits of @dom (once per domain; a second call for
 * the same domain does nothing).  Returns 0, or -1 with the error printed.
 */
int
virshDebugEventsWatch(virshDebugControl *ctl, virDomainPtr dom)
{
    const char *name = virDomainGetName(dom);
    int id;

    if (ctl->eventCallbackID >= 0) {
        if (g_strcmp0(ctl->eventCallbackDomain, name) == 0)
            return 0;
        virshDebugEventsUnwatch(ctl);
    }
    id = virDomainDebugEventRegister(virDomainGetConnect(dom), dom,
                                     virshDebugEventCallback, ctl, NULL);
    if (id < 0) {
        virshDebugReportDebugError();
        return -1;
    }
    ctl->eventCallbackID = id;
    ctl->eventCallbackDomain = g_strdup(name);
    return 0;
}


void
virshDebugEventsUnwatch(virshDebugControl *ctl)
{
    if (ctl->eventCallbackID < 0)
        return;
    if (ctl->conn)
        virDomainDebugEventDeregister(ctl->conn, ctl->eventCallbackID);
    ctl->eventCallbackID = -1;
    g_clear_pointer(&ctl->eventCallbackDomain, g_free);
}


guint64
virshDebugEventsGeneration(virshDebugControl *ctl)
{
    guint64 gen;

    g_mutex_lock(&ctl->eventLock);
    gen = ctl->eventGeneration;
    g_mutex_unlock(&ctl->eventLock);
    return gen;
}


/*
 * After a wait timed out: whether a vCPU of the watched domain is stopped
 * for the debugger all the same, i.e. the stop happened and only its
 * event was lost on the way; says which stop, or NULL.  A lost event and
 * a guest that never stopped need different fixes, so the error tells
 * them apart.
 */
static char *
virshDebugEventsStoppedWithoutEvent(virshDebugControl *ctl)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    g_autofree virDomainDebugStopInfo *stops = NULL;
    int n;
    int i;

    if (!ctl->conn || !ctl->eventCallbackDomain ||
        !(dom = virDomainLookupByName(ctl->conn, ctl->eventCallbackDomain))) {
        virResetLastError();
        return NULL;
    }
    if ((n = virDomainDebugGetStops(dom, &stops, 0)) < 0)
        return NULL;
    for (i = 0; i < n; i++) {
        if (stops[i].stopped)
            return g_strdup_printf("vCPU %d is stopped (%s at 0x%llx)",
                                   stops[i].vcpu,
                                   virDomainDebugStopReasonName(stops[i].reason),
                                   stops[i].pc);
    }
    return NULL;
}


/**
 * virshDebugEventsWait:
 * @since: a generation from virshDebugEventsGeneration
 * @timeout: seconds, or <= 0 to wait until an event or Ctrl-C
 * @stop: set to the event
 *
 * Returns 0 when an event newer than @since arrived, -1 on timeout or
 * interrupt (the error is printed).
 */
int
virshDebugEventsWait(virshDebugControl *ctl, guint64 since, double timeout,
                     virDomainDebugStopInfo *stop)
{
    gint64 deadline = 0;
    int ret = -1;

    if (timeout > 0)
        deadline = g_get_monotonic_time() + (gint64)(timeout * G_USEC_PER_SEC);

    g_mutex_lock(&ctl->eventLock);
    while (ctl->eventGeneration == since) {
        gint64 now = g_get_monotonic_time();
        /* Wake up regularly to notice Ctrl-C: a signal handler cannot
         * signal a GCond. */
        gint64 until = now + G_USEC_PER_SEC / 10;

        if (g_atomic_int_get(&virshDebugInterrupted))
            break;
        if (deadline) {
            if (now >= deadline)
                break;
            until = MIN(until, deadline);
        }
        g_cond_wait_until(&ctl->eventCond, &ctl->eventLock, until);
    }
    if (ctl->eventGeneration != since) {
        *stop = ctl->eventStop;
        ret = 0;
    }
    g_mutex_unlock(&ctl->eventLock);

    if (ret < 0) {
        g_autofree char *stopped = NULL;

        if (g_atomic_int_get(&virshDebugInterrupted))
            virshDebugError("interrupted while waiting for a debug exit");
        else if ((stopped = virshDebugEventsStoppedWithoutEvent(ctl)))
            virshDebugError("timed out after %g seconds waiting for a debug exit "
                            "of domain '%s': %s, but its debug-exit event never "
                            "reached virsh-debug; 'debug-where' shows it",
                            timeout, ctl->eventCallbackDomain, stopped);
        else
            virshDebugError("timed out after %g seconds waiting for a debug exit "
                            "of domain '%s'; the guest did not hit a debug point: "
                            "check 'debug-list' and 'debug-where', or wait longer "
                            "with --timeout", timeout,
                            ctl->eventCallbackDomain ? ctl->eventCallbackDomain : "?");
    }
    return ret;
}


/**
 * virshDebugReportStop:
 *
 * Prints the stop a command waited for, unless a debug session already
 * reports every event asynchronously.
 */
void
virshDebugReportStop(virshDebugControl *ctl, virDomainPtr dom,
                     const virDomainDebugStopInfo *stop)
{
    if (g_atomic_int_get(&ctl->asyncReports))
        return;
    virshDebugPrintStop(ctl, virDomainGetName(dom), stop);
}
