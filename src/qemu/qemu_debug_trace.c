/*
 * qemu_debug_trace.c: the QMP of work done inside QEMU: range and traced
 * steps, conditions and tracepoints on debug-insert, the records of
 * tracepoints and traced steps
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * These are what keeps a debugger from paying a round trip per
 * instruction or per hit (docs/qmp-debug.rst).  The builders follow
 * qemu_debug_command.c: optional members are left out rather than sent
 * with their default.
 */

#include "qemu/qemu_debug_json.h"
#include "expr/debug_expr.h"


static void
qemuDebugJSONAddStrv(JsonBuilder *b,
                     const char *member,
                     const char *const *strv)
{
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (; strv && *strv; strv++)
        json_builder_add_string_value(b, *strv);
    json_builder_end_array(b);
}


char *
qemuDebugBuildStepArgs(const qemuDebugStepArgs *args)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-step");

    json_builder_set_member_name(b, "cpu-index");
    json_builder_add_int_value(b, args->vcpu);
    if (args->count > 0) {
        json_builder_set_member_name(b, "count");
        json_builder_add_int_value(b, args->count);
    }
    /* Always explicit: the masking is the <debug> element's decision,
     * not whatever default the QEMU at hand has. */
    json_builder_set_member_name(b, "noirq");
    json_builder_add_boolean_value(b, args->noirq);
    json_builder_set_member_name(b, "notimer");
    json_builder_add_boolean_value(b, args->notimer);
    if (args->range) {
        qemuDebugJSONAddUInt64(b, "range-start", args->rangeStart);
        qemuDebugJSONAddUInt64(b, "range-end", args->rangeEnd);
    }
    if (args->trace) {
        json_builder_set_member_name(b, "trace");
        json_builder_add_boolean_value(b, true);
        if (args->traceRegisters && *args->traceRegisters)
            qemuDebugJSONAddStrv(b, "trace-registers", args->traceRegisters);
    }
    if (args->wait) {
        json_builder_set_member_name(b, "wait");
        json_builder_add_boolean_value(b, true);
        qemuDebugJSONAddStrv(b, "registers", args->registers);
    }
    return qemuDebugJSONCommandEnd(b);
}


/* The members of debug-insert beyond type, address, length and vCPU.
 * A readable condition must have been compiled into
 * point->conditionBytecode by then: QEMU only knows bytecode. */
void
qemuDebugBuildInsertExtras(JsonBuilder *b,
                           const virDomainDebugPointDef *point)
{
    size_t i;

    if (point->conditionBytecode) {
        g_autofree char *hex = g_ascii_strdown(point->conditionBytecode, -1);

        json_builder_set_member_name(b, "condition");
        json_builder_add_string_value(b, hex);
        /* kept by QEMU only to be listed back (debug-list) */
        if (point->condition) {
            json_builder_set_member_name(b, "condition-text");
            json_builder_add_string_value(b, point->condition);
        }
    }
    if (point->ignoreCount > 0) {
        json_builder_set_member_name(b, "ignore-count");
        json_builder_add_int_value(b, point->ignoreCount);
    }
    if (!point->trace)
        return;
    json_builder_set_member_name(b, "action");
    json_builder_add_string_value(b, "trace");
    if (point->collectRegisters && *point->collectRegisters)
        qemuDebugJSONAddStrv(b, "collect-registers",
                             (const char *const *) point->collectRegisters);
    if (point->ncollectMemory > 0) {
        json_builder_set_member_name(b, "collect-memory");
        json_builder_begin_array(b);
        for (i = 0; i < point->ncollectMemory; i++) {
            json_builder_begin_object(b);
            qemuDebugJSONAddUInt64(b, "addr", point->collectMemory[i].addr);
            json_builder_set_member_name(b, "len");
            json_builder_add_int_value(b, point->collectMemory[i].len);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
    }
    if (point->traceCapacity > 0) {
        json_builder_set_member_name(b, "trace-capacity");
        json_builder_add_int_value(b, point->traceCapacity);
    }
    if (point->notifyFull) {
        json_builder_set_member_name(b, "notify-full");
        json_builder_add_boolean_value(b, true);
    }
}


char *
qemuDebugBuildTraceDrain(int id, unsigned int max)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-trace-drain");

    json_builder_set_member_name(b, "id");
    json_builder_add_int_value(b, id);
    if (max > 0) {
        json_builder_set_member_name(b, "max");
        json_builder_add_int_value(b, max);
    }
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildQueryStepTrace(int vcpu)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("query-debug-step-trace");

    json_builder_set_member_name(b, "cpu-index");
    json_builder_add_int_value(b, vcpu);
    return qemuDebugJSONCommandEnd(b);
}


/* "registers" of a record or trace entry: optional */
static int
qemuDebugParseOptionalRegisters(JsonObject *obj,
                                const char *ctx,
                                virDomainDebugRegister **regs,
                                int *nregs,
                                GError **error)
{
    JsonArray *arr;
    size_t n = 0;

    *regs = NULL;
    *nregs = 0;
    if (!json_object_has_member(obj, "registers"))
        return 0;
    if (!(arr = qemuDebugJSONGetArray(obj, ctx, "registers", error)) ||
        qemuDebugParseArray(arr, ctx, sizeof(virDomainDebugRegister),
                            qemuDebugParseRegisterElement,
                            qemuDebugRegistersClear,
                            (void **) regs, &n, error) < 0)
        return -1;
    *nregs = n;
    return 0;
}


static int
qemuDebugParseTraceMemory(JsonObject *obj,
                          const char *ctx,
                          void *elem,
                          GError **error)
{
    virDomainDebugTraceMemory *mem = elem;
    const char *data = NULL;
    const char *err = NULL;
    int len;

    if (qemuDebugJSONGetUInt64(obj, ctx, "addr", true, &mem->addr, NULL,
                               error) < 0 ||
        qemuDebugJSONGetInt(obj, ctx, "len", true, 1, G_MAXINT, &len, NULL,
                            error) < 0 ||
        (json_object_has_member(obj, "data") &&
         qemuDebugJSONGetString(obj, ctx, "data", true, &data, error) < 0) ||
        (json_object_has_member(obj, "error") &&
         qemuDebugJSONGetString(obj, ctx, "error", true, &err, error) < 0))
        return -1;
    mem->len = len;
    if (data) {
        gsize n = 0;
        g_autofree guchar *bytes = g_base64_decode(data, &n);

        if (n != (gsize) len) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                        "malformed %s: %d bytes collected at 0x%llx but "
                        "%zu in 'data'", ctx, len, mem->addr, (size_t) n);
            return -1;
        }
        mem->data = g_steal_pointer(&bytes);
    } else if (!err) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: memory at 0x%llx has neither 'data' nor "
                    "'error'", ctx, mem->addr);
        return -1;
    }
    mem->error = g_strdup(err);
    return 0;
}


static void
qemuDebugTraceMemoryClear(void *elems, size_t n)
{
    virDomainDebugTraceMemory *mem = elems;
    size_t i;

    for (i = 0; i < n; i++) {
        g_clear_pointer(&mem[i].data, g_free);
        g_clear_pointer(&mem[i].error, g_free);
    }
}


static void
qemuDebugTraceRecordsClear(void *elems, size_t n)
{
    virDomainDebugTraceRecord *recs = elems;
    size_t i;

    for (i = 0; i < n; i++) {
        qemuDebugRegistersFree(recs[i].regs, recs[i].nregs);
        recs[i].regs = NULL;
        if (recs[i].mem) {
            qemuDebugTraceMemoryClear(recs[i].mem, recs[i].nmem);
            g_clear_pointer(&recs[i].mem, g_free);
        }
    }
}


void
qemuDebugTraceRecordsFree(virDomainDebugTraceRecord *records, size_t n)
{
    if (!records)
        return;
    qemuDebugTraceRecordsClear(records, n);
    g_free(records);
}


static int
qemuDebugParseTraceRecord(JsonObject *obj,
                          const char *ctx,
                          void *elem,
                          GError **error)
{
    virDomainDebugTraceRecord *rec = elem;
    unsigned long long ts;
    JsonArray *arr;
    size_t n = 0;

    if (qemuDebugJSONGetUInt64(obj, ctx, "seq", true, &rec->seq, NULL,
                               error) < 0 ||
        qemuDebugJSONGetInt(obj, ctx, "cpu-index", true, 0, G_MAXINT,
                            &rec->vcpu, NULL, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "pc", true, &rec->pc, NULL,
                               error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "timestamp", true, &ts, NULL,
                               error) < 0 ||
        qemuDebugParseOptionalRegisters(obj, ctx, &rec->regs, &rec->nregs,
                                        error) < 0)
        return -1;
    rec->timestamp = ts;
    if (!json_object_has_member(obj, "memory"))
        return 0;
    if (!(arr = qemuDebugJSONGetArray(obj, ctx, "memory", error)) ||
        qemuDebugParseArray(arr, ctx, sizeof(virDomainDebugTraceMemory),
                            qemuDebugParseTraceMemory,
                            qemuDebugTraceMemoryClear,
                            (void **) &rec->mem, &n, error) < 0) {
        qemuDebugTraceRecordsClear(rec, 1);
        return -1;
    }
    rec->nmem = n;
    return 0;
}


int
qemuDebugParseTraceDrainReply(const char *reply,
                              virDomainDebugTraceRecord **records,
                              size_t *nrecords,
                              unsigned long long *dropped,
                              unsigned long long *remaining,
                              GError **error)
{
    const char *cmd = "debug-trace-drain";
    const char *ctx = "reply to 'debug-trace-drain'";
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *obj;
    JsonArray *arr;

    *records = NULL;
    *nrecords = 0;
    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)))
        return -1;
    if (!JSON_NODE_HOLDS_OBJECT(ret)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: expected an object", ctx);
        return -1;
    }
    obj = json_node_get_object(ret);
    if (qemuDebugJSONGetUInt64(obj, ctx, "dropped", true, dropped, NULL,
                               error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "remaining", true, remaining, NULL,
                               error) < 0 ||
        !(arr = qemuDebugJSONGetArray(obj, ctx, "records", error)))
        return -1;
    return qemuDebugParseArray(arr, ctx, sizeof(virDomainDebugTraceRecord),
                               qemuDebugParseTraceRecord,
                               qemuDebugTraceRecordsClear,
                               (void **) records, nrecords, error);
}


static int
qemuDebugParseStepTraceEntry(JsonObject *obj,
                             const char *ctx,
                             void *elem,
                             GError **error)
{
    virDomainDebugStepTraceEntry *e = elem;

    if (qemuDebugJSONGetUInt64(obj, ctx, "pc", true, &e->pc, NULL,
                               error) < 0 ||
        qemuDebugParseOptionalRegisters(obj, ctx, &e->regs, &e->nregs,
                                        error) < 0)
        return -1;
    return 0;
}


static void
qemuDebugStepTraceClear(void *elems, size_t n)
{
    virDomainDebugStepTraceEntry *entries = elems;
    size_t i;

    for (i = 0; i < n; i++) {
        qemuDebugRegistersFree(entries[i].regs, entries[i].nregs);
        entries[i].regs = NULL;
    }
}


void
qemuDebugStepTraceFree(virDomainDebugStepTraceEntry *entries, size_t n)
{
    if (!entries)
        return;
    qemuDebugStepTraceClear(entries, n);
    g_free(entries);
}


int
qemuDebugParseStepTraceReply(const char *reply,
                             virDomainDebugStepTraceEntry **entries,
                             size_t *nentries,
                             GError **error)
{
    const char *cmd = "query-debug-step-trace";
    const char *ctx = "reply to 'query-debug-step-trace'";
    g_autoptr(JsonNode) ret = NULL;

    *entries = NULL;
    *nentries = 0;
    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)))
        return -1;
    if (!JSON_NODE_HOLDS_ARRAY(ret)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: expected an array", ctx);
        return -1;
    }
    return qemuDebugParseArray(json_node_get_array(ret), ctx,
                               sizeof(virDomainDebugStepTraceEntry),
                               qemuDebugParseStepTraceEntry,
                               qemuDebugStepTraceClear,
                               (void **) entries, nentries, error);
}


/**
 * qemuDebugCompileConditions:
 *
 * QEMU evaluates conditions as bytecode only: compile the readable
 * condition of every point of @def that has no bytecode yet, resolving
 * registers and symbols with @resolver.  Returns 0, or -1 with @error
 * (the compiler's, VIR_DEBUG_EXPR_ERROR) naming the point and the column
 * at fault (nothing is changed then).
 */
int
qemuDebugCompileConditions(virDomainDebugDef *def,
                           const virDebugExprResolver *resolver,
                           GError **error)
{
    g_autoptr(GPtrArray) hex = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    for (i = 0; i < def->npoints; i++) {
        virDomainDebugPointDef *p = &def->points[i];
        g_autoptr(GByteArray) code = NULL;
        g_autoptr(GError) err = NULL;

        if (!p->condition || p->conditionBytecode) {
            g_ptr_array_add(hex, NULL);
            continue;
        }
        if (!(code = virDebugExprCompile(p->condition, resolver, &err))) {
            /* the compiler's code kept: an unknown symbol is told from a
             * syntax error by it */
            g_propagate_prefixed_error(error, g_steal_pointer(&err),
                                       "condition '%s' of the %s at 0x%llx: ",
                                       p->condition,
                                       virDomainDebugPointTypeToString(p->type),
                                       p->addr);
            return -1;
        }
        g_ptr_array_add(hex, virDebugExprToHex(code));
    }
    for (i = 0; i < def->npoints; i++) {
        if (g_ptr_array_index(hex, i))
            def->points[i].conditionBytecode = g_strdup(g_ptr_array_index(hex, i));
    }
    return 0;
}
