/*
 * qemu_debug_event.c: the DEBUG_STOP event and the wire string tables
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "qemu/qemu_debug_json.h"

VIR_DEBUG_ENUM_IMPL(qemuDebugStopReason, VIR_DOMAIN_DEBUG_STOP_LAST,
                    "sw-breakpoint",
                    "hw-breakpoint",
                    "watchpoint-write",
                    "watchpoint-read",
                    "watchpoint-access",
                    "step",
                    "interrupt",
);

VIR_DEBUG_ENUM_IMPL(qemuDebugStepFlag, QEMU_DEBUG_STEP_FLAG_LAST,
                    "noirq",
                    "notimer",
);


int
qemuDebugStopParseObject(JsonObject *obj,
                         const char *ctx,
                         bool event,
                         qemuDebugStop *stop,
                         GError **error)
{
    const char *reason = NULL;
    int r;

    memset(stop, 0, sizeof(*stop));
    stop->pointId = -1;

    if (qemuDebugJSONGetInt(obj, ctx, "cpu-index", true, 0, G_MAXINT,
                            &stop->vcpu, NULL, error) < 0)
        return -1;

    if (event) {
        stop->stopped = true;
    } else if (qemuDebugJSONGetBool(obj, ctx, "stopped", true,
                                    &stop->stopped, NULL, error) < 0) {
        return -1;
    }

    if (qemuDebugJSONGetString(obj, ctx, "reason", event, &reason, error) < 0)
        return -1;
    if (reason) {
        if ((r = qemuDebugStopReasonTypeFromString(reason)) < 0) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_JSON,
                        "malformed %s: unknown stop reason '%s' of vCPU %d "
                        "(a newer QEMU? update libvirt-debug)",
                        ctx, reason, stop->vcpu);
            return -1;
        }
        stop->hasReason = true;
        stop->reason = r;
    }

    if (qemuDebugJSONGetUInt64(obj, ctx, "pc", event,
                               &stop->pc, &stop->hasPc, error) < 0 ||
        qemuDebugJSONGetInt(obj, ctx, "point-id", false, 1, G_MAXINT,
                            &stop->pointId, &stop->hasPointId, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "watch-addr", false,
                               &stop->watchAddr, &stop->hasWatchAddr, error) < 0 ||
        qemuDebugJSONGetUInt64(obj, ctx, "hit-addr", false,
                               &stop->hitAddr, &stop->hasHitAddr, error) < 0)
        return -1;

    if (!stop->hasPointId)
        stop->pointId = -1;

    return 0;
}


qemuDebugStop *
qemuDebugParseStopEvent(const char *details,
                        GError **error)
{
    const char *ctx = "DEBUG_STOP event";
    g_autoptr(JsonNode) root = NULL;
    g_autofree qemuDebugStop *stop = g_new0(qemuDebugStop, 1);

    if (!(root = qemuDebugJSONParseObject(details, ctx, error)))
        return NULL;

    if (qemuDebugStopParseObject(json_node_get_object(root), ctx, true,
                                 stop, error) < 0)
        return NULL;

    return g_steal_pointer(&stop);
}


void
qemuDebugStopToInfo(const qemuDebugStop *stop,
                    virDomainDebugStopInfo *info)
{
    memset(info, 0, sizeof(*info));
    info->vcpu = stop->vcpu;
    info->stopped = stop->stopped;
    /* the public struct has no "no reason": it only matters when stopped,
     * and a stopped vCPU always has one */
    info->reason = stop->hasReason ? stop->reason : VIR_DOMAIN_DEBUG_STOP_INTERRUPT;
    info->pc = stop->pc;
    info->pointId = stop->hasPointId ? stop->pointId : -1;
    info->hasWatch = stop->hasWatchAddr || stop->hasHitAddr;
    info->watchAddr = stop->watchAddr;
    info->hitAddr = stop->hitAddr;
}
