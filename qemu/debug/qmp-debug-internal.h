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
 * qmp-debug-agent-expr.c  conditions: GDB agent expression bytecode,
 *                      checked at insert and run in the vCPU thread
 * qmp-debug-trace.c    tracepoints' ring buffers, debug-trace-drain and
 *                      DEBUG_TRACE_FULL
 *
 * Everything here runs with the BQL held.
 */

#ifndef QMP_DEBUG_INTERNAL_H
#define QMP_DEBUG_INTERNAL_H

#include "qapi/qapi-types-debug.h"
#include "sysemu/runstate.h"
#include "hw/core/cpu.h"
#include "qapi/qmp/qdict.h"

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

/* A register of a vCPU, as its GDB target description names it */
typedef struct DebugRegDesc {
    char *name;
    int number;
    int size;                   /* bytes, from its bitsize */
} DebugRegDesc;

/* The register called @name of @cpu, or NULL */
DebugRegDesc *debug_cpu_reg(CPUState *cpu, const char *name);

/* Whether @cpu has a register of GDB number @number */
bool debug_cpu_has_reg_number(CPUState *cpu, int number);

/* Check @names against @cpu's registers, with an error naming the bad one */
bool debug_check_reg_names(CPUState *cpu, strList *names, Error **errp);

/* @n bytes as lower-case hex digits (newly allocated) */
char *debug_hex(const uint8_t *data, int n);

typedef enum DebugReadStatus {
    DEBUG_READ_OK,
    DEBUG_READ_UNMAPPED,        /* not mapped by the vCPU's page tables */
    DEBUG_READ_NOT_RAM,         /* MMIO or nothing: not read */
} DebugReadStatus;

/*
 * Read @len bytes of guest virtual memory at @addr through @cpu's MMU,
 * RAM and ROM only (never a device).  Safe in the vCPU thread; triggers
 * no watchpoint.
 */
DebugReadStatus debug_read_guest(CPUState *cpu, uint64_t addr, void *buf,
                                 size_t len);
const char *debug_read_status_str(DebugReadStatus st);

/* The trace of a tracepoint with id @id, or NULL with an error */
typedef struct DebugTrace DebugTrace;
DebugTrace *debug_point_trace(int64_t id, Error **errp);

/* qmp-debug-agent-expr.c */

typedef struct DebugAgentExpr DebugAgentExpr;

/*
 * Parse and check the hex-encoded agent expression @hex for @cpu's
 * registers.  Returns NULL with an error naming the problem.
 */
DebugAgentExpr *debug_ax_compile(const char *hex, CPUState *cpu,
                                 Error **errp);
void debug_ax_free(DebugAgentExpr *ax);
/* The expression as lower-case hex */
const char *debug_ax_hex(DebugAgentExpr *ax);

/*
 * Evaluate @ax on @cpu (in its thread, or stopped).  Returns true with
 * the value in @value, or false with a newly allocated message in @err.
 */
bool debug_ax_eval(DebugAgentExpr *ax, CPUState *cpu, uint64_t *value,
                   char **err);

/* qmp-debug-trace.c */

/* The bytes one record of a trace collecting these takes (an estimate) */
size_t debug_trace_record_size(GArray *regs, DebugTraceMemoryList *mem);

/*
 * A ring buffer of @capacity records for point @point_id, collecting the
 * registers @regs (DebugRegDesc, copied) and the memory ranges @mem.
 */
DebugTrace *debug_trace_new(int64_t point_id, int64_t capacity,
                            GArray *regs, DebugTraceMemoryList *mem,
                            bool notify_full);
void debug_trace_free(DebugTrace *t);

/* Append a record of @cpu at @pc.  vCPU thread, BQL held. */
void debug_trace_collect(DebugTrace *t, CPUState *cpu, uint64_t pc);

int64_t debug_trace_records(DebugTrace *t);
int64_t debug_trace_dropped(DebugTrace *t);
int64_t debug_trace_capacity(DebugTrace *t);

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
                             strList *registers, bool trace);

/*
 * The entries of the last traced step of vCPU @cpu_index (a copy), for
 * a waited step's reply.
 */
DebugStepTraceEntryList *debug_step_trace_copy(int64_t cpu_index);

/* Send event @name with @data (not taken) to every open channel */
void debug_channel_broadcast(const char *name, QDict *data);

/*
 * The VM stopped in runstate @state with the debug stops @stops (in
 * vCPU order, possibly none): answer the deferred replies, and send the
 * other stops as DEBUG_STOP events to every channel.
 */
void debug_channel_vm_stopped(DebugStopInfoList *stops, RunState state);

#endif
