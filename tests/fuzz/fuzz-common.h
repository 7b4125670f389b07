/*
 * fuzz-common.h: what every libFuzzer harness of tests/fuzz/ shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A harness turns a broken invariant into a crash (abort()), which is the
 * only thing libFuzzer counts as a finding; FUZZ_CHECK says which
 * invariant failed before aborting, so the artifact's log names it.
 */

#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: invariant '%s' broken: ", \
                    __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
            abort(); \
        } \
    } while (0)

/* Every error of src/conf and src/qemu is in VIR_DEBUG_ERROR and says
 * something. */
#define FUZZ_CHECK_ERROR(err) \
    do { \
        FUZZ_CHECK((err) != NULL, "failure without a GError"); \
        FUZZ_CHECK((err)->domain == VIR_DEBUG_ERROR, \
                   "error '%s' is not in VIR_DEBUG_ERROR", (err)->message); \
        FUZZ_CHECK((err)->message && *(err)->message, \
                   "an empty error message"); \
    } while (0)

/* The input as a C string: the parsers take NUL-terminated text, so an
 * input is cut at its first NUL like any string a caller would pass. */
static inline char *
fuzzInputString(const uint8_t *data, size_t size)
{
    return g_strndup((const char *) data, size);
}
