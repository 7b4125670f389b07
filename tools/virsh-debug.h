/*
 * virsh-debug.h: shared declarations of the virsh-debug tool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virsh-debug is split by job: virsh-debug.c (main, global options, the
 * connection, handing unknown commands to virsh), virsh-debug-options.c
 * (per-command option tables and number parsing), virsh-debug-commands.c
 * (the command table and handlers), virsh-debug-events.c (the libvirt
 * event loop thread and debug-exit waiting), virsh-debug-shell.c (the
 * interactive shells) and virsh-debug-output.c (human and JSON output).
 */

#pragma once

#include <stdbool.h>
#include <glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "libvirt-debug/libvirt-debug.h"

#define VIRSH_DEBUG_PROGRAM "virsh-debug"

static inline void
virshDebugDomainRelease(virDomainPtr *dom)
{
    if (*dom)
        virDomainFree(*dom);
}

/* g_auto-style cleanup for a domain reference */
#define VIRSH_DEBUG_AUTO_DOMAIN \
    __attribute__((cleanup(virshDebugDomainRelease))) virDomainPtr

/* ------------------------------------------------------------------ */
/* Per-command options                                                 */

typedef enum {
    VIRSH_DEBUG_OT_BOOL,     /* --flag */
    VIRSH_DEBUG_OT_STRING,   /* --opt value, or positional */
    VIRSH_DEBUG_OT_ARGV,     /* every remaining positional argument */
} virshDebugOptType;

typedef enum {
    VIRSH_DEBUG_OFLAG_REQUIRED = (1 << 0),   /* must be given */
    VIRSH_DEBUG_OFLAG_POSITIONAL = (1 << 1), /* may be given without --name */
} virshDebugOptFlags;

typedef struct _virshDebugOptDef virshDebugOptDef;
struct _virshDebugOptDef {
    const char *name;
    virshDebugOptType type;
    unsigned int flags;
    const char *metavar;      /* "address", "number", ... for help */
    const char *help;
};

typedef struct _virshDebugControl virshDebugControl;
typedef struct _virshDebugCmdDef virshDebugCmdDef;
typedef struct _virshDebugCmd virshDebugCmd;

typedef bool (*virshDebugCmdHandler)(virshDebugControl *ctl,
                                     const virshDebugCmd *cmd);

typedef enum {
    /* the first option is <domain>, filled in by a debug session */
    VIRSH_DEBUG_CMD_DOMAIN = (1 << 0),
    /* needs no connection (help, quit) */
    VIRSH_DEBUG_CMD_NOCONNECT = (1 << 1),
    /* only meaningful in a shell */
    VIRSH_DEBUG_CMD_SHELL_ONLY = (1 << 2),
} virshDebugCmdFlags;

struct _virshDebugCmdDef {
    const char *name;
    virshDebugCmdHandler handler;
    const virshDebugOptDef *opts;   /* terminated by a NULL name */
    unsigned int flags;
    const char *summary;
    const char *description;
};

/* A parsed command line: one value per option of the definition. */
struct _virshDebugCmd {
    const virshDebugCmdDef *def;
    size_t nopts;
    bool *present;
    char **values;            /* VIRSH_DEBUG_OT_STRING */
    GPtrArray *argv;          /* VIRSH_DEBUG_OT_ARGV (one per command) */
};

const virshDebugCmdDef *virshDebugCommandLookup(const char *name,
                                                bool session);
const virshDebugCmdDef *virshDebugCommandTable(void);

virshDebugCmd *virshDebugCmdParse(virshDebugControl *ctl,
                                  const virshDebugCmdDef *def,
                                  int argc, char **argv);
void virshDebugCmdFree(virshDebugCmd *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virshDebugCmd, virshDebugCmdFree);

bool virshDebugCmdHas(const virshDebugCmd *cmd, const char *name);
const char *virshDebugCmdString(const virshDebugCmd *cmd, const char *name);
GPtrArray *virshDebugCmdArgv(const virshDebugCmd *cmd);

int virshDebugCmdULongLong(const virshDebugCmd *cmd, const char *name,
                           const char *what, unsigned long long dflt,
                           unsigned long long *value);
int virshDebugCmdVcpu(const virshDebugCmd *cmd, int dflt, int *vcpu);

int virshDebugParseULongLong(const char *str, unsigned long long *value);

void virshDebugCmdPrintHelp(const virshDebugCmdDef *def);
void virshDebugPrintCommandList(virshDebugControl *ctl);

/* ------------------------------------------------------------------ */
/* Control                                                             */

struct _virshDebugControl {
    char *uri;                /* -c; NULL: libvirt's default */
    bool readonly;
    bool quiet;
    bool json;
    bool interactive;         /* a shell is reading commands */

    /* Symbols (virsh-debug-symbols.c): --symbols FILE, else the domain's
     * <debug:symbols>; loaded for one domain at a time */
    char *symbolsFile;
    virDomainDebugSymbols *symbols;   /* the current command's, or NULL */
    bool symbolsOffsetSet;            /* --offset: the kernel's relocation */
    long long symbolsOffset;

    virConnectPtr conn;

    /* debug-attach's session, or NULL */
    virDomainPtr sessionDom;
    bool sessionEnd;          /* quit/detach asked for in the session */
    bool sessionDetached;     /* debug-detach ran in the session */
    bool shellEnd;            /* quit in the general shell */

    /* Debug-exit events: filled by the event thread, waited for by
     * commands (see virsh-debug-events.c). */
    GMutex eventLock;
    GCond eventCond;
    guint64 eventGeneration;
    virDomainDebugStopInfo eventStop;
    char *eventDomain;
    int eventCallbackID;      /* -1: none */
    char *eventCallbackDomain;
    /* In a debug session the event thread formats each report into
     * @reports and writes a byte to @wakeupPipe; the shell prints them
     * between commands.  The queue lives as long as the process, since
     * the event thread may still be using it when a session ends. */
    gint asyncReports;
    GAsyncQueue *reports;
    /* the event generation when the session's first command ran: every
     * debug exit after it has been queued as a report */
    bool sessionReportsMarked;
    guint64 sessionReportsFrom;
    int wakeupPipe[2];        /* also written by the SIGINT handler */
};


virConnectPtr virshDebugConnect(virshDebugControl *ctl);
virDomainPtr virshDebugCommandDomain(virshDebugControl *ctl,
                                     const virshDebugCmd *cmd);
bool virshDebugRunCommand(virshDebugControl *ctl, int argc, char **argv);
int virshDebugRunVirsh(virshDebugControl *ctl, int argc, char **argv,
                       bool replace);

/* SIGINT (and SIGTERM, SIGHUP in a shell): set by the handler, checked
 * by waits and shells; SIGTERM and SIGHUP also set virshDebugTerminated,
 * which ends the shell */
extern volatile gint virshDebugInterrupted;
extern volatile gint virshDebugTerminated;
void virshDebugInstallSignals(virshDebugControl *ctl);
void virshDebugInstallShellSignals(virshDebugControl *ctl);

/* ------------------------------------------------------------------ */
/* Errors and output                                                   */

void virshDebugError(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void virshDebugWarning(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void virshDebugNote(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void virshDebugReportLibvirtError(const char *fallback);
void virshDebugReportDebugError(void);
void virshDebugPrint(virshDebugControl *ctl, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

char *virshDebugFormatStop(virshDebugControl *ctl, const char *domain,
                           const virDomainDebugStopInfo *stop);
void virshDebugPrintStop(virshDebugControl *ctl, const char *domain,
                         const virDomainDebugStopInfo *stop);
/* @paused: the domain is paused, so a vCPU that did not stop for the
 * debugger is paused with it, not running */
void virshDebugPrintStops(virshDebugControl *ctl,
                          const virDomainDebugStopInfo *stops, int nstops,
                          bool paused);
void virshDebugPrintPoints(virshDebugControl *ctl,
                           const virDomainDebugPoint *points, int npoints);
void virshDebugPrintTraceRecords(virshDebugControl *ctl,
                                 const virDomainDebugTraceRecord *recs,
                                 int n);
void virshDebugPrintStepTrace(virshDebugControl *ctl, int vcpu,
                              const virDomainDebugStepTraceEntry *entries,
                              int n);
void virshDebugPrintCaps(virshDebugControl *ctl, const char *domain,
                         const virDomainDebugCaps *caps);
void virshDebugPrintRegisters(virshDebugControl *ctl, int vcpu,
                              const virDomainDebugRegister *regs, int nregs);
void virshDebugPrintMemory(virshDebugControl *ctl, unsigned long long addr,
                           const unsigned char *buf, size_t size);
void virshDebugPrintConfig(virshDebugControl *ctl, const char *xml);
/* a JSON object with string/number members from a NULL-terminated list
 * of (name, kind, value) triples: kind 's' string, 'i' gint64, 'b' bool
 * (int), 'a' address (unsigned long long, printed as a "0x..." string) */
void virshDebugPrintJsonObject(virshDebugControl *ctl, ...)
    G_GNUC_NULL_TERMINATED;

/* ------------------------------------------------------------------ */
/* Symbols (virsh-debug-symbols.c)                                     */

int virshDebugSymbolsLoad(virshDebugControl *ctl, virDomainPtr dom,
                          bool needed);
void virshDebugSymbolsFree(virshDebugControl *ctl);
int virshDebugSymbolsSetFile(virshDebugControl *ctl, const char *file);
int virshDebugSymbolsSetOffset(virshDebugControl *ctl, const char *offset);
virDomainDebugSymbols *virshDebugSymbolsForDomain(virshDebugControl *ctl,
                                                  const char *domain);
int virshDebugCmdAddressCheck(const virshDebugCmd *cmd, const char *name);
int virshDebugCmdAddress(virshDebugControl *ctl, virDomainPtr dom,
                         const virshDebugCmd *cmd, const char *name,
                         unsigned long long *addr);
char *virshDebugSymbolName(virshDebugControl *ctl, unsigned long long addr);
char *virshDebugAddrWithSymbol(virshDebugControl *ctl, const char *hex,
                               unsigned long long addr);

/* ------------------------------------------------------------------ */
/* Events                                                              */

int virshDebugEventLoopStart(virshDebugControl *ctl);
void virshDebugEventLoopStop(virshDebugControl *ctl);
int virshDebugEventsWatch(virshDebugControl *ctl, virDomainPtr dom);
void virshDebugEventsUnwatch(virshDebugControl *ctl);
guint64 virshDebugEventsGeneration(virshDebugControl *ctl);
int virshDebugEventsWait(virshDebugControl *ctl, guint64 since,
                         double timeout, virDomainDebugStopInfo *stop);
void virshDebugReportStop(virshDebugControl *ctl, virDomainPtr dom,
                          const virDomainDebugStopInfo *stop);

/* ------------------------------------------------------------------ */
/* Shells                                                              */

int virshDebugShell(virshDebugControl *ctl);
int virshDebugSession(virshDebugControl *ctl, virDomainPtr dom);

/* ------------------------------------------------------------------ */
/* debug-gdb (virsh-debug-gdb.c)                                       */

extern const virshDebugOptDef virshDebugOptsGdb[];

/* Conditions, tracepoints, traced steps (virsh-debug-trace.c) */
int virshDebugPointParams(virshDebugControl *ctl, virDomainPtr dom,
                          const virshDebugCmd *cmd, bool trace,
                          virTypedParameterPtr *params, int *nparams);
extern const virshDebugOptDef virshDebugOptsTraceRecords[];
bool virshDebugCmdTraceRecords(virshDebugControl *ctl,
                               const virshDebugCmd *cmd);
int virshDebugStepTraced(virDomainPtr dom, int vcpu, unsigned int count,
                         const char *regs, unsigned int flags);
int virshDebugPrintStepTraceOf(virshDebugControl *ctl, virDomainPtr dom,
                               int vcpu);
bool virshDebugCmdGdb(virshDebugControl *ctl, const virshDebugCmd *cmd);

