/*
 * testutils-libvirt.h: real libvirt instances for the end-to-end tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two ways to reach a QEMU through libvirt, both real:
 *  - the embedded driver, qemu:///embed?root=DIR, in the test process;
 *  - a private libvirtd, started in its own mount namespace so that its
 *    /etc/libvirt, /run/libvirt, /var/lib/libvirt, ... are directories of
 *    the test, listening on its own unix socket; clients reach it with
 *    qemu+unix:///system?socket=PATH, i.e. through libvirt's RPC, the path
 *    a qemu+ssh:// connection takes.
 */

#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

typedef struct _testLibvirt testLibvirt;
struct _testLibvirt {
    char *dir;       /* scratch directory, removed at free */
    char *uri;
    GPid daemon;     /* 0 for the embedded driver */
    virConnectPtr conn;
};

/* Start (or prepare) a libvirt instance of the given kind: "embed" or
 * "daemon".  Aborts the test with a clear message when it cannot. The
 * default libvirt event loop is registered first, so events work. */
testLibvirt *testLibvirtNew(const char *kind);

/* The same without opening a connection.  An embedded driver root serves
 * ONE process at a time: libvirt locks it when a process first opens it
 * and (libvirt 9.0) keeps the lock until that process EXITS, even after
 * its last connection closed.  A test that drives an embedded root
 * through other processes (virsh-debug, gdb) must therefore do its own
 * libvirt work in a child process (tests/e2e/cli-helper.c) or only after
 * the others are done; Connect/Disconnect open and close lv->conn. */
testLibvirt *testLibvirtPrepare(const char *kind);
void testLibvirtConnect(testLibvirt *lv);
void testLibvirtDisconnect(testLibvirt *lv);
void testLibvirtFree(testLibvirt *lv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testLibvirt, testLibvirtFree);

/* The QEMU binaries, from the environment meson sets (the guest is
 * testGuestPath() of testutils-guest.h). */
const char *testLibvirtQemu(void);
const char *testLibvirtStockQemu(void);

/* Domain XML for the test guest on @emulator; @debugXML is a <debug>
 * element to put in <metadata> (or NULL). */
char *testLibvirtDomainXML(const char *name, const char *emulator,
                           unsigned int vcpus, const char *debugXML);

/* Define and start a domain; returns it running. */
virDomainPtr testLibvirtStartDomain(testLibvirt *lv, const char *name,
                                    const char *emulator, unsigned int vcpus,
                                    const char *debugXML);

/* Restart the private libvirtd (kind "daemon"); its domains keep running */
void testLibvirtRestartDaemon(testLibvirt *lv);

/* Run the default event loop in a background thread (once per process). */
void testLibvirtRunEventLoop(void);
