/*
 * e2e-guest.h: the test guest's symbols the end-to-end tests use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See tests/guest/guest.c for what the guest does with each.
 */

#pragma once

#include <glib.h>

#include "libvirt-debug/libvirt-debug.h"

#define GUEST_SYM_FUNCTION "guest_tick"        /* called every iteration */
#define GUEST_SYM_CALLS "guest_tick_count"     /* incremented by it */
#define GUEST_SYM_COUNTER "guest_counter"      /* progress */
#define GUEST_SYM_WRITE_VAR "guest_write_var"  /* written periodically */
#define GUEST_SYM_READ_VAR "guest_read_var"    /* read periodically */
/* the guest copies GUEST_SYM_POKE into GUEST_SYM_ECHO periodically */
#define GUEST_SYM_POKE "guest_read_var"
#define GUEST_SYM_ECHO "guest_read_sink"
#define GUEST_SYM_NEVER_CALLED "guest_never_called" /* a breakpoint here never hits */

/* Reads a 32-bit variable of the guest; FALSE with @why set on failure. */
gboolean e2eReadGuestU32(virDomainPtr dom, const char *symbol, guint32 *value,
                         char **why);

/* Asserts that @pc is where vCPU 1 of a 2-vCPU domain of the test guest
 * can be: in the guest's code on the higher-half guest, which starts it;
 * in the firmware on the 32-bit guest, which does not. */
void e2eAssertSecondVcpuPc(guint64 pc);

/* Waits until the guest's own code runs (guest_ready is 1) after its
 * domain started; FALSE with @why set after 60 s.  The higher-half guest
 * needs it before any read by symbol: see tests/guest/guest.c. */
gboolean e2eWaitGuestUp(virDomainPtr dom, char **why);

/* What every test leaves behind: the domain running, no debug point, no
 * vCPU stopped for the debugger, and the guest making progress.  FALSE
 * with @why saying what is wrong otherwise. */
gboolean e2eGuestIsClean(virDomainPtr dom, char **why);

/* The same without the test guest's progress counter, for any guest */
gboolean e2eDomainIsClean(virDomainPtr dom, char **why);

/* True when sessions of this run are meant to take the debug channel:
 * every local connection can pass it, unless the run forces the monitor
 * path (the daemon-monitor variants, as qemu+ssh:// would). */
gboolean e2eChannelExpected(void);

/* build/tools/virsh-debug, from the environment meson test sets */
const char *e2eVirshDebugPath(void);
