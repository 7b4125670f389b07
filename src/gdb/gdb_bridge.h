/*
 * gdb_bridge.h: GDB's remote serial protocol over a libvirt connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Lets GDB debug a guest with no gdbstub port on the host: GDB talks the
 * remote protocol to this bridge (over a pipe, `target remote | CMD`, or a
 * unix socket) and the bridge carries every request over the libvirt
 * connection with the public virDomainDebug*() API, local or remote.
 *
 * Internal to libvirt-debug's tools; not installed.
 */

#pragma once

#include "libvirt-debug/libvirt-debug.h"

/**
 * virDomainDebugGdbServe:
 * @dom: a running domain
 * @infd: where GDB's packets come from
 * @outfd: where replies go (may equal @infd, e.g. a socket)
 * @flags: bitwise-OR of virDomainDebugAttachFlags, passed on to
 *         virDomainDebugAttach() (FORCE, NO_POINTS)
 *
 * Attaches to @dom (virDomainDebugAttach), stops the guest as GDB expects
 * when it connects, and serves GDB until it detaches ('D'), kills ('k',
 * which detaches too: the bridge never destroys a domain) or closes its
 * end.  However the session ends, the domain is detached: no debug points
 * left and the guest running.
 *
 * GDB threads are vCPUs (thread N = vCPU N-1).  Breakpoints and
 * watchpoints apply to every vCPU.  Stepping steps one vCPU with the
 * others stopped.
 *
 * Threads: debug-exit events reach the bridge through
 * virDomainDebugEventRegister(), i.e. on the libvirt event loop.  The
 * caller must have called virEventRegisterDefaultImpl() before opening
 * the connection and must run virEventRunDefaultImpl() in ANOTHER thread
 * for as long as this call lasts: this thread blocks in poll() on @infd
 * and a wakeup eventfd the event callback signals.
 *
 * SIGPIPE is blocked in the calling thread while serving, so a GDB that
 * vanishes is an end of session (and a detach), not a killed process.
 *
 * Returns 0 when GDB ended the session and the domain was detached, -1
 * otherwise; virDomainDebugGetLastErrorMessage() then says why.  Reasons
 * for individual error replies sent to GDB are printed on stderr, which
 * `target remote | ...` shows in GDB's terminal.  With the environment
 * variable LIBVIRT_DEBUG_GDB_TRACE set, every packet is logged there too.
 */
int virDomainDebugGdbServe(virDomainPtr dom, int infd, int outfd,
                           unsigned int flags);

/**
 * virDomainDebugGdbListen:
 * @dom: a running domain
 * @path: where to create the unix socket (must not exist)
 * @flags: as for virDomainDebugGdbServe()
 *
 * Creates a unix socket at @path, readable and writable by its owner
 * only (mode 0600, from the moment it appears: it is made in a private
 * directory and linked into place), waits for ONE client
 * (`target remote PATH` in GDB), removes the socket so no one else can
 * connect, and serves the client as virDomainDebugGdbServe() does.
 *
 * Returns as virDomainDebugGdbServe(); the socket is removed on every
 * path.
 */
int virDomainDebugGdbListen(virDomainPtr dom, const char *path,
                            unsigned int flags);

/**
 * virDomainDebugGdbServeSymbols / virDomainDebugGdbListenSymbols:
 * @symbols: the guest's symbol file (an ELF or a System.map on this
 *           machine), or NULL for the one the domain's <debug:symbols>
 *           element names
 *
 * As virDomainDebugGdbServe() / virDomainDebugGdbListen() (which use the
 * element's file).  A GDB started without a file gets the symbol file:
 * the bridge names it in qXfer:exec-file:read and serves that one file,
 * read-only, through the protocol's host I/O (vFile).  A @symbols that is
 * not a readable symbol file fails before the domain is attached.
 */
int virDomainDebugGdbServeSymbols(virDomainPtr dom, int infd, int outfd,
                                  const char *symbols, unsigned int flags);
int virDomainDebugGdbListenSymbols(virDomainPtr dom, const char *path,
                                   const char *symbols, unsigned int flags);

/* The socket half of virDomainDebugGdbListen(), for its unit test */
int gdbBridgeAcceptOne(const char *path);
