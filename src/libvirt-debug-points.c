/*
 * libvirt-debug-points.c: breakpoints and watchpoints
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "libvirt-debug-private.h"

const char *
virDomainDebugPointTypeName(virDomainDebugPointType type)
{
    return virDomainDebugPointTypeToString(type);
}

int
virDomainDebugInsertPoint(virDomainPtr dom,
                          virDomainDebugPointType type,
                          unsigned long long addr,
                          unsigned long long len,
                          int vcpu,
                          unsigned int flags)
{
    virDomainDebugPointDef point = {
        .type = type, .addr = addr, .len = len, .vcpu = vcpu,
    };

    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    return virDomainDebugInsertPointDef(dom, &point);
}


/**
 * virDomainDebugInsertPointDef:
 *
 * Inserts @point, compiling its readable condition (if any) first.
 * Every check runs before QEMU is asked, so a refused point changes
 * nothing.  Returns the new id, or -1 with the error reported.
 */
int
virDomainDebugInsertPointDef(virDomainPtr dom,
                             virDomainDebugPointDef *point)
{
    const qemuDebugCaps *caps;
    virDomainDebugPoint *current = NULL;
    size_t ncurrent = 0;
    g_autofree char *client = NULL;
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    int rc;
    int id;

    if (virDomainDebugPointDefValidate(point, &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    if (!(caps = virDomainDebugGetCaps(dom)) ||
        virDomainDebugCheckPolicy(dom, NULL) < 0 ||
        virDomainDebugQueryPoints(dom, &current, &ncurrent) < 0)
        return -1;

    /* Refuse before sending: the message then counts slots the way the
     * operator thinks of them ("4 of 4 shared debug registers in use"). */
    rc = qemuDebugCheckInsert(caps, point, current, ncurrent,
                              virDomainDebugVcpuCount(dom), &error);
    qemuDebugPointsFree(current, ncurrent);
    if (rc < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    if (point->condition && !point->conditionBytecode &&
        !(point->conditionBytecode =
          virDomainDebugCompileCondition(dom, point->condition, NULL, 0)))
        return -1;

    client = virDomainDebugLeaseClient(dom);
    cmd = qemuDebugBuildInsertOwned(point, client);
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return -1;
    if ((id = qemuDebugParseInsertReply(reply, &error)) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    return id;
}


int
virDomainDebugRemovePoint(virDomainPtr dom, int id, unsigned int flags)
{
    virDomainDebugErrorReset();
    if (flags || id <= 0) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': invalid debug point id %d "
                                  "(debug-list shows the ids)",
                                  virDomainGetName(dom), id);
        return -1;
    }
    return virDomainDebugRunEmpty(dom, qemuDebugBuildRemove(id));
}

int
virDomainDebugRemoveAllPoints(virDomainPtr dom, unsigned int flags)
{
    virDomainDebugErrorReset();
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    return virDomainDebugRunEmpty(dom, qemuDebugBuildRemoveAll());
}

int
virDomainDebugListPoints(virDomainPtr dom,
                         virDomainDebugPoint **points,
                         unsigned int flags)
{
    size_t npoints = 0;

    virDomainDebugErrorReset();
    *points = NULL;
    if (virDomainDebugCheckFlags(dom, flags, 0) < 0)
        return -1;
    if (virDomainDebugQueryPoints(dom, points, &npoints) < 0)
        return -1;
    return npoints;
}
