/*
 * gdbstub-client.c: a minimal client of QEMU's raw gdbstub
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Enough of the remote protocol to time request/reply round trips the
 * way GDB does them: no-ack mode when QEMU offers it.
 */

#include <stdbool.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <signal.h>
#include <sys/wait.h>

#include "gdbstub-client.h"

struct _benchGdbstub {
    bool noAck;
    char *dir;
    GPid qemu;
    GSocketConnection *conn;
    GInputStream *in;
    GOutputStream *out;
};

static void
benchGdbstubSend(benchGdbstub *gs, const char *payload)
{
    unsigned int sum = 0;
    const char *p;
    g_autofree char *frame = NULL;

    for (p = payload; *p; p++)
        sum += (unsigned char) *p;
    frame = g_strdup_printf("$%s#%02x", payload, sum & 0xff);
    if (!g_output_stream_write_all(gs->out, frame, strlen(frame), NULL, NULL, NULL))
        g_error("gdbstub: write failed");
}

static char
benchGdbstubByte(benchGdbstub *gs)
{
    char c;

    if (g_input_stream_read(gs->in, &c, 1, NULL, NULL) != 1)
        g_error("gdbstub: connection closed");
    return c;
}

static char *
benchGdbstubReceive(benchGdbstub *gs)
{
    g_autoptr(GString) payload = g_string_new(NULL);
    char c;

    /* skip the ack of our packet and anything before the reply */
    while ((c = benchGdbstubByte(gs)) != '$')
        ;
    while ((c = benchGdbstubByte(gs)) != '#')
        g_string_append_c(payload, c);
    benchGdbstubByte(gs);
    benchGdbstubByte(gs);
    if (!gs->noAck &&
        !g_output_stream_write_all(gs->out, "+", 1, NULL, NULL, NULL))
        g_error("gdbstub: write failed");
    return g_string_free(g_steal_pointer(&payload), FALSE);
}

char *
benchGdbstubRequest(benchGdbstub *gs, const char *packet)
{
    benchGdbstubSend(gs, packet);
    return benchGdbstubReceive(gs);
}

benchGdbstub *
benchGdbstubStart(const char *qemu, const char *guest)
{
    benchGdbstub *gs = g_new0(benchGdbstub, 1);
    g_autoptr(GError) error = NULL;
    g_autofree char *sock = NULL;
    g_autofree char *gdbarg = NULL;
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketAddress) addr = NULL;
    size_t i;

    gs->dir = g_dir_make_tmp("lvdbg-bench-XXXXXX", &error);
    g_assert_no_error(error);
    sock = g_build_filename(gs->dir, "gdb.sock", NULL);
    gdbarg = g_strdup_printf("unix:%s,server=on,wait=off", sock);
    {
        const char *argv[] = {
            qemu, "-machine", "pc", "-accel", "tcg", "-m", "32",
            "-display", "none", "-nodefaults", "-kernel", guest,
            "-gdb", gdbarg, NULL,
        };

        if (!g_spawn_async(NULL, (char **) argv, NULL,
                           G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                           NULL, NULL, &gs->qemu, &error))
            g_error("cannot start %s: %s", qemu, error->message);
    }

    addr = g_unix_socket_address_new(sock);
    for (i = 0; i < 200 && !gs->conn; i++) {
        if (!(gs->conn = g_socket_client_connect(client, G_SOCKET_CONNECTABLE(addr),
                                                 NULL, NULL)))
            g_usleep(50 * 1000);
    }
    if (!gs->conn)
        g_error("cannot connect to QEMU's gdbstub at %s", sock);
    /* buffered: a 'g' reply is a thousand bytes read one at a time */
    gs->in = g_buffered_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(gs->conn)));
    gs->out = g_io_stream_get_output_stream(G_IO_STREAM(gs->conn));
    /* as GDB does: without per-packet acknowledgements */
    {
        g_autofree char *ok = benchGdbstubRequest(gs, "QStartNoAckMode");

        gs->noAck = g_str_equal(ok, "OK");
    }
    g_free(benchGdbstubRequest(gs, "?"));
    return gs;
}

void
benchGdbstubStop(benchGdbstub *gs)
{
    g_clear_object(&gs->in);
    g_clear_object(&gs->conn);
    kill(gs->qemu, SIGKILL);
    waitpid(gs->qemu, NULL, 0);
    g_spawn_close_pid(gs->qemu);
    {
        const char *argv[] = { "rm", "-rf", gs->dir, NULL };

        g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, NULL, NULL, NULL, NULL);
    }
    g_free(gs->dir);
    g_free(gs);
}
