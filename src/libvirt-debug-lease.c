/*
 * libvirt-debug-lease.c: a debug client's lease, renewed while it lives
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A session or GDB bridge that attaches with VIR_DOMAIN_DEBUG_ATTACH_LEASE
 * names itself to QEMU's debug module with a lease (QMP debug-lease) and
 * inserts its points under that name.  A thread of this process renews
 * the lease every third of its timeout for as long as the process lives;
 * when the process dies without detaching (SIGKILL, a crash, a vanished
 * host or ssh connection), nobody renews it, and QEMU itself removes the
 * lease's points and resumes a guest that no other lease holds.  It works
 * over every connection, qemu+ssh:// included, because it is nothing but
 * monitor commands.
 *
 * Where the process can open a debug channel to the domain
 * (libvirt-debug-channel.c), the channel holds the lease instead: QEMU
 * ends it the moment the channel closes, and nothing needs renewing.
 *
 * One lease per process and domain: the registry is keyed like the
 * capability cache (virDomainDebugDomainKey).
 */

#include "libvirt-debug-private.h"

#define VIR_DOMAIN_DEBUG_LEASE_TIMEOUT 15     /* seconds, default */

typedef struct {
    virDomainPtr dom;           /* a reference of its own */
    char *client;
    unsigned int timeout;
    bool channel;               /* held by a debug channel: no renewal */
    GThread *thread;            /* renews a timed lease */
    GMutex lock;
    GCond cond;
    bool quit;
} virDomainDebugLease;

static GMutex leaseLock;
static GHashTable *leases;      /* key -> virDomainDebugLease */

/* The lease timeout: LIBVIRT_DEBUG_LEASE_TIMEOUT seconds (1 to 3600), or
 * the default. */
static unsigned int
virDomainDebugLeaseTimeout(void)
{
    const char *env = g_getenv("LIBVIRT_DEBUG_LEASE_TIMEOUT");
    guint64 value;

    if (env && g_ascii_string_to_unsigned(env, 10, 1, 3600, &value, NULL))
        return value;
    return VIR_DOMAIN_DEBUG_LEASE_TIMEOUT;
}

static int
virDomainDebugLeaseSend(virDomainPtr dom, const char *client,
                        unsigned int timeout)
{
    return virDomainDebugRunEmpty(dom, qemuDebugBuildLease(client, timeout));
}

/* Renews until told to quit.  A renewal that fails (a libvirtd restart,
 * a network glitch) is retried at the next period: if the lease expired
 * meanwhile, QEMU has already cleaned up after us. */
static gpointer
virDomainDebugLeaseRenew(gpointer opaque)
{
    virDomainDebugLease *lease = opaque;
    gint64 period = (gint64)lease->timeout * G_USEC_PER_SEC / 3;

    g_mutex_lock(&lease->lock);
    while (!lease->quit) {
        gint64 until = g_get_monotonic_time() + period;

        while (!lease->quit &&
               g_cond_wait_until(&lease->cond, &lease->lock, until))
            ;
        if (lease->quit)
            break;
        g_mutex_unlock(&lease->lock);
        if (virDomainDebugLeaseSend(lease->dom, lease->client,
                                    lease->timeout) < 0)
            g_debug("domain '%s': cannot renew debug lease '%s': %s",
                    virDomainGetName(lease->dom), lease->client,
                    virDomainDebugGetLastErrorMessage());
        g_mutex_lock(&lease->lock);
    }
    g_mutex_unlock(&lease->lock);
    return NULL;
}

static void
virDomainDebugLeaseFree(gpointer data)
{
    virDomainDebugLease *lease = data;

    if (lease->thread) {
        g_mutex_lock(&lease->lock);
        lease->quit = true;
        g_cond_signal(&lease->cond);
        g_mutex_unlock(&lease->lock);
        g_thread_join(lease->thread);
    }
    virDomainFree(lease->dom);
    g_mutex_clear(&lease->lock);
    g_cond_clear(&lease->cond);
    g_free(lease->client);
    g_free(lease);
}


/**
 * virDomainDebugLeaseAcquire:
 *
 * Takes a lease on @dom for this process (or keeps the one it has) and
 * starts renewing it.  Returns 0, or -1 with the error reported.
 */
int
virDomainDebugLeaseAcquire(virDomainPtr dom, const qemuDebugCaps *caps)
{
    g_autofree char *key = virDomainDebugDomainKey(dom);
    virDomainDebugLease *lease;
    int opened;

    if (!key) {
        virDomainDebugReportLibvirtError(dom, "read the domain's UUID");
        return -1;
    }
    /* held across the one debug-lease of a new lease (attaching is rare):
     * two threads attaching at once must end up with one lease, or the
     * points of the one dropped would go when it expires */
    g_mutex_lock(&leaseLock);
    if (!leases)
        leases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       virDomainDebugLeaseFree);
    if (g_hash_table_contains(leases, key)) {
        g_mutex_unlock(&leaseLock);
        return 0;
    }

    lease = g_new0(virDomainDebugLease, 1);
    lease->client = g_uuid_string_random();
    lease->timeout = virDomainDebugLeaseTimeout();
    /* a debug channel holds the lease for as long as it is open; without
     * one (a remote connection, an older QEMU), a timed lease */
    if ((opened = virDomainDebugChannelOpen(dom, caps, lease->client)) < 0 ||
        (!opened &&
         virDomainDebugLeaseSend(dom, lease->client, lease->timeout) < 0)) {
        g_mutex_unlock(&leaseLock);
        g_free(lease->client);
        g_free(lease);
        return -1;
    }
    virDomainRef(dom);
    lease->dom = dom;
    lease->channel = opened;
    g_mutex_init(&lease->lock);
    g_cond_init(&lease->cond);
    if (!lease->channel)
        lease->thread = g_thread_new("debug-lease", virDomainDebugLeaseRenew,
                                     lease);
    g_hash_table_insert(leases, g_steal_pointer(&key), lease);
    g_mutex_unlock(&leaseLock);
    return 0;
}


/**
 * virDomainDebugLeaseClient:
 *
 * The name of this process's lease on @dom, for debug-insert, or NULL
 * without one.  The string is the caller's to free.
 */
char *
virDomainDebugLeaseClient(virDomainPtr dom)
{
    g_autofree char *key = virDomainDebugDomainKey(dom);
    virDomainDebugLease *lease;
    char *client = NULL;

    if (!key)
        return NULL;
    g_mutex_lock(&leaseLock);
    if (leases && (lease = g_hash_table_lookup(leases, key)))
        client = g_strdup(lease->client);
    g_mutex_unlock(&leaseLock);
    return client;
}


/* @dom on a new connection to its URI (*conn, to close): the process's
 * own connection died under it (libvirtd restarted).  NULL with the
 * error reported, naming @what. */
static virDomainPtr
virDomainDebugDomainAfresh(virDomainPtr dom, virConnectPtr *conn,
                           const char *what)
{
    g_autofree char *uri = virConnectGetURI(virDomainGetConnect(dom));
    unsigned char uuid[VIR_UUID_BUFLEN];
    virDomainPtr fresh = NULL;

    *conn = NULL;
    if (!uri || virDomainGetUUID(dom, uuid) < 0 ||
        !(*conn = virConnectOpen(uri)) ||
        !(fresh = virDomainLookupByUUID(*conn, uuid))) {
        virDomainDebugReportLibvirtError(dom, what);
        if (*conn)
            virConnectClose(*conn);
        *conn = NULL;
        return NULL;
    }
    return fresh;
}


/* Releases @client through a new connection to @dom's URI: the
 * process's own connection died under it (libvirtd restarted).  A lease
 * that expired meanwhile is no error: QEMU has cleaned up after it. */
static int
virDomainDebugLeaseReleaseAfresh(virDomainPtr dom, const char *client)
{
    g_autofree char *cmd = qemuDebugBuildLeaseRelease(client);
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    virConnectPtr conn = NULL;
    virDomainPtr fresh = NULL;
    int rc = -1;

    if (!(fresh = virDomainDebugDomainAfresh(dom, &conn, "reconnect to "
                                             "release the debug lease")))
        return -1;
    if (virDomainQemuMonitorCommand(fresh, cmd, &reply, 0) < 0) {
        virDomainDebugReportLibvirtError(dom, "reconnect to release the "
                                         "debug lease");
        goto cleanup;
    }
    if (qemuDebugParseEmptyReply(reply, &error) < 0 &&
        !strstr(error->message, "no lease named")) {
        virDomainDebugReportGError(dom, error);
        goto cleanup;
    }
    virDomainDebugErrorReset();
    rc = 0;

 cleanup:
    if (fresh)
        virDomainFree(fresh);
    if (conn)
        virConnectClose(conn);
    return rc;
}


/* virDomainDebugSyncLibvirt through a new connection: a libvirtd that
 * restarted may have read the domain's state (stopped in the debugger)
 * before the release resumed it, and learn of the resume from QEMU's
 * RESUME event only once its reconnection to the domain is over; one
 * monitor command of its own waits for that. */
static int
virDomainDebugSyncLibvirtAfresh(virDomainPtr dom)
{
    virConnectPtr conn = NULL;
    virDomainPtr fresh = NULL;
    int rc;

    if (!(fresh = virDomainDebugDomainAfresh(dom, &conn, "reconnect to "
                                             "update libvirt's state")))
        return -1;
    rc = virDomainDebugSyncLibvirt(fresh);
    virDomainFree(fresh);
    virConnectClose(conn);
    return rc;
}


/**
 * virDomainDebugLeaseRelease:
 *
 * Ends this process's lease on @dom, if it has one: QEMU removes the
 * lease's points and resumes the guest if it is stopped in the debugger
 * and no other lease holds it.  Returns 1 if there was a lease (released,
 * or -1 with the error reported), 0 if there was none.
 */
int
virDomainDebugLeaseRelease(virDomainPtr dom)
{
    g_autofree char *key = virDomainDebugDomainKey(dom);
    g_autofree char *client = NULL;
    gpointer stolenKey = NULL;
    gpointer value = NULL;
    bool channel;
    int rc;

    if (!key)
        return 0;
    g_mutex_lock(&leaseLock);
    if (leases)
        g_hash_table_steal_extended(leases, key, &stolenKey, &value);
    g_mutex_unlock(&leaseLock);
    g_free(stolenKey);
    if (!value)
        return 0;

    /* no renewal may race the release */
    client = g_strdup(((virDomainDebugLease *) value)->client);
    channel = ((virDomainDebugLease *) value)->channel;
    virDomainDebugLeaseFree(value);
    /* released through the channel, so that the points are gone and the
     * guest resumed when this returns; closing the channel alone would
     * do it too, but later */
    rc = virDomainDebugRunEmpty(dom, qemuDebugBuildLeaseRelease(client));
    if (!channel && rc < 0 &&
        virConnectIsAlive(virDomainGetConnect(dom)) == 0)
        rc = virDomainDebugLeaseReleaseAfresh(dom, client);
    if (channel) {
        virDomainDebugChannelClose(dom);
        /* The guest resumed on the channel, but libvirt learns it from
         * QEMU's RESUME event on its monitor, which may still be on the
         * way: one monitor command, answered after that event, brings
         * libvirt's view (virsh domstate) up to date before this
         * returns, as on the monitor path. */
        if (rc == 0 && virDomainDebugSyncLibvirt(dom) < 0) {
            /* libvirtd restarted under this process: QEMU did the
             * detach, the new libvirtd is brought up to date through a
             * connection of its own (a libvirtd not serving yet reads
             * the state from QEMU when it starts) */
            if (virConnectIsAlive(virDomainGetConnect(dom)) == 1) {
                rc = -1;
            } else {
                virDomainDebugSyncLibvirtAfresh(dom);
                virDomainDebugErrorReset();
            }
        }
    }
    return rc < 0 ? -1 : 1;
}
