/*
 * qemu_debug_command.c: QMP command builders for the debug API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Builders take typed arguments and cannot fail: what QEMU would refuse is
 * vetted beforehand by the qemuDebugCheck*() functions, and what only the
 * guest can tell (an unmapped address, an unknown register) is left to
 * QEMU's error reply.  Optional protocol members are omitted rather than
 * sent with their default, so the commands read like the protocol's
 * examples.
 */

#include "qemu/qemu_debug_json.h"


char *
qemuDebugBuildQueryCommands(void)
{
    return qemuDebugJSONCommandSimple("query-commands");
}


char *
qemuDebugBuildQueryCaps(void)
{
    return qemuDebugJSONCommandSimple("query-debug-capabilities");
}


char *
qemuDebugBuildQueryStatus(void)
{
    return qemuDebugJSONCommandSimple("query-status");
}


char *
qemuDebugBuildInsert(const virDomainDebugPointDef *point)
{
    return qemuDebugBuildInsertOwned(point, NULL);
}


char *
qemuDebugBuildInsertOwned(const virDomainDebugPointDef *point,
                          const char *client)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-insert");

    json_builder_set_member_name(b, "type");
    json_builder_add_string_value(b, virDomainDebugPointTypeToString(point->type));
    qemuDebugJSONAddUInt64(b, "addr", point->addr);
    /* "len" must be absent for breakpoints */
    if (point->type != VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT &&
        point->type != VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT)
        qemuDebugJSONAddUInt64(b, "len", point->len);
    if (point->vcpu != VIR_DOMAIN_DEBUG_VCPU_ALL) {
        json_builder_set_member_name(b, "cpu-index");
        json_builder_add_int_value(b, point->vcpu);
    }
    if (client) {
        json_builder_set_member_name(b, "client");
        json_builder_add_string_value(b, client);
    }
    qemuDebugBuildInsertExtras(b, point);
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildRemove(int id)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-remove");

    json_builder_set_member_name(b, "id");
    json_builder_add_int_value(b, id);
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildRemoveAll(void)
{
    return qemuDebugJSONCommandSimple("debug-remove-all");
}


char *
qemuDebugBuildLease(const char *client, unsigned int timeout)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-lease");

    json_builder_set_member_name(b, "client");
    json_builder_add_string_value(b, client);
    json_builder_set_member_name(b, "timeout");
    json_builder_add_int_value(b, timeout);
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildLeaseRelease(const char *client)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-lease-release");

    json_builder_set_member_name(b, "client");
    json_builder_add_string_value(b, client);
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildQueryPoints(void)
{
    return qemuDebugJSONCommandSimple("query-debug-points");
}


char *
qemuDebugBuildStep(int vcpu,
                   unsigned int count,
                   bool noirq,
                   bool notimer)
{
    qemuDebugStepArgs args = {
        .vcpu = vcpu, .count = count, .noirq = noirq, .notimer = notimer,
    };

    return qemuDebugBuildStepArgs(&args);
}


/* The same step, answered on a debug channel only once the vCPU stopped,
 * with the stop and the registers @names (NULL: all) of the stopped
 * vCPU */
char *
qemuDebugBuildStepWait(int vcpu,
                       unsigned int count,
                       bool noirq,
                       bool notimer,
                       const char *const *names)
{
    qemuDebugStepArgs args = {
        .vcpu = vcpu, .count = count, .noirq = noirq, .notimer = notimer,
        .wait = true, .registers = names,
    };

    return qemuDebugBuildStepArgs(&args);
}


char *
qemuDebugBuildContinue(void)
{
    return qemuDebugJSONCommandSimple("debug-continue");
}


char *
qemuDebugBuildInterrupt(void)
{
    return qemuDebugJSONCommandSimple("debug-interrupt");
}


char *
qemuDebugBuildQueryStop(void)
{
    return qemuDebugJSONCommandSimple("query-debug-stop");
}


char *
qemuDebugBuildReadRegisters(int vcpu,
                            const char *const *names,
                            size_t nnames)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-read-registers");
    size_t i;

    json_builder_set_member_name(b, "cpu-index");
    json_builder_add_int_value(b, vcpu);
    if (names && nnames > 0) {
        json_builder_set_member_name(b, "names");
        json_builder_begin_array(b);
        for (i = 0; i < nnames; i++)
            json_builder_add_string_value(b, names[i]);
        json_builder_end_array(b);
    }
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildWriteRegister(int vcpu,
                            const char *name,
                            const char *value)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-write-register");

    json_builder_set_member_name(b, "cpu-index");
    json_builder_add_int_value(b, vcpu);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, name);
    json_builder_set_member_name(b, "value");
    json_builder_add_string_value(b, value);
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildQueryGdbXml(const char *annex)
{
    JsonBuilder *b;

    if (!annex)
        return qemuDebugJSONCommandSimple("query-debug-gdb-xml");

    b = qemuDebugJSONCommandBegin("query-debug-gdb-xml");
    json_builder_set_member_name(b, "annex");
    json_builder_add_string_value(b, annex);
    return qemuDebugJSONCommandEnd(b);
}


static void
qemuDebugBuildMemoryTarget(JsonBuilder *b,
                           int vcpu,
                           bool physical)
{
    if (vcpu >= 0) {
        json_builder_set_member_name(b, "cpu-index");
        json_builder_add_int_value(b, vcpu);
    }
    if (physical) {
        json_builder_set_member_name(b, "physical");
        json_builder_add_boolean_value(b, true);
    }
}


char *
qemuDebugBuildReadMemory(unsigned long long addr,
                         size_t size,
                         int vcpu,
                         bool physical)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-read-memory");

    qemuDebugJSONAddUInt64(b, "addr", addr);
    json_builder_set_member_name(b, "size");
    json_builder_add_int_value(b, (gint64) size);
    qemuDebugBuildMemoryTarget(b, vcpu, physical);
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildWriteMemory(unsigned long long addr,
                          const unsigned char *data,
                          size_t size,
                          int vcpu,
                          bool physical)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-write-memory");
    g_autofree char *b64 = g_base64_encode(data, size);

    qemuDebugJSONAddUInt64(b, "addr", addr);
    json_builder_set_member_name(b, "data");
    json_builder_add_string_value(b, b64);
    qemuDebugBuildMemoryTarget(b, vcpu, physical);
    return qemuDebugJSONCommandEnd(b);
}


char *
qemuDebugBuildReadMsr(int vcpu, unsigned int msr)
{
    JsonBuilder *b = qemuDebugJSONCommandBegin("debug-read-msr");

    json_builder_set_member_name(b, "cpu-index");
    json_builder_add_int_value(b, vcpu);
    json_builder_set_member_name(b, "msr");
    json_builder_add_int_value(b, msr);
    return qemuDebugJSONCommandEnd(b);
}
