/*
 * virsh-debug.c: main program of virsh-debug, a virsh for guest debugging
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Global options, libvirt's logging, the connection, domain lookup and
 * handing commands it does not know to virsh, so that
 * `alias virsh=virsh-debug` keeps every virsh command working.
 */

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "virsh-debug-embed.h"
#include "virsh-debug.h"

volatile gint virshDebugInterrupted;
volatile gint virshDebugTerminated;
static int virshDebugSignalPipe = -1;

static void
virshDebugSilentErrorFunc(void *opaque G_GNUC_UNUSED,
                          virErrorPtr err G_GNUC_UNUSED)
{
    /* libvirt's default handler prints every error to stderr as it is
     * raised, including ones we handle; we print our own. */
}


/**
 * virshDebugRedirectLibvirtLog:
 *
 * With the QEMU driver libvirt logs a warning ("tainted: custom-monitor")
 * on every monitor command we send, and the embedded driver runs in this
 * process, so it would land on the user's terminal.  Unless the user chose
 * log outputs, send libvirt's log to a file.  Must run before the first
 * libvirt call: libvirt reads the variable once, when it initializes.
 */
static void
virshDebugRedirectLibvirtLog(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *outputs = NULL;

    if (g_getenv("LIBVIRT_LOG_OUTPUTS"))
        return;
    dir = g_build_filename(g_get_user_runtime_dir(), "libvirt-debug", NULL);
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        /* Nowhere to write it: drop libvirt's log rather than print it. */
        g_setenv("LIBVIRT_LOG_OUTPUTS", "4:stderr", TRUE);
    } else {
        outputs = g_strdup_printf("3:file:%s/libvirt.log", dir);
        g_setenv("LIBVIRT_LOG_OUTPUTS", outputs, TRUE);
    }
}


static void
virshDebugSigint(int sig)
{
    int saved = errno;
    char byte = 'i';

    if (sig != SIGINT)
        g_atomic_int_set(&virshDebugTerminated, 1);
    g_atomic_int_set(&virshDebugInterrupted, 1);
    if (virshDebugSignalPipe >= 0 && write(virshDebugSignalPipe, &byte, 1) < 0) {
        /* nothing to do in a signal handler */
    }
    errno = saved;
}


/**
 * virshDebugInstallSignals:
 *
 * Ctrl-C must not kill a process that holds a debug session or waits for
 * an event: the guest would stay stopped with breakpoints armed.  The
 * handler only records it; the shell detaches cleanly and waits give up.
 */
void
virshDebugInstallSignals(virshDebugControl *ctl)
{
    struct sigaction sa = { 0 };

    if (ctl->wakeupPipe[1] >= 0)
        virshDebugSignalPipe = ctl->wakeupPipe[1];
    sa.sa_handler = virshDebugSigint;
    sigemptyset(&sa.sa_mask);
    /* no SA_RESTART: poll() in the shell must return */
    sigaction(SIGINT, &sa, NULL);
}


/**
 * virshDebugInstallShellSignals:
 *
 * A shell, and above all a debug session, must not die of SIGTERM (kill,
 * a service manager) or SIGHUP (its terminal or ssh connection went away)
 * any more than of Ctrl-C: a session would leave its points armed and the
 * guest stopped.  Either ends the shell, after the session's clean detach.
 * SIGPIPE is ignored so that a vanished reader of our output cannot kill
 * the process before it has detached.
 */
void
virshDebugInstallShellSignals(virshDebugControl *ctl)
{
    struct sigaction sa = { 0 };

    virshDebugInstallSignals(ctl);
    sa.sa_handler = virshDebugSigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}


virConnectPtr
virshDebugConnect(virshDebugControl *ctl)
{
    if (ctl->conn)
        return ctl->conn;

    if (virshDebugEventLoopStart(ctl) < 0)
        return NULL;

    ctl->conn = virConnectOpenAuth(ctl->uri, virConnectAuthPtrDefault,
                                   ctl->readonly ? VIR_CONNECT_RO : 0);
    if (!ctl->conn) {
        virErrorPtr err = virGetLastError();

        virshDebugError("failed to connect to the hypervisor%s%s%s: %s",
                        ctl->uri ? " at '" : "",
                        ctl->uri ? ctl->uri : "",
                        ctl->uri ? "'" : "",
                        err && err->message ? err->message : "unknown error");
        /* libvirt's embedded driver lets one process at a time use a root
         * and says so only as a locked pid file */
        if (ctl->uri && strstr(ctl->uri, "/embed") && err && err->message &&
            strstr(err->message, "driver.pid"))
            virshDebugError("the embedded driver root is in use by another process "
                            "(an open debug-attach session, or another virsh-debug "
                            "or virsh): qemu:///embed serves one process at a time; "
                            "run the command inside that session, or wait for it "
                            "to end");
        virResetLastError();
        return NULL;
    }
    /* no command, nor our exit, may race the embedded driver's reconnects */
    virshDebugEmbedSettle(ctl->conn);
    return ctl->conn;
}


/**
 * virshDebugCommandDomain:
 *
 * The command's <domain> by ID, UUID or name, in that order, as virsh's
 * virshLookupDomainBy does.  Returns a new reference, or NULL with the
 * error printed.
 */
virDomainPtr
virshDebugCommandDomain(virshDebugControl *ctl, const virshDebugCmd *cmd)
{
    const char *name = virshDebugCmdString(cmd, "domain");
    virDomainPtr dom = NULL;
    unsigned long long id;

    if (!name) {
        virshDebugError("command '%s' requires <domain> option",
                        cmd->def->name);
        return NULL;
    }
    if (ctl->sessionDom &&
        g_str_equal(name, virDomainGetName(ctl->sessionDom))) {
        virDomainRef(ctl->sessionDom);
        return ctl->sessionDom;
    }
    if (!virshDebugConnect(ctl))
        return NULL;

    if (virshDebugParseULongLong(name, &id) == 0 && id <= G_MAXINT &&
        g_ascii_isdigit(name[0]) && !g_str_has_prefix(name, "0x"))
        dom = virDomainLookupByID(ctl->conn, id);
    if (!dom && strlen(name) == VIR_UUID_STRING_BUFLEN - 1)
        dom = virDomainLookupByUUIDString(ctl->conn, name);
    if (!dom)
        dom = virDomainLookupByName(ctl->conn, name);
    if (!dom) {
        virErrorPtr err = virGetLastError();

        if (err && err->code != VIR_ERR_NO_DOMAIN && err->message)
            virshDebugError("failed to get domain '%s': %s", name, err->message);
        else
            virshDebugError("failed to get domain '%s': no domain with a matching "
                            "name, ID or UUID; 'virsh list --all' shows the domains",
                            name);
    }
    virResetLastError();
    return dom;
}


/*
 * The library that makes plain virsh wait for the embedded driver's
 * reconnects (virsh-embed-settle.c): next to this program in the build
 * tree, else where it is installed.
 */
static char *
virshDebugEmbedSettleLib(void)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *dir = self ? g_path_get_dirname(self) : NULL;
    g_autofree char *local = dir ? g_build_filename(dir, "virsh-embed-settle.so",
                                                     NULL) : NULL;

    if (local && g_file_test(local, G_FILE_TEST_EXISTS))
        return g_steal_pointer(&local);
    return g_strdup(VIRSH_DEBUG_EMBED_SETTLE_LIB);
}


/* What virsh's LD_PRELOAD must be: on the embedded driver,
 * virsh-embed-settle.so in front of any preload of the user's; NULL to
 * leave it as it is. */
static char *
virshDebugVirshPreload(virshDebugControl *ctl)
{
    const char *uri = ctl->uri ? ctl->uri : g_getenv("LIBVIRT_DEFAULT_URI");
    g_autofree char *lib = NULL;
    const char *preload;

    if (!virshDebugEmbedURI(uri))
        return NULL;
    lib = virshDebugEmbedSettleLib();
    if (!g_file_test(lib, G_FILE_TEST_EXISTS)) {
        virshDebugError("%s is missing (reinstall libvirt-debug): virsh may kill "
                        "a guest of the embedded driver when it exits", lib);
        return NULL;
    }
    preload = g_getenv("LD_PRELOAD");
    if (preload && *preload)
        return g_strdup_printf("%s:%s", lib, preload);
    return g_steal_pointer(&lib);
}


/**
 * virshDebugRunVirsh:
 * @argv: the command and its arguments
 * @replace: exec virsh in place of this process (one-shot mode), rather
 *           than run it and wait (shell)
 *
 * Hands a command virsh-debug does not know to virsh, unchanged, with the
 * same connection options.  Returns virsh's exit status, or 1.
 */
int
virshDebugRunVirsh(virshDebugControl *ctl, int argc, char **argv, bool replace)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) env = NULL;
    g_autofree char *preload = NULL;
    int status;
    int i;

    g_ptr_array_add(args, (char *)"virsh");
    if (ctl->uri) {
        g_ptr_array_add(args, (char *)"-c");
        g_ptr_array_add(args, ctl->uri);
    }
    if (ctl->readonly)
        g_ptr_array_add(args, (char *)"-r");
    if (ctl->quiet)
        g_ptr_array_add(args, (char *)"-q");
    for (i = 0; i < argc; i++)
        g_ptr_array_add(args, argv[i]);
    g_ptr_array_add(args, NULL);

    /* virsh inherits our LIBVIRT_LOG_OUTPUTS: with the embedded driver it
     * runs the QEMU driver in-process too, and its log noise must not
     * reach the terminal either.  A user's own setting is kept as is. */
    preload = virshDebugVirshPreload(ctl);
    fflush(stdout);
    fflush(stderr);
    if (replace) {
        if (preload)
            g_setenv("LD_PRELOAD", preload, TRUE);
        execvp("virsh", (char **)args->pdata);
        virshDebugError("'%s' is not a virsh-debug command and virsh could not be "
                        "run (%s); install libvirt-clients, or see 'virsh-debug help'",
                        argv[0], g_strerror(errno));
        return 1;
    }

    env = g_get_environ();
    if (preload)
        env = g_environ_setenv(env, "LD_PRELOAD", preload, TRUE);
    if (!g_spawn_sync(NULL, (char **)args->pdata, env,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                      NULL, NULL, NULL, NULL, &status, &error)) {
        virshDebugError("'%s' is not a virsh-debug command and virsh could not be "
                        "run (%s); install libvirt-clients, or see 'help'",
                        argv[0], error->message);
        return 1;
    }
    return g_spawn_check_wait_status(status, NULL) ? 0 : 1;
}


/**
 * virshDebugRunCommand:
 * @argv: command name and arguments
 *
 * Returns true on success.  Commands it does not know go to virsh (in a
 * debug session they are refused: virsh would open a second connection,
 * which the embedded driver cannot share).
 */
bool
virshDebugRunCommand(virshDebugControl *ctl, int argc, char **argv)
{
    const virshDebugCmdDef *def;
    g_autoptr(virshDebugCmd) cmd = NULL;

    if (argc < 1)
        return true;

    /* from here on the session reports every debug exit itself (see
     * virshDebugStopReported) */
    if (ctl->sessionDom && g_atomic_int_get(&ctl->asyncReports) &&
        !ctl->sessionReportsMarked) {
        ctl->sessionReportsFrom = virshDebugEventsGeneration(ctl);
        ctl->sessionReportsMarked = true;
    }

    if (!(def = virshDebugCommandLookup(argv[0], ctl->sessionDom != NULL))) {
        if (ctl->sessionDom) {
            virshDebugError("unknown command '%s' in a debug session; "
                            "type 'help' for the debug commands", argv[0]);
            return false;
        }
        return virshDebugRunVirsh(ctl, argc, argv, !ctl->interactive) == 0;
    }
    if ((def->flags & VIRSH_DEBUG_CMD_SHELL_ONLY) && !ctl->interactive) {
        virshDebugError("command '%s' is only available in the interactive shell",
                        def->name);
        return false;
    }
    {
        /* --json after the command applies to that command only (in a
         * shell the next command prints as before); --symbols FILE after
         * it stays, as if given before it */
        bool json = ctl->json;
        bool ok;

        if (!(cmd = virshDebugCmdParse(ctl, def, argc - 1, argv + 1))) {
            ctl->json = json;
            return false;
        }
        ok = def->handler(ctl, cmd);
        ctl->json = json;
        return ok;
    }
}


static void
virshDebugUsage(GOptionContext *octx)
{
    g_autofree char *help = g_option_context_get_help(octx, TRUE, NULL);

    printf("%s", help);
    printf("Commands (any other command is handed to virsh unchanged):\n\n");
}


int
main(int argc, char **argv)
{
    g_autofree char *uri = NULL;
    g_autofree char *symbols = NULL;
    g_autofree char *offset = NULL;
    gboolean readonly = FALSE;
    gboolean quiet = FALSE;
    gboolean json = FALSE;
    gboolean help = FALSE;
    gboolean version = FALSE;
    GOptionEntry entries[] = {
        { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
          "hypervisor connection URI (default: libvirt's default URI)", "URI" },
        { "readonly", 'r', 0, G_OPTION_ARG_NONE, &readonly,
          "connect read-only", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
          "quiet mode: no informational messages", NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json,
          "machine-readable output: one JSON document per command", NULL },
        { "symbols", 0, 0, G_OPTION_ARG_FILENAME, &symbols,
          "symbol file (ELF or System.map) for addresses, instead of the "
          "domain's <debug:symbols>", "FILE" },
        { "offset", 0, 0, G_OPTION_ARG_STRING, &offset,
          "where a relocated (KASLR) kernel is relative to its symbol file",
          "OFFSET" },
        { "help", 'h', 0, G_OPTION_ARG_NONE, &help,
          "print this help and exit", NULL },
        { "version", 'v', 0, G_OPTION_ARG_NONE, &version,
          "print the version and exit", NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) octx = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) cmdArgv = NULL;
    int cmdArgc = 0;
    virshDebugControl ctlData = { 0 };
    virshDebugControl *ctl = &ctlData;
    bool ok;

    setlocale(LC_ALL, "");
    virshDebugRedirectLibvirtLog();

    octx = g_option_context_new("[COMMAND [ARGS...]]");
    g_option_context_set_summary(octx,
        "Debug libvirt guests: breakpoints, watchpoints, stepping, registers and\n"
        "memory over an ordinary libvirt connection.  With no command, start an\n"
        "interactive shell.");
    g_option_context_add_main_entries(octx, entries, NULL);
    /* our own --help also lists the commands */
    g_option_context_set_help_enabled(octx, FALSE);
    /* options after the command belong to the command (or to virsh) */
    g_option_context_set_strict_posix(octx, TRUE);

    if (!g_option_context_parse(octx, &argc, &argv, &error)) {
        virshDebugError("%s; see 'virsh-debug --help'", error->message);
        return 1;
    }

    if (help) {
        virshDebugUsage(octx);
        virshDebugPrintCommandList(ctl);
        return 0;
    }
    if (version) {
        unsigned long libVer = 0;

        virGetVersion(&libVer, NULL, NULL);
        printf("%s %s (libvirt %lu.%lu.%lu)\n", VIRSH_DEBUG_PROGRAM,
               PACKAGE_VERSION, libVer / 1000000, (libVer / 1000) % 1000,
               libVer % 1000);
        return 0;
    }

    ctl->uri = g_steal_pointer(&uri);
    ctl->readonly = readonly;
    ctl->quiet = quiet;
    ctl->json = json;
    ctl->symbolsFile = g_steal_pointer(&symbols);
    if (offset && virshDebugSymbolsSetOffset(ctl, offset) < 0)
        return 1;
    ctl->eventCallbackID = -1;
    ctl->wakeupPipe[0] = ctl->wakeupPipe[1] = -1;
    g_mutex_init(&ctl->eventLock);
    g_cond_init(&ctl->eventCond);

    virSetErrorFunc(NULL, virshDebugSilentErrorFunc);

    /* argv[0] is the program; a "--" ending the global options is left
     * in place by GOption */
    argc--;
    argv++;
    if (argc > 0 && g_str_equal(argv[0], "--")) {
        argc--;
        argv++;
    }

    /* virsh's command-string form: virsh-debug -c URI 'debug-where web1',
     * one argument split as the shell would (quotes included) */
    if (argc == 1 && strpbrk(argv[0], " \t")) {
        if (!g_shell_parse_argv(argv[0], &cmdArgc, &cmdArgv, &error)) {
            virshDebugError("cannot parse the command string '%s': %s",
                            argv[0], error->message);
            return 1;
        }
        argc = cmdArgc;
        argv = cmdArgv;
    }

    if (argc == 0) {
        ok = virshDebugShell(ctl) == 0;
    } else {
        /* Unknown commands replace this process with virsh before any
         * connection is opened. */
        ok = virshDebugRunCommand(ctl, argc, argv);
    }

    virshDebugEventsUnwatch(ctl);
    if (ctl->sessionDom)
        virDomainFree(ctl->sessionDom);
    if (ctl->conn)
        virConnectClose(ctl->conn);
    virshDebugEventLoopStop(ctl);
    virshDebugSymbolsFree(ctl);
    g_free(ctl->uri);
    g_free(ctl->eventDomain);
    return ok ? 0 : 1;
}
