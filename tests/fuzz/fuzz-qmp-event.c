/*
 * fuzz-qmp-event.c: libFuzzer harness of the DEBUG_STOP event parser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is an event's "data" object as JSON text, which is what
 * virConnectDomainQemuMonitorEventRegister delivers.  Invariants, on top
 * of "no crash, no leak, no UB": a parse succeeds with no error or fails
 * with one error of ours; a parsed event is a stopped vCPU with a reason
 * in range and a pc, and its public form agrees with it.
 *
 * The same input also goes through the debug channel's classifier (a
 * channel message is a reply or an event): it fails with one error of
 * ours or names exactly one kind, and only an event carries data.
 */

#include "config.h"

#include "qemu/qemu_debug.h"
#include "fuzz-common.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *details = fuzzInputString(data, size);
    g_autofree qemuDebugStop *stop = NULL;
    g_autoptr(GError) err = NULL;
    virDomainDebugStopInfo info;
    g_autofree qemuDebugStop *eventData = NULL;
    g_autofree qemuDebugStop *onChannel = NULL;
    g_autofree char *wrapped = NULL;
    guint64 id = 0;
    int kind;

    kind = qemuDebugChannelClassify(details, &id, &eventData, &err);
    if (kind < 0) {
        FUZZ_CHECK_ERROR(err);
        g_clear_error(&err);
    } else {
        FUZZ_CHECK(err == NULL, "classified with an error set: %s",
                   err->message);
        FUZZ_CHECK((kind == QEMU_DEBUG_CHANNEL_EVENT) == (eventData != NULL),
                   "kind %d with%s event data", kind, eventData ? "" : "out");
    }

    if (!(stop = qemuDebugParseStopEvent(details, &err))) {
        FUZZ_CHECK_ERROR(err);
        return 0;
    }
    FUZZ_CHECK(err == NULL, "success with an error set: %s", err->message);

    FUZZ_CHECK(stop->stopped && stop->hasReason && stop->hasPc,
               "an event that is not a complete stop");
    FUZZ_CHECK(stop->vcpu >= 0, "vcpu %d", stop->vcpu);
    FUZZ_CHECK(stop->reason < VIR_DOMAIN_DEBUG_STOP_LAST,
               "reason %d", stop->reason);
    FUZZ_CHECK(stop->hasPointId ? stop->pointId > 0 : stop->pointId == -1,
               "point id %d", stop->pointId);

    /* the same data arriving on a debug channel is the same stop: the
     * channel once passed it on as text json-glib had rewritten, and
     * every address >= 2^63 came out negative */
    wrapped = g_strdup_printf("{\"event\":\"DEBUG_STOP\",\"data\":%s}",
                              details);
    FUZZ_CHECK(qemuDebugChannelClassify(wrapped, &id, &onChannel, &err) ==
               QEMU_DEBUG_CHANNEL_EVENT,
               "an event the monitor path reads is refused on a channel: %s",
               err ? err->message : "");
    FUZZ_CHECK(memcmp(onChannel, stop, sizeof(*stop)) == 0,
               "the channel reads another stop (pc 0x%llx, not 0x%llx)",
               onChannel->pc, stop->pc);

    qemuDebugStopToInfo(stop, &info);
    FUZZ_CHECK(info.vcpu == stop->vcpu && info.pc == stop->pc &&
               info.reason == stop->reason && info.pointId == stop->pointId,
               "public stop info differs from the event");
    FUZZ_CHECK(info.hasWatch == (stop->hasWatchAddr || stop->hasHitAddr),
               "hasWatch %d", info.hasWatch);
    return 0;
}
