/*
 * virsh-debug-output.c: human-readable and JSON output of virsh-debug
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Human output follows virsh: key/value blocks and tables with a dashed
 * rule.  With --json every command prints exactly one JSON document on one
 * line (so a session's output can be read as JSON lines), using the
 * library's stable names for point types and stop reasons.  Addresses are
 * strings ("0x100010") because 64-bit addresses do not survive JSON
 * numbers in most parsers.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "virsh-debug.h"

/* Event reports are printed by the event thread's consumer while the main
 * thread may print command output: one lock keeps lines whole. */
static GMutex virshDebugOutputLock;


void
virshDebugError(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    fflush(stdout);
    g_mutex_lock(&virshDebugOutputLock);
    fprintf(stderr, "error: %s\n", msg);
    fflush(stderr);
    g_mutex_unlock(&virshDebugOutputLock);
}


/* Something the user should know, on a command that still does its job */
static void G_GNUC_PRINTF(2, 0)
virshDebugStderrv(const char *prefix, const char *fmt, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);

    fflush(stdout);
    g_mutex_lock(&virshDebugOutputLock);
    fprintf(stderr, "%s: %s\n", prefix, msg);
    fflush(stderr);
    g_mutex_unlock(&virshDebugOutputLock);
}


void
virshDebugWarning(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    virshDebugStderrv("warning", fmt, ap);
    va_end(ap);
}


/* Something the operator should know that is not a problem, on stderr
 * (stdout stays the command's output). */
void
virshDebugNote(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    virshDebugStderrv("note", fmt, ap);
    va_end(ap);
}


void
virshDebugReportLibvirtError(const char *fallback)
{
    virErrorPtr err = virGetLastError();

    if (err && err->message)
        virshDebugError("%s", err->message);
    else
        virshDebugError("%s", fallback);
    virResetLastError();
}


/*
 * QEMU's messages name its QMP commands and arguments, which mean
 * nothing to someone at the virsh-debug prompt: each phrase becomes the
 * command or option that does the same here.
 */
static const struct {
    const char *qmp;
    const char *cli;
} virshDebugQmpPhrases[] = {
    { "stop it (debug-interrupt)", "stop it (debug-stop)" },
    { "(query-debug-points lists the points)", "(debug-list lists the points)" },
    { "(query-debug-gdb-xml describes the registers)",
      "(debug-regs --all lists the registers)" },
    { "(query-debug-capabilities lists the point-types)",
      "(debug-caps lists the point types)" },
    { "step it with noirq=false", "step it with --irq" },
    { "pass noirq=false", "use --irq" },
    { "pass notimer=false", "use --timers" },
    { "omit cpu-index", "omit --vcpu" },
    { "(cpu-index must be", "(--vcpu must be" },
    { "before using the QMP debug commands", "before using virsh-debug" },
    { "the QMP debug commands are", "guest debugging is" },
    { "(system_reset)", "(virsh reset)" },
};


static char *
virshDebugCliMessage(const char *msg)
{
    g_autoptr(GString) str = g_string_new(msg);
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virshDebugQmpPhrases); i++)
        g_string_replace(str, virshDebugQmpPhrases[i].qmp,
                         virshDebugQmpPhrases[i].cli, 0);
    return g_string_free(g_steal_pointer(&str), FALSE);
}


void
virshDebugReportDebugError(void)
{
    g_autofree char *msg = virshDebugCliMessage(virDomainDebugGetLastErrorMessage());

    virshDebugError("%s", msg);
    virDomainDebugResetLastError();
}


void
virshDebugPrint(virshDebugControl *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl->quiet || ctl->json)
        return;
    g_mutex_lock(&virshDebugOutputLock);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
    g_mutex_unlock(&virshDebugOutputLock);
}


static void
virshDebugPutJson(JsonBuilder *builder)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *str = NULL;

    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, FALSE);
    str = json_generator_to_data(gen, NULL);

    g_mutex_lock(&virshDebugOutputLock);
    printf("%s\n", str);
    fflush(stdout);
    g_mutex_unlock(&virshDebugOutputLock);
}


static char *
virshDebugJsonToString(JsonBuilder *builder)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(builder);

    json_generator_set_root(gen, root);
    return json_generator_to_data(gen, NULL);
}


static void
virshDebugJsonAddr(JsonBuilder *b, const char *name, unsigned long long addr)
{
    g_autofree char *str = g_strdup_printf("0x%llx", addr);

    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, str);
}


/* NAME: "guest_tick+0x4", only when a symbol covers @addr: existing
 * members never change meaning, scripts may test for the new one */
static void
virshDebugJsonSymbol(virDomainDebugSymbols *syms, JsonBuilder *b, const char *name,
                     unsigned long long addr)
{
    g_autofree char *sym = syms ? virDomainDebugSymbolsFormatAddress(syms, addr) : NULL;

    if (!sym)
        return;
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, sym);
}


static void
virshDebugJsonInt(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}


static void
virshDebugJsonStr(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}


static void
virshDebugJsonBool(JsonBuilder *b, const char *name, bool value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_boolean_value(b, value);
}


void
virshDebugPrintJsonObject(virshDebugControl *ctl, ...)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    const char *name;
    va_list ap;

    json_builder_begin_object(b);
    va_start(ap, ctl);
    while ((name = va_arg(ap, const char *))) {
        int kind = va_arg(ap, int);

        switch (kind) {
        case 's':
            virshDebugJsonStr(b, name, va_arg(ap, const char *));
            break;
        case 'i':
            virshDebugJsonInt(b, name, va_arg(ap, gint64));
            break;
        case 'b':
            virshDebugJsonBool(b, name, va_arg(ap, int));
            break;
        case 'a':
            virshDebugJsonAddr(b, name, va_arg(ap, unsigned long long));
            break;
        default:
            g_assert_not_reached();
        }
    }
    va_end(ap);
    json_builder_end_object(b);
    virshDebugPutJson(b);
}


static const char *
virshDebugStopReasonName(virDomainDebugStopReason reason)
{
    const char *name = virDomainDebugStopReasonName(reason);

    return name ? name : "unknown";
}


static const char *
virshDebugPointTypeName(virDomainDebugPointType type)
{
    const char *name = virDomainDebugPointTypeName(type);

    return name ? name : "unknown";
}


static void
virshDebugJsonStopMembers(virDomainDebugSymbols *syms, JsonBuilder *b,
                          const virDomainDebugStopInfo *stop)
{
    virshDebugJsonInt(b, "vcpu", stop->vcpu);
    virshDebugJsonBool(b, "stopped", stop->stopped);
    if (!stop->stopped)
        return;
    virshDebugJsonStr(b, "reason", virshDebugStopReasonName(stop->reason));
    virshDebugJsonAddr(b, "pc", stop->pc);
    virshDebugJsonSymbol(syms, b, "pc-symbol", stop->pc);
    if (stop->pointId >= 0)
        virshDebugJsonInt(b, "point", stop->pointId);
    if (stop->hasWatch) {
        virshDebugJsonAddr(b, "watch-address", stop->watchAddr);
        virshDebugJsonSymbol(syms, b, "watch-symbol", stop->watchAddr);
        virshDebugJsonAddr(b, "hit-address", stop->hitAddr);
        virshDebugJsonSymbol(syms, b, "hit-symbol", stop->hitAddr);
    }
}


/* "0x100090 <guest_tick>", or "0x100090" without a symbol */
static char *
virshDebugShortAddr(virDomainDebugSymbols *syms, unsigned long long addr)
{
    g_autofree char *sym = syms ? virDomainDebugSymbolsFormatAddress(syms, addr) : NULL;

    if (!sym)
        return g_strdup_printf("0x%llx", addr);
    return g_strdup_printf("0x%llx <%s>", addr, sym);
}


/**
 * virshDebugFormatStop:
 *
 * One debug-exit report, without a newline:
 *   debug-exit: vcpu 0 hw-breakpoint at 0x100010 <guest_tick> (point 1)
 * (the symbol when one covers the address) or its JSON document.
 */
char *
virshDebugFormatStop(virshDebugControl *ctl, const char *domain,
                     const virDomainDebugStopInfo *stop)
{
    /* may run in the event thread: the table of the stop's domain, not
     * the current command's */
    virDomainDebugSymbols *syms = virshDebugSymbolsForDomain(ctl, domain);
    g_autoptr(GString) str = NULL;
    g_autofree char *pc = NULL;

    if (ctl->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        virshDebugJsonStr(b, "event", "debug-exit");
        virshDebugJsonStr(b, "domain", domain);
        virshDebugJsonStopMembers(syms, b, stop);
        json_builder_end_object(b);
        return virshDebugJsonToString(b);
    }

    str = g_string_new(NULL);
    pc = virshDebugShortAddr(syms, stop->pc);
    g_string_append_printf(str, "debug-exit: vcpu %d %s at %s",
                           stop->vcpu, virshDebugStopReasonName(stop->reason), pc);
    if (stop->pointId >= 0)
        g_string_append_printf(str, " (point %d)", stop->pointId);
    if (stop->hasWatch) {
        g_autofree char *hit = virshDebugShortAddr(syms, stop->hitAddr);
        g_autofree char *watch = virshDebugShortAddr(syms, stop->watchAddr);

        g_string_append_printf(str, " accessing %s (watching %s)", hit, watch);
    }
    return g_string_free(g_steal_pointer(&str), FALSE);
}


void
virshDebugPrintStop(virshDebugControl *ctl, const char *domain,
                    const virDomainDebugStopInfo *stop)
{
    g_autofree char *line = virshDebugFormatStop(ctl, domain, stop);

    g_mutex_lock(&virshDebugOutputLock);
    printf("%s\n", line);
    fflush(stdout);
    g_mutex_unlock(&virshDebugOutputLock);
}


static const char *
virshDebugStopState(const virDomainDebugStopInfo *stop, bool paused)
{
    if (stop->stopped)
        return "stopped";
    return paused ? "paused" : "running";
}


void
virshDebugPrintStops(virshDebugControl *ctl,
                     const virDomainDebugStopInfo *stops, int nstops,
                     bool paused)
{
    g_autofree int *symWidth = NULL;
    int width = 0;
    int i;

    if (ctl->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_array(b);
        for (i = 0; i < nstops; i++) {
            json_builder_begin_object(b);
            virshDebugJsonStopMembers(ctl->symbols, b, &stops[i]);
            virshDebugJsonStr(b, "state", virshDebugStopState(&stops[i], paused));
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        virshDebugPutJson(b);
        return;
    }

    /* with symbols, a Symbol column after the PC, as wide as it needs */
    if (ctl->symbols) {
        width = strlen("Symbol");
        for (i = 0; i < nstops; i++) {
            g_autofree char *sym = stops[i].stopped ?
                virshDebugSymbolName(ctl, stops[i].pc) : NULL;

            if (sym)
                width = MAX(width, (int)strlen(sym));
        }
    }

    printf(" %-6s %-9s %-18s %-20s ", "vCPU", "State", "Reason", "PC");
    if (width)
        printf("%-*s  ", width, "Symbol");
    printf("%-6s %s\n", "Point", "Watch");
    printf("-----------------------------------------------------------------------------------");
    for (i = 0; width && i < width + 2; i++)
        putchar('-');
    printf("\n");
    for (i = 0; i < nstops; i++) {
        const virDomainDebugStopInfo *s = &stops[i];
        g_autofree char *pc = NULL;
        g_autofree char *sym = NULL;
        g_autofree char *point = NULL;
        g_autofree char *watch = NULL;

        if (!s->stopped) {
            printf(" %-6d %-9s %-18s %-20s ", s->vcpu,
                   virshDebugStopState(s, paused), "-", "-");
            if (width)
                printf("%-*s  ", width, "-");
            printf("%-6s %s\n", "-", "-");
            continue;
        }
        pc = g_strdup_printf("0x%016llx", s->pc);
        sym = virshDebugSymbolName(ctl, s->pc);
        point = s->pointId >= 0 ? g_strdup_printf("%d", s->pointId) : g_strdup("-");
        if (s->hasWatch) {
            g_autofree char *w = virshDebugShortAddr(ctl->symbols, s->watchAddr);
            g_autofree char *h = virshDebugShortAddr(ctl->symbols, s->hitAddr);

            watch = g_strdup_printf("%s (hit %s)", w, h);
        } else {
            watch = g_strdup("-");
        }
        printf(" %-6d %-9s %-18s %-20s ", s->vcpu, "stopped",
               virshDebugStopReasonName(s->reason), pc);
        if (width)
            printf("%-*s  ", width, sym ? sym : "-");
        printf("%-6s %s\n", point, watch);
    }
    printf("\n");
    fflush(stdout);
}


/* What a point does beyond stopping, for debug-list's last column */
static char *
virshDebugPointExtras(const virDomainDebugPoint *p)
{
    g_autoptr(GString) out = g_string_new(NULL);

    if (p->conditionText)
        g_string_append_printf(out, "  if %s", p->conditionText);
    else if (p->condition)
        g_string_append_printf(out, "  if <agent expression, %zu bytes>",
                               strlen(p->condition) / 2);
    if (p->ignoreCount)
        g_string_append_printf(out, "  (ignoring the next %llu)",
                               p->ignoreCount);
    if (p->conditionErrors)
        g_string_append_printf(out, "  %llu condition error%s: %s",
                               p->conditionErrors,
                               p->conditionErrors == 1 ? "" : "s",
                               p->lastConditionError ? p->lastConditionError : "?");
    if (p->trace)
        g_string_append_printf(out, "  %llu of %llu records buffered, "
                               "%llu dropped", p->traceRecords,
                               p->traceCapacity, p->traceDropped);
    return g_string_free(g_steal_pointer(&out), FALSE);
}


static void
virshDebugJsonPointExtras(JsonBuilder *b, const virDomainDebugPoint *p)
{
    if (p->condition) {
        virshDebugJsonStr(b, "condition", p->conditionText);
        virshDebugJsonStr(b, "condition-bytecode", p->condition);
        virshDebugJsonInt(b, "condition-errors", p->conditionErrors);
        if (p->lastConditionError)
            virshDebugJsonStr(b, "last-condition-error", p->lastConditionError);
    }
    virshDebugJsonInt(b, "ignore", p->ignoreCount);
    virshDebugJsonBool(b, "trace", p->trace);
    if (p->trace) {
        virshDebugJsonInt(b, "trace-records", p->traceRecords);
        virshDebugJsonInt(b, "trace-dropped", p->traceDropped);
        virshDebugJsonInt(b, "trace-capacity", p->traceCapacity);
    }
}


void
virshDebugPrintPoints(virshDebugControl *ctl,
                      const virDomainDebugPoint *points, int npoints)
{
    int width = 0;
    int i;

    if (ctl->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_array(b);
        for (i = 0; i < npoints; i++) {
            const virDomainDebugPoint *p = &points[i];

            json_builder_begin_object(b);
            virshDebugJsonInt(b, "id", p->id);
            virshDebugJsonStr(b, "type", virshDebugPointTypeName(p->type));
            virshDebugJsonAddr(b, "address", p->addr);
            virshDebugJsonSymbol(ctl->symbols, b, "symbol", p->addr);
            virshDebugJsonInt(b, "len", p->len);
            virshDebugJsonInt(b, "vcpu", p->vcpu);
            virshDebugJsonInt(b, "hits", p->hits);
            virshDebugJsonPointExtras(b, p);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        virshDebugPutJson(b);
        return;
    }

    /* with symbols, a Symbol column after the address */
    if (ctl->symbols) {
        width = strlen("Symbol");
        for (i = 0; i < npoints; i++) {
            g_autofree char *sym = virshDebugSymbolName(ctl, points[i].addr);

            if (sym)
                width = MAX(width, (int)strlen(sym));
        }
    }

    printf(" %-4s %-18s %-20s ", "Id", "Type", "Address");
    if (width)
        printf("%-*s  ", width, "Symbol");
    printf("%-5s %-6s %s\n", "Len", "vCPU", "Hits");
    printf("-----------------------------------------------------------------");
    for (i = 0; width && i < width + 2; i++)
        putchar('-');
    printf("\n");
    for (i = 0; i < npoints; i++) {
        const virDomainDebugPoint *p = &points[i];
        g_autofree char *addr = g_strdup_printf("0x%016llx", p->addr);
        g_autofree char *sym = virshDebugSymbolName(ctl, p->addr);
        g_autofree char *len = p->len ? g_strdup_printf("%llu", p->len)
                                      : g_strdup("-");
        g_autofree char *vcpu = p->vcpu >= 0 ? g_strdup_printf("%d", p->vcpu)
                                             : g_strdup("all");

        g_autofree char *extras = virshDebugPointExtras(p);

        printf(" %-4d %-18s %-20s ", p->id,
               p->trace ? "tracepoint" : virshDebugPointTypeName(p->type), addr);
        if (width)
            printf("%-*s  ", width, sym ? sym : "-");
        printf("%-5s %-6s %llu%s\n", len, vcpu, p->hits, extras);
    }
    printf("\n");
    fflush(stdout);
}


static const char *
virshDebugYesNo(int v)
{
    return v ? "yes" : "no";
}


static char *
virshDebugSlots(int n)
{
    return n < 0 ? g_strdup("unlimited") : g_strdup_printf("%d", n);
}


void
virshDebugPrintCaps(virshDebugControl *ctl, const char *domain,
                    const virDomainDebugCaps *caps)
{
    g_autoptr(GString) types = g_string_new(NULL);
    g_autofree char *hwb = virshDebugSlots(caps->hwBreakpoints);
    g_autofree char *hww = virshDebugSlots(caps->hwWatchpoints);
    int t;

    if (ctl->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        virshDebugJsonStr(b, "domain", domain);
        virshDebugJsonStr(b, "accelerator", caps->accelerator);
        virshDebugJsonBool(b, "supported", caps->supported);
        json_builder_set_member_name(b, "point-types");
        json_builder_begin_array(b);
        for (t = 0; t < VIR_DOMAIN_DEBUG_POINT_LAST; t++) {
            if (caps->pointTypes & (1U << t))
                json_builder_add_string_value(b, virshDebugPointTypeName(t));
        }
        json_builder_end_array(b);
        /* -1 (unlimited) stays -1: a number either way for scripts */
        virshDebugJsonInt(b, "hw-breakpoints", caps->hwBreakpoints);
        virshDebugJsonInt(b, "hw-watchpoints", caps->hwWatchpoints);
        virshDebugJsonBool(b, "hw-slots-shared", caps->hwSlotsShared);
        virshDebugJsonBool(b, "single-step", caps->singleStep);
        virshDebugJsonBool(b, "step-mask-irq", caps->stepMaskIrq);
        virshDebugJsonBool(b, "step-mask-timers", caps->stepMaskTimers);
        virshDebugJsonInt(b, "max-memory-size", caps->maxMemorySize);
        virshDebugJsonBool(b, "range-step", caps->rangeStep);
        virshDebugJsonBool(b, "conditions", caps->conditions);
        virshDebugJsonBool(b, "ignore-count", caps->ignoreCount);
        virshDebugJsonBool(b, "tracepoints", caps->tracepoints);
        virshDebugJsonBool(b, "step-trace", caps->stepTrace);
        json_builder_end_object(b);
        virshDebugPutJson(b);
        return;
    }

    for (t = 0; t < VIR_DOMAIN_DEBUG_POINT_LAST; t++) {
        if (caps->pointTypes & (1U << t))
            g_string_append_printf(types, "%s%s", types->len ? " " : "",
                                   virshDebugPointTypeName(t));
    }

    printf("%-22s %s\n", "Domain:", domain);
    printf("%-22s %s\n", "Accelerator:", caps->accelerator ? caps->accelerator : "-");
    printf("%-22s %s\n", "Supported:", virshDebugYesNo(caps->supported));
    printf("%-22s %s\n", "Point types:", types->len ? types->str : "-");
    printf("%-22s %s\n", "HW breakpoints:", hwb);
    printf("%-22s %s\n", "HW watchpoints:", hww);
    printf("%-22s %s\n", "HW slots shared:", virshDebugYesNo(caps->hwSlotsShared));
    printf("%-22s %s\n", "Single step:", virshDebugYesNo(caps->singleStep));
    printf("%-22s %s\n", "Step IRQ masking:", virshDebugYesNo(caps->stepMaskIrq));
    printf("%-22s %s\n", "Step timer masking:", virshDebugYesNo(caps->stepMaskTimers));
    printf("%-22s %llu bytes\n", "Memory per call:", caps->maxMemorySize);
    /* what QEMU decides without a round trip to the debugger */
    printf("%-22s %s\n", "Range steps:", virshDebugYesNo(caps->rangeStep));
    printf("%-22s %s\n", "Conditions:", virshDebugYesNo(caps->conditions));
    printf("%-22s %s\n", "Ignore counts:", virshDebugYesNo(caps->ignoreCount));
    printf("%-22s %s\n", "Tracepoints:", virshDebugYesNo(caps->tracepoints));
    printf("%-22s %s\n", "Traced steps:", virshDebugYesNo(caps->stepTrace));
    printf("\n");
    fflush(stdout);
}


/* The register's value as a number: the library hands it over in target
 * byte order (little-endian on every target we support), so reverse the
 * bytes; this also covers registers wider than 8 bytes. */
static char *
virshDebugRegisterNumber(const virDomainDebugRegister *reg)
{
    size_t len = reg->value ? strlen(reg->value) : 0;
    g_autoptr(GString) str = g_string_new("0x");
    size_t i;

    if (len == 0 || len % 2)
        return g_strdup(reg->value ? reg->value : "");
    for (i = len; i >= 2; i -= 2)
        g_string_append_len(str, reg->value + i - 2, 2);
    return g_string_free(g_steal_pointer(&str), FALSE);
}


/* Flag registers, decoded as GDB does: "[ ZF IF ]" */
typedef struct {
    const char *reg;
    const char *names[32];    /* bit N, NULL when unnamed */
} virshDebugFlagDef;

static const virshDebugFlagDef virshDebugFlags[] = {
    { "eflags", { [0] = "CF", [2] = "PF", [4] = "AF", [6] = "ZF", [7] = "SF",
                  [8] = "TF", [9] = "IF", [10] = "DF", [11] = "OF", [14] = "NT",
                  [16] = "RF", [17] = "VM", [18] = "AC", [19] = "VIF",
                  [20] = "VIP", [21] = "ID" } },
    { "cpsr", { [28] = "V", [29] = "C", [30] = "Z", [31] = "N" } },
};


/* The names of the flags set in @reg, or NULL if it is no flag register */
static GPtrArray *
virshDebugRegisterFlags(const virDomainDebugRegister *reg)
{
    unsigned long long v;
    size_t i;
    int bit;

    for (i = 0; i < G_N_ELEMENTS(virshDebugFlags); i++) {
        GPtrArray *set;

        if (!g_str_equal(reg->name, virshDebugFlags[i].reg) ||
            virDomainDebugRegisterValue(reg, &v) < 0)
            continue;
        set = g_ptr_array_new();
        for (bit = 0; bit < 32; bit++) {
            if ((v & (1ULL << bit)) && virshDebugFlags[i].names[bit])
                g_ptr_array_add(set, (gpointer)virshDebugFlags[i].names[bit]);
        }
        return set;
    }
    return NULL;
}


/* The registers that hold a code address worth naming: GDB's $pc */
static bool
virshDebugRegisterIsPc(const virDomainDebugRegister *reg)
{
    return g_str_equal(reg->name, "rip") || g_str_equal(reg->name, "eip") ||
        g_str_equal(reg->name, "pc");
}


static char *
virshDebugRegisterSymbol(virshDebugControl *ctl, const virDomainDebugRegister *reg)
{
    unsigned long long v;

    if (!ctl->symbols || !virshDebugRegisterIsPc(reg) ||
        virDomainDebugRegisterValue(reg, &v) < 0)
        return NULL;
    return virshDebugSymbolName(ctl, v);
}


void
virshDebugPrintRegisters(virshDebugControl *ctl, int vcpu,
                         const virDomainDebugRegister *regs, int nregs)
{
    size_t width = 3;
    int i;

    if (ctl->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        virshDebugJsonInt(b, "vcpu", vcpu);
        json_builder_set_member_name(b, "registers");
        json_builder_begin_array(b);
        for (i = 0; i < nregs; i++) {
            g_autofree char *num = virshDebugRegisterNumber(&regs[i]);
            g_autofree char *sym = NULL;
            g_autoptr(GPtrArray) flags = NULL;

            json_builder_begin_object(b);
            virshDebugJsonStr(b, "name", regs[i].name);
            virshDebugJsonInt(b, "number", regs[i].number);
            virshDebugJsonInt(b, "size", regs[i].size);
            virshDebugJsonStr(b, "value", num);
            virshDebugJsonStr(b, "bytes", regs[i].value);
            if ((sym = virshDebugRegisterSymbol(ctl, &regs[i]))) {
                json_builder_set_member_name(b, "symbol");
                json_builder_add_string_value(b, sym);
            }
            if ((flags = virshDebugRegisterFlags(&regs[i]))) {
                guint f;

                json_builder_set_member_name(b, "flags");
                json_builder_begin_array(b);
                for (f = 0; f < flags->len; f++)
                    json_builder_add_string_value(b, g_ptr_array_index(flags, f));
                json_builder_end_array(b);
            }
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
        virshDebugPutJson(b);
        return;
    }

    for (i = 0; i < nregs; i++)
        width = MAX(width, strlen(regs[i].name));
    for (i = 0; i < nregs; i++) {
        g_autofree char *num = virshDebugRegisterNumber(&regs[i]);
        g_autofree char *sym = virshDebugRegisterSymbol(ctl, &regs[i]);
        g_autoptr(GPtrArray) flags = virshDebugRegisterFlags(&regs[i]);

        if (sym) {
            printf("%-*s  %s <%s>\n", (int)width, regs[i].name, num, sym);
        } else if (flags) {
            g_autoptr(GString) set = g_string_new("[");
            guint f;

            for (f = 0; f < flags->len; f++)
                g_string_append_printf(set, " %s", (char *)g_ptr_array_index(flags, f));
            g_string_append(set, " ]");
            printf("%-*s  %s %s\n", (int)width, regs[i].name, num, set->str);
        } else {
            printf("%-*s  %s\n", (int)width, regs[i].name, num);
        }
    }
    fflush(stdout);
}


/**
 * virshDebugPrintMemory:
 *
 * Hex dump in xxd's layout, with guest addresses:
 *   00100000: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP
 */
void
virshDebugPrintMemory(virshDebugControl *ctl, unsigned long long addr,
                      const unsigned char *buf, size_t size)
{
    size_t off;

    if (ctl->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(GString) hex = g_string_sized_new(size * 2 + 1);

        for (off = 0; off < size; off++)
            g_string_append_printf(hex, "%02x", buf[off]);
        json_builder_begin_object(b);
        virshDebugJsonAddr(b, "address", addr);
        virshDebugJsonInt(b, "size", size);
        virshDebugJsonStr(b, "data", hex->str);
        json_builder_end_object(b);
        virshDebugPutJson(b);
        return;
    }

    for (off = 0; off < size; off += 16) {
        g_autoptr(GString) line = g_string_new(NULL);
        size_t n = MIN(16, size - off);
        size_t i;

        g_string_append_printf(line, "%08llx: ", addr + off);
        for (i = 0; i < 16; i++) {
            if (i < n)
                g_string_append_printf(line, "%02x", buf[off + i]);
            else
                g_string_append(line, "  ");
            if (i % 2)
                g_string_append_c(line, ' ');
        }
        g_string_append_c(line, ' ');
        for (i = 0; i < n; i++) {
            unsigned char c = buf[off + i];

            g_string_append_c(line, g_ascii_isprint(c) ? c : '.');
        }
        printf("%s\n", line->str);
    }
    fflush(stdout);
}


void
virshDebugPrintConfig(virshDebugControl *ctl, const char *xml)
{
    if (ctl->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        virshDebugJsonStr(b, "xml", xml);
        json_builder_end_object(b);
        virshDebugPutJson(b);
        return;
    }
    printf("%s%s", xml, g_str_has_suffix(xml, "\n") ? "" : "\n");
    fflush(stdout);
}


/* "rip=0x1000c3 rax=0x5" */
static void
virshDebugAppendRegs(GString *out, const virDomainDebugRegister *regs,
                     int nregs)
{
    int i;

    for (i = 0; i < nregs; i++) {
        g_autofree char *num = virshDebugRegisterNumber(&regs[i]);

        g_string_append_printf(out, " %s=%s", regs[i].name, num);
    }
}


static void
virshDebugJsonRegs(JsonBuilder *b, const virDomainDebugRegister *regs,
                   int nregs)
{
    int i;

    if (nregs <= 0)
        return;
    json_builder_set_member_name(b, "registers");
    json_builder_begin_object(b);
    for (i = 0; i < nregs; i++) {
        g_autofree char *num = virshDebugRegisterNumber(&regs[i]);

        virshDebugJsonStr(b, regs[i].name, num);
    }
    json_builder_end_object(b);
}


/* Up to 8 bytes: the little-endian number too, as a guest variable */
static char *
virshDebugTraceMemoryValue(const virDomainDebugTraceMemory *m)
{
    g_autoptr(GString) out = g_string_new(NULL);
    size_t i;

    if (!m->data)
        return g_strdup_printf("<%s>", m->error ? m->error : "unreadable");
    if (m->len <= 8) {
        unsigned long long v = 0;

        for (i = m->len; i > 0; i--)
            v = (v << 8) | m->data[i - 1];
        return g_strdup_printf("0x%llx", v);
    }
    for (i = 0; i < m->len; i++)
        g_string_append_printf(out, "%02x", m->data[i]);
    return g_string_free(g_steal_pointer(&out), FALSE);
}


/**
 * virshDebugPrintTraceRecords:
 *
 * One line per record: in text, "#SEQ vCPU N at ADDR <symbol> regs mem";
 * in JSON, one object per line (so that --follow streams JSON lines).
 */
void
virshDebugPrintTraceRecords(virshDebugControl *ctl,
                            const virDomainDebugTraceRecord *recs, int n)
{
    int i;
    int m;

    for (i = 0; i < n; i++) {
        const virDomainDebugTraceRecord *r = &recs[i];
        g_autofree char *sym = virshDebugSymbolName(ctl, r->pc);

        if (ctl->json) {
            g_autoptr(JsonBuilder) b = json_builder_new();

            json_builder_begin_object(b);
            virshDebugJsonInt(b, "seq", r->seq);
            virshDebugJsonInt(b, "vcpu", r->vcpu);
            virshDebugJsonAddr(b, "pc", r->pc);
            virshDebugJsonSymbol(ctl->symbols, b, "symbol", r->pc);
            virshDebugJsonInt(b, "timestamp", r->timestamp);
            virshDebugJsonRegs(b, r->regs, r->nregs);
            if (r->nmem > 0) {
                json_builder_set_member_name(b, "memory");
                json_builder_begin_array(b);
                for (m = 0; m < r->nmem; m++) {
                    const virDomainDebugTraceMemory *mem = &r->mem[m];

                    json_builder_begin_object(b);
                    virshDebugJsonAddr(b, "address", mem->addr);
                    virshDebugJsonInt(b, "len", mem->len);
                    if (mem->data) {
                        g_autofree char *hex = g_malloc0(mem->len * 2 + 1);
                        size_t k;

                        for (k = 0; k < mem->len; k++)
                            g_snprintf(hex + k * 2, 3, "%02x", mem->data[k]);
                        virshDebugJsonStr(b, "bytes", hex);
                    } else {
                        virshDebugJsonStr(b, "error", mem->error);
                    }
                    json_builder_end_object(b);
                }
                json_builder_end_array(b);
            }
            json_builder_end_object(b);
            virshDebugPutJson(b);
        } else {
            g_autoptr(GString) line = g_string_new(NULL);

            g_string_append_printf(line, "#%llu vCPU %d at 0x%llx", r->seq,
                                   r->vcpu, r->pc);
            if (sym)
                g_string_append_printf(line, " <%s>", sym);
            virshDebugAppendRegs(line, r->regs, r->nregs);
            for (m = 0; m < r->nmem; m++) {
                g_autofree char *what = virshDebugSymbolName(ctl, r->mem[m].addr);
                g_autofree char *val = virshDebugTraceMemoryValue(&r->mem[m]);

                if (what)
                    g_string_append_printf(line, " [%s]=%s", what, val);
                else
                    g_string_append_printf(line, " [0x%llx]=%s",
                                           r->mem[m].addr, val);
            }
            virshDebugPrint(ctl, "%s\n", line->str);
        }
    }
}


/* debug-step --trace: the instructions a step executed */
void
virshDebugPrintStepTrace(virshDebugControl *ctl, int vcpu,
                         const virDomainDebugStepTraceEntry *entries, int n)
{
    int i;

    if (ctl->json) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        virshDebugJsonInt(b, "vcpu", vcpu);
        json_builder_set_member_name(b, "trace");
        json_builder_begin_array(b);
        for (i = 0; i < n; i++) {
            json_builder_begin_object(b);
            virshDebugJsonAddr(b, "pc", entries[i].pc);
            virshDebugJsonSymbol(ctl->symbols, b, "symbol", entries[i].pc);
            virshDebugJsonRegs(b, entries[i].regs, entries[i].nregs);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
        virshDebugPutJson(b);
        return;
    }
    virshDebugPrint(ctl, "%d instruction%s executed on vCPU %d:\n", n,
                    n == 1 ? "" : "s", vcpu);
    for (i = 0; i < n; i++) {
        g_autoptr(GString) line = g_string_new(NULL);
        g_autofree char *sym = virshDebugSymbolName(ctl, entries[i].pc);

        g_string_append_printf(line, "  0x%llx", entries[i].pc);
        if (sym)
            g_string_append_printf(line, " <%s>", sym);
        virshDebugAppendRegs(line, entries[i].regs, entries[i].nregs);
        virshDebugPrint(ctl, "%s\n", line->str);
    }
}
