/*
 * libvirt-debug-monitor.c: QMP over a libvirt connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every command goes through virDomainQemuMonitorCommand, which works on
 * the embedded driver, a local daemon and qemu+ssh:// alike, unless the
 * process has a debug channel to the domain (libvirt-debug-channel.c).  The
 * capabilities of a QEMU never change while it runs, so they are cached
 * per (connection, domain UUID, domain ID): the ID changes whenever the
 * domain is restarted, possibly on another QEMU binary.
 */

#include "libvirt-debug-private.h"

static GMutex capsLock;
static GHashTable *capsCache; /* key -> qemuDebugCaps */

int
virDomainDebugCheckActive(virDomainPtr dom)
{
    int active = virDomainIsActive(dom);

    if (active < 0) {
        virDomainDebugReportLibvirtError(dom, "check the domain's state");
        return -1;
    }
    if (!active) {
        virDomainDebugReportNotRunning(dom);
        return -1;
    }
    return 0;
}

/* A key for per-domain state of this process: the connection, the
 * domain's UUID and its ID (which changes when the domain restarts, so a
 * new QEMU gets new state).  NULL if libvirt cannot say the UUID. */
char *
virDomainDebugDomainKey(virDomainPtr dom)
{
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (virDomainGetUUIDString(dom, uuid) < 0)
        return NULL;
    return g_strdup_printf("%p/%s/%d", (void *) virDomainGetConnect(dom),
                           uuid, (int) virDomainGetID(dom));
}

/* Send @cmd and hand the reply to the caller; reports and returns NULL on
 * a libvirt failure.  A debug command goes on this process's debug
 * channel to @dom when it has one (libvirt-debug-channel.c). */
char *
virDomainDebugRun(virDomainPtr dom, const char *cmd)
{
    char *reply = NULL;
    bool used;

    reply = virDomainDebugChannelRun(dom, cmd, &used);
    if (used)
        return reply;

    if (virDomainQemuMonitorCommand(dom, cmd, &reply,
                                    VIR_DOMAIN_QEMU_MONITOR_COMMAND_DEFAULT) < 0) {
        virDomainDebugReportLibvirtError(dom, "send a debug command");
        return NULL;
    }
    return reply;
}

static qemuDebugCaps *
virDomainDebugProbeCaps(virDomainPtr dom)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    bool hasDebugAPI = false;
    bool hasChannel = false;
    qemuDebugCaps *caps;

    /* A clear "not running" before anything else; every later call gets
     * the same message from libvirt's refusal (see
     * virDomainDebugReportLibvirtError), so only a cache miss pays for
     * this extra round trip. */
    if (virDomainDebugCheckActive(dom) < 0)
        return NULL;

    /* Ask which commands QEMU has instead of trying one: a failed call
     * cannot tell "no debug API" from any other refusal. */
    cmd = qemuDebugBuildQueryCommands();
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return NULL;
    if (qemuDebugParseQueryCommandsReply(reply, &hasDebugAPI, &hasChannel,
                                         &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return NULL;
    }
    if (!hasDebugAPI) {
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_NO_DEBUG_API,
                                  "domain '%s': this QEMU has no debug API "
                                  "(need the patched QEMU: set the domain's "
                                  "<emulator> to the qemu-system-x86_64 that "
                                  "qemu/build.sh builds, then restart the domain)",
                                  virDomainGetName(dom));
        return NULL;
    }

    g_clear_pointer(&cmd, g_free);
    g_clear_pointer(&reply, g_free);
    cmd = qemuDebugBuildQueryCaps();
    if (!(reply = virDomainDebugRun(dom, cmd)))
        return NULL;
    if (!(caps = qemuDebugParseCapsReply(reply, &error)))
        virDomainDebugReportGError(dom, error);
    else
        caps->hasChannel = hasChannel;
    return caps;
}

/* The capabilities of the domain's running QEMU, probed once per QEMU
 * process.  The result belongs to the cache: the caller must not free
 * it; it lives as long as the process (a few hundred bytes per QEMU
 * ever debugged). */
const qemuDebugCaps *
virDomainDebugGetCaps(virDomainPtr dom)
{
    g_autofree char *key = NULL;
    qemuDebugCaps *caps;

    if (!(key = virDomainDebugDomainKey(dom))) {
        virDomainDebugReportLibvirtError(dom, "read the domain's UUID");
        return NULL;
    }

    g_mutex_lock(&capsLock);
    if (!capsCache)
        capsCache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) qemuDebugCapsFree);
    caps = g_hash_table_lookup(capsCache, key);
    g_mutex_unlock(&capsLock);
    if (caps)
        return caps;

    if (!(caps = virDomainDebugProbeCaps(dom)))
        return NULL;

    g_mutex_lock(&capsLock);
    /* Another thread may have probed meanwhile: keep the first copy, as
     * callers may already hold it. */
    if (g_hash_table_contains(capsCache, key)) {
        qemuDebugCapsFree(caps);
        caps = g_hash_table_lookup(capsCache, key);
    } else {
        g_hash_table_insert(capsCache, g_steal_pointer(&key), caps);
    }
    g_mutex_unlock(&capsLock);
    return caps;
}

/* Send a command answered by {} */
int
virDomainDebugRunEmpty(virDomainPtr dom, char *cmd)
{
    g_autofree char *owned = cmd;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;

    if (!(reply = virDomainDebugRun(dom, owned)))
        return -1;
    if (qemuDebugParseEmptyReply(reply, &error) < 0) {
        virDomainDebugReportGError(dom, error);
        return -1;
    }
    return 0;
}
