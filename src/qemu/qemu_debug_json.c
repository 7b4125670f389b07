/*
 * qemu_debug_json.c: json-glib helpers shared by the src/qemu files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "qemu/qemu_debug_json.h"

/* The largest integer the protocol carries: a uint64 address. */
#define QEMU_DEBUG_JSON_UINT64_MAX_DIGITS "18446744073709551615"

static bool
qemuDebugJSONIsNumberChar(char c)
{
    return g_ascii_isdigit(c) || c == '.' || c == 'e' || c == 'E' ||
        c == '+' || c == '-';
}

/* json-glib 1.6 reads every integer with strtoull and stores it in a
 * gint64: "-1", "18446744073709551615" and "99999999999999999999" all
 * come out as -1.  The protocol has no negative numbers at all (ids,
 * counts, vCPU indexes and addresses are unsigned), so a lexical pass over
 * the text, outside strings, recovers what the parsed tree cannot tell:
 * a '-' (other than an exponent's) is a negative number, and an integer
 * with more digits than 2^64-1 overflows.  The same pass rejects text
 * after the top-level value closes, which json-glib lets through when it
 * is a second document ("{...}{...}"). */
static int
qemuDebugJSONCheckNumbers(const char *text,
                          const char *ctx,
                          GError **error)
{
    const size_t maxlen = strlen(QEMU_DEBUG_JSON_UINT64_MAX_DIGITS);
    bool inString = false;
    bool closed = false;
    size_t depth = 0;
    size_t i;

    for (i = 0; text[i]; i++) {
        char c = text[i];

        if (closed && !g_ascii_isspace(c)) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                        "malformed %s: unexpected text after the JSON value "
                        "at offset %zu", ctx, i);
            return -1;
        }

        if (inString) {
            if (c == '\\' && text[i + 1])
                i++;
            else if (c == '"')
                inString = false;
            continue;
        }

        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            /* unbalanced closers are json-glib's to report */
            if (depth > 0 && --depth == 0)
                closed = true;
        } else if (c == '-') {
            if (i > 0 && (text[i - 1] == 'e' || text[i - 1] == 'E'))
                continue;
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                        "malformed %s: negative number at offset %zu "
                        "(the QMP debug API sends only unsigned numbers)",
                        ctx, i);
            return -1;
        } else if (g_ascii_isdigit(c) &&
                   (i == 0 || !qemuDebugJSONIsNumberChar(text[i - 1]))) {
            size_t len = 0;

            while (g_ascii_isdigit(text[i + len]))
                len++;

            if (len > maxlen ||
                (len == maxlen &&
                 strncmp(text + i, QEMU_DEBUG_JSON_UINT64_MAX_DIGITS, len) > 0)) {
                g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                            "malformed %s: number %.*s%s at offset %zu is "
                            "out of range (more than 2^64-1)",
                            ctx, (int) MIN(len, 24), text + i,
                            len > 24 ? "..." : "", i);
                return -1;
            }
            i += len - 1;
        }
    }

    return 0;
}


JsonNode *
qemuDebugJSONParseObject(const char *text,
                         const char *ctx,
                         GError **error)
{
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(GError) err = NULL;

    if (!text || !*text) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: empty", ctx);
        return NULL;
    }

    if (qemuDebugJSONCheckNumbers(text, ctx, error) < 0)
        return NULL;

    if (!(root = json_from_string(text, &err))) {
        g_autofree char *why = g_strdup(err ? err->message : "no JSON value");

        /* one line: json-glib quotes the offending token as it is */
        g_strdelimit(why, "\r\n", ' ');
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: %s", ctx, why);
        return NULL;
    }

    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: expected a JSON object, got %s",
                    ctx, json_node_type_name(root));
        return NULL;
    }

    return g_steal_pointer(&root);
}


JsonNode *
qemuDebugJSONReplyReturn(const char *reply,
                         const char *command,
                         GError **error)
{
    g_autofree char *ctx = g_strdup_printf("reply to '%s'", command);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *obj;
    JsonNode *err;

    if (!(root = qemuDebugJSONParseObject(reply, ctx, error)))
        return NULL;
    obj = json_node_get_object(root);

    if ((err = json_object_get_member(obj, "error"))) {
        g_autofree char *errctx = g_strdup_printf("error %s", ctx);
        const char *desc = NULL;

        if (!JSON_NODE_HOLDS_OBJECT(err)) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                        "malformed %s: 'error' is not an object", ctx);
            return NULL;
        }
        if (qemuDebugJSONGetString(json_node_get_object(err), errctx,
                                   "desc", true, &desc, error) < 0)
            return NULL;

        /* QEMU's desc already names what was wrong and what to do; the
         * API layer adds the domain.  An empty one still fails with words. */
        if (!*desc) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_QMP,
                        "QEMU refused the command without saying why (%s with "
                        "an empty 'desc')", errctx);
            return NULL;
        }
        g_set_error_literal(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_QMP, desc);
        return NULL;
    }

    if (!json_object_has_member(obj, "return")) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: neither 'return' nor 'error' member", ctx);
        return NULL;
    }

    return json_object_dup_member(obj, "return");
}


/* Looks up @member of type @type: 1 and *node when present, 0 when an
 * optional member is absent, -1 with @error set otherwise. */
static int
qemuDebugJSONGetValue(JsonObject *obj,
                      const char *ctx,
                      const char *member,
                      bool required,
                      GType type,
                      const char *typeName,
                      JsonNode **node,
                      GError **error)
{
    *node = json_object_get_member(obj, member);

    if (!*node) {
        if (!required)
            return 0;
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: member '%s' is missing", ctx, member);
        return -1;
    }

    if (!JSON_NODE_HOLDS_VALUE(*node) || json_node_get_value_type(*node) != type) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: member '%s' must be %s, not %s",
                    ctx, member, typeName, json_node_type_name(*node));
        return -1;
    }

    return 1;
}


int
qemuDebugJSONGetUInt64(JsonObject *obj,
                       const char *ctx,
                       const char *member,
                       bool required,
                       unsigned long long *value,
                       bool *present,
                       GError **error)
{
    JsonNode *node;
    int rc;

    if (present)
        *present = false;

    if ((rc = qemuDebugJSONGetValue(obj, ctx, member, required, G_TYPE_INT64,
                                    "an unsigned integer", &node, error)) <= 0)
        return rc;

    /* json-glib keeps the bits of values above G_MAXINT64; the text was
     * checked for signs and overflow by qemuDebugJSONParseObject. */
    *value = (unsigned long long) json_node_get_int(node);
    if (present)
        *present = true;
    return 0;
}


int
qemuDebugJSONGetInt(JsonObject *obj,
                    const char *ctx,
                    const char *member,
                    bool required,
                    int min,
                    int max,
                    int *value,
                    bool *present,
                    GError **error)
{
    unsigned long long v = 0;
    bool has = false;

    if (present)
        *present = false;

    if (qemuDebugJSONGetUInt64(obj, ctx, member, required, &v, &has, error) < 0)
        return -1;
    if (!has)
        return 0;

    if (v < (unsigned long long) MAX(min, 0) || v > (unsigned long long) max) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: member '%s' is %llu, outside %d..%d",
                    ctx, member, v, min, max);
        return -1;
    }

    *value = (int) v;
    if (present)
        *present = true;
    return 0;
}


int
qemuDebugJSONGetBool(JsonObject *obj,
                     const char *ctx,
                     const char *member,
                     bool required,
                     bool *value,
                     bool *present,
                     GError **error)
{
    JsonNode *node;
    int rc;

    if (present)
        *present = false;

    if ((rc = qemuDebugJSONGetValue(obj, ctx, member, required, G_TYPE_BOOLEAN,
                                    "a boolean", &node, error)) <= 0)
        return rc;

    *value = json_node_get_boolean(node);
    if (present)
        *present = true;
    return 0;
}


int
qemuDebugJSONGetString(JsonObject *obj,
                       const char *ctx,
                       const char *member,
                       bool required,
                       const char **value,
                       GError **error)
{
    JsonNode *node;
    int rc;

    *value = NULL;

    if ((rc = qemuDebugJSONGetValue(obj, ctx, member, required, G_TYPE_STRING,
                                    "a string", &node, error)) <= 0)
        return rc;

    *value = json_node_get_string(node);
    return 0;
}


JsonArray *
qemuDebugJSONGetArray(JsonObject *obj,
                      const char *ctx,
                      const char *member,
                      GError **error)
{
    JsonNode *node = json_object_get_member(obj, member);

    if (!node) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: member '%s' is missing", ctx, member);
        return NULL;
    }
    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: member '%s' must be an array, not %s",
                    ctx, member, json_node_type_name(node));
        return NULL;
    }
    return json_node_get_array(node);
}


JsonObject *
qemuDebugJSONArrayGetObject(JsonArray *array,
                            const char *ctx,
                            guint i,
                            GError **error)
{
    JsonNode *node = json_array_get_element(array, i);

    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed %s: element %u must be an object, not %s",
                    ctx, i, json_node_type_name(node));
        return NULL;
    }
    return json_node_get_object(node);
}


JsonBuilder *
qemuDebugJSONCommandBegin(const char *execute)
{
    JsonBuilder *builder = json_builder_new();

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "execute");
    json_builder_add_string_value(builder, execute);
    json_builder_set_member_name(builder, "arguments");
    json_builder_begin_object(builder);
    return builder;
}


char *
qemuDebugJSONCommandEnd(JsonBuilder *builder)
{
    g_autoptr(JsonNode) root = NULL;

    json_builder_end_object(builder);
    json_builder_end_object(builder);
    root = json_builder_get_root(builder);
    g_object_unref(builder);
    return json_to_string(root, FALSE);
}


char *
qemuDebugJSONCommandSimple(const char *execute)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "execute");
    json_builder_add_string_value(builder, execute);
    json_builder_end_object(builder);
    root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}


void
qemuDebugJSONAddUInt64(JsonBuilder *builder,
                       const char *member,
                       unsigned long long value)
{
    json_builder_set_member_name(builder, member);
    /* Two's complement above G_MAXINT64: see qemu_debug.h */
    json_builder_add_int_value(builder, (gint64) value);
}
