/*
 * testutils-qmp.h: a tiny synchronous QMP client, and QEMU processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For tests that talk to QEMU directly (tests/qmp/) and for e2e tests and
 * benchmarks that need to look under libvirt.  Everything is synchronous:
 * a command waits for its reply, and events that arrive meanwhile are
 * queued for testQmpWaitEvent().
 *
 *   g_autoptr(testQemu) qemu = testQemuStart(testQemuBinary(), args, &err);
 *   g_autoptr(JsonNode) ret = testQmpExecutef(qemu->qmp, &err,
 *       "debug-insert", "{\"type\": \"sw-breakpoint\", \"addr\": %llu}",
 *       (unsigned long long) addr);
 *   g_autoptr(JsonObject) stop = testQmpWaitEvent(qemu->qmp, "DEBUG_STOP",
 *                                                 5000, &err);
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#define TEST_QMP_ERROR (testQmpErrorQuark())
GQuark testQmpErrorQuark(void);

typedef enum {
    TEST_QMP_ERROR_IO,        /* socket or process trouble */
    TEST_QMP_ERROR_TIMEOUT,   /* nothing arrived in time */
    TEST_QMP_ERROR_PROTOCOL,  /* not QMP */
    TEST_QMP_ERROR_COMMAND,   /* QEMU answered with an error: the GError's
                               * message is QEMU's "desc" */
} testQmpError;

typedef struct _testQmp testQmp;

/* Connect to the QMP unix socket @path, retrying until @timeout_ms if it
 * does not exist yet, read the greeting and negotiate capabilities. */
testQmp *testQmpConnect(const char *path, guint timeout_ms, GError **error);
void testQmpFree(testQmp *qmp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testQmp, testQmpFree);

/* Timeout of a command's reply, in milliseconds (default 10000). */
void testQmpSetTimeout(testQmp *qmp, guint timeout_ms);

/* Execute @command with @args (a JSON object node, or NULL; not taken).
 * Returns a new reference to the "return" value, or NULL with @error set
 * (TEST_QMP_ERROR_COMMAND if QEMU returned an error). */
JsonNode *testQmpExecute(testQmp *qmp, const char *command, JsonNode *args,
                         GError **error);

/* Same, with the arguments as printf-formatted JSON object text (or a
 * NULL format for none). */
JsonNode *testQmpExecutef(testQmp *qmp, GError **error, const char *command,
                          const char *argsfmt, ...) G_GNUC_PRINTF(4, 5);

/* Wait up to @timeout_ms for event @name (queued ones first).  Returns a
 * new reference to its "data" object (an empty object if it has none), or
 * NULL with @error set on timeout.  Events of other names stay queued. */
JsonObject *testQmpWaitEvent(testQmp *qmp, const char *name,
                             guint timeout_ms, GError **error);

/* Read whatever QEMU has already sent, without blocking, and return how
 * many queued events are named @name (all events if @name is NULL). */
guint testQmpCountEvents(testQmp *qmp, const char *name);

/* Drop all queued events. */
void testQmpClearEvents(testQmp *qmp);

/* Execute @command like testQmpExecutef(), passing @fd along with the
 * request (SCM_RIGHTS), as "getfd" and "add-fd" need. */
JsonNode *testQmpExecuteWithFd(testQmp *qmp, int fd, GError **error,
                               const char *command, const char *argsfmt,
                               ...) G_GNUC_PRINTF(5, 6);

/* A client of a QEMU debug channel (debug-channel-open): the same
 * synchronous client, on a socket that carries no greeting.  Takes @fd. */
testQmp *testQmpNewChannel(int fd);

/* Open a debug channel through the monitor @qmp: a socketpair, one end
 * passed with getfd, then debug-channel-open with @client (or none, for
 * QEMU's default name).  Returns the client of the other end, and the
 * lease name QEMU reports in @client_out (if not NULL). */
testQmp *testQmpOpenChannel(testQmp *qmp, const char *client,
                            char **client_out, GError **error);

/* Send @text as it is (no newline added). */
gboolean testQmpSendRaw(testQmp *qmp, const char *text, gsize len,
                        GError **error);

/* The next message that is not an event (a reply, whole, with its "id"),
 * waiting up to @timeout_ms; events meanwhile are queued. */
JsonObject *testQmpNextMessage(testQmp *qmp, guint timeout_ms,
                               GError **error);

/* The socket, for tests that need to misbehave on it. */
int testQmpFd(testQmp *qmp);

/* Wait up to @timeout_ms for the peer to close the connection, discarding
 * what it sends meanwhile.  FALSE if it is still open then. */
gboolean testQmpWaitClosed(testQmp *qmp, guint timeout_ms);


typedef struct _testQemu testQemu;
struct _testQemu {
    GPid pid;
    char *dir;        /* scratch directory (sockets, log), removed at free */
    char *qmp_path;   /* its QMP socket */
    char *log_path;   /* QEMU's stdout and stderr */
    testQmp *qmp;     /* connected and negotiated */
};

/* The patched QEMU: $LIBVIRT_DEBUG_QEMU.  Aborts the test with a message
 * saying how to set it (meson setup -Dqemu_binary=$(qemu/build.sh)) when
 * it is empty. */
const char *testQemuBinary(void);

/* Start @binary with @args (NULL-terminated; no -qmp, it is added) and
 * connect to its QMP socket.  Returns NULL with @error set (including the
 * end of QEMU's log) if QEMU does not come up within 10 seconds. */
testQemu *testQemuStart(const char *binary, const char *const *args,
                        GError **error);

/* The accelerator of testQemuStartTcg(): "tcg", or $LIBVIRT_DEBUG_ACCEL
 * ("kvm" in the KVM lanes, tests/kvm/). */
const char *testQemuAccel(void);

/* Start the patched QEMU (testQemuBinary()) the QMP tests' way: on
 * @machine under TCG (or testQemuAccel()), no display or default devices, the test guest as
 * its -kernel (unless @machine is "none"), plus @extra (NULL-terminated,
 * may be NULL).  Aborts the test if QEMU does not come up. */
testQemu *testQemuStartTcg(const char *machine, const char *const *extra);

/* Wait until the test guest has set up its IDT and runs its main loop
 * (reads guest_ready and guest_counter with debug-read-memory). */
void testQemuWaitGuestReady(testQemu *qemu);

/* A path in the QEMU's scratch directory, e.g. for a -gdb socket. */
char *testQemuPath(testQemu *qemu, const char *name);

/* QEMU's log so far. */
char *testQemuLog(testQemu *qemu);

/* Quit QEMU (QMP "quit", then SIGKILL after 5 seconds), reap it and remove
 * its scratch directory. */
void testQemuFree(testQemu *qemu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testQemu, testQemuFree);
