/*
 * virsh-debug-trace.c: what QEMU decides without a round trip: point
 * conditions and ignore counts (--if, --ignore), tracepoints
 * (debug-trace, debug-trace-records) and traced steps (debug-step
 * --trace)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "virsh-debug.h"

#include <unistd.h>

/* debug-trace-records --follow: how often the buffer is drained */
#define VIRSH_DEBUG_FOLLOW_INTERVAL 0.2


static int
virshDebugAddParam(virTypedParameterPtr *params, int *nparams, int *maxparams,
                   const char *field, int type, const void *value)
{
    int rc = -1;

    switch (type) {
    case VIR_TYPED_PARAM_STRING:
        rc = virTypedParamsAddString(params, nparams, maxparams, field,
                                     value);
        break;
    case VIR_TYPED_PARAM_UINT:
        rc = virTypedParamsAddUInt(params, nparams, maxparams, field,
                                   *(const unsigned int *) value);
        break;
    case VIR_TYPED_PARAM_BOOLEAN:
        rc = virTypedParamsAddBoolean(params, nparams, maxparams, field,
                                      *(const int *) value);
        break;
    }
    if (rc < 0)
        virshDebugReportLibvirtError("cannot build the point's parameters");
    return rc;
}


/* --ignore N: a count that fits QEMU's (31 bits) */
static int
virshDebugCmdIgnore(const virshDebugCmd *cmd, unsigned int *ignore)
{
    unsigned long long n;

    *ignore = 0;
    if (virshDebugCmdULongLong(cmd, "ignore", "ignore count", 0, &n) < 0)
        return -1;
    if (n > G_MAXINT32) {
        virshDebugError("invalid ignore count %llu: at most %d hits", n,
                        G_MAXINT32);
        return -1;
    }
    *ignore = n;
    return 0;
}


/* --mem ADDR:LEN[,ADDR:LEN...], ADDR a symbol or a number */
static int
virshDebugTraceMemParams(virshDebugControl *ctl, const char *spec,
                         virTypedParameterPtr *params, int *nparams,
                         int *maxparams)
{
    g_auto(GStrv) ranges = g_strsplit(spec, ",", 0);
    size_t i;

    for (i = 0; ranges[i]; i++) {
        const char *colon = strrchr(ranges[i], ':');
        g_autofree char *where = colon ? g_strndup(ranges[i], colon - ranges[i]) : NULL;
        g_autofree char *range = NULL;
        unsigned long long addr;
        unsigned long long len;

        if (!colon || !*where ||
            virshDebugParseULongLong(colon + 1, &len) < 0 ||
            len == 0 || len > 4096) {
            virshDebugError("invalid --mem range '%s': expected ADDR:LEN "
                            "with LEN 1 to 4096 bytes, e.g. guest_counter:4",
                            ranges[i]);
            return -1;
        }
        if (virDomainDebugSymbolsParseAddress(ctl->symbols, where, &addr) < 0) {
            virshDebugReportDebugError();
            return -1;
        }
        range = g_strdup_printf("0x%llx:%llu", addr, len);
        if (virshDebugAddParam(params, nparams, maxparams,
                               VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_MEMORY,
                               VIR_TYPED_PARAM_STRING, range) < 0)
            return -1;
    }
    return 0;
}


/* --collect REG[,REG...] --mem ... --capacity N --notify-full */
static int
virshDebugTraceParams(virshDebugControl *ctl, const virshDebugCmd *cmd,
                      virTypedParameterPtr *params, int *nparams,
                      int *maxparams)
{
    const char *collect = virshDebugCmdString(cmd, "collect");
    const char *mem = virshDebugCmdString(cmd, "mem");
    unsigned long long capacity;
    int yes = 1;

    if (virshDebugAddParam(params, nparams, maxparams,
                           VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE,
                           VIR_TYPED_PARAM_BOOLEAN, &yes) < 0)
        return -1;
    if (collect) {
        g_auto(GStrv) regs = g_strsplit(collect, ",", 0);
        size_t i;

        for (i = 0; regs[i]; i++) {
            if (!*regs[i]) {
                virshDebugError("invalid --collect '%s': expected register "
                                "names separated by commas, e.g. rip,rdi",
                                collect);
                return -1;
            }
            if (virshDebugAddParam(params, nparams, maxparams,
                                   VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_REGISTER,
                                   VIR_TYPED_PARAM_STRING, regs[i]) < 0)
                return -1;
        }
    }
    if (mem && virshDebugTraceMemParams(ctl, mem, params, nparams,
                                        maxparams) < 0)
        return -1;
    if (virshDebugCmdULongLong(cmd, "capacity", "capacity", 0, &capacity) < 0)
        return -1;
    if (virshDebugCmdHas(cmd, "capacity")) {
        unsigned int c = capacity;

        if (capacity == 0 || capacity > 65536) {
            virshDebugError("invalid --capacity %llu: 1 to 65536 records",
                            capacity);
            return -1;
        }
        if (virshDebugAddParam(params, nparams, maxparams,
                               VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE_CAPACITY,
                               VIR_TYPED_PARAM_UINT, &c) < 0)
            return -1;
    }
    if (virshDebugCmdHas(cmd, "notify-full") &&
        virshDebugAddParam(params, nparams, maxparams,
                           VIR_DOMAIN_DEBUG_POINT_PARAM_NOTIFY_FULL,
                           VIR_TYPED_PARAM_BOOLEAN, &yes) < 0)
        return -1;
    return 0;
}


/**
 * virshDebugPointParams:
 *
 * The typed parameters of debug-break, debug-watch and debug-trace:
 * --if (compiled here, with the symbols the command uses, so that
 * --symbols and --offset apply), --ignore, and for tracepoints what to
 * collect.  Returns 0 (*nparams 0 for a plain point), or -1.
 */
int
virshDebugPointParams(virshDebugControl *ctl, virDomainPtr dom,
                      const virshDebugCmd *cmd, bool trace,
                      virTypedParameterPtr *params, int *nparams)
{
    const char *cond = virshDebugCmdString(cmd, "if");
    int maxparams = 0;
    unsigned int ignore;

    *params = NULL;
    *nparams = 0;
    if (virshDebugCmdIgnore(cmd, &ignore) < 0)
        goto error;
    if (cond) {
        g_autofree char *hex = NULL;

        if (!(hex = virDomainDebugCompileCondition(dom, cond, ctl->symbols,
                                                   0))) {
            virshDebugReportDebugError();
            goto error;
        }
        if (virshDebugAddParam(params, nparams, &maxparams,
                               VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION,
                               VIR_TYPED_PARAM_STRING, cond) < 0 ||
            virshDebugAddParam(params, nparams, &maxparams,
                               VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION_BYTECODE,
                               VIR_TYPED_PARAM_STRING, hex) < 0)
            goto error;
    }
    if (ignore &&
        virshDebugAddParam(params, nparams, &maxparams,
                           VIR_DOMAIN_DEBUG_POINT_PARAM_IGNORE,
                           VIR_TYPED_PARAM_UINT, &ignore) < 0)
        goto error;
    if (trace &&
        virshDebugTraceParams(ctl, cmd, params, nparams, &maxparams) < 0)
        goto error;
    return 0;

 error:
    virTypedParamsFree(*params, *nparams);
    *params = NULL;
    *nparams = 0;
    return -1;
}


/* ------------------------------------------------------------------ */
/* debug-trace-records                                                 */

const virshDebugOptDef virshDebugOptsTraceRecords[] = {
    { "domain", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL,
      "domain", "domain name, ID or UUID" },
    { "id", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL, "id",
      "the tracepoint's id, as debug-trace printed it" },
    { "max", VIRSH_DEBUG_OT_STRING, 0, "number",
      "print at most this many records (default: all buffered)" },
    { "follow", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "keep printing records as they come, until interrupted" },
    { NULL }
};


/* Drains up to @max records (0: those buffered when it starts: a guest
 * that fills the buffer as fast as it is drained must not keep this
 * going) and prints them; returns how many, or -1 */
static long long
virshDebugTraceDrainPrint(virshDebugControl *ctl, virDomainPtr dom, int id,
                          unsigned long long max,
                          unsigned long long *dropped)
{
    long long total = 0;

    for (;;) {
        unsigned int batch = 4096;
        virDomainDebugTraceRecord *recs = NULL;
        unsigned long long remaining = 0;
        int n;

        if (max && max - total < batch)
            batch = max - total;
        if ((n = virDomainDebugTraceDrain(dom, id, batch, &recs, dropped,
                                          &remaining, 0)) < 0) {
            virshDebugReportDebugError();
            return -1;
        }
        virshDebugPrintTraceRecords(ctl, recs, n);
        virDomainDebugTraceRecordsFree(recs, n);
        if (total == 0 && !max)
            max = n + remaining;
        total += n;
        if (remaining == 0 || n == 0 || (unsigned long long) total >= max ||
            g_atomic_int_get(&virshDebugInterrupted) ||
            g_atomic_int_get(&virshDebugTerminated))
            return total;
    }
}


bool
virshDebugCmdTraceRecords(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    const char *idstr = virshDebugCmdString(cmd, "id");
    bool follow = virshDebugCmdHas(cmd, "follow");
    unsigned long long dropped = 0;
    unsigned long long max;
    unsigned long long id;
    long long n;

    if (virshDebugParseULongLong(idstr, &id) < 0 || id == 0 || id > G_MAXINT) {
        virshDebugError("invalid tracepoint id '%s': expected a positive "
                        "number as 'debug-list' shows it", idstr);
        return false;
    }
    if (virshDebugCmdULongLong(cmd, "max", "record count", 0, &max) < 0)
        return false;
    if (follow && max) {
        virshDebugError("--follow and --max are mutually exclusive: "
                        "--follow prints every record until interrupted");
        return false;
    }
    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virshDebugSymbolsLoad(ctl, dom, false) < 0)
        return false;
    if ((n = virshDebugTraceDrainPrint(ctl, dom, id, max, &dropped)) < 0)
        return false;
    if (!follow) {
        if (!ctl->json)
            virshDebugPrint(ctl, "%lld record%s, %llu dropped since the "
                            "tracepoint was inserted\n", n, n == 1 ? "" : "s",
                            dropped);
        return true;
    }
    virshDebugInstallSignals(ctl);
    while (!g_atomic_int_get(&virshDebugInterrupted) &&
           !g_atomic_int_get(&virshDebugTerminated)) {
        g_usleep(VIRSH_DEBUG_FOLLOW_INTERVAL * G_USEC_PER_SEC);
        if (virshDebugTraceDrainPrint(ctl, dom, id, 0, &dropped) < 0)
            return false;
    }
    return true;
}


/* ------------------------------------------------------------------ */
/* debug-step --trace                                                  */

/**
 * virshDebugStepTraced:
 *
 * debug-step --trace: a step of @count instructions that records each,
 * then prints them (with the registers of --regs before each one).
 * Returns 0 once the step began, -1 on error; the caller waits for the
 * stop, then calls virshDebugPrintStepTraceOf.
 */
int
virshDebugStepTraced(virDomainPtr dom, int vcpu, unsigned int count,
                     const char *regs, unsigned int flags)
{
    g_auto(GStrv) names = regs ? g_strsplit(regs, ",", 0) : NULL;

    if (virDomainDebugStepTrace(dom, vcpu, count,
                                (const char *const *) names, flags) < 0) {
        virshDebugReportDebugError();
        return -1;
    }
    return 0;
}


int
virshDebugPrintStepTraceOf(virshDebugControl *ctl, virDomainPtr dom,
                           int vcpu)
{
    virDomainDebugStepTraceEntry *entries = NULL;
    int n;

    if ((n = virDomainDebugGetStepTrace(dom, vcpu, &entries, 0)) < 0) {
        virshDebugReportDebugError();
        return -1;
    }
    virshDebugPrintStepTrace(ctl, vcpu, entries, n);
    virDomainDebugStepTraceFree(entries, n);
    return 0;
}
