/*
 * qemu_debug_channel.c: messages of the debug channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A debug channel carries the same QMP messages as the monitor (see
 * docs/qmp-debug.rst), so replies are parsed by the same reply parsers.
 * What differs is the framing: requests carry an "id" so that a reply
 * can be matched to its caller while other replies and DEBUG_STOP events
 * interleave, and the reader has to tell replies from events.  Both are
 * done here, without I/O; libvirt-debug-channel.c moves the bytes.
 */

#include "qemu/qemu_debug_json.h"

char *
qemuDebugBuildGetfd(const char *fdname)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("getfd");

    json_builder_set_member_name(b, "fdname");
    json_builder_add_string_value(b, fdname);
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildChannelOpen(const char *fdname, const char *client)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin(QEMU_DEBUG_CHANNEL_COMMAND);

    json_builder_set_member_name(b, "fdname");
    json_builder_add_string_value(b, fdname);
    json_builder_set_member_name(b, "client");
    json_builder_add_string_value(b, client);
    return qemuDebugJSONCommandEnd(b);
}


/* Only these travel on a channel; QEMU refuses anything else there. */
bool
qemuDebugChannelCarries(const char *execute)
{
    return g_str_has_prefix(execute, "debug-") ||
           g_str_has_prefix(execute, "query-debug-");
}


/**
 * qemuDebugChannelRequest:
 * @cmd: a command as the builders make it
 * @id: the request id to add
 * @execute: set to the command's name (the caller frees it)
 *
 * Returns @cmd with "id": @id, on one line, for the channel.
 *
 * @cmd is read with json-glib alone, not held to the protocol's numbers
 * as a reply is: the builders write an address above 0x7fffffffffffffff
 * as its two's complement (see qemu_debug.h), so every command about a
 * kernel in the higher half would otherwise be refused here and go to
 * the monitor instead, silently, and a step that waits on the channel
 * would fail there.
 */
char *
qemuDebugChannelRequest(const char *cmd, guint64 id, char **execute,
                        GError **error)
{
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(GError) err = NULL;
    JsonObject *obj;
    const char *name;

    if (!(root = json_from_string(cmd, &err)) || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "malformed debug command: %s",
                    err ? err->message : "not a JSON object");
        return NULL;
    }
    obj = json_node_get_object(root);
    if (qemuDebugJSONGetString(obj, "debug command", "execute", true, &name,
                               error) < 0)
        return NULL;
    *execute = g_strdup(name);
    json_object_set_int_member(obj, "id", (gint64) id);
    json_generator_set_root(gen, root);
    return json_generator_to_data(gen, NULL);
}


/**
 * qemuDebugChannelClassify:
 * @line: one message from the channel
 * @id: set to the reply's id
 * @event: set, for a DEBUG_STOP event, to the stop it reports (the
 *         caller frees it)
 *
 * Returns QEMU_DEBUG_CHANNEL_REPLY (with @id), QEMU_DEBUG_CHANNEL_EVENT
 * (a DEBUG_STOP, with @event), QEMU_DEBUG_CHANNEL_OTHER (an event this
 * library does not use), or -1 for a message that is neither.
 *
 * The event is parsed here, from the tree of the whole message, and never
 * passed on as JSON text: json-glib would write an address above
 * 0x7fffffffffffffff back as a negative number (its integers are gint64),
 * which the event parser rightly refuses, so every stop of a kernel in
 * the higher half was lost.
 */
int
qemuDebugChannelClassify(const char *line, guint64 *id, qemuDebugStop **event,
                         GError **error)
{
    const char *ctx = "debug channel message";
    g_autoptr(JsonNode) root = NULL;
    JsonObject *obj;
    JsonNode *member;

    *event = NULL;
    if (!(root = qemuDebugJSONParseObject(line, ctx, error)))
        return -1;
    obj = json_node_get_object(root);

    if (json_object_has_member(obj, "event")) {
        g_autofree qemuDebugStop *stop = NULL;
        const char *name;
        JsonNode *data;

        if (qemuDebugJSONGetString(obj, ctx, "event", true, &name, error) < 0)
            return -1;
        if (!g_str_equal(name, QEMU_DEBUG_EVENT_STOP))
            return QEMU_DEBUG_CHANNEL_OTHER;
        if (!(data = json_object_get_member(obj, "data")) ||
            !JSON_NODE_HOLDS_OBJECT(data)) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                        "%s: DEBUG_STOP without a 'data' object", ctx);
            return -1;
        }
        stop = g_new0(qemuDebugStop, 1);
        if (qemuDebugStopParseObject(json_node_get_object(data),
                                     "DEBUG_STOP event", true, stop,
                                     error) < 0)
            return -1;
        *event = g_steal_pointer(&stop);
        return QEMU_DEBUG_CHANNEL_EVENT;
    }

    member = json_object_get_member(obj, "id");
    if (!member || !JSON_NODE_HOLDS_VALUE(member) ||
        json_node_get_value_type(member) != G_TYPE_INT64 ||
        json_node_get_int(member) < 0) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                    "%s: a reply without a request id", ctx);
        return -1;
    }
    *id = json_node_get_int(member);
    return QEMU_DEBUG_CHANNEL_REPLY;
}
