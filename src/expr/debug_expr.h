/*
 * debug_expr.h: conditions in a readable syntax, compiled to GDB agent
 * expression bytecode
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A debug point's condition is evaluated inside QEMU, which speaks one
 * format: GDB's agent expression bytecode (GDB manual, "Agent
 * Expressions"; opcode values from gdbsupport/ax.def).  GDB sends that
 * bytecode itself; the CLI and the C API take the language documented in
 * docs/conditions.rst and compile it here, so both reach QEMU the same way.
 *
 * Pure: no libvirt, no QMP.  Registers and symbols are resolved through
 * callbacks, so the compiler knows nothing of an architecture or of a
 * symbol table.
 */

#pragma once

#include <glib.h>

#define VIR_DEBUG_EXPR_ERROR vir_debug_expr_error_quark()
GQuark vir_debug_expr_error_quark(void);

typedef enum {
    VIR_DEBUG_EXPR_ERROR_EMPTY,     /* nothing but blanks */
    VIR_DEBUG_EXPR_ERROR_SYNTAX,    /* an unexpected token */
    VIR_DEBUG_EXPR_ERROR_NUMBER,    /* a malformed or too large literal */
    VIR_DEBUG_EXPR_ERROR_REGISTER,  /* an unknown or unusable register */
    VIR_DEBUG_EXPR_ERROR_SYMBOL,    /* an unknown symbol */
    VIR_DEBUG_EXPR_ERROR_TOO_LONG,  /* more than VIR_DEBUG_EXPR_MAX_CODE bytes */
    VIR_DEBUG_EXPR_ERROR_TOO_DEEP,  /* nested deeper than VIR_DEBUG_EXPR_MAX_DEPTH */
    VIR_DEBUG_EXPR_ERROR_BYTECODE,  /* malformed bytecode (virDebugExprCheck) */
} virDebugExprErrorCode;

/* Bytecode of one condition, `end` included. */
#define VIR_DEBUG_EXPR_MAX_CODE 4096
/* Nesting of parentheses, brackets and unary operators. */
#define VIR_DEBUG_EXPR_MAX_DEPTH 64

/* The opcodes, with GDB's values (gdbsupport/ax.def): QEMU's evaluator
 * and GDB agree on these, so they never change. */
typedef enum {
    VIR_DEBUG_AX_FLOAT = 0x01,
    VIR_DEBUG_AX_ADD = 0x02,
    VIR_DEBUG_AX_SUB = 0x03,
    VIR_DEBUG_AX_MUL = 0x04,
    VIR_DEBUG_AX_DIV_SIGNED = 0x05,
    VIR_DEBUG_AX_DIV_UNSIGNED = 0x06,
    VIR_DEBUG_AX_REM_SIGNED = 0x07,
    VIR_DEBUG_AX_REM_UNSIGNED = 0x08,
    VIR_DEBUG_AX_LSH = 0x09,
    VIR_DEBUG_AX_RSH_SIGNED = 0x0a,
    VIR_DEBUG_AX_RSH_UNSIGNED = 0x0b,
    VIR_DEBUG_AX_TRACE = 0x0c,
    VIR_DEBUG_AX_TRACE_QUICK = 0x0d,
    VIR_DEBUG_AX_LOG_NOT = 0x0e,
    VIR_DEBUG_AX_BIT_AND = 0x0f,
    VIR_DEBUG_AX_BIT_OR = 0x10,
    VIR_DEBUG_AX_BIT_XOR = 0x11,
    VIR_DEBUG_AX_BIT_NOT = 0x12,
    VIR_DEBUG_AX_EQUAL = 0x13,
    VIR_DEBUG_AX_LESS_SIGNED = 0x14,
    VIR_DEBUG_AX_LESS_UNSIGNED = 0x15,
    VIR_DEBUG_AX_EXT = 0x16,
    VIR_DEBUG_AX_REF8 = 0x17,
    VIR_DEBUG_AX_REF16 = 0x18,
    VIR_DEBUG_AX_REF32 = 0x19,
    VIR_DEBUG_AX_REF64 = 0x1a,
    VIR_DEBUG_AX_REF_FLOAT = 0x1b,
    VIR_DEBUG_AX_REF_DOUBLE = 0x1c,
    VIR_DEBUG_AX_REF_LONG_DOUBLE = 0x1d,
    VIR_DEBUG_AX_L_TO_D = 0x1e,
    VIR_DEBUG_AX_D_TO_L = 0x1f,
    VIR_DEBUG_AX_IF_GOTO = 0x20,
    VIR_DEBUG_AX_GOTO = 0x21,
    VIR_DEBUG_AX_CONST8 = 0x22,
    VIR_DEBUG_AX_CONST16 = 0x23,
    VIR_DEBUG_AX_CONST32 = 0x24,
    VIR_DEBUG_AX_CONST64 = 0x25,
    VIR_DEBUG_AX_REG = 0x26,
    VIR_DEBUG_AX_END = 0x27,
    VIR_DEBUG_AX_DUP = 0x28,
    VIR_DEBUG_AX_POP = 0x29,
    VIR_DEBUG_AX_ZERO_EXT = 0x2a,
    VIR_DEBUG_AX_SWAP = 0x2b,
    VIR_DEBUG_AX_GETV = 0x2c,
    VIR_DEBUG_AX_SETV = 0x2d,
    VIR_DEBUG_AX_TRACEV = 0x2e,
    VIR_DEBUG_AX_TRACENZ = 0x2f,
    VIR_DEBUG_AX_TRACE16 = 0x30,
    /* 0x31 is unassigned in GDB */
    VIR_DEBUG_AX_PICK = 0x32,
    VIR_DEBUG_AX_ROT = 0x33,
    VIR_DEBUG_AX_PRINTF = 0x34,
} virDebugAxOp;

/* Resolves a register name (without '$') to its GDB register number and
 * size in bytes; returns FALSE if unknown. */
typedef gboolean (*virDebugExprRegisterFunc)(const char *name, int *number,
                                             int *size, void *opaque);
/* Resolves a symbol name to its address; returns FALSE if unknown. */
typedef gboolean (*virDebugExprSymbolFunc)(const char *name, guint64 *addr,
                                           void *opaque);
typedef struct {
    virDebugExprRegisterFunc reg;   /* NULL: no register is known */
    virDebugExprSymbolFunc sym;     /* NULL: no symbol is known */
    void *opaque;
} virDebugExprResolver;

/* Compile @text; returns the bytecode (ending with `end`) or NULL with
 * @error naming the (1-based) column and what was expected there.
 * @resolver may be NULL: then any register or symbol is an error. */
GByteArray *virDebugExprCompile(const char *text,
                                const virDebugExprResolver *resolver,
                                GError **error);

/* Lower-case hex of bytecode, as QEMU's debug-insert 'condition' takes
 * and GDB's X packets carry. */
char *virDebugExprToHex(const GByteArray *code);

/* Bytecode from hex (either case); NULL with @error if @hex is not an
 * even number of hex digits. */
GByteArray *virDebugExprFromHex(const char *hex, GError **error);

/* A readable disassembly, one op per line with its offset, for --verbose
 * and tests; NULL if @code is not well-formed (see virDebugExprCheck). */
char *virDebugExprDisassemble(const guint8 *code, gsize len);

/* Whether @code is well-formed bytecode of any origin (ours or GDB's):
 * known opcodes with complete operands, jumps to instruction boundaries
 * inside it, no stack underflow, the same stack height wherever paths
 * meet, at most VIR_DEBUG_EXPR_MAX_CODE bytes, ending with an `end` that
 * leaves a value.  On success *@maxStack (if not NULL) is the deepest
 * stack it needs. */
gboolean virDebugExprCheck(const guint8 *code, gsize len, guint *maxStack,
                           GError **error);
