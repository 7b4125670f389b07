/*
 * testutils-pty.h: talking to a program on a pseudo-terminal
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For the tests of virsh-debug's interactive shell and debug session,
 * which behave differently on a terminal (readline, Ctrl-C, Ctrl-D).
 */

#pragma once

#include <glib.h>
#include <sys/types.h>

/* Reads from @fd until @expect shows up in what was read since the last
 * match (kept in @seen), then consumes @seen up to the end of the match.
 * Fails the test after @timeout_s seconds or at the end of the output. */
void testPtyExpect(int fd, GString *seen, const char *expect, int timeout_s);

/* Types @str on the terminal. */
void testPtyWrite(int fd, const char *str);

/* Waits for @pid to exit and returns its exit status; fails the test if
 * it was killed.  The output it still writes is drained into @seen (when
 * @fd >= 0, which is then closed), so the child never blocks on a full
 * terminal. */
int testPtyFinish(pid_t pid, int fd, GString *seen);
