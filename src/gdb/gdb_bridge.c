/*
 * gdb_bridge.c: the GDB bridge's target over the public API, and its
 * entry points
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _GNU_SOURCE 1

#include "gdb/gdb_bridge.h"
#include "gdb/gdb_loop.h"
#include "libvirt-debug-private.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* How long to wait for the stop that follows the initial interrupt */
#define GDB_BRIDGE_STOP_TIMEOUT_MS 10000


/* ------------------------------------------------------------------ */
/* The target: every operation is one public API call                  */

static int
gdbBridgeVcpuCount(void *opaque)
{
    g_autofree virDomainDebugStopInfo *stops = NULL;

    /* QEMU's own vCPU list: the indices the debug commands take */
    return virDomainDebugGetStops(opaque, &stops, 0);
}

static int
gdbBridgeGetRegisters(void *opaque, int vcpu, virDomainDebugRegister **regs)
{
    return virDomainDebugGetRegisters(opaque, vcpu, NULL, 0, regs, 0);
}

static int
gdbBridgeSetRegister(void *opaque, int vcpu, const char *name,
                     const char *hexValue)
{
    return virDomainDebugSetRegister(opaque, vcpu, name, hexValue, 0);
}

static int
gdbBridgeReadMemory(void *opaque, unsigned long long addr, size_t size,
                    unsigned char *buf, int vcpu)
{
    return virDomainDebugReadMemory(opaque, addr, size, buf, vcpu, 0);
}

static int
gdbBridgeWriteMemory(void *opaque, unsigned long long addr,
                     const unsigned char *buf, size_t size, int vcpu)
{
    return virDomainDebugWriteMemory(opaque, addr, buf, size, vcpu, 0);
}

static char *
gdbBridgeGetTargetXML(void *opaque, const char *annex)
{
    return virDomainDebugGetTargetXML(opaque, annex, 0);
}

static int
gdbBridgeInsertPoint(void *opaque, virDomainDebugPointType type,
                     unsigned long long addr, unsigned long long len,
                     const char *condition)
{
    virTypedParameter param = { .type = VIR_TYPED_PARAM_STRING };

    /* GDB's breakpoints stop every thread: bind them to no vCPU */
    if (!condition)
        return virDomainDebugInsertPoint(opaque, type, addr, len, -1, 0);
    g_strlcpy(param.field, VIR_DOMAIN_DEBUG_POINT_PARAM_CONDITION_BYTECODE,
              sizeof(param.field));
    param.value.s = (char *) condition;
    return virDomainDebugInsertPointParams(opaque, type, addr, len, -1,
                                           &param, 1, 0);
}

static int
gdbBridgeRemovePoint(void *opaque, int id)
{
    return virDomainDebugRemovePoint(opaque, id, 0);
}

static int
gdbBridgeStep(void *opaque, int vcpu)
{
    /* masking as the <debug> element says (default: as QEMU's gdbstub) */
    return virDomainDebugStep(opaque, vcpu, 1, 0);
}

static int
gdbBridgeStepRange(void *opaque, int vcpu, unsigned long long start,
                   unsigned long long end)
{
    return virDomainDebugStepRange(opaque, vcpu, start, end, 0);
}

static int
gdbBridgeStepSync(void *opaque, int vcpu, unsigned long long start,
                  unsigned long long end, const char *const *names,
                  virDomainDebugStopInfo *stop,
                  virDomainDebugRegister **regs, int *nregs)
{
    if (end > start)
        return virDomainDebugStepSyncRange(opaque, vcpu, start, end, 0,
                                           names, stop, regs, nregs);
    return virDomainDebugStepSync(opaque, vcpu, 1, 0, names, stop, regs,
                                  nregs);
}

static unsigned int
gdbBridgeFeatures(void *opaque)
{
    virDomainDebugCaps *caps = virDomainDebugGetCapabilities(opaque, 0);
    unsigned int features = 0;

    if (!caps) {
        virDomainDebugResetLastError();
        return 0;
    }
    if (caps->rangeStep)
        features |= GDB_RSP_TARGET_RANGE_STEP;
    if (caps->conditions)
        features |= GDB_RSP_TARGET_CONDITIONS;
    virDomainDebugCapsFree(caps);
    return features;
}

static int
gdbBridgeCont(void *opaque)
{
    return virDomainDebugContinue(opaque, 0);
}

static int
gdbBridgeStop(void *opaque)
{
    return virDomainDebugStop(opaque, 0);
}

static int
gdbBridgeGetStops(void *opaque, virDomainDebugStopInfo **stops)
{
    return virDomainDebugGetStops(opaque, stops, 0);
}

static int
gdbBridgeDetach(void *opaque)
{
    return virDomainDebugDetach(opaque, 0);
}

static int
gdbBridgeLastErrorCode(void *opaque G_GNUC_UNUSED)
{
    return virDomainDebugGetLastErrorCode();
}

static const char *
gdbBridgeLastErrorMessage(void *opaque G_GNUC_UNUSED)
{
    return virDomainDebugGetLastErrorMessage();
}

static const gdbRspTargetOps gdbBridgeTargetOps = {
    .vcpuCount = gdbBridgeVcpuCount,
    .getRegisters = gdbBridgeGetRegisters,
    .setRegister = gdbBridgeSetRegister,
    .readMemory = gdbBridgeReadMemory,
    .writeMemory = gdbBridgeWriteMemory,
    .getTargetXML = gdbBridgeGetTargetXML,
    .insertPoint = gdbBridgeInsertPoint,
    .removePoint = gdbBridgeRemovePoint,
    .step = gdbBridgeStep,
    .stepRange = gdbBridgeStepRange,
    .stepSync = gdbBridgeStepSync,
    .features = gdbBridgeFeatures,
    .cont = gdbBridgeCont,
    .stop = gdbBridgeStop,
    .getStops = gdbBridgeGetStops,
    .detach = gdbBridgeDetach,
    .lastErrorCode = gdbBridgeLastErrorCode,
    .lastErrorMessage = gdbBridgeLastErrorMessage,
};


/* ------------------------------------------------------------------ */
/* Events                                                              */

/* What the event callback holds on to.  libvirt may still be running the
 * callback on its event thread while the serving thread deregisters it,
 * so the callback never sees the session directly: it goes through this
 * refcounted box, which the serving thread empties under the lock before
 * freeing the session, and libvirt frees through the free callback once
 * it is done with it. */
typedef struct {
    GMutex lock;
    gdbRspSession *session;
} gdbBridgeEventSink;

static void
gdbBridgeEventSinkClear(gdbBridgeEventSink *sink)
{
    g_mutex_clear(&sink->lock);
}

static void
gdbBridgeEventSinkUnref(void *opaque)
{
    g_atomic_rc_box_release_full(opaque,
                                 (GDestroyNotify)gdbBridgeEventSinkClear);
}

static void
gdbBridgeEvent(virConnectPtr conn G_GNUC_UNUSED,
               virDomainPtr dom G_GNUC_UNUSED,
               const virDomainDebugStopInfo *stop,
               void *opaque)
{
    gdbBridgeEventSink *sink = opaque;

    g_mutex_lock(&sink->lock);
    if (sink->session)
        gdbRspSessionPostStop(sink->session, stop);
    g_mutex_unlock(&sink->lock);
}


/* The domain's lifecycle: a domain that stops running (destroyed, shut
 * down, crashed, saved, migrated away) ends the GDB session, as the
 * inferior's exit would: GDB is told so, and the bridge ends. */
static void
gdbBridgeLifecycle(virConnectPtr conn G_GNUC_UNUSED,
                   virDomainPtr dom,
                   int event,
                   int detail,
                   void *opaque)
{
    gdbBridgeEventSink *sink = opaque;
    const char *what;

    if (event != VIR_DOMAIN_EVENT_STOPPED)
        return;
    switch (detail) {
    case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN: what = "shut down"; break;
    case VIR_DOMAIN_EVENT_STOPPED_DESTROYED: what = "destroyed"; break;
    case VIR_DOMAIN_EVENT_STOPPED_CRASHED: what = "crashed"; break;
    case VIR_DOMAIN_EVENT_STOPPED_MIGRATED: what = "migrated away"; break;
    case VIR_DOMAIN_EVENT_STOPPED_SAVED: what = "saved"; break;
    case VIR_DOMAIN_EVENT_STOPPED_FAILED: what = "stopped by a failure"; break;
    default: what = "stopped"; break;
    }
    g_mutex_lock(&sink->lock);
    if (sink->session) {
        g_printerr("virsh-debug: domain '%s' was %s: the GDB session ends\n",
                   virDomainGetName(dom), what);
        /* a guest that shut down exited; any other end killed it */
        gdbRspSessionPostExit(sink->session,
                              detail == VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN ?
                              0 : SIGKILL);
    }
    g_mutex_unlock(&sink->lock);
}


/* ------------------------------------------------------------------ */
/* Entry points                                                        */

/* Block SIGPIPE in this thread; returns the old mask in @old */
static void
gdbBridgeBlockSigpipe(sigset_t *old)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void
gdbBridgeRestoreSigpipe(const sigset_t *old)
{
    struct timespec zero = { 0, 0 };
    sigset_t set;

    /* swallow the SIGPIPE a vanished GDB raised, unless it was already
     * blocked by the caller (then it is theirs) */
    if (!sigismember(old, SIGPIPE)) {
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        while (sigtimedwait(&set, NULL, &zero) == SIGPIPE)
            ;
    }
    pthread_sigmask(SIG_SETMASK, old, NULL);
}


/* The file a GDB without one reads (see gdb_files.c): @symbols, made
 * absolute since GDB hands the path back to open it, else the one the
 * domain's <debug:symbols> names.  Checked before attaching, so a wrong
 * --symbols is refused before the guest is touched; the element's file
 * that cannot be read only costs GDB its symbols, with a warning. */
/* A relocated (KASLR) kernel's offset from @syms, as the guest shows it,
 * or 0; said on stderr when it is not 0 (GDB relocates by it). */
static long long
gdbBridgeSymbolOffset(virDomainPtr dom, virDomainDebugSymbols *syms)
{
    long long offset = 0;

    if (virDomainDebugSymbolsDetectOffset(syms, dom, &offset, 0) <= 0) {
        virDomainDebugResetLastError();
        return 0;
    }
    if (offset)
        g_printerr("virsh-debug: note: the kernel of domain '%s' runs %s0x%llx from "
                   "%s (found by its syscall entry point); GDB's symbols are "
                   "relocated by it\n", virDomainGetName(dom), offset < 0 ? "-" : "+",
                   offset < 0 ? -(unsigned long long)offset : (unsigned long long)offset,
                   virDomainDebugSymbolsGetPath(syms));
    return offset;
}


static int
gdbBridgeSymbolFile(virDomainPtr dom, const char *symbols, char **path,
                    long long *offset)
{
    virDomainDebugSymbols *syms;

    *path = NULL;
    *offset = 0;
    if (symbols) {
        g_autofree char *abs = g_canonicalize_filename(symbols, NULL);

        if (!(syms = virDomainDebugSymbolsOpen(abs, 0)))
            return -1;
        *offset = gdbBridgeSymbolOffset(dom, syms);
        virDomainDebugSymbolsFree(syms);
        *path = g_steal_pointer(&abs);
        return 0;
    }
    if ((syms = virDomainDebugSymbolsOpenDomain(dom, 0))) {
        *path = g_strdup(virDomainDebugSymbolsGetPath(syms));
        *offset = gdbBridgeSymbolOffset(dom, syms);
        virDomainDebugSymbolsFree(syms);
    } else if (virDomainDebugGetLastErrorCode() != VIR_DOMAIN_DEBUG_ERR_NO_SYMBOLS) {
        g_printerr("virsh-debug: warning: %s; GDB gets no symbol file\n",
                   virDomainDebugGetLastErrorMessage());
    }
    virDomainDebugResetLastError();
    return 0;
}


int
virDomainDebugGdbServe(virDomainPtr dom, int infd, int outfd,
                       unsigned int flags)
{
    return virDomainDebugGdbServeSymbols(dom, infd, outfd, NULL, flags);
}


int
virDomainDebugGdbServeSymbols(virDomainPtr dom, int infd, int outfd,
                              const char *symbols, unsigned int flags)
{
    g_autoptr(gdbRspSession) session = NULL;
    g_autofree char *execFile = NULL;
    long long execOffset;
    gdbBridgeEventSink *sink;
    virConnectPtr conn;
    sigset_t oldmask;
    int callbackID;
    int lifecycleID;
    int ret = -1;

    if (!dom) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "a domain is required");
        return -1;
    }
    if (gdbBridgeSymbolFile(dom, symbols, &execFile, &execOffset) < 0)
        return -1;
    conn = virDomainGetConnect(dom);
    session = gdbRspSessionNew(&gdbBridgeTargetOps, dom,
                               GDB_RSP_SESSION_LOG_ERRORS);
    gdbRspSessionSetExecFile(session, execFile);
    gdbRspSessionSetExecOffset(session, execOffset);
    sink = g_atomic_rc_box_new0(gdbBridgeEventSink);
    g_mutex_init(&sink->lock);
    sink->session = session;

    /* before attaching, so no stop can be missed */
    callbackID = virDomainDebugEventRegister(conn, dom, gdbBridgeEvent,
                                             g_atomic_rc_box_acquire(sink),
                                             gdbBridgeEventSinkUnref);
    if (callbackID < 0) {
        gdbBridgeEventSinkUnref(sink);   /* libvirt did not take it */
        goto cleanup;
    }
    lifecycleID = virConnectDomainEventRegisterAny(conn, dom,
                                                   VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                   VIR_DOMAIN_EVENT_CALLBACK(gdbBridgeLifecycle),
                                                   g_atomic_rc_box_acquire(sink),
                                                   gdbBridgeEventSinkUnref);
    if (lifecycleID < 0) {
        gdbBridgeEventSinkUnref(sink);   /* libvirt did not take it */
        virDomainDebugReportLibvirtError(dom, "watch the domain's lifecycle");
        goto deregister;
    }

    /* GDB's points die with this bridge, even if it is killed, and
     * another bridge's detach leaves them alone */
    if (virDomainDebugAttach(dom, flags | VIR_DOMAIN_DEBUG_ATTACH_LEASE) < 0)
        goto deregister;

    if (gdbRspSessionStart(session, GDB_BRIDGE_STOP_TIMEOUT_MS) < 0) {
        g_autofree char *why = g_strdup(virDomainDebugGetLastErrorMessage());

        virDomainDebugDetach(dom, 0);
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INTERNAL,
                                  "domain '%s': cannot stop the guest for "
                                  "GDB: %s", virDomainGetName(dom), why);
        goto deregister;
    }

    gdbBridgeBlockSigpipe(&oldmask);
    ret = gdbRspServeLoop(session, infd, outfd);
    gdbBridgeRestoreSigpipe(&oldmask);

    if (ret == GDB_RSP_LOOP_IO_ERROR) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INTERNAL,
                                  "domain '%s': lost the connection to GDB "
                                  "(the domain was detached)",
                                  virDomainGetName(dom));
    }
    /* GDB_RSP_LOOP_DETACH_FAILED: the detach left its own error */
    ret = ret == 0 ? 0 : -1;

 deregister:
    if (lifecycleID >= 0)
        virConnectDomainEventDeregisterAny(conn, lifecycleID);
    if (ret < 0) {
        /* keep the reason across the deregistration, which resets it */
        g_autofree char *msg = g_strdup(virDomainDebugGetLastErrorMessage());
        int code = virDomainDebugGetLastErrorCode();

        virDomainDebugEventDeregister(conn, callbackID);
        virDomainDebugReportError(code, "%s", msg);
    } else {
        virDomainDebugEventDeregister(conn, callbackID);
    }
 cleanup:
    g_mutex_lock(&sink->lock);
    sink->session = NULL;
    g_mutex_unlock(&sink->lock);
    gdbBridgeEventSinkUnref(sink);
    return ret;
}


/* Bind a listening socket at @path with mode 0600 from the start: bind it
 * in a private directory, chmod it there, then hard-link it into place
 * (link() fails rather than replace an existing file). */
static int
gdbBridgeListenSocket(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *tmpdir = g_build_filename(dir, ".virsh-debug-gdb-XXXXXX",
                                               NULL);
    g_autofree char *tmpsock = NULL;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = -1;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "socket path '%s' is too long (at most %zu "
                                  "bytes); choose a shorter one", path,
                                  sizeof(addr.sun_path) - 1);
        return -1;
    }
    if (!g_mkdtemp_full(tmpdir, 0700)) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "cannot create a socket in '%s': %s",
                                  dir, g_strerror(errno));
        return -1;
    }
    tmpsock = g_build_filename(tmpdir, "s", NULL);
    if (strlen(tmpsock) >= sizeof(addr.sun_path)) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "socket path '%s' is too long; choose a "
                                  "shorter directory", path);
        goto error;
    }
    g_strlcpy(addr.sun_path, tmpsock, sizeof(addr.sun_path));

    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        chmod(tmpsock, 0600) < 0 ||
        listen(fd, 1) < 0) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INTERNAL,
                                  "cannot create the socket '%s': %s",
                                  path, g_strerror(errno));
        goto error;
    }
    if (link(tmpsock, path) < 0) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "cannot create the socket '%s': %s%s",
                                  path, g_strerror(errno),
                                  errno == EEXIST ?
                                  " (remove it or choose another path)" : "");
        goto error;
    }
    unlink(tmpsock);
    rmdir(tmpdir);
    return fd;

 error:
    if (fd >= 0)
        close(fd);
    if (tmpsock)
        unlink(tmpsock);
    rmdir(tmpdir);
    return -1;
}


/**
 * gdbBridgeAcceptOne:
 * @path: where to create the socket
 *
 * Creates the 0600 socket at @path, waits for one client, and removes
 * the socket.
 *
 * Returns the connected client's fd, or -1 with the error set.
 */
int
gdbBridgeAcceptOne(const char *path)
{
    int listenfd;
    int fd;

    if ((listenfd = gdbBridgeListenSocket(path)) < 0)
        return -1;

    while ((fd = accept4(listenfd, NULL, NULL, SOCK_CLOEXEC)) < 0 &&
           errno == EINTR)
        ;
    /* one client: nobody else gets to connect */
    unlink(path);
    close(listenfd);
    if (fd < 0) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INTERNAL,
                                  "waiting for GDB on '%s': %s",
                                  path, g_strerror(errno));
        return -1;
    }
    return fd;
}


int
virDomainDebugGdbListen(virDomainPtr dom, const char *path,
                        unsigned int flags)
{
    return virDomainDebugGdbListenSymbols(dom, path, NULL, flags);
}


int
virDomainDebugGdbListenSymbols(virDomainPtr dom, const char *path,
                               const char *symbols, unsigned int flags)
{
    int fd;
    int ret;

    virDomainDebugResetLastError();
    if (!dom) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "a domain is required");
        return -1;
    }
    if (!path || !*path) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "a socket path is required");
        return -1;
    }
    if ((fd = gdbBridgeAcceptOne(path)) < 0)
        return -1;

    ret = virDomainDebugGdbServeSymbols(dom, fd, fd, symbols, flags);
    close(fd);
    return ret;
}
