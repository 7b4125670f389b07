/*
 * virsh-debug-commands.c: the debug-* commands of virsh-debug
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every handler validates its own arguments before it connects, so usage
 * errors are reported without touching libvirt, then looks the domain up
 * and makes one library call.  Handlers return true on success; every
 * failure has printed one "error: ..." line saying what to do.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "virsh-debug.h"

/* A step or a stop ends with a debug-exit event that normally follows
 * within milliseconds; do not hang forever if the guest never gets there. */
#define VIRSH_DEBUG_STEP_TIMEOUT 60.0
#define VIRSH_DEBUG_STOP_TIMEOUT 10.0

/* Reads larger than this are almost certainly a typo in SIZE. */
#define VIRSH_DEBUG_MEM_MAX (64ULL * 1024 * 1024)

#define VIRSH_DEBUG_OPT_DOMAIN \
    { "domain", VIRSH_DEBUG_OT_STRING, \
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL, \
      "domain", "domain name, ID or UUID" }

#define VIRSH_DEBUG_OPT_VCPU(helpstr) \
    { "vcpu", VIRSH_DEBUG_OT_STRING, 0, "number", helpstr }

/* evaluated by QEMU at each hit (virsh-debug-trace.c) */
#define VIRSH_DEBUG_OPTS_CONDITION \
    { "if", VIRSH_DEBUG_OT_STRING, 0, "condition", \
      "fire only when this condition holds, e.g. 'u32[guest_counter] > 100' " \
      "(syntax: docs/conditions.rst); QEMU evaluates it at each hit" }, \
    { "ignore", VIRSH_DEBUG_OT_STRING, 0, "count", \
      "let the first COUNT hits (with a true condition) pass" }


static bool
virshDebugIsSessionDomain(virshDebugControl *ctl, virDomainPtr dom)
{
    return ctl->sessionDom &&
        g_str_equal(virDomainGetName(dom), virDomainGetName(ctl->sessionDom));
}


/**
 * virshDebugCurrentVcpu:
 * @vcpu: the --vcpu the user gave, or -1 for the current one
 * @note: set to a few words naming the vCPU chosen and why when the
 *        domain has several (the user did not say which), else NULL
 *
 * The current vCPU is the one that stopped for the debugger, as GDB
 * selects the thread that stopped; vCPU 0 while none is stopped.
 * Returns 0, or -1 with the error printed.
 */
static int
virshDebugCurrentVcpu(virDomainPtr dom, int *vcpu, char **note)
{
    g_autofree virDomainDebugStopInfo *stops = NULL;
    int n;
    int i;

    *note = NULL;
    if (*vcpu >= 0)
        return 0;
    if ((n = virDomainDebugGetStops(dom, &stops, 0)) < 0) {
        virshDebugReportDebugError();
        return -1;
    }
    *vcpu = 0;
    for (i = 0; i < n; i++) {
        if (stops[i].stopped) {
            *vcpu = stops[i].vcpu;
            if (n > 1)
                *note = g_strdup_printf("vCPU %d (the one stopped for the debugger)",
                                        *vcpu);
            return 0;
        }
    }
    if (n > 1)
        *note = g_strdup("vCPU 0 (no vCPU is stopped for the debugger)");
    return 0;
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_caps[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { NULL }
};

static bool
cmdDebugCaps(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    virDomainDebugCaps *caps;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (!(caps = virDomainDebugGetCapabilities(dom, 0))) {
        virshDebugReportDebugError();
        return false;
    }
    virshDebugPrintCaps(ctl, virDomainGetName(dom), caps);
    virDomainDebugCapsFree(caps);
    return true;
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_attach[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "force", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "attach even though the domain's <debug> element says allowed=\"no\"" },
    { "no-points", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "do not arm the debug points the <debug> element declares" },
    { NULL }
};

static bool
cmdDebugAttach(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    unsigned int flags = 0;
    bool channel;
    bool ok;
    int n;

    if (ctl->sessionDom) {
        virshDebugError("already in a debug session on domain '%s'; "
                        "'quit' detaches from it first",
                        virDomainGetName(ctl->sessionDom));
        return false;
    }
    if (virshDebugCmdHas(cmd, "force"))
        flags |= VIR_DOMAIN_DEBUG_ATTACH_FORCE;
    if (virshDebugCmdHas(cmd, "no-points"))
        flags |= VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS;
    /* what the session arms dies with it, even if it is killed */
    flags |= VIR_DOMAIN_DEBUG_ATTACH_LEASE;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    /* Listen before attaching: a declared breakpoint may be hit at once. */
    if (virshDebugSymbolsLoad(ctl, dom, false) < 0)
        return false;
    if (virshDebugEventsWatch(ctl, dom) < 0)
        return false;
    if ((n = virDomainDebugAttach(dom, flags)) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    channel = virDomainDebugGetTransport(dom) ==
              VIR_DOMAIN_DEBUG_TRANSPORT_TYPE_CHANNEL;
    if (ctl->json)
        virshDebugPrintJsonObject(ctl,
                                  "domain", 's', virDomainGetName(dom),
                                  "attached", 'b', TRUE,
                                  "points", 'i', (gint64)n,
                                  "transport", 's', channel ? "channel" : "monitor",
                                  NULL);
    virshDebugPrint(ctl, "Attached to domain '%s' (%s): %d debug point%s "
                    "armed. Type 'help' for commands, 'quit' to detach.\n",
                    virDomainGetName(dom),
                    channel ? "debug channel" : "libvirt monitor",
                    n, n == 1 ? "" : "s");
    ok = virshDebugSession(ctl, dom) == 0;
    ctl->sessionReportsMarked = false;
    return ok;
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_detach[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { NULL }
};

static bool
cmdDebugDetach(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    int state = -1;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    /* the operator's "no debug points left": a session's and anyone's */
    if (virDomainDebugDetach(dom, VIR_DOMAIN_DEBUG_DETACH_ALL) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    if (virshDebugIsSessionDomain(ctl, dom)) {
        ctl->sessionEnd = true;
        ctl->sessionDetached = true;
    }
    if (ctl->json)
        virshDebugPrintJsonObject(ctl,
                                  "domain", 's', virDomainGetName(dom),
                                  "detached", 'b', TRUE,
                                  NULL);
    /* A guest paused other than by the debugger (virsh suspend, a paused
     * start) stays paused: say so rather than "running". */
    if (virDomainGetState(dom, &state, NULL, 0) == 0 && state == VIR_DOMAIN_PAUSED)
        virshDebugPrint(ctl, "Detached from domain '%s': no debug points left; the "
                        "guest stays paused, as it was not stopped by the debugger "
                        "('virsh resume %s' runs it).\n", virDomainGetName(dom),
                        virDomainGetName(dom));
    else
        virshDebugPrint(ctl, "Detached from domain '%s': no debug points left, "
                        "guest running.\n", virDomainGetName(dom));
    virResetLastError();
    return true;
}


/* ------------------------------------------------------------------ */

static int
virshDebugCheckAligned(unsigned long long addr, unsigned long long len)
{
    if (addr % len == 0)
        return 0;
    virshDebugError("address 0x%llx is not aligned to the watchpoint length %llu: "
                    "use an address that is a multiple of %llu (e.g. 0x%llx)",
                    addr, len, len, addr - addr % len);
    return -1;
}


/* Inserts a point at the command's <address> (resolved once the domain
 * is known: it may be a symbol) */
static bool
virshDebugInsert(virshDebugControl *ctl, const virshDebugCmd *cmd,
                 virDomainDebugPointType type, unsigned long long len, int vcpu,
                 bool trace)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    const char *typeName = trace ? "tracepoint" : virDomainDebugPointTypeName(type);
    const char *cond = virshDebugCmdString(cmd, "if");
    g_autofree char *hex = NULL;
    g_autofree char *where = NULL;
    g_autofree char *sym = NULL;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    unsigned long long addr;
    unsigned long long ignore = 0;
    int id;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virshDebugCmdAddress(ctl, dom, cmd, "address", &addr) < 0)
        return false;
    if (len && virshDebugCheckAligned(addr, len) < 0)
        return false;
    if (virshDebugPointParams(ctl, dom, cmd, trace, &params, &nparams) < 0)
        return false;
    id = virDomainDebugInsertPointParams(dom, type, addr, len, vcpu,
                                         params, nparams, 0);
    virTypedParamsFree(params, nparams);
    if (id < 0) {
        virshDebugReportDebugError();
        return false;
    }
    virshDebugCmdULongLong(cmd, "ignore", "ignore count", 0, &ignore);
    sym = virshDebugSymbolName(ctl, addr);
    if (ctl->json)
        virshDebugPrintJsonObject(ctl,
                                  "id", 'i', (gint64)id,
                                  "type", 's', typeName,
                                  "address", 'a', addr,
                                  "len", 'i', (gint64)len,
                                  "vcpu", 'i', (gint64)vcpu,
                                  "condition", 's', cond,
                                  "ignore", 'i', (gint64)ignore,
                                  sym ? "symbol" : NULL, 's', sym,
                                  NULL);
    hex = g_strdup_printf("0x%llx", addr);
    where = virshDebugAddrWithSymbol(ctl, hex, addr);
    virshDebugPrint(ctl, "Debug point %d (%s) inserted at %s", id,
                    typeName ? typeName : "?", where);
    if (len)
        virshDebugPrint(ctl, ", %llu byte%s", len, len == 1 ? "" : "s");
    if (vcpu >= 0)
        virshDebugPrint(ctl, " on vCPU %d", vcpu);
    if (cond)
        virshDebugPrint(ctl, ", if %s", cond);
    if (ignore)
        virshDebugPrint(ctl, ", ignoring the first %llu hit%s", ignore,
                        ignore == 1 ? "" : "s");
    if (trace)
        virshDebugPrint(ctl, "; 'debug-trace-records %s %d' prints what it "
                        "collects", virDomainGetName(dom), id);
    virshDebugPrint(ctl, "\n");
    return true;
}


static const virshDebugOptDef opts_break[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "address", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL,
      "address", "guest virtual address: SYMBOL, SYMBOL+OFFSET, 0xHEX or 0dDECIMAL" },
    { "hw", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "hardware breakpoint (uses a debug register under KVM)" },
    VIRSH_DEBUG_OPT_VCPU("only stop on this vCPU (default: every vCPU)"),
    VIRSH_DEBUG_OPTS_CONDITION,
    { NULL }
};

/* debug-break and debug-trace: a breakpoint, --hw or not, that stops
 * or (@trace) collects and continues */
static bool
virshDebugInsertBreakpoint(virshDebugControl *ctl, const virshDebugCmd *cmd,
                           bool trace)
{
    int vcpu;

    if (virshDebugCmdAddressCheck(cmd, "address") < 0 ||
        virshDebugCmdVcpu(cmd, -1, &vcpu) < 0)
        return false;
    return virshDebugInsert(ctl, cmd,
                            virshDebugCmdHas(cmd, "hw") ?
                            VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT :
                            VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
                            0, vcpu, trace);
}

static bool
cmdDebugBreak(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    return virshDebugInsertBreakpoint(ctl, cmd, false);
}


static const virshDebugOptDef opts_trace[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "address", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL,
      "address", "guest virtual address: SYMBOL, SYMBOL+OFFSET, 0xHEX or 0dDECIMAL" },
    { "collect", VIRSH_DEBUG_OT_STRING, 0, "registers",
      "registers to record at each hit, separated by commas (e.g. rip,rdi)" },
    { "mem", VIRSH_DEBUG_OT_STRING, 0, "ranges",
      "memory to record at each hit: ADDR:LEN, separated by commas "
      "(ADDR a symbol or a number, LEN 1 to 4096 bytes)" },
    { "capacity", VIRSH_DEBUG_OT_STRING, 0, "number",
      "records the ring buffer holds, 1 to 65536 (default 1024); the "
      "oldest are dropped when it is full" },
    { "notify-full", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "have QEMU send an event when the buffer fills (at most one a second)" },
    { "hw", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "use a hardware breakpoint (a debug register under KVM)" },
    VIRSH_DEBUG_OPT_VCPU("only record on this vCPU (default: every vCPU)"),
    VIRSH_DEBUG_OPTS_CONDITION,
    { NULL }
};

static bool
cmdDebugTrace(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    return virshDebugInsertBreakpoint(ctl, cmd, true);
}


static const virshDebugOptDef opts_watch[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "address", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL,
      "address", "guest virtual address (SYMBOL, SYMBOL+OFFSET, 0xHEX or "
      "0dDECIMAL), aligned to the length" },
    { "len", VIRSH_DEBUG_OT_STRING, 0, "number",
      "bytes watched: 1, 2, 4 or 8 (default 4)" },
    { "read", VIRSH_DEBUG_OT_BOOL, 0, NULL, "stop on reads instead of writes" },
    { "access", VIRSH_DEBUG_OT_BOOL, 0, NULL, "stop on reads and writes" },
    VIRSH_DEBUG_OPT_VCPU("only stop on this vCPU (default: every vCPU)"),
    VIRSH_DEBUG_OPTS_CONDITION,
    { NULL }
};

static bool
cmdDebugWatch(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    virDomainDebugPointType type = VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE;
    unsigned long long addr;
    unsigned long long len;
    int vcpu;

    if (virshDebugCmdHas(cmd, "read") && virshDebugCmdHas(cmd, "access")) {
        virshDebugError("--read and --access are mutually exclusive: "
                        "--access already stops on reads and writes");
        return false;
    }
    if (virshDebugCmdHas(cmd, "read"))
        type = VIR_DOMAIN_DEBUG_POINT_WATCH_READ;
    else if (virshDebugCmdHas(cmd, "access"))
        type = VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS;

    if (virshDebugCmdAddressCheck(cmd, "address") < 0 ||
        virshDebugCmdULongLong(cmd, "len", "length", 4, &len) < 0 ||
        virshDebugCmdVcpu(cmd, -1, &vcpu) < 0)
        return false;
    if (len != 1 && len != 2 && len != 4 && len != 8) {
        virshDebugError("invalid watchpoint length %llu: expected 1, 2, 4 or 8", len);
        return false;
    }
    /* a number is checked before connecting, a symbol once resolved */
    if (virDomainDebugSymbolsParseAddress(NULL, virshDebugCmdString(cmd, "address"),
                                          &addr) == 0 &&
        virshDebugCheckAligned(addr, len) < 0)
        return false;
    virDomainDebugResetLastError();
    return virshDebugInsert(ctl, cmd, type, len, vcpu, false);
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_delete[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "id", VIRSH_DEBUG_OT_STRING, VIRSH_DEBUG_OFLAG_POSITIONAL, "id",
      "the debug point's id, as debug-list shows it" },
    { "all", VIRSH_DEBUG_OT_BOOL, 0, NULL, "delete every debug point" },
    { NULL }
};

static bool
cmdDebugDelete(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    bool all = virshDebugCmdHas(cmd, "all");
    const char *idstr = virshDebugCmdString(cmd, "id");
    unsigned long long id = 0;

    if (all == !!idstr) {
        virshDebugError("debug-delete needs either a point id or --all "
                        "(not %s); 'debug-list' shows the ids",
                        all ? "both" : "neither");
        return false;
    }
    if (idstr && (virshDebugParseULongLong(idstr, &id) < 0 ||
                  id == 0 || id > G_MAXINT)) {
        virshDebugError("invalid debug point id '%s': expected a positive number "
                        "as 'debug-list' shows it", idstr);
        return false;
    }
    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if ((all ? virDomainDebugRemoveAllPoints(dom, 0)
             : virDomainDebugRemovePoint(dom, id, 0)) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    if (ctl->json) {
        if (all)
            virshDebugPrintJsonObject(ctl, "deleted", 's', "all", NULL);
        else
            virshDebugPrintJsonObject(ctl, "deleted", 'i', (gint64)id, NULL);
    }
    if (all)
        virshDebugPrint(ctl, "All debug points deleted from domain '%s'\n",
                        virDomainGetName(dom));
    else
        virshDebugPrint(ctl, "Debug point %llu deleted\n", id);
    return true;
}


static const virshDebugOptDef opts_list[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { NULL }
};

static bool
cmdDebugList(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    virDomainDebugPoint *points = NULL;
    int n;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virshDebugSymbolsLoad(ctl, dom, false) < 0)
        return false;
    if ((n = virDomainDebugListPoints(dom, &points, 0)) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    virshDebugPrintPoints(ctl, points, n);
    virDomainDebugPointsFree(points, n);
    return true;
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_step[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "count", VIRSH_DEBUG_OT_STRING, 0, "number",
      "instructions to execute (default 1)" },
    VIRSH_DEBUG_OPT_VCPU("the vCPU to step (default: the one that stopped); the others stay stopped"),
    { "irq", VIRSH_DEBUG_OT_BOOL, 0, NULL, "let interrupts in while stepping" },
    { "no-irq", VIRSH_DEBUG_OT_BOOL, 0, NULL, "mask interrupts while stepping" },
    { "timers", VIRSH_DEBUG_OT_BOOL, 0, NULL, "let timers run while stepping" },
    { "no-timers", VIRSH_DEBUG_OT_BOOL, 0, NULL, "stop timers while stepping" },
    { "trace", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "print the address of every instruction executed (up to 100000, "
      "in one exchange with QEMU)" },
    { "regs", VIRSH_DEBUG_OT_STRING, 0, "registers",
      "with --trace: registers to print before each instruction, "
      "separated by commas" },
    { NULL }
};

static bool
cmdDebugStep(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    virDomainDebugStopInfo stop;
    unsigned long long count;
    unsigned int flags = 0;
    g_autofree char *note = NULL;
    guint64 gen;
    int vcpu;

    if (virshDebugCmdULongLong(cmd, "count", "count", 1, &count) < 0 ||
        virshDebugCmdVcpu(cmd, -1, &vcpu) < 0)
        return false;
    if (count == 0 || count > G_MAXUINT) {
        virshDebugError("invalid count %llu: expected 1 to %u instructions",
                        count, G_MAXUINT);
        return false;
    }
    if (virshDebugCmdHas(cmd, "regs") && !virshDebugCmdHas(cmd, "trace")) {
        virshDebugError("--regs needs --trace: it names the registers "
                        "printed before each traced instruction");
        return false;
    }
    if (virshDebugCmdHas(cmd, "irq") && virshDebugCmdHas(cmd, "no-irq")) {
        virshDebugError("--irq and --no-irq are mutually exclusive");
        return false;
    }
    if (virshDebugCmdHas(cmd, "timers") && virshDebugCmdHas(cmd, "no-timers")) {
        virshDebugError("--timers and --no-timers are mutually exclusive");
        return false;
    }
    if (virshDebugCmdHas(cmd, "irq"))
        flags |= VIR_DOMAIN_DEBUG_STEP_ALLOW_IRQ;
    if (virshDebugCmdHas(cmd, "no-irq"))
        flags |= VIR_DOMAIN_DEBUG_STEP_MASK_IRQ;
    if (virshDebugCmdHas(cmd, "timers"))
        flags |= VIR_DOMAIN_DEBUG_STEP_ALLOW_TIMERS;
    if (virshDebugCmdHas(cmd, "no-timers"))
        flags |= VIR_DOMAIN_DEBUG_STEP_MASK_TIMERS;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virshDebugSymbolsLoad(ctl, dom, false) < 0)
        return false;
    if (virshDebugEventsWatch(ctl, dom) < 0)
        return false;
    /* the debug-exit line names the vCPU that stepped */
    if (virshDebugCurrentVcpu(dom, &vcpu, &note) < 0)
        return false;
    virshDebugInstallSignals(ctl);
    gen = virshDebugEventsGeneration(ctl);
    if (virshDebugCmdHas(cmd, "trace")) {
        if (virshDebugStepTraced(dom, vcpu, count,
                                 virshDebugCmdString(cmd, "regs"), flags) < 0)
            return false;
    } else if (virDomainDebugStep(dom, vcpu, count, flags) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    /* The step is over when its debug-exit event arrives. */
    if (virshDebugEventsWait(ctl, gen, VIRSH_DEBUG_STEP_TIMEOUT, &stop) < 0)
        return false;
    if (virshDebugCmdHas(cmd, "trace") &&
        virshDebugPrintStepTraceOf(ctl, dom, vcpu) < 0)
        return false;
    virshDebugReportStop(ctl, dom, &stop);
    return true;
}


static const virshDebugOptDef opts_domain_only[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { NULL }
};

static bool
cmdDebugContinue(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virDomainDebugContinue(dom, 0) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    if (ctl->json)
        virshDebugPrintJsonObject(ctl, "domain", 's', virDomainGetName(dom),
                                  "running", 'b', TRUE, NULL);
    virshDebugPrint(ctl, "Domain '%s' continued\n", virDomainGetName(dom));
    return true;
}


static bool
cmdDebugStop(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    virDomainDebugStopInfo stop;
    guint64 gen;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virshDebugSymbolsLoad(ctl, dom, false) < 0)
        return false;
    if (virshDebugEventsWatch(ctl, dom) < 0)
        return false;
    virshDebugInstallSignals(ctl);
    gen = virshDebugEventsGeneration(ctl);
    if (virDomainDebugStop(dom, 0) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    if (virshDebugEventsWait(ctl, gen, VIRSH_DEBUG_STOP_TIMEOUT, &stop) < 0)
        return false;
    virshDebugReportStop(ctl, dom, &stop);
    return true;
}


/* In a debug session every debug exit is printed as it arrives: a stop
 * that is the last one reported must not be printed again by a wait
 * that finds the guest still stopped there.  An exit before the
 * session's first command (a declared point hit while attaching) was not
 * reported: the wait reports it. */
static bool
virshDebugStopReported(virshDebugControl *ctl, const virDomainDebugStopInfo *stop)
{
    bool same;

    if (!g_atomic_int_get(&ctl->asyncReports) || !ctl->sessionReportsMarked)
        return false;
    g_mutex_lock(&ctl->eventLock);
    same = ctl->eventGeneration > ctl->sessionReportsFrom &&
        ctl->eventStop.vcpu == stop->vcpu &&
        ctl->eventStop.reason == stop->reason &&
        ctl->eventStop.pc == stop->pc &&
        ctl->eventStop.pointId == stop->pointId;
    g_mutex_unlock(&ctl->eventLock);
    return same;
}


/* How long a session's wait gives the event of a stop it found to
 * arrive: the stop is in QEMU's state as soon as it happens, its event
 * follows within milliseconds (it crosses the channel or the monitor and
 * libvirt's event loop) */
#define VIRSH_DEBUG_EVENT_DELAY 5.0

/* In a debug session every debug exit is printed as its event arrives.
 * A wait can find the guest stopped before that event reached the event
 * thread: waiting for it (bounded) leaves the report to the session,
 * which prints it, instead of printing the stop twice.  A stop from
 * before the session's first command (a declared point hit while
 * attaching) was never reported and no event will come for it: false at
 * once. */
static bool
virshDebugStopComing(virshDebugControl *ctl, guint64 since,
                     const virDomainDebugStopInfo *stop)
{
    gint64 deadline = g_get_monotonic_time() +
                      (gint64)(VIRSH_DEBUG_EVENT_DELAY * G_USEC_PER_SEC);
    bool coming = false;

    if (!g_atomic_int_get(&ctl->asyncReports) || !ctl->sessionReportsMarked)
        return false;
    g_mutex_lock(&ctl->eventLock);
    if (ctl->eventGeneration <= ctl->sessionReportsFrom &&
        ctl->eventStop.vcpu == stop->vcpu &&
        ctl->eventStop.pc == stop->pc &&
        ctl->eventStop.pointId == stop->pointId) {
        g_mutex_unlock(&ctl->eventLock);
        return false;
    }
    while (ctl->eventGeneration == since &&
           !g_atomic_int_get(&virshDebugInterrupted) &&
           g_get_monotonic_time() < deadline)
        g_cond_wait_until(&ctl->eventCond, &ctl->eventLock,
                          MIN(deadline, g_get_monotonic_time() +
                              G_USEC_PER_SEC / 10));
    coming = ctl->eventGeneration != since &&
             ctl->eventStop.vcpu == stop->vcpu &&
             ctl->eventStop.pc == stop->pc &&
             ctl->eventStop.pointId == stop->pointId;
    g_mutex_unlock(&ctl->eventLock);
    return coming;
}


static const virshDebugOptDef opts_wait[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "timeout", VIRSH_DEBUG_OT_STRING, 0, "seconds",
      "give up after this many seconds (default: wait until Ctrl-C)" },
    { NULL }
};

static bool
cmdDebugWait(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    const char *tstr = virshDebugCmdString(cmd, "timeout");
    virDomainDebugStopInfo stop;
    double timeout = 0;
    guint64 gen;

    if (tstr) {
        char *end = NULL;

        timeout = g_ascii_strtod(tstr, &end);
        if (!*tstr || *end || !(timeout > 0) || timeout > 1e9) {
            virshDebugError("invalid timeout '%s': expected a positive number of seconds",
                            tstr);
            return false;
        }
    }
    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    /* Register first, then take the generation: an exit that happens
     * from here on is seen, whenever the wait starts. */
    if (virshDebugSymbolsLoad(ctl, dom, false) < 0)
        return false;
    if (virshDebugEventsWatch(ctl, dom) < 0)
        return false;
    virshDebugInstallSignals(ctl);
    gen = virshDebugEventsGeneration(ctl);

    /* A guest that is stopped already will not exit again until it is
     * resumed: report where it is instead of waiting forever.  This is
     * checked after registering, so an exit in between is seen by one or
     * the other.  (A breakpoint hit between `debug-break` and
     * `debug-wait` in a script is the common case.) */
    {
        virDomainDebugStopInfo *stops = NULL;
        int n = virDomainDebugGetStops(dom, &stops, 0);
        int i;

        if (n < 0)
            virDomainDebugResetLastError();
        for (i = 0; i < n; i++) {
            if (stops[i].stopped) {
                if (!virshDebugStopReported(ctl, &stops[i]) &&
                    !virshDebugStopComing(ctl, gen, &stops[i]))
                    virshDebugPrintStop(ctl, virDomainGetName(dom), &stops[i]);
                g_free(stops);
                return true;
            }
        }
        g_free(stops);
    }

    /* someone at a terminal sees what the silence is about */
    if (isatty(STDOUT_FILENO) && !ctl->json && !ctl->quiet) {
        g_autofree char *limit = timeout > 0 ?
            g_strdup_printf("up to %g s", timeout) : g_strdup("no time limit");

        virshDebugPrint(ctl, "Waiting for a debug exit of domain '%s' (%s; "
                        "Ctrl-C stops waiting)...\n", virDomainGetName(dom), limit);
    }

    if (virshDebugEventsWait(ctl, gen, timeout, &stop) < 0)
        return false;
    virshDebugReportStop(ctl, dom, &stop);
    return true;
}


/* Whether the whole VM is paused (virsh domstate says "paused"): then
 * every vCPU is, whichever of them stopped for the debugger.  Asked
 * after the stops, so a vCPU that stopped in between shows as stopped,
 * not as running. */
static bool
virshDebugDomainPaused(virDomainPtr dom)
{
    int state = VIR_DOMAIN_NOSTATE;
    int reason;

    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        virResetLastError();
        return false;
    }
    return state == VIR_DOMAIN_PAUSED;
}


static bool
cmdDebugWhere(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    virDomainDebugStopInfo *stops = NULL;
    int n;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virshDebugSymbolsLoad(ctl, dom, false) < 0)
        return false;
    if ((n = virDomainDebugGetStops(dom, &stops, 0)) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    virshDebugPrintStops(ctl, stops, n, virshDebugDomainPaused(dom));
    g_free(stops);
    return true;
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_regs[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    VIRSH_DEBUG_OPT_VCPU("the vCPU (default: the one that stopped for the debugger, else 0)"),
    { "all", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "every register, not only the general ones" },
    { "register", VIRSH_DEBUG_OT_ARGV, 0, "register",
      "register names (default: the general registers), e.g. rip rsp eflags" },
    { NULL }
};

/* The general registers, as GDB's 'info registers' shows them: what a
 * short look at a vCPU needs.  Vector, x87 and other registers take
 * --all (or their names). */
static const char *const virshDebugGeneralRegs[] = {
    /* x86-64 */
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
    /* i386 */
    "eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eip",
    "eflags", "cs", "ss", "ds", "es", "fs", "gs", "fs_base", "gs_base",
    "k_gs_base", "cr0", "cr2", "cr3", "cr4", "cr8", "efer",
    /* aarch64 */
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
    "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
    "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
    "sp", "pc", "cpsr",
    NULL
};


/* Moves the general registers to the front of @regs and returns how many
 * there are; all of them when the architecture has none of the names. */
static int
virshDebugGeneralRegisters(virDomainDebugRegister *regs, int n)
{
    int kept = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (g_strv_contains(virshDebugGeneralRegs, regs[i].name)) {
            virDomainDebugRegister tmp = regs[kept];

            regs[kept++] = regs[i];
            regs[i] = tmp;
        }
    }
    return kept ? kept : n;
}

static bool
cmdDebugRegs(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    GPtrArray *names = virshDebugCmdArgv(cmd);
    bool all = virshDebugCmdHas(cmd, "all");
    virDomainDebugRegister *regs = NULL;
    g_autofree char *note = NULL;
    int vcpu;
    int n;
    int shown;

    if (all && names->len) {
        virshDebugError("debug-regs takes register names or --all, not both");
        return false;
    }
    if (virshDebugCmdVcpu(cmd, -1, &vcpu) < 0)
        return false;
    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virshDebugSymbolsLoad(ctl, dom, false) < 0 ||
        virshDebugCurrentVcpu(dom, &vcpu, &note) < 0)
        return false;
    if ((n = virDomainDebugGetRegisters(dom, vcpu,
                                        names->len ? (const char **)names->pdata : NULL,
                                        names->len, &regs, 0)) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    /* the order within the general set stays the guest's */
    shown = all || names->len ? n : virshDebugGeneralRegisters(regs, n);
    if (note)
        virshDebugPrint(ctl, "%s:\n", note);
    virshDebugPrintRegisters(ctl, vcpu, regs, shown);
    virDomainDebugRegistersFree(regs, n);
    return true;
}


static const virshDebugOptDef opts_setreg[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "register", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL,
      "register", "register name, as debug-regs shows it" },
    { "value", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL,
      "value", "new value, hex (0x...) or decimal" },
    VIRSH_DEBUG_OPT_VCPU("the vCPU (default: the one that stopped for the debugger, else 0)"),
    { "raw", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "VALUE is hex bytes in target byte order, exactly the register's size "
      "(for registers wider than 64 bits)" },
    { NULL }
};

static bool
cmdDebugSetreg(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    const char *name = virshDebugCmdString(cmd, "register");
    const char *str = virshDebugCmdString(cmd, "value");
    bool raw = virshDebugCmdHas(cmd, "raw");
    unsigned long long value = 0;
    g_autofree char *note = NULL;
    int vcpu;
    int rc;

    if (virshDebugCmdVcpu(cmd, -1, &vcpu) < 0)
        return false;
    if (raw) {
        const char *p;

        for (p = str; *p; p++) {
            if (!g_ascii_isxdigit(*p))
                break;
        }
        if (!*str || *p || strlen(str) % 2) {
            virshDebugError("invalid raw value '%s': expected an even number of hex "
                            "digits in target byte order, without 0x", str);
            return false;
        }
    } else if (virshDebugParseULongLong(str, &value) < 0) {
        virshDebugError("invalid value '%s': expected a hex (0x...) or decimal number "
                        "(use --raw for registers wider than 64 bits)", str);
        return false;
    }
    if (!(dom = virshDebugCommandDomain(ctl, cmd)) ||
        virshDebugCurrentVcpu(dom, &vcpu, &note) < 0)
        return false;
    if (raw)
        rc = virDomainDebugSetRegister(dom, vcpu, name, str, 0);
    else
        rc = virDomainDebugSetRegisterValue(dom, vcpu, name, value, 0);
    if (rc < 0) {
        virshDebugReportDebugError();
        return false;
    }
    if (ctl->json)
        virshDebugPrintJsonObject(ctl, "vcpu", 'i', (gint64)vcpu,
                                  "register", 's', name,
                                  "value", 's', str, NULL);
    virshDebugPrint(ctl, "Register %s of vCPU %d set to %s\n", name, vcpu, str);
    return true;
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_mem[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "address", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL,
      "address", "guest address: SYMBOL, SYMBOL+OFFSET, 0xHEX or 0dDECIMAL" },
    { "size", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL,
      "size", "bytes to read" },
    VIRSH_DEBUG_OPT_VCPU("the vCPU whose MMU translates the address (default: the "
                         "one that stopped for the debugger, else 0)"),
    { "phys", VIRSH_DEBUG_OT_BOOL, 0, NULL, "the address is guest-physical" },
    { "file", VIRSH_DEBUG_OT_STRING, 0, "path",
      "write the raw bytes to this file instead of a hex dump" },
    { NULL }
};

static int
virshDebugCheckRange(unsigned long long addr, unsigned long long size)
{
    if (addr + size - 1 >= addr)
        return 0;
    virshDebugError("0x%llx bytes at 0x%llx run past the end of the address space",
                    size, addr);
    return -1;
}


static bool
cmdDebugMem(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    const char *file = virshDebugCmdString(cmd, "file");
    g_autofree unsigned char *buf = NULL;
    g_autoptr(GError) error = NULL;
    unsigned long long addr;
    unsigned long long size;
    unsigned int flags = 0;
    g_autofree char *note = NULL;
    int vcpu;

    if (virshDebugCmdAddressCheck(cmd, "address") < 0 ||
        virshDebugCmdULongLong(cmd, "size", "size", 0, &size) < 0 ||
        virshDebugCmdVcpu(cmd, -1, &vcpu) < 0)
        return false;
    if (size == 0 || size > VIRSH_DEBUG_MEM_MAX) {
        virshDebugError("invalid size %llu: expected 1 to %llu bytes",
                        size, VIRSH_DEBUG_MEM_MAX);
        return false;
    }
    /* a number is checked before connecting, a symbol once resolved */
    if (virDomainDebugSymbolsParseAddress(NULL, virshDebugCmdString(cmd, "address"),
                                          &addr) == 0 &&
        virshDebugCheckRange(addr, size) < 0)
        return false;
    virDomainDebugResetLastError();
    if (virshDebugCmdHas(cmd, "phys"))
        flags |= VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virshDebugCmdAddress(ctl, dom, cmd, "address", &addr) < 0 ||
        virshDebugCheckRange(addr, size) < 0)
        return false;
    /* a physical address needs no MMU: any vCPU does */
    if (flags & VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL)
        vcpu = MAX(vcpu, 0);
    else if (virshDebugCurrentVcpu(dom, &vcpu, &note) < 0)
        return false;
    buf = g_malloc(size);
    if (virDomainDebugReadMemory(dom, addr, size, buf, vcpu, flags) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    if (!file) {
        if (note)
            virshDebugPrint(ctl, "Through the MMU of %s:\n", note);
        virshDebugPrintMemory(ctl, addr, buf, size);
        return true;
    }
    if (!g_file_set_contents(file, (const char *)buf, size, &error)) {
        virshDebugError("cannot write the memory to '%s': %s", file, error->message);
        return false;
    }
    if (ctl->json)
        virshDebugPrintJsonObject(ctl, "address", 'a', addr,
                                  "size", 'i', (gint64)size,
                                  "file", 's', file, NULL);
    virshDebugPrint(ctl, "Wrote %llu bytes from 0x%llx to '%s'\n", size, addr, file);
    return true;
}


static const virshDebugOptDef opts_writemem[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "address", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL,
      "address", "guest address: SYMBOL, SYMBOL+OFFSET, 0xHEX or 0dDECIMAL" },
    { "bytes", VIRSH_DEBUG_OT_ARGV, 0, "hexbytes",
      "bytes as hex digits, e.g. 'deadbeef' or 'de ad be ef'" },
    { "file", VIRSH_DEBUG_OT_STRING, 0, "path", "write the contents of this file" },
    VIRSH_DEBUG_OPT_VCPU("the vCPU whose MMU translates the address (default: the "
                         "one that stopped for the debugger, else 0)"),
    { "phys", VIRSH_DEBUG_OT_BOOL, 0, NULL, "the address is guest-physical" },
    { NULL }
};

/* "de ad be ef", "deadbeef" and "0xde 0xad" all give the same 4 bytes. */
static GByteArray *
virshDebugParseHexBytes(GPtrArray *words)
{
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    size_t i;

    for (i = 0; i < words->len; i++) {
        const char *w = g_ptr_array_index(words, i);
        const char *p = w;

        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
            p += 2;
        if (!*p || strlen(p) % 2) {
            virshDebugError("invalid bytes '%s': expected pairs of hex digits, "
                            "e.g. 'deadbeef' or 'de ad be ef'", w);
            return NULL;
        }
        for (; *p; p += 2) {
            guint8 b;

            if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1])) {
                virshDebugError("invalid bytes '%s': '%c%c' is not a hex byte",
                                w, p[0], p[1]);
                return NULL;
            }
            b = (g_ascii_xdigit_value(p[0]) << 4) | g_ascii_xdigit_value(p[1]);
            g_byte_array_append(bytes, &b, 1);
        }
    }
    return g_steal_pointer(&bytes);
}


static bool
cmdDebugWritemem(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    GPtrArray *words = virshDebugCmdArgv(cmd);
    const char *file = virshDebugCmdString(cmd, "file");
    g_autoptr(GByteArray) bytes = NULL;
    g_autoptr(GError) error = NULL;
    unsigned long long addr;
    unsigned int flags = 0;
    g_autofree char *note = NULL;
    int vcpu;

    if (virshDebugCmdAddressCheck(cmd, "address") < 0 ||
        virshDebugCmdVcpu(cmd, -1, &vcpu) < 0)
        return false;
    if ((words->len > 0) == !!file) {
        virshDebugError("debug-writemem needs either hex bytes or --file PATH "
                        "(not %s)", file ? "both" : "neither");
        return false;
    }
    if (file) {
        gchar *contents = NULL;
        gsize len = 0;

        if (!g_file_get_contents(file, &contents, &len, &error)) {
            virshDebugError("cannot read '%s': %s", file, error->message);
            return false;
        }
        bytes = g_byte_array_new_take((guint8 *)contents, len);
        if (len == 0) {
            virshDebugError("'%s' is empty: nothing to write", file);
            return false;
        }
    } else if (!(bytes = virshDebugParseHexBytes(words))) {
        return false;
    }
    if (virshDebugCmdHas(cmd, "phys"))
        flags |= VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL;

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if (virshDebugCmdAddress(ctl, dom, cmd, "address", &addr) < 0)
        return false;
    /* a physical address needs no MMU: any vCPU does */
    if (flags & VIR_DOMAIN_DEBUG_MEMORY_PHYSICAL)
        vcpu = MAX(vcpu, 0);
    else if (virshDebugCurrentVcpu(dom, &vcpu, &note) < 0)
        return false;
    if (virDomainDebugWriteMemory(dom, addr, bytes->data, bytes->len,
                                  vcpu, flags) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    if (ctl->json)
        virshDebugPrintJsonObject(ctl, "address", 'a', addr,
                                  "size", 'i', (gint64)bytes->len, NULL);
    virshDebugPrint(ctl, "Wrote %u byte%s at 0x%llx", bytes->len,
                    bytes->len == 1 ? "" : "s", addr);
    if (note)
        virshDebugPrint(ctl, " through the MMU of %s", note);
    virshDebugPrint(ctl, "\n");
    return true;
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_config[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "live", VIRSH_DEBUG_OT_BOOL, 0, NULL, "the running domain's element" },
    { "config", VIRSH_DEBUG_OT_BOOL, 0, NULL, "the persistent configuration's element" },
    { "edit", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "edit the element with $VISUAL or $EDITOR, then validate and apply it" },
    { "set", VIRSH_DEBUG_OT_STRING, 0, "file",
      "replace the element with the <debug> element in this file" },
    { "remove", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "remove the element (the defaults apply again)" },
    { NULL }
};

static bool
virshDebugAskRetry(void)
{
    char line[64];

    if (!isatty(STDIN_FILENO))
        return false;
    printf("Try again? [y,n]: ");
    fflush(stdout);
    if (!fgets(line, sizeof(line), stdin))
        return false;
    return line[0] == 'y' || line[0] == 'Y';
}


static int
virshDebugRunEditor(const char *path)
{
    const char *editor = g_getenv("VISUAL");
    g_autoptr(GError) error = NULL;
    int status;

    if (!editor || !*editor)
        editor = g_getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";

    /* Through the shell, like virsh edit, so EDITOR="code -w" works. */
    {
        const char *argv[] = { "/bin/sh", "-c", NULL, "sh", path, NULL };
        g_autofree char *script = g_strdup_printf("%s \"$1\"", editor);

        argv[2] = script;
        if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                          NULL, NULL, NULL, NULL, &status, &error)) {
            virshDebugError("cannot run the editor '%s': %s; set VISUAL or EDITOR",
                            editor, error->message);
            return -1;
        }
    }
    if (!g_spawn_check_wait_status(status, &error)) {
        virshDebugError("the editor '%s' failed (%s); the <debug> element was "
                        "not changed", editor, error->message);
        return -1;
    }
    return 0;
}


static bool
virshDebugConfigEdit(virshDebugControl *ctl, virDomainPtr dom,
                     unsigned int getFlags, unsigned int setFlags)
{
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    bool ok = false;
    int fd;

    if (!(xml = virDomainDebugGetConfig(dom, getFlags))) {
        virshDebugReportDebugError();
        return false;
    }
    if ((fd = g_file_open_tmp("virsh-debug-XXXXXX.xml", &path, &error)) < 0) {
        virshDebugError("cannot create a temporary file to edit: %s", error->message);
        return false;
    }
    close(fd);
    if (!g_file_set_contents(path, xml, -1, &error)) {
        virshDebugError("cannot write '%s': %s", path, error->message);
        goto cleanup;
    }

    for (;;) {
        g_autofree char *edited = NULL;

        if (virshDebugRunEditor(path) < 0)
            goto cleanup;
        g_clear_error(&error);
        if (!g_file_get_contents(path, &edited, NULL, &error)) {
            virshDebugError("cannot read back '%s': %s", path, error->message);
            goto cleanup;
        }
        if (g_str_equal(edited, xml)) {
            virshDebugPrint(ctl, "Debug configuration of domain '%s' not changed.\n",
                            virDomainGetName(dom));
            ok = true;
            goto cleanup;
        }
        if (virDomainDebugSetConfig(dom, edited, setFlags) == 0)
            break;
        virshDebugReportDebugError();
        if (!virshDebugAskRetry()) {
            virshDebugError("the <debug> element of domain '%s' was not changed; "
                            "your edit is lost: rerun 'debug-config --edit'",
                            virDomainGetName(dom));
            goto cleanup;
        }
    }
    virshDebugPrint(ctl, "Debug configuration of domain '%s' edited.\n",
                    virDomainGetName(dom));
    ok = true;

 cleanup:
    unlink(path);
    return ok;
}


static bool
cmdDebugConfig(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    bool live = virshDebugCmdHas(cmd, "live");
    bool config = virshDebugCmdHas(cmd, "config");
    bool edit = virshDebugCmdHas(cmd, "edit");
    bool removeIt = virshDebugCmdHas(cmd, "remove");
    const char *setFile = virshDebugCmdString(cmd, "set");
    g_autofree char *xml = NULL;
    g_autoptr(GError) error = NULL;
    unsigned int flags = 0;

    if (edit + removeIt + !!setFile > 1) {
        virshDebugError("--edit, --set and --remove are mutually exclusive");
        return false;
    }
    if (live)
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    if (config)
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (live && config && !setFile && !removeIt) {
        virshDebugError("--live and --config together only make sense with --set "
                        "or --remove; pick one to show or edit");
        return false;
    }
    if (setFile && !g_file_get_contents(setFile, &xml, NULL, &error)) {
        virshDebugError("cannot read '%s': %s", setFile, error->message);
        return false;
    }

    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;

    if (edit)
        return virshDebugConfigEdit(ctl, dom, flags, flags);

    if (setFile || removeIt) {
        if (virDomainDebugSetConfig(dom, xml, flags) < 0) {
            virshDebugReportDebugError();
            return false;
        }
        if (ctl->json)
            virshDebugPrintJsonObject(ctl, "domain", 's', virDomainGetName(dom),
                                      removeIt ? "removed" : "set", 'b', TRUE, NULL);
        virshDebugPrint(ctl, "Debug configuration of domain '%s' %s.\n",
                        virDomainGetName(dom), removeIt ? "removed" : "set");
        return true;
    }

    if (!(xml = virDomainDebugGetConfig(dom, flags))) {
        virshDebugReportDebugError();
        return false;
    }
    virshDebugPrintConfig(ctl, xml);
    return true;
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_start[] = {
    VIRSH_DEBUG_OPT_DOMAIN,
    { "force", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "start for debugging even though the <debug> element says allowed=\"no\"" },
    { NULL }
};

static bool
cmdDebugStart(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    unsigned int flags = 0;
    int n;

    if (virshDebugCmdHas(cmd, "force"))
        flags |= VIR_DOMAIN_DEBUG_ATTACH_FORCE;
    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;
    if ((n = virDomainDebugStart(dom, flags)) < 0) {
        virshDebugReportDebugError();
        return false;
    }
    if (ctl->json)
        virshDebugPrintJsonObject(ctl, "domain", 's', virDomainGetName(dom),
                                  "started", 'b', TRUE,
                                  "points", 'i', (gint64)n, NULL);
    virshDebugPrint(ctl, "Domain '%s' started for debugging: %d debug point%s armed\n",
                    virDomainGetName(dom), n, n == 1 ? "" : "s");
    return true;
}


/* ------------------------------------------------------------------ */

static const virshDebugOptDef opts_help[] = {
    { "command", VIRSH_DEBUG_OT_STRING, VIRSH_DEBUG_OFLAG_POSITIONAL, "command",
      "show the help of this command" },
    { NULL }
};

static bool
cmdHelp(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    const char *name = virshDebugCmdString(cmd, "command");
    const virshDebugCmdDef *def;

    if (!name) {
        virshDebugPrintCommandList(ctl);
        return true;
    }
    if ((def = virshDebugCommandLookup(name, ctl->sessionDom != NULL))) {
        virshDebugCmdPrintHelp(def);
        return true;
    }
    if (ctl->sessionDom) {
        virshDebugError("unknown command '%s'; type 'help' for the debug commands",
                        name);
        return false;
    }
    /* virsh's own commands: let virsh explain them */
    {
        char *argv[] = { (char *)"help", (char *)name, NULL };

        return virshDebugRunVirsh(ctl, 2, argv, !ctl->interactive) == 0;
    }
}


static const virshDebugOptDef opts_none[] = {
    { NULL }
};

static bool
cmdQuit(virshDebugControl *ctl, const virshDebugCmd *cmd G_GNUC_UNUSED)
{
    if (ctl->sessionDom) {
        /* the session detaches on its way out */
        ctl->sessionEnd = true;
        return true;
    }
    ctl->shellEnd = true;
    return true;
}


/* ------------------------------------------------------------------ */

static const virshDebugCmdDef virshDebugCommands[] = {
    { "debug-attach", cmdDebugAttach, opts_attach, VIRSH_DEBUG_CMD_DOMAIN,
      "start an interactive debug session on a domain",
      "Attaches to the running domain (arming the points its <debug> element "
      "declares, unless --no-points) and reads debug commands without the domain "
      "argument; debug-exit events are reported as they happen.  'quit', end of "
      "input or Ctrl-C detach and leave the guest running." },
    { "debug-break", cmdDebugBreak, opts_break, VIRSH_DEBUG_CMD_DOMAIN,
      "insert a breakpoint",
      "Inserts a software breakpoint, or a hardware one with --hw, at a guest "
      "virtual address." },
    { "debug-caps", cmdDebugCaps, opts_caps, VIRSH_DEBUG_CMD_DOMAIN,
      "show the debug capabilities of a domain's QEMU",
      "Probes the running domain's QEMU for the debug API: accelerator, point "
      "types, hardware debug register counts, stepping masks." },
    { "debug-config", cmdDebugConfig, opts_config, VIRSH_DEBUG_CMD_DOMAIN,
      "show or edit the <debug> element of a domain",
      "Shows the domain's <debug> element (the defaults if it has none), or "
      "edits, replaces or removes it.  Every change is validated before it is "
      "applied." },
    { "debug-continue", cmdDebugContinue, opts_domain_only, VIRSH_DEBUG_CMD_DOMAIN,
      "resume a stopped guest",
      "Resumes every vCPU; a vCPU sitting on a breakpoint steps over it first." },
    { "debug-delete", cmdDebugDelete, opts_delete, VIRSH_DEBUG_CMD_DOMAIN,
      "delete a debug point, or all of them", NULL },
    { "debug-detach", cmdDebugDetach, opts_detach, VIRSH_DEBUG_CMD_DOMAIN,
      "stop debugging a domain",
      "Removes every debug point and resumes the guest if it is stopped, "
      "leaving it as if it had never been debugged." },
    { "debug-list", cmdDebugList, opts_list, VIRSH_DEBUG_CMD_DOMAIN,
      "list the debug points of a domain", NULL },
    { "debug-mem", cmdDebugMem, opts_mem, VIRSH_DEBUG_CMD_DOMAIN,
      "read guest memory",
      "Prints a hex dump like xxd, or writes the raw bytes to a file with --file." },
    { "debug-regs", cmdDebugRegs, opts_regs, VIRSH_DEBUG_CMD_DOMAIN,
      "show the registers of a vCPU",
      "Without names, the general registers (as GDB's 'info registers'); "
      "--all shows every register.  Flag registers are decoded "
      "(eflags 0x246 [ PF ZF IF ])." },
    { "debug-setreg", cmdDebugSetreg, opts_setreg, VIRSH_DEBUG_CMD_DOMAIN,
      "set a register of a vCPU",
      "Refused when the domain's <debug> element says writable=\"no\"." },
    { "debug-start", cmdDebugStart, opts_start, VIRSH_DEBUG_CMD_DOMAIN,
      "start a defined domain for debugging",
      "Starts the domain paused, arms the declared debug points before the "
      "first instruction, then lets it run (or keeps it stopped with "
      "<boot stop=\"yes\"/>)." },
    { "debug-step", cmdDebugStep, opts_step, VIRSH_DEBUG_CMD_DOMAIN,
      "single-step a stopped vCPU",
      "Executes instructions on one vCPU and reports where it stopped.  Without "
      "masking options the <debug> element decides (default: interrupts and "
      "timers masked).  With --trace, QEMU records the address of each "
      "instruction it executes and the list is printed before the stop." },
    { "debug-stop", cmdDebugStop, opts_domain_only, VIRSH_DEBUG_CMD_DOMAIN,
      "stop every vCPU for the debugger", NULL },
    { "debug-trace", cmdDebugTrace, opts_trace, VIRSH_DEBUG_CMD_DOMAIN,
      "insert a tracepoint: collect and continue",
      "At each hit QEMU records the registers and memory named into the "
      "tracepoint's ring buffer and the guest goes on without stopping; "
      "debug-trace-records prints what it collected." },
    { "debug-trace-records", virshDebugCmdTraceRecords,
      virshDebugOptsTraceRecords, VIRSH_DEBUG_CMD_DOMAIN,
      "print (and take out) what a tracepoint collected",
      "Prints the buffered records, oldest first, and removes them from the "
      "buffer; --follow keeps printing new ones until interrupted.  With "
      "--json, one JSON object per record and line." },
    { "debug-wait", cmdDebugWait, opts_wait, VIRSH_DEBUG_CMD_DOMAIN,
      "wait for the next debug exit",
      "Waits until a vCPU of the domain stops for the debugger (a breakpoint, "
      "a watchpoint, a step) and reports it; if a vCPU is stopped already, "
      "reports that at once.  Exits with status 1 on timeout." },
    { "debug-watch", cmdDebugWatch, opts_watch, VIRSH_DEBUG_CMD_DOMAIN,
      "insert a watchpoint",
      "Stops the guest when it writes (default), reads (--read) or accesses "
      "(--access) the watched bytes; --if and --ignore are evaluated by QEMU, "
      "the guest does not stop for a hit they let pass." },
    { "debug-where", cmdDebugWhere, opts_domain_only, VIRSH_DEBUG_CMD_DOMAIN,
      "show where each vCPU stopped", NULL },
    { "debug-writemem", cmdDebugWritemem, opts_writemem, VIRSH_DEBUG_CMD_DOMAIN,
      "write guest memory",
      "Writes hex bytes, or the contents of a file, at a guest address.  Refused "
      "when the domain's <debug> element says writable=\"no\"." },
    { "debug-gdb", virshDebugCmdGdb, virshDebugOptsGdb, VIRSH_DEBUG_CMD_DOMAIN,
      "let GDB debug the domain through libvirt",
      "Speaks GDB's remote serial protocol on stdin/stdout (gdb -ex 'target "
      "remote | virsh-debug -c URI debug-gdb DOMAIN'), or on a unix socket with "
      "--listen PATH, and carries everything over the libvirt connection: no "
      "gdbstub port on the host.  GDB's detach or kill detach the domain and "
      "leave it running." },
    { "help", cmdHelp, opts_help, VIRSH_DEBUG_CMD_NOCONNECT,
      "print help", NULL },
    { "quit", cmdQuit, opts_none,
      VIRSH_DEBUG_CMD_NOCONNECT | VIRSH_DEBUG_CMD_SHELL_ONLY,
      "leave the shell (a debug session detaches first)", NULL },
    { "exit", cmdQuit, opts_none,
      VIRSH_DEBUG_CMD_NOCONNECT | VIRSH_DEBUG_CMD_SHELL_ONLY,
      "leave the shell (a debug session detaches first)", NULL },
    { NULL }
};


const virshDebugCmdDef *
virshDebugCommandTable(void)
{
    return virshDebugCommands;
}


/**
 * virshDebugCommandLookup:
 * @session: in a debug session, "break" means "debug-break"
 *
 * Outside a session the short names are not ours: `list` is virsh's.
 */
const virshDebugCmdDef *
virshDebugCommandLookup(const char *name, bool session)
{
    size_t i;

    for (i = 0; virshDebugCommands[i].name; i++) {
        const char *n = virshDebugCommands[i].name;

        if (g_str_equal(n, name))
            return &virshDebugCommands[i];
        if (session && g_str_has_prefix(n, "debug-") &&
            g_str_equal(n + strlen("debug-"), name))
            return &virshDebugCommands[i];
    }
    return NULL;
}


void
virshDebugPrintCommandList(virshDebugControl *ctl)
{
    size_t i;

    printf(" Debugging commands%s:\n", ctl->sessionDom ?
           " (the domain is implied; 'debug-' may be left out)" : "");
    for (i = 0; virshDebugCommands[i].name; i++) {
        const virshDebugCmdDef *def = &virshDebugCommands[i];

        if ((def->flags & VIRSH_DEBUG_CMD_SHELL_ONLY) && !ctl->interactive)
            continue;
        printf("    %-18s %s\n", def->name, def->summary);
    }
    printf("\n");
    if (!ctl->sessionDom)
        printf(" Any other command is handed to virsh (see 'virsh help').\n"
               " 'help COMMAND' shows a command's options.\n\n");
    fflush(stdout);
}
