/*
 * gdb_session.c: GDB remote protocol dispatch, threads, execution and
 * stop replies
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GDB threads are the guest's vCPUs: thread id = vCPU index + 1 (GDB
 * reserves 0 for "any" and -1 for "all").  The bridge runs GDB's all-stop
 * mode: the whole guest stops on every debug exit, as it does in QEMU.
 */

#include "gdb/gdb_session_priv.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* GDB's own signal numbers (include/gdb/signals.def), not the host's */
#define GDB_SIGNAL_INT  2
#define GDB_SIGNAL_TRAP 5

gdbRspSession *
gdbRspSessionNew(const gdbRspTargetOps *ops, void *opaque,
                 unsigned int flags)
{
    gdbRspSession *session = g_new0(gdbRspSession, 1);

    session->ops = ops;
    session->opaque = opaque;
    session->flags = flags;
    session->cThread = -1;
    session->lastStop.vcpu = 0;
    session->lastStop.pointId = -1;
    session->points = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify)gdbRspPointEntryFree);
    session->pointRanges = g_hash_table_new_full(g_direct_hash,
                                                 g_direct_equal,
                                                 NULL, g_free);
    session->xmlCache = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, g_free);
    g_mutex_init(&session->lock);
    g_queue_init(&session->stops);
    session->exitSignal = -1;
    session->wakeupFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (session->wakeupFd < 0)
        g_error("eventfd: %s", g_strerror(errno));
    return session;
}


void
gdbRspSessionFree(gdbRspSession *session)
{
    if (!session)
        return;
    gdbRspRegCacheFree(session);
    gdbRspFilesClose(session);
    gdbRspLinesFree(session->lines);
    g_clear_pointer(&session->memCache, g_ptr_array_unref);
    g_hash_table_unref(session->points);
    g_hash_table_unref(session->pointRanges);
    g_hash_table_unref(session->xmlCache);
    g_queue_clear_full(&session->stops, g_free);
    g_mutex_clear(&session->lock);
    close(session->wakeupFd);
    g_free(session);
}


/**
 * gdbRspSessionError:
 * @session: the session
 * @reply: gets the E reply
 * @what: what failed, for the log line
 *
 * Turns the target's last error into an E reply, with the reason on
 * stderr when the session logs: GDB shows only "Could not insert
 * hardware breakpoint" or "Cannot access memory", so the operator needs
 * the message that names the cause.
 */
void
gdbRspSessionError(gdbRspSession *session, GString *reply, const char *what)
{
    const char *code = GDB_RSP_ERR_GENERIC;

    switch (session->ops->lastErrorCode(session->opaque)) {
    case VIR_DOMAIN_DEBUG_ERR_NO_SLOTS:
    case VIR_DOMAIN_DEBUG_ERR_UNSUPPORTED:
        code = GDB_RSP_ERR_NOSPC;
        break;
    case VIR_DOMAIN_DEBUG_ERR_DISALLOWED:
    case VIR_DOMAIN_DEBUG_ERR_READ_ONLY:
        code = GDB_RSP_ERR_ACCESS;
        break;
    case VIR_DOMAIN_DEBUG_ERR_INVALID_ARG:
        code = GDB_RSP_ERR_INVAL;
        break;
    case VIR_DOMAIN_DEBUG_ERR_QEMU:
        /* QEMU refuses unmapped memory and bad points alike; memory
         * handlers pass their own code below */
    default:
        break;
    }
    if (session->flags & GDB_RSP_SESSION_LOG_ERRORS)
        g_printerr("debug-gdb: %s: %s\n", what,
                   session->ops->lastErrorMessage(session->opaque));
    g_string_assign(reply, code);
}


/**
 * gdbRspParseThreadId:
 * @p: a thread id as GDB writes it: "-1" (all), "0" (any) or hex
 * @vcpu: set to -1 for all, the current thread for any, else tid - 1
 *
 * Returns a pointer past the id, or NULL if it is malformed.
 */
const char *
gdbRspParseThreadId(const char *p, int *vcpu)
{
    guint64 tid;

    if (p[0] == '-' && p[1] == '1') {
        *vcpu = -1;
        return p + 2;
    }
    if (!(p = gdbRspParseHexU64(p, &tid)) || tid > G_MAXINT)
        return NULL;
    *vcpu = (int)tid - 1;   /* "any" (0) becomes -1 too */
    return p;
}


static bool
gdbRspValidVcpu(gdbRspSession *session, int vcpu)
{
    return vcpu >= 0 && vcpu < session->nvcpus;
}


/* ------------------------------------------------------------------ */
/* Stops                                                               */

static void
gdbRspFormatStop(gdbRspSession *session,
                 const virDomainDebugStopInfo *stop,
                 GString *reply)
{
    const char *watch = NULL;
    int vcpu = stop->vcpu;

    if (stop->reason == VIR_DOMAIN_DEBUG_STOP_INTERRUPT) {
        /* QEMU stops vCPU 0 for an interrupt; keep GDB on the thread the
         * user was looking at, as QEMU's gdbstub does */
        if (gdbRspValidVcpu(session, session->gThread))
            vcpu = session->gThread;
        g_string_printf(reply, "T%02xthread:%02x;", GDB_SIGNAL_INT, vcpu + 1);
        return;
    }

    g_string_printf(reply, "T%02xthread:%02x;", GDB_SIGNAL_TRAP, vcpu + 1);
    gdbRspRegExpedite(session, vcpu, reply);
    switch (stop->reason) {
    case VIR_DOMAIN_DEBUG_STOP_SW_BREAKPOINT:
        if (session->gdbSwbreak)
            g_string_append(reply, "swbreak:;");
        break;
    case VIR_DOMAIN_DEBUG_STOP_HW_BREAKPOINT:
        if (session->gdbHwbreak)
            g_string_append(reply, "hwbreak:;");
        break;
    case VIR_DOMAIN_DEBUG_STOP_WATCH_WRITE:
        watch = "watch";
        break;
    case VIR_DOMAIN_DEBUG_STOP_WATCH_READ:
        watch = "rwatch";
        break;
    case VIR_DOMAIN_DEBUG_STOP_WATCH_ACCESS:
        watch = "awatch";
        break;
    case VIR_DOMAIN_DEBUG_STOP_STEP:
    case VIR_DOMAIN_DEBUG_STOP_INTERRUPT:
    case VIR_DOMAIN_DEBUG_STOP_LAST:
    default:
        break;
    }

    if (watch) {
        unsigned long long addr = stop->watchAddr;
        gdbRspPointRange *range;

        /* GDB finds the watchpoint that triggered by the address: give it
         * the accessed address when it falls inside the watched range (an
         * unaligned wider access may start before it) */
        range = g_hash_table_lookup(session->pointRanges,
                                    GINT_TO_POINTER(stop->pointId));
        if (stop->hasWatch) {
            if (!range ||
                (stop->hitAddr >= range->addr &&
                 stop->hitAddr - range->addr < range->len))
                addr = stop->hitAddr;
        } else if (range) {
            addr = range->addr;
        }
        g_string_append_printf(reply, "%s:%llx;", watch, addr);
    }
}


/**
 * gdbRspSessionPostStop:
 * @session: the session
 * @stop: a debug exit
 *
 * Queues a debug exit for the loop and wakes it.  Safe from any thread:
 * the bridge calls it from the libvirt event loop thread.
 */
/* Wakes the loop's poll() on the session's eventfd */
static void
gdbRspSessionWake(gdbRspSession *session)
{
    guint64 one = 1;

    if (write(session->wakeupFd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        g_warning("cannot wake the GDB bridge: %s", g_strerror(errno));
}


void
gdbRspSessionPostStop(gdbRspSession *session,
                      const virDomainDebugStopInfo *stop)
{
    g_mutex_lock(&session->lock);
    g_queue_push_tail(&session->stops, g_memdup2(stop, sizeof(*stop)));
    g_mutex_unlock(&session->lock);
    gdbRspSessionWake(session);
}


/**
 * gdbRspSessionPostExit:
 * @session: the session
 * @signal: 0 when the guest shut down, else the signal GDB is told the
 *          inferior died of (SIGKILL for a destroyed domain)
 *
 * From the event thread: the domain is no longer running, so the session
 * ends (gdbRspSessionTakeExit).
 */
void
gdbRspSessionPostExit(gdbRspSession *session, int signal)
{
    g_mutex_lock(&session->lock);
    session->exitSignal = signal;
    g_mutex_unlock(&session->lock);
    gdbRspSessionWake(session);
}


/**
 * gdbRspSessionTakeExit:
 * @session: the session
 * @reply: gets the stop reply that says so, "W00" or "X<signal>"
 *
 * Returns true once the domain ended: the session is over, and there is
 * nothing left to detach.  @reply is for GDB if it waits for a stop
 * reply (gdbRspSessionIsRunning); a GDB at its prompt learns it from
 * the connection's end.
 */
bool
gdbRspSessionTakeExit(gdbRspSession *session, GString *reply)
{
    int signal;

    g_mutex_lock(&session->lock);
    signal = session->exitSignal;
    g_mutex_unlock(&session->lock);
    if (signal < 0)
        return false;
    /* nothing is left to detach (gdbRspSessionDetach is a no-op now) */
    session->detached = true;
    if (signal == 0)
        g_string_assign(reply, "W00");
    else
        g_string_printf(reply, "X%02x", signal);
    return true;
}


int
gdbRspSessionWakeupFd(gdbRspSession *session)
{
    return session->wakeupFd;
}


static virDomainDebugStopInfo *
gdbRspSessionPopStops(gdbRspSession *session)
{
    virDomainDebugStopInfo *first;
    guint64 count;

    if (read(session->wakeupFd, &count, sizeof(count)) < 0 && errno != EAGAIN)
        g_warning("cannot read the GDB bridge wakeup: %s", g_strerror(errno));

    g_mutex_lock(&session->lock);
    first = g_queue_pop_head(&session->stops);
    /* All-stop: the guest stops once; anything after the first exit
     * describes the same stop (or a stale one) and is dropped */
    g_queue_clear_full(&session->stops, g_free);
    g_mutex_unlock(&session->lock);
    return first;
}


/**
 * gdbRspSessionTakeStop:
 * @session: the session
 * @reply: gets the stop reply
 *
 * Drains the stops posted since the last call.  While the target runs
 * the first one ends the run and becomes the stop reply; while it is
 * stopped they are stale (the echo of an interrupt that raced with a
 * breakpoint) and are dropped.
 *
 * Returns true if @reply holds a stop reply to send.
 */
bool
gdbRspSessionTakeStop(gdbRspSession *session, GString *reply)
{
    g_autofree virDomainDebugStopInfo *stop = gdbRspSessionPopStops(session);

    if (!stop || !session->running)
        return false;

    session->running = false;
    session->lastStop = *stop;
    gdbRspFormatStop(session, stop, reply);
    if (gdbRspValidVcpu(session, stop->vcpu) &&
        stop->reason != VIR_DOMAIN_DEBUG_STOP_INTERRUPT) {
        /* GDB switches to the thread that stopped */
        session->gThread = stop->vcpu;
        session->cThread = -1;
    }
    return true;
}


bool
gdbRspSessionIsRunning(gdbRspSession *session)
{
    return session->running;
}


bool
gdbRspSessionTakeNoAck(gdbRspSession *session)
{
    bool ret = session->noAckPending;

    session->noAckPending = false;
    return ret;
}


/**
 * gdbRspSessionStart:
 * @session: a new session on an attached target
 * @timeoutMs: how long to wait for the stop event
 *
 * GDB expects a stopped target when it connects, so stop the guest and
 * wait for the debug exit that says where.  A guest already stopped (a
 * domain started with <boot stop="yes">) refuses the interrupt; where it
 * stopped is then read back, as it is when no event arrives in time.
 *
 * Returns 0, or -1 if the guest could not be stopped.
 */
int
gdbRspSessionStart(gdbRspSession *session, int timeoutMs)
{
    g_autofree virDomainDebugStopInfo *stops = NULL;
    g_autofree virDomainDebugStopInfo *stop = NULL;
    g_autofree char *stopError = NULL;
    int nstops;
    int i;

    if ((session->nvcpus = session->ops->vcpuCount(session->opaque)) < 1)
        return -1;
    session->regCache = g_new0(gdbRspRegCache, session->nvcpus);

    if (session->ops->stop(session->opaque) < 0) {
        /* kept: the getStops below resets the target's last error */
        stopError = g_strdup(session->ops->lastErrorMessage(session->opaque));
    } else {
        struct pollfd pfd = { .fd = session->wakeupFd, .events = POLLIN };
        gint64 deadline = g_get_monotonic_time() + timeoutMs * 1000LL;
        int left;

        while (!stop &&
               (left = (deadline - g_get_monotonic_time()) / 1000) > 0) {
            if (poll(&pfd, 1, left) > 0)
                stop = gdbRspSessionPopStops(session);
        }
        if (!stop)
            g_printerr("debug-gdb: no debug-exit event after stopping the "
                       "guest; is the libvirt event loop running?\n");
    }

    if (!stop) {
        if ((nstops = session->ops->getStops(session->opaque, &stops)) < 0)
            return -1;
        for (i = 0; i < nstops && !stop; i++) {
            if (stops[i].stopped)
                stop = g_memdup2(&stops[i], sizeof(stops[i]));
        }
        if (!stop) {
            g_printerr("debug-gdb: the guest did not stop: %s\n",
                       stopError ? stopError : "no debug-exit event");
            return -1;
        }
    }

    session->lastStop = *stop;
    session->gThread = gdbRspValidVcpu(session, stop->vcpu) ? stop->vcpu : 0;
    session->running = false;
    return 0;
}


int
gdbRspSessionInterrupt(gdbRspSession *session)
{
    g_autofree virDomainDebugStopInfo *stops = NULL;
    int nstops;
    int i;

    if (!session->running)
        return 0;
    if (session->ops->stop(session->opaque) == 0)
        return 0;
    if (session->flags & GDB_RSP_SESSION_LOG_ERRORS)
        g_printerr("debug-gdb: interrupt: %s\n",
                   session->ops->lastErrorMessage(session->opaque));
    /*
     * A refusal means the guest stopped on its own meanwhile.  That
     * stop's event normally ends the run; should it never come (lost
     * with a connection, or already consumed), GDB would wait for ever
     * for its stop reply.  So post the stop the target reports now: if
     * the event comes too, the session drops whichever is second (it
     * takes one stop per run).
     */
    if ((nstops = session->ops->getStops(session->opaque, &stops)) < 0)
        return 0;
    for (i = 0; i < nstops; i++) {
        if (stops[i].stopped) {
            gdbRspSessionPostStop(session, &stops[i]);
            break;
        }
    }
    return 0;
}


/**
 * gdbRspSessionDetach:
 *
 * Removes every point and leaves the guest running (virDomainDebugDetach).
 * Idempotent: D, k and end of input all end up here.
 */
int
gdbRspSessionDetach(gdbRspSession *session)
{
    if (session->detached)
        return 0;
    if (session->ops->detach(session->opaque) < 0)
        return -1;
    session->detached = true;
    session->running = false;
    gdbRspPointsForget(session);
    gdbRspRegCacheInvalidate(session);
    return 0;
}


/* ------------------------------------------------------------------ */
/* Execution                                                           */

/* What GDB asks a resume to do */
typedef struct {
    bool step;
    int vcpu;                       /* to step; -1: the current thread */
    unsigned long long rangeStart;  /* a range step when end > start */
    unsigned long long rangeEnd;
} gdbRspResumeReq;


static gdbRspAction
gdbRspResume(gdbRspSession *session, gdbRspResumeReq *req, GString *reply)
{
    bool range = req->rangeEnd > req->rangeStart;
    int vcpu = req->vcpu;
    int rc;

    /* Whatever was queued belongs to the stop GDB already knows about */
    g_free(gdbRspSessionPopStops(session));
    gdbRspRegCacheInvalidate(session);

    if (req->step && !gdbRspValidVcpu(session, vcpu))
        vcpu = session->gThread;
    if (range)
        gdbRspLinesWiden(session, &req->rangeStart, &req->rangeEnd);

    /* running before the call: the stop may be posted before it returns */
    session->running = true;
    if (req->step && session->ops->stepSync) {
        virDomainDebugStopInfo stop;
        virDomainDebugRegister *regs = NULL;
        int nregs = 0;

        /* one exchange: the stop and the frame registers GDB reads next
         * come with the step's answer (all of them until a full read
         * told which those are) */
        rc = session->ops->stepSync(session->opaque, vcpu,
                                    req->rangeStart, req->rangeEnd,
                                    (const char *const *) session->frameNames,
                                    &stop, &regs, &nregs);
        if (rc > 0) {
            gdbRspRegCacheFill(session, stop.vcpu, regs, nregs,
                               session->frameNames != NULL);
            gdbRspSessionPostStop(session, &stop);
            return GDB_RSP_ACTION_RESUMED;
        }
        if (rc < 0) {
            session->running = false;
            gdbRspSessionError(session, reply, "step");
            return GDB_RSP_ACTION_REPLY;
        }
    }
    if (req->step && range)
        rc = session->ops->stepRange(session->opaque, vcpu,
                                     req->rangeStart, req->rangeEnd);
    else if (req->step)
        rc = session->ops->step(session->opaque, vcpu);
    else
        rc = session->ops->cont(session->opaque);
    if (rc < 0) {
        session->running = false;
        gdbRspSessionError(session, reply,
                           req->step ? "step" : "continue");
        return GDB_RSP_ACTION_REPLY;
    }
    return GDB_RSP_ACTION_RESUMED;
}


/* What the target does itself, asked once per session */
unsigned int
gdbRspSessionFeatures(gdbRspSession *session)
{
    if (!session->featuresKnown) {
        session->features = session->ops->features ?
            session->ops->features(session->opaque) : 0;
        session->featuresKnown = true;
    }
    return session->features;
}


/* Whether the target steps ranges itself (vCont;r) */
static bool
gdbRspCanRangeStep(gdbRspSession *session)
{
    return session->ops->stepRange &&
           (gdbRspSessionFeatures(session) & GDB_RSP_TARGET_RANGE_STEP);
}


/* vCont;ACTION[:TID];ACTION[:TID]...  All-stop with one stepping vCPU:
 * the first 's' or 'r' picks the vCPU to step (the others stay
 * stopped, as the debug-step command does); otherwise any 'c' continues
 * the guest.  rSTART,END steps while the pc stays in [START, END). */
static gdbRspAction
gdbRspHandleVCont(gdbRspSession *session, const char *args, GString *reply)
{
    g_auto(GStrv) actions = NULL;
    gdbRspResumeReq req = { .vcpu = -1 };
    bool cont = false;
    size_t i;

    if (*args != ';') {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return GDB_RSP_ACTION_REPLY;
    }
    actions = g_strsplit(args + 1, ";", 0);
    for (i = 0; actions[i]; i++) {
        const char *a = actions[i];
        const char *p = a + 1;
        guint64 start = 0;
        guint64 end = 0;
        int vcpu = -1;

        if (*a == 'C' || *a == 'S') {
            guint64 sig;

            /* the signal means nothing to a guest kernel: ignored */
            if (!(p = gdbRspParseHexU64(p, &sig)))
                goto invalid;
        } else if (*a == 'r') {
            if (!gdbRspCanRangeStep(session) ||
                !(p = gdbRspParseHexU64(p, &start)) || *p != ',' ||
                !(p = gdbRspParseHexU64(p + 1, &end)))
                goto invalid;
        } else if (*a != 'c' && *a != 's') {
            goto invalid;
        }
        if (*p == ':') {
            if (!(p = gdbRspParseThreadId(p + 1, &vcpu)) ||
                (vcpu != -1 && !gdbRspValidVcpu(session, vcpu)))
                goto invalid;
        }
        if (*p != '\0')
            goto invalid;

        if (*a == 's' || *a == 'S' || *a == 'r') {
            if (!req.step) {
                req.step = true;
                req.vcpu = vcpu;
                /* an empty range (start == end) is one step, as in
                 * gdbserver */
                if (*a == 'r' && end > start) {
                    req.rangeStart = start;
                    req.rangeEnd = end;
                }
            }
        } else {
            cont = true;
        }
    }
    if (!req.step && !cont)
        goto invalid;
    return gdbRspResume(session, &req, reply);

 invalid:
    g_string_assign(reply, GDB_RSP_ERR_INVAL);
    return GDB_RSP_ACTION_REPLY;
}


/* ------------------------------------------------------------------ */
/* Queries                                                             */

static void
gdbRspHandleSupported(gdbRspSession *session, const char *args,
                      GString *reply)
{
    g_auto(GStrv) features = g_strsplit(*args == ':' ? args + 1 : "", ";", 0);
    size_t i;

    for (i = 0; features[i]; i++) {
        if (g_str_equal(features[i], "swbreak+"))
            session->gdbSwbreak = true;
        else if (g_str_equal(features[i], "hwbreak+"))
            session->gdbHwbreak = true;
    }
    g_string_printf(reply,
                    "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
                    "vContSupported+;QStartNoAckMode+",
                    GDB_RSP_MAX_PACKET);
    /* Z0/Z1 may carry conditions (;X) that QEMU evaluates at each hit:
     * GDB's default "condition-evaluation auto" then sends them */
    if (session->ops->insertPoint &&
        (gdbRspSessionFeatures(session) & GDB_RSP_TARGET_CONDITIONS))
        g_string_append(reply, ";ConditionalBreakpoints+");
    /* a GDB started without a file reads the guest's symbol file */
    if (session->execFile)
        g_string_append(reply, ";qXfer:exec-file:read+");
}


static bool
gdbRspValidAnnex(const char *annex)
{
    const char *p;

    if (!*annex)
        return false;
    for (p = annex; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
            return false;
    }
    return true;
}


/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void
gdbRspHandleXferFeatures(gdbRspSession *session, const char *args,
                         GString *reply)
{
    g_autofree char *annex = NULL;
    const char *colon = strchr(args, ':');
    const char *xml;
    const char *p;
    guint64 off;
    guint64 len;
    size_t xmllen;

    if (!colon ||
        !(p = gdbRspParseHexU64(colon + 1, &off)) || *p != ',' ||
        !(p = gdbRspParseHexU64(p + 1, &len)) || *p != '\0') {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    annex = g_strndup(args, colon - args);
    if (!gdbRspValidAnnex(annex)) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }

    /* GDB reads a description in many pieces: fetch it once */
    if (!(xml = g_hash_table_lookup(session->xmlCache, annex))) {
        char *fetched = session->ops->getTargetXML(session->opaque, annex);

        if (!fetched) {
            gdbRspSessionError(session, reply, "target description");
            return;
        }
        g_hash_table_insert(session->xmlCache, g_strdup(annex), fetched);
        xml = fetched;
    }

    xmllen = strlen(xml);
    if (off >= xmllen) {
        g_string_assign(reply, "l");
        return;
    }
    /* escaping can double the size: keep the reply within a packet */
    len = MIN(len, (GDB_RSP_MAX_PACKET - 1) / 2);
    len = MIN(len, xmllen - off);
    g_string_assign(reply, off + len < xmllen ? "m" : "l");
    gdbRspEscapeBinary(reply, (const guint8 *)xml + off, len);
}


static void
gdbRspHandleThreadInfo(gdbRspSession *session, GString *reply)
{
    int i;

    g_string_assign(reply, "m");
    for (i = 0; i < session->nvcpus; i++)
        g_string_append_printf(reply, "%s%02x", i ? "," : "", i + 1);
}


static void
gdbRspHandleThreadExtraInfo(gdbRspSession *session, const char *args,
                            GString *reply)
{
    g_autofree char *info = NULL;
    int vcpu;

    if (!gdbRspParseThreadId(args, &vcpu) || !gdbRspValidVcpu(session, vcpu)) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    info = g_strdup_printf("vCPU %d", vcpu);
    g_string_truncate(reply, 0);
    gdbRspHexEncode(reply, (const guint8 *)info, strlen(info));
}


static void
gdbRspHandleQuery(gdbRspSession *session, const char *packet,
                  GString *reply)
{
    const char *args;

    if (g_str_has_prefix(packet, "qSupported")) {
        gdbRspHandleSupported(session, packet + strlen("qSupported"), reply);
    } else if ((args = g_str_has_prefix(packet, "qXfer:features:read:") ?
                packet + strlen("qXfer:features:read:") : NULL)) {
        gdbRspHandleXferFeatures(session, args, reply);
    } else if ((args = g_str_has_prefix(packet, "qXfer:exec-file:read:") ?
                packet + strlen("qXfer:exec-file:read:") : NULL)) {
        gdbRspHandleXferExecFile(session, args, reply);
    } else if (g_str_equal(packet, "qfThreadInfo")) {
        gdbRspHandleThreadInfo(session, reply);
    } else if (g_str_equal(packet, "qsThreadInfo")) {
        g_string_assign(reply, "l");
    } else if (g_str_equal(packet, "qC")) {
        g_string_printf(reply, "QC%02x", session->gThread + 1);
    } else if (g_str_has_prefix(packet, "qAttached")) {
        /* attached to an existing guest: GDB must not kill it on quit */
        g_string_assign(reply, "1");
    } else if (g_str_equal(packet, "qOffsets") && session->execFile &&
               session->execOffset) {
        /* a relocated kernel: every section moved by the same offset */
        g_string_printf(reply, "Text=%llx;Data=%llx;Bss=%llx",
                        (unsigned long long)session->execOffset,
                        (unsigned long long)session->execOffset,
                        (unsigned long long)session->execOffset);
    } else if (g_str_has_prefix(packet, "qThreadExtraInfo,")) {
        gdbRspHandleThreadExtraInfo(session,
                                    packet + strlen("qThreadExtraInfo,"),
                                    reply);
    }
    /* qSymbol, qTStatus, qRcmd...: empty, "not supported"; so is
     * qOffsets when the exec file runs where it says. */
}


/* H{g,c}TID */
static void
gdbRspHandleSetThread(gdbRspSession *session, const char *args,
                      GString *reply)
{
    const char *p;
    int vcpu;

    if ((args[0] != 'g' && args[0] != 'c') ||
        !(p = gdbRspParseThreadId(args + 1, &vcpu)) || *p != '\0' ||
        (vcpu != -1 && !gdbRspValidVcpu(session, vcpu))) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    if (args[0] == 'g') {
        /* registers and memory need one vCPU: "all"/"any" keeps ours */
        if (vcpu >= 0)
            session->gThread = vcpu;
    } else {
        session->cThread = vcpu;
    }
    g_string_assign(reply, "OK");
}


static void
gdbRspHandleThreadAlive(gdbRspSession *session, const char *args,
                        GString *reply)
{
    const char *p;
    int vcpu;

    if (!(p = gdbRspParseThreadId(args, &vcpu)) || *p != '\0' ||
        !gdbRspValidVcpu(session, vcpu))
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
    else
        g_string_assign(reply, "OK");
}


static gdbRspAction
gdbRspHandleDetach(gdbRspSession *session, bool kill, GString *reply)
{
    if (gdbRspSessionDetach(session) < 0) {
        gdbRspSessionError(session, reply, "detach");
        /* 'k' expects no reply and GDB closes anyway */
        return kill ? GDB_RSP_ACTION_CLOSE : GDB_RSP_ACTION_REPLY;
    }
    g_string_assign(reply, "OK");
    return kill ? GDB_RSP_ACTION_CLOSE : GDB_RSP_ACTION_REPLY_CLOSE;
}


/**
 * gdbRspSessionHandlePacket:
 * @session: the session
 * @packet: a decoded payload (NUL terminated; binary ones may hold NULs)
 * @len: its length
 * @reply: gets the reply payload (empty: "not supported")
 *
 * Returns what the loop does next.
 */
gdbRspAction
gdbRspSessionHandlePacket(gdbRspSession *session,
                          const char *packet, size_t len,
                          GString *reply)
{
    const char *args = packet + 1;

    g_string_truncate(reply, 0);
    if (len == 0)
        return GDB_RSP_ACTION_REPLY;

    /* All-stop: while the guest runs GDB sends nothing but the interrupt
     * byte.  A peer that does gets told the target is busy, except for the
     * requests that end the session. */
    if (session->running && packet[0] != 'D' && packet[0] != 'k' &&
        !g_str_has_prefix(packet, "vKill")) {
        g_string_assign(reply, GDB_RSP_ERR_BUSY);
        return GDB_RSP_ACTION_REPLY;
    }

    switch (packet[0]) {
    case '?':
        /* QEMU answers SIGTRAP here whatever stopped the guest */
        g_string_printf(reply, "T%02xthread:%02x;", GDB_SIGNAL_TRAP,
                        session->gThread + 1);
        break;
    case 'g':
        gdbRspHandleReadRegisters(session, reply);
        break;
    case 'G':
        gdbRspHandleWriteRegisters(session, args, reply);
        break;
    case 'p':
        gdbRspHandleReadRegister(session, args, reply);
        break;
    case 'P':
        gdbRspHandleWriteRegister(session, args, reply);
        break;
    case 'm':
        gdbRspHandleReadMemory(session, args, reply);
        break;
    case 'M':
        gdbRspHandleWriteMemoryHex(session, args, len - 1, reply);
        break;
    case 'X':
        gdbRspHandleWriteMemoryBinary(session, args, len - 1, reply);
        break;
    case 'Z':
    case 'z':
        gdbRspHandlePoint(session, packet[0] == 'Z', args, reply);
        break;
    case 'c':
    case 'C': {
        gdbRspResumeReq req = { .vcpu = -1 };

        /* an address (c) or signal (C) argument changes nothing here */
        return gdbRspResume(session, &req, reply);
    }
    case 's':
    case 'S': {
        gdbRspResumeReq req = { .step = true, .vcpu = session->cThread };

        return gdbRspResume(session, &req, reply);
    }
    case 'H':
        gdbRspHandleSetThread(session, args, reply);
        break;
    case 'T':
        gdbRspHandleThreadAlive(session, args, reply);
        break;
    case 'D':
        return gdbRspHandleDetach(session, false, reply);
    case 'k':
        return gdbRspHandleDetach(session, true, reply);
    case 'q':
        gdbRspHandleQuery(session, packet, reply);
        break;
    case 'Q':
        if (g_str_equal(packet, "QStartNoAckMode")) {
            g_string_assign(reply, "OK");
            session->noAckPending = true;
        }
        break;
    case 'v':
        if (g_str_equal(packet, "vCont?"))
            g_string_assign(reply, gdbRspCanRangeStep(session) ?
                            "vCont;c;C;s;S;r" : "vCont;c;C;s;S");
        else if (g_str_has_prefix(packet, "vCont"))
            return gdbRspHandleVCont(session, packet + strlen("vCont"), reply);
        else if (g_str_has_prefix(packet, "vKill"))
            return gdbRspHandleDetach(session, false, reply);
        else if (g_str_has_prefix(packet, "vFile:"))
            gdbRspHandleFile(session, packet + strlen("vFile:"), reply);
        break;
    default:
        /* unknown: the empty reply tells GDB it is not supported */
        break;
    }
    return GDB_RSP_ACTION_REPLY;
}
