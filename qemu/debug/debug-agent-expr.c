/*
 * QMP guest debugging API: conditions as GDB agent expressions.
 *
 * Copyright (c) 2024 The libvirt-debug authors
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 *
 * A debug point's condition is GDB agent expression bytecode (GDB manual,
 * "Agent Expressions"; opcode values as in GDB's ax.def), the very bytes
 * GDB sends after "X len," in a Z packet, so that GDB's own conditions
 * run unchanged.  It is checked once, when the point is inserted: every
 * opcode known and supported, operands complete, jump targets on
 * instruction boundaries, "end" last, registers that exist.  It is then
 * run in the vCPU thread at each hit, bounded in stack depth and in
 * instructions executed; a memory read goes through the vCPU's MMU to
 * RAM only (debug_read_guest()), so a bad pointer is an evaluation
 * error, never a guest fault.
 *
 * Only the integer subset is supported: no floating point, no trace
 * opcodes (conditions collect nothing), no trace state variables and no
 * printf.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/gdbstub.h"
#include "qmp-debug-internal.h"

#define AX_MAX_BYTES        4096
#define AX_MAX_STACK        1024
#define AX_MAX_STEPS        100000

enum {
    AX_FLOAT = 0x01,
    AX_ADD = 0x02,
    AX_SUB = 0x03,
    AX_MUL = 0x04,
    AX_DIV_SIGNED = 0x05,
    AX_DIV_UNSIGNED = 0x06,
    AX_REM_SIGNED = 0x07,
    AX_REM_UNSIGNED = 0x08,
    AX_LSH = 0x09,
    AX_RSH_SIGNED = 0x0a,
    AX_RSH_UNSIGNED = 0x0b,
    AX_TRACE = 0x0c,
    AX_TRACE_QUICK = 0x0d,
    AX_LOG_NOT = 0x0e,
    AX_BIT_AND = 0x0f,
    AX_BIT_OR = 0x10,
    AX_BIT_XOR = 0x11,
    AX_BIT_NOT = 0x12,
    AX_EQUAL = 0x13,
    AX_LESS_SIGNED = 0x14,
    AX_LESS_UNSIGNED = 0x15,
    AX_EXT = 0x16,
    AX_REF8 = 0x17,
    AX_REF16 = 0x18,
    AX_REF32 = 0x19,
    AX_REF64 = 0x1a,
    AX_REF_FLOAT = 0x1b,
    AX_REF_DOUBLE = 0x1c,
    AX_REF_LONG_DOUBLE = 0x1d,
    AX_L_TO_D = 0x1e,
    AX_D_TO_L = 0x1f,
    AX_IF_GOTO = 0x20,
    AX_GOTO = 0x21,
    AX_CONST8 = 0x22,
    AX_CONST16 = 0x23,
    AX_CONST32 = 0x24,
    AX_CONST64 = 0x25,
    AX_REG = 0x26,
    AX_END = 0x27,
    AX_DUP = 0x28,
    AX_POP = 0x29,
    AX_ZERO_EXT = 0x2a,
    AX_SWAP = 0x2b,
    AX_GETV = 0x2c,
    AX_SETV = 0x2d,
    AX_TRACEV = 0x2e,
    AX_TRACENZ = 0x2f,
    AX_TRACE16 = 0x30,
    AX_PICK = 0x32,
    AX_ROT = 0x33,
    AX_PRINTF = 0x34,
    AX_NUM_OPS
};

typedef struct AxOp {
    const char *name;
    uint8_t operand_bytes;
    bool supported;
} AxOp;

#define OP(code, nm, n, ok) [code] = { .name = nm, .operand_bytes = n, \
                                       .supported = ok }

static const AxOp ax_ops[AX_NUM_OPS] = {
    OP(AX_FLOAT, "float", 0, false),
    OP(AX_ADD, "add", 0, true),
    OP(AX_SUB, "sub", 0, true),
    OP(AX_MUL, "mul", 0, true),
    OP(AX_DIV_SIGNED, "div_signed", 0, true),
    OP(AX_DIV_UNSIGNED, "div_unsigned", 0, true),
    OP(AX_REM_SIGNED, "rem_signed", 0, true),
    OP(AX_REM_UNSIGNED, "rem_unsigned", 0, true),
    OP(AX_LSH, "lsh", 0, true),
    OP(AX_RSH_SIGNED, "rsh_signed", 0, true),
    OP(AX_RSH_UNSIGNED, "rsh_unsigned", 0, true),
    OP(AX_TRACE, "trace", 0, false),
    OP(AX_TRACE_QUICK, "trace_quick", 1, false),
    OP(AX_LOG_NOT, "log_not", 0, true),
    OP(AX_BIT_AND, "bit_and", 0, true),
    OP(AX_BIT_OR, "bit_or", 0, true),
    OP(AX_BIT_XOR, "bit_xor", 0, true),
    OP(AX_BIT_NOT, "bit_not", 0, true),
    OP(AX_EQUAL, "equal", 0, true),
    OP(AX_LESS_SIGNED, "less_signed", 0, true),
    OP(AX_LESS_UNSIGNED, "less_unsigned", 0, true),
    OP(AX_EXT, "ext", 1, true),
    OP(AX_REF8, "ref8", 0, true),
    OP(AX_REF16, "ref16", 0, true),
    OP(AX_REF32, "ref32", 0, true),
    OP(AX_REF64, "ref64", 0, true),
    OP(AX_REF_FLOAT, "ref_float", 0, false),
    OP(AX_REF_DOUBLE, "ref_double", 0, false),
    OP(AX_REF_LONG_DOUBLE, "ref_long_double", 0, false),
    OP(AX_L_TO_D, "l_to_d", 0, false),
    OP(AX_D_TO_L, "d_to_l", 0, false),
    OP(AX_IF_GOTO, "if_goto", 2, true),
    OP(AX_GOTO, "goto", 2, true),
    OP(AX_CONST8, "const8", 1, true),
    OP(AX_CONST16, "const16", 2, true),
    OP(AX_CONST32, "const32", 4, true),
    OP(AX_CONST64, "const64", 8, true),
    OP(AX_REG, "reg", 2, true),
    OP(AX_END, "end", 0, true),
    OP(AX_DUP, "dup", 0, true),
    OP(AX_POP, "pop", 0, true),
    OP(AX_ZERO_EXT, "zero_ext", 1, true),
    OP(AX_SWAP, "swap", 0, true),
    OP(AX_GETV, "getv", 2, false),
    OP(AX_SETV, "setv", 2, false),
    OP(AX_TRACEV, "tracev", 2, false),
    OP(AX_TRACENZ, "tracenz", 0, false),
    OP(AX_TRACE16, "trace16", 2, false),
    OP(AX_PICK, "pick", 1, true),
    OP(AX_ROT, "rot", 0, true),
    OP(AX_PRINTF, "printf", 0, false),
};

#undef OP

struct DebugAgentExpr {
    uint8_t *code;
    size_t len;
    char *hex;
};

static const AxOp *ax_op(uint8_t code)
{
    if (code >= AX_NUM_OPS || !ax_ops[code].name) {
        return NULL;
    }
    return &ax_ops[code];
}

/* The big-endian operand of @n bytes at @p */
static uint64_t ax_operand(const uint8_t *p, int n)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < n; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

void debug_ax_free(DebugAgentExpr *ax)
{
    if (ax) {
        g_free(ax->code);
        g_free(ax->hex);
        g_free(ax);
    }
}

const char *debug_ax_hex(DebugAgentExpr *ax)
{
    return ax->hex;
}

static bool ax_parse_hex(const char *hex, DebugAgentExpr *ax, Error **errp)
{
    size_t n = strlen(hex), i;

    if (n == 0) {
        error_setg(errp, "condition is empty: give agent expression "
                   "bytecode as hex digits, ending with 'end' (27)");
        return false;
    }
    if (n % 2) {
        error_setg(errp, "condition has an odd number of hex digits (%zu): "
                   "each bytecode byte takes two", n);
        return false;
    }
    if (n / 2 > AX_MAX_BYTES) {
        error_setg(errp, "condition is %zu bytes of bytecode, more than the "
                   "%d allowed", n / 2, AX_MAX_BYTES);
        return false;
    }
    ax->len = n / 2;
    ax->code = g_malloc(ax->len);
    ax->hex = g_malloc(n + 1);
    for (i = 0; i < n; i++) {
        int d = g_ascii_xdigit_value(hex[i]);

        if (d < 0) {
            error_setg(errp, "condition: character %zu ('%c') is not a hex "
                       "digit", i, g_ascii_isprint(hex[i]) ? hex[i] : '?');
            return false;
        }
        ax->hex[i] = "0123456789abcdef"[d];
        if (i % 2) {
            ax->code[i / 2] |= d;
        } else {
            ax->code[i / 2] = d << 4;
        }
    }
    ax->hex[n] = '\0';
    return true;
}

static bool ax_check(DebugAgentExpr *ax, CPUState *cpu, Error **errp)
{
    g_autofree bool *start = g_new0(bool, ax->len);
    size_t pc = 0, last = 0;

    while (pc < ax->len) {
        uint8_t code = ax->code[pc];
        const AxOp *op = ax_op(code);
        uint64_t arg;

        if (!op) {
            error_setg(errp, "condition: unknown opcode 0x%02x at offset %zu",
                       code, pc);
            return false;
        }
        if (!op->supported) {
            error_setg(errp, "condition: opcode '%s' (0x%02x) at offset %zu "
                       "is not supported: conditions are evaluated in QEMU "
                       "with integer operations only (no floating point, "
                       "trace, trace state variable or printf opcodes)",
                       op->name, code, pc);
            return false;
        }
        if (pc + 1 + op->operand_bytes > ax->len) {
            error_setg(errp, "condition: opcode '%s' at offset %zu needs %d "
                       "operand bytes, but the bytecode ends after %zu",
                       op->name, pc, op->operand_bytes, ax->len - pc - 1);
            return false;
        }
        arg = ax_operand(ax->code + pc + 1, op->operand_bytes);
        switch (code) {
        case AX_REG:
            if (!debug_cpu_has_reg_number(cpu, arg)) {
                error_setg(errp, "condition: 'reg %" PRIu64 "' at offset %zu: "
                           "vCPU %d has no register number %" PRIu64
                           " (query-debug-gdb-xml describes them)", arg, pc,
                           cpu->cpu_index, arg);
                return false;
            }
            break;
        case AX_EXT:
        case AX_ZERO_EXT:
            if (arg < 1 || arg > 64) {
                error_setg(errp, "condition: '%s %" PRIu64 "' at offset %zu: "
                           "the width must be 1 to 64 bits", op->name, arg,
                           pc);
                return false;
            }
            break;
        default:
            break;
        }
        start[pc] = true;
        last = pc;
        pc += 1 + op->operand_bytes;
    }
    if (ax->code[last] != AX_END) {
        error_setg(errp, "condition: the last instruction (offset %zu) is "
                   "'%s', not 'end' (0x27)", last, ax_op(ax->code[last])->name);
        return false;
    }
    /* jump targets, now that every instruction boundary is known */
    for (pc = 0; pc < ax->len; pc += 1 + ax_op(ax->code[pc])->operand_bytes) {
        uint8_t code = ax->code[pc];
        uint64_t target;

        if (code != AX_GOTO && code != AX_IF_GOTO) {
            continue;
        }
        target = ax_operand(ax->code + pc + 1, 2);
        if (target >= ax->len || !start[target]) {
            error_setg(errp, "condition: '%s' at offset %zu jumps to offset "
                       "%" PRIu64 ", which is not the start of an "
                       "instruction of the %zu-byte expression",
                       ax_op(code)->name, pc, target, ax->len);
            return false;
        }
    }
    return true;
}

DebugAgentExpr *debug_ax_compile(const char *hex, CPUState *cpu,
                                 Error **errp)
{
    DebugAgentExpr *ax = g_new0(DebugAgentExpr, 1);

    if (!ax_parse_hex(hex, ax, errp) || !ax_check(ax, cpu, errp)) {
        debug_ax_free(ax);
        return NULL;
    }
    return ax;
}

#define AX_FAIL(...)                                    \
    do {                                                \
        *err = g_strdup_printf(__VA_ARGS__);            \
        return false;                                   \
    } while (0)

#define AX_NEED(n)                                                      \
    do {                                                                \
        if (sp < (n)) {                                                 \
            AX_FAIL("stack underflow at offset %zu ('%s' needs %d "     \
                    "values, the stack holds %d)", at, op->name, (n),   \
                    sp);                                                \
        }                                                               \
    } while (0)

#define AX_ROOM(n)                                                      \
    do {                                                                \
        if (sp + (n) > AX_MAX_STACK) {                                  \
            AX_FAIL("stack overflow at offset %zu (more than %d "       \
                    "values)", at, AX_MAX_STACK);                       \
        }                                                               \
    } while (0)

bool debug_ax_eval(DebugAgentExpr *ax, CPUState *cpu, uint64_t *value,
                   char **err)
{
    uint64_t stack[AX_MAX_STACK];
    g_autoptr(GByteArray) regbuf = NULL;
    int sp = 0, steps = 0;
    size_t pc = 0;

    for (;;) {
        size_t at = pc;
        uint8_t code = ax->code[pc];
        const AxOp *op = ax_op(code);     /* checked at insert */
        uint64_t arg = ax_operand(ax->code + pc + 1, op->operand_bytes);
        uint64_t a, b;

        if (++steps > AX_MAX_STEPS) {
            AX_FAIL("more than %d instructions executed (at offset %zu): "
                    "a loop that does not end?", AX_MAX_STEPS, at);
        }
        pc += 1 + op->operand_bytes;

        switch (code) {
        case AX_ADD: case AX_SUB: case AX_MUL:
        case AX_DIV_SIGNED: case AX_DIV_UNSIGNED:
        case AX_REM_SIGNED: case AX_REM_UNSIGNED:
        case AX_LSH: case AX_RSH_SIGNED: case AX_RSH_UNSIGNED:
        case AX_BIT_AND: case AX_BIT_OR: case AX_BIT_XOR:
        case AX_EQUAL: case AX_LESS_SIGNED: case AX_LESS_UNSIGNED:
            AX_NEED(2);
            b = stack[--sp];
            a = stack[sp - 1];
            switch (code) {
            case AX_ADD:
                a += b;
                break;
            case AX_SUB:
                a -= b;
                break;
            case AX_MUL:
                a *= b;
                break;
            case AX_DIV_SIGNED:
            case AX_REM_SIGNED:
            case AX_DIV_UNSIGNED:
            case AX_REM_UNSIGNED:
                if (b == 0) {
                    AX_FAIL("division by zero at offset %zu ('%s')", at,
                            op->name);
                }
                if (code == AX_DIV_UNSIGNED) {
                    a /= b;
                } else if (code == AX_REM_UNSIGNED) {
                    a %= b;
                } else if ((int64_t)b == -1) {
                    /* INT64_MIN / -1 overflows: wrap, as the hardware's */
                    a = code == AX_DIV_SIGNED ? -a : 0;
                } else if (code == AX_DIV_SIGNED) {
                    a = (int64_t)a / (int64_t)b;
                } else {
                    a = (int64_t)a % (int64_t)b;
                }
                break;
            case AX_LSH:
                a = b >= 64 ? 0 : a << b;
                break;
            case AX_RSH_SIGNED:
                a = b >= 64 ? ((int64_t)a < 0 ? -1 : 0) :
                    (uint64_t)((int64_t)a >> b);
                break;
            case AX_RSH_UNSIGNED:
                a = b >= 64 ? 0 : a >> b;
                break;
            case AX_BIT_AND:
                a &= b;
                break;
            case AX_BIT_OR:
                a |= b;
                break;
            case AX_BIT_XOR:
                a ^= b;
                break;
            case AX_EQUAL:
                a = a == b;
                break;
            case AX_LESS_SIGNED:
                a = (int64_t)a < (int64_t)b;
                break;
            default:
                a = a < b;
                break;
            }
            stack[sp - 1] = a;
            break;

        case AX_LOG_NOT:
            AX_NEED(1);
            stack[sp - 1] = !stack[sp - 1];
            break;
        case AX_BIT_NOT:
            AX_NEED(1);
            stack[sp - 1] = ~stack[sp - 1];
            break;
        case AX_EXT:
            AX_NEED(1);
            if (arg < 64) {
                uint64_t sign = 1ULL << (arg - 1);
                a = stack[sp - 1] & ((1ULL << arg) - 1);
                stack[sp - 1] = (a ^ sign) - sign;
            }
            break;
        case AX_ZERO_EXT:
            AX_NEED(1);
            if (arg < 64) {
                stack[sp - 1] &= (1ULL << arg) - 1;
            }
            break;

        case AX_REF8: case AX_REF16: case AX_REF32: case AX_REF64: {
            int size = 1 << (code - AX_REF8);
            uint8_t buf[8];
            DebugReadStatus st;
            int i;

            AX_NEED(1);
            a = stack[sp - 1];
            st = debug_read_guest(cpu, a, buf, size);
            if (st != DEBUG_READ_OK) {
                AX_FAIL("'%s' at offset %zu: cannot read %d bytes at 0x%"
                        PRIx64 ": %s", op->name, at, size, a,
                        debug_read_status_str(st));
            }
            b = 0;
            for (i = size - 1; i >= 0; i--) {
                b = b << 8 | buf[i];
            }
            stack[sp - 1] = b;
            break;
        }

        case AX_IF_GOTO:
            AX_NEED(1);
            if (stack[--sp]) {
                pc = arg;
            }
            break;
        case AX_GOTO:
            pc = arg;
            break;

        case AX_CONST8: case AX_CONST16: case AX_CONST32: case AX_CONST64:
            AX_ROOM(1);
            stack[sp++] = arg;
            break;

        case AX_REG: {
            int n, i;

            AX_ROOM(1);
            if (!regbuf) {
                regbuf = g_byte_array_sized_new(64);
            }
            g_byte_array_set_size(regbuf, 0);
            n = gdb_read_register_for_debug(cpu, regbuf, arg);
            if (n <= 0) {
                AX_FAIL("'reg %" PRIu64 "' at offset %zu: the register "
                        "cannot be read", arg, at);
            }
            /* target byte order, little endian on the targets we build */
            b = 0;
            for (i = MIN(n, 8) - 1; i >= 0; i--) {
                b = b << 8 | regbuf->data[i];
            }
            stack[sp++] = b;
            break;
        }

        case AX_END:
            if (sp < 1) {
                AX_FAIL("the stack is empty at 'end' (offset %zu): no value "
                        "to test", at);
            }
            *value = stack[sp - 1];
            return true;

        case AX_DUP:
            AX_NEED(1);
            AX_ROOM(1);
            stack[sp] = stack[sp - 1];
            sp++;
            break;
        case AX_POP:
            AX_NEED(1);
            sp--;
            break;
        case AX_SWAP:
            AX_NEED(2);
            a = stack[sp - 1];
            stack[sp - 1] = stack[sp - 2];
            stack[sp - 2] = a;
            break;
        case AX_PICK:
            AX_NEED((int)arg + 1);
            AX_ROOM(1);
            stack[sp] = stack[sp - 1 - arg];
            sp++;
            break;
        case AX_ROT:
            /* a b c => c a b */
            AX_NEED(3);
            a = stack[sp - 3];
            b = stack[sp - 2];
            stack[sp - 3] = stack[sp - 1];
            stack[sp - 2] = a;
            stack[sp - 1] = b;
            break;

        default:
            AX_FAIL("opcode 0x%02x at offset %zu cannot be evaluated", code,
                    at);
        }
    }
}
