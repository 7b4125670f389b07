/*
 * gdbstub-client.h: a minimal client of QEMU's raw gdbstub, the baseline
 * the benchmarks compare libvirt-debug against
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

typedef struct _benchGdbstub benchGdbstub;

/* Start @qemu with the test @guest and a gdbstub on a unix socket, and
 * connect to it (QEMU stops the guest when a client attaches). */
benchGdbstub *benchGdbstubStart(const char *qemu, const char *guest);
/* Send one packet and return its reply payload (no framing). */
char *benchGdbstubRequest(benchGdbstub *gs, const char *packet);
void benchGdbstubStop(benchGdbstub *gs);
