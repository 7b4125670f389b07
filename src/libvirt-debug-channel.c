/*
 * libvirt-debug-channel.c: the debug channel, a socket straight to QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A monitor command costs a libvirt round trip: the RPC, the domain job,
 * the taint and the log, then QEMU's monitor dispatch.  A debug channel
 * skips all of it after one authenticated setup: this process makes a
 * socketpair(), hands one end to QEMU through libvirt
 * (virDomainQemuMonitorCommandWithFiles with "getfd"), and asks QEMU's
 * debug module to serve it ("debug-channel-open").  From then on the
 * debug commands of this process for that domain, and its DEBUG_STOP
 * events, travel on the socket (docs/qmp-debug.rst has the protocol).
 *
 * The channel holds this process's lease (libvirt-debug-lease.c): QEMU
 * ends the lease when the socket closes, so a process that dies in any
 * way leaves no points armed and no guest held, at once rather than when
 * a timed lease would run out.  Files cannot be passed over qemu+ssh://
 * or qemu+tcp://, and a QEMU may lack the channel: then the caller falls
 * back to the monitor path and a timed lease.  LIBVIRT_DEBUG_TRANSPORT
 * forces either ("channel" fails instead of falling back, "monitor"
 * never opens one), for tests and benchmarks.
 *
 * Threads: any number of callers send requests (each tagged with an id)
 * and sleep until the reader thread files the reply with that id.  The
 * reader hands DEBUG_STOP events to libvirt-debug-events.c, which
 * delivers them from the libvirt event loop like the monitor's.
 */

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libvirt-debug-private.h"

/* A message larger than this from QEMU is a broken channel. */
#define VIR_DOMAIN_DEBUG_CHANNEL_MAX_MESSAGE (16 * 1024 * 1024)

typedef struct {
    gint refs;
    virDomainPtr dom;           /* a reference of its own, for events */
    virDomainDebugDef *def;     /* the <debug> element when it opened */
    int fd;
    GThread *reader;

    GMutex lock;
    GCond cond;
    guint64 nextId;
    GHashTable *replies;        /* id -> reply text, not yet taken */
    bool closed;                /* QEMU closed it, or it broke */
} virDomainDebugChannel;

static GMutex channelsLock;
static GHashTable *channels;    /* domain key -> virDomainDebugChannel */


virDomainDebugTransport
virDomainDebugTransportWanted(void)
{
    const char *env = g_getenv("LIBVIRT_DEBUG_TRANSPORT");

    if (g_strcmp0(env, "channel") == 0)
        return VIR_DOMAIN_DEBUG_TRANSPORT_CHANNEL;
    if (g_strcmp0(env, "monitor") == 0)
        return VIR_DOMAIN_DEBUG_TRANSPORT_MONITOR;
    return VIR_DOMAIN_DEBUG_TRANSPORT_AUTO;
}


static virDomainDebugChannel *
virDomainDebugChannelRef(virDomainDebugChannel *chan)
{
    g_atomic_int_inc(&chan->refs);
    return chan;
}


static void
virDomainDebugChannelUnref(virDomainDebugChannel *chan)
{
    if (!g_atomic_int_dec_and_test(&chan->refs))
        return;
    if (chan->fd >= 0)
        close(chan->fd);
    virDomainFree(chan->dom);
    virDomainDebugDefFree(chan->def);
    g_hash_table_unref(chan->replies);
    g_mutex_clear(&chan->lock);
    g_cond_clear(&chan->cond);
    g_free(chan);
}


static void
virDomainDebugChannelMarkClosed(virDomainDebugChannel *chan)
{
    g_mutex_lock(&chan->lock);
    chan->closed = true;
    g_cond_broadcast(&chan->cond);
    g_mutex_unlock(&chan->lock);
}


static void
virDomainDebugChannelHandle(virDomainDebugChannel *chan, const char *line)
{
    g_autoptr(GError) error = NULL;
    g_autofree qemuDebugStop *event = NULL;
    guint64 id = 0;

    switch (qemuDebugChannelClassify(line, &id, &event, &error)) {
    case QEMU_DEBUG_CHANNEL_REPLY:
        g_mutex_lock(&chan->lock);
        g_hash_table_insert(chan->replies, GSIZE_TO_POINTER(id),
                            g_strdup(line));
        g_cond_broadcast(&chan->cond);
        g_mutex_unlock(&chan->lock);
        break;
    case QEMU_DEBUG_CHANNEL_EVENT:
        virDomainDebugEventQueue(chan->dom, event);
        break;
    case QEMU_DEBUG_CHANNEL_OTHER:
        break;
    default:
        g_warning("domain '%s': ignoring a malformed message on the debug "
                  "channel: %s", virDomainGetName(chan->dom), error->message);
    }
}


/* Reads messages until QEMU closes the channel (the domain stopped, or
 * the channel was closed by virDomainDebugChannelClose). */
static gpointer
virDomainDebugChannelRead(gpointer opaque)
{
    virDomainDebugChannel *chan = opaque;
    g_autoptr(GString) buf = g_string_new(NULL);
    char data[65536];

    for (;;) {
        ssize_t n = read(chan->fd, data, sizeof(data));
        char *nl;

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        g_string_append_len(buf, data, n);
        while ((nl = memchr(buf->str, '\n', buf->len))) {
            *nl = '\0';
            if (nl != buf->str)
                virDomainDebugChannelHandle(chan, buf->str);
            g_string_erase(buf, 0, nl - buf->str + 1);
        }
        if (buf->len > VIR_DOMAIN_DEBUG_CHANNEL_MAX_MESSAGE) {
            g_warning("domain '%s': the debug channel sent a message over "
                      "%d bytes: closing it", virDomainGetName(chan->dom),
                      VIR_DOMAIN_DEBUG_CHANNEL_MAX_MESSAGE);
            break;
        }
    }
    virDomainDebugChannelMarkClosed(chan);
    virDomainDebugChannelUnref(chan);
    return NULL;
}


static int
virDomainDebugChannelWriteAll(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= n;
    }
    return 0;
}


/* Sends @line, request @id (@execute, for errors), on @chan and waits
 * for its reply. */
static char *
virDomainDebugChannelCall(virDomainDebugChannel *chan, const char *line,
                          guint64 id, const char *execute)
{
    char *reply = NULL;

    g_mutex_lock(&chan->lock);
    /* a message is written whole under the lock: requests never
     * interleave on the socket */
    if (chan->closed ||
        virDomainDebugChannelWriteAll(chan->fd, line, strlen(line)) < 0 ||
        virDomainDebugChannelWriteAll(chan->fd, "\n", 1) < 0) {
        g_mutex_unlock(&chan->lock);
        goto closed;
    }
    while (!chan->closed &&
           !g_hash_table_steal_extended(chan->replies, GSIZE_TO_POINTER(id),
                                        NULL, (gpointer *) &reply))
        g_cond_wait(&chan->cond, &chan->lock);
    g_mutex_unlock(&chan->lock);
    if (reply)
        return reply;

 closed:
    virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_QEMU,
                              "domain '%s': the debug channel closed during "
                              "'%s' (the domain stopped or QEMU ended the "
                              "channel); attach again",
                              virDomainGetName(chan->dom), execute);
    return NULL;
}


/* The open channel of this process to @dom, referenced, or NULL. */
static virDomainDebugChannel *
virDomainDebugChannelLookup(virDomainPtr dom)
{
    g_autofree char *key = virDomainDebugDomainKey(dom);
    virDomainDebugChannel *chan = NULL;

    if (!key)
        return NULL;
    g_mutex_lock(&channelsLock);
    if (channels && (chan = g_hash_table_lookup(channels, key)))
        virDomainDebugChannelRef(chan);
    g_mutex_unlock(&channelsLock);
    return chan;
}


bool
virDomainDebugChannelActive(virDomainPtr dom)
{
    virDomainDebugChannel *chan = virDomainDebugChannelLookup(dom);
    bool active;

    if (!chan)
        return false;
    g_mutex_lock(&chan->lock);
    active = !chan->closed;
    g_mutex_unlock(&chan->lock);
    virDomainDebugChannelUnref(chan);
    return active;
}


int
virDomainDebugGetTransport(virDomainPtr dom)
{
    return virDomainDebugChannelActive(dom) ?
        VIR_DOMAIN_DEBUG_TRANSPORT_TYPE_CHANNEL :
        VIR_DOMAIN_DEBUG_TRANSPORT_TYPE_MONITOR;
}


/* A copy of the <debug> element as it was when this process's open
 * channel to @dom opened, or NULL without one. */
virDomainDebugDef *
virDomainDebugChannelDef(virDomainPtr dom)
{
    virDomainDebugChannel *chan = virDomainDebugChannelLookup(dom);
    virDomainDebugDef *def = NULL;

    if (!chan)
        return NULL;
    g_mutex_lock(&chan->lock);
    if (!chan->closed)
        def = virDomainDebugDefCopy(chan->def);
    g_mutex_unlock(&chan->lock);
    virDomainDebugChannelUnref(chan);
    return def;
}


/**
 * virDomainDebugChannelRun:
 *
 * Sends @cmd on this process's channel to @dom if there is one and it
 * carries @cmd.  Returns the reply; or NULL with *@used false (go through
 * the monitor), or NULL with *@used true and the error reported.
 */
char *
virDomainDebugChannelRun(virDomainPtr dom, const char *cmd, bool *used)
{
    virDomainDebugChannel *chan;
    g_autofree char *execute = NULL;
    g_autofree char *line = NULL;
    char *reply = NULL;
    guint64 id;
    bool closed;

    *used = false;
    if (!(chan = virDomainDebugChannelLookup(dom)))
        return NULL;
    g_mutex_lock(&chan->lock);
    id = ++chan->nextId;
    closed = chan->closed;
    g_mutex_unlock(&chan->lock);
    /* only the debug commands travel on the channel; one that QEMU
     * closed (the domain stopped) leaves the monitor to say why */
    line = qemuDebugChannelRequest(cmd, id, &execute, NULL);
    if (!closed && line && qemuDebugChannelCarries(execute)) {
        *used = true;
        reply = virDomainDebugChannelCall(chan, line, id, execute);
    }
    virDomainDebugChannelUnref(chan);
    return reply;
}


/**
 * virDomainDebugSyncLibvirt:
 *
 * Makes libvirt process every event QEMU emitted on its monitor so far
 * (libvirt handles them in order, before the reply to a later command):
 * after a run-state change made on the channel, libvirt's idea of the
 * domain's state is then current.
 */
int
virDomainDebugSyncLibvirt(virDomainPtr dom)
{
    g_autofree char *cmd = qemuDebugBuildQueryStatus();
    g_autofree char *reply = NULL;

    if (virDomainQemuMonitorCommand(dom, cmd, &reply, 0) < 0) {
        virDomainDebugReportLibvirtError(dom, "query the domain's state");
        return -1;
    }
    return 0;
}


/* Hands one end of a new socketpair to QEMU as @fdname; returns our end,
 * or -1 (reported if @report). */
static int
virDomainDebugChannelPassFd(virDomainPtr dom, const char *fdname, bool report)
{
    g_autofree char *cmd = qemuDebugBuildGetfd(fdname);
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    int fds[2];
    int rc;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        if (report)
            virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_INTERNAL,
                                      "cannot create a socket pair for the "
                                      "debug channel: %s", g_strerror(errno));
        return -1;
    }
    rc = virDomainQemuMonitorCommandWithFiles(dom, cmd, 1, &fds[1], NULL, NULL,
                                              &reply, 0);
    close(fds[1]);
    if (rc < 0) {
        if (report)
            virDomainDebugReportLibvirtError(dom, "pass the debug channel to "
                                             "QEMU (a remote connection "
                                             "cannot pass files: run "
                                             "virsh-debug on the host)");
        else
            virResetLastError();
        close(fds[0]);
        return -1;
    }
    if (qemuDebugParseEmptyReply(reply, &error) < 0) {
        if (report)
            virDomainDebugReportGError(dom, error);
        close(fds[0]);
        return -1;
    }
    return fds[0];
}


/**
 * virDomainDebugChannelOpen:
 *
 * Opens a debug channel to @dom holding the lease @client.  Returns 1
 * when it is open, 0 when it cannot be (the connection cannot pass
 * files, QEMU has no channel, or LIBVIRT_DEBUG_TRANSPORT=monitor: use the
 * monitor), -1 with the error reported when LIBVIRT_DEBUG_TRANSPORT=channel
 * demands one that cannot be opened.
 */
int
virDomainDebugChannelOpen(virDomainPtr dom, const qemuDebugCaps *caps,
                          const char *client)
{
    virDomainDebugTransport wanted = virDomainDebugTransportWanted();
    bool report = wanted == VIR_DOMAIN_DEBUG_TRANSPORT_CHANNEL;
    g_autofree char *fdname = g_strdup_printf("libvirt-debug-%s", client);
    g_autofree char *key = virDomainDebugDomainKey(dom);
    g_autofree char *cmd = NULL;
    g_autofree char *reply = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(virDomainDebugDef) def = NULL;
    virDomainDebugChannel *chan;
    int fd;

    if (wanted == VIR_DOMAIN_DEBUG_TRANSPORT_MONITOR || !key)
        return 0;
    if (!caps->hasChannel) {
        if (!report)
            return 0;
        virDomainDebugReportError(VIR_DOMAIN_DEBUG_ERR_NO_DEBUG_API,
                                  "domain '%s': this QEMU has no debug "
                                  "channel (LIBVIRT_DEBUG_TRANSPORT=channel "
                                  "requires one: rebuild it with qemu/build.sh, "
                                  "or unset the variable)",
                                  virDomainGetName(dom));
        return -1;
    }
    /* the policy was checked by the attach that opens the channel: the
     * channel is the authorization, and calls through it use this copy
     * of the element instead of reading the domain's metadata each time */
    if (!(def = virDomainDebugLoadDef(dom, VIR_DOMAIN_AFFECT_LIVE)))
        return -1;
    if ((fd = virDomainDebugChannelPassFd(dom, fdname, report)) < 0)
        return report ? -1 : 0;

    cmd = qemuDebugBuildChannelOpen(fdname, client);
    if (!(reply = virDomainDebugRun(dom, cmd)) ||
        qemuDebugParseEmptyReply(reply, &error) < 0) {
        close(fd);
        if (!report) {
            virDomainDebugErrorReset();
            return 0;
        }
        if (error)
            virDomainDebugReportGError(dom, error);
        return -1;
    }

    chan = g_new0(virDomainDebugChannel, 1);
    chan->refs = 2;             /* the registry's and the reader's */
    virDomainRef(dom);
    chan->dom = dom;
    chan->def = g_steal_pointer(&def);
    chan->fd = fd;
    g_mutex_init(&chan->lock);
    g_cond_init(&chan->cond);
    chan->replies = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                          NULL, g_free);
    chan->reader = g_thread_new("debug-channel", virDomainDebugChannelRead,
                                chan);

    g_mutex_lock(&channelsLock);
    if (!channels)
        channels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         NULL);
    g_hash_table_insert(channels, g_steal_pointer(&key), chan);
    g_mutex_unlock(&channelsLock);
    return 1;
}


/**
 * virDomainDebugChannelClose:
 *
 * Closes this process's channel to @dom, if any, and waits for its
 * reader.  QEMU ends the lease the channel held when it sees the close.
 */
void
virDomainDebugChannelClose(virDomainPtr dom)
{
    g_autofree char *key = virDomainDebugDomainKey(dom);
    virDomainDebugChannel *chan = NULL;
    gpointer stolenKey = NULL;
    GThread *reader;

    if (!key)
        return;
    g_mutex_lock(&channelsLock);
    if (channels)
        g_hash_table_steal_extended(channels, key, &stolenKey,
                                    (gpointer *) &chan);
    g_mutex_unlock(&channelsLock);
    g_free(stolenKey);
    if (!chan)
        return;

    /* the reader sees end-of-file and drops its reference */
    reader = chan->reader;
    shutdown(chan->fd, SHUT_RDWR);
    g_thread_join(reader);
    virDomainDebugChannelUnref(chan);
}
