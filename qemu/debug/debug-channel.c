/*
 * QMP guest debugging API: debug channels.
 *
 * Copyright (c) 2024 The libvirt-debug authors
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 *
 * A debug channel is a stream socket that a client passes to QEMU with
 * "getfd" and hands to debug-channel-open.  From then on the debug
 * commands and DEBUG_STOP events flow over it directly, without the QMP
 * monitor: a management layer in between (libvirt) authenticates the
 * client once, when it opens the channel, and is out of the data path
 * afterwards.
 *
 * Design notes
 * ------------
 * The wire format is QMP's (one JSON object per command, replies and
 * events each followed by a newline) without the greeting and the
 * capabilities negotiation.  Input goes through QEMU's JSON message
 * parser and commands through the QAPI generated marshalling
 * (qmp_dispatch() on a command list of our own, filled by
 * qmp_init_marshal()), so the commands behave on a channel exactly as on
 * the monitor.  Only "debug-*" and "query-debug-*" commands are let
 * through: the channel is for a debugger, not a second monitor.
 *
 * Channels are served from the main loop: a QIOChannel watch on the
 * default main context reads and dispatches with the BQL held, like the
 * gdbstub's chardev; there is no thread per channel.  Output is written
 * without blocking; what the socket does not take is buffered, and a
 * client that stops reading is dropped once the buffer exceeds a bound.
 *
 * Each channel holds a lease (qmp-debug-lease.c) for as long as its
 * socket is open.  When it closes, for whatever reason, the lease ends
 * as an expired one does: its points go and a VM stopped in the debugger
 * that nobody else holds resumes.  Closing is deferred to an idle
 * callback so that it never runs inside a command, a VM state change or
 * the JSON parser (ending the lease may resume the VM).
 *
 * debug-step and debug-continue with wait=true do not answer at once:
 * the reply is kept (with the request's id) until the VM next stops, and
 * then carries that stop and the registers the client asked for.  The
 * stop it carries is not sent as an event on that channel as well.
 */

#include "qemu/osdep.h"
#include "qapi/clone-visitor.h"
#include "qapi/compat-policy.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-debug.h"
#include "qapi/qapi-init-commands.h"
#include "qapi/qapi-visit-debug.h"
#include "qapi/qmp/dispatch.h"
#include "qapi/qmp/json-parser.h"
#include "qapi/qmp/qdict.h"
#include "qapi/qmp/qjson.h"
#include "qapi/qmp/qnum.h"
#include "qapi/visitor.h"
#include "io/channel-socket.h"
#include "monitor/monitor.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qmp-debug-internal.h"

/* One message, and input without a complete message, at most */
#define DEBUG_CHANNEL_MAX_INPUT     (1 << 20)
/* Output the client has not read yet, at most */
#define DEBUG_CHANNEL_MAX_OUTPUT    (16 << 20)
#define DEBUG_CHANNEL_READ_SIZE     16384

/* A deferred reply of debug-step or debug-continue (wait=true) */
typedef struct DebugWait {
    QObject *id;                /* the request's id, or NULL */
    int64_t cpu_index;          /* the vCPU whose stop is wanted, or -1 */
    bool has_registers;
    strList *registers;
    bool trace;                 /* a traced step: its entries too */
} DebugWait;

typedef struct DebugChannel {
    QIOChannel *ioc;
    char *client;               /* the lease the channel holds */
    guint in_watch;
    guint out_watch;
    JSONMessageParser parser;
    size_t input;               /* bytes read since the last message */
    GByteArray *out;            /* written to the socket as it takes it */
    GPtrArray *waits;           /* DebugWait * */
    bool closing;
} DebugChannel;

static GPtrArray *debug_channels;       /* the open channels */
static QmpCommandList debug_channel_commands;
static uint64_t debug_channel_serial;   /* for the default lease names */

/* While a channel's command runs: the channel, and a wait it asked for */
static DebugChannel *debug_channel_cur;
static DebugWait *debug_channel_cur_wait;

static void debug_channel_close(DebugChannel *ch, const char *why);

static void debug_wait_free(gpointer data)
{
    DebugWait *w = data;

    qobject_unref(w->id);
    qapi_free_strList(w->registers);
    g_free(w);
}

bool debug_channel_active(void)
{
    return debug_channel_cur != NULL;
}

/* Output */

static gboolean debug_channel_writable(QIOChannel *ioc, GIOCondition cond,
                                       gpointer opaque);

static void debug_channel_flush(DebugChannel *ch)
{
    while (ch->out->len) {
        Error *err = NULL;
        ssize_t n = qio_channel_write(ch->ioc, (char *)ch->out->data,
                                      ch->out->len, &err);

        if (n == QIO_CHANNEL_ERR_BLOCK) {
            break;
        }
        if (n < 0) {
            /* the client is gone: as for EOF, no need to log it */
            error_free(err);
            debug_channel_close(ch, NULL);
            return;
        }
        g_byte_array_remove_range(ch->out, 0, n);
    }
    if (ch->out->len && !ch->out_watch) {
        ch->out_watch = qio_channel_add_watch(ch->ioc, G_IO_OUT,
                                              debug_channel_writable, ch,
                                              NULL);
    }
}

static gboolean debug_channel_writable(QIOChannel *ioc, GIOCondition cond,
                                       gpointer opaque)
{
    DebugChannel *ch = opaque;

    debug_channel_flush(ch);
    if (ch->closing) {
        return G_SOURCE_REMOVE;     /* close() removed this watch */
    }
    if (!ch->out->len) {
        ch->out_watch = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/* Send @msg (not taken) as one line. */
static void debug_channel_send(DebugChannel *ch, QObject *msg)
{
    GString *json;

    if (ch->closing) {
        return;
    }
    json = qobject_to_json(msg);
    g_string_append_c(json, '\n');
    g_byte_array_append(ch->out, (const guint8 *)json->str, json->len);
    g_string_free(json, true);
    if (ch->out->len > DEBUG_CHANNEL_MAX_OUTPUT) {
        debug_channel_close(ch, "its client does not read its output");
        return;
    }
    debug_channel_flush(ch);
}

static void debug_channel_send_error(DebugChannel *ch, Error *err,
                                     QObject *id)
{
    QDict *rsp = qmp_error_response(err);

    if (id) {
        qdict_put_obj(rsp, "id", qobject_ref(id));
    }
    debug_channel_send(ch, QOBJECT(rsp));
    qobject_unref(rsp);
}

/* Input */

static bool debug_channel_allowed(const char *command)
{
    /* "x-debug-..." fails the prefix test: no unstable commands here */
    return (g_str_has_prefix(command, "debug-") ||
            g_str_has_prefix(command, "query-debug-")) &&
           strcmp(command, "debug-channel-open") != 0;
}

/* Run one request; returns the reply, or NULL if it is deferred. */
static QDict *debug_channel_dispatch(DebugChannel *ch, QObject *req)
{
    QDict *dict = qobject_to(QDict, req);
    const char *command = dict ? qdict_get_try_str(dict, "execute") : NULL;
    DebugWait *wait;
    QDict *rsp;

    /* malformed requests are left to qmp_dispatch(), which explains */
    if (command && !debug_channel_allowed(command)) {
        Error *err = NULL;

        error_setg(&err, "command '%s' is not available on a debug channel "
                   "(only debug-* and query-debug-* are); use the QMP "
                   "monitor", command);
        rsp = qmp_error_response(err);
        if (qdict_haskey(dict, "id")) {
            qdict_put_obj(rsp, "id", qobject_ref(qdict_get(dict, "id")));
        }
        return rsp;
    }
    /* the points a channel inserts are its lease's unless it says */
    if (command && strcmp(command, "debug-insert") == 0) {
        QDict *args;

        if (!qdict_haskey(dict, "arguments")) {
            qdict_put(dict, "arguments", qdict_new());
        }
        args = qobject_to(QDict, qdict_get(dict, "arguments"));
        if (args && !qdict_haskey(args, "client")) {
            qdict_put_str(args, "client", ch->client);
        }
    }

    debug_channel_cur = ch;
    debug_channel_cur_wait = NULL;
    rsp = qmp_dispatch(&debug_channel_commands, req, false, NULL);
    wait = debug_channel_cur_wait;
    debug_channel_cur_wait = NULL;
    debug_channel_cur = NULL;

    if (wait) {
        if (qdict_haskey(rsp, "return")) {
            QObject *id = qdict_get(rsp, "id");

            wait->id = id ? qobject_ref(id) : NULL;
            qobject_unref(rsp);
            return NULL;
        }
        /* the commands ask to wait only once they succeeded */
        g_ptr_array_remove(ch->waits, wait);
    }
    return rsp;
}

static void debug_channel_handle(void *opaque, QObject *req, Error *err)
{
    DebugChannel *ch = opaque;
    QDict *rsp;

    ch->input = 0;
    if (ch->closing) {
        qobject_unref(req);
        error_free(err);
        return;
    }
    if (err) {
        /* the parser starts afresh after an error: so does the channel */
        debug_channel_send_error(ch, err, NULL);
        qobject_unref(req);
        return;
    }
    rsp = debug_channel_dispatch(ch, req);
    if (rsp) {
        debug_channel_send(ch, QOBJECT(rsp));
        qobject_unref(rsp);
    }
    qobject_unref(req);
}

static gboolean debug_channel_readable(QIOChannel *ioc, GIOCondition cond,
                                       gpointer opaque)
{
    DebugChannel *ch = opaque;
    char buf[DEBUG_CHANNEL_READ_SIZE];
    Error *err = NULL;
    ssize_t n, i;

    n = qio_channel_read(ioc, buf, sizeof(buf), &err);
    if (n == QIO_CHANNEL_ERR_BLOCK) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        /* EOF or a dead peer: the client went away, which is no news */
        error_free(err);
        ch->in_watch = 0;           /* removed by returning so */
        debug_channel_close(ch, NULL);
        return G_SOURCE_REMOVE;
    }
    /*
     * Byte by byte, so that the bytes since the last complete message are
     * known exactly: the parser itself would accept far bigger input.
     */
    for (i = 0; i < n && !ch->closing; i++) {
        if (++ch->input > DEBUG_CHANNEL_MAX_INPUT) {
            debug_channel_close(ch, "a message exceeds 1 MiB");
            break;
        }
        json_message_parser_feed(&ch->parser, buf + i, 1);
    }
    if (ch->closing) {
        ch->in_watch = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/* Closing */

static gboolean debug_channel_finalize(gpointer opaque)
{
    DebugChannel *ch = opaque;

    debug_lease_drop(ch->client);
    qio_channel_close(ch->ioc, NULL);
    object_unref(OBJECT(ch->ioc));
    json_message_parser_destroy(&ch->parser);
    g_ptr_array_free(ch->waits, true);
    g_byte_array_free(ch->out, true);
    g_free(ch->client);
    g_free(ch);
    return G_SOURCE_REMOVE;
}

/*
 * Stop serving @ch; @why, if not NULL, is logged.  Its deferred replies
 * are dropped: nobody is there to read them.
 */
static void debug_channel_close(DebugChannel *ch, const char *why)
{
    if (ch->closing) {
        return;
    }
    ch->closing = true;
    if (why) {
        warn_report("debug channel '%s' closed: %s; its debug points are "
                    "removed", ch->client, why);
    }
    if (ch->in_watch) {
        g_source_remove(ch->in_watch);
        ch->in_watch = 0;
    }
    if (ch->out_watch) {
        g_source_remove(ch->out_watch);
        ch->out_watch = 0;
    }
    g_ptr_array_remove(debug_channels, ch);
    g_idle_add(debug_channel_finalize, ch);
}

/* Deferred replies and events */

void debug_channel_wait_stop(int64_t cpu_index, bool has_registers,
                             strList *registers, bool trace)
{
    DebugWait *w;

    assert(debug_channel_cur && !debug_channel_cur_wait);
    w = g_new0(DebugWait, 1);
    w->cpu_index = cpu_index;
    w->has_registers = has_registers;
    w->registers = QAPI_CLONE(strList, registers);
    w->trace = trace;
    g_ptr_array_add(debug_channel_cur->waits, w);
    debug_channel_cur_wait = w;
}

/* The stop that answers @w: its vCPU's if it stopped, else the first. */
static DebugStopInfoList *debug_wait_stop(DebugWait *w,
                                          DebugStopInfoList *stops)
{
    DebugStopInfoList *s;

    for (s = stops; s && w->cpu_index >= 0; s = s->next) {
        if (s->value->cpu_index == w->cpu_index) {
            return s;
        }
    }
    return stops;
}

/* Answer @w with @stop; false if the registers could not be read. */
static bool debug_wait_answer(DebugChannel *ch, DebugWait *w,
                              DebugStopInfo *stop)
{
    DebugRunResult *res = g_new0(DebugRunResult, 1);
    Error *err = NULL;
    QObject *ret = NULL;
    QDict *rsp;
    Visitor *v;

    if (w->has_registers) {
        /* an empty list asks for every register, as no names does */
        res->registers = qmp_debug_read_registers(stop->cpu_index,
                                                  w->registers != NULL,
                                                  w->registers, &err);
        if (err) {
            error_prepend(&err, "the VM stopped, but its registers could "
                          "not be read (a DEBUG_STOP event follows): ");
            debug_channel_send_error(ch, err, w->id);
            qapi_free_DebugRunResult(res);
            return false;
        }
        res->has_registers = true;
    }
    res->has_stop = true;
    res->stop = QAPI_CLONE(DebugStopInfo, stop);
    if (w->trace) {
        res->has_trace = true;
        res->trace = debug_step_trace_copy(w->cpu_index);
    }

    v = qobject_output_visitor_new_qmp(&ret);
    visit_type_DebugRunResult(v, "unused", &res, &error_abort);
    visit_complete(v, &ret);
    visit_free(v);
    qapi_free_DebugRunResult(res);

    rsp = qdict_new();
    qdict_put_obj(rsp, "return", ret);
    if (w->id) {
        qdict_put_obj(rsp, "id", qobject_ref(w->id));
    }
    debug_channel_send(ch, QOBJECT(rsp));
    qobject_unref(rsp);
    return true;
}

/* Event @name with @data (a new reference is taken), timestamped now */
static QDict *debug_channel_make_event(const char *name, QObject *data)
{
    int64_t now = g_get_real_time();
    QDict *ev, *ts;

    ts = qdict_new();
    qdict_put_int(ts, "seconds", now / G_USEC_PER_SEC);
    qdict_put_int(ts, "microseconds", now % G_USEC_PER_SEC);
    ev = qdict_new();
    qdict_put_str(ev, "event", name);
    qdict_put_obj(ev, "data", qobject_ref(data));
    qdict_put(ev, "timestamp", ts);
    return ev;
}

void debug_channel_broadcast(const char *name, QDict *data)
{
    g_autoptr(GPtrArray) channels = NULL;
    QDict *ev;
    guint i;

    if (!debug_channels || !debug_channels->len) {
        return;
    }
    ev = debug_channel_make_event(name, QOBJECT(data));
    /* a failed write closes a channel and takes it off the list */
    channels = g_ptr_array_sized_new(debug_channels->len);
    for (i = 0; i < debug_channels->len; i++) {
        g_ptr_array_add(channels, g_ptr_array_index(debug_channels, i));
    }
    for (i = 0; i < channels->len; i++) {
        DebugChannel *ch = g_ptr_array_index(channels, i);

        if (!ch->closing) {
            debug_channel_send(ch, QOBJECT(ev));
        }
    }
    qobject_unref(ev);
}

/* DEBUG_STOP for @stop, with the data of the QMP event */
static QDict *debug_channel_event(DebugStopInfo *stop)
{
    q_obj_DEBUG_STOP_arg arg = {
        .cpu_index = stop->cpu_index,
        .reason = stop->reason,
        .pc = stop->pc,
        .has_point_id = stop->has_point_id,
        .point_id = stop->point_id,
        .has_watch_addr = stop->has_watch_addr,
        .watch_addr = stop->watch_addr,
        .has_hit_addr = stop->has_hit_addr,
        .hit_addr = stop->hit_addr,
    };
    QObject *data = NULL;
    QDict *ev;
    Visitor *v;

    v = qobject_output_visitor_new_qmp(&data);
    visit_start_struct(v, "DEBUG_STOP", NULL, 0, &error_abort);
    visit_type_q_obj_DEBUG_STOP_arg_members(v, &arg, &error_abort);
    visit_check_struct(v, &error_abort);
    visit_end_struct(v, NULL);
    visit_complete(v, &data);
    visit_free(v);

    ev = debug_channel_make_event("DEBUG_STOP", data);
    qobject_unref(data);
    return ev;
}

static void debug_channel_stopped(DebugChannel *ch, DebugStopInfoList *stops,
                                  RunState state)
{
    g_autoptr(GHashTable) answered = g_hash_table_new(NULL, NULL);
    g_autoptr(GPtrArray) waits = ch->waits;
    DebugStopInfoList *s;
    guint i;

    /* every wait ends at this stop, one way or another */
    ch->waits = g_ptr_array_new_with_free_func(debug_wait_free);
    for (i = 0; i < waits->len; i++) {
        DebugWait *w = g_ptr_array_index(waits, i);

        s = debug_wait_stop(w, stops);
        if (!s) {
            Error *err = NULL;

            /* e.g. "stop" on the monitor: no stop record to answer with */
            error_setg(&err, "the VM stopped (runstate '%s') without a "
                       "debug stop; query-status and query-debug-stop tell "
                       "where it is", RunState_str(state));
            debug_channel_send_error(ch, err, w->id);
        } else if (debug_wait_answer(ch, w, s->value)) {
            g_hash_table_add(answered, s);
        }
    }
    for (s = stops; s; s = s->next) {
        if (!g_hash_table_contains(answered, s)) {
            QDict *ev = debug_channel_event(s->value);

            debug_channel_send(ch, QOBJECT(ev));
            qobject_unref(ev);
        }
    }
}

void debug_channel_vm_stopped(DebugStopInfoList *stops, RunState state)
{
    g_autoptr(GPtrArray) channels = NULL;
    guint i;

    if (!debug_channels || !debug_channels->len) {
        return;
    }
    /* a failed write closes a channel and takes it off the list */
    channels = g_ptr_array_sized_new(debug_channels->len);
    for (i = 0; i < debug_channels->len; i++) {
        g_ptr_array_add(channels, g_ptr_array_index(debug_channels, i));
    }
    for (i = 0; i < channels->len; i++) {
        DebugChannel *ch = g_ptr_array_index(channels, i);

        if (!ch->closing) {
            debug_channel_stopped(ch, stops, state);
        }
    }
}

/* Commands */

static char *debug_channel_default_name(void)
{
    char *name = NULL;

    do {
        g_free(name);
        name = g_strdup_printf("channel-%" PRIu64, ++debug_channel_serial);
    } while (debug_lease_exists(name));
    return name;
}

/* The stream socket the monitor holds as @fdname, taken from it. */
static int debug_channel_take_fd(const char *fdname, Error **errp)
{
    Monitor *mon = monitor_cur();
    Error *local_err = NULL;
    socklen_t len = sizeof(int);
    int fd, type;

    if (!mon) {
        error_setg(errp, "debug-channel-open needs a QMP monitor");
        return -1;
    }
    fd = monitor_get_fd(mon, fdname, &local_err);
    if (fd < 0) {
        error_free(local_err);
        error_setg(errp, "no file descriptor named '%s' was passed to this "
                   "monitor; pass the socket with 'getfd' (SCM_RIGHTS) on "
                   "the same monitor first", fdname);
        return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) {
        error_setg_errno(errp, errno, "file descriptor '%s' is not a "
                         "socket; pass one end of a stream socket pair",
                         fdname);
        close(fd);
        return -1;
    }
    if (type != SOCK_STREAM) {
        error_setg(errp, "file descriptor '%s' is not a stream socket; pass "
                   "one end of socketpair(AF_UNIX, SOCK_STREAM, ...)",
                   fdname);
        close(fd);
        return -1;
    }
    return fd;
}

DebugChannelInfo *qmp_debug_channel_open(const char *fdname, bool has_client,
                                         const char *client, Error **errp)
{
    g_autofree char *name = NULL;
    QIOChannelSocket *sioc;
    DebugChannelInfo *info;
    DebugChannel *ch;
    int fd;

    if (!debug_check_usable(errp)) {
        return NULL;
    }
    if (has_client) {
        if (!debug_lease_check_name(client, errp)) {
            return NULL;
        }
        name = g_strdup(client);
    } else {
        name = debug_channel_default_name();
    }
    fd = debug_channel_take_fd(fdname, errp);
    if (fd < 0) {
        return NULL;
    }
    sioc = qio_channel_socket_new_fd(fd, errp);
    if (!sioc) {
        close(fd);
        return NULL;
    }
    /* last, so that a failure before leaves an existing lease as it was */
    if (!debug_lease_hold(name, errp)) {
        object_unref(OBJECT(sioc));
        return NULL;
    }

    if (!debug_channels) {
        debug_channels = g_ptr_array_new();
        qmp_init_marshal(&debug_channel_commands);
    }
    ch = g_new0(DebugChannel, 1);
    ch->ioc = QIO_CHANNEL(sioc);
    ch->client = g_steal_pointer(&name);
    ch->out = g_byte_array_new();
    ch->waits = g_ptr_array_new_with_free_func(debug_wait_free);
    qio_channel_set_name(ch->ioc, "debug-channel");
    qio_channel_set_blocking(ch->ioc, false, NULL);
    json_message_parser_init(&ch->parser, debug_channel_handle, ch, NULL);
    ch->in_watch = qio_channel_add_watch(ch->ioc,
                                         G_IO_IN | G_IO_HUP | G_IO_ERR,
                                         debug_channel_readable, ch, NULL);
    g_ptr_array_add(debug_channels, ch);

    info = g_new0(DebugChannelInfo, 1);
    info->client = g_strdup(ch->client);
    info->points = debug_count_points_of(ch->client);
    return info;
}

DebugChannelInfoList *qmp_query_debug_channels(Error **errp)
{
    DebugChannelInfoList *head = NULL, **tail = &head;
    guint i;

    for (i = 0; debug_channels && i < debug_channels->len; i++) {
        DebugChannel *ch = g_ptr_array_index(debug_channels, i);
        DebugChannelInfo *info = g_new0(DebugChannelInfo, 1);

        info->client = g_strdup(ch->client);
        info->points = debug_count_points_of(ch->client);
        QAPI_LIST_APPEND(tail, info);
    }
    return head;
}
