/*
 * virsh-debug-shell.c: the interactive shells of virsh-debug
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two shells share one line reader: the general shell (no command given,
 * prompt "virsh-debug # ") and the debug session of debug-attach (prompt
 * "virsh-debug (DOMAIN)# ", the domain implied, debug-exit events reported
 * as they happen, a clean detach on quit, end of input or Ctrl-C).
 *
 * The reader never blocks in a read() the event thread cannot interrupt:
 * it poll()s standard input together with a pipe that the event thread
 * (a report is queued) and the SIGINT handler write to.  On a terminal it
 * drives readline through its callback interface so a report can be
 * printed above the prompt without disturbing the line being typed;
 * otherwise (a pipe, a script) it reads plain lines and prints no prompt.
 * On a terminal the keys are read without blocking and handed to
 * readline (virshDebugRlGetc): Ctrl-C discards the terminal's pending
 * input as it raises SIGINT, so a key poll() reported can be gone by the
 * time it is read, and readline's own read() would then wait for the
 * next key, deaf to the Ctrl-C (it retries on EINTR).
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "virsh-debug.h"

typedef enum {
    VIRSH_DEBUG_READ_LINE,
    VIRSH_DEBUG_READ_EOF,
    VIRSH_DEBUG_READ_INTERRUPT,
    VIRSH_DEBUG_READ_ERROR,
} virshDebugReadResult;

typedef struct _virshDebugReader virshDebugReader;
struct _virshDebugReader {
    virshDebugControl *ctl;
    bool tty;
    GString *pending;         /* non-tty: bytes read, not yet a line */
    bool eof;
    /* readline's callback interface hands the line to a global callback */
    char *line;
    bool gotLine;
    int key;                  /* tty: read for readline, not taken yet, or -1 */
};

static virshDebugReader *virshDebugCurrentReader;
/* The terminal on standard input, opened again non-blocking (see
 * virshDebugReadKey), or -1 */
static int virshDebugTtyFd = -1;


/* Reads one key from the terminal without blocking: returns read()'s
 * result, -1 with errno EAGAIN when there is none, because none was
 * typed or because Ctrl-C discarded it after poll() reported it. */
static ssize_t
virshDebugReadKey(unsigned char *key)
{
    int flags;
    ssize_t n;
    int saved;

    if (virshDebugTtyFd >= 0)
        return read(virshDebugTtyFd, key, 1);
    /* No description of the terminal of our own: standard input's is
     * shared with the shell that started us, so it is non-blocking for
     * this one read only. */
    if ((flags = fcntl(STDIN_FILENO, F_GETFL)) < 0 ||
        fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK) < 0)
        return -1;
    n = read(STDIN_FILENO, key, 1);
    saved = errno;
    fcntl(STDIN_FILENO, F_SETFL, flags);
    errno = saved;
    return n;
}


/* readline's rl_getc_function: the key virshDebugReadLine read for it.
 * Readline asks for more only to insert keys typed ahead in one go, or
 * in a command that reads keys itself (a completion's "Display all N
 * possibilities?"): wait for one here, without blocking in read(), and
 * give up on Ctrl-C (EOF: readline aborts, the line is dropped anyway). */
static int
virshDebugRlGetc(FILE *stream G_GNUC_UNUSED)
{
    virshDebugReader *r = virshDebugCurrentReader;
    unsigned char c;

    if (r && r->key >= 0) {
        int key = r->key;

        r->key = -1;
        return key;
    }
    for (;;) {
        struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
        ssize_t n;

        if (g_atomic_int_get(&virshDebugInterrupted))
            return EOF;
        if ((n = virshDebugReadKey(&c)) == 1)
            return c;
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            return EOF;
        /* the SIGINT handler may run in another thread: look again at
         * the flag every tenth of a second */
        poll(&pfd, 1, 100);
    }
}


static void
virshDebugRlLine(char *line)
{
    virshDebugReader *r = virshDebugCurrentReader;

    r->gotLine = true;
    r->line = line;           /* NULL at end of input (Ctrl-D) */
    /* Remove the handler here so readline does not print the prompt
     * again before the command's output. */
    rl_callback_handler_remove();
}


/* ------------------------------------------------------------------ */
/* Completion of command names on a terminal                           */

static char *
virshDebugRlCommandGenerator(const char *text, int state)
{
    static size_t idx;
    static size_t len;
    const virshDebugCmdDef *table = virshDebugCommandTable();
    bool session = virshDebugCurrentReader &&
        virshDebugCurrentReader->ctl->sessionDom;

    if (!state) {
        idx = 0;
        len = strlen(text);
    }
    while (table[idx].name) {
        const char *name = table[idx++].name;

        if (session && g_str_has_prefix(name, "debug-") &&
            strncmp(name + 6, text, len) == 0)
            return g_strdup(name + 6);
        if (strncmp(name, text, len) == 0)
            return g_strdup(name);
    }
    return NULL;
}


static char *
virshDebugRlOptionGenerator(const char *text, int state)
{
    static size_t idx;
    static size_t len;
    static const virshDebugCmdDef *def;

    if (!state) {
        g_auto(GStrv) words = NULL;

        idx = 0;
        len = strlen(text);
        def = NULL;
        words = g_strsplit_set(rl_line_buffer, " \t", 2);
        if (words[0] && virshDebugCurrentReader)
            def = virshDebugCommandLookup(words[0],
                                          virshDebugCurrentReader->ctl->sessionDom != NULL);
    }
    while (def && def->opts && def->opts[idx].name) {
        const virshDebugOptDef *opt = &def->opts[idx++];
        g_autofree char *name = NULL;

        if (opt->type == VIRSH_DEBUG_OT_ARGV)
            continue;
        name = g_strdup_printf("--%s", opt->name);
        if (strncmp(name, text, len) == 0)
            return g_steal_pointer(&name);
    }
    return NULL;
}


static char **
virshDebugRlComplete(const char *text, int start, int end G_GNUC_UNUSED)
{
    /* readline frees the strings with free(); GLib's allocator is the
     * system one since 2.46, so g_strdup is fine. */
    rl_attempted_completion_over = 1;
    if (start == 0)
        return rl_completion_matches(text, virshDebugRlCommandGenerator);
    if (text[0] == '-')
        return rl_completion_matches(text, virshDebugRlOptionGenerator);
    return NULL;
}


/* ------------------------------------------------------------------ */

/* Prints the debug-exit reports the event thread queued.  On a terminal
 * with a prompt showing, the prompt and the partial line are redrawn
 * below them. */
static void
virshDebugFlushReports(virshDebugReader *r, bool promptShown)
{
    virshDebugControl *ctl = r->ctl;
    char *report;
    bool cleared = false;

    while ((report = g_async_queue_try_pop(ctl->reports))) {
        if (promptShown && r->tty && !cleared) {
            rl_clear_visible_line();
            cleared = true;
        }
        printf("%s\n", report);
        g_free(report);
    }
    fflush(stdout);
    if (cleared)
        rl_forced_update_display();
}


static void
virshDebugDrainWakeups(virshDebugControl *ctl)
{
    char buf[64];

    while (read(ctl->wakeupPipe[0], buf, sizeof(buf)) > 0)
        ;
}


/* A complete line from the non-tty buffer, or NULL. */
static char *
virshDebugTakeLine(virshDebugReader *r, bool atEof)
{
    char *nl = memchr(r->pending->str, '\n', r->pending->len);
    char *line;

    if (nl) {
        line = g_strndup(r->pending->str, nl - r->pending->str);
        g_string_erase(r->pending, 0, nl - r->pending->str + 1);
        return line;
    }
    if (atEof && r->pending->len) {
        line = g_strdup(r->pending->str);
        g_string_truncate(r->pending, 0);
        return line;
    }
    return NULL;
}


/*
 * LIBVIRT_DEBUG_TEST_KEY_DELAY=MS, for the tests only: the shell waits
 * this long between poll() reporting the first key of a line on a
 * terminal and reading it.  It widens the window in which a Ctrl-C
 * discards that key (see virshDebugReadKey), which tests/e2e/cli-test.c
 * (session-pty-ctrl-c-key) aims at.
 */
static void
virshDebugTestKeyDelay(void)
{
    static gint64 delay = -1;

    if (delay < 0) {
        const char *env = g_getenv("LIBVIRT_DEBUG_TEST_KEY_DELAY");

        delay = env ? g_ascii_strtoll(env, NULL, 10) : 0;
        delay = CLAMP(delay, 0, 60 * 1000);
    }
    if (delay && rl_end == 0)
        g_usleep(delay * 1000);
}


/* Hands readline the key read for it.  Returns true if that ended the
 * line (r->gotLine). */
static bool
virshDebugRlFeed(virshDebugReader *r)
{
    /* readline takes a key it pushed back (rl_execute_next) or a macro's
     * before ours */
    while (r->key >= 0 && !r->gotLine)
        rl_callback_read_char();
    return r->gotLine;
}


static virshDebugReadResult
virshDebugReadLine(virshDebugReader *r, const char *prompt, char **line)
{
    virshDebugControl *ctl = r->ctl;

    *line = NULL;
    virshDebugFlushReports(r, false);

    if (!r->tty && (*line = virshDebugTakeLine(r, r->eof)))
        return VIRSH_DEBUG_READ_LINE;
    if (r->eof)
        return VIRSH_DEBUG_READ_EOF;

    if (r->tty) {
        r->gotLine = false;
        r->line = NULL;
        virshDebugCurrentReader = r;
        rl_callback_handler_install(prompt, virshDebugRlLine);
    }

    for (;;) {
        struct pollfd fds[2] = {
            { .fd = STDIN_FILENO, .events = POLLIN },
            { .fd = ctl->wakeupPipe[0], .events = POLLIN },
        };
        int rc;

        /* Checked before each poll() and after each drain of the pipe:
         * the handler sets the flag before it writes its byte, so a
         * Ctrl-C whose byte a drain took is seen here, one whose byte is
         * still in the pipe wakes the poll(). */
        if (g_atomic_int_get(&virshDebugInterrupted)) {
            virshDebugDrainWakeups(ctl);
            if (r->tty) {
                rl_callback_handler_remove();
                printf("\n");
                r->key = -1;      /* dropped with the line */
            }
            return VIRSH_DEBUG_READ_INTERRUPT;
        }
        if (r->tty && r->key >= 0) {
            /* left by the previous line */
            if (virshDebugRlFeed(r))
                break;
            continue;
        }
        rc = poll(fds, 2, -1);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            virshDebugError("cannot read commands: %s", g_strerror(errno));
            if (r->tty)
                rl_callback_handler_remove();
            return VIRSH_DEBUG_READ_ERROR;
        }
        if (fds[1].revents) {
            virshDebugDrainWakeups(ctl);
            if (g_atomic_int_get(&virshDebugInterrupted))
                continue;
            virshDebugFlushReports(r, true);
        }
        if (!fds[0].revents)
            continue;

        if (r->tty) {
            unsigned char key;
            ssize_t n;

            virshDebugTestKeyDelay();
            n = virshDebugReadKey(&key);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                continue;         /* gone: Ctrl-C discarded it */
            if (n <= 0) {
                /* the terminal hung up */
                rl_callback_handler_remove();
                printf("\n");
                return VIRSH_DEBUG_READ_EOF;
            }
            r->key = key;
            if (virshDebugRlFeed(r))
                break;
        } else {
            char buf[4096];
            ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0)
                r->eof = true;
            else
                g_string_append_len(r->pending, buf, n);
            if ((*line = virshDebugTakeLine(r, r->eof)))
                return VIRSH_DEBUG_READ_LINE;
            if (r->eof)
                return VIRSH_DEBUG_READ_EOF;
        }
    }

    /* readline ended the line */
    if (!r->line) {
        printf("\n");
        return VIRSH_DEBUG_READ_EOF;
    }
    *line = r->line;
    return VIRSH_DEBUG_READ_LINE;
}


/* Runs one input line.  Returns false if the command failed. */
static bool
virshDebugRunLine(virshDebugControl *ctl, bool tty, const char *line)
{
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) error = NULL;
    const char *p = line;
    int argc;
    bool ok;

    while (g_ascii_isspace(*p))
        p++;
    if (!*p || *p == '#')
        return true;
    if (tty)
        add_history(line);
    if (!g_shell_parse_argv(p, &argc, &argv, &error)) {
        virshDebugError("cannot parse '%s': %s", p, error->message);
        return false;
    }
    ok = virshDebugRunCommand(ctl, argc, argv);
    /* Ctrl-C during a command cancels that command only. */
    g_atomic_int_set(&virshDebugInterrupted, 0);
    virshDebugDrainWakeups(ctl);
    return ok;
}


static int
virshDebugShellInit(virshDebugControl *ctl)
{
    g_autoptr(GError) error = NULL;

    if (ctl->wakeupPipe[0] >= 0)
        return 0;
    if (!g_unix_open_pipe(ctl->wakeupPipe, FD_CLOEXEC, &error) ||
        !g_unix_set_fd_nonblocking(ctl->wakeupPipe[0], TRUE, &error) ||
        !g_unix_set_fd_nonblocking(ctl->wakeupPipe[1], TRUE, &error)) {
        virshDebugError("cannot set up the shell: %s", error->message);
        return -1;
    }
    if (!ctl->reports)
        ctl->reports = g_async_queue_new_full(g_free);
    ctl->interactive = true;
    virshDebugInstallShellSignals(ctl);

    /* We own SIGINT (see virshDebugInstallSignals) and the terminal's
     * size is only needed while reading a line. */
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_readline_name = "virsh-debug";
    rl_attempted_completion_function = virshDebugRlComplete;
    rl_getc_function = virshDebugRlGetc;
    /* A description of the terminal of our own, to make non-blocking:
     * standard input's is shared with the shell that started us. */
    if (isatty(STDIN_FILENO))
        virshDebugTtyFd = open("/proc/self/fd/0",
                               O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    return 0;
}


/**
 * virshDebugShell:
 *
 * The general shell: every command, anything unknown run by virsh.
 * Returns 0.
 */
int
virshDebugShell(virshDebugControl *ctl)
{
    virshDebugReader r = { .ctl = ctl, .key = -1 };
    g_autoptr(GString) pending = g_string_new(NULL);

    if (virshDebugShellInit(ctl) < 0)
        return -1;
    r.tty = isatty(STDIN_FILENO);
    r.pending = pending;

    if (r.tty && !ctl->quiet)
        printf("Welcome to virsh-debug, the guest debugging shell.\n\n"
               "Type:  'help' for help with commands\n"
               "       'quit' to quit\n\n");

    while (!ctl->shellEnd) {
        g_autofree char *line = NULL;
        virshDebugReadResult res = virshDebugReadLine(&r, "virsh-debug # ", &line);

        if (res == VIRSH_DEBUG_READ_INTERRUPT &&
            !g_atomic_int_get(&virshDebugTerminated)) {
            /* like a shell: Ctrl-C abandons the line */
            g_atomic_int_set(&virshDebugInterrupted, 0);
            continue;
        }
        if (res != VIRSH_DEBUG_READ_LINE)
            break;
        virshDebugRunLine(ctl, r.tty, line);
        if (g_atomic_int_get(&virshDebugTerminated))
            break;
    }
    return 0;
}


/**
 * virshDebugSession:
 * @dom: the domain debug-attach attached to
 *
 * Reads debug commands for @dom until quit, end of input or Ctrl-C, then
 * detaches (unless debug-detach already did).  Returns 0 if the detach
 * succeeded, -1 otherwise.
 */
int
virshDebugSession(virshDebugControl *ctl, virDomainPtr dom)
{
    virshDebugReader r = { .ctl = ctl, .key = -1 };
    g_autoptr(GString) pending = g_string_new(NULL);
    g_autofree char *prompt = NULL;
    bool wasInteractive = ctl->interactive;
    int ret = 0;

    if (virshDebugShellInit(ctl) < 0) {
        /* attached, but no way to read commands: leave it as it was */
        if (virDomainDebugDetach(dom, 0) < 0)
            virshDebugReportDebugError();
        return -1;
    }
    r.tty = isatty(STDIN_FILENO);
    r.pending = pending;
    prompt = g_strdup_printf("virsh-debug (%s)# ", virDomainGetName(dom));

    virDomainRef(dom);
    ctl->sessionDom = dom;
    ctl->sessionEnd = false;
    ctl->sessionDetached = false;
    g_atomic_int_set(&ctl->asyncReports, 1);

    while (!ctl->sessionEnd) {
        g_autofree char *line = NULL;
        virshDebugReadResult res = virshDebugReadLine(&r, prompt, &line);

        if (res != VIRSH_DEBUG_READ_LINE) {
            /* quit by EOF, Ctrl-C, SIGTERM or SIGHUP: detach below */
            break;
        }
        virshDebugRunLine(ctl, r.tty, line);
        /* SIGTERM or SIGHUP during a command ended it: detach below */
        if (!ctl->sessionDom || g_atomic_int_get(&virshDebugTerminated))
            break;
    }

    g_atomic_int_set(&ctl->asyncReports, 0);
    virshDebugFlushReports(&r, false);

    /* debug-detach in the session has detached already; otherwise do it
     * now, so the guest keeps running with no points left. */
    if (!ctl->sessionDetached) {
        if (virDomainDebugDetach(dom, 0) < 0) {
            virshDebugReportDebugError();
            ret = -1;
        } else {
            virshDebugPrint(ctl, "Detached from domain '%s'.\n",
                            virDomainGetName(dom));
        }
    }

    virshDebugEventsUnwatch(ctl);
    ctl->sessionDom = NULL;
    virDomainFree(dom);
    g_atomic_int_set(&virshDebugInterrupted, 0);
    ctl->interactive = wasInteractive;
    return ret;
}
