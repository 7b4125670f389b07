/*
 * gdb_session.h: GDB remote protocol command handling over a debug target
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A session turns decoded packets into replies by calling a
 * gdbRspTargetOps table; it does no I/O of its own except the wakeup fd
 * through which stops reported from another thread reach the loop.
 */

#pragma once

#include <stdbool.h>
#include <glib.h>

#include "gdb/gdb_target.h"

typedef struct _gdbRspSession gdbRspSession;

typedef enum {
    GDB_RSP_ACTION_REPLY,        /* send the reply */
    GDB_RSP_ACTION_NONE,         /* send nothing */
    GDB_RSP_ACTION_RESUMED,      /* the target runs: the stop reply comes later */
    GDB_RSP_ACTION_REPLY_CLOSE,  /* send the reply, then end the session */
    GDB_RSP_ACTION_CLOSE,        /* end the session without a reply */
} gdbRspAction;

/* Flags of gdbRspSessionNew */
typedef enum {
    GDB_RSP_SESSION_LOG_ERRORS = (1 << 0), /* say on stderr why an E reply */
} gdbRspSessionFlags;

gdbRspSession *gdbRspSessionNew(const gdbRspTargetOps *ops, void *opaque,
                                unsigned int flags);
void gdbRspSessionFree(gdbRspSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gdbRspSession, gdbRspSessionFree);

int gdbRspSessionStart(gdbRspSession *session, int timeoutMs);

/* The guest's symbol file, which a GDB without a file reads through the
 * protocol (qXfer:exec-file:read, vFile); NULL: none */
void gdbRspSessionSetExecFile(gdbRspSession *session, const char *path);
/* Where the guest runs the exec file's code relative to the file (a KASLR
 * kernel): GDB asks with qOffsets and relocates the symbols. */
void gdbRspSessionSetExecOffset(gdbRspSession *session, long long offset);

gdbRspAction gdbRspSessionHandlePacket(gdbRspSession *session,
                                       const char *packet, size_t len,
                                       GString *reply);

bool gdbRspSessionIsRunning(gdbRspSession *session);
bool gdbRspSessionTakeNoAck(gdbRspSession *session);
int gdbRspSessionInterrupt(gdbRspSession *session);
int gdbRspSessionDetach(gdbRspSession *session);

void gdbRspSessionPostStop(gdbRspSession *session,
                           const virDomainDebugStopInfo *stop);
int gdbRspSessionWakeupFd(gdbRspSession *session);
bool gdbRspSessionTakeStop(gdbRspSession *session, GString *reply);
void gdbRspSessionPostExit(gdbRspSession *session, int signal);
bool gdbRspSessionTakeExit(gdbRspSession *session, GString *reply);
