/*
 * testutils-pty.c: talking to a program on a pseudo-terminal
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutils-pty.h"

void
testPtyExpect(int fd, GString *seen, const char *expect, int timeout_s)
{
    gint64 deadline = g_get_monotonic_time() + timeout_s * G_USEC_PER_SEC;

    while (!strstr(seen->str, expect)) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        char buf[1024];
        ssize_t n;
        int left = (deadline - g_get_monotonic_time()) / 1000;

        if (left <= 0 || poll(&pfd, 1, left) <= 0)
            g_error("timed out waiting for '%s'; got:\n%s", expect, seen->str);
        n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            g_error("end of output waiting for '%s'; got:\n%s", expect, seen->str);
        g_string_append_len(seen, buf, n);
    }
    g_test_message("pty: ...%s", expect);
    g_string_erase(seen, 0, strstr(seen->str, expect) - seen->str + strlen(expect));
}


void
testPtyWrite(int fd, const char *str)
{
    g_assert_cmpint(write(fd, str, strlen(str)), ==, strlen(str));
}


int
testPtyFinish(pid_t pid, int fd, GString *seen)
{
    int status;

    while (fd >= 0) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        char buf[1024];
        ssize_t n;

        if (poll(&pfd, 1, 30 * 1000) <= 0)
            g_error("the program did not end; got:\n%s", seen->str);
        if ((n = read(fd, buf, sizeof(buf))) <= 0)
            break;          /* EIO once the child is gone */
        g_string_append_len(seen, buf, n);
    }
    while (waitpid(pid, &status, 0) < 0)
        g_assert_cmpint(errno, ==, EINTR);
    if (fd >= 0) {
        close(fd);
        g_test_message("pty: rest:\n%s", seen->str);
    }
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}
