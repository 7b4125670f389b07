/*
 * qemu_debug_caps.c: capabilities, and the checks made against them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every check here runs before a command is sent, so a request QEMU
 * would refuse, or worse half-apply (three of five points armed), fails
 * with a message that says what does not fit and what to do instead.
 *
 * Hardware slots.  A hardware breakpoint takes a breakpoint register, a
 * watchpoint (of any kind) a watchpoint register; software breakpoints
 * take none.  Where the capabilities say the slots are shared (x86 KVM:
 * DR0-DR3 serve both), both kinds draw on one pool.  A point bound to one
 * vCPU still takes a slot everywhere: QEMU's KVM backends keep a single
 * list of hardware points and load it into every vCPU's debug registers,
 * so binding saves nothing.  TCG reports no limit (the members are
 * absent, -1 here) and emulates any number.
 */

#include "qemu/qemu_debug_json.h"


qemuDebugCaps *
qemuDebugCapsNew(void)
{
    qemuDebugCaps *caps = g_new0(qemuDebugCaps, 1);

    caps->hwBreakpoints = -1;
    caps->hwWatchpoints = -1;
    return caps;
}


void
qemuDebugCapsFree(qemuDebugCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->accelerator);
    g_free(caps);
}


virDomainDebugCaps *
qemuDebugCapsToPublic(const qemuDebugCaps *caps)
{
    virDomainDebugCaps *pub = g_new0(virDomainDebugCaps, 1);

    pub->accelerator = g_strdup(caps->accelerator);
    pub->supported = caps->supported;
    pub->pointTypes = caps->pointTypes;
    pub->hwBreakpoints = caps->hwBreakpoints;
    pub->hwWatchpoints = caps->hwWatchpoints;
    pub->hwSlotsShared = caps->hwSlotsShared;
    pub->singleStep = caps->singleStep;
    pub->stepMaskIrq = !!(caps->stepFlags & (1U << QEMU_DEBUG_STEP_FLAG_NOIRQ));
    pub->stepMaskTimers = !!(caps->stepFlags & (1U << QEMU_DEBUG_STEP_FLAG_NOTIMER));
    pub->maxMemorySize = caps->maxMemorySize;
    pub->rangeStep = caps->rangeStep;
    pub->conditions = caps->conditions;
    pub->ignoreCount = caps->ignoreCount;
    pub->tracepoints = caps->tracepoints;
    pub->stepTrace = caps->stepTrace;
    return pub;
}


/* "KVM" for "kvm": how operators write the accelerator in prose */
static char *
qemuDebugCapsHostName(const qemuDebugCaps *caps)
{
    return g_ascii_strup(caps->accelerator ? caps->accelerator : "unknown", -1);
}


static bool
qemuDebugPointTypeIsWatch(virDomainDebugPointType type)
{
    return type == VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE ||
        type == VIR_DOMAIN_DEBUG_POINT_WATCH_READ ||
        type == VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS;
}


static const char *
qemuDebugPointTypeDescribe(virDomainDebugPointType type)
{
    switch (type) {
    case VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT:
        return "software breakpoint";
    case VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT:
        return "hardware breakpoint";
    case VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE:
        return "write watchpoint";
    case VIR_DOMAIN_DEBUG_POINT_WATCH_READ:
        return "read watchpoint";
    case VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS:
        return "access watchpoint";
    case VIR_DOMAIN_DEBUG_POINT_LAST:
        break;
    }
    return "debug point";
}


/* "write watchpoint at 0x104000 (len 4)", for error messages */
static char *
qemuDebugPointDescribe(const virDomainDebugPointDef *point)
{
    if (qemuDebugPointTypeIsWatch(point->type))
        return g_strdup_printf("%s at 0x%llx (len %llu)",
                               qemuDebugPointTypeDescribe(point->type),
                               point->addr, point->len);
    return g_strdup_printf("%s at 0x%llx",
                           qemuDebugPointTypeDescribe(point->type), point->addr);
}


int
qemuDebugCheckSupported(const qemuDebugCaps *caps,
                        GError **error)
{
    if (!caps->supported) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED,
                    "guest debugging is not supported by this QEMU "
                    "(accelerator '%s'); run the domain with a TCG or KVM "
                    "accelerator",
                    caps->accelerator ? caps->accelerator : "unknown");
        return -1;
    }
    return 0;
}


/* Conditions, ignore counts and tracepoints need a QEMU that does them */
static int
qemuDebugCheckPointExtras(const qemuDebugCaps *caps,
                          const virDomainDebugPointDef *point,
                          const char *desc,
                          GError **error)
{
    const char *what = NULL;

    if ((point->condition || point->conditionBytecode) && !caps->conditions)
        what = "conditions";
    else if (point->ignoreCount && !caps->ignoreCount)
        what = "ignore counts";
    else if (point->trace && !caps->tracepoints)
        what = "tracepoints";
    if (!what)
        return 0;
    g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED,
                "%s: this QEMU (accelerator '%s') does not evaluate %s "
                "(query-debug-capabilities says so); use a plain point, "
                "or a QEMU with the debug module's %s",
                desc, caps->accelerator ? caps->accelerator : "unknown",
                what, what);
    return -1;
}


/* The checks of one point that do not depend on the other points */
static int
qemuDebugCheckPointAlone(const qemuDebugCaps *caps,
                         const virDomainDebugPointDef *point,
                         unsigned int nvcpus,
                         GError **error)
{
    g_autofree char *desc = NULL;

    if (point->type >= VIR_DOMAIN_DEBUG_POINT_LAST) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "unknown debug point type %d at 0x%llx",
                    (int) point->type, point->addr);
        return -1;
    }

    desc = qemuDebugPointDescribe(point);

    if (!(caps->pointTypes & (1U << point->type))) {
        g_autoptr(GString) offered = g_string_new(NULL);
        g_autofree char *host = qemuDebugCapsHostName(caps);
        int t;

        for (t = 0; t < VIR_DOMAIN_DEBUG_POINT_LAST; t++) {
            if (caps->pointTypes & (1U << t))
                g_string_append_printf(offered, "%s%s", offered->len ? ", " : "",
                                       virDomainDebugPointTypeToString(t));
        }
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED,
                    "%s: this %s host does not support %s points (it offers: %s)",
                    desc, host, virDomainDebugPointTypeToString(point->type),
                    offered->len ? offered->str : "none");
        return -1;
    }

    if (qemuDebugCheckPointExtras(caps, point, desc, error) < 0)
        return -1;

    if (qemuDebugPointTypeIsWatch(point->type)) {
        unsigned long long len = point->len;

        if (len == 0 || len > QEMU_DEBUG_WATCH_LEN_MAX || (len & (len - 1))) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "%s: len must be 1, 2, 4 or 8", desc);
            return -1;
        }
        if (point->addr & (len - 1)) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "%s: the address must be aligned to the length "
                        "(0x%llx would be); watch a wider aligned range or "
                        "use several watchpoints",
                        desc, point->addr & ~(len - 1));
            return -1;
        }
    } else if (point->len != 0) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "%s: a breakpoint has no length (got %llu)",
                    desc, point->len);
        return -1;
    }

    if (point->vcpu < VIR_DOMAIN_DEBUG_VCPU_ALL ||
        (nvcpus > 0 && point->vcpu >= 0 && (unsigned int) point->vcpu >= nvcpus)) {
        if (nvcpus > 0)
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "%s is bound to vCPU %d but the domain has %u vCPU%s "
                        "(0-%u)",
                        desc, point->vcpu, nvcpus, nvcpus == 1 ? "" : "s",
                        nvcpus - 1);
        else
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                        "%s is bound to invalid vCPU %d", desc, point->vcpu);
        return -1;
    }

    return 0;
}


typedef struct {
    unsigned int bp;    /* hardware breakpoints */
    unsigned int wp;    /* watchpoints */
} qemuDebugSlotUse;


static void
qemuDebugSlotUseAdd(qemuDebugSlotUse *use,
                    virDomainDebugPointType type)
{
    if (type == VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT)
        use->bp++;
    else if (qemuDebugPointTypeIsWatch(type))
        use->wp++;
}


/* "3 hardware breakpoints and 2 watchpoints", or with @total "5 hardware
 * debug points (3 hardware breakpoints, 2 watchpoints)"; "5 watchpoints"
 * when there is one kind only. */
static char *
qemuDebugSlotUseDescribe(const qemuDebugSlotUse *use,
                         bool total)
{
    g_autofree char *bp = g_strdup_printf("%u hardware breakpoint%s",
                                          use->bp, use->bp == 1 ? "" : "s");
    g_autofree char *wp = g_strdup_printf("%u watchpoint%s",
                                          use->wp, use->wp == 1 ? "" : "s");

    if (use->wp == 0)
        return g_steal_pointer(&bp);
    if (use->bp == 0)
        return g_steal_pointer(&wp);
    if (total)
        return g_strdup_printf("%u hardware debug points (%s, %s)",
                               use->bp + use->wp, bp, wp);
    return g_strdup_printf("%s and %s", bp, wp);
}


/* Does one more point of @type fit, given @used slots?  Fills @kind with
 * what ran out ("shared debug registers", "hardware breakpoint registers"
 * ...) and @limit with its size when it does not. */
static bool
qemuDebugSlotFits(const qemuDebugCaps *caps,
                  const qemuDebugSlotUse *used,
                  virDomainDebugPointType type,
                  const char **kind,
                  int *limit)
{
    if (type == VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT &&
        caps->hwBreakpoints >= 0 && used->bp >= (unsigned int) caps->hwBreakpoints) {
        *kind = caps->hwSlotsShared ? "shared debug registers" :
            "hardware breakpoint registers";
        *limit = caps->hwBreakpoints;
        return false;
    }
    if (qemuDebugPointTypeIsWatch(type) &&
        caps->hwWatchpoints >= 0 && used->wp >= (unsigned int) caps->hwWatchpoints) {
        *kind = caps->hwSlotsShared ? "shared debug registers" :
            "watchpoint registers";
        *limit = caps->hwWatchpoints;
        return false;
    }
    if (caps->hwSlotsShared &&
        (type == VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT || qemuDebugPointTypeIsWatch(type))) {
        int pool = caps->hwBreakpoints >= 0 ? caps->hwBreakpoints : caps->hwWatchpoints;

        if (pool >= 0 && used->bp + used->wp >= (unsigned int) pool) {
            *kind = "shared debug registers";
            *limit = pool;
            return false;
        }
    }
    return true;
}


/* Checks @points (declared in a <debug> element when @declared, else one
 * interactive insert) against the capabilities and the points QEMU
 * already holds. */
static int
qemuDebugCheckPoints(const qemuDebugCaps *caps,
                     const virDomainDebugPointDef *points,
                     size_t npoints,
                     const virDomainDebugPoint *current,
                     size_t ncurrent,
                     unsigned int nvcpus,
                     bool declared,
                     GError **error)
{
    qemuDebugSlotUse inUse = { 0 };
    qemuDebugSlotUse wanted = { 0 };
    qemuDebugSlotUse used;
    size_t i;

    if (qemuDebugCheckSupported(caps, error) < 0)
        return -1;

    for (i = 0; i < npoints; i++) {
        if (qemuDebugCheckPointAlone(caps, &points[i], nvcpus, error) < 0)
            return -1;
        qemuDebugSlotUseAdd(&wanted, points[i].type);
    }

    for (i = 0; i < ncurrent; i++)
        qemuDebugSlotUseAdd(&inUse, current[i].type);

    /* Add the points one by one, so the error names the first one that
     * does not fit, but quotes the totals of the whole request. */
    used = inUse;
    for (i = 0; i < npoints; i++) {
        g_autofree char *desc = NULL;
        g_autofree char *host = NULL;
        g_autofree char *wantedDesc = NULL;
        g_autofree char *inUseDesc = NULL;
        const char *kind = NULL;
        const char *advice;
        int limit = 0;

        if (qemuDebugSlotFits(caps, &used, points[i].type, &kind, &limit)) {
            qemuDebugSlotUseAdd(&used, points[i].type);
            continue;
        }

        desc = qemuDebugPointDescribe(&points[i]);
        host = qemuDebugCapsHostName(caps);
        wantedDesc = qemuDebugSlotUseDescribe(&wanted, true);
        inUseDesc = qemuDebugSlotUseDescribe(&inUse, declared);

        /* Suggest turning hardware breakpoints into software ones only
         * where that frees what ran out. */
        if (points[i].type == VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT) {
            advice = declared ?
                "declare breakpoints type='sw' or remove points from the <debug> element" :
                "use a software breakpoint or remove a point first";
        } else if (caps->hwSlotsShared && (declared ? wanted.bp : inUse.bp) > 0) {
            advice = declared ?
                "remove points from the <debug> element or declare hardware "
                "breakpoints type='sw'" :
                "remove a point first (a hardware breakpoint could be a software one)";
        } else {
            advice = declared ?
                "remove watchpoints from the <debug> element" :
                "remove a watchpoint first";
        }

        if (!declared) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_NO_SLOTS,
                        "cannot insert %s: hardware debug slots exhausted, "
                        "all %d %s of this %s host are in use by %s; %s",
                        desc, limit, kind, host, inUseDesc, advice);
        } else if (inUse.bp + inUse.wp > 0) {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_NO_SLOTS,
                        "%s declared and %s already in use, but this %s host "
                        "has %d %s: %s does not fit; %s",
                        wantedDesc, inUseDesc, host, limit, kind, desc, advice);
        } else {
            g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_NO_SLOTS,
                        "%s declared but this %s host has %d %s: %s does not "
                        "fit; %s",
                        wantedDesc, host, limit, kind, desc, advice);
        }
        return -1;
    }

    return 0;
}


int
qemuDebugCheckInsert(const qemuDebugCaps *caps,
                     const virDomainDebugPointDef *point,
                     const virDomainDebugPoint *current,
                     size_t ncurrent,
                     unsigned int nvcpus,
                     GError **error)
{
    return qemuDebugCheckPoints(caps, point, 1, current, ncurrent,
                                nvcpus, false, error);
}


int
qemuDebugCheckDeclared(const qemuDebugCaps *caps,
                       const virDomainDebugDef *def,
                       const virDomainDebugPoint *current,
                       size_t ncurrent,
                       unsigned int nvcpus,
                       GError **error)
{
    return qemuDebugCheckPoints(caps, def->points, def->npoints,
                                current, ncurrent, nvcpus, true, error);
}


int
qemuDebugCheckStepRange(const qemuDebugCaps *caps,
                        unsigned long long start,
                        unsigned long long end,
                        GError **error)
{
    if (!caps->rangeStep) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED,
                    "this QEMU (accelerator '%s') cannot step a range; "
                    "step instructions one by one instead",
                    caps->accelerator ? caps->accelerator : "unknown");
        return -1;
    }
    if (start >= end) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "empty step range 0x%llx-0x%llx: the end must be "
                    "above the start", start, end);
        return -1;
    }
    return 0;
}


int
qemuDebugCheckStepTrace(const qemuDebugCaps *caps,
                        unsigned int count,
                        GError **error)
{
    if (!caps->stepTrace) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED,
                    "this QEMU (accelerator '%s') cannot trace a step",
                    caps->accelerator ? caps->accelerator : "unknown");
        return -1;
    }
    if (count < 1 || count > QEMU_DEBUG_STEP_TRACE_MAX) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "traced step count %u is outside 1..%d", count,
                    QEMU_DEBUG_STEP_TRACE_MAX);
        return -1;
    }
    return 0;
}


int
qemuDebugCheckStep(const qemuDebugCaps *caps,
                   unsigned int count,
                   bool noirq,
                   bool notimer,
                   GError **error)
{
    if (qemuDebugCheckSupported(caps, error) < 0)
        return -1;

    if (!caps->singleStep) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED,
                    "single-stepping is not supported by this QEMU "
                    "(accelerator '%s'); use breakpoints and continue instead",
                    caps->accelerator ? caps->accelerator : "unknown");
        return -1;
    }

    if (count < 1 || count > QEMU_DEBUG_STEP_COUNT_MAX) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "step count %u is outside 1..%d", count,
                    QEMU_DEBUG_STEP_COUNT_MAX);
        return -1;
    }

    if (noirq && !(caps->stepFlags & (1U << QEMU_DEBUG_STEP_FLAG_NOIRQ))) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED,
                    "this QEMU cannot mask interrupts while stepping; step "
                    "without masking (<debug:step mask-irq='no'/>)");
        return -1;
    }
    if (notimer && !(caps->stepFlags & (1U << QEMU_DEBUG_STEP_FLAG_NOTIMER))) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_UNSUPPORTED,
                    "this QEMU cannot mask timers while stepping; step "
                    "without masking (<debug:step mask-timers='no'/>)");
        return -1;
    }

    return 0;
}


static int
qemuDebugStepResolveOne(unsigned int flags,
                        unsigned int maskFlag,
                        unsigned int allowFlag,
                        const char *what,
                        bool dflt,
                        bool *mask,
                        GError **error)
{
    if ((flags & maskFlag) && (flags & allowFlag)) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "a step cannot both mask and allow %s", what);
        return -1;
    }
    if (flags & maskFlag)
        *mask = true;
    else if (flags & allowFlag)
        *mask = false;
    else
        *mask = dflt;
    return 0;
}


int
qemuDebugStepResolveMasks(const virDomainDebugDef *def,
                          unsigned int flags,
                          bool *noirq,
                          bool *notimer,
                          GError **error)
{
    if (qemuDebugStepResolveOne(flags, VIR_DOMAIN_DEBUG_STEP_MASK_IRQ,
                                VIR_DOMAIN_DEBUG_STEP_ALLOW_IRQ, "interrupts",
                                def ? def->stepMaskIrq : true, noirq, error) < 0 ||
        qemuDebugStepResolveOne(flags, VIR_DOMAIN_DEBUG_STEP_MASK_TIMERS,
                                VIR_DOMAIN_DEBUG_STEP_ALLOW_TIMERS, "timers",
                                def ? def->stepMaskTimers : true, notimer, error) < 0)
        return -1;
    return 0;
}


int
qemuDebugCheckMemoryAccess(const qemuDebugCaps *caps,
                           unsigned long long addr,
                           size_t size,
                           GError **error)
{
    if (size == 0) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "memory access at 0x%llx: size must be at least 1 byte",
                    addr);
        return -1;
    }
    if (size > caps->maxMemorySize) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "memory access of %zu bytes at 0x%llx is larger than this "
                    "QEMU's %llu bytes per call; split it",
                    size, addr, caps->maxMemorySize);
        return -1;
    }
    if (addr + (size - 1) < addr) {
        g_set_error(error, VIR_DEBUG_ERROR, VIR_DEBUG_ERROR_INVALID,
                    "memory access of %zu bytes at 0x%llx runs past the end "
                    "of the address space", size, addr);
        return -1;
    }
    return 0;
}
