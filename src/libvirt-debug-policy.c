/*
 * libvirt-debug-policy.c: what the <debug> element allows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * allowed="no" marks a domain that must not be debugged (production).
 * It would mean little if only an attach honoured it: a one-shot
 * `virsh-debug debug-break` or a fleet tool's single insert would debug
 * the domain just the same.  So every call that debugs the guest (points,
 * stepping, stopping, reading or writing its state) checks it.  The
 * library keeps no state of its own, so a forced attach leaves a marker
 * in the domain's live metadata, under a namespace of its own: the
 * operator's <debug> element stays as written, the marker vanishes with
 * the running instance, and detach removes it.  Calls that only look
 * (capabilities, the point list, the config) or clean up (remove,
 * continue, detach) need no permission.
 *
 * writable="no" allows inspection only: register and memory writes are
 * refused, forced or not.
 */

#include "libvirt-debug-private.h"

#define VIR_DOMAIN_DEBUG_SESSION_URI "http://libvirt-debug.org/schemas/domain/debug-session/1.0"
#define VIR_DOMAIN_DEBUG_SESSION_KEY "debug-session"

static bool
virDomainDebugHasForcedSession(virDomainPtr dom)
{
    g_autofree char *marker = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
                                                   VIR_DOMAIN_DEBUG_SESSION_URI,
                                                   VIR_DOMAIN_AFFECT_LIVE);

    if (!marker)
        virResetLastError();
    return marker != NULL;
}

int
virDomainDebugMarkForcedSession(virDomainPtr dom, bool forced)
{
    if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
                             forced ? "<session forced='yes'/>" : NULL,
                             forced ? VIR_DOMAIN_DEBUG_SESSION_KEY : NULL,
                             VIR_DOMAIN_DEBUG_SESSION_URI,
                             VIR_DOMAIN_AFFECT_LIVE) < 0) {
        if (!forced) {
            /* nothing to remove is fine */
            virResetLastError();
            return 0;
        }
        virDomainDebugReportLibvirtError(dom, "record the forced debug session");
        return -1;
    }
    return 0;
}

void
virDomainDebugReportDisallowed(virDomainPtr dom)
{
    virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_DISALLOWED,
                              "domain '%s': debugging is disallowed by its "
                              "<debug allowed='no'> element (a production "
                              "domain?); attach with --force "
                              "(VIR_DOMAIN_DEBUG_ATTACH_FORCE) if you must, "
                              "or change it with debug-config",
                              virDomainGetName(dom));
}

int
virDomainDebugCheckDefPolicy(virDomainPtr dom,
                             const virDomainDebugDef *def,
                             const char *write)
{
    /* an open debug channel is an attach that passed this check (or was
     * forced) */
    if (!def->allowed && !virDomainDebugChannelActive(dom) &&
        !virDomainDebugHasForcedSession(dom)) {
        virDomainDebugReportDisallowed(dom);
        return -1;
    }
    if (write && !def->writable) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_DISALLOWED,
                                  "domain '%s': %s refused: its <debug "
                                  "writable='no'> element allows inspection "
                                  "only (change it with debug-config if writes "
                                  "are intended)",
                                  virDomainGetName(dom), write);
        return -1;
    }
    return 0;
}

int
virDomainDebugCheckPolicy(virDomainPtr dom, const char *write)
{
    g_autoptr(virDomainDebugDef) def = NULL;

    if (!(def = virDomainDebugLoadPolicyDef(dom)))
        return -1;
    return virDomainDebugCheckDefPolicy(dom, def, write);
}
