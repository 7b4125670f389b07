/*
 * testutils-hang.c: what the processes of a hung test were doing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "testutils-hang.h"

char *
testThreadBacktraces(const int *pids, size_t n)
{
    GString *all = g_string_new(NULL);
    size_t i;

    for (i = 0; i < n; i++) {
        g_autofree char *proc = NULL;
        g_autofree char *cmdline = NULL;
        g_autofree char *pid = NULL;
        g_autofree char *out = NULL;
        gsize len = 0;
        gsize j;

        if (pids[i] <= 0)
            continue;
        proc = g_strdup_printf("/proc/%d/cmdline", pids[i]);
        if (g_file_get_contents(proc, &cmdline, &len, NULL)) {
            for (j = 0; j + 1 < len; j++) {
                if (!cmdline[j])
                    cmdline[j] = ' ';
            }
        }
        g_string_append_printf(all, "=== %d: %.160s\n", pids[i],
                               cmdline ? cmdline : "(gone)");

        /* GDB attaches, prints and detaches: the process goes on */
        pid = g_strdup_printf("%d", pids[i]);
        {
            const char *argv[] = {
                "timeout", "60", "gdb", "-nx", "-batch", "-p", pid,
                "-ex", "thread apply all bt", NULL,
            };
            g_auto(GStrv) lines = NULL;
            char **l;

            if (!g_spawn_sync(NULL, (char **) argv, NULL,
                              G_SPAWN_SEARCH_PATH |
                              G_SPAWN_STDERR_TO_DEV_NULL,
                              NULL, NULL, &out, NULL, NULL, NULL))
                continue;
            lines = g_strsplit(out, "\n", -1);
            for (l = lines; *l; l++) {
                if (g_str_has_prefix(*l, "Thread") || g_str_has_prefix(*l, "#"))
                    g_string_append_printf(all, "%s\n", *l);
            }
        }
    }
    return g_string_free(all, FALSE);
}


char *
testSocketQueues(const int *pids, size_t n)
{
    const char *argv[] = { "ss", "-xnp", NULL };
    GString *all = g_string_new(NULL);
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    char **l;
    size_t i;

    if (!g_spawn_sync(NULL, (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, NULL, NULL))
        return g_string_free(all, FALSE);
    lines = g_strsplit(out, "\n", -1);
    for (l = lines; *l; l++) {
        if (l == lines) {
            g_string_append_printf(all, "%s\n", *l);   /* the header */
            continue;
        }
        for (i = 0; i < n; i++) {
            g_autofree char *tag = g_strdup_printf("pid=%d,", pids[i]);

            if (pids[i] > 0 && strstr(*l, tag)) {
                g_string_append_printf(all, "%s\n", *l);
                break;
            }
        }
    }
    return g_string_free(all, FALSE);
}
