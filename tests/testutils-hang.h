/*
 * testutils-hang.h: what the processes of a hung test were doing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A hang seen once in a long run must name its cause in the test's log:
 * when a test gives up waiting, it asks GDB for the backtraces of every
 * thread of the processes involved (the QEMU, libvirtd, the client).
 */

#pragma once

#include <glib.h>

/* The backtraces of all threads of each of the @n processes @pids (those
 * that are not positive are skipped), one "=== PID: COMMAND LINE" block
 * each, as text for g_test_message().  Never fails: a process that is
 * gone or that GDB cannot attach to has an empty block. */
char *testThreadBacktraces(const int *pids, size_t n);

/* The unix sockets of the processes @pids with their queues ("ss -xnp":
 * Recv-Q is what the process has not read yet, Send-Q what its peer has
 * not), as text for g_test_message(): a command still in QEMU's Recv-Q
 * was never read; one gone from it was read and not answered.  Empty
 * without ss (iproute2). */
char *testSocketQueues(const int *pids, size_t n);
