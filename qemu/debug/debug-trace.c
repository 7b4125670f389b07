/*
 * QMP guest debugging API: tracepoints' ring buffers.
 *
 * Copyright (c) 2024 The libvirt-debug authors
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 *
 * A tracepoint (debug-insert with action "trace") does not stop the VM
 * when it fires: the vCPU that hit it appends one record to the point's
 * ring buffer, in its own thread, and goes on (qmp-debug.c steps it over
 * the point).  A record holds the vCPU, the pc, a timestamp, and the
 * registers and memory ranges the point names.  Records are allocated as
 * the buffer fills, up to its capacity; when it is full each new record
 * takes the place of the oldest, which is counted as dropped.  Clients
 * take records out with debug-trace-drain.
 *
 * DEBUG_TRACE_FULL: when a buffer of a point inserted with notify-full
 * becomes full, the vCPU thread only marks it and schedules a bottom
 * half; the event goes out from the main loop, at most once per second
 * per point (a fill within a second of the last event is reported at the
 * end of that second, if the buffer is still full then), on the QMP
 * monitor and on every debug channel.
 *
 * Everything runs with the BQL held.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-debug.h"
#include "qapi/qapi-events-debug.h"
#include "qapi/qmp/qdict.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "exec/gdbstub.h"
#include "qmp-debug-internal.h"

#define DEBUG_TRACE_DRAIN_DEFAULT   256
#define DEBUG_TRACE_DRAIN_MAX       4096
#define DEBUG_TRACE_FULL_INTERVAL_NS NANOSECONDS_PER_SECOND

typedef struct DebugTraceRec {
    int64_t seq;
    int64_t cpu_index;
    uint64_t pc;
    int64_t timestamp;
    /*
     * Per register: its length (a byte), then its value (the register's
     * size); per memory range: a DebugReadStatus (a byte), then the bytes.
     */
    uint8_t data[];
} DebugTraceRec;

struct DebugTrace {
    int64_t point_id;
    int64_t capacity;
    DebugRegDesc *regs;
    int nregs;
    DebugTraceMemory *mem;
    int nmem;
    size_t rec_size;
    DebugTraceRec **ring;       /* @capacity slots, allocated as used */
    int64_t head;               /* the oldest record's slot */
    int64_t count;              /* records buffered */
    int64_t seq;                /* records made */
    int64_t dropped;
    GByteArray *scratch;        /* register reads */
    bool notify_full;
    bool full_pending;          /* became full; the event is not out yet */
    int64_t last_event;         /* realtime ns of the last event, or 0 */
};

static GPtrArray *debug_traces;     /* the live DebugTrace * */
static QEMUBH *debug_trace_bh;
static QEMUTimer *debug_trace_timer;

static void debug_trace_notify(void *opaque);

size_t debug_trace_record_size(GArray *regs, DebugTraceMemoryList *mem)
{
    size_t size = sizeof(DebugTraceRec);
    guint i;

    for (i = 0; i < regs->len; i++) {
        size += 1 + g_array_index(regs, DebugRegDesc, i).size;
    }
    for (; mem; mem = mem->next) {
        size += 1 + mem->value->len;
    }
    return size;
}

DebugTrace *debug_trace_new(int64_t point_id, int64_t capacity,
                            GArray *regs, DebugTraceMemoryList *mem,
                            bool notify_full)
{
    DebugTrace *t = g_new0(DebugTrace, 1);
    DebugTraceMemoryList *m;
    guint i;

    t->point_id = point_id;
    t->capacity = capacity;
    t->nregs = regs->len;
    t->regs = g_new0(DebugRegDesc, regs->len);
    for (i = 0; i < regs->len; i++) {
        DebugRegDesc *d = &g_array_index(regs, DebugRegDesc, i);

        t->regs[i].name = g_strdup(d->name);
        t->regs[i].number = d->number;
        t->regs[i].size = MIN(d->size, UINT8_MAX);
    }
    for (m = mem; m; m = m->next) {
        t->nmem++;
    }
    t->mem = g_new0(DebugTraceMemory, t->nmem);
    for (i = 0, m = mem; m; m = m->next, i++) {
        t->mem[i] = *m->value;
    }
    t->rec_size = debug_trace_record_size(regs, mem);
    t->ring = g_new0(DebugTraceRec *, capacity);
    t->scratch = g_byte_array_new();
    t->notify_full = notify_full;

    if (!debug_traces) {
        debug_traces = g_ptr_array_new();
        debug_trace_bh = qemu_bh_new(debug_trace_notify, NULL);
        debug_trace_timer = timer_new_ns(QEMU_CLOCK_REALTIME,
                                         debug_trace_notify, NULL);
    }
    g_ptr_array_add(debug_traces, t);
    return t;
}

void debug_trace_free(DebugTrace *t)
{
    int64_t i;
    int r;

    if (!t) {
        return;
    }
    g_ptr_array_remove_fast(debug_traces, t);
    for (i = 0; i < t->capacity; i++) {
        g_free(t->ring[i]);
    }
    for (r = 0; r < t->nregs; r++) {
        g_free(t->regs[r].name);
    }
    g_free(t->regs);
    g_free(t->mem);
    g_free(t->ring);
    g_byte_array_free(t->scratch, true);
    g_free(t);
}

int64_t debug_trace_records(DebugTrace *t)
{
    return t->count;
}

int64_t debug_trace_dropped(DebugTrace *t)
{
    return t->dropped;
}

int64_t debug_trace_capacity(DebugTrace *t)
{
    return t->capacity;
}

void debug_trace_collect(DebugTrace *t, CPUState *cpu, uint64_t pc)
{
    DebugTraceRec *rec;
    uint8_t *d;
    int64_t slot;
    int i;

    if (t->count == t->capacity) {
        /* full: the oldest record makes room */
        t->head = (t->head + 1) % t->capacity;
        t->count--;
        t->dropped++;
    }
    slot = (t->head + t->count) % t->capacity;
    if (!t->ring[slot]) {
        t->ring[slot] = g_malloc(t->rec_size);
    }
    rec = t->ring[slot];
    rec->seq = ++t->seq;
    rec->cpu_index = cpu->cpu_index;
    rec->pc = pc;
    rec->timestamp = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    d = rec->data;
    for (i = 0; i < t->nregs; i++) {
        int n;

        g_byte_array_set_size(t->scratch, 0);
        n = gdb_read_register_for_debug(cpu, t->scratch, t->regs[i].number);
        n = MAX(MIN(n, t->regs[i].size), 0);
        d[0] = n;
        memcpy(d + 1, t->scratch->data, n);
        d += 1 + t->regs[i].size;
    }
    for (i = 0; i < t->nmem; i++) {
        d[0] = debug_read_guest(cpu, t->mem[i].addr, d + 1, t->mem[i].len);
        d += 1 + t->mem[i].len;
    }
    t->count++;

    if (t->count == t->capacity && t->notify_full && !t->full_pending) {
        t->full_pending = true;
        qemu_bh_schedule(debug_trace_bh);
    }
}

/* DEBUG_TRACE_FULL */

static void debug_trace_send_full(DebugTrace *t)
{
    QDict *data = qdict_new();

    qapi_event_send_debug_trace_full(t->point_id, t->count, t->dropped);
    qdict_put_int(data, "point-id", t->point_id);
    qdict_put_int(data, "records", t->count);
    qdict_put_int(data, "dropped", t->dropped);
    debug_channel_broadcast("DEBUG_TRACE_FULL", data);
    qobject_unref(data);
}

/* Main loop: send the events due, and wake up when the next one is. */
static void debug_trace_notify(void *opaque)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    int64_t next = -1;
    guint i;

    for (i = 0; debug_traces && i < debug_traces->len; i++) {
        DebugTrace *t = g_ptr_array_index(debug_traces, i);
        int64_t due;

        if (!t->full_pending) {
            continue;
        }
        if (t->count < t->capacity) {
            t->full_pending = false;        /* drained meanwhile */
            continue;
        }
        due = t->last_event ? t->last_event + DEBUG_TRACE_FULL_INTERVAL_NS :
              now;
        if (due <= now) {
            t->full_pending = false;
            t->last_event = now;
            debug_trace_send_full(t);
        } else if (next < 0 || due < next) {
            next = due;
        }
    }
    if (next >= 0) {
        timer_mod(debug_trace_timer, next);
    }
}

/* debug-trace-drain */

static DebugTraceRecord *debug_trace_export(DebugTrace *t,
                                            DebugTraceRec *rec)
{
    DebugTraceRecord *r = g_new0(DebugTraceRecord, 1);
    DebugRegisterList **rtail = &r->registers;
    DebugTraceMemoryDataList **mtail = &r->memory;
    const uint8_t *d = rec->data;
    int i;

    r->seq = rec->seq;
    r->cpu_index = rec->cpu_index;
    r->pc = rec->pc;
    r->timestamp = rec->timestamp;
    r->has_registers = t->nregs > 0;
    for (i = 0; i < t->nregs; i++) {
        DebugRegister *reg = g_new0(DebugRegister, 1);

        reg->name = g_strdup(t->regs[i].name);
        reg->number = t->regs[i].number;
        reg->size = d[0];
        reg->value = debug_hex(d + 1, d[0]);
        QAPI_LIST_APPEND(rtail, reg);
        d += 1 + t->regs[i].size;
    }
    r->has_memory = t->nmem > 0;
    for (i = 0; i < t->nmem; i++) {
        DebugTraceMemoryData *m = g_new0(DebugTraceMemoryData, 1);

        m->addr = t->mem[i].addr;
        m->len = t->mem[i].len;
        if (d[0] == DEBUG_READ_OK) {
            m->has_data = true;
            m->data = g_base64_encode(d + 1, t->mem[i].len);
        } else {
            m->has_error = true;
            m->error = g_strdup(debug_read_status_str(d[0]));
        }
        QAPI_LIST_APPEND(mtail, m);
        d += 1 + t->mem[i].len;
    }
    return r;
}

DebugTraceBatch *qmp_debug_trace_drain(int64_t id, bool has_max, int64_t max,
                                       Error **errp)
{
    DebugTraceBatch *batch;
    DebugTraceRecordList **tail;
    DebugTrace *t;
    int64_t n;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    t = debug_point_trace(id, errp);
    if (!t) {
        return NULL;
    }
    if (!has_max) {
        max = DEBUG_TRACE_DRAIN_DEFAULT;
    }
    if (max < 1 || max > DEBUG_TRACE_DRAIN_MAX) {
        error_setg(errp, "max %" PRId64 " is out of range: drain 1 to %d "
                   "records per call", max, DEBUG_TRACE_DRAIN_MAX);
        return NULL;
    }
    batch = g_new0(DebugTraceBatch, 1);
    tail = &batch->records;
    for (n = MIN(max, t->count); n > 0; n--) {
        QAPI_LIST_APPEND(tail, debug_trace_export(t, t->ring[t->head]));
        t->head = (t->head + 1) % t->capacity;
        t->count--;
    }
    batch->dropped = t->dropped;
    batch->remaining = t->count;
    return batch;
}
