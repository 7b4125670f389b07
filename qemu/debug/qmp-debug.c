/*
 * QMP guest debugging API: debug points, single-step, registers, memory
 * and DEBUG_STOP events, without a gdbstub.
 *
 * Copyright (c) 2024 The libvirt-debug authors
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 *
 * Design notes
 * ------------
 * Debug points go through the same accelerator machinery the gdbstub uses:
 * on TCG they are BP_GDB entries in each vCPU's breakpoint and watchpoint
 * lists (inserted per vCPU, so a point can be limited to one vCPU), on KVM
 * they go through the accelerator's insert_breakpoint/remove_breakpoint
 * hooks (software breakpoints patch guest memory, hardware breakpoints and
 * watchpoints use the debug registers of every vCPU).
 *
 * Every debug exit of a vCPU reaches qmp_debug_handle_guest_debug() (called
 * from cpu_handle_guest_debug() in the vCPU thread with the BQL held).  It
 * classifies the exit, records the stop for query-debug-stop, and either
 * lets the VM stop (runstate "debug") or keeps the vCPU running: that is
 * how a multi-instruction step and the step over a breakpoint on resume are
 * done without bouncing through the main loop.  The DEBUG_STOP events are
 * emitted from the VM state change handler, i.e. when the VM is stopped.
 *
 * Stepping over a breakpoint the vCPU is sitting on: on TCG the breakpoint
 * is lifted from that vCPU's own list only, so other vCPUs never miss it,
 * and this is done when the VM starts running, which covers both
 * debug-continue and a plain "cont".  On KVM a software breakpoint lives in
 * guest memory shared by all vCPUs, so debug-continue lifts it, steps the
 * vCPUs that sit on breakpoints while the others are held, and then puts
 * the breakpoints back and releases everybody from a bottom half.
 *
 * Hardware slots: KVM has a fixed number of debug registers, TCG none.
 * One check (debug_check_hw_slots()) counts the slots the points in use
 * take and compares them with the accelerator's limits; on TCG those are
 * unlimited unless the test-only x-debug-set-hw-limits set some, so the
 * same check and errors can be exercised without KVM.
 */

#include "qemu/osdep.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-debug.h"
#include "qapi/qapi-visit-debug.h"
#include "qapi/qapi-events-debug.h"
#include "qemu/accel.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/timer.h"
#include "exec/gdbstub.h"
#include "migration/blocker.h"
#include "migration/misc.h"
#include "exec/memory.h"
#include "exec/address-spaces.h"
#include "exec/exec-all.h"
#include "hw/core/cpu.h"
#include "hw/boards.h"
#include "sysemu/accel-ops.h"
#include "sysemu/cpus.h"
#include "sysemu/hw_accel.h"
#include "sysemu/kvm.h"
#include "sysemu/replay.h"
#include "sysemu/runstate.h"
#include "sysemu/tcg.h"
#include "cpu.h"
#include "qmp-debug-internal.h"

#define DEBUG_MAX_MEMORY_SIZE   65536
#define DEBUG_MAX_STEP_COUNT    1000000
#define DEBUG_MAX_WATCH_LEN     8
#define DEBUG_MAX_HW_LIMIT      64  /* x-debug-set-hw-limits */
#define DEBUG_MAX_IGNORE_COUNT  INT32_MAX
#define DEBUG_MAX_CONDITION_TEXT 1024
#define DEBUG_MAX_TRACE_STEPS   100000
#define DEBUG_MAX_TRACE_RANGES  16
#define DEBUG_MAX_TRACE_LEN     4096
#define DEBUG_MAX_TRACE_CAPACITY 65536
#define DEBUG_DEFAULT_TRACE_CAPACITY 1024
#define DEBUG_MAX_TRACE_BYTES   (64 * 1024 * 1024)

typedef struct DebugPoint {
    int64_t id;
    DebugPointType type;
    uint64_t addr;
    uint64_t len;
    int64_t cpu_index;          /* -1: all vCPUs */
    int64_t hits;               /* times reached */
    char *client;               /* the lease it belongs to, or NULL */
    DebugPointAction action;
    DebugAgentExpr *cond;       /* its condition, or NULL */
    char *cond_text;            /* its condition-text, or NULL */
    int64_t ignore_left;        /* true hits still to ignore */
    int64_t cond_errors;
    char *last_cond_error;
    DebugTrace *trace;          /* action trace: its ring buffer */
} DebugPoint;

/*
 * KVM keeps one set of debug points for the whole VM.  Several QMP points
 * with the same type, address and length share one accelerator entry.
 */
typedef struct DebugKvmEntry {
    int gdb_type;
    uint64_t addr;
    uint64_t len;
    int refs;
    bool lifted;                /* removed while stepping over it */
} DebugKvmEntry;

typedef enum DebugCpuMode {
    DEBUG_CPU_RUN,              /* nothing special */
    DEBUG_CPU_STEP,             /* debug-step in progress */
    DEBUG_CPU_STEP_OVER,        /* TCG: stepping over a breakpoint, then run */
    DEBUG_CPU_STEP_OVER_HELD,   /* KVM: stepping over, others held */
    DEBUG_CPU_STEP_OVER_DONE,   /* KVM: stepped over, parked until the BH */
} DebugCpuMode;

typedef struct DebugStop {
    bool valid;
    DebugStopReason reason;
    uint64_t pc;
    int64_t point_id;           /* 0: none */
    bool has_watch;
    uint64_t watch_addr;
    uint64_t hit_addr;
    uint64_t generation;        /* run generation the stop happened in */
} DebugStop;

typedef struct DebugCpu {
    DebugCpuMode mode;
    int64_t steps_left;
    bool has_range;             /* debug-step: a range step */
    uint64_t range_start;
    uint64_t range_end;
    GArray *lifted;             /* TCG: ids of points lifted from this vCPU */
    DebugStop last;
    bool pending_event;
    GArray *regs;               /* DebugRegDesc, built on first use */

    /* debug-step with trace */
    bool traced;                /* a traced step was made */
    bool tracing;               /* one is in progress */
    GPtrArray *trace_regs;      /* DebugRegDesc * to record */
    DebugStepTraceEntryList *trace_head;
    DebugStepTraceEntryList **trace_tail;
    DebugStepTraceEntry *trace_pending; /* its instruction not done yet */
} DebugCpu;

/*
 * How many hardware breakpoints and watchpoints can be inserted at once.
 * With @shared, breakpoints and watchpoints draw on one pool of @bps
 * slots (and @wps equals @bps).
 */
typedef struct DebugHwLimits {
    int bps;
    int wps;
    bool shared;
} DebugHwLimits;

static struct {
    bool initialized;
    int64_t next_id;
    GPtrArray *points;          /* DebugPoint *, in id order */
    GPtrArray *kvm_entries;     /* DebugKvmEntry * */
    GPtrArray *cpus;            /* DebugCpu *, indexed by cpu_index */
    uint64_t generation;        /* incremented whenever the VM resumes */
    bool resume_managed;        /* the command resuming handles step-over */
    bool interrupt_pending;
    int held_step_overs;        /* KVM step-overs still running */
    bool hw_limits_emulated;    /* TCG: x-debug-set-hw-limits was used */
    DebugHwLimits hw_limits;    /* TCG: what it set */
} debug;

/* Initialization and helpers */

static void debug_vm_state_change(void *opaque, bool running, RunState state);

static void debug_point_free(gpointer data)
{
    DebugPoint *p = data;

    g_free(p->client);
    debug_ax_free(p->cond);
    g_free(p->cond_text);
    g_free(p->last_cond_error);
    debug_trace_free(p->trace);
    g_free(p);
}

static void debug_init(void)
{
    if (debug.initialized) {
        return;
    }
    debug.initialized = true;
    debug.next_id = 1;
    debug.generation = 1;
    debug.points = g_ptr_array_new_with_free_func(debug_point_free);
    debug.kvm_entries = g_ptr_array_new_with_free_func(g_free);
    debug.cpus = g_ptr_array_new();
    qemu_add_vm_change_state_handler(debug_vm_state_change, NULL);
}

static DebugCpu *debug_cpu(CPUState *cpu)
{
    DebugCpu *dc;

    while (debug.cpus->len <= cpu->cpu_index) {
        dc = g_new0(DebugCpu, 1);
        dc->lifted = g_array_new(false, false, sizeof(int64_t));
        dc->trace_regs = g_ptr_array_new();
        g_ptr_array_add(debug.cpus, dc);
    }
    return g_ptr_array_index(debug.cpus, cpu->cpu_index);
}

static bool debug_is_watchpoint(DebugPointType type)
{
    return type == DEBUG_POINT_TYPE_WATCHPOINT_WRITE ||
           type == DEBUG_POINT_TYPE_WATCHPOINT_READ ||
           type == DEBUG_POINT_TYPE_WATCHPOINT_ACCESS;
}

static bool debug_is_breakpoint(DebugPointType type)
{
    return !debug_is_watchpoint(type);
}

static int debug_gdb_type(DebugPointType type)
{
    switch (type) {
    case DEBUG_POINT_TYPE_SW_BREAKPOINT:
        return GDB_BREAKPOINT_SW;
    case DEBUG_POINT_TYPE_HW_BREAKPOINT:
        return GDB_BREAKPOINT_HW;
    case DEBUG_POINT_TYPE_WATCHPOINT_WRITE:
        return GDB_WATCHPOINT_WRITE;
    case DEBUG_POINT_TYPE_WATCHPOINT_READ:
        return GDB_WATCHPOINT_READ;
    case DEBUG_POINT_TYPE_WATCHPOINT_ACCESS:
        return GDB_WATCHPOINT_ACCESS;
    default:
        g_assert_not_reached();
    }
}

static int debug_tcg_wp_flags(CPUState *cpu, DebugPointType type)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);
    int flags = BP_GDB;

    switch (type) {
    case DEBUG_POINT_TYPE_WATCHPOINT_WRITE:
        flags |= BP_MEM_WRITE;
        break;
    case DEBUG_POINT_TYPE_WATCHPOINT_READ:
        flags |= BP_MEM_READ;
        break;
    default:
        flags |= BP_MEM_ACCESS;
        break;
    }
    if (cc->gdb_stop_before_watchpoint) {
        flags |= BP_STOP_BEFORE_ACCESS;
    }
    return flags;
}

static DebugStopReason debug_reason_of(DebugPointType type)
{
    switch (type) {
    case DEBUG_POINT_TYPE_SW_BREAKPOINT:
        return DEBUG_STOP_REASON_SW_BREAKPOINT;
    case DEBUG_POINT_TYPE_HW_BREAKPOINT:
        return DEBUG_STOP_REASON_HW_BREAKPOINT;
    case DEBUG_POINT_TYPE_WATCHPOINT_WRITE:
        return DEBUG_STOP_REASON_WATCHPOINT_WRITE;
    case DEBUG_POINT_TYPE_WATCHPOINT_READ:
        return DEBUG_STOP_REASON_WATCHPOINT_READ;
    default:
        return DEBUG_STOP_REASON_WATCHPOINT_ACCESS;
    }
}

static bool debug_point_applies(DebugPoint *p, CPUState *cpu)
{
    return p->cpu_index < 0 || p->cpu_index == cpu->cpu_index;
}

static DebugPoint *debug_find_point(int64_t id)
{
    guint i;

    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);
        if (p->id == id) {
            return p;
        }
    }
    return NULL;
}

/* The first (lowest id) breakpoint for @cpu at @pc. */
static DebugPoint *debug_find_breakpoint(CPUState *cpu, uint64_t pc)
{
    guint i;

    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);
        if (debug_is_breakpoint(p->type) && p->addr == pc &&
            debug_point_applies(p, cpu)) {
            return p;
        }
    }
    return NULL;
}

static uint64_t debug_cpu_pc(CPUState *cpu)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);

    cpu_synchronize_state(cpu);
    return cc->get_pc ? cc->get_pc(cpu) : 0;
}

static bool debug_accel_is_kvm(void)
{
    return kvm_enabled();
}

static bool debug_supported(void)
{
    const AccelOpsClass *ops;

    if (!first_cpu) {
        return false;
    }
    ops = cpus_get_accel();
    return ops && ops->supports_guest_debug && ops->supports_guest_debug() &&
           ops->insert_breakpoint && ops->remove_breakpoint;
}

/*
 * Common checks of every command but query-debug-capabilities.
 */
bool debug_check_usable(Error **errp)
{
    if (!debug_supported()) {
        error_setg(errp, "guest debugging is not supported by accelerator "
                   "'%s'%s", current_accel_name(),
                   first_cpu ? "" : " on a machine without vCPUs");
        return false;
    }
    if (gdb_client_connected()) {
        error_setg(errp, "a gdb client is attached to the gdbstub; detach "
                   "it before using the QMP debug commands");
        return false;
    }
    if (replay_mode != REPLAY_MODE_NONE) {
        error_setg(errp, "the QMP debug commands are not available in "
                   "record/replay mode; use the gdbstub's reverse debugging");
        return false;
    }
    debug_init();
    return true;
}

static CPUState *debug_get_cpu(int64_t cpu_index, Error **errp)
{
    CPUState *cpu = NULL;
    int n = 0;

    if (cpu_index >= 0 && cpu_index <= INT_MAX) {
        cpu = qemu_get_cpu(cpu_index);
    }
    if (!cpu) {
        CPU_FOREACH(cpu) {
            n++;
        }
        error_setg(errp, "vCPU %" PRId64 " does not exist (cpu-index must be "
                   "0 to %d)", cpu_index, n - 1);
        return NULL;
    }
    return cpu;
}

static void debug_do_on_cpu(CPUState *cpu, run_on_cpu_func fn, void *data)
{
    if (cpu->stopped || qemu_cpu_is_self(cpu) || !cpu->created) {
        fn(cpu, RUN_ON_CPU_HOST_PTR(data));
    } else {
        run_on_cpu(cpu, fn, RUN_ON_CPU_HOST_PTR(data));
    }
}

/* Physical insertion: TCG, one vCPU */

typedef struct DebugTcgOp {
    DebugPoint *point;
    bool insert;
    int ret;
} DebugTcgOp;

/*
 * In @cpu's thread (run_on_cpu() kicked it out of its translated code) or
 * with @cpu stopped: either way @cpu executes no translated block now.
 *
 * A breakpoint needs no retranslation.  @cpu enters code again through a
 * lookup, which checks the breakpoints first and, on a page that has one,
 * asks for blocks of one instruction that do not chain: blocks translated
 * before the breakpoint differ in those flags and are never found again,
 * and direct chaining (goto_tb) never leaves a page.  Flushing would not
 * only be useless but dangerous: tb_flush() is exclusive work, which
 * waits for every other vCPU to leave its translated code, and a vCPU may
 * be waiting in there for this one.  x86's firmware does so at boot
 * (kvmvapic's option ROM port write does run_on_cpu() on each vCPU from
 * within the block that wrote): an insert for vCPU 1 then, flushing as
 * vCPU 1's safe work, deadlocked both vCPUs and the main loop with them.
 */
static void debug_tcg_op_fn(CPUState *cpu, run_on_cpu_data data)
{
    DebugTcgOp *op = data.host_ptr;
    DebugPoint *p = op->point;

    if (debug_is_breakpoint(p->type)) {
        if (op->insert) {
            op->ret = cpu_breakpoint_insert(cpu, p->addr, BP_GDB, NULL);
        } else {
            op->ret = cpu_breakpoint_remove(cpu, p->addr, BP_GDB);
        }
    } else {
        int flags = debug_tcg_wp_flags(cpu, p->type);
        if (op->insert) {
            op->ret = cpu_watchpoint_insert(cpu, p->addr, p->len, flags, NULL);
        } else {
            op->ret = cpu_watchpoint_remove(cpu, p->addr, p->len, flags);
        }
    }
}

static int debug_tcg_op(CPUState *cpu, DebugPoint *p, bool insert)
{
    DebugTcgOp op = { .point = p, .insert = insert };

    debug_do_on_cpu(cpu, debug_tcg_op_fn, &op);
    return op.ret;
}

static bool debug_tcg_is_lifted(CPUState *cpu, int64_t id, bool drop)
{
    DebugCpu *dc = debug_cpu(cpu);
    guint i;

    for (i = 0; i < dc->lifted->len; i++) {
        if (g_array_index(dc->lifted, int64_t, i) == id) {
            if (drop) {
                g_array_remove_index_fast(dc->lifted, i);
            }
            return true;
        }
    }
    return false;
}

/* Lift the breakpoints at @cpu's pc from @cpu only.  vCPU stopped or self. */
static void debug_tcg_lift(CPUState *cpu, uint64_t pc)
{
    guint i;

    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);
        if (debug_is_breakpoint(p->type) && p->addr == pc &&
            debug_point_applies(p, cpu) &&
            !debug_tcg_is_lifted(cpu, p->id, false)) {
            cpu_breakpoint_remove(cpu, p->addr, BP_GDB);
            g_array_append_val(debug_cpu(cpu)->lifted, p->id);
        }
    }
}

static void debug_tcg_unlift(CPUState *cpu)
{
    DebugCpu *dc = debug_cpu(cpu);
    guint i;

    for (i = 0; i < dc->lifted->len; i++) {
        DebugPoint *p = debug_find_point(g_array_index(dc->lifted, int64_t, i));
        if (p) {
            cpu_breakpoint_insert(cpu, p->addr, BP_GDB, NULL);
        }
    }
    g_array_set_size(dc->lifted, 0);
}

/* Physical insertion: KVM, whole VM */

static DebugKvmEntry *debug_kvm_find(int gdb_type, uint64_t addr,
                                     uint64_t len)
{
    guint i;

    for (i = 0; i < debug.kvm_entries->len; i++) {
        DebugKvmEntry *e = g_ptr_array_index(debug.kvm_entries, i);
        if (e->gdb_type == gdb_type && e->addr == addr && e->len == len) {
            return e;
        }
    }
    return NULL;
}

static int debug_kvm_insert(DebugPoint *p, Error **errp)
{
    const AccelOpsClass *ops = cpus_get_accel();
    int gdb_type = debug_gdb_type(p->type);
    DebugKvmEntry *e = debug_kvm_find(gdb_type, p->addr, p->len);
    int ret;

    if (e) {
        e->refs++;
        return 0;
    }
    ret = ops->insert_breakpoint(first_cpu, gdb_type, p->addr, p->len);
    if (ret < 0) {
        if (ret == -ENOBUFS || ret == -ENOSPC) {
            error_setg(errp, "no free hardware debug slot for a %s at 0x%"
                       PRIx64 "; remove a hardware breakpoint or watchpoint",
                       DebugPointType_str(p->type), p->addr);
        } else {
            error_setg_errno(errp, -ret, "KVM cannot insert a %s at 0x%"
                             PRIx64, DebugPointType_str(p->type), p->addr);
        }
        return ret;
    }
    e = g_new0(DebugKvmEntry, 1);
    e->gdb_type = gdb_type;
    e->addr = p->addr;
    e->len = p->len;
    e->refs = 1;
    g_ptr_array_add(debug.kvm_entries, e);
    return 0;
}

static void debug_kvm_remove(DebugPoint *p)
{
    const AccelOpsClass *ops = cpus_get_accel();
    DebugKvmEntry *e = debug_kvm_find(debug_gdb_type(p->type), p->addr,
                                      p->len);

    if (!e || --e->refs > 0) {
        return;
    }
    if (!e->lifted) {
        ops->remove_breakpoint(first_cpu, e->gdb_type, e->addr, e->len);
    }
    g_ptr_array_remove_fast(debug.kvm_entries, e);
}

/* Lift every breakpoint entry at @pc.  VM stopped. */
static void debug_kvm_lift(uint64_t pc)
{
    const AccelOpsClass *ops = cpus_get_accel();
    guint i;

    for (i = 0; i < debug.kvm_entries->len; i++) {
        DebugKvmEntry *e = g_ptr_array_index(debug.kvm_entries, i);
        if ((e->gdb_type == GDB_BREAKPOINT_SW ||
             e->gdb_type == GDB_BREAKPOINT_HW) &&
            e->addr == pc && !e->lifted) {
            ops->remove_breakpoint(first_cpu, e->gdb_type, e->addr, e->len);
            e->lifted = true;
        }
    }
}

static void debug_kvm_unlift(void)
{
    const AccelOpsClass *ops = cpus_get_accel();
    guint i;

    for (i = 0; i < debug.kvm_entries->len; i++) {
        DebugKvmEntry *e = g_ptr_array_index(debug.kvm_entries, i);
        if (e->lifted) {
            ops->insert_breakpoint(first_cpu, e->gdb_type, e->addr, e->len);
            e->lifted = false;
        }
    }
}

/*
 * Called by the gdbstub right after it removed every debug point of @cpu
 * (TCG: @cpu's BP_GDB entries, ours among them; KVM: every point of the
 * VM).  Our points exist until a QMP client removes them, so they go
 * back in: the gdb client's own stay removed.
 */
void qmp_debug_rearm(CPUState *cpu)
{
    guint i;

    if (!debug.initialized) {
        return;
    }
    if (debug_accel_is_kvm()) {
        const AccelOpsClass *ops = cpus_get_accel();

        for (i = 0; i < debug.kvm_entries->len; i++) {
            DebugKvmEntry *e = g_ptr_array_index(debug.kvm_entries, i);
            if (!e->lifted) {
                ops->insert_breakpoint(first_cpu, e->gdb_type, e->addr,
                                       e->len);
            }
        }
        return;
    }
    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);
        if (debug_point_applies(p, cpu) &&
            !debug_tcg_is_lifted(cpu, p->id, false)) {
            debug_tcg_op(cpu, p, true);
        }
    }
}

/* Hardware debug slots: both accelerators */

/*
 * How many hardware breakpoints and watchpoints the accelerator offers:
 * KVM's debug registers, or on TCG the limits x-debug-set-hw-limits set.
 * False where they are unlimited (TCG without emulated limits).
 */
static bool debug_hw_slots(DebugHwLimits *lim);

static bool debug_hw_same_slot(DebugPoint *a, DebugPoint *b)
{
    return a->type == b->type && a->addr == b->addr && a->len == b->len;
}

/*
 * The hardware slots in use by the points other than @skip: one per
 * distinct type, address and length, because identical points share one
 * accelerator entry, and so one debug register, on KVM.  A point limited
 * to one vCPU takes a slot like any other (KVM allows that only on a
 * one-vCPU machine, where it is the same as a point for all vCPUs).
 */
static void debug_hw_count(DebugPoint *skip, int *bps, int *wps)
{
    guint i, j;

    *bps = *wps = 0;
    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);
        bool dup = false;

        if (p == skip || p->type == DEBUG_POINT_TYPE_SW_BREAKPOINT) {
            continue;
        }
        for (j = 0; j < i && !dup; j++) {
            DebugPoint *q = g_ptr_array_index(debug.points, j);
            dup = q != skip && debug_hw_same_slot(p, q);
        }
        if (dup) {
            continue;
        }
        if (p->type == DEBUG_POINT_TYPE_HW_BREAKPOINT) {
            (*bps)++;
        } else {
            (*wps)++;
        }
    }
}

/* Whether another point already holds the slot @p needs. */
static bool debug_hw_slot_taken(DebugPoint *p)
{
    guint i;

    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *q = g_ptr_array_index(debug.points, i);
        if (q != p && debug_hw_same_slot(p, q)) {
            return true;
        }
    }
    return false;
}

static bool debug_hw_fits(const DebugHwLimits *lim, int bps, int wps)
{
    if (lim->shared) {
        return bps + wps <= lim->bps;
    }
    return bps <= lim->bps && wps <= lim->wps;
}

/*
 * The hardware slot check of debug-insert, for KVM's real debug registers
 * and TCG's emulated ones alike: false if no slot is free for @p (already
 * in debug.points), with an error naming how many exist and are in use.
 */
static bool debug_check_hw_slots(DebugPoint *p, Error **errp)
{
    bool is_bp = p->type == DEBUG_POINT_TYPE_HW_BREAKPOINT;
    DebugHwLimits lim;
    int bps, wps;

    if (p->type == DEBUG_POINT_TYPE_SW_BREAKPOINT || !debug_hw_slots(&lim) ||
        debug_hw_slot_taken(p)) {
        return true;
    }
    debug_hw_count(p, &bps, &wps);
    if (debug_hw_fits(&lim, bps + is_bp, wps + !is_bp)) {
        return true;
    }
    if (lim.shared) {
        error_setg(errp, "hardware debug register slots exhausted: %d of "
                   "%d in use (%d breakpoints, %d watchpoints share them); "
                   "remove a hardware breakpoint or watchpoint, or use a "
                   "sw-breakpoint", bps + wps, lim.bps, bps, wps);
    } else if (is_bp) {
        error_setg(errp, "hardware breakpoint slots exhausted: %d of %d "
                   "in use; remove one or use a sw-breakpoint",
                   bps, lim.bps);
    } else {
        error_setg(errp, "hardware watchpoint slots exhausted: %d of %d in "
                   "use; remove a watchpoint first", wps, lim.wps);
    }
    return false;
}

/*
 * Migration and snapshots.  A saved or migrated VM must load, and it
 * would not: runstate "debug" cannot be entered from "inmigrate" (the
 * destination aborts), the debug points are not in the migration stream,
 * and on KVM software breakpoints are int3 bytes in guest memory.  So both
 * are blocked while a debug point exists or the VM is stopped in the
 * debugger; the blocker's message reaches the user of "virsh save" or
 * "virsh migrate" and says how to lift it.
 */
static Error *debug_migration_blocker;

static void debug_update_migration_blocker(void)
{
    bool want = debug.points->len > 0 || runstate_check(RUN_STATE_DEBUG);
    Error *local_err = NULL;

    if (want && !debug_migration_blocker) {
        error_setg(&debug_migration_blocker,
                   "the VM is being debugged (debug points are set, or it is "
                   "stopped in the debugger): detach the debugger first "
                   "(virsh-debug debug-detach, or QMP debug-remove-all and "
                   "debug-continue)");
        if (migrate_add_blocker_internal(debug_migration_blocker,
                                         &local_err) < 0) {
            /* a migration already runs: debug-insert refuses that case */
            error_free(local_err);
            error_free(debug_migration_blocker);
            debug_migration_blocker = NULL;
        }
    } else if (!want && debug_migration_blocker) {
        migrate_del_blocker(debug_migration_blocker);
        error_free(debug_migration_blocker);
        debug_migration_blocker = NULL;
    }
}

/* Physical insertion: both accelerators */

static int debug_point_insert(DebugPoint *p, Error **errp)
{
    CPUState *cpu, *undo;
    int ret;

    if (!debug_check_hw_slots(p, errp)) {
        return -ENOSPC;
    }
    if (debug_accel_is_kvm()) {
        return debug_kvm_insert(p, errp);
    }
    CPU_FOREACH(cpu) {
        if (!debug_point_applies(p, cpu)) {
            continue;
        }
        ret = debug_tcg_op(cpu, p, true);
        if (ret < 0) {
            CPU_FOREACH(undo) {
                if (undo == cpu) {
                    break;
                }
                if (debug_point_applies(p, undo)) {
                    debug_tcg_op(undo, p, false);
                }
            }
            error_setg_errno(errp, -ret, "cannot insert a %s at 0x%" PRIx64,
                             DebugPointType_str(p->type), p->addr);
            return ret;
        }
    }
    return 0;
}

static void debug_point_remove(DebugPoint *p)
{
    CPUState *cpu;

    if (debug_accel_is_kvm()) {
        debug_kvm_remove(p);
        return;
    }
    CPU_FOREACH(cpu) {
        if (debug_point_applies(p, cpu) &&
            !debug_tcg_is_lifted(cpu, p->id, true)) {
            debug_tcg_op(cpu, p, false);
        }
    }
}

/* Stop bookkeeping */

static void debug_record_stop(CPUState *cpu, DebugStopReason reason,
                              uint64_t pc, DebugPoint *p, bool has_watch,
                              uint64_t watch_addr, uint64_t hit_addr)
{
    DebugCpu *dc = debug_cpu(cpu);

    dc->last.valid = true;
    dc->last.reason = reason;
    dc->last.pc = pc;
    dc->last.point_id = p ? p->id : 0;
    dc->last.has_watch = has_watch;
    dc->last.watch_addr = watch_addr;
    dc->last.hit_addr = hit_addr;
    dc->last.generation = debug.generation;
    dc->pending_event = true;
}

/*
 * @cpu reached @p: count the hit, evaluate the condition and the ignore
 * count.  Returns whether the point fires.  vCPU thread, BQL held.
 */
static bool debug_point_hit(DebugPoint *p, CPUState *cpu)
{
    p->hits++;
    if (p->cond) {
        uint64_t value;
        char *err = NULL;

        if (!debug_ax_eval(p->cond, cpu, &value, &err)) {
            /* as gdbserver does: an error is true, the user sees a stop */
            p->cond_errors++;
            g_free(p->last_cond_error);
            p->last_cond_error = err;
            value = 1;
        }
        if (!value) {
            return false;
        }
    }
    if (p->ignore_left > 0) {
        p->ignore_left--;
        return false;
    }
    return true;
}

/*
 * @cpu is at @pc, before the instruction there.  Evaluate each of our
 * breakpoints at @pc that applies to @cpu (every one's hit counts),
 * append the records of the tracepoints that fire, and return the
 * first (lowest id) stopping point that fires, or NULL.  *@any tells
 * whether there was a point at all.
 */
static DebugPoint *debug_eval_breakpoints(CPUState *cpu, uint64_t pc,
                                          bool *any)
{
    DebugPoint *stop = NULL;
    guint i;

    *any = false;
    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);

        if (!debug_is_breakpoint(p->type) || p->addr != pc ||
            !debug_point_applies(p, cpu)) {
            continue;
        }
        *any = true;
        if (!debug_point_hit(p, cpu)) {
            continue;
        }
        if (p->action == DEBUG_POINT_ACTION_TRACE) {
            debug_trace_collect(p->trace, cpu, pc);
        } else if (!stop) {
            stop = p;
        }
    }
    return stop;
}

static bool debug_match_watchpoint(DebugPoint *p, CPUState *cpu,
                                   CPUWatchpoint *wp)
{
    int kind = wp->flags & BP_MEM_ACCESS;
    int want;

    if (!debug_is_watchpoint(p->type) || !debug_point_applies(p, cpu) ||
        p->addr != wp->vaddr) {
        return false;
    }
    /* KVM reports a static watchpoint without a length */
    if (!debug_accel_is_kvm() && p->len != wp->len) {
        return false;
    }
    want = p->type == DEBUG_POINT_TYPE_WATCHPOINT_WRITE ? BP_MEM_WRITE :
           p->type == DEBUG_POINT_TYPE_WATCHPOINT_READ ? BP_MEM_READ :
           BP_MEM_ACCESS;
    return want == kind;
}

typedef enum DebugWatchResult {
    DEBUG_WATCH_NONE,           /* no watchpoint of ours was hit */
    DEBUG_WATCH_STOP,           /* one fired: the stop is recorded */
    DEBUG_WATCH_SILENT,         /* ours, but none fired: go on */
} DebugWatchResult;

/*
 * A watchpoint hit: evaluate each of our watchpoints it matches (lowest
 * id first; every one's hit counts) and record the stop of the first
 * that fires.
 */
static DebugWatchResult debug_handle_watchpoint(CPUState *cpu)
{
    CPUWatchpoint *wp = cpu->watchpoint_hit;
    DebugPoint *stop = NULL;
    bool any = false;
    uint64_t hit;
    guint i;

    if (!wp) {
        return DEBUG_WATCH_NONE;
    }
    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);

        if (!debug_match_watchpoint(p, cpu, wp)) {
            continue;
        }
        any = true;
        if (debug_point_hit(p, cpu) && !stop) {
            stop = p;
        }
    }
    if (!any) {
        return DEBUG_WATCH_NONE;
    }
    if (!stop) {
        /* the access is done (TCG reports after it): the guest goes on */
        cpu->watchpoint_hit = NULL;
        return DEBUG_WATCH_SILENT;
    }
    hit = debug_accel_is_kvm() ? wp->vaddr : wp->hitaddr;
    debug_record_stop(cpu, debug_reason_of(stop->type), debug_cpu_pc(cpu),
                      stop, true, stop->addr, hit);
    /* The gdbstub clears this when it reports; without a client, we do. */
    if (!gdb_client_connected()) {
        cpu->watchpoint_hit = NULL;
    }
    return DEBUG_WATCH_STOP;
}

/* Traced steps: the entry of the instruction about to execute */
static void debug_step_trace_pending(CPUState *cpu, DebugCpu *dc,
                                     uint64_t pc)
{
    DebugStepTraceEntry *e = g_new0(DebugStepTraceEntry, 1);
    DebugRegisterList **tail = &e->registers;
    g_autoptr(GByteArray) buf = NULL;
    guint i;

    e->pc = pc;
    if (dc->trace_regs->len) {
        buf = g_byte_array_new();
        e->has_registers = true;
    }
    for (i = 0; i < dc->trace_regs->len; i++) {
        DebugRegDesc *d = g_ptr_array_index(dc->trace_regs, i);
        DebugRegister *r = g_new0(DebugRegister, 1);
        int n;

        g_byte_array_set_size(buf, 0);
        n = gdb_read_register_for_debug(cpu, buf, d->number);
        r->name = g_strdup(d->name);
        r->number = d->number;
        r->size = n;
        r->value = debug_hex(buf->data, n);
        QAPI_LIST_APPEND(tail, r);
    }
    qapi_free_DebugStepTraceEntry(dc->trace_pending);
    dc->trace_pending = e;
}

/* The pending instruction executed: its entry goes into the trace. */
static void debug_step_trace_commit(DebugCpu *dc)
{
    if (dc->tracing && dc->trace_pending) {
        QAPI_LIST_APPEND(dc->trace_tail, dc->trace_pending);
        dc->trace_pending = NULL;
    }
}

/* The step is over (the VM stopped): an uncommitted entry never ran. */
static void debug_step_trace_end(DebugCpu *dc)
{
    qapi_free_DebugStepTraceEntry(dc->trace_pending);
    dc->trace_pending = NULL;
    dc->tracing = false;
}

/*
 * TCG: whether @cpu's breakpoint list has a BP_GDB entry at @pc that is
 * not ours (a gdb client's of the gdbstub), which must stop the VM even
 * when none of ours fires.
 */
static bool debug_tcg_foreign_breakpoint(CPUState *cpu, uint64_t pc)
{
    CPUBreakpoint *bp;
    int n = 0;
    guint i;

    QTAILQ_FOREACH(bp, &cpu->breakpoints, entry) {
        n += bp->pc == pc && (bp->flags & BP_GDB);
    }
    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);

        n -= debug_is_breakpoint(p->type) && p->addr == pc &&
             debug_point_applies(p, cpu) &&
             !debug_tcg_is_lifted(cpu, p->id, false);
    }
    return n > 0;
}

/*
 * TCG: let @cpu, sitting at breakpoints none of which fired, execute the
 * instruction at its pc and run on, without leaving its thread: a
 * single-step overrides breakpoints (check_for_breakpoints()), so
 * nothing is lifted and no translated code is flushed.
 */
static void debug_tcg_step_over_here(CPUState *cpu, DebugCpu *dc)
{
    int flags = (SSTEP_ENABLE | SSTEP_NOIRQ | SSTEP_NOTIMER) &
                accel_supported_gdbstub_sstep_flags();

    dc->mode = DEBUG_CPU_STEP_OVER;
    cpu_single_step(cpu, flags);
}

static void debug_held_step_over_done(void *opaque);

/*
 * Called by cpu_handle_guest_debug() in the vCPU thread, BQL held.
 * Returns true if the debug exit was consumed and the vCPU must go on
 * running (or stay parked by us); false to let the VM stop.
 */
bool qmp_debug_handle_guest_debug(CPUState *cpu)
{
    DebugCpu *dc;
    DebugPoint *p;
    uint64_t pc;
    bool any;

    if (!debug.initialized) {
        return false;
    }
    dc = debug_cpu(cpu);

    switch (dc->mode) {
    case DEBUG_CPU_STEP:
        /* one instruction executed */
        debug_step_trace_commit(dc);
        if (debug_handle_watchpoint(cpu) == DEBUG_WATCH_STOP) {
            return false;
        }
        pc = debug_cpu_pc(cpu);
        if (--dc->steps_left <= 0 ||
            (dc->has_range &&
             (pc < dc->range_start || pc >= dc->range_end))) {
            debug_record_stop(cpu, DEBUG_STOP_REASON_STEP, pc, NULL,
                              false, 0, 0);
            return false;
        }
        p = debug_eval_breakpoints(cpu, pc, &any);
        if (p) {
            debug_record_stop(cpu, debug_reason_of(p->type), pc, p,
                              false, 0, 0);
            return false;
        }
        if (dc->tracing) {
            debug_step_trace_pending(cpu, dc, pc);
        }
        return true;

    case DEBUG_CPU_STEP_OVER:
        /* TCG: the breakpoint is behind us; put it back and run on. */
        debug_tcg_unlift(cpu);
        cpu_single_step(cpu, 0);
        dc->mode = DEBUG_CPU_RUN;
        if (debug_handle_watchpoint(cpu) == DEBUG_WATCH_STOP) {
            return false;
        }
        return true;

    case DEBUG_CPU_STEP_OVER_HELD:
        if (debug_handle_watchpoint(cpu) == DEBUG_WATCH_STOP) {
            return false;
        }
        /* KVM: park this vCPU until every held step-over is done. */
        dc->mode = DEBUG_CPU_STEP_OVER_DONE;
        cpu->stopped = true;
        if (--debug.held_step_overs == 0) {
            aio_bh_schedule_oneshot(qemu_get_aio_context(),
                                    debug_held_step_over_done,
                                    (void *)(uintptr_t)debug.generation);
        }
        return true;

    default:
        break;
    }

    switch (debug_handle_watchpoint(cpu)) {
    case DEBUG_WATCH_STOP:
        return false;
    case DEBUG_WATCH_SILENT:
        return true;
    default:
        break;
    }
    pc = debug_cpu_pc(cpu);
    p = debug_eval_breakpoints(cpu, pc, &any);
    if (p) {
        debug_record_stop(cpu, debug_reason_of(p->type), pc, p, false, 0, 0);
        return false;
    }
    if (any && !debug_accel_is_kvm() &&
        !(gdb_client_connected() && debug_tcg_foreign_breakpoint(cpu, pc))) {
        /* conditions false, hits ignored, or tracepoints: go on */
        debug_tcg_step_over_here(cpu, dc);
        return true;
    }
    if (gdb_client_connected()) {
        return false;           /* the gdbstub client's own point */
    }
    /*
     * Nobody's point: one removed while this vCPU was already on its way
     * to it (the translated code still had the check), or a watchpoint
     * hit left over from one.  Stopping would leave the VM in "debug"
     * with no DEBUG_STOP for any client to see: go on instead.
     */
    cpu->watchpoint_hit = NULL;
    return true;
}

/*
 * Called from the TCG vCPU loop (BQL held) when the vCPU executed hlt
 * (or mwait).  No debug exception follows an instruction that halts, so
 * a step that executes one would never end: it ends here, with the vCPU
 * halted at the next instruction.  A step over a breakpoint on such an
 * instruction is over too.  Returns true if the VM must stop.
 */
bool qmp_debug_handle_guest_halt(CPUState *cpu)
{
    DebugCpu *dc;

    if (!debug.initialized) {
        return false;
    }
    dc = debug_cpu(cpu);
    switch (dc->mode) {
    case DEBUG_CPU_STEP:
        debug_step_trace_commit(dc);
        debug_record_stop(cpu, DEBUG_STOP_REASON_STEP, debug_cpu_pc(cpu),
                          NULL, false, 0, 0);
        return true;
    case DEBUG_CPU_STEP_OVER:
        debug_tcg_unlift(cpu);
        cpu_single_step(cpu, 0);
        dc->mode = DEBUG_CPU_RUN;
        return false;
    default:
        return false;
    }
}

static void debug_held_step_over_done(void *opaque)
{
    uint64_t generation = (uintptr_t)opaque;
    CPUState *cpu;

    if (generation != debug.generation) {
        return;                 /* the VM stopped meanwhile and cleaned up */
    }
    debug_kvm_unlift();
    CPU_FOREACH(cpu) {
        DebugCpu *dc = debug_cpu(cpu);
        if (dc->mode == DEBUG_CPU_STEP_OVER_DONE) {
            cpu_single_step(cpu, 0);
            dc->mode = DEBUG_CPU_RUN;
        }
    }
    if (runstate_is_running()) {
        resume_all_vcpus();
    }
}

/* The last debug stop of @cpu, as query-debug-stop reports it. */
static DebugStopInfo *debug_stop_info(CPUState *cpu, bool running)
{
    DebugStopInfo *info = g_new0(DebugStopInfo, 1);
    DebugStop *s = &debug_cpu(cpu)->last;

    info->cpu_index = cpu->cpu_index;
    info->stopped = s->valid && !running &&
                    s->generation == debug.generation;
    if (s->valid) {
        info->has_reason = true;
        info->reason = s->reason;
        info->has_pc = true;
        info->pc = s->pc;
        info->has_point_id = s->point_id != 0;
        info->point_id = s->point_id;
        info->has_watch_addr = s->has_watch;
        info->watch_addr = s->watch_addr;
        info->has_hit_addr = s->has_watch;
        info->hit_addr = s->hit_addr;
    }
    return info;
}

static void debug_emit(CPUState *cpu, DebugCpu *dc)
{
    DebugStop *s = &dc->last;

    dc->pending_event = false;
    qapi_event_send_debug_stop(cpu->cpu_index, s->reason, s->pc,
                               s->point_id != 0, s->point_id,
                               s->has_watch, s->watch_addr,
                               s->has_watch, s->hit_addr);
}

/* TCG: arrange for vCPUs sitting on a breakpoint to step over it. */
static void debug_tcg_prepare_step_over(void)
{
    int flags = SSTEP_ENABLE | SSTEP_NOIRQ | SSTEP_NOTIMER;
    CPUState *cpu;

    flags &= accel_supported_gdbstub_sstep_flags();
    CPU_FOREACH(cpu) {
        DebugCpu *dc = debug_cpu(cpu);
        uint64_t pc;

        if (cpu->halted || dc->mode != DEBUG_CPU_RUN) {
            continue;
        }
        pc = debug_cpu_pc(cpu);
        if (debug_find_breakpoint(cpu, pc)) {
            debug_tcg_lift(cpu, pc);
            dc->mode = DEBUG_CPU_STEP_OVER;
            cpu_single_step(cpu, flags);
        }
    }
}

static void debug_vm_state_change(void *opaque, bool running, RunState state)
{
    DebugStopInfoList *stops = NULL, **tail = &stops;
    CPUState *cpu;

    debug_update_migration_blocker();
    if (running) {
        debug.generation++;
        CPU_FOREACH(cpu) {
            debug_cpu(cpu)->pending_event = false;
        }
        if (!debug.resume_managed && !debug_accel_is_kvm() &&
            debug.points->len) {
            debug_tcg_prepare_step_over();
        }
        return;
    }

    /* The VM stopped: end any step in progress and put lifted points back. */
    debug.held_step_overs = 0;
    CPU_FOREACH(cpu) {
        DebugCpu *dc = debug_cpu(cpu);
        if (dc->mode != DEBUG_CPU_RUN) {
            dc->mode = DEBUG_CPU_RUN;
            cpu_single_step(cpu, 0);
        }
        dc->has_range = false;
        debug_step_trace_end(dc);
        if (!debug_accel_is_kvm()) {
            debug_tcg_unlift(cpu);
        }
    }
    if (debug_accel_is_kvm()) {
        debug_kvm_unlift();
    }

    if (debug.interrupt_pending && first_cpu) {
        debug.interrupt_pending = false;
        debug_record_stop(first_cpu, DEBUG_STOP_REASON_INTERRUPT,
                          debug_cpu_pc(first_cpu), NULL, false, 0, 0);
    }
    CPU_FOREACH(cpu) {
        DebugCpu *dc = debug_cpu(cpu);
        if (dc->pending_event) {
            debug_emit(cpu, dc);
            QAPI_LIST_APPEND(tail, debug_stop_info(cpu, false));
        }
    }
    /* the debug channels get the same stops, and answer deferred steps */
    debug_channel_vm_stopped(stops, state);
    qapi_free_DebugStopInfoList(stops);
}

/* Commands: capabilities */

#if defined(TARGET_AARCH64) && defined(CONFIG_KVM)
static int debug_kvm_arm_cap(unsigned int cap)
{
    int n = kvm_check_extension(kvm_state, cap);
    return n > 0 ? n : 0;
}
#endif

static bool debug_hw_slots(DebugHwLimits *lim)
{
    memset(lim, 0, sizeof(*lim));
    if (!debug_accel_is_kvm()) {
        if (debug.hw_limits_emulated) {
            *lim = debug.hw_limits;
        }
        return debug.hw_limits_emulated;
    }
#if defined(TARGET_I386)
    /* DR0-DR3, shared between breakpoints and watchpoints */
    lim->bps = lim->wps = 4;
    lim->shared = true;
#elif defined(TARGET_AARCH64) && defined(CONFIG_KVM)
    lim->bps = debug_kvm_arm_cap(KVM_CAP_GUEST_DEBUG_HW_BPS);
    lim->wps = debug_kvm_arm_cap(KVM_CAP_GUEST_DEBUG_HW_WPS);
#endif
    return true;
}

static bool debug_type_supported(DebugPointType type)
{
    if (!debug_supported()) {
        return false;
    }
    if (!debug_accel_is_kvm()) {
        return true;
    }
#if defined(TARGET_I386)
    /* x86 debug registers cannot watch reads alone */
    return type != DEBUG_POINT_TYPE_WATCHPOINT_READ;
#elif defined(TARGET_AARCH64)
    return true;
#else
    return type == DEBUG_POINT_TYPE_SW_BREAKPOINT;
#endif
}

DebugCapabilities *qmp_query_debug_capabilities(Error **errp)
{
    DebugCapabilities *caps = g_new0(DebugCapabilities, 1);
    DebugPointTypeList **tail = &caps->point_types;
    DebugStepFlagList **ftail = &caps->step_flags;
    DebugHwLimits lim;
    int sstep, i;

    caps->accelerator = g_strdup(current_accel_name());
    /* record/replay owns the execution: the commands refuse there */
    caps->supported = debug_supported() && replay_mode == REPLAY_MODE_NONE;
    caps->max_memory_size = DEBUG_MAX_MEMORY_SIZE;
    if (!caps->supported) {
        return caps;
    }
    for (i = 0; i < DEBUG_POINT_TYPE__MAX; i++) {
        if (debug_type_supported(i)) {
            QAPI_LIST_APPEND(tail, i);
        }
    }
    if (debug_hw_slots(&lim)) {
        caps->has_hw_breakpoints = true;
        caps->hw_breakpoints = lim.bps;
        caps->has_hw_watchpoints = true;
        caps->hw_watchpoints = lim.wps;
        caps->hw_slots_shared = lim.shared;
    }
    sstep = accel_supported_gdbstub_sstep_flags();
    caps->single_step = sstep & SSTEP_ENABLE;
    if (sstep & SSTEP_NOIRQ) {
        QAPI_LIST_APPEND(ftail, DEBUG_STEP_FLAG_NOIRQ);
    }
    if (sstep & SSTEP_NOTIMER) {
        QAPI_LIST_APPEND(ftail, DEBUG_STEP_FLAG_NOTIMER);
    }
    /*
     * Range steps and traced steps are steps: the same per-instruction
     * debug exits on both accelerators.  Conditions, ignore counts and
     * tracepoints need the in-thread step over a point that did not
     * fire, which is TCG's (on KVM a software breakpoint is guest memory
     * shared by all vCPUs): not offered on KVM.
     */
    caps->range_step = caps->single_step;
    caps->step_trace = caps->single_step;
    caps->conditions = !debug_accel_is_kvm();
    caps->ignore_count = !debug_accel_is_kvm();
    caps->tracepoints = !debug_accel_is_kvm() && caps->single_step;
    return caps;
}

/*
 * Test-only: make TCG, whose debug points are unlimited, behave as if it
 * had @hw_breakpoints and @hw_watchpoints debug registers, so that
 * management software can be tested against a KVM host's capability set.
 */
void qmp_x_debug_set_hw_limits(int64_t hw_breakpoints, int64_t hw_watchpoints,
                               bool hw_slots_shared, Error **errp)
{
    DebugHwLimits lim;
    int bps, wps;

    if (debug_accel_is_kvm()) {
        error_setg(errp, "the hardware limits of KVM come from the host and "
                   "cannot be set");
        return;
    }
    if (!tcg_enabled()) {
        error_setg(errp, "hardware limits can only be emulated on TCG, not "
                   "on accelerator '%s'", current_accel_name());
        return;
    }
    if (!debug_check_usable(errp)) {
        return;
    }
    if (hw_breakpoints < 0 || hw_breakpoints > DEBUG_MAX_HW_LIMIT ||
        hw_watchpoints < 0 || hw_watchpoints > DEBUG_MAX_HW_LIMIT) {
        error_setg(errp, "hw-breakpoints %" PRId64 " and hw-watchpoints %"
                   PRId64 " must both be 0 to %d", hw_breakpoints,
                   hw_watchpoints, DEBUG_MAX_HW_LIMIT);
        return;
    }
    if (hw_slots_shared && hw_breakpoints != hw_watchpoints) {
        error_setg(errp, "with hw-slots-shared, breakpoints and watchpoints "
                   "draw on one pool: hw-breakpoints (%" PRId64 ") and "
                   "hw-watchpoints (%" PRId64 ") must both be its size",
                   hw_breakpoints, hw_watchpoints);
        return;
    }
    lim.bps = hw_breakpoints;
    lim.wps = hw_watchpoints;
    lim.shared = hw_slots_shared;

    debug_hw_count(NULL, &bps, &wps);
    if (!debug_hw_fits(&lim, bps, wps)) {
        if (lim.shared) {
            error_setg(errp, "%d hardware breakpoints and %d watchpoints are "
                       "inserted, more than %d shared slots; remove some "
                       "first", bps, wps, lim.bps);
        } else {
            error_setg(errp, "%d hardware breakpoints and %d watchpoints are "
                       "inserted, more than %d breakpoint and %d watchpoint "
                       "slots; remove some first", bps, wps, lim.bps,
                       lim.wps);
        }
        return;
    }
    debug.hw_limits = lim;
    debug.hw_limits_emulated = true;
}

/* Commands: debug points */

static bool debug_check_ram_range(CPUState *cpu, uint64_t addr, uint64_t size,
                                  bool physical, bool is_write, GArray *chunks,
                                  Error **errp);

/*
 * The tracepoint options of debug-insert: they need action "trace", and
 * a buffer within bounds.  @regs gets the registers to collect.
 */
static bool debug_check_trace_options(CPUState *cpu, DebugPointType type,
                                      bool trace,
                                      bool has_collect_registers,
                                      strList *collect_registers,
                                      bool has_collect_memory,
                                      DebugTraceMemoryList *collect_memory,
                                      bool has_trace_capacity,
                                      int64_t trace_capacity,
                                      bool has_notify_full, GArray *regs,
                                      Error **errp)
{
    const char *opt = has_collect_registers ? "collect-registers" :
                      has_collect_memory ? "collect-memory" :
                      has_trace_capacity ? "trace-capacity" :
                      has_notify_full ? "notify-full" : NULL;
    DebugTraceMemoryList *m;
    strList *n;
    size_t size;
    int count = 0;

    if (!trace) {
        if (opt) {
            error_setg(errp, "'%s' is only valid for a tracepoint: add "
                       "'action': 'trace'", opt);
            return false;
        }
        return true;
    }
    if (debug_is_watchpoint(type)) {
        error_setg(errp, "a %s cannot trace: 'action': 'trace' is for "
                   "sw-breakpoints and hw-breakpoints",
                   DebugPointType_str(type));
        return false;
    }
    if (debug_accel_is_kvm()) {
        error_setg(errp, "tracepoints are not available on KVM (a point "
                   "that does not stop needs TCG's in-thread step over it); "
                   "query-debug-capabilities tells");
        return false;
    }
    if (has_collect_registers &&
        !debug_check_reg_names(cpu, collect_registers, errp)) {
        error_prepend(errp, "collect-registers: ");
        return false;
    }
    for (n = has_collect_registers ? collect_registers : NULL; n;
         n = n->next) {
        DebugRegDesc *d = debug_cpu_reg(cpu, n->value);
        g_array_append_val(regs, *d);
    }
    for (m = has_collect_memory ? collect_memory : NULL; m; m = m->next) {
        DebugTraceMemory *r = m->value;

        if (++count > DEBUG_MAX_TRACE_RANGES) {
            error_setg(errp, "collect-memory lists more than %d ranges",
                       DEBUG_MAX_TRACE_RANGES);
            return false;
        }
        if (r->len < 1 || r->len > DEBUG_MAX_TRACE_LEN) {
            error_setg(errp, "collect-memory range at 0x%" PRIx64 " has "
                       "length %" PRId64 ": it must be 1 to %d bytes",
                       r->addr, r->len, DEBUG_MAX_TRACE_LEN);
            return false;
        }
        if (r->addr + r->len - 1 < r->addr) {
            error_setg(errp, "collect-memory range 0x%" PRIx64 "+%" PRId64
                       " wraps around the address space", r->addr, r->len);
            return false;
        }
    }
    if (!has_trace_capacity) {
        trace_capacity = DEBUG_DEFAULT_TRACE_CAPACITY;
    }
    if (trace_capacity < 1 || trace_capacity > DEBUG_MAX_TRACE_CAPACITY) {
        error_setg(errp, "trace-capacity %" PRId64 " is out of range: 1 to "
                   "%d records", trace_capacity, DEBUG_MAX_TRACE_CAPACITY);
        return false;
    }
    size = debug_trace_record_size(regs,
                                   has_collect_memory ? collect_memory : NULL);
    if ((uint64_t)trace_capacity * size > DEBUG_MAX_TRACE_BYTES) {
        error_setg(errp, "ring buffer too large: %" PRId64 " records of %zu "
                   "bytes need %" PRIu64 " bytes, more than the %d MiB "
                   "allowed; lower trace-capacity or collect less",
                   trace_capacity, size, (uint64_t)trace_capacity * size,
                   DEBUG_MAX_TRACE_BYTES >> 20);
        return false;
    }
    return true;
}

DebugInsertResult *qmp_debug_insert(DebugPointType type, uint64_t addr,
                                    bool has_len, uint64_t len,
                                    bool has_cpu_index, int64_t cpu_index,
                                    bool has_client, const char *client,
                                    bool has_condition, const char *condition,
                                    bool has_condition_text,
                                    const char *condition_text,
                                    bool has_ignore_count,
                                    int64_t ignore_count,
                                    bool has_action, DebugPointAction action,
                                    bool has_collect_registers,
                                    strList *collect_registers,
                                    bool has_collect_memory,
                                    DebugTraceMemoryList *collect_memory,
                                    bool has_trace_capacity,
                                    int64_t trace_capacity,
                                    bool has_notify_full, bool notify_full,
                                    Error **errp)
{
    g_autoptr(GArray) regs = g_array_new(false, false, sizeof(DebugRegDesc));
    DebugAgentExpr *cond = NULL;
    DebugInsertResult *res;
    DebugPoint *p;
    CPUState *cpu = NULL;
    bool trace = has_action && action == DEBUG_POINT_ACTION_TRACE;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    if (!debug_type_supported(type)) {
        error_setg(errp, "debug point type '%s' is not supported by "
                   "accelerator '%s' (query-debug-capabilities lists the "
                   "point-types)", DebugPointType_str(type),
                   current_accel_name());
        return NULL;
    }
    if (has_cpu_index) {
        cpu = debug_get_cpu(cpu_index, errp);
        if (!cpu) {
            return NULL;
        }
        if (debug_accel_is_kvm() && (first_cpu != cpu || CPU_NEXT(cpu))) {
            error_setg(errp, "KVM applies debug points to all vCPUs; omit "
                       "cpu-index");
            return NULL;
        }
    }
    if (debug_is_breakpoint(type)) {
        if (has_len) {
            error_setg(errp, "'len' is only valid for watchpoints; omit it "
                       "for a %s", DebugPointType_str(type));
            return NULL;
        }
        len = 0;
        if (type == DEBUG_POINT_TYPE_SW_BREAKPOINT &&
            !debug_check_ram_range(cpu ? cpu : first_cpu, addr, 1, false,
                                   false, NULL, errp)) {
            error_prepend(errp, "cannot set a sw-breakpoint: ");
            return NULL;
        }
    } else {
        if (!has_len) {
            error_setg(errp, "a %s needs 'len' (1, 2, 4 or 8 bytes)",
                       DebugPointType_str(type));
            return NULL;
        }
        if (len == 0 || len > DEBUG_MAX_WATCH_LEN || !is_power_of_2(len)) {
            error_setg(errp, "watchpoint length %" PRIu64 " is invalid: it "
                       "must be 1, 2, 4 or 8", len);
            return NULL;
        }
        if (addr & (len - 1)) {
            error_setg(errp, "watchpoint address 0x%" PRIx64 " is not aligned "
                       "to its length %" PRIu64, addr, len);
            return NULL;
        }
    }

    if (!migration_is_idle()) {
        error_setg(errp, "a migration or snapshot is in progress: set debug "
                   "points once it has ended");
        return NULL;
    }
    if (has_client && !debug_lease_exists(client)) {
        error_setg(errp, "no lease named '%s' (debug-lease creates it; it "
                   "may have expired)", client);
        return NULL;
    }
    if (debug_accel_is_kvm() && (has_condition || has_ignore_count)) {
        error_setg(errp, "%s not available on KVM (a point that does not "
                   "stop needs TCG's in-thread step over it); evaluate it "
                   "in the debugger instead",
                   has_condition ? "conditions are" : "ignore counts are");
        return NULL;
    }
    if (debug_is_watchpoint(type) && (has_condition || has_ignore_count) &&
        CPU_GET_CLASS(cpu ? cpu : first_cpu)->gdb_stop_before_watchpoint) {
        /* the access would hit the watchpoint again at once */
        error_setg(errp, "%s on watchpoints are not available on %s, whose "
                   "watchpoints stop before the access",
                   has_condition ? "conditions" : "ignore counts",
                   TARGET_NAME);
        return NULL;
    }
    if (has_condition_text &&
        (!has_condition ||
         strlen(condition_text) > DEBUG_MAX_CONDITION_TEXT)) {
        error_setg(errp, "condition-text %s: it labels a condition of at "
                   "most %d characters", has_condition ?
                   "is too long" : "needs a condition",
                   DEBUG_MAX_CONDITION_TEXT);
        return NULL;
    }
    if (has_ignore_count &&
        (ignore_count < 0 || ignore_count > DEBUG_MAX_IGNORE_COUNT)) {
        error_setg(errp, "ignore-count %" PRId64 " is out of range: 0 to %d",
                   ignore_count, DEBUG_MAX_IGNORE_COUNT);
        return NULL;
    }
    if (!debug_check_trace_options(cpu ? cpu : first_cpu, type, trace,
                                   has_collect_registers, collect_registers,
                                   has_collect_memory, collect_memory,
                                   has_trace_capacity, trace_capacity,
                                   has_notify_full, regs, errp)) {
        return NULL;
    }
    /* last of the checks: it allocates */
    if (has_condition) {
        cond = debug_ax_compile(condition, cpu ? cpu : first_cpu, errp);
        if (!cond) {
            return NULL;
        }
    }

    p = g_new0(DebugPoint, 1);
    p->action = trace ? DEBUG_POINT_ACTION_TRACE : DEBUG_POINT_ACTION_STOP;
    p->cond = cond;
    p->cond_text = has_condition_text ? g_strdup(condition_text) : NULL;
    p->ignore_left = has_ignore_count ? ignore_count : 0;
    if (trace) {
        p->trace = debug_trace_new(debug.next_id,
                                   has_trace_capacity ? trace_capacity :
                                   DEBUG_DEFAULT_TRACE_CAPACITY,
                                   regs,
                                   has_collect_memory ? collect_memory : NULL,
                                   has_notify_full && notify_full);
    }
    p->type = type;
    p->addr = addr;
    p->len = len;
    p->cpu_index = cpu ? cpu->cpu_index : -1;
    p->client = has_client ? g_strdup(client) : NULL;
    p->id = debug.next_id;
    /*
     * Listed before it is inserted: inserting may drop the BQL, and a vCPU
     * can hit the point before we get it back.
     */
    g_ptr_array_add(debug.points, p);
    if (debug_point_insert(p, errp) < 0) {
        g_ptr_array_remove(debug.points, p);    /* frees it */
        return NULL;
    }
    debug.next_id++;
    debug_update_migration_blocker();

    res = g_new0(DebugInsertResult, 1);
    res->id = p->id;
    return res;
}

/* Remove the points of lease @client, or every point if NULL. */
void debug_remove_points_of(const char *client)
{
    guint i = debug.points->len;

    while (i-- > 0) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);

        if (client && g_strcmp0(p->client, client) != 0) {
            continue;
        }
        debug_point_remove(p);
        g_ptr_array_remove_index(debug.points, i);
    }
    debug_update_migration_blocker();
}

int64_t debug_count_points_of(const char *client)
{
    int64_t n = 0;
    guint i;

    for (i = 0; debug.initialized && i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);
        n += g_strcmp0(p->client, client) == 0;
    }
    return n;
}

void qmp_debug_remove(int64_t id, Error **errp)
{
    DebugPoint *p;

    if (!debug_check_usable(errp)) {
        return;
    }
    p = debug_find_point(id);
    if (!p) {
        error_setg(errp, "debug point %" PRId64 " does not exist "
                   "(query-debug-points lists the points)", id);
        return;
    }
    debug_point_remove(p);
    g_ptr_array_remove(debug.points, p);
    debug_update_migration_blocker();
}

void qmp_debug_remove_all(bool has_client, const char *client, Error **errp)
{
    if (!debug_check_usable(errp)) {
        return;
    }
    debug_remove_points_of(has_client ? client : NULL);
}

DebugPointInfoList *qmp_query_debug_points(Error **errp)
{
    DebugPointInfoList *head = NULL, **tail = &head;
    guint i;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    for (i = 0; i < debug.points->len; i++) {
        DebugPoint *p = g_ptr_array_index(debug.points, i);
        DebugPointInfo *info = g_new0(DebugPointInfo, 1);

        info->id = p->id;
        info->type = p->type;
        info->addr = p->addr;
        info->len = p->len;
        info->hits = p->hits;
        info->has_cpu_index = p->cpu_index >= 0;
        info->cpu_index = p->cpu_index;
        info->has_client = p->client != NULL;
        info->client = g_strdup(p->client);
        info->action = p->action;
        info->has_condition = p->cond != NULL;
        info->condition = p->cond ? g_strdup(debug_ax_hex(p->cond)) : NULL;
        info->has_condition_text = p->cond_text != NULL;
        info->condition_text = g_strdup(p->cond_text);
        info->ignore_count = p->ignore_left;
        info->condition_errors = p->cond_errors;
        info->has_last_condition_error = p->last_cond_error != NULL;
        info->last_condition_error = g_strdup(p->last_cond_error);
        if (p->trace) {
            info->has_trace_records = true;
            info->trace_records = debug_trace_records(p->trace);
            info->has_trace_dropped = true;
            info->trace_dropped = debug_trace_dropped(p->trace);
            info->has_trace_capacity = true;
            info->trace_capacity = debug_trace_capacity(p->trace);
        }
        QAPI_LIST_APPEND(tail, info);
    }
    return head;
}

/* Commands: execution control */

static bool debug_check_resumable(Error **errp)
{
    if (runstate_needs_reset()) {
        error_setg(errp, "the VM must be reset (system_reset) before it can "
                   "run again");
        return false;
    }
    if (runstate_check(RUN_STATE_INMIGRATE) ||
        runstate_check(RUN_STATE_POSTMIGRATE) ||
        runstate_check(RUN_STATE_FINISH_MIGRATE)) {
        error_setg(errp, "the VM cannot run during or after a migration");
        return false;
    }
    return true;
}

/*
 * @wait and @registers of debug-step and debug-continue: a deferred reply
 * needs somewhere to go later, which only a debug channel has (a QMP
 * monitor answers each command before it reads the next).
 */
static bool debug_check_wait(CPUState *cpu, bool has_wait, bool wait,
                             bool has_registers, strList *registers,
                             Error **errp)
{
    if ((wait || has_registers) && !debug_channel_active()) {
        error_setg(errp, "'wait' is only available on a debug channel "
                   "(debug-channel-open)");
        return false;
    }
    if (has_registers && !wait) {
        error_setg(errp, "'registers' needs 'wait': true (they are read "
                   "when the VM stops again)");
        return false;
    }
    return !has_registers || debug_check_reg_names(cpu, registers, errp);
}

DebugRunResult *qmp_debug_step(int64_t cpu_index, bool has_count,
                               int64_t count, bool has_noirq, bool noirq,
                               bool has_notimer, bool notimer,
                               bool has_wait, bool wait,
                               bool has_registers, strList *registers,
                               bool has_range_start, uint64_t range_start,
                               bool has_range_end, uint64_t range_end,
                               bool has_trace, bool trace,
                               bool has_trace_registers,
                               strList *trace_registers,
                               Error **errp)
{
    bool range = has_range_start || has_range_end;
    int supported = accel_supported_gdbstub_sstep_flags();
    int flags = SSTEP_ENABLE;
    CPUState *cpu;
    DebugCpu *dc;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    cpu = debug_get_cpu(cpu_index, errp);
    if (!cpu) {
        return NULL;
    }
    if (!debug_check_wait(cpu, has_wait, wait, has_registers, registers,
                          errp)) {
        return NULL;
    }
    if (has_range_start != has_range_end) {
        error_setg(errp, "a range step needs both 'range-start' and "
                   "'range-end' (%s is missing)",
                   has_range_start ? "range-end" : "range-start");
        return NULL;
    }
    if (range && range_start >= range_end) {
        error_setg(errp, "range-start 0x%" PRIx64 " must be below range-end "
                   "0x%" PRIx64 " (the range is [range-start, range-end))",
                   range_start, range_end);
        return NULL;
    }
    if (has_trace_registers && !trace) {
        error_setg(errp, "'trace-registers' needs 'trace': true");
        return NULL;
    }
    if (has_trace_registers &&
        !debug_check_reg_names(cpu, trace_registers, errp)) {
        error_prepend(errp, "trace-registers: ");
        return NULL;
    }
    if (has_count && (count < 1 || count > DEBUG_MAX_STEP_COUNT)) {
        error_setg(errp, "step count %" PRId64 " is out of range (1 to %d)",
                   count, DEBUG_MAX_STEP_COUNT);
        return NULL;
    }
    if (has_count && trace && count > DEBUG_MAX_TRACE_STEPS) {
        error_setg(errp, "a traced step executes at most %d instructions, "
                   "not %" PRId64 "; trace in several steps",
                   DEBUG_MAX_TRACE_STEPS, count);
        return NULL;
    }
    if (!has_count) {
        /* a range step is bounded by its range, and a trace by its size */
        count = !range ? 1 : trace ? DEBUG_MAX_TRACE_STEPS : INT64_MAX;
    }
    if (!(supported & SSTEP_ENABLE)) {
        error_setg(errp, "accelerator '%s' cannot single-step",
                   current_accel_name());
        return NULL;
    }
    if (!has_noirq) {
        noirq = supported & SSTEP_NOIRQ;
    } else if (noirq && !(supported & SSTEP_NOIRQ)) {
        error_setg(errp, "accelerator '%s' cannot mask interrupts while "
                   "stepping; pass noirq=false", current_accel_name());
        return NULL;
    }
    if (!has_notimer) {
        notimer = supported & SSTEP_NOTIMER;
    } else if (notimer && !(supported & SSTEP_NOTIMER)) {
        error_setg(errp, "accelerator '%s' cannot stop timers while "
                   "stepping; pass notimer=false", current_accel_name());
        return NULL;
    }
    flags |= noirq ? SSTEP_NOIRQ : 0;
    flags |= notimer ? SSTEP_NOTIMER : 0;

    if (runstate_is_running()) {
        error_setg(errp, "the VM is running; stop it (debug-interrupt) "
                   "before stepping");
        return NULL;
    }
    if (!debug_check_resumable(errp)) {
        return NULL;
    }
    if (cpu->halted && noirq) {
        error_setg(errp, "vCPU %d is halted and only an interrupt can wake "
                   "it; step it with noirq=false", cpu->cpu_index);
        return NULL;
    }

    dc = debug_cpu(cpu);
    if (debug_accel_is_kvm()) {
        debug_kvm_lift(debug_cpu_pc(cpu));
    } else {
        debug_tcg_lift(cpu, debug_cpu_pc(cpu));
    }
    dc->mode = DEBUG_CPU_STEP;
    dc->steps_left = count;
    dc->has_range = range;
    dc->range_start = range_start;
    dc->range_end = range_end;
    if (trace) {
        strList *n;

        g_ptr_array_set_size(dc->trace_regs, 0);
        for (n = has_trace_registers ? trace_registers : NULL; n;
             n = n->next) {
            g_ptr_array_add(dc->trace_regs, debug_cpu_reg(cpu, n->value));
        }
        qapi_free_DebugStepTraceEntryList(dc->trace_head);
        dc->trace_head = NULL;
        dc->trace_tail = &dc->trace_head;
        dc->traced = true;
        dc->tracing = true;
        debug_step_trace_pending(cpu, dc, debug_cpu_pc(cpu));
    }
    cpu_single_step(cpu, flags);

    /*
     * A step starts and ends in the debugger: no RESUME and STOP for the
     * management layer (libvirt would update its state and status file
     * twice per instruction stepped, and a stepping debugger outruns it).
     */
    vm_set_next_run_quiet(true);
    debug.resume_managed = true;
    if (vm_prepare_start(true)) {
        vm_set_next_run_quiet(false);
        debug.resume_managed = false;
        dc->mode = DEBUG_CPU_RUN;
        dc->has_range = false;
        debug_step_trace_end(dc);
        cpu_single_step(cpu, 0);
        if (debug_accel_is_kvm()) {
            debug_kvm_unlift();
        } else {
            debug_tcg_unlift(cpu);
        }
        error_setg(errp, "the VM could not be started for stepping");
        return NULL;
    }
    debug.resume_managed = false;
    cpu_resume(cpu);
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    if (wait) {
        debug_channel_wait_stop(cpu->cpu_index, has_registers, registers,
                                trace);
    }
    return g_new0(DebugRunResult, 1);
}

DebugStepTraceEntryList *debug_step_trace_copy(int64_t cpu_index)
{
    CPUState *cpu = qemu_get_cpu(cpu_index);

    if (!cpu || !debug.initialized) {
        return NULL;
    }
    return QAPI_CLONE(DebugStepTraceEntryList, debug_cpu(cpu)->trace_head);
}

DebugStepTraceEntryList *qmp_query_debug_step_trace(int64_t cpu_index,
                                                    Error **errp)
{
    CPUState *cpu;
    DebugCpu *dc;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    cpu = debug_get_cpu(cpu_index, errp);
    if (!cpu) {
        return NULL;
    }
    dc = debug_cpu(cpu);
    if (!dc->traced) {
        error_setg(errp, "vCPU %d made no traced step yet (debug-step with "
                   "'trace': true)", cpu->cpu_index);
        return NULL;
    }
    if (dc->tracing) {
        error_setg(errp, "the traced step of vCPU %d is still running; ask "
                   "again after its DEBUG_STOP", cpu->cpu_index);
        return NULL;
    }
    return QAPI_CLONE(DebugStepTraceEntryList, dc->trace_head);
}

/* KVM: step the vCPUs sitting on breakpoints over them, others held. */
static bool debug_kvm_continue(void)
{
    int flags = (SSTEP_ENABLE | SSTEP_NOIRQ) &
                accel_supported_gdbstub_sstep_flags();
    CPUState *cpu;
    int n = 0;

    CPU_FOREACH(cpu) {
        uint64_t pc;

        if (cpu->halted) {
            continue;
        }
        pc = debug_cpu_pc(cpu);
        if (debug_find_breakpoint(cpu, pc)) {
            debug_kvm_lift(pc);
            debug_cpu(cpu)->mode = DEBUG_CPU_STEP_OVER_HELD;
            cpu_single_step(cpu, flags);
            n++;
        }
    }
    if (!n) {
        return false;
    }
    debug.held_step_overs = n;
    debug.resume_managed = true;
    if (vm_prepare_start(true)) {
        debug.resume_managed = false;
        return true;
    }
    debug.resume_managed = false;
    CPU_FOREACH(cpu) {
        if (debug_cpu(cpu)->mode == DEBUG_CPU_STEP_OVER_HELD) {
            cpu_resume(cpu);
        }
    }
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    return true;
}

void debug_continue(Error **errp)
{
    if (!debug_check_usable(errp)) {
        return;
    }
    if (runstate_is_running()) {
        return;
    }
    if (!debug_check_resumable(errp)) {
        return;
    }
    if (debug_accel_is_kvm() && debug_kvm_continue()) {
        return;
    }
    /* TCG steps over breakpoints from the state change handler. */
    vm_start();
}

DebugRunResult *qmp_debug_continue(bool has_wait, bool wait,
                                   bool has_registers, strList *registers,
                                   Error **errp)
{
    Error *local_err = NULL;

    if (!debug_check_usable(errp) ||
        !debug_check_wait(first_cpu, has_wait, wait, has_registers,
                          registers, errp)) {
        return NULL;
    }
    debug_continue(&local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return NULL;
    }
    /* a running VM is answered at its next stop, like a resumed one */
    if (wait) {
        debug_channel_wait_stop(-1, has_registers, registers, false);
    }
    return g_new0(DebugRunResult, 1);
}

void qmp_debug_interrupt(Error **errp)
{
    if (!debug_check_usable(errp)) {
        return;
    }
    if (!runstate_is_running()) {
        error_setg(errp, "the VM is not running; it is already stopped");
        return;
    }
    debug.interrupt_pending = true;
    vm_stop(RUN_STATE_DEBUG);
    debug.interrupt_pending = false;
}

/* Commands: model-specific registers */

DebugMsr *qmp_debug_read_msr(int64_t cpu_index, uint32_t msr, Error **errp)
{
    CPUState *cpu;
    DebugMsr *ret;
    uint64_t value;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    cpu = debug_get_cpu(cpu_index, errp);
    if (!cpu) {
        return NULL;
    }
#if defined(TARGET_I386)
    {
        CPUX86State *env = &X86_CPU(cpu)->env;

        /* KVM: the values live in the kernel until synchronized */
        cpu_synchronize_state(cpu);
        switch (msr) {
        case MSR_EFER:
            value = env->efer;
            break;
        case MSR_STAR:
            value = env->star;
            break;
        case MSR_IA32_SYSENTER_EIP:
            value = env->sysenter_eip;
            break;
        case MSR_FSBASE:
            value = env->segs[R_FS].base;
            break;
        case MSR_GSBASE:
            value = env->segs[R_GS].base;
            break;
#ifdef TARGET_X86_64
        case MSR_LSTAR:
            value = env->lstar;
            break;
        case MSR_CSTAR:
            value = env->cstar;
            break;
        case MSR_KERNELGSBASE:
            value = env->kernelgsbase;
            break;
#endif
        default:
            error_setg(errp, "MSR 0x%" PRIx32 " cannot be read through the "
                       "debug API (EFER, STAR, LSTAR, CSTAR, SYSENTER_EIP "
                       "and the FS, GS and kernel GS bases can)", msr);
            return NULL;
        }
    }
#else
    error_setg(errp, "model-specific registers are x86's; this QEMU "
               "emulates %s", TARGET_NAME);
    return NULL;
#endif
    ret = g_new0(DebugMsr, 1);
    ret->value = value;
    return ret;
}

DebugStopInfoList *qmp_query_debug_stop(Error **errp)
{
    DebugStopInfoList *head = NULL, **tail = &head;
    bool running = runstate_is_running();
    CPUState *cpu;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    CPU_FOREACH(cpu) {
        QAPI_LIST_APPEND(tail, debug_stop_info(cpu, running));
    }
    return head;
}

/* Commands: registers */

static const char *debug_lookup_xml(CPUState *cpu, const char *name)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);
    int i;

    if (cc->gdb_get_dynamic_xml) {
        const char *xml = cc->gdb_get_dynamic_xml(cpu, name);
        if (xml) {
            return xml;
        }
    }
    for (i = 0; xml_builtin[i][0]; i++) {
        if (strcmp(xml_builtin[i][0], name) == 0) {
            return xml_builtin[i][1];
        }
    }
    return NULL;
}

typedef struct DebugRegParse {
    GArray *regs;
    int next;
    int limit;
} DebugRegParse;

static void debug_reg_start_element(GMarkupParseContext *ctx,
                                    const char *element,
                                    const char **names, const char **values,
                                    gpointer opaque, GError **error)
{
    DebugRegParse *rp = opaque;
    DebugRegDesc d;
    const char *name = NULL;
    int i, bits = 64;

    if (strcmp(element, "reg") != 0) {
        return;
    }
    for (i = 0; names[i]; i++) {
        if (strcmp(names[i], "name") == 0) {
            name = values[i];
        } else if (strcmp(names[i], "regnum") == 0) {
            rp->next = atoi(values[i]);
        } else if (strcmp(names[i], "bitsize") == 0) {
            bits = atoi(values[i]);
        }
    }
    if (name && rp->next < rp->limit) {
        d.name = g_strdup(name);
        d.number = rp->next;
        d.size = bits > 0 ? DIV_ROUND_UP(bits, 8) : 8;
        g_array_append_val(rp->regs, d);
    }
    rp->next++;
}

static void debug_parse_reg_xml(CPUState *cpu, const char *file, int base,
                                int num, GArray *regs)
{
    static const GMarkupParser parser = {
        .start_element = debug_reg_start_element,
    };
    DebugRegParse rp = { .regs = regs, .next = base, .limit = base + num };
    const char *xml = debug_lookup_xml(cpu, file);
    GMarkupParseContext *ctx;

    if (!xml) {
        return;
    }
    ctx = g_markup_parse_context_new(&parser, 0, &rp, NULL);
    g_markup_parse_context_parse(ctx, xml, -1, NULL);
    g_markup_parse_context_free(ctx);
}

static void debug_reg_file_cb(const char *file, int base, int num,
                              void *opaque)
{
    void **args = opaque;

    debug_parse_reg_xml(args[0], file, base, num, args[1]);
}

static GArray *debug_cpu_regs(CPUState *cpu)
{
    DebugCpu *dc = debug_cpu(cpu);
    CPUClass *cc = CPU_GET_CLASS(cpu);
    void *args[2];

    if (dc->regs) {
        return dc->regs;
    }
    dc->regs = g_array_new(false, false, sizeof(DebugRegDesc));
    if (cc->gdb_core_xml_file) {
        debug_parse_reg_xml(cpu, cc->gdb_core_xml_file, 0,
                            cc->gdb_num_core_regs, dc->regs);
    }
    args[0] = cpu;
    args[1] = dc->regs;
    gdb_foreach_register_file(cpu, debug_reg_file_cb, args);
    return dc->regs;
}

static DebugRegDesc *debug_find_reg(GArray *regs, const char *name)
{
    guint i;

    for (i = 0; i < regs->len; i++) {
        DebugRegDesc *d = &g_array_index(regs, DebugRegDesc, i);
        if (strcmp(d->name, name) == 0) {
            return d;
        }
    }
    return NULL;
}

DebugRegDesc *debug_cpu_reg(CPUState *cpu, const char *name)
{
    return debug_find_reg(debug_cpu_regs(cpu), name);
}

bool debug_cpu_has_reg_number(CPUState *cpu, int number)
{
    GArray *regs = debug_cpu_regs(cpu);
    guint i;

    for (i = 0; i < regs->len; i++) {
        if (g_array_index(regs, DebugRegDesc, i).number == number) {
            return true;
        }
    }
    return false;
}

bool debug_check_reg_names(CPUState *cpu, strList *names,
                                  Error **errp)
{
    GArray *regs = debug_cpu_regs(cpu);
    strList *n;

    for (n = names; n; n = n->next) {
        if (!debug_find_reg(regs, n->value)) {
            error_setg(errp, "vCPU %d has no register named '%s' "
                       "(query-debug-gdb-xml describes the registers)",
                       cpu->cpu_index, n->value);
            return false;
        }
    }
    return true;
}

char *debug_hex(const uint8_t *data, int n)
{
    static const char digits[] = "0123456789abcdef";
    char *hex = g_malloc(2 * MAX(n, 0) + 1);
    int i;

    for (i = 0; i < n; i++) {
        hex[2 * i] = digits[data[i] >> 4];
        hex[2 * i + 1] = digits[data[i] & 0xf];
    }
    hex[2 * MAX(n, 0)] = '\0';
    return hex;
}

typedef struct DebugRegOp {
    GArray *descs;              /* DebugRegDesc *, the registers to read */
    DebugRegisterList *result;
    int number;                 /* write: the register */
    const char *name;
    const uint8_t *value;
    size_t value_len;
    Error **errp;
} DebugRegOp;

static void debug_read_regs_fn(CPUState *cpu, run_on_cpu_data data)
{
    DebugRegOp *op = data.host_ptr;
    DebugRegisterList **tail = &op->result;
    g_autoptr(GByteArray) buf = g_byte_array_new();
    guint i;

    cpu_synchronize_state(cpu);
    for (i = 0; i < op->descs->len; i++) {
        DebugRegDesc *d = g_array_index(op->descs, DebugRegDesc *, i);
        DebugRegister *r;
        int n;

        g_byte_array_set_size(buf, 0);
        n = gdb_read_register_for_debug(cpu, buf, d->number);
        r = g_new0(DebugRegister, 1);
        r->name = g_strdup(d->name);
        r->number = d->number;
        r->size = n;
        r->value = debug_hex(buf->data, n);
        QAPI_LIST_APPEND(tail, r);
    }
}

DebugRegisterList *qmp_debug_read_registers(int64_t cpu_index,
                                            bool has_names, strList *names,
                                            Error **errp)
{
    DebugRegOp op = { 0 };
    CPUState *cpu;
    GArray *regs;
    guint i;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    cpu = debug_get_cpu(cpu_index, errp);
    if (!cpu) {
        return NULL;
    }
    if (has_names && !debug_check_reg_names(cpu, names, errp)) {
        return NULL;
    }
    regs = debug_cpu_regs(cpu);
    op.descs = g_array_new(false, false, sizeof(DebugRegDesc *));
    if (has_names) {
        strList *n;
        for (n = names; n; n = n->next) {
            DebugRegDesc *d = debug_find_reg(regs, n->value);
            g_array_append_val(op.descs, d);
        }
    } else {
        for (i = 0; i < regs->len; i++) {
            DebugRegDesc *d = &g_array_index(regs, DebugRegDesc, i);
            g_array_append_val(op.descs, d);
        }
    }
    debug_do_on_cpu(cpu, debug_read_regs_fn, &op);
    g_array_free(op.descs, true);
    return op.result;
}

static void debug_write_reg_fn(CPUState *cpu, run_on_cpu_data data)
{
    DebugRegOp *op = data.host_ptr;
    g_autoptr(GByteArray) buf = g_byte_array_new();
    int size;

    cpu_synchronize_state(cpu);
    size = gdb_read_register_for_debug(cpu, buf, op->number);
    if (size <= 0) {
        error_setg(op->errp, "register '%s' of vCPU %d cannot be accessed",
                   op->name, cpu->cpu_index);
        return;
    }
    if (op->value_len != size) {
        error_setg(op->errp, "register '%s' is %d bytes: the value must be "
                   "exactly %d hex digits, not %zu", op->name, size,
                   size * 2, op->value_len * 2);
        return;
    }
    gdb_write_register_for_debug(cpu, (uint8_t *)op->value, op->number);
}

static uint8_t *debug_parse_hex(const char *hex, size_t *len, Error **errp)
{
    size_t n = strlen(hex), i;
    uint8_t *buf;

    if (n == 0 || n % 2) {
        error_setg(errp, "value '%s' is not an even, non-zero number of hex "
                   "digits", hex);
        return NULL;
    }
    buf = g_malloc(n / 2);
    for (i = 0; i < n / 2; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]);
        int lo = g_ascii_xdigit_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            error_setg(errp, "value '%s' contains a character that is not a "
                       "hex digit", hex);
            g_free(buf);
            return NULL;
        }
        buf[i] = hi << 4 | lo;
    }
    *len = n / 2;
    return buf;
}

void qmp_debug_write_register(int64_t cpu_index, const char *name,
                              const char *value, Error **errp)
{
    DebugRegOp op = { 0 };
    g_autofree uint8_t *bytes = NULL;
    DebugRegDesc *d;
    CPUState *cpu;

    if (!debug_check_usable(errp)) {
        return;
    }
    cpu = debug_get_cpu(cpu_index, errp);
    if (!cpu) {
        return;
    }
    d = debug_find_reg(debug_cpu_regs(cpu), name);
    if (!d) {
        error_setg(errp, "vCPU %d has no register named '%s' "
                   "(query-debug-gdb-xml describes the registers)",
                   cpu->cpu_index, name);
        return;
    }
    if (runstate_is_running()) {
        error_setg(errp, "the VM is running; stop it (debug-interrupt) "
                   "before writing registers");
        return;
    }
    bytes = debug_parse_hex(value, &op.value_len, errp);
    if (!bytes) {
        return;
    }
    op.number = d->number;
    op.name = name;
    op.value = bytes;
    op.errp = errp;
    debug_do_on_cpu(cpu, debug_write_reg_fn, &op);
}

DebugGdbXml *qmp_query_debug_gdb_xml(bool has_annex, const char *annex,
                                     Error **errp)
{
    DebugGdbXml *res;
    const char *xml;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    if (!has_annex || strcmp(annex, "target.xml") == 0) {
        res = g_new0(DebugGdbXml, 1);
        res->xml = gdb_target_xml_for_debug(first_cpu);
        return res;
    }
    xml = debug_lookup_xml(first_cpu, annex);
    if (!xml) {
        error_setg(errp, "there is no GDB target description document '%s' "
                   "(target.xml names the others)", annex);
        return NULL;
    }
    res = g_new0(DebugGdbXml, 1);
    res->xml = g_strdup(xml);
    return res;
}

/* Commands: memory */

typedef struct DebugChunk {
    AddressSpace *as;
    hwaddr addr;
    hwaddr len;
    MemTxAttrs attrs;
} DebugChunk;

static void debug_range_error(Error **errp, bool physical, uint64_t va,
                              hwaddr pa, const char *what)
{
    if (physical) {
        error_setg(errp, "physical address 0x%" PRIx64 " %s", va, what);
    } else {
        error_setg(errp, "virtual address 0x%" PRIx64 " (guest physical 0x%"
                   HWADDR_PRIx ") %s", va, pa, what);
    }
}

/*
 * Check that [addr, addr + size) is mapped and backed by RAM (writable RAM
 * for @is_write).  With @chunks, also collect the physical pieces.
 */
/*
 * The address space a debug access with @attrs goes to.  On x86 the
 * attributes of SMM code say "secure", i.e. address space 1, which only
 * TCG creates (KVM keeps SMRAM in its own memory listener and gives each
 * vCPU one address space): cpu_asidx_from_attrs() asserts there, as it
 * did on KVM for a read while SeaBIOS ran in SMM.  One address space:
 * the normal view.
 */
static AddressSpace *debug_cpu_as(CPUState *cpu, MemTxAttrs attrs)
{
    if (cpu->num_ases < 2) {
        return cpu_get_address_space(cpu, 0);
    }
    return cpu_get_address_space(cpu, cpu_asidx_from_attrs(cpu, attrs));
}

static bool debug_check_ram_range(CPUState *cpu, uint64_t addr, uint64_t size,
                                  bool physical, bool is_write, GArray *chunks,
                                  Error **errp)
{
    uint64_t done = 0;

    if (addr + size - 1 < addr) {
        error_setg(errp, "range 0x%" PRIx64 "+%" PRIu64 " wraps around the "
                   "address space", addr, size);
        return false;
    }
#ifdef TARGET_I386
    /*
     * Outside long mode an x86 vCPU's linear addresses are 32 bits wide,
     * and so is the page walk of cpu_get_phys_page_attrs_debug(): it
     * would read 0x100000000 at 0 and show those bytes under the wider
     * address.  A range the vCPU cannot address is refused instead.
     */
    if (!physical && !(X86_CPU(cpu)->env.hflags & HF_LMA_MASK) &&
        addr + size - 1 > UINT32_MAX) {
        error_setg(errp, "address 0x%" PRIx64 " is beyond the 4 GiB vCPU %d "
                   "can address: it is not in long mode (64-bit) yet",
                   MAX(addr, (uint64_t) UINT32_MAX + 1), cpu->cpu_index);
        return false;
    }
#endif
    RCU_READ_LOCK_GUARD();
    while (done < size) {
        uint64_t va = addr + done;
        uint64_t in_page = TARGET_PAGE_SIZE - (va & ~TARGET_PAGE_MASK);
        uint64_t l = MIN(in_page, size - done);
        MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;
        AddressSpace *as;
        hwaddr pa, xlat, mlen;
        MemoryRegion *mr;

        if (physical) {
            pa = va;
            as = &address_space_memory;
        } else {
            hwaddr page = cpu_get_phys_page_attrs_debug(cpu, va &
                                                        TARGET_PAGE_MASK,
                                                        &attrs);
            if (page == -1) {
                error_setg(errp, "address 0x%" PRIx64 " is not mapped by vCPU "
                           "%d's page tables", va, cpu->cpu_index);
                return false;
            }
            pa = page + (va & ~TARGET_PAGE_MASK);
            as = debug_cpu_as(cpu, attrs);
        }
        while (l > 0) {
            mlen = l;
            mr = address_space_translate(as, pa, &xlat, &mlen, is_write,
                                         attrs);
            if (!memory_region_is_ram(mr) || memory_region_is_ram_device(mr)) {
                debug_range_error(errp, physical, va, pa, "is not guest RAM");
                return false;
            }
            if (is_write && (mr->readonly || memory_region_is_rom(mr))) {
                debug_range_error(errp, physical, va, pa,
                                  "is read-only memory");
                return false;
            }
            if (chunks) {
                DebugChunk c = { .as = as, .addr = pa, .len = mlen,
                                 .attrs = attrs };
                g_array_append_val(chunks, c);
            }
            pa += mlen;
            va += mlen;
            done += mlen;
            l -= mlen;
        }
    }
    return true;
}

DebugReadStatus debug_read_guest(CPUState *cpu, uint64_t addr, void *buf,
                                 size_t len)
{
    uint8_t *out = buf;

    RCU_READ_LOCK_GUARD();
    while (len > 0) {
        uint64_t in_page = TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK);
        size_t l = MIN(in_page, len);
        MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;
        hwaddr page, pa;
        AddressSpace *as;

        page = cpu_get_phys_page_attrs_debug(cpu, addr & TARGET_PAGE_MASK,
                                             &attrs);
        if (page == -1) {
            return DEBUG_READ_UNMAPPED;
        }
        pa = page + (addr & ~TARGET_PAGE_MASK);
        as = debug_cpu_as(cpu, attrs);
        addr += l;
        len -= l;
        while (l > 0) {
            hwaddr xlat, mlen = l;
            MemoryRegion *mr = address_space_translate(as, pa, &xlat, &mlen,
                                                       false, attrs);

            if (!memory_region_is_ram(mr) || memory_region_is_ram_device(mr) ||
                address_space_read(as, pa, attrs, out, mlen) != MEMTX_OK) {
                return DEBUG_READ_NOT_RAM;
            }
            pa += mlen;
            out += mlen;
            l -= mlen;
        }
    }
    return DEBUG_READ_OK;
}

const char *debug_read_status_str(DebugReadStatus st)
{
    switch (st) {
    case DEBUG_READ_OK:
        return "read";
    case DEBUG_READ_UNMAPPED:
        return "the address is not mapped by the vCPU's page tables";
    default:
        return "the address is not guest RAM";
    }
}

DebugTrace *debug_point_trace(int64_t id, Error **errp)
{
    DebugPoint *p = debug_find_point(id);

    if (!p) {
        error_setg(errp, "debug point %" PRId64 " does not exist "
                   "(query-debug-points lists the points)", id);
        return NULL;
    }
    if (!p->trace) {
        error_setg(errp, "debug point %" PRId64 " is not a tracepoint (it "
                   "stops the VM; insert one with 'action': 'trace')", id);
        return NULL;
    }
    return p->trace;
}

static CPUState *debug_memory_cpu(bool has_cpu_index, int64_t cpu_index,
                                  Error **errp)
{
    return debug_get_cpu(has_cpu_index ? cpu_index : 0, errp);
}

DebugMemory *qmp_debug_read_memory(uint64_t addr, int64_t size,
                                   bool has_cpu_index, int64_t cpu_index,
                                   bool has_physical, bool physical,
                                   Error **errp)
{
    g_autoptr(GArray) chunks = g_array_new(false, false, sizeof(DebugChunk));
    g_autofree uint8_t *buf = NULL;
    DebugMemory *res;
    CPUState *cpu;
    size_t off = 0;
    guint i;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    cpu = debug_memory_cpu(has_cpu_index, cpu_index, errp);
    if (!cpu) {
        return NULL;
    }
    if (size < 1 || size > DEBUG_MAX_MEMORY_SIZE) {
        error_setg(errp, "size %" PRId64 " is out of range: read 1 to %d "
                   "bytes per call", size, DEBUG_MAX_MEMORY_SIZE);
        return NULL;
    }
    if (!physical) {
        cpu_synchronize_state(cpu);
    }
    if (!debug_check_ram_range(cpu, addr, size, has_physical && physical,
                               false, chunks, errp)) {
        return NULL;
    }
    buf = g_malloc(size);
    for (i = 0; i < chunks->len; i++) {
        DebugChunk *c = &g_array_index(chunks, DebugChunk, i);
        if (address_space_read(c->as, c->addr, c->attrs, buf + off,
                               c->len) != MEMTX_OK) {
            error_setg(errp, "reading guest physical 0x%" HWADDR_PRIx
                       " failed", c->addr);
            return NULL;
        }
        off += c->len;
    }
#ifdef CONFIG_KVM
    /*
     * On KVM a software breakpoint is an int3 written into guest memory
     * (kvm_arch_insert_sw_breakpoint); the reader gets the guest's own
     * byte, which KVM saved, as on TCG.  Virtual reads only: a physical
     * read shows memory as it is.
     */
    if (debug_accel_is_kvm() && !(has_physical && physical)) {
        for (i = 0; i < debug.kvm_entries->len; i++) {
            DebugKvmEntry *e = g_ptr_array_index(debug.kvm_entries, i);
            struct kvm_sw_breakpoint *bp;

            if (e->gdb_type != GDB_BREAKPOINT_SW || e->lifted ||
                e->addr - addr >= (uint64_t)size) {
                continue;
            }
            bp = kvm_find_sw_breakpoint(cpu, e->addr);
            if (bp) {
                buf[e->addr - addr] = bp->saved_insn;
            }
        }
    }
#endif
    res = g_new0(DebugMemory, 1);
    res->data = g_base64_encode(buf, size);
    return res;
}

static uint8_t *debug_decode_base64(const char *data, size_t *len,
                                    Error **errp)
{
    size_t n = strlen(data), i;

    for (i = 0; i < n; i++) {
        char c = data[i];
        if (!g_ascii_isalnum(c) && c != '+' && c != '/' &&
            !(c == '=' && i >= n - 2)) {
            break;
        }
    }
    if (n == 0 || n % 4 || i < n) {
        error_setg(errp, "'data' is not valid base64");
        return NULL;
    }
    return g_base64_decode(data, len);
}

void qmp_debug_write_memory(uint64_t addr, const char *data,
                            bool has_cpu_index, int64_t cpu_index,
                            bool has_physical, bool physical, Error **errp)
{
    g_autoptr(GArray) chunks = g_array_new(false, false, sizeof(DebugChunk));
    g_autofree uint8_t *buf = NULL;
    CPUState *cpu;
    size_t size, off = 0;
    guint i;

    if (!debug_check_usable(errp)) {
        return;
    }
    cpu = debug_memory_cpu(has_cpu_index, cpu_index, errp);
    if (!cpu) {
        return;
    }
    buf = debug_decode_base64(data, &size, errp);
    if (!buf) {
        return;
    }
    if (size < 1 || size > DEBUG_MAX_MEMORY_SIZE) {
        error_setg(errp, "'data' holds %zu bytes: write 1 to %d bytes per "
                   "call", size, DEBUG_MAX_MEMORY_SIZE);
        return;
    }
    if (!physical) {
        cpu_synchronize_state(cpu);
    }
    if (!debug_check_ram_range(cpu, addr, size, has_physical && physical,
                               true, chunks, errp)) {
        return;
    }
    for (i = 0; i < chunks->len; i++) {
        DebugChunk *c = &g_array_index(chunks, DebugChunk, i);
        if (address_space_write(c->as, c->addr, c->attrs, buf + off,
                                c->len) != MEMTX_OK) {
            error_setg(errp, "writing guest physical 0x%" HWADDR_PRIx
                       " failed", c->addr);
            return;
        }
        off += c->len;
    }
}
