/*
 * libvirt-debug-config.c: the <debug> element through domain metadata
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element is stored with virDomainSetMetadata under the project's
 * namespace, so it works on every driver and over remote connections, and
 * libvirt keeps it across redefinitions.
 */

#include "libvirt-debug-private.h"

/* The element of a domain, or the defaults when it has none.  flags are
 * virDomainModificationImpact values. */
virDomainDebugDef *
virDomainDebugLoadDef(virDomainPtr dom, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    virDomainDebugDef *def;

    xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
                               VIR_DOMAIN_DEBUG_NAMESPACE_URI, flags);
    if (!xml) {
        virErrorPtr lverr = virGetLastError();

        if (lverr && lverr->code == VIR_ERR_NO_DOMAIN_METADATA) {
            virResetLastError();
            return virDomainDebugDefNew();
        }
        virDomainDebugReportLibvirtError(dom, "read the <debug> element");
        return NULL;
    }

    if (!(def = virDomainDebugDefParseString(xml, &error))) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_XML,
                                  "domain '%s': its <debug> element is invalid: %s "
                                  "(fix it with virsh-debug debug-config --edit)",
                                  virDomainGetName(dom), error->message);
        return NULL;
    }
    return def;
}

/* The live element that governs a debug call: the one this process's
 * debug channel to @dom opened with, if it has one (the channel is the
 * authorization: no metadata read per call), else the domain's. */
virDomainDebugDef *
virDomainDebugLoadPolicyDef(virDomainPtr dom)
{
    virDomainDebugDef *def;

    if ((def = virDomainDebugChannelDef(dom)))
        return def;
    return virDomainDebugLoadDef(dom, VIR_DOMAIN_AFFECT_LIVE);
}

char *
virDomainDebugGetConfig(virDomainPtr dom, unsigned int flags)
{
    g_autoptr(virDomainDebugDef) def = NULL;

    virDomainDebugErrorReset();
    if (!(def = virDomainDebugLoadDef(dom, flags)))
        return NULL;
    return virDomainDebugDefFormat(def);
}

int
virDomainDebugSetConfig(virDomainPtr dom, const char *xml, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(virDomainDebugDef) def = NULL;
    g_autofree char *formatted = NULL;

    virDomainDebugErrorReset();

    if (xml) {
        /* Parse and re-format: what libvirt stores is always valid and in
         * canonical form, whatever the caller's spacing or prefixes. */
        if (!(def = virDomainDebugDefParseString(xml, &error))) {
            virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_XML,
                                      "domain '%s': invalid <debug> element, "
                                      "nothing changed: %s",
                                      virDomainGetName(dom), error->message);
            return -1;
        }
        /* Un-namespaced: libvirt puts every element in our namespace under
         * the "debug" prefix itself. */
        formatted = virDomainDebugDefFormatMetadata(def);
    }

    if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, formatted,
                             formatted ? VIR_DOMAIN_DEBUG_NAMESPACE_PREFIX : NULL,
                             VIR_DOMAIN_DEBUG_NAMESPACE_URI,
                             flags) < 0) {
        virDomainDebugReportLibvirtError(dom, "store the <debug> element");
        return -1;
    }
    return 0;
}
