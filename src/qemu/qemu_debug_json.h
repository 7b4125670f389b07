/*
 * qemu_debug_json.h: json-glib helpers shared by the src/qemu files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private to src/qemu.  Every getter reports a missing member or a wrong
 * type as VIR_DEBUG_ERROR_JSON naming the member and @ctx ("reply to
 * 'debug-insert'", "DEBUG_STOP event", ...), so no reply, however broken,
 * reaches the typed structures half-read.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "qemu/qemu_debug.h"

/* Parses @text (an object is required at the top level).  Before handing
 * it to json-glib, the text is checked for negative numbers and for
 * integers beyond 2^64-1, which json-glib 1.6 would otherwise silently
 * wrap or clamp into a gint64. */
JsonNode *qemuDebugJSONParseObject(const char *text,
                                   const char *ctx,
                                   GError **error);

/* Unwraps a full QMP reply: returns a new reference to its "return"
 * value, or fails with VIR_DEBUG_ERROR_QMP for an "error" reply. */
JsonNode *qemuDebugJSONReplyReturn(const char *reply,
                                   const char *command,
                                   GError **error);

/* @present may be NULL when @required.  Each returns 0 or -1. */
int qemuDebugJSONGetUInt64(JsonObject *obj, const char *ctx,
                           const char *member, bool required,
                           unsigned long long *value, bool *present,
                           GError **error);
int qemuDebugJSONGetInt(JsonObject *obj, const char *ctx,
                        const char *member, bool required,
                        int min, int max,
                        int *value, bool *present,
                        GError **error);
int qemuDebugJSONGetBool(JsonObject *obj, const char *ctx,
                         const char *member, bool required,
                         bool *value, bool *present,
                         GError **error);
/* *value points into @obj */
int qemuDebugJSONGetString(JsonObject *obj, const char *ctx,
                           const char *member, bool required,
                           const char **value,
                           GError **error);
/* Required array member */
JsonArray *qemuDebugJSONGetArray(JsonObject *obj, const char *ctx,
                                 const char *member, GError **error);
/* Element @i of @array as an object */
JsonObject *qemuDebugJSONArrayGetObject(JsonArray *array, const char *ctx,
                                        guint i, GError **error);

/* Command building.  qemuDebugJSONCommandBegin opens
 * {"execute": @execute, "arguments": { and qemuDebugJSONCommandEnd closes
 * both and serializes; qemuDebugJSONCommandSimple is a command without
 * arguments. */
JsonBuilder *qemuDebugJSONCommandBegin(const char *execute);
char *qemuDebugJSONCommandEnd(JsonBuilder *builder);
char *qemuDebugJSONCommandSimple(const char *execute);
/* uint64 as QEMU accepts it from a gint64-only JSON library */
void qemuDebugJSONAddUInt64(JsonBuilder *builder, const char *member,
                            unsigned long long value);

/* qemu_debug_event.c: one stop object, shared by the DEBUG_STOP event and
 * the query-debug-stop reply.  @event: "reason" and "pc" are required and
 * "stopped" absent (an event is a stop); otherwise "stopped" is required
 * and the rest optional. */
int qemuDebugStopParseObject(JsonObject *obj,
                             const char *ctx,
                             bool event,
                             qemuDebugStop *stop,
                             GError **error);

/* qemu_debug_reply.c: arrays of objects */

/* Parses one element of a list into @elem */
typedef int (*qemuDebugElementParser)(JsonObject *obj,
                                      const char *ctx,
                                      void *elem,
                                      GError **error);

/*
 * An array of objects: parse each with @parse into a g_new0 array of
 * @size-byte elements (NULL when empty).  @ctx names the array in
 * errors.  On error, @clear (may be NULL) releases what the elements
 * parsed so far own.
 */
int qemuDebugParseArray(JsonArray *arr, const char *ctx, size_t size,
                        qemuDebugElementParser parse,
                        void (*clear)(void *elems, size_t n),
                        void **elems, size_t *nelems, GError **error);

/* One DebugRegister object, and the release of an array's first @n */
int qemuDebugParseRegisterElement(JsonObject *obj, const char *ctx,
                                  void *elem, GError **error);
void qemuDebugRegistersClear(void *elems, size_t n);

/* qemu_debug_trace.c: debug-insert's condition and trace members */
void qemuDebugBuildInsertExtras(JsonBuilder *b,
                                const virDomainDebugPointDef *point);
