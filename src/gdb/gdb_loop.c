/*
 * gdb_loop.c: the GDB bridge's I/O loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One thread, one poll() on two descriptors: GDB's input and the
 * session's wakeup eventfd, which the libvirt event loop thread signals
 * when a debug exit arrives.  So a 'c' waits for the stop without
 * blocking GDB's interrupt byte, and 0x03 can stop a running guest.
 */

#include "gdb/gdb_loop.h"
#include "gdb/gdb_packet.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    gdbRspSession *session;
    int outfd;
    bool trace;             /* LIBVIRT_DEBUG_GDB_TRACE: packets on stderr */
    bool noAck;
    GString *lastSent;      /* for a '-' from GDB */
    bool ioError;
    bool replied;           /* a packet went out */
    char *firstPacket;      /* qSupported, until the first reply */
} gdbRspLoop;


static int
gdbRspWriteAll(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        /* a socket: no SIGPIPE if GDB went away (for a pipe the caller
         * ignores SIGPIPE, as documented in gdb_bridge.h) */
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == ENOTSOCK)
            n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd pfd = { .fd = fd, .events = POLLOUT };

                poll(&pfd, 1, -1);
                continue;
            }
            return -1;
        }
        buf += n;
        len -= n;
    }
    return 0;
}


static void
gdbRspLoopSendRaw(gdbRspLoop *loop, const char *buf, size_t len)
{
    if (loop->ioError)
        return;
    if (gdbRspWriteAll(loop->outfd, buf, len) < 0)
        loop->ioError = true;
}


static void
gdbRspLoopSendPacket(gdbRspLoop *loop, const char *payload, size_t len)
{
    loop->replied = true;
    g_string_truncate(loop->lastSent, 0);
    gdbRspFramePacket(loop->lastSent, payload, len);
    if (loop->trace)
        g_printerr("debug-gdb: %.3f -> %.*s\n",
                   g_get_monotonic_time() / 1e6, (int)MIN(len, 200), payload);
    gdbRspLoopSendRaw(loop, loop->lastSent->str, loop->lastSent->len);
}


static void
gdbRspLoopSendError(gdbRspLoop *loop, const char *code)
{
    gdbRspLoopSendPacket(loop, code, strlen(code));
}


/* Returns true when the session is over */
static bool
gdbRspLoopPacket(gdbRspLoop *loop, const char *packet, size_t len,
                 GString *reply)
{
    gdbRspAction action;

    if (!loop->noAck)
        gdbRspLoopSendRaw(loop, "+", 1);

    action = gdbRspSessionHandlePacket(loop->session, packet, len, reply);
    switch (action) {
    case GDB_RSP_ACTION_REPLY:
        gdbRspLoopSendPacket(loop, reply->str, reply->len);
        /* QStartNoAckMode's own OK still travels in ack mode */
        if (gdbRspSessionTakeNoAck(loop->session))
            loop->noAck = true;
        return false;
    case GDB_RSP_ACTION_RESUMED:
    case GDB_RSP_ACTION_NONE:
        return false;
    case GDB_RSP_ACTION_REPLY_CLOSE:
        gdbRspLoopSendPacket(loop, reply->str, reply->len);
        return true;
    case GDB_RSP_ACTION_CLOSE:
        return true;
    }
    return false;
}


/* Returns true when the session is over */
static bool
gdbRspLoopInput(gdbRspLoop *loop, gdbRspParser *parser,
                const guint8 *buf, size_t len, GString *reply)
{
    /* whether this input was read after a reply went out */
    bool repliedBefore = loop->replied;
    const char *packet;
    size_t plen;
    size_t i;

    for (i = 0; i < len; i++) {
        switch (gdbRspParserFeed(parser, buf[i])) {
        case GDB_RSP_EVENT_NONE:
            break;
        case GDB_RSP_EVENT_PACKET:
            /* a stop that came in while this input was buffered goes
             * out first: GDB sent the packet after seeing it */
            if (gdbRspSessionIsRunning(loop->session) &&
                gdbRspSessionTakeStop(loop->session, reply))
                gdbRspLoopSendPacket(loop, reply->str, reply->len);
            packet = gdbRspParserPacket(parser, &plen);
            if (loop->trace)
                g_printerr("debug-gdb: %.3f <- %.*s\n",
                           g_get_monotonic_time() / 1e6, (int)MIN(plen, 200),
                           packet);

            /* GDB resends a packet every 2 s (remotetimeout) while
             * nothing acknowledges it, which is what happens to its
             * first one, qSupported, while virsh-debug connects to
             * libvirt and stops the guest.  Answering each copy would
             * shift every later reply by one ("Remote replied
             * unexpectedly to 'vMustReplyEmpty'"): in input read before
             * the first reply went out, copies of qSupported are
             * acknowledged and answered once.  (Later, the loop
             * acknowledges every packet as soon as it reads it, so GDB
             * never resends.) */
            if (!repliedBefore && g_str_has_prefix(packet, "qSupported")) {
                if (loop->firstPacket &&
                    g_str_equal(loop->firstPacket, packet)) {
                    if (!loop->noAck)
                        gdbRspLoopSendRaw(loop, "+", 1);
                    if (loop->trace)
                        g_printerr("debug-gdb: (a retransmission)\n");
                    break;
                }
                g_free(loop->firstPacket);
                loop->firstPacket = g_strndup(packet, plen);
            }

            if (gdbRspLoopPacket(loop, packet, plen, reply))
                return true;
            break;
        case GDB_RSP_EVENT_BAD_CHECKSUM:
        case GDB_RSP_EVENT_MALFORMED:
            /* with acks GDB resends on '-'; without, it gets an error
             * reply so it does not wait for an answer forever */
            if (!loop->noAck)
                gdbRspLoopSendRaw(loop, "-", 1);
            else
                gdbRspLoopSendError(loop, "E16");
            break;
        case GDB_RSP_EVENT_OVERSIZED:
            /* resending would not help: take it, and refuse it */
            if (!loop->noAck)
                gdbRspLoopSendRaw(loop, "+", 1);
            gdbRspLoopSendError(loop, "E16");
            break;
        case GDB_RSP_EVENT_ACK:
            break;
        case GDB_RSP_EVENT_NACK:
            if (loop->lastSent->len)
                gdbRspLoopSendRaw(loop, loop->lastSent->str,
                                  loop->lastSent->len);
            break;
        case GDB_RSP_EVENT_INTERRUPT:
            gdbRspSessionInterrupt(loop->session);
            break;
        }
        if (loop->ioError)
            return true;
    }
    return false;
}


/**
 * gdbRspServeLoop:
 * @session: a started session
 * @infd: GDB's input
 * @outfd: GDB's output (may be @infd)
 *
 * Serves GDB until it detaches, kills, or closes its end, or the domain
 * ends (gdbRspSessionPostExit).  Whichever way it ends, the target is
 * detached: no points left, guest running (or gone).
 *
 * Returns 0, GDB_RSP_LOOP_IO_ERROR (the target was detached) or
 * GDB_RSP_LOOP_DETACH_FAILED.
 */
int
gdbRspServeLoop(gdbRspSession *session, int infd, int outfd)
{
    g_autoptr(gdbRspParser) parser = gdbRspParserNew(GDB_RSP_MAX_PACKET);
    g_autoptr(GString) reply = g_string_sized_new(1024);
    g_autoptr(GString) lastSent = g_string_sized_new(1024);
    gdbRspLoop loop = {
        .session = session,
        .outfd = outfd,
        .lastSent = lastSent,
        .trace = g_getenv("LIBVIRT_DEBUG_GDB_TRACE") != NULL,
    };
    guint8 buf[4096];
    bool done = false;
    int ret = 0;

    while (!done && !loop.ioError) {
        struct pollfd pfds[2] = {
            { .fd = infd, .events = POLLIN },
            { .fd = gdbRspSessionWakeupFd(session), .events = POLLIN },
        };

        if (poll(pfds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            loop.ioError = true;
            break;
        }

        if (pfds[1].revents & POLLIN) {
            bool running = gdbRspSessionIsRunning(session);

            /* the domain ended: GDB waiting for a stop sees the inferior
             * exit, one at its prompt sees the connection close */
            if (gdbRspSessionTakeExit(session, reply)) {
                if (running)
                    gdbRspLoopSendPacket(&loop, reply->str, reply->len);
                break;
            }
            if (gdbRspSessionTakeStop(session, reply))
                gdbRspLoopSendPacket(&loop, reply->str, reply->len);
        }

        if (pfds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(infd, buf, sizeof(buf));

            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN)
                    continue;
                loop.ioError = true;
                break;
            }
            if (n == 0)
                break;      /* GDB went away */
            done = gdbRspLoopInput(&loop, parser, buf, n, reply);
        }
    }

    g_free(loop.firstPacket);
    if (loop.ioError)
        ret = GDB_RSP_LOOP_IO_ERROR;
    if (gdbRspSessionDetach(session) < 0)
        ret = GDB_RSP_LOOP_DETACH_FAILED;
    return ret;
}
