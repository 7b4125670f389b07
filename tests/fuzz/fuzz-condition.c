/*
 * fuzz-condition.c: libFuzzer harness of the condition compiler (src/expr)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is a condition's text, as virsh-debug passes it.  Invariants,
 * on top of "no crash, no leak, no UB": a compile succeeds with no error
 * or fails with one error of VIR_DEBUG_EXPR_ERROR whose message starts
 * with a column inside the text (or just past it); the code it produces
 * is well-formed (virDebugExprCheck and the disassembler accept it), ends
 * with `end`, fits in VIR_DEBUG_EXPR_MAX_CODE bytes and round-trips
 * through hex.
 *
 * The same bytes also go to the checker and the disassembler as raw
 * bytecode, as GDB's X packets would bring them: both must agree on
 * whether it is well-formed.
 */

#include "config.h"

#include "expr/debug_expr.h"
#include "fuzz-common.h"


/* Registers: names of up to 3 characters; the name's length and first
 * character pick a number and a size, some of them out of range, so the
 * compiler's own checks are reached too. */
static gboolean
fuzzRegister(const char *name, int *number, int *size, void *opaque)
{
    static const int sizes[] = { 1, 2, 4, 8, 8, 16, 0 };
    size_t len = strlen(name);

    if (len > 3)
        return FALSE;
    *number = name[0] == 'z' ? 70000 : (guint8) name[0] * (int) len;
    *size = sizes[(guint8) name[len - 1] % G_N_ELEMENTS(sizes)];
    return TRUE;
}


/* Symbols: any name starting with 'g', at an address made of the name */
static gboolean
fuzzSymbol(const char *name, guint64 *addr, void *opaque)
{
    if (name[0] != 'g')
        return FALSE;
    *addr = g_str_hash(name) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
    return TRUE;
}


static void
fuzzCompile(const char *text)
{
    static const virDebugExprResolver resolver = {
        .reg = fuzzRegister, .sym = fuzzSymbol, .opaque = NULL,
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(GByteArray) code = virDebugExprCompile(text, &resolver, &err);
    g_autoptr(GByteArray) back = NULL;
    g_autofree char *hex = NULL;
    g_autofree char *dis = NULL;

    if (!code) {
        unsigned long column = 0;

        FUZZ_CHECK(err != NULL, "failure without a GError");
        FUZZ_CHECK(err->domain == VIR_DEBUG_EXPR_ERROR,
                   "error '%s' is not in VIR_DEBUG_EXPR_ERROR", err->message);
        FUZZ_CHECK(sscanf(err->message, "column %lu: ", &column) == 1 &&
                   column >= 1 && column <= strlen(text) + 1,
                   "error '%s' names no column of the text", err->message);
        return;
    }
    FUZZ_CHECK(err == NULL, "success with an error set: %s", err->message);
    FUZZ_CHECK(code->len >= 3 && code->len <= VIR_DEBUG_EXPR_MAX_CODE,
               "%u bytes of code", code->len);
    FUZZ_CHECK(code->data[code->len - 1] == VIR_DEBUG_AX_END,
               "code ends with 0x%02x", code->data[code->len - 1]);
    FUZZ_CHECK(virDebugExprCheck(code->data, code->len, NULL, &err),
               "malformed code: %s", err->message);
    dis = virDebugExprDisassemble(code->data, code->len);
    FUZZ_CHECK(dis != NULL, "the disassembler refuses the compiler's code");

    hex = virDebugExprToHex(code);
    back = virDebugExprFromHex(hex, &err);
    FUZZ_CHECK(back && back->len == code->len &&
               memcmp(back->data, code->data, code->len) == 0,
               "hex %s does not round-trip", hex);
}


static void
fuzzBytecode(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dis = NULL;
    gboolean ok;
    guint maxStack = 0;

    ok = virDebugExprCheck(data, size, &maxStack, &err);
    FUZZ_CHECK(ok == (err == NULL), "check %d with error %s", ok,
               err ? err->message : "(none)");
    if (!ok)
        FUZZ_CHECK(err->domain == VIR_DEBUG_EXPR_ERROR && err->message[0],
                   "check error '%s' is not ours", err->message);
    else
        FUZZ_CHECK(maxStack >= 1 && maxStack <= size,
                   "max stack %u for %zu bytes", maxStack, size);
    dis = virDebugExprDisassemble(data, size);
    FUZZ_CHECK((dis != NULL) == ok,
               "the disassembler and the checker disagree (%d)", ok);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzzInputString(data, size);

    fuzzCompile(text);
    fuzzBytecode(data, size);
    return 0;
}
