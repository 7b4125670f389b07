/*
 * libvirt-debug-error.c: the thread-local last error of the API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt reports errors per thread (virGetLastError); the debug API does
 * the same so that several threads can debug several domains at once
 * without their errors mixing.
 */

#include "libvirt-debug-private.h"

typedef struct {
    virDomainDebugErrorCode code;
    char *message;
} virDomainDebugLastError;

static void
virDomainDebugLastErrorFree(gpointer data)
{
    virDomainDebugLastError *err = data;

    g_free(err->message);
    g_free(err);
}

static GPrivate lastError = G_PRIVATE_INIT(virDomainDebugLastErrorFree);

static virDomainDebugLastError *
virDomainDebugLastErrorGet(void)
{
    virDomainDebugLastError *err = g_private_get(&lastError);

    if (!err) {
        err = g_new0(virDomainDebugLastError, 1);
        g_private_set(&lastError, err);
    }
    return err;
}

void
virDomainDebugErrorReset(void)
{
    virDomainDebugLastError *err = virDomainDebugLastErrorGet();

    err->code = VIR_DOMAIN_DEBUG_ERR_NONE;
    g_clear_pointer(&err->message, g_free);
}

void
virDomainDebugReportError(virDomainDebugErrorCode code,
                          const char *fmt, ...)
{
    virDomainDebugLastError *err = virDomainDebugLastErrorGet();
    va_list ap;

    va_start(ap, fmt);
    g_free(err->message);
    err->message = g_strdup_vprintf(fmt, ap);
    err->code = code;
    va_end(ap);
}

static virDomainDebugErrorCode
virDomainDebugErrorCodeFromGError(const GError *error)
{
    if (error->domain != VIR_DEBUG_ERROR)
        return VIR_DOMAIN_DEBUG_ERR_INTERNAL;

    switch ((virDebugErrorCode) error->code) {
    case VIR_DEBUG_ERROR_XML:
    case VIR_DEBUG_ERROR_SCHEMA:
        return VIR_DOMAIN_DEBUG_ERR_XML;
    case VIR_DEBUG_ERROR_INVALID:
        return VIR_DOMAIN_DEBUG_ERR_INVALID_ARG;
    case VIR_DEBUG_ERROR_UNSUPPORTED:
        return VIR_DOMAIN_DEBUG_ERR_UNSUPPORTED;
    case VIR_DEBUG_ERROR_JSON:
        return VIR_DOMAIN_DEBUG_ERR_INTERNAL;
    case VIR_DEBUG_ERROR_QMP:
        return VIR_DOMAIN_DEBUG_ERR_QEMU;
    case VIR_DEBUG_ERROR_NO_SLOTS:
        return VIR_DOMAIN_DEBUG_ERR_NO_SLOTS;
    }
    return VIR_DOMAIN_DEBUG_ERR_INTERNAL;
}

void
virDomainDebugReportGError(virDomainPtr dom, GError *error)
{
    virDomainDebugErrorCode code = virDomainDebugErrorCodeFromGError(error);

    /* QEMU's own message for exhausted debug registers is the clearest
     * one; only the code needs refining so tools can tell it apart. */
    if (code == VIR_DOMAIN_DEBUG_ERR_QEMU && strstr(error->message, "exhausted"))
        code = VIR_DOMAIN_DEBUG_ERR_NO_SLOTS;

    /* QEMU's CommandNotFound: the domain runs an unpatched QEMU.  The
     * capability calls find that out with query-commands; any other call
     * gets here and says the same thing. */
    if (code == VIR_DOMAIN_DEBUG_ERR_QEMU &&
        strstr(error->message, "has not been found")) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_NO_DEBUG_API,
                                  "domain '%s': this QEMU has no debug API "
                                  "(need the patched QEMU): %s",
                                  dom ? virDomainGetName(dom) : "?",
                                  error->message);
        return;
    }

    if (dom)
        virDomainDebugReportError(code, "domain '%s': %s",
                                  virDomainGetName(dom), error->message);
    else
        virDomainDebugReportError(code, "%s", error->message);
}

void
virDomainDebugReportNotRunning(virDomainPtr dom)
{
    const char *name = virDomainGetName(dom);

    virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_NOT_RUNNING,
                              "domain '%s' is not running: start it first "
                              "(virsh start %s, or virsh-debug debug-start %s "
                              "to debug it from its first instruction)",
                              name, name, name);
}

void
virDomainDebugReportLibvirtError(virDomainPtr dom, const char *what)
{
    /* Save libvirt's error first: every public libvirt call, even
     * virDomainGetName, resets the thread's last error. */
    virErrorPtr lverr = virSaveLastError();
    const char *name = dom ? virDomainGetName(dom) : "?";
    const char *msg = lverr && lverr->message ? lverr->message : "unknown libvirt error";

    if (lverr && lverr->code == VIR_ERR_OPERATION_DENIED) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_READ_ONLY,
                                  "domain '%s': cannot %s on a read-only connection: "
                                  "debugging needs a read-write connection "
                                  "(connect without --readonly): %s",
                                  name, what, msg);
    } else if (lverr && lverr->code == VIR_ERR_OPERATION_INVALID &&
               strstr(msg, "not running") && dom) {
        virDomainDebugReportNotRunning(dom);
    } else {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_LIBVIRT,
                                  "domain '%s': cannot %s: %s",
                                  name, what, msg);
    }
    virFreeError(lverr);
}

const char *
virDomainDebugGetLastErrorMessage(void)
{
    virDomainDebugLastError *err = virDomainDebugLastErrorGet();

    return err->message ? err->message : "no error";
}

int
virDomainDebugGetLastErrorCode(void)
{
    return virDomainDebugLastErrorGet()->code;
}

void
virDomainDebugResetLastError(void)
{
    virDomainDebugErrorReset();
}

int
virDomainDebugCheckFlags(virDomainPtr dom, unsigned int flags,
                         unsigned int allowed)
{
    if (flags & ~allowed) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INVALID_ARG,
                                  "domain '%s': unsupported flags 0x%x",
                                  virDomainGetName(dom), flags & ~allowed);
        return -1;
    }
    return 0;
}
