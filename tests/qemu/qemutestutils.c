/*
 * qemutestutils.c: fixture helpers for the src/qemu tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <json-glib/json-glib.h>

#include "qemutestutils.h"

#ifndef QEMU_TEST_SRCDIR
# error "QEMU_TEST_SRCDIR must be defined by the build"
#endif


char *
qemuTestDataPath(const char *dir,
                 const char *name,
                 const char *suffix)
{
    const char *srcdir = g_getenv("LIBVIRT_DEBUG_SRCDIR");
    g_autofree char *file = g_strdup_printf("%s%s", name, suffix);

    if (!srcdir)
        srcdir = QEMU_TEST_SRCDIR;
    return g_build_filename(srcdir, "tests", dir, file, NULL);
}


char *
qemuTestReadFile(const char *path)
{
    g_autoptr(GError) err = NULL;
    char *data = NULL;

    if (!g_file_get_contents(path, &data, NULL, &err))
        g_error("cannot read fixture %s: %s", path, err->message);
    return data;
}


static gboolean
qemuTestRegenerate(void)
{
    const char *env = g_getenv("VIR_TEST_REGENERATE_OUTPUT");

    return env && *env && !g_str_equal(env, "0");
}


void
qemuTestCompareOutput(const char *path,
                      const char *actual)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *expected = NULL;

    if (qemuTestRegenerate()) {
        if (!g_file_set_contents(path, actual, -1, &err))
            g_error("cannot write %s: %s", path, err->message);
        return;
    }

    if (!g_file_get_contents(path, &expected, NULL, &err)) {
        g_test_message("missing expected output %s (%s); run with "
                       "VIR_TEST_REGENERATE_OUTPUT=1 to create it; actual:\n%s",
                       path, err->message, actual);
        g_test_fail();
        return;
    }

    if (!g_str_equal(expected, actual)) {
        g_test_message("%s differs (VIR_TEST_REGENERATE_OUTPUT=1 rewrites it)\n"
                       "expected:\n%sactual:\n%s", path, expected, actual);
        g_test_fail();
    }
}


void
qemuTestAssertJSONObject(const char *json)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = json_from_string(json, &err);

    g_assert_no_error(err);
    g_assert_nonnull(node);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(node));
}
