/*
 * qemu_debug_reply.c: QMP reply parsers for the debug API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each parser takes the full reply text, unwraps "return" (or turns
 * "error" into VIR_DEBUG_ERROR_QMP) and checks every member it reads:
 * a result is either complete and within the protocol's ranges or not
 * returned at all.
 */

#include <string.h>

#include "qemu/qemu_debug_json.h"


static JsonObject *
qemuDebugReplyObject(JsonNode *ret,
                     const char *command,
                     GError **error)
{
    if (!JSON_NODE_HOLDS_OBJECT(ret)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed reply to '%s': 'return' must be an object, not %s",
                    command, json_node_type_name(ret));
        return NULL;
    }
    return json_node_get_object(ret);
}


static JsonArray *
qemuDebugReplyArray(JsonNode *ret,
                    const char *command,
                    GError **error)
{
    if (!JSON_NODE_HOLDS_ARRAY(ret)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed reply to '%s': 'return' must be an array, not %s",
                    command, json_node_type_name(ret));
        return NULL;
    }
    return json_node_get_array(ret);
}


int
qemuDebugParseEmptyReply(const char *reply,
                         GError **error)
{
    g_autoptr(JsonNode) ret = NULL;

    /* The command name is not known here; QEMU's {} carries nothing, so
     * only the shape matters. */
    if (!(ret = qemuDebugJSONReplyReturn(reply, "debug command", error)))
        return -1;
    if (!qemuDebugReplyObject(ret, "debug command", error))
        return -1;
    return 0;
}


int
qemuDebugParseQueryCommandsReply(const char *reply,
                                 bool *hasDebugAPI,
                                 bool *hasChannel,
                                 GError **error)
{
    const char *cmd = "query-commands";
    g_autoptr(JsonNode) ret = NULL;
    JsonArray *arr;
    guint i;

    *hasDebugAPI = false;
    if (hasChannel)
        *hasChannel = false;

    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)) ||
        !(arr = qemuDebugReplyArray(ret, cmd, error)))
        return -1;

    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *obj;
        const char *name;

        if (!(obj = qemuDebugJSONArrayGetObject(arr, "reply to 'query-commands'",
                                                i, error)) ||
            qemuDebugJSONGetString(obj, "reply to 'query-commands'", "name",
                                   true, &name, error) < 0)
            return -1;

        if (g_str_equal(name, QEMU_DEBUG_PROBE_COMMAND))
            *hasDebugAPI = true;
        if (hasChannel && g_str_equal(name, QEMU_DEBUG_CHANNEL_COMMAND))
            *hasChannel = true;
    }

    return 0;
}


/* A list of enum names as a bitmask.  Names this library does not know
 * are skipped: a newer QEMU listing more point types or step flags still
 * offers the ones we know. */
static int
qemuDebugParseEnumList(JsonObject *obj,
                       const char *ctx,
                       const char *member,
                       int (*fromString)(const char *),
                       unsigned int *mask,
                       GError **error)
{
    JsonArray *arr;
    guint i;

    *mask = 0;
    if (!(arr = qemuDebugJSONGetArray(obj, ctx, member, error)))
        return -1;

    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *node = json_array_get_element(arr, i);
        int v;

        if (!JSON_NODE_HOLDS_VALUE(node) ||
            json_node_get_value_type(node) != G_TYPE_STRING) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                        "malformed %s: element %u of '%s' must be a string, not %s",
                        ctx, i, member, json_node_type_name(node));
            return -1;
        }
        if ((v = fromString(json_node_get_string(node))) >= 0)
            *mask |= 1U << v;
    }

    return 0;
}


static int
qemuDebugParseSlotCount(JsonObject *obj,
                        const char *ctx,
                        const char *member,
                        int *count,
                        GError **error)
{
    bool present;

    if (qemuDebugJSONGetInt(obj, ctx, member, false, 0, G_MAXINT,
                            count, &present, error) < 0)
        return -1;
    if (!present)
        *count = -1;   /* absent: unlimited (TCG) */
    return 0;
}


qemuDebugCaps *
qemuDebugParseCapsReply(const char *reply,
                        GError **error)
{
    const char *cmd = "query-debug-capabilities";
    const char *ctx = "reply to 'query-debug-capabilities'";
    g_autoptr(qemuDebugCaps) caps = qemuDebugCapsNew();
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *obj;
    const char *accel;

    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)) ||
        !(obj = qemuDebugReplyObject(ret, cmd, error)))
        return NULL;

    if (qemuDebugJSONGetString(obj, ctx, "accelerator", true, &accel, error) < 0 ||
        qemuDebugJSONGetBool(obj, ctx, "supported", true,
                             &caps->supported, NULL, error) < 0 ||
        qemuDebugParseEnumList(obj, ctx, "point-types",
                               virDomainDebugPointTypeFromString,
                               &caps->pointTypes, error) < 0 ||
        qemuDebugParseSlotCount(obj, ctx, "hw-breakpoints",
                                &caps->hwBreakpoints, error) < 0 ||
        qemuDebugParseSlotCount(obj, ctx, "hw-watchpoints",
                                &caps->hwWatchpoints, error) < 0 ||
        qemuDebugJSONGetBool(obj, ctx, "hw-slots-shared", true,
                             &caps->hwSlotsShared, NULL, error) < 0 ||
        qemuDebugJSONGetBool(obj, ctx, "single-step", true,
                             &caps->singleStep, NULL, error) < 0 ||
        qemuDebugParseEnumList(obj, ctx, "step-flags",
                               qemuDebugStepFlagTypeFromString,
                               &caps->stepFlags, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "max-memory-size", true,
                               &caps->maxMemorySize, NULL, error) < 0 ||
        /* absent from a QEMU without them: false */
        qemuDebugJSONGetBool(obj, ctx, "range-step", false,
                             &caps->rangeStep, NULL, error) < 0 ||
        qemuDebugJSONGetBool(obj, ctx, "conditions", false,
                             &caps->conditions, NULL, error) < 0 ||
        qemuDebugJSONGetBool(obj, ctx, "ignore-count", false,
                             &caps->ignoreCount, NULL, error) < 0 ||
        qemuDebugJSONGetBool(obj, ctx, "tracepoints", false,
                             &caps->tracepoints, NULL, error) < 0 ||
        qemuDebugJSONGetBool(obj, ctx, "step-trace", false,
                             &caps->stepTrace, NULL, error) < 0)
        return NULL;

    caps->accelerator = g_strdup(accel);
    return g_steal_pointer(&caps);
}


char *
qemuDebugParseQueryStatusReply(const char *reply,
                               GError **error)
{
    const char *cmd = "query-status";
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *obj;
    const char *status;

    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)) ||
        !(obj = qemuDebugReplyObject(ret, cmd, error)) ||
        qemuDebugJSONGetString(obj, "reply to 'query-status'", "status",
                               true, &status, error) < 0)
        return NULL;

    return g_strdup(status);
}


int
qemuDebugParseInsertReply(const char *reply,
                          GError **error)
{
    const char *cmd = "debug-insert";
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *obj;
    int id;

    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)) ||
        !(obj = qemuDebugReplyObject(ret, cmd, error)))
        return -1;

    if (qemuDebugJSONGetInt(obj, "reply to 'debug-insert'", "id", true,
                            1, G_MAXINT, &id, NULL, error) < 0)
        return -1;

    return id;
}


int
qemuDebugParseReadMsrReply(const char *reply,
                           unsigned long long *value,
                           GError **error)
{
    const char *cmd = "debug-read-msr";
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *obj;

    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)) ||
        !(obj = qemuDebugReplyObject(ret, cmd, error)))
        return -1;
    return qemuDebugJSONGetUInt64(obj, "reply to 'debug-read-msr'", "value",
                                  true, value, NULL, error);
}


/* What a QEMU with conditions and tracepoints adds; all optional, so an
 * older QEMU's reply reads as plain points. */
static int
qemuDebugParsePointExtras(JsonObject *obj,
                          const char *ctx,
                          virDomainDebugPoint *point,
                          GError **error)
{
    const char *action = NULL;
    const char *cond = NULL;
    const char *condErr = NULL;
    const char *condText = NULL;

    if (json_object_has_member(obj, "action") &&
        qemuDebugJSONGetString(obj, ctx, "action", true, &action,
                               error) < 0)
        return -1;
    if (action && !g_str_equal(action, "stop") &&
        !g_str_equal(action, "trace")) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: point %d has unknown action '%s' "
                    "(a newer QEMU? update libvirt-debug)",
                    ctx, point->id, action);
        return -1;
    }
    point->trace = action && g_str_equal(action, "trace");
    if ((json_object_has_member(obj, "condition") &&
         qemuDebugJSONGetString(obj, ctx, "condition", true, &cond,
                                error) < 0) ||
        (json_object_has_member(obj, "condition-text") &&
         qemuDebugJSONGetString(obj, ctx, "condition-text", true, &condText,
                                error) < 0) ||
        (json_object_has_member(obj, "last-condition-error") &&
         qemuDebugJSONGetString(obj, ctx, "last-condition-error", true,
                                &condErr, error) < 0) ||
        qemuDebugJSONGetUInt64(obj, ctx, "ignore-count", false,
                               &point->ignoreCount, NULL, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "condition-errors", false,
                               &point->conditionErrors, NULL, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "trace-records", false,
                               &point->traceRecords, NULL, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "trace-dropped", false,
                               &point->traceDropped, NULL, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "trace-capacity", false,
                               &point->traceCapacity, NULL, error) < 0)
        return -1;
    point->condition = g_strdup(cond);
    point->conditionText = g_strdup(condText);
    point->lastConditionError = g_strdup(condErr);
    return 0;
}


static void
qemuDebugPointsClear(void *elems, size_t n)
{
    virDomainDebugPoint *points = elems;
    size_t i;

    for (i = 0; i < n; i++) {
        g_clear_pointer(&points[i].condition, g_free);
        g_clear_pointer(&points[i].conditionText, g_free);
        g_clear_pointer(&points[i].lastConditionError, g_free);
    }
}


void
qemuDebugPointsFree(virDomainDebugPoint *points, size_t npoints)
{
    if (!points)
        return;
    qemuDebugPointsClear(points, npoints);
    g_free(points);
}


static int
qemuDebugParsePoint(JsonObject *obj,
                    const char *ctx,
                    virDomainDebugPoint *point,
                    GError **error)
{
    const char *type;
    bool hasVcpu;
    int t;

    if (qemuDebugJSONGetInt(obj, ctx, "id", true, 1, G_MAXINT,
                            &point->id, NULL, error) < 0 ||
        qemuDebugJSONGetString(obj, ctx, "type", true, &type, error) < 0)
        return -1;

    if ((t = virDomainDebugPointTypeFromString(type)) < 0) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: point %d has unknown type '%s' "
                    "(a newer QEMU? update libvirt-debug)",
                    ctx, point->id, type);
        return -1;
    }
    point->type = t;

    if (qemuDebugJSONGetUInt64(obj, ctx, "addr", true,
                               &point->addr, NULL, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "len", true,
                               &point->len, NULL, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "hits", true,
                               &point->hits, NULL, error) < 0 ||
        qemuDebugJSONGetInt(obj, ctx, "cpu-index", false, 0, G_MAXINT,
                            &point->vcpu, &hasVcpu, error) < 0)
        return -1;

    if (!hasVcpu)
        point->vcpu = VIR_DOMAIN_DEBUG_VCPU_ALL;
    return qemuDebugParsePointExtras(obj, ctx, point, error);
}


int
qemuDebugParseArray(JsonArray *arr,
                    const char *ctx,
                    size_t size,
                    qemuDebugElementParser parse,
                    void (*clear)(void *elems, size_t n),
                    void **elems,
                    size_t *nelems,
                    GError **error)
{
    g_autofree char *list = NULL;
    guint n;
    guint i;

    *elems = NULL;
    *nelems = 0;

    if ((n = json_array_get_length(arr)) == 0)
        return 0;

    list = g_malloc0_n(n, size);
    for (i = 0; i < n; i++) {
        g_autofree char *elemCtx = g_strdup_printf("%s, element %u", ctx, i);
        JsonObject *obj;

        if (!(obj = qemuDebugJSONArrayGetObject(arr, ctx, i, error)) ||
            parse(obj, elemCtx, list + i * size, error) < 0) {
            if (clear)
                clear(list, i);
            return -1;
        }
    }

    *elems = g_steal_pointer(&list);
    *nelems = n;
    return 0;
}


/*
 * The replies of query-debug-points, query-debug-stop and
 * debug-read-registers are arrays of objects (see qemuDebugParseArray).
 */
static int
qemuDebugParseListReply(const char *reply,
                        const char *cmd,
                        size_t size,
                        qemuDebugElementParser parse,
                        void (*clear)(void *elems, size_t n),
                        void **elems,
                        size_t *nelems,
                        GError **error)
{
    g_autofree char *ctx = g_strdup_printf("reply to '%s'", cmd);
    g_autoptr(JsonNode) ret = NULL;
    JsonArray *arr;

    *elems = NULL;
    *nelems = 0;

    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)) ||
        !(arr = qemuDebugReplyArray(ret, cmd, error)))
        return -1;
    return qemuDebugParseArray(arr, ctx, size, parse, clear, elems, nelems,
                               error);
}


static int
qemuDebugParsePointElement(JsonObject *obj, const char *ctx, void *elem,
                           GError **error)
{
    return qemuDebugParsePoint(obj, ctx, elem, error);
}


int
qemuDebugParseQueryPointsReply(const char *reply,
                               virDomainDebugPoint **points,
                               size_t *npoints,
                               GError **error)
{
    return qemuDebugParseListReply(reply, "query-debug-points",
                                   sizeof(virDomainDebugPoint),
                                   qemuDebugParsePointElement,
                                   qemuDebugPointsClear,
                                   (void **) points, npoints, error);
}


static int
qemuDebugParseStopElement(JsonObject *obj, const char *ctx, void *elem,
                          GError **error)
{
    return qemuDebugStopParseObject(obj, ctx, false, elem, error);
}


int
qemuDebugParseQueryStopReply(const char *reply,
                             qemuDebugStop **stops,
                             size_t *nstops,
                             GError **error)
{
    return qemuDebugParseListReply(reply, "query-debug-stop",
                                   sizeof(qemuDebugStop),
                                   qemuDebugParseStopElement, NULL,
                                   (void **) stops, nstops, error);
}


static int
qemuDebugParseRegister(JsonObject *obj,
                       const char *ctx,
                       virDomainDebugRegister *reg,
                       GError **error)
{
    const char *name;
    const char *value;
    size_t i;

    if (qemuDebugJSONGetString(obj, ctx, "name", true, &name, error) < 0 ||
        qemuDebugJSONGetInt(obj, ctx, "number", true, 0, G_MAXINT,
                            &reg->number, NULL, error) < 0 ||
        qemuDebugJSONGetInt(obj, ctx, "size", true, 1, G_MAXINT / 2,
                            &reg->size, NULL, error) < 0 ||
        qemuDebugJSONGetString(obj, ctx, "value", true, &value, error) < 0)
        return -1;

    if (!*name) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: register %d has an empty name",
                    ctx, reg->number);
        return -1;
    }

    if (strlen(value) != (size_t) reg->size * 2) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: register '%s' is %d bytes but its value "
                    "has %zu hex digits, not %d",
                    ctx, name, reg->size, strlen(value), reg->size * 2);
        return -1;
    }
    for (i = 0; value[i]; i++) {
        if (!g_ascii_isxdigit(value[i])) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                        "malformed %s: register '%s' value '%s' is not hex",
                        ctx, name, value);
            return -1;
        }
    }

    reg->name = g_strdup(name);
    reg->value = g_strdup(value);
    return 0;
}


/* Frees the strings of the first @n registers; the array itself stays
 * with qemuDebugParseListReply. */
void
qemuDebugRegistersClear(void *elems, size_t n)
{
    virDomainDebugRegister *regs = elems;
    size_t i;

    for (i = 0; i < n; i++) {
        g_free(regs[i].name);
        g_free(regs[i].value);
    }
}


void
qemuDebugRegistersFree(virDomainDebugRegister *regs,
                       size_t nregs)
{
    if (!regs)
        return;
    qemuDebugRegistersClear(regs, nregs);
    g_free(regs);
}


int
qemuDebugParseRegisterElement(JsonObject *obj, const char *ctx, void *elem,
                              GError **error)
{
    return qemuDebugParseRegister(obj, ctx, elem, error);
}


int
qemuDebugParseReadRegistersReply(const char *reply,
                                 virDomainDebugRegister **regs,
                                 size_t *nregs,
                                 GError **error)
{
    return qemuDebugParseListReply(reply, "debug-read-registers",
                                   sizeof(virDomainDebugRegister),
                                   qemuDebugParseRegisterElement,
                                   qemuDebugRegistersClear,
                                   (void **) regs, nregs, error);
}


char *
qemuDebugParseGdbXmlReply(const char *reply,
                          GError **error)
{
    const char *cmd = "query-debug-gdb-xml";
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *obj;
    const char *xml;

    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)) ||
        !(obj = qemuDebugReplyObject(ret, cmd, error)) ||
        qemuDebugJSONGetString(obj, "reply to 'query-debug-gdb-xml'", "xml",
                               true, &xml, error) < 0)
        return NULL;

    return g_strdup(xml);
}


/* g_base64_decode skips what is not in the alphabet instead of failing,
 * which would turn a corrupted reply into silently wrong guest memory. */
static bool
qemuDebugIsBase64(const char *data)
{
    size_t len = strlen(data);
    size_t i;

    if (len % 4 != 0)
        return false;

    for (i = 0; i < len; i++) {
        char c = data[i];

        if (g_ascii_isalnum(c) || c == '+' || c == '/')
            continue;
        /* padding: only the last one or two characters */
        if (c == '=' && i >= len - 2 && (i == len - 1 || data[len - 1] == '='))
            continue;
        return false;
    }
    return true;
}


int
qemuDebugParseReadMemoryReply(const char *reply,
                              size_t expected,
                              unsigned char **data,
                              size_t *size,
                              GError **error)
{
    const char *cmd = "debug-read-memory";
    const char *ctx = "reply to 'debug-read-memory'";
    g_autoptr(JsonNode) ret = NULL;
    g_autofree unsigned char *buf = NULL;
    JsonObject *obj;
    const char *b64;
    gsize len = 0;

    *data = NULL;
    *size = 0;

    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)) ||
        !(obj = qemuDebugReplyObject(ret, cmd, error)) ||
        qemuDebugJSONGetString(obj, ctx, "data", true, &b64, error) < 0)
        return -1;

    if (!qemuDebugIsBase64(b64)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: member 'data' is not valid base64", ctx);
        return -1;
    }

    buf = g_base64_decode(b64, &len);
    if (expected > 0 && len != expected) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: %zu bytes requested but %zu returned",
                    ctx, expected, (size_t) len);
        return -1;
    }

    *data = g_steal_pointer(&buf);
    *size = len;
    return 0;
}


/**
 * qemuDebugParseRunReply:
 *
 * The reply of a debug-step or debug-continue that waited ("wait": true,
 * on a debug channel): the stop it ended with, and the registers it
 * asked for (*regs a g_new array, NULL when none).
 */
int
qemuDebugParseRunReply(const char *reply,
                       const char *cmd,
                       qemuDebugStop *stop,
                       virDomainDebugRegister **regs,
                       size_t *nregs,
                       GError **error)
{
    g_autofree char *ctx = g_strdup_printf("reply to '%s'", cmd);
    g_autoptr(JsonNode) ret = NULL;
    JsonObject *obj;
    JsonNode *member;
    JsonArray *arr;

    *regs = NULL;
    *nregs = 0;
    if (!(ret = qemuDebugJSONReplyReturn(reply, cmd, error)) ||
        !(obj = qemuDebugReplyObject(ret, cmd, error)))
        return -1;
    if (!(member = json_object_get_member(obj, "stop")) ||
        !JSON_NODE_HOLDS_OBJECT(member)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: no 'stop' object", ctx);
        return -1;
    }
    if (qemuDebugStopParseObject(json_node_get_object(member), ctx, false,
                                 stop, error) < 0)
        return -1;
    if (!json_object_has_member(obj, "registers"))
        return 0;
    if (!(arr = qemuDebugJSONGetArray(obj, ctx, "registers", error)))
        return -1;
    return qemuDebugParseArray(arr, ctx, sizeof(virDomainDebugRegister),
                               qemuDebugParseRegisterElement,
                               qemuDebugRegistersClear,
                               (void **) regs, nregs, error);
}
