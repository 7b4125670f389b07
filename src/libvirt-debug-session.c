/*
 * libvirt-debug-session.c: capabilities, attach, detach, debug start
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The library keeps no session state of its own: what is armed lives in
 * QEMU (query-debug-points), so a fleet tool may attach from one process
 * and detach from another, and a crashed client leaves nothing behind
 * that a later detach cannot clean up.
 */

#include "libvirt-debug-private.h"

virDomainDebugCaps *
virDomainDebugGetCapabilities(virDomainPtr dom, unsigned int flags)
{
    const qemuDebugCaps *caps;

    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return NULL;
    if (!(caps = virDomainDebugGetCaps(dom)))
        return NULL;
    return qemuDebugCapsToPublic(caps);
}

void
virDomainDebugCapsFree(virDomainDebugCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->accelerator);
    g_free(caps);
}

/* The points QEMU holds now, for counting hardware slots. */
int
virDomainDebugQueryPoints(virDomainPtr dom,
                          virDomainDebugPoint **points,
                          size_t *npoints)
{
    g_autofree char *cmd = qemuDebugBuildQueryPoints();
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;

    if (!(reply = virDomainDebugRun(dom, cmd)))
        return -1;
    if (qemuDebugParseQueryPointsReply(reply, points, npoints, &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    return 0;
}

unsigned int
virDomainDebugVcpuCount(virDomainPtr dom)
{
    int n = virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_LIVE);

    /* 0 lets QEMU judge the vCPU binding: a read of the vCPU count may be
     * refused on some connections, and QEMU checks cpu-index anyway. */
    if (n < 0) {
        virResetLastError();
        return 0;
    }
    return n;
}

static int
virDomainDebugArm(virDomainPtr dom,
                  const virDomainDebugDef *def,
                  const qemuDebugCaps *caps)
{
    virDomainDebugPoint *current = NULL;
    size_t ncurrent = 0;
    g_autoptr(virDomainDebugDef) compiled = virDomainDebugDefCopy(def);
    g_autoptr(GPtrArray) cmds = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) armed = g_array_new(FALSE, FALSE, sizeof(int));
    g_autofree char *client = NULL;
    size_t i;

    /* QEMU takes conditions as bytecode: compile the element's text */
    if (virDomainDebugCompileDefConditions(dom, compiled) < 0 ||
        virDomainDebugQueryPoints(dom, &current, &ncurrent) < 0)
        return -1;

    /* Every check (slot counts included) runs before the first insert. */
    client = virDomainDebugLeaseClient(dom);
    cmds = qemuDebugBuildArmCommands(compiled, caps, current, ncurrent,
                                     virDomainDebugVcpuCount(dom),
                                     client, &error);
    qemuDebugPointsFree(current, ncurrent);
    if (!cmds) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }

    for (i = 0; i < cmds->len; i++) {
        g_autofree char *reply = NULL;
        int id;

        if (!(reply = virDomainDebugRun(dom, g_ptr_array_index(cmds, i))) ||
            (id = qemuDebugParseInsertReply(reply, &error)) < 0) {
            size_t j;

            if (error)
                virDomainDebugReportGError(dom, error);
            /* All or nothing: take back what this attach armed. */
            for (j = 0; j < armed->len; j++) {
                g_autofree char *undo = qemuDebugBuildRemove(g_array_index(armed, int, j));
                g_autofree char *ignored = NULL;

                virDomainQemuMonitorCommand(dom, undo, &ignored, 0);
            }
            return -1;
        }
        g_array_append_val(armed, id);
    }
    return armed->len;
}

static int
virDomainDebugAttachInternal(virDomainPtr dom,
                             unsigned int flags,
                             virDomainDebugDef **defOut)
{
    g_autoptr(virDomainDebugDef) def = NULL;
    const qemuDebugCaps *caps;
    g_autoptr(GError) error = NULL;
    int ret = 0;

    if (virDomainDebugCheckFlags(dom, flags,
                                 VIR_DOMAIN_DEBUG_ATTACH_FORCE |
                                 VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS |
                                 VIR_DOMAIN_DEBUG_ATTACH_LEASE) < 0)
        return -1;

    if (!(caps = virDomainDebugGetCaps(dom)))
        return -1;
    if (qemuDebugCheckSupported(caps, &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    if (!(def = virDomainDebugLoadDef(dom, VIR_DOMAIN_AFFECT_LIVE)))
        return -1;

    if (!def->allowed) {
        if (!(flags & VIR_DOMAIN_DEBUG_ATTACH_FORCE)) {
            virDomainDebugReportDisallowed(dom);
            return -1;
        }
        /* later one-shot calls see that this session was forced */
        if (virDomainDebugMarkForcedSession(dom, true) < 0)
            return -1;
    }

    /* before arming: the declared points belong to the lease too */
    if ((flags & VIR_DOMAIN_DEBUG_ATTACH_LEASE) &&
        virDomainDebugLeaseAcquire(dom, caps) < 0)
        return -1;

    if (!(flags & VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS))
        ret = virDomainDebugArm(dom, def, caps);

    if (defOut)
        *defOut = g_steal_pointer(&def);
    return ret;
}

int
virDomainDebugAttach(virDomainPtr dom, unsigned int flags)
{
    virDomainDebugErrorReset();
    return virDomainDebugAttachInternal(dom, flags, NULL);
}

/* True when the VM is stopped for the debugger (runstate "debug"). */
static int
virDomainDebugIsDebugStopped(virDomainPtr dom, bool *stopped)
{
    g_autofree char *cmd = qemuDebugBuildQueryStatus();
    g_autofree char *reply = NULL;
    g_autofree char *status = NULL;
    g_autoptr(GError) error = NULL;

    if (!(reply = virDomainDebugRun(dom, cmd)))
        return -1;
    if (!(status = qemuDebugParseQueryStatusReply(reply, &error))) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    *stopped = g_str_equal(status, QEMU_DEBUG_RUNSTATE_DEBUG);
    return 0;
}

int
virDomainDebugDetach(virDomainPtr dom, unsigned int flags)
{
    bool stopped = false;
    int leased;

    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, VIR_DOMAIN_DEBUG_DETACH_ALL) < 0)
        return -1;
    /* An open debug channel says the domain runs, and detaches without
     * libvirt: after a libvirtd restart too, when this process's
     * connection is gone.  Without one, a lease is released through a
     * new connection then (virDomainDebugLeaseRelease). */
    if (!virDomainDebugChannelActive(dom) && virDomainDebugCheckActive(dom) < 0) {
        g_autofree char *client = virDomainDebugLeaseClient(dom);

        if (!client || virConnectIsAlive(virDomainGetConnect(dom)) != 0)
            return -1;
        virDomainDebugErrorReset();
    }
    /* A lease's end removes its points; QEMU resumes the guest unless
     * another client holds a lease on it. */
    if ((leased = virDomainDebugLeaseRelease(dom)) < 0)
        return -1;
    if (leased && !(flags & VIR_DOMAIN_DEBUG_DETACH_ALL))
        return virDomainDebugMarkForcedSession(dom, false);

    if (virDomainDebugRunEmpty(dom, qemuDebugBuildRemoveAll()) < 0 ||
        virDomainDebugIsDebugStopped(dom, &stopped) < 0 ||
        virDomainDebugMarkForcedSession(dom, false) < 0)
        return -1;

    /* Only a debug stop is undone: a guest the operator paused with
     * virsh suspend stays paused, as it was before debugging. */
    if (stopped)
        return virDomainDebugRunEmpty(dom, qemuDebugBuildContinue());
    return 0;
}

int
virDomainDebugStart(virDomainPtr dom, unsigned int flags)
{
    g_autoptr(virDomainDebugDef) def = NULL;
    int armed;

    virDomainDebugErrorReset();
    if (virDomainIsActive(dom) == 1) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s' is already running: a debug start "
                                  "needs a defined, inactive domain (use "
                                  "debug-attach for a running one)",
                                  virDomainGetName(dom));
        return -1;
    }

    /* Paused start: QEMU runs with -S, so no guest instruction executes
     * before the declared points are armed. */
    if (virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED) < 0) {
        virDomainDebugReportLibvirtError(dom, "start the domain paused");
        return -1;
    }

    if ((armed = virDomainDebugAttachInternal(dom, flags, &def)) < 0) {
        /* Keep the guest from running undebugged; the error of the
         * attach is what the caller needs to see. */
        virDomainDestroy(dom);
        return -1;
    }

    if (qemuDebugStartResumes(def) && virDomainResume(dom) < 0) {
        virDomainDebugReportLibvirtError(dom, "resume the domain after arming");
        return -1;
    }
    return armed;
}
