/*
 * QMP guest debugging API: what its source files share.
 *
 * Copyright (c) 2024 The libvirt-debug authors
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 *
 * qmp-debug.c          debug points, stops, stepping, registers, memory
 * qmp-debug-lease.c    the leases of debug clients
 * qmp-debug-channel.c  debug channels: the commands and DEBUG_STOP events
 *                      over a private socket, served from the main loop
 *
 * Everything here runs with the BQL held.
 */

#ifndef QMP_DEBUG_INTERNAL_H
#define QMP_DEBUG_INTERNAL_H

#include "qapi/qapi-types-debug.h"
#include "sysemu/runstate.h"

#define DEBUG_MAX_LEASE_NAME    64

/* qmp-debug.c */

/* The checks of every command but query-debug-capabilities. */
bool debug_check_usable(Error **errp);

/* Remove the points of lease @client, or every point if NULL. */
void debug_remove_points_of(const char *client);

/* How many points lease @client holds. */
int64_t debug_count_points_of(const char *client);

/* debug-continue without its channel options. */
void debug_continue(Error **errp);

/* qmp-debug-lease.c */

bool debug_lease_exists(const char *client);
bool debug_lease_check_name(const char *client, Error **errp);

/*
 * A debug channel takes lease @client, creating it if needed: the lease
 * no longer expires, it lasts until debug_lease_drop().  Fails if
 * another channel holds it.
 */
bool debug_lease_hold(const char *client, Error **errp);

/* The channel holding @client is gone: the lease ends as if it expired. */
void debug_lease_drop(const char *client);

/* qmp-debug-channel.c */

/* Whether the command being run came over a debug channel. */
bool debug_channel_active(void);

/*
 * Called by debug-step and debug-continue with wait=true, after they
 * started the VM: their reply goes out at the VM's next stop, carrying
 * that stop and @registers (all of them for an empty list) of the vCPU
 * that stopped.  @cpu_index: the vCPU whose stop is wanted, or -1 for
 * the first one.
 */
void debug_channel_wait_stop(int64_t cpu_index, bool has_registers,
                             strList *registers);

/*
 * The VM stopped in runstate @state with the debug stops @stops (in
 * vCPU order, possibly none): answer the deferred replies, and send the
 * other stops as DEBUG_STOP events to every channel.
 */
void debug_channel_vm_stopped(DebugStopInfoList *stops, RunState state);

#endif
