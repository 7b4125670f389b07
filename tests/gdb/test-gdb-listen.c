/*
 * test-gdb-listen.c: virDomainDebugGdbListen's socket handling
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The socket's life only: created 0600, never replacing a file, removed
 * once the one client connects.  No domain is involved: serving real GDB
 * is the e2e suite's job.
 */

#include "gdb/gdb_bridge.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct {
    const char *path;
    int ret;
} listenArgs;

static gpointer
listenThread(gpointer opaque)
{
    listenArgs *args = opaque;

    int fd = gdbBridgeAcceptOne(args->path);

    args->ret = fd;
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void
testListen(void)
{
    g_autofree char *dir = g_dir_make_tmp("gdb-listen-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "g.sock", NULL);
    listenArgs args = { .path = path, .ret = 1 };
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct stat sb;
    GThread *thread;
    int fd;
    int i;

    thread = g_thread_new("listen", listenThread, &args);
    for (i = 0; i < 500 && stat(path, &sb) < 0; i++)
        g_usleep(10 * 1000);
    g_assert_cmpint(stat(path, &sb), ==, 0);
    g_assert_true(S_ISSOCK(sb.st_mode));
    g_assert_cmpint(sb.st_mode & 0777, ==, 0600);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_thread_join(thread);
    close(fd);

    /* the client was accepted, and the socket is gone */
    g_assert_cmpint(args.ret, >=, 0);
    g_assert_cmpint(stat(path, &sb), <, 0);
    g_assert_cmpint(errno, ==, ENOENT);
    /* nothing left behind in the directory either */
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static void
testListenExists(void)
{
    g_autofree char *dir = g_dir_make_tmp("gdb-listen-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "taken", NULL);

    g_assert_true(g_file_set_contents(path, "mine", -1, NULL));
    g_assert_cmpint(gdbBridgeAcceptOne(path), ==, -1);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(),
                            "choose another path"));
    /* the file is untouched and no temporary directory is left */
    unlink(path);
    g_assert_cmpint(rmdir(dir), ==, 0);

    /* argument checks come before any socket */
    g_assert_cmpint(virDomainDebugGdbListen(NULL, path, 0), ==, -1);
    g_assert_cmpint(virDomainDebugGdbServe(NULL, 0, 1, 0), ==, -1);
}

static void
testListenTooLong(void)
{
    g_autofree char *longname = g_strnfill(200, 'a');
    g_autofree char *path = g_build_filename(g_get_tmp_dir(), longname, NULL);

    g_assert_cmpint(gdbBridgeAcceptOne(path), ==, -1);
    g_assert_nonnull(strstr(virDomainDebugGetLastErrorMessage(), "too long"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gdb/listen/socket", testListen);
    g_test_add_func("/gdb/listen/exists", testListenExists);
    g_test_add_func("/gdb/listen/too-long", testListenTooLong);
    return g_test_run();
}
