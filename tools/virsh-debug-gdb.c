/*
 * virsh-debug-gdb.c: debug-gdb, GDB's remote protocol over libvirt
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `gdb -ex 'target remote | virsh-debug -c URI debug-gdb DOMAIN'` makes
 * this process GDB's remote target: packets on stdin/stdout, carried to
 * the guest over the libvirt connection by src/gdb.  Nothing but GDB's
 * protocol may appear on stdout, so every message goes to stderr, which
 * GDB shows in its own terminal.
 */

#include <stdio.h>
#include <unistd.h>

#include "virsh-debug.h"
#include "gdb/gdb_bridge.h"

const virshDebugOptDef virshDebugOptsGdb[] = {
    { "domain", VIRSH_DEBUG_OT_STRING,
      VIRSH_DEBUG_OFLAG_REQUIRED | VIRSH_DEBUG_OFLAG_POSITIONAL, "domain",
      "domain name, id or uuid" },
    { "listen", VIRSH_DEBUG_OT_STRING, 0, "path",
      "serve one GDB on a new unix socket (mode 0600) instead of stdin/stdout" },
    { "force", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "debug even though the <debug> element says allowed=\"no\"" },
    { "no-points", VIRSH_DEBUG_OT_BOOL, 0, NULL,
      "do not arm the points the <debug> element declares" },
    { NULL }
};

bool
virshDebugCmdGdb(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    VIRSH_DEBUG_AUTO_DOMAIN dom = NULL;
    const char *path = virshDebugCmdString(cmd, "listen");
    unsigned int flags = 0;
    int ret;

    if (ctl->sessionDom) {
        virshDebugError("debug-gdb cannot run inside a debug session: quit the "
                        "session, then run 'virsh-debug debug-gdb DOMAIN' from GDB");
        return false;
    }
    if (!path && isatty(STDOUT_FILENO)) {
        virshDebugError("debug-gdb speaks GDB's remote protocol on stdin/stdout: "
                        "run it from GDB (target remote | virsh-debug debug-gdb "
                        "DOMAIN), or use --listen PATH");
        return false;
    }
    if (virshDebugCmdHas(cmd, "force"))
        flags |= VIR_DOMAIN_DEBUG_ATTACH_FORCE;
    if (virshDebugCmdHas(cmd, "no-points"))
        flags |= VIR_DOMAIN_DEBUG_ATTACH_NO_POINTS;
    if (!(dom = virshDebugCommandDomain(ctl, cmd)))
        return false;

    if (path) {
        fprintf(stderr, "virsh-debug: waiting for GDB on %s "
                "(in GDB: target remote %s)\n", path, path);
        ret = virDomainDebugGdbListenSymbols(dom, path, ctl->symbolsFile, flags);
    } else {
        ret = virDomainDebugGdbServeSymbols(dom, STDIN_FILENO, STDOUT_FILENO,
                                            ctl->symbolsFile, flags);
    }
    if (ret < 0) {
        virshDebugReportDebugError();
        return false;
    }
    return true;
}
