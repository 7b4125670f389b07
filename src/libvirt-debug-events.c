/*
 * libvirt-debug-events.c: debug-exit events as typed callbacks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DEBUG_STOP travels as a QEMU monitor event
 * (virConnectDomainQemuMonitorEventRegister), which libvirt forwards over
 * its RPC: the same code receives events from the embedded driver, a local
 * daemon and qemu+ssh://.
 *
 * A domain this process has a debug channel to (libvirt-debug-channel.c)
 * sends its events on the channel too, sooner: the channel's are
 * delivered from the libvirt event loop (a zero timeout), the thread the
 * callbacks get the monitor's from, and the monitor's copies are dropped
 * so that no stop is reported twice.  So every callback is also kept in
 * a registry of this file, which the channel's events are matched
 * against.  A monitor copy may come after the channel closed (libvirt
 * is slower than the socket, and a detach closes the channel right
 * after the last stop): copies are therefore matched by what they say,
 * in a per-domain balance of stops seen on the channel and on the
 * monitor, not by whether a channel is open when they arrive.
 */

#include "libvirt-debug-private.h"

typedef struct {
    gint refs;
    int id;                     /* libvirt's callback id */
    virConnectPtr conn;         /* not referenced: valid while registered */
    char *uuid;                 /* the domain's, or NULL for every domain */
    virDomainDebugEventCallback cb;
    void *opaque;
    virFreeCallback freecb;
} virDomainDebugEventData;

/* A DEBUG_STOP that came on a channel, waiting for the event loop: kept
 * parsed, as a JSON text of it would need json-glib to write its
 * unsigned 64-bit numbers back (see qemuDebugChannelClassify) */
typedef struct {
    virDomainPtr dom;
    qemuDebugStop stop;
} virDomainDebugQueuedEvent;

/* How long a stop seen on one path waits for its copy on the other */
#define VIR_DOMAIN_DEBUG_EVENT_MATCH_US (10 * G_USEC_PER_SEC)

/* Stops of one domain seen on one path and not yet on the other: > 0
 * more on the channel, < 0 more dropped from the monitor */
typedef struct {
    char *what;                 /* uuid, vCPU, reason, pc, point */
    int balance;
    gint64 when;                /* monotonic time of the last change */
} virDomainDebugEventBalance;

static GMutex eventsLock;
static GPtrArray *registry;     /* virDomainDebugEventData *, referenced */
static GPtrArray *balances;     /* virDomainDebugEventBalance * */
static GQueue queued;           /* virDomainDebugQueuedEvent * */
static int queueTimer = -1;     /* the pending zero timeout, or -1 */

static virDomainDebugEventData *
virDomainDebugEventDataRef(virDomainDebugEventData *data)
{
    g_atomic_int_inc(&data->refs);
    return data;
}

static void
virDomainDebugEventDataUnref(void *opaque)
{
    virDomainDebugEventData *data = opaque;

    if (!g_atomic_int_dec_and_test(&data->refs))
        return;
    if (data->freecb)
        data->freecb(data->opaque);
    g_free(data->uuid);
    g_free(data);
}

static void
virDomainDebugEventDeliver(virConnectPtr conn,
                           virDomainPtr dom,
                           const qemuDebugStop *stop,
                           virDomainDebugEventData *data)
{
    virDomainDebugStopInfo info = { 0 };

    qemuDebugStopToInfo(stop, &info);
    data->cb(conn, dom, &info, data->opaque);
}

static void
virDomainDebugEventBalanceFree(gpointer opaque)
{
    virDomainDebugEventBalance *b = opaque;

    g_free(b->what);
    g_free(b);
}

/* What identifies a stop of @dom for matching its two copies, or NULL */
static char *
virDomainDebugEventIdentity(virDomainPtr dom, const qemuDebugStop *stop)
{
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (virDomainGetUUIDString(dom, uuid) < 0)
        return NULL;
    return g_strdup_printf("%s/%d/%d/%llx/%d/%llx", uuid, stop->vcpu,
                           (int) stop->reason, stop->pc, stop->pointId,
                           stop->hitAddr);
}

/* Moves the balance of @what by @delta and returns its value before.
 * Called with eventsLock held. */
static int
virDomainDebugEventBalanceMove(const char *what, int delta)
{
    gint64 now = g_get_monotonic_time();
    virDomainDebugEventBalance *found = NULL;
    int before;
    guint i;

    if (!balances)
        balances = g_ptr_array_new_with_free_func(virDomainDebugEventBalanceFree);
    i = balances->len;
    while (i-- > 0) {
        virDomainDebugEventBalance *b = g_ptr_array_index(balances, i);

        if (now - b->when > VIR_DOMAIN_DEBUG_EVENT_MATCH_US)
            g_ptr_array_remove_index_fast(balances, i);
        else if (g_str_equal(b->what, what))
            found = b;
    }
    if (!found) {
        found = g_new0(virDomainDebugEventBalance, 1);
        found->what = g_strdup(what);
        g_ptr_array_add(balances, found);
    }
    before = found->balance;
    found->balance += delta;
    found->when = now;
    return before;
}

/* From libvirt's monitor event API */
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
    g_autofree qemuDebugStop *parsed = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *stop = NULL;
    g_autofree char *what = NULL;
    bool copy = false;

    /* An event this library cannot read is dropped with a warning rather
     * than handed on half-parsed: it comes from a QEMU with another
     * version of the protocol. */
    if (!(parsed = qemuDebugParseStopEvent(details ? details : "", &error))) {
        g_warning("domain '%s': ignoring malformed DEBUG_STOP event: %s",
                  virDomainGetName(dom), error->message);
        return;
    }
    stop = virDomainDebugEventIdentity(dom, parsed);

    /* the copy of a stop the channel delivered (or will: while a channel
     * is open, it delivers this domain's stops), per callback: libvirt
     * calls this once for each */
    if (stop) {
        what = g_strdup_printf("%s/%d", stop, data->id);
        g_mutex_lock(&eventsLock);
        if (virDomainDebugEventBalanceMove(what, 0) > 0) {
            virDomainDebugEventBalanceMove(what, -1);
            copy = true;
        } else if (virDomainDebugChannelActive(dom)) {
            virDomainDebugEventBalanceMove(what, -1);
            copy = true;
        }
        g_mutex_unlock(&eventsLock);
    }
    if (copy)
        return;
    virDomainDebugEventDeliver(conn, dom, parsed, data);
}

/* The callbacks registered for @dom, referenced. */
static GPtrArray *
virDomainDebugEventMatching(virDomainPtr dom)
{
    GPtrArray *found = g_ptr_array_new_with_free_func(virDomainDebugEventDataUnref);
    virConnectPtr conn = virDomainGetConnect(dom);
    char uuid[VIR_UUID_STRING_BUFLEN];
    guint i;

    if (virDomainGetUUIDString(dom, uuid) < 0)
        return found;
    g_mutex_lock(&eventsLock);
    for (i = 0; registry && i < registry->len; i++) {
        virDomainDebugEventData *data = g_ptr_array_index(registry, i);

        if (data->conn == conn && (!data->uuid || g_str_equal(data->uuid, uuid)))
            g_ptr_array_add(found, virDomainDebugEventDataRef(data));
    }
    g_mutex_unlock(&eventsLock);
    return found;
}

/* The zero timeout: delivers what the channels queued. */
static void
virDomainDebugEventDrain(int timer, void *opaque G_GNUC_UNUSED)
{
    virDomainDebugQueuedEvent *ev;

    g_mutex_lock(&eventsLock);
    virEventRemoveTimeout(timer);
    queueTimer = -1;
    while ((ev = g_queue_pop_head(&queued))) {
        g_autoptr(GPtrArray) found = NULL;
        guint i;

        g_mutex_unlock(&eventsLock);
        found = virDomainDebugEventMatching(ev->dom);
        for (i = 0; i < found->len; i++)
            virDomainDebugEventDeliver(virDomainGetConnect(ev->dom), ev->dom,
                                       &ev->stop,
                                       g_ptr_array_index(found, i));
        virDomainFree(ev->dom);
        g_free(ev);
        g_mutex_lock(&eventsLock);
    }
    g_mutex_unlock(&eventsLock);
}

void
virDomainDebugEventQueue(virDomainPtr dom, const qemuDebugStop *event)
{
    virDomainDebugQueuedEvent *ev;

    g_autofree char *stop = virDomainDebugEventIdentity(dom, event);
    g_autoptr(GPtrArray) found = virDomainDebugEventMatching(dom);
    guint i;

    g_mutex_lock(&eventsLock);
    /* nobody listens: libvirt has the same rule for its own events */
    if (found->len == 0) {
        g_mutex_unlock(&eventsLock);
        return;
    }
    /* each callback gets a monitor copy of it too, later or sooner */
    for (i = 0; stop && i < found->len; i++) {
        virDomainDebugEventData *data = g_ptr_array_index(found, i);
        g_autofree char *what = g_strdup_printf("%s/%d", stop, data->id);

        virDomainDebugEventBalanceMove(what, +1);
    }
    ev = g_new0(virDomainDebugQueuedEvent, 1);
    virDomainRef(dom);
    ev->dom = dom;
    ev->stop = *event;
    g_queue_push_tail(&queued, ev);
    if (queueTimer < 0 &&
        (queueTimer = virEventAddTimeout(0, virDomainDebugEventDrain,
                                         NULL, NULL)) < 0)
        g_warning("domain '%s': cannot schedule a debug event: no libvirt "
                  "event loop", virDomainGetName(dom));
    g_mutex_unlock(&eventsLock);
}

int
virDomainDebugEventRegister(virConnectPtr conn, virDomainPtr dom,
                            virDomainDebugEventCallback cb,
                            void *opaque, virFreeCallback freecb)
{
    virDomainDebugEventData *data;
    char uuid[VIR_UUID_STRING_BUFLEN];
    int id;

    virDomainDebugErrorReset();
    if (!cb) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "a debug event callback is required");
        return -1;
    }
    if (dom && virDomainGetUUIDString(dom, uuid) < 0) {
        virDomainDebugReportLibvirtError(dom, "read the domain's UUID");
        return -1;
    }

    data = g_new0(virDomainDebugEventData, 1);
    data->refs = 1;             /* libvirt's */
    data->conn = conn;
    data->uuid = dom ? g_strdup(uuid) : NULL;
    data->cb = cb;
    data->opaque = opaque;
    data->freecb = freecb;

    id = virConnectDomainQemuMonitorEventRegister(conn, dom, QEMU_DEBUG_EVENT_STOP,
                                                  virDomainDebugEventDispatch,
                                                  data,
                                                  virDomainDebugEventDataUnref,
                                                  0);
    if (id < 0) {
        /* libvirt did not take @data: free it, but not the caller's
         * opaque, which stays theirs on failure. */
        g_free(data->uuid);
        g_free(data);
        virDomainDebugReportLibvirtError(dom, "register for debug events "
                                         "(is a libvirt event loop running? call "
                                         "virEventRegisterDefaultImpl() before "
                                         "opening the connection)");
        return -1;
    }
    data->id = id;

    g_mutex_lock(&eventsLock);
    if (!registry)
        registry = g_ptr_array_new_with_free_func(virDomainDebugEventDataUnref);
    g_ptr_array_add(registry, virDomainDebugEventDataRef(data));
    g_mutex_unlock(&eventsLock);
    return id;
}

int
virDomainDebugEventDeregister(virConnectPtr conn, int callbackID)
{
    virDomainDebugEventData *found = NULL;
    guint i;

    virDomainDebugErrorReset();
    if (virConnectDomainQemuMonitorEventDeregister(conn, callbackID) < 0) {
        virDomainDebugReportLibvirtError(NULL, "deregister the debug event callback");
        return -1;
    }
    g_mutex_lock(&eventsLock);
    for (i = 0; registry && i < registry->len; i++) {
        virDomainDebugEventData *data = g_ptr_array_index(registry, i);

        if (data->conn == conn && data->id == callbackID) {
            found = g_ptr_array_steal_index(registry, i);
            break;
        }
    }
    g_mutex_unlock(&eventsLock);
    /* outside the lock: the last reference calls the caller's freecb */
    if (found)
        virDomainDebugEventDataUnref(found);
    return 0;
}
