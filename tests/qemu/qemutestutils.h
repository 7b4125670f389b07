/*
 * qemutestutils.h: fixture helpers for the src/qemu tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

/* $LIBVIRT_DEBUG_SRCDIR/tests/DIR/NAME SUFFIX */
char *qemuTestDataPath(const char *dir, const char *name, const char *suffix);

/* The whole file; fails the test if it cannot be read. */
char *qemuTestReadFile(const char *path);

/* Compares @actual with the file at @path; with VIR_TEST_REGENERATE_OUTPUT
 * set (to anything but "0"), writes @actual there instead. */
void qemuTestCompareOutput(const char *path, const char *actual);

/* @json parses as a JSON object. */
void qemuTestAssertJSONObject(const char *json);
