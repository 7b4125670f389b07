/*
 * gdb_loop.h: the GDB bridge's I/O loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdb/gdb_session.h"

/* gdbRspServeLoop's failures */
#define GDB_RSP_LOOP_IO_ERROR -1
#define GDB_RSP_LOOP_DETACH_FAILED -2

int gdbRspServeLoop(gdbRspSession *session, int infd, int outfd);
