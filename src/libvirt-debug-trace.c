/*
 * libvirt-debug-trace.c: work QEMU does without a round trip per
 * instruction or per hit: conditions, ignore counts, tracepoints, range
 * and traced steps
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "libvirt-debug-private.h"


void
virDomainDebugPointsFree(virDomainDebugPoint *points, int npoints)
{
    qemuDebugPointsFree(points, npoints > 0 ? npoints : 0);
}


/* ------------------------------------------------------------------ */
/* Conditions                                                          */

typedef struct {
    virDomainPtr dom;
    virDomainDebugRegister *regs;   /* vCPU 0's, read on first use */
    int nregs;
    bool regsRead;
    virDomainDebugSymbols *syms;    /* the caller's, or the domain's */
    bool ownSyms;
    bool symsTried;
} virDomainDebugCondResolver;


static gboolean
virDomainDebugCondRegister(const char *name, int *number, int *size,
                           void *opaque)
{
    virDomainDebugCondResolver *r = opaque;
    int i;

    if (!r->regsRead) {
        r->regsRead = true;
        /* the register file is the same on every vCPU */
        r->nregs = virDomainDebugGetRegisters(r->dom, 0, NULL, 0, &r->regs, 0);
        if (r->nregs < 0) {
            r->nregs = 0;
            virDomainDebugErrorReset();
        }
    }
    for (i = 0; i < r->nregs; i++) {
        if (g_str_equal(r->regs[i].name, name)) {
            *number = r->regs[i].number;
            *size = r->regs[i].size;
            return TRUE;
        }
    }
    return FALSE;
}


static gboolean
virDomainDebugCondSymbol(const char *name, guint64 *addr, void *opaque)
{
    virDomainDebugCondResolver *r = opaque;
    unsigned long long a;

    if (!r->syms && !r->symsTried) {
        r->symsTried = true;
        /* no <symbols file=> is fine as long as no name is used */
        if ((r->syms = virDomainDebugSymbolsOpenDomain(r->dom, 0)))
            r->ownSyms = true;
        else
            virDomainDebugErrorReset();
    }
    if (!r->syms || virDomainDebugSymbolsLookup(r->syms, name, &a, NULL) < 0) {
        virDomainDebugErrorReset();
        return FALSE;
    }
    *addr = a;
    return TRUE;
}


static void
virDomainDebugCondResolverInit(virDomainDebugCondResolver *r,
                               virDebugExprResolver *resolver,
                               virDomainPtr dom,
                               virDomainDebugSymbols *syms)
{
    memset(r, 0, sizeof(*r));
    r->dom = dom;
    r->syms = syms;
    resolver->reg = virDomainDebugCondRegister;
    resolver->sym = virDomainDebugCondSymbol;
    resolver->opaque = r;
}


static void
virDomainDebugCondResolverClear(virDomainDebugCondResolver *r)
{
    qemuDebugRegistersFree(r->regs, r->nregs);
    if (r->ownSyms)
        virDomainDebugSymbolsFree(r->syms);
}


/* An unknown symbol with no symbol file at all: say where one comes from */
static const char *
virDomainDebugCondHint(const virDomainDebugCondResolver *r, GError *error)
{
    if (g_error_matches(error, VIR_DEBUG_EXPR_ERROR,
                        VIR_DEBUG_EXPR_ERROR_SYMBOL) && !r->syms)
        return " (the domain's <debug> element names no <symbols file=>: "
               "give the address instead)";
    return "";
}


/* The hex bytecode of @text, or NULL with the error reported */
static char *
virDomainDebugConditionToHex(virDomainPtr dom,
                             const char *text,
                             virDomainDebugSymbols *syms)
{
    virDomainDebugCondResolver r;
    virDebugExprResolver resolver;
    g_autoptr(GByteArray) code = NULL;
    g_autoptr(GError) error = NULL;
    char *hex = NULL;

    virDomainDebugCondResolverInit(&r, &resolver, dom, syms);
    if ((code = virDebugExprCompile(text, &resolver, &error)))
        hex = virDebugExprToHex(code);
    else
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': condition '%s': %s%s",
                                  virDomainGetName(dom), text,
                                  error->message,
                                  virDomainDebugCondHint(&r, error));
    virDomainDebugCondResolverClear(&r);
    return hex;
}


char *
virDomainDebugCompileCondition(virDomainPtr dom,
                               const char *condition,
                               virDomainDebugSymbols *syms,
                               unsigned int flags)
{
    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return NULL;
    if (!condition || !*condition) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': empty condition (see "
                                  "docs/conditions.rst for the syntax)",
                                  virDomainGetName(dom));
        return NULL;
    }
    return virDomainDebugConditionToHex(dom, condition, syms);
}


/**
 * virDomainDebugCompileDefConditions:
 *
 * Compiles the readable conditions of @def's points (from the <debug>
 * element) into bytecode, with the domain's symbols, before they are
 * armed.  Returns 0, or -1 with the error reported.
 */
int
virDomainDebugCompileDefConditions(virDomainPtr dom,
                                   virDomainDebugDef *def)
{
    virDomainDebugCondResolver r;
    virDebugExprResolver resolver;
    g_autoptr(GError) error = NULL;
    int rc;

    virDomainDebugCondResolverInit(&r, &resolver, dom, NULL);
    if ((rc = qemuDebugCompileConditions(def, &resolver, &error)) < 0)
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': %s%s", virDomainGetName(dom),
                                  error->message,
                                  virDomainDebugCondHint(&r, error));
    virDomainDebugCondResolverClear(&r);
    return rc;
}


/* ------------------------------------------------------------------ */
/* Points with conditions, ignore counts and trace actions             */

static int
virDomainDebugParseCollectMemory(virDomainPtr dom,
                                 const char *spec,
                                 virDomainDebugMemRangeDef *range)
{
    g_autofree char *copy = g_strdup(spec);
    char *colon = strrchr(copy, ':');
    char *end = NULL;
    guint64 addr;
    guint64 len;

    if (!colon)
        goto error;
    *colon = '\0';
    errno = 0;
    addr = g_ascii_strtoull(copy, &end, g_str_has_prefix(copy, "0x") ? 16 : 10);
    if (errno || end == copy || *end)
        goto error;
    len = g_ascii_strtoull(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || len > G_MAXUINT)
        goto error;
    range->addr = addr;
    range->len = len;
    return 0;

 error:
    virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                              "domain '%s': invalid memory range '%s' to "
                              "collect: expected ADDR:LEN, e.g. "
                              "0x104000:4",
                              virDomainGetName(dom), spec);
    return -1;
}


/* Typed parameters into @point (condition text not compiled yet) */
static int
virDomainDebugPointFromParams(virDomainPtr dom,
                              virTypedParameterPtr params,
                              int nparams,
                              virDomainDebugPointDef *point)
{
    g_autoptr(GPtrArray) regs = g_ptr_array_new_with_free_func(g_free);
    int i;

    for (i = 0; i < nparams; i++) {
        virTypedParameterPtr p = &params[i];
        const char *f = p->field;
        int want;

        if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION) ||
            g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION_BYTECODE) ||
            g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_REGISTER) ||
            g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_MEMORY))
            want = VIR_TYPED_PARAM_STRING;
        else if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_IGNORE) ||
                 g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE_CAPACITY))
            want = VIR_TYPED_PARAM_UINT;
        else if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE) ||
                 g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_NOTIFY_FULL))
            want = VIR_TYPED_PARAM_BOOLEAN;
        else
            want = -1;
        if (want < 0 || (int) p->type != want) {
            virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                      "domain '%s': %s debug point "
                                      "parameter '%s'%s",
                                      virDomainGetName(dom),
                                      want < 0 ? "unknown" : "mistyped", f,
                                      want < 0 ? " (see "
                                      "VIR_DOMAIN_DEBUG_POINT_PARAM_*)" :
                                      want == VIR_TYPED_PARAM_STRING ?
                                      ": expected a string" :
                                      want == VIR_TYPED_PARAM_UINT ?
                                      ": expected an unsigned int" :
                                      ": expected a boolean");
            return -1;
        }

        if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION)) {
            g_free(point->condition);
            point->condition = g_strdup(p->value.s);
        } else if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION_BYTECODE)) {
            g_free(point->conditionBytecode);
            point->conditionBytecode = g_strdup(p->value.s);
        } else if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_REGISTER)) {
            g_ptr_array_add(regs, g_strdup(p->value.s));
        } else if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_COLLECT_MEMORY)) {
            virDomainDebugMemRangeDef range;

            if (virDomainDebugParseCollectMemory(dom, p->value.s, &range) < 0)
                return -1;
            point->collectMemory = g_renew(virDomainDebugMemRangeDef,
                                           point->collectMemory,
                                           point->ncollectMemory + 1);
            point->collectMemory[point->ncollectMemory++] = range;
        } else if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_IGNORE)) {
            point->ignoreCount = p->value.ui;
        } else if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE_CAPACITY)) {
            point->traceCapacity = p->value.ui;
        } else if (g_str_equal(f, VIR_DOMAIN_DEBUG_POINT_PARAM_TRACE)) {
            point->trace = p->value.b;
        } else {
            point->notifyFull = p->value.b;
        }
    }
    if (regs->len > 0) {
        g_ptr_array_add(regs, NULL);
        point->collectRegisters = (char **) g_ptr_array_free(g_steal_pointer(&regs),
                                                             FALSE);
    }
    return 0;
}


int
virDomainDebugInsertPointParams(virDomainPtr dom,
                                virDomainDebugPointType type,
                                unsigned long long addr,
                                unsigned long long len,
                                int vcpu,
                                virTypedParameterPtr params,
                                int nparams,
                                unsigned int flags)
{
    g_auto(virDomainDebugPointDef) point = {
        .type = type, .addr = addr, .len = len, .vcpu = vcpu,
    };

    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    if (nparams < 0 || (nparams > 0 && !params)) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': invalid parameter list",
                                  virDomainGetName(dom));
        return -1;
    }
    if (virDomainDebugPointFromParams(dom, params, nparams, &point) < 0)
        return -1;
    return virDomainDebugInsertPointDef(dom, &point);
}


/* ------------------------------------------------------------------ */
/* Tracepoint records                                                  */

int
virDomainDebugTraceDrain(virDomainPtr dom, int id, unsigned int max,
                         virDomainDebugTraceRecord **records,
                         unsigned long long *dropped,
                         unsigned long long *remaining,
                         unsigned int flags)
{
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    unsigned long long d = 0;
    unsigned long long r = 0;
    size_t n = 0;

    virDomainDebugErrorReset();
    *records = NULL;
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    if (id <= 0 || max > QEMU_DEBUG_TRACE_DRAIN_MAX) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': invalid %s %u (%s)",
                                  virDomainGetName(dom),
                                  id <= 0 ? "tracepoint id" : "batch size",
                                  id <= 0 ? (unsigned int) id : max,
                                  id <= 0 ? "debug-points lists the ids" :
                                  "at most 4096 records a call");
        return -1;
    }
    cmd = qemuDebugBuildTraceDrain(id, max);
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return -1;
    if (qemuDebugParseTraceDrainReply(reply, records, &n, &d, &r,
                                      &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    if (dropped)
        *dropped = d;
    if (remaining)
        *remaining = r;
    return n;
}


void
virDomainDebugTraceRecordsFree(virDomainDebugTraceRecord *records,
                               int nrecords)
{
    qemuDebugTraceRecordsFree(records, nrecords > 0 ? nrecords : 0);
}


/* ------------------------------------------------------------------ */
/* Range and traced steps                                              */

int
virDomainDebugStepRange(virDomainPtr dom, int vcpu,
                        unsigned long long start,
                        unsigned long long end,
                        unsigned int flags)
{
    qemuDebugStepArgs args = {
        .vcpu = vcpu, .range = true, .rangeStart = start, .rangeEnd = end,
    };

    virDomainDebugErrorReset();
    if (virDomainDebugStepPrepareArgs(dom, flags, &args) < 0)
        return -1;
    return virDomainDebugRunEmpty(dom, qemuDebugBuildStepArgs(&args));
}


int
virDomainDebugStepTrace(virDomainPtr dom, int vcpu, unsigned int count,
                        const char *const *registers,
                        unsigned int flags)
{
    qemuDebugStepArgs args = {
        .vcpu = vcpu, .count = count, .trace = true,
        .traceRegisters = registers,
    };

    virDomainDebugErrorReset();
    if (virDomainDebugStepPrepareArgs(dom, flags, &args) < 0)
        return -1;
    return virDomainDebugRunEmpty(dom, qemuDebugBuildStepArgs(&args));
}


int
virDomainDebugGetStepTrace(virDomainPtr dom, int vcpu,
                           virDomainDebugStepTraceEntry **entries,
                           unsigned int flags)
{
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    size_t n = 0;

    virDomainDebugErrorReset();
    *entries = NULL;
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    cmd = qemuDebugBuildQueryStepTrace(vcpu);
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return -1;
    if (qemuDebugParseStepTraceReply(reply, entries, &n, &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    return n;
}


void
virDomainDebugStepTraceFree(virDomainDebugStepTraceEntry *entries,
                            int nentries)
{
    qemuDebugStepTraceFree(entries, nentries > 0 ? nentries : 0);
}
