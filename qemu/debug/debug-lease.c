/*
 * QMP guest debugging API: the leases of debug clients.
 *
 * Copyright (c) 2024 The libvirt-debug authors
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 *
 * A lease names a debug client; the points inserted with its name belong
 * to it, and when the lease ends its points go and a VM stopped in the
 * debugger that no other lease holds runs again.  A forgotten or crashed
 * debugger thus never leaves a guest stopped or armed.
 *
 * A lease is kept alive in one of two ways:
 *   - by its client renewing it (debug-lease) before its timer expires,
 *     for clients that talk over the QMP monitor;
 *   - by a debug channel (qmp-debug-channel.c) that holds it: there is no
 *     timer, the lease lasts exactly as long as the channel's socket, so
 *     a client that dies ends it at once instead of a timeout later.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-debug.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "exec/gdbstub.h"
#include "sysemu/runstate.h"
#include "qmp-debug-internal.h"

#define DEBUG_MAX_LEASE_TIMEOUT 3600    /* seconds */

typedef struct DebugLease {
    char *client;
    QEMUTimer *expiry;          /* armed unless a channel holds the lease */
    bool channel;               /* held by a debug channel */
} DebugLease;

static GPtrArray *debug_leases; /* DebugLease * */

static void debug_lease_free(gpointer data)
{
    DebugLease *l = data;

    timer_free(l->expiry);
    g_free(l->client);
    g_free(l);
}

static DebugLease *debug_find_lease(const char *client)
{
    guint i;

    for (i = 0; debug_leases && i < debug_leases->len; i++) {
        DebugLease *l = g_ptr_array_index(debug_leases, i);
        if (g_str_equal(l->client, client)) {
            return l;
        }
    }
    return NULL;
}

bool debug_lease_exists(const char *client)
{
    return debug_find_lease(client) != NULL;
}

bool debug_lease_check_name(const char *client, Error **errp)
{
    size_t len = strlen(client);
    size_t i;

    if (len == 0 || len > DEBUG_MAX_LEASE_NAME) {
        error_setg(errp, "a lease name must be 1 to %d characters long",
                   DEBUG_MAX_LEASE_NAME);
        return false;
    }
    for (i = 0; i < len; i++) {
        if (!g_ascii_isgraph(client[i])) {
            error_setg(errp, "a lease name is printable ASCII without "
                       "spaces (e.g. a UUID)");
            return false;
        }
    }
    return true;
}

static void debug_lease_expired(void *opaque);

static DebugLease *debug_lease_new(const char *client)
{
    DebugLease *l = g_new0(DebugLease, 1);

    if (!debug_leases) {
        debug_leases = g_ptr_array_new_with_free_func(debug_lease_free);
    }
    l->client = g_strdup(client);
    l->expiry = timer_new_ms(QEMU_CLOCK_REALTIME, debug_lease_expired, l);
    g_ptr_array_add(debug_leases, l);
    return l;
}

/*
 * The lease is over (expired, released, or its channel closed): its
 * points go, and a VM stopped in the debugger that no other lease holds
 * runs again.
 */
static void debug_lease_end(DebugLease *l)
{
    g_autofree char *client = g_strdup(l->client);
    Error *local_err = NULL;

    g_ptr_array_remove(debug_leases, l);
    debug_remove_points_of(client);
    if (runstate_check(RUN_STATE_DEBUG) && debug_leases->len == 0 &&
        !gdb_client_connected()) {
        debug_continue(&local_err);
        if (local_err) {
            error_prepend(&local_err, "debug lease '%s' ended, but the VM "
                          "could not resume: ", client);
            warn_report_err(local_err);
        }
    }
}

static void debug_lease_expired(void *opaque)
{
    DebugLease *l = opaque;

    warn_report("debug lease '%s' expired: its client is gone; its debug "
                "points are removed", l->client);
    debug_lease_end(l);
}

bool debug_lease_hold(const char *client, Error **errp)
{
    DebugLease *l = debug_find_lease(client);

    if (l && l->channel) {
        error_setg(errp, "lease '%s' is already held by another debug "
                   "channel; pick another client name, or close that "
                   "channel first", client);
        return false;
    }
    if (!l) {
        l = debug_lease_new(client);
    }
    /* the channel's socket keeps it alive from now on, not the timer */
    timer_del(l->expiry);
    l->channel = true;
    return true;
}

void debug_lease_drop(const char *client)
{
    DebugLease *l = debug_find_lease(client);

    if (l) {
        debug_lease_end(l);
    }
}

void qmp_debug_lease(const char *client, int64_t timeout, Error **errp)
{
    DebugLease *l;

    if (!debug_check_usable(errp) || !debug_lease_check_name(client, errp)) {
        return;
    }
    if (timeout < 1 || timeout > DEBUG_MAX_LEASE_TIMEOUT) {
        error_setg(errp, "lease timeout %" PRId64 " is out of range (1 to %d "
                   "seconds)", timeout, DEBUG_MAX_LEASE_TIMEOUT);
        return;
    }
    l = debug_find_lease(client);
    if (!l) {
        l = debug_lease_new(client);
    }
    /*
     * A channel's lease needs no renewal: arming its timer would end it
     * while the channel is still open, so renewing it does nothing.
     */
    if (!l->channel) {
        timer_mod(l->expiry, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) +
                  timeout * 1000);
    }
}

void qmp_debug_lease_release(const char *client, Error **errp)
{
    DebugLease *l;
    bool channel;

    if (!debug_check_usable(errp)) {
        return;
    }
    l = debug_find_lease(client);
    if (!l) {
        error_setg(errp, "no lease named '%s' (it may have expired)", client);
        return;
    }
    channel = l->channel;
    debug_lease_end(l);
    /*
     * The channel is still open and its later debug-insert calls need
     * the lease: it starts again empty.  Releasing it thus gives up its
     * points and its hold on a debug stop, as for any other lease.
     */
    if (channel) {
        debug_lease_new(client)->channel = true;
    }
}
