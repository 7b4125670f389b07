/*
 * testutils-libvirt.c: real libvirt instances for the end-to-end tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <libvirt/virterror.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>

#include "testutils-guest.h"
#include "testutils-libvirt.h"

/* The QEMU driver settings both instances use: QEMU runs as root without
 * a security driver or namespaces (test directories only), and writes its
 * stdio to a file rather than through virtlogd, which does not run here.
 * Files are never relabelled: several libvirt instances (the tests run in
 * parallel) share the guest ELF, and each would otherwise record the
 * owner in its extended attributes and warn about the others' records. */
static const char qemuConf[] =
    "user = \"root\"\n"
    "group = \"root\"\n"
    "dynamic_ownership = 0\n"
    "remember_owner = 0\n"
    "namespaces = []\n"
    "security_driver = \"none\"\n"
    "stdio_handler = \"file\"\n";

static void
testLibvirtQuietError(void *opaque G_GNUC_UNUSED,
                      virErrorPtr err G_GNUC_UNUSED)
{
    /* Tests check errors themselves; libvirt must not print them. */
}

static gpointer
testLibvirtEventThread(gpointer data G_GNUC_UNUSED)
{
    for (;;)
        virEventRunDefaultImpl();
    return NULL;
}

void
testLibvirtRunEventLoop(void)
{
    static gsize started;

    if (g_once_init_enter(&started)) {
        /* Route libvirt's own log (taint warnings, probing noise) to a
         * file, as the CLI does, so test output stays readable. */
        if (!g_getenv("LIBVIRT_LOG_OUTPUTS")) {
            g_autofree char *log = g_build_filename(g_get_tmp_dir(),
                                                    "libvirt-debug-tests-libvirt.log",
                                                    NULL);
            g_autofree char *outputs = g_strdup_printf("3:file:%s", log);
            g_setenv("LIBVIRT_LOG_OUTPUTS", outputs, TRUE);
        }
        virSetErrorFunc(NULL, testLibvirtQuietError);
        g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);
        g_thread_unref(g_thread_new("libvirt-events", testLibvirtEventThread, NULL));
        g_once_init_leave(&started, 1);
    }
}

static const char *
testLibvirtEnv(const char *name, const char *what)
{
    const char *val = g_getenv(name);

    if (!val || !*val)
        g_error("%s is not set: %s (run the tests with meson test, configured "
                "with -Dqemu_binary=$(qemu/build.sh | tail -n1))", name, what);
    return val;
}

const char *
testLibvirtQemu(void)
{
    return testLibvirtEnv("LIBVIRT_DEBUG_QEMU", "the patched QEMU");
}

const char *
testLibvirtStockQemu(void)
{
    return testLibvirtEnv("LIBVIRT_DEBUG_STOCK_QEMU", "Debian's QEMU");
}

static void
testLibvirtWriteFile(const char *dir, const char *name, const char *content)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) error = NULL;

    if (!g_file_set_contents(path, content, -1, &error))
        g_error("cannot write %s: %s", path, error->message);
}

/* A shell script run under `unshare -m`: bind-mount the test's own
 * directories over libvirt's system paths, then exec libvirtd with a
 * config that puts its sockets in the test directory. */
static const char daemonScript[] =
    "set -e\n"
    "d=$1\n"
    "for p in etc:/etc/libvirt run:/run/libvirt lib:/var/lib/libvirt "
    "cache:/var/cache/libvirt log:/var/log/libvirt; do\n"
    "  src=$d/${p%%:*}; dst=${p#*:}\n"
    "  mkdir -p \"$src\" \"$dst\"\n"
    "  mount --bind \"$src\" \"$dst\"\n"
    "done\n"
    "exec /usr/sbin/libvirtd --config \"$d/libvirtd.conf\" "
    "--pid-file \"$d/libvirtd.pid\"\n";

/* A test that aborts must not leave its libvirtd behind. */
static void
testLibvirtDaemonChildSetup(gpointer data G_GNUC_UNUSED)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static void
testLibvirtStartDaemon(testLibvirt *lv)
{
    g_autofree char *etc = g_build_filename(lv->dir, "etc", NULL);
    g_autofree char *sockdir = g_build_filename(lv->dir, "sock", NULL);
    g_autofree char *sock = g_build_filename(sockdir, "libvirt-sock", NULL);
    g_autofree char *conf = NULL;
    g_autofree char *script = g_build_filename(lv->dir, "libvirtd.sh", NULL);
    g_autofree char *logpath = g_build_filename(lv->dir, "libvirtd.log", NULL);
    g_autoptr(GError) error = NULL;
    const char *argv[] = { "unshare", "-m", "--propagation", "private",
                           "sh", script, lv->dir, NULL };
    int logfd;
    size_t i;

    g_mkdir_with_parents(etc, 0700);
    g_mkdir_with_parents(sockdir, 0700);
    testLibvirtWriteFile(etc, "qemu.conf", qemuConf);
    conf = g_strdup_printf("unix_sock_dir = \"%s\"\n"
                           "auth_unix_rw = \"none\"\n"
                           "auth_unix_ro = \"none\"\n"
                           "log_outputs = \"3:file:%s\"\n",
                           sockdir, logpath);
    testLibvirtWriteFile(lv->dir, "libvirtd.conf", conf);
    testLibvirtWriteFile(lv->dir, "libvirtd.sh", daemonScript);

    logfd = g_open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (!g_spawn_async_with_pipes_and_fds(NULL, argv, NULL,
                                          G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                          testLibvirtDaemonChildSetup, NULL,
                                          -1, logfd, logfd,
                                          NULL, NULL, 0, &lv->daemon,
                                          NULL, NULL, NULL, &error))
        g_error("cannot start libvirtd: %s", error->message);
    close(logfd);

    /* The socket appears once libvirtd is ready to serve. */
    for (i = 0; i < 300 && !g_file_test(sock, G_FILE_TEST_EXISTS); i++)
        g_usleep(50 * 1000);
    if (!g_file_test(sock, G_FILE_TEST_EXISTS))
        g_error("libvirtd did not create %s within 15s; see %s", sock, logpath);

    lv->uri = g_strdup_printf("qemu+unix:///system?socket=%s", sock);
}

/**
 * testLibvirtRestartDaemon:
 *
 * Stops the private libvirtd (SIGTERM: its domains keep running, as on a
 * host whose libvirtd is restarted) and starts a new one on the same
 * socket, which reconnects to them.  Connections of the old one are
 * dead; lv->conn is closed.
 */
void
testLibvirtRestartDaemon(testLibvirt *lv)
{
    g_autofree char *sock = g_build_filename(lv->dir, "sock", "libvirt-sock",
                                             NULL);

    g_assert_true(lv->daemon > 0);
    if (lv->conn) {
        virConnectClose(lv->conn);
        lv->conn = NULL;
    }
    kill(lv->daemon, SIGTERM);
    waitpid(lv->daemon, NULL, 0);
    g_spawn_close_pid(lv->daemon);
    lv->daemon = 0;
    g_unlink(sock);
    g_clear_pointer(&lv->uri, g_free);
    testLibvirtStartDaemon(lv);
}

/* A test that aborts (g_assert, g_error) skips testLibvirtFree, and the
 * QEMUs libvirt started would spin on in the background for the rest of
 * the suite.  A small reaper process waits for the test to die (its stdin
 * is a pipe only the test holds) and then kills every QEMU whose pid file
 * is under the scratch directory, and removes it. */
static const char reaperScript[] =
    "read _ignored\n"
    "for f in \"$1\"/run/qemu/*.pid; do\n"
    "  [ -f \"$f\" ] && kill -9 \"$(cat \"$f\")\" 2>/dev/null\n"
    "done\n"
    "rm -rf \"$1\"\n";

static void
testLibvirtStartReaper(testLibvirt *lv)
{
    const char *argv[] = { "sh", "-c", reaperScript, "reaper", lv->dir, NULL };
    g_autoptr(GError) error = NULL;
    int fds[2];

    if (!g_unix_open_pipe(fds, FD_CLOEXEC, &error))
        g_error("cannot make a pipe: %s", error->message);
    if (!g_spawn_async_with_pipes_and_fds(NULL, argv, NULL, G_SPAWN_SEARCH_PATH,
                                          NULL, NULL, fds[0], -1, -1,
                                          NULL, NULL, 0, NULL,
                                          NULL, NULL, NULL, &error))
        g_error("cannot start the reaper: %s", error->message);
    close(fds[0]);
    /* fds[1] stays open, close-on-exec, until this process ends */
}

testLibvirt *
testLibvirtPrepare(const char *kind)
{
    g_autoptr(GError) error = NULL;
    testLibvirt *lv = g_new0(testLibvirt, 1);

    testLibvirtRunEventLoop();

    /* Short path: libvirt's monitor sockets live under it, and unix
     * socket paths are limited to 108 bytes. */
    if (!(lv->dir = g_dir_make_tmp("lvdbg-XXXXXX", &error)))
        g_error("cannot make a scratch directory: %s", error->message);
    testLibvirtStartReaper(lv);

    if (g_str_equal(kind, "embed")) {
        g_autofree char *etc = g_build_filename(lv->dir, "etc", NULL);

        g_mkdir_with_parents(etc, 0700);
        testLibvirtWriteFile(etc, "qemu.conf", qemuConf);
        lv->uri = g_strdup_printf("qemu:///embed?root=%s", lv->dir);
    } else if (g_str_equal(kind, "daemon")) {
        testLibvirtStartDaemon(lv);
    } else {
        g_error("unknown libvirt kind '%s': expected 'embed' or 'daemon'", kind);
    }
    return lv;
}

void
testLibvirtConnect(testLibvirt *lv)
{
    size_t i;

    /* libvirtd may take a moment after creating its socket. */
    for (i = 0; i < 50 && !lv->conn; i++) {
        if (!(lv->conn = virConnectOpen(lv->uri)))
            g_usleep(100 * 1000);
    }
    if (!lv->conn)
        g_error("cannot open %s: %s", lv->uri, virGetLastErrorMessage());
}

void
testLibvirtDisconnect(testLibvirt *lv)
{
    if (lv->conn) {
        virConnectClose(lv->conn);
        lv->conn = NULL;
    }
}

testLibvirt *
testLibvirtNew(const char *kind)
{
    testLibvirt *lv = testLibvirtPrepare(kind);

    testLibvirtConnect(lv);
    return lv;
}

void
testLibvirtFree(testLibvirt *lv)
{
    virDomainPtr *doms = NULL;
    int ndoms;
    int i;

    if (!lv)
        return;

    /* Clean up through a connection of our own, also when the test
     * worked through other processes only. */
    if (!lv->conn)
        testLibvirtConnect(lv);
    if (lv->conn) {
        ndoms = virConnectListAllDomains(lv->conn, &doms, 0);
        for (i = 0; i < ndoms; i++) {
            virDomainDestroy(doms[i]);
            virDomainUndefine(doms[i]);
            virDomainFree(doms[i]);
        }
        g_free(doms);
        virConnectClose(lv->conn);
    }
    if (lv->daemon) {
        kill(lv->daemon, SIGTERM);
        waitpid(lv->daemon, NULL, 0);
        g_spawn_close_pid(lv->daemon);
    }
    if (lv->dir) {
        const char *argv[] = { "rm", "-rf", lv->dir, NULL };
        g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, NULL, NULL, NULL, NULL);
    }
    g_free(lv->dir);
    g_free(lv->uri);
    g_free(lv);
}

char *
testLibvirtDomainXML(const char *name, const char *emulator,
                     unsigned int vcpus, const char *debugXML)
{
    /* The patched QEMU is built with few devices: ask for none of the
     * defaults libvirt would add (USB, balloon). */
    return g_strdup_printf(
        "<domain type='qemu'>\n"
        "  <name>%s</name>\n"
        "  <memory unit='MiB'>32</memory>\n"
        "  <vcpu>%u</vcpu>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "    <kernel>%s</kernel>\n"
        "  </os>\n"
        "  <metadata>%s</metadata>\n"
        "  <devices>\n"
        "    <emulator>%s</emulator>\n"
        "    <controller type='usb' model='none'/>\n"
        "    <memballoon model='none'/>\n"
        "  </devices>\n"
        "</domain>\n",
        name, vcpus, testGuestPath(), debugXML ? debugXML : "", emulator);
}

virDomainPtr
testLibvirtStartDomain(testLibvirt *lv, const char *name,
                       const char *emulator, unsigned int vcpus,
                       const char *debugXML)
{
    g_autofree char *xml = testLibvirtDomainXML(name, emulator, vcpus, debugXML);
    virDomainPtr dom;

    if (!(dom = virDomainDefineXML(lv->conn, xml)))
        g_error("cannot define %s: %s", name, virGetLastErrorMessage());
    if (virDomainCreate(dom) < 0)
        g_error("cannot start %s: %s", name, virGetLastErrorMessage());
    return dom;
}
