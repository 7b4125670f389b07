/*
 * debug_expr_ax.c: agent expression bytecode: the opcode table, hex,
 * the well-formedness check and the disassembler
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The table follows GDB's gdbsupport/ax.def: for each opcode its name,
 * the operand bytes that follow it in the stream, and the stack items it
 * consumes and produces.  It describes every opcode GDB may send, not
 * only the ones the compiler emits, so GDB's own conditions can be
 * checked and shown too.
 */

#include "config.h"

#include <string.h>

#include "expr/debug_expr.h"

typedef struct {
    const char *name;       /* NULL: not an opcode */
    guint8 operandBytes;    /* big-endian operand bytes after the opcode */
    guint8 consumed;
    guint8 produced;
} virDebugAxOpInfo;

static const virDebugAxOpInfo virDebugAxOps[] = {
    [VIR_DEBUG_AX_FLOAT] = { "float", 0, 0, 0 },
    [VIR_DEBUG_AX_ADD] = { "add", 0, 2, 1 },
    [VIR_DEBUG_AX_SUB] = { "sub", 0, 2, 1 },
    [VIR_DEBUG_AX_MUL] = { "mul", 0, 2, 1 },
    [VIR_DEBUG_AX_DIV_SIGNED] = { "div_signed", 0, 2, 1 },
    [VIR_DEBUG_AX_DIV_UNSIGNED] = { "div_unsigned", 0, 2, 1 },
    [VIR_DEBUG_AX_REM_SIGNED] = { "rem_signed", 0, 2, 1 },
    [VIR_DEBUG_AX_REM_UNSIGNED] = { "rem_unsigned", 0, 2, 1 },
    [VIR_DEBUG_AX_LSH] = { "lsh", 0, 2, 1 },
    [VIR_DEBUG_AX_RSH_SIGNED] = { "rsh_signed", 0, 2, 1 },
    [VIR_DEBUG_AX_RSH_UNSIGNED] = { "rsh_unsigned", 0, 2, 1 },
    [VIR_DEBUG_AX_TRACE] = { "trace", 0, 2, 0 },
    [VIR_DEBUG_AX_TRACE_QUICK] = { "trace_quick", 1, 1, 1 },
    [VIR_DEBUG_AX_LOG_NOT] = { "log_not", 0, 1, 1 },
    [VIR_DEBUG_AX_BIT_AND] = { "bit_and", 0, 2, 1 },
    [VIR_DEBUG_AX_BIT_OR] = { "bit_or", 0, 2, 1 },
    [VIR_DEBUG_AX_BIT_XOR] = { "bit_xor", 0, 2, 1 },
    [VIR_DEBUG_AX_BIT_NOT] = { "bit_not", 0, 1, 1 },
    [VIR_DEBUG_AX_EQUAL] = { "equal", 0, 2, 1 },
    [VIR_DEBUG_AX_LESS_SIGNED] = { "less_signed", 0, 2, 1 },
    [VIR_DEBUG_AX_LESS_UNSIGNED] = { "less_unsigned", 0, 2, 1 },
    [VIR_DEBUG_AX_EXT] = { "ext", 1, 1, 1 },
    [VIR_DEBUG_AX_REF8] = { "ref8", 0, 1, 1 },
    [VIR_DEBUG_AX_REF16] = { "ref16", 0, 1, 1 },
    [VIR_DEBUG_AX_REF32] = { "ref32", 0, 1, 1 },
    [VIR_DEBUG_AX_REF64] = { "ref64", 0, 1, 1 },
    [VIR_DEBUG_AX_REF_FLOAT] = { "ref_float", 0, 1, 1 },
    [VIR_DEBUG_AX_REF_DOUBLE] = { "ref_double", 0, 1, 1 },
    [VIR_DEBUG_AX_REF_LONG_DOUBLE] = { "ref_long_double", 0, 1, 1 },
    [VIR_DEBUG_AX_L_TO_D] = { "l_to_d", 0, 1, 1 },
    [VIR_DEBUG_AX_D_TO_L] = { "d_to_l", 0, 1, 1 },
    [VIR_DEBUG_AX_IF_GOTO] = { "if_goto", 2, 1, 0 },
    [VIR_DEBUG_AX_GOTO] = { "goto", 2, 0, 0 },
    [VIR_DEBUG_AX_CONST8] = { "const8", 1, 0, 1 },
    [VIR_DEBUG_AX_CONST16] = { "const16", 2, 0, 1 },
    [VIR_DEBUG_AX_CONST32] = { "const32", 4, 0, 1 },
    [VIR_DEBUG_AX_CONST64] = { "const64", 8, 0, 1 },
    [VIR_DEBUG_AX_REG] = { "reg", 2, 0, 1 },
    [VIR_DEBUG_AX_END] = { "end", 0, 0, 0 },
    [VIR_DEBUG_AX_DUP] = { "dup", 0, 1, 2 },
    [VIR_DEBUG_AX_POP] = { "pop", 0, 1, 0 },
    [VIR_DEBUG_AX_ZERO_EXT] = { "zero_ext", 1, 1, 1 },
    [VIR_DEBUG_AX_SWAP] = { "swap", 0, 2, 2 },
    [VIR_DEBUG_AX_GETV] = { "getv", 2, 0, 1 },
    [VIR_DEBUG_AX_SETV] = { "setv", 2, 1, 1 },
    [VIR_DEBUG_AX_TRACEV] = { "tracev", 2, 0, 1 },
    [VIR_DEBUG_AX_TRACENZ] = { "tracenz", 0, 2, 0 },
    [VIR_DEBUG_AX_TRACE16] = { "trace16", 2, 1, 1 },
    /* pick's real need is its operand + 1 items; printf's operands and
     * consumption are dynamic: both are handled by hand below */
    [VIR_DEBUG_AX_PICK] = { "pick", 1, 0, 1 },
    [VIR_DEBUG_AX_ROT] = { "rot", 0, 3, 3 },
    [VIR_DEBUG_AX_PRINTF] = { "printf", 0, 0, 0 },
};


G_DEFINE_QUARK(vir-debug-expr-error-quark, vir_debug_expr_error)


char *
virDebugExprToHex(const GByteArray *code)
{
    GString *hex = g_string_sized_new(code->len * 2 + 1);
    guint i;

    for (i = 0; i < code->len; i++)
        g_string_append_printf(hex, "%02x", code->data[i]);
    return g_string_free(hex, FALSE);
}


GByteArray *
virDebugExprFromHex(const char *hex, GError **error)
{
    g_autoptr(GByteArray) code = g_byte_array_new();
    size_t len = strlen(hex);
    size_t i;

    if (len % 2 != 0) {
        g_set_error(error, VIR_DEBUG_EXPR_ERROR, VIR_DEBUG_EXPR_ERROR_BYTECODE,
                    "bytecode hex has an odd number of digits (%zu)", len);
        return NULL;
    }
    for (i = 0; i < len; i += 2) {
        int hi = g_ascii_xdigit_value(hex[i]);
        int lo = g_ascii_xdigit_value(hex[i + 1]);
        guint8 byte;

        if (hi < 0 || lo < 0) {
            g_set_error(error, VIR_DEBUG_EXPR_ERROR,
                        VIR_DEBUG_EXPR_ERROR_BYTECODE,
                        "bytecode hex has a non-hex character at offset %zu",
                        hi < 0 ? i : i + 1);
            return NULL;
        }
        byte = (hi << 4) | lo;
        g_byte_array_append(code, &byte, 1);
    }
    return g_steal_pointer(&code);
}


static guint64
virDebugAxOperand(const guint8 *p, guint n)
{
    guint64 v = 0;
    guint i;

    /* every multi-byte operand is big-endian, whatever the target */
    for (i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}


/* The length of the instruction at @off (opcode and operands), or 0 if
 * it is not an opcode or runs past @len. */
static gsize
virDebugAxInsnLength(const guint8 *code, gsize len, gsize off)
{
    guint8 op = code[off];
    gsize n;

    if (op >= G_N_ELEMENTS(virDebugAxOps) || !virDebugAxOps[op].name)
        return 0;
    if (op == VIR_DEBUG_AX_PRINTF) {
        /* printf NARGS(1) LEN(2) FORMAT(LEN bytes) */
        if (len - off < 4)
            return 0;
        n = 4 + virDebugAxOperand(code + off + 2, 2);
    } else {
        n = 1 + virDebugAxOps[op].operandBytes;
    }
    return n <= len - off ? n : 0;
}


static gboolean G_GNUC_PRINTF(3, 4)
virDebugAxFail(GError **error, gsize off, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, VIR_DEBUG_EXPR_ERROR, VIR_DEBUG_EXPR_ERROR_BYTECODE,
                "bytecode offset %zu: %s", off, msg);
    return FALSE;
}


gboolean
virDebugExprCheck(const guint8 *code, gsize len, guint *maxStack,
                  GError **error)
{
    /* the stack height on entry to each offset, -1 while unknown; a
     * single forward pass is exact because jumps only go forward */
    g_autofree int *height = NULL;
    g_autofree gboolean *boundary = NULL;
    int cur = 0;
    int deepest = 0;
    gboolean reachable = TRUE;
    guint8 lastOp = 0;
    gsize off;

    if (len == 0)
        return virDebugAxFail(error, 0, "empty bytecode");
    if (len > VIR_DEBUG_EXPR_MAX_CODE)
        return virDebugAxFail(error, 0, "%zu bytes, more than the %d allowed",
                              len, VIR_DEBUG_EXPR_MAX_CODE);

    height = g_new(int, len);
    boundary = g_new0(gboolean, len);
    for (off = 0; off < len; off++)
        height[off] = -1;

    for (off = 0; off < len;) {
        guint8 op = code[off];
        gsize n = virDebugAxInsnLength(code, len, off);
        int consumed;
        int produced;

        if (n == 0) {
            if (op >= G_N_ELEMENTS(virDebugAxOps) || !virDebugAxOps[op].name)
                return virDebugAxFail(error, off, "unknown opcode 0x%02x", op);
            return virDebugAxFail(error, off, "%s is cut short",
                                  virDebugAxOps[op].name);
        }
        boundary[off] = TRUE;

        if (reachable) {
            if (height[off] >= 0 && height[off] != cur)
                return virDebugAxFail(error, off,
                                      "paths meet with stack heights %d and %d",
                                      height[off], cur);
            height[off] = cur;
        } else if (height[off] >= 0) {
            cur = height[off];
            reachable = TRUE;
        }

        consumed = virDebugAxOps[op].consumed;
        produced = virDebugAxOps[op].produced;
        if (op == VIR_DEBUG_AX_PICK)
            consumed = code[off + 1] + 1, produced = code[off + 1] + 2;
        else if (op == VIR_DEBUG_AX_PRINTF)
            consumed = code[off + 1];

        if (reachable) {
            if (cur < consumed)
                return virDebugAxFail(error, off,
                                      "%s needs %d stack items, %d there",
                                      virDebugAxOps[op].name, consumed, cur);
            cur += produced - consumed;
            deepest = MAX(deepest, cur);
        }

        if ((op == VIR_DEBUG_AX_EXT || op == VIR_DEBUG_AX_ZERO_EXT) &&
            code[off + 1] == 0)
            /* the manual defines n >= 1 only: bit n-1 is the sign */
            return virDebugAxFail(error, off, "%s 0 extends from no bits",
                                  virDebugAxOps[op].name);

        if (op == VIR_DEBUG_AX_GOTO || op == VIR_DEBUG_AX_IF_GOTO) {
            gsize target = virDebugAxOperand(code + off + 1, 2);

            if (target <= off)
                return virDebugAxFail(error, off,
                                      "%s to offset %zu goes backwards",
                                      virDebugAxOps[op].name, target);
            if (target >= len)
                return virDebugAxFail(error, off,
                                      "%s to offset %zu, past the end",
                                      virDebugAxOps[op].name, target);
            if (reachable) {
                if (height[target] >= 0 && height[target] != cur)
                    return virDebugAxFail(error, target,
                                          "paths meet with stack heights %d and %d",
                                          height[target], cur);
                height[target] = cur;
            }
            if (op == VIR_DEBUG_AX_GOTO)
                reachable = FALSE;
        } else if (op == VIR_DEBUG_AX_END) {
            if (reachable && cur < 1)
                return virDebugAxFail(error, off, "end with an empty stack");
            reachable = FALSE;
        }
        lastOp = op;
        off += n;
    }

    for (off = 0; off < len; off++) {
        if (height[off] >= 0 && !boundary[off])
            return virDebugAxFail(error, off,
                                  "a jump lands inside an instruction");
    }
    if (lastOp != VIR_DEBUG_AX_END)
        return virDebugAxFail(error, len, "the bytecode does not end with end");

    if (maxStack)
        *maxStack = deepest;
    return TRUE;
}


char *
virDebugExprDisassemble(const guint8 *code, gsize len)
{
    g_autoptr(GString) out = g_string_new(NULL);
    gsize off;

    if (!virDebugExprCheck(code, len, NULL, NULL))
        return NULL;

    for (off = 0; off < len;) {
        guint8 op = code[off];
        const virDebugAxOpInfo *info = &virDebugAxOps[op];
        gsize n = virDebugAxInsnLength(code, len, off);

        g_string_append_printf(out, "%4zu  %s", off, info->name);
        if (op == VIR_DEBUG_AX_PRINTF) {
            g_autofree char *fmt = g_strndup((const char *) code + off + 4,
                                             n - 4);
            g_autofree char *esc = g_strescape(fmt, NULL);

            g_string_append_printf(out, " %u \"%s\"", code[off + 1], esc);
        } else if (info->operandBytes > 0) {
            guint64 v = virDebugAxOperand(code + off + 1, info->operandBytes);

            switch ((virDebugAxOp) op) {
            case VIR_DEBUG_AX_CONST8:
            case VIR_DEBUG_AX_CONST16:
            case VIR_DEBUG_AX_CONST32:
            case VIR_DEBUG_AX_CONST64:
                /* hex and decimal: addresses read better in hex,
                 * counts in decimal */
                g_string_append_printf(out, " 0x%" G_GINT64_MODIFIER "x (%"
                                       G_GUINT64_FORMAT ")", v, v);
                break;
            default:
                g_string_append_printf(out, " %" G_GUINT64_FORMAT, v);
                break;
            }
        }
        g_string_append_c(out, '\n');
        off += n;
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}
