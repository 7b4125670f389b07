/*
 * test-debug-expr.c: the condition compiler (src/expr)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled conditions are run by a reference interpreter written here
 * from GDB's manual ("Agent Expressions", Bytecode Descriptions), with
 * opcode values spelled as the manual lists them rather than taken from
 * the header under test, over a fake register file and a fake guest
 * memory.  Each result is compared with what C computes for the same
 * expression on 64-bit integers.  A few conditions are also compared
 * byte for byte with bytecode written by hand from the manual's encoding,
 * and every error is checked for its code, its column and what it names.
 */

#include <string.h>
#include <glib.h>

#include "expr/debug_expr.h"


/* ------------------------------------------------------------------ */
/* The fake target                                                     */

/* Upper bits of the narrow registers hold garbage, as a real register
 * file's slot may: the compiler must zero-extend them away. */
static const struct {
    const char *name;
    int number;
    int size;
    guint64 value;
} fakeRegisters[] = {
    { "rax", 0, 8, 0x0000000000000005ULL },
    { "rbx", 3, 8, 0xfffffffffffffff9ULL },            /* -7 */
    { "rcx", 2, 8, 0x0000000000001000ULL },            /* fake memory base */
    { "rsp", 7, 8, 0x0000000000001080ULL },
    { "rip", 16, 8, 0xffffffff81000010ULL },
    { "rsi", 4, 8, 0x0000000000003000ULL },
    { "rdi", 5, 8, 0x0000000000000010ULL },
    { "rdx", 1, 8, 0 },
    { "eflags", 17, 4, 0xdead000000000246ULL },
    { "cs", 18, 4, 0x1234567800000010ULL },
    { "al", 100, 1, 0xffffffffffffff80ULL },
    { "ax", 101, 2, 0xffffffffffff8001ULL },
    { "xmm0", 40, 16, 0 },
    { "huge", 70000, 8, 0 },
};

#define MEM_BASE 0x1000
#define MEM_SIZE 0x100

static guint8 fakeMemory[MEM_SIZE];
static guint fakeReads;

static const struct {
    const char *name;
    guint64 addr;
} fakeSymbols[] = {
    { "guest_counter", 0x1010 },
    { "guest_negative", 0x1018 },
    { "guest_bytes", 0x1020 },
    { "per_cpu_offset", 0x1040 },
    { "u", 2 },                 /* a symbol spelled like the 'u' suffix */
    { "u8", 0x1020 },           /* and one spelled like a read */
    { "foo.constprop.0", 0x1030 },
};


static void
fakeStore(guint64 addr, guint64 value, guint size)
{
    guint i;

    for (i = 0; i < size; i++)
        fakeMemory[addr - MEM_BASE + i] = value >> (8 * i);    /* little endian */
}


static void
fakeSetup(void)
{
    memset(fakeMemory, 0, sizeof(fakeMemory));
    fakeStore(0x1010, 0xdeadbeef, 4);               /* guest_counter */
    fakeStore(0x1018, 0xfffffffffffffff6ULL, 8);    /* guest_negative: -10 */
    fakeStore(0x1020, 0x80, 1);                     /* guest_bytes */
    fakeStore(0x1022, 0x8001, 2);
    fakeStore(0x1040, 0x0000000000001050ULL, 8);    /* per_cpu_offset */
    fakeStore(0x1050, 0x2a, 4);
    fakeStore(0x1088, 0x7fffffff, 4);               /* $rsp + 8 */
    fakeStore(0x108c, 0x80000000, 4);
}


static gboolean
fakeRegister(const char *name, int *number, int *size, void *opaque)
{
    size_t i;

    g_assert_true(opaque == fakeRegisters);
    for (i = 0; i < G_N_ELEMENTS(fakeRegisters); i++) {
        if (g_str_equal(name, fakeRegisters[i].name)) {
            *number = fakeRegisters[i].number;
            *size = fakeRegisters[i].size;
            return TRUE;
        }
    }
    return FALSE;
}


static gboolean
fakeSymbol(const char *name, guint64 *addr, void *opaque)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(fakeSymbols); i++) {
        if (g_str_equal(name, fakeSymbols[i].name)) {
            *addr = fakeSymbols[i].addr;
            return TRUE;
        }
    }
    return FALSE;
}


static const virDebugExprResolver fakeResolver = {
    .reg = fakeRegister,
    .sym = fakeSymbol,
    .opaque = (void *) fakeRegisters,
};


/* ------------------------------------------------------------------ */
/* The reference interpreter, from the manual                          */

static guint64
operand(const guint8 *code, gsize len, gsize *pc, guint n)
{
    guint64 v = 0;
    guint i;

    g_assert_cmpuint(*pc + n, <=, len);
    for (i = 0; i < n; i++)
        v = (v << 8) | code[(*pc)++];   /* most significant byte first */
    return v;
}


static guint64
refPop(guint64 *stack, int *sp)
{
    if (*sp <= 0)
        g_error("stack underflow");
    return stack[--*sp];
}


static void
refPush(guint64 *stack, int *sp, guint64 v)
{
    if (*sp >= 256)
        g_error("stack overflow");
    stack[(*sp)++] = v;
}


/* Runs @code; FALSE with @why on an evaluation error (division by zero,
 * unreadable memory).  Malformed code fails the test: the compiler never
 * emits any. */
static gboolean
interpret(const guint8 *code, gsize len, guint64 *result, char **why)
{
    guint64 stack[256];
    int sp = 0;
    gsize pc = 0;
    guint steps = 0;

#define POP() refPop(stack, &sp)
#define PUSH(v) refPush(stack, &sp, (v))

    for (;;) {
        guint8 op;
        guint64 a;
        guint64 b;
        guint64 n;
        size_t i;

        g_assert_cmpuint(pc, <, len);
        g_assert_cmpuint(++steps, <, 100000);
        op = code[pc++];
        switch (op) {
        case 0x02: b = POP(); a = POP(); PUSH(a + b); break;        /* add */
        case 0x03: b = POP(); a = POP(); PUSH(a - b); break;        /* sub */
        case 0x04: b = POP(); a = POP(); PUSH(a * b); break;        /* mul */
        case 0x05:                                                  /* div_signed */
        case 0x06:                                                  /* div_unsigned */
        case 0x07:                                                  /* rem_signed */
        case 0x08:                                                  /* rem_unsigned */
            b = POP();
            a = POP();
            if (b == 0) {
                *why = g_strdup("division by zero");
                return FALSE;
            }
            if (op == 0x06)
                PUSH(a / b);
            else if (op == 0x08)
                PUSH(a % b);
            else if ((gint64) b == -1)  /* INT64_MIN / -1 wraps */
                PUSH(op == 0x05 ? -a : 0);
            else if (op == 0x05)
                PUSH((guint64) ((gint64) a / (gint64) b));
            else
                PUSH((guint64) ((gint64) a % (gint64) b));
            break;
        case 0x09: b = POP(); a = POP(); PUSH(b >= 64 ? 0 : a << b); break;
        case 0x0a:                                                  /* rsh_signed */
            b = POP();
            a = POP();
            PUSH(b >= 64 ? ((gint64) a < 0 ? G_MAXUINT64 : 0) :
                 (guint64) ((gint64) a >> b));
            break;
        case 0x0b: b = POP(); a = POP(); PUSH(b >= 64 ? 0 : a >> b); break;
        case 0x0e: a = POP(); PUSH(a == 0); break;                  /* log_not */
        case 0x0f: b = POP(); a = POP(); PUSH(a & b); break;
        case 0x10: b = POP(); a = POP(); PUSH(a | b); break;
        case 0x11: b = POP(); a = POP(); PUSH(a ^ b); break;
        case 0x12: a = POP(); PUSH(~a); break;                      /* bit_not */
        case 0x13: b = POP(); a = POP(); PUSH(a == b); break;       /* equal */
        case 0x14: b = POP(); a = POP(); PUSH((gint64) a < (gint64) b); break;
        case 0x15: b = POP(); a = POP(); PUSH(a < b); break;
        case 0x16:                                                  /* ext n */
            n = operand(code, len, &pc, 1);
            a = POP();
            if (n < 64) {
                guint64 sign = 1ULL << (n - 1);

                a &= (1ULL << n) - 1;
                a = (a ^ sign) - sign;
            }
            PUSH(a);
            break;
        case 0x2a:                                                  /* zero_ext n */
            n = operand(code, len, &pc, 1);
            a = POP();
            PUSH(n < 64 ? a & ((1ULL << n) - 1) : a);
            break;
        case 0x17: case 0x18: case 0x19: case 0x1a: {               /* refN */
            guint size = 1 << (op - 0x17);
            guint64 v = 0;

            a = POP();
            fakeReads++;
            if (a < MEM_BASE || a > MEM_BASE + MEM_SIZE - size) {
                *why = g_strdup_printf("cannot read %u bytes at 0x%" G_GINT64_MODIFIER "x",
                                       size, a);
                return FALSE;
            }
            for (i = size; i > 0; i--)
                v = (v << 8) | fakeMemory[a - MEM_BASE + i - 1];
            PUSH(v);    /* "as an unsigned integer" */
            break;
        }
        case 0x20:                                                  /* if_goto */
            n = operand(code, len, &pc, 2);
            if (POP())
                pc = n;
            break;
        case 0x21:                                                  /* goto */
            pc = operand(code, len, &pc, 2);
            break;
        case 0x22: PUSH(operand(code, len, &pc, 1)); break;         /* const8 */
        case 0x23: PUSH(operand(code, len, &pc, 2)); break;
        case 0x24: PUSH(operand(code, len, &pc, 4)); break;
        case 0x25: PUSH(operand(code, len, &pc, 8)); break;
        case 0x26:                                                  /* reg */
            n = operand(code, len, &pc, 2);
            for (i = 0; i < G_N_ELEMENTS(fakeRegisters); i++) {
                if (fakeRegisters[i].number == (int) n)
                    break;
            }
            g_assert_cmpuint(i, <, G_N_ELEMENTS(fakeRegisters));
            PUSH(fakeRegisters[i].value);
            break;
        case 0x27:                                                  /* end */
            *result = POP();
            g_assert_cmpint(sp, ==, 0);     /* the value is all that is left */
            return TRUE;
        case 0x28: a = POP(); PUSH(a); PUSH(a); break;              /* dup */
        case 0x29: (void) POP(); break;                             /* pop */
        case 0x2b: b = POP(); a = POP(); PUSH(b); PUSH(a); break;   /* swap */
        default:
            g_error("the compiler emitted opcode 0x%02x at %zu", op, pc - 1);
        }
    }
#undef POP
#undef PUSH
}


static GByteArray *
compileOk(const char *text)
{
    g_autoptr(GError) error = NULL;
    GByteArray *code = virDebugExprCompile(text, &fakeResolver, &error);

    if (!code)
        g_error("'%s' does not compile: %s", text, error->message);
    g_assert_no_error(error);
    return code;
}


/* Compiles and runs @text; checks the code on the way. */
static gboolean
run(const char *text, guint64 *result, char **why)
{
    g_autoptr(GByteArray) code = compileOk(text);
    g_autoptr(GError) error = NULL;
    g_autofree char *dis = NULL;
    g_autofree char *hex = NULL;
    g_autoptr(GByteArray) back = NULL;
    guint maxStack = 0;

    g_assert_cmpuint(code->len, <=, VIR_DEBUG_EXPR_MAX_CODE);
    g_assert_cmpuint(code->data[code->len - 1], ==, 0x27);
    if (!virDebugExprCheck(code->data, code->len, &maxStack, &error))
        g_error("'%s' compiles to malformed code: %s", text, error->message);
    g_assert_cmpuint(maxStack, >=, 1);
    dis = virDebugExprDisassemble(code->data, code->len);
    g_assert_nonnull(dis);
    g_assert_true(g_str_has_suffix(dis, "  end\n"));

    hex = virDebugExprToHex(code);
    g_assert_cmpuint(strlen(hex), ==, code->len * 2);
    back = virDebugExprFromHex(hex, &error);
    g_assert_no_error(error);
    g_assert_cmpmem(back->data, back->len, code->data, code->len);

    fakeSetup();
    return interpret(code->data, code->len, result, why);
}


/* ------------------------------------------------------------------ */
/* Values                                                              */

/* What C computes, on gint64 (with the fake target's values spelled out
 * in the right-hand column). */
static const struct {
    const char *text;
    gint64 expected;
} valueCases[] = {
    /* literals */
    { "0", 0 },
    { "42", 42 },
    { "0d42", 42 },
    { "0x2A", 42 },
    { "0b101010", 42 },
    { "255", 255 },
    { "256", 256 },
    { "65535", 65535 },
    { "65536", 65536 },
    { "0xffffffff", 0xffffffffLL },
    { "0x100000000", 0x100000000LL },
    { "0x7fffffffffffffff", G_MAXINT64 },
    { "0xffffffffffffffff", -1 },
    { "18446744073709551615", -1 },
    { "-1", -1 },
    { "-128", -128 },
    { "-129", -129 },
    { "-32768", -32768 },
    { "-32769", -32769 },
    { "-2147483648", -2147483648LL },
    { "-2147483649", -2147483649LL },
    { "-0x8000000000000000", G_MININT64 },
    { "- -5", 5 },
    { "-(3)", -3 },
    { "0xffffffff81000000", (gint64) 0xffffffff81000000ULL },

    /* precedence and associativity, as C */
    { "1 + 2 * 3", 1 + 2 * 3 },
    { "(1 + 2) * 3", (1 + 2) * 3 },
    { "10 - 4 - 3", 10 - 4 - 3 },
    { "100 / 10 / 5", 100 / 10 / 5 },
    { "2 * 3 % 4", 2 * 3 % 4 },
    { "1 << 2 + 3", 1 << (2 + 3) },
    { "1 + 2 << 3", (1 + 2) << 3 },
    { "1 < 2 == 1", (1 < 2) == 1 },
    { "3 & 6 == 6", 3 & (6 == 6) },
    { "1 | 2 ^ 3 & 4", 1 | (2 ^ (3 & 4)) },
    { "5 ^ 3 | 8", (5 ^ 3) | 8 },
    { "1 || 0 && 0", 1 || (0 && 0) },
    { "0 && 1 || 1", (0 && 1) || 1 },
    { "-2 * -3", 6 },
    { "~0", -1 },
    { "~5 + 1", -5 },
    { "!5", 0 },
    { "!0", 1 },
    { "!!7", 1 },
    { "-!0", -1 },
    { "2 - -2", 4 },
    { "1 << 40", 1LL << 40 },
    { "1 << 63", G_MININT64 },
    { "0x7fffffffffffffff + 1", G_MININT64 },   /* wraps, two's complement */

    /* signed arithmetic */
    { "-7 / 2", -7 / 2 },
    { "-7 % 2", -7 % 2 },
    { "7 / -2", 7 / -2 },
    { "7 % -2", 7 % -2 },
    { "-16 >> 2", -16 >> 2 },
    { "-1 >> 63", -1 },
    { "-8 < 1", 1 },
    { "1 > -8", 1 },
    { "-8 <= -8", 1 },
    { "-8 >= -7", 0 },
    { "-8 > -9", 1 },
    { "5 >= 5", 1 },
    { "5 <= 4", 0 },
    { "3 != 3", 0 },
    { "3 != 4", 1 },
    { "3 == 3", 1 },

    /* unsigned variants */
    { "-1 <u 1", 0 },
    { "1 <u -1", 1 },
    { "-1 >u 1", 1 },
    { "-1 <=u -1", 1 },
    { "0 >=u -1", 0 },
    { "-1 /u 2", (gint64) (G_MAXUINT64 / 2) },
    { "-1 %u 10", (gint64) (G_MAXUINT64 % 10) },
    { "-16 >>u 60", 15 },
    { "10 /u 3", 3 },
    { "10 / u", 5 },                /* the symbol 'u' (2) */
    { "10 %u(3)", 1 },              /* '%u' then (3) */

    /* registers: full width, or zero-extended to their size */
    { "$rax", 5 },
    { "$rbx", -7 },
    { "$rax + $rbx * 2", 5 + -7 * 2 },
    { "$rbx / 2", -7 / 2 },
    { "$rbx < $rax", 1 },
    { "$rbx <u $rax", 0 },
    { "$eflags", 0x246 },
    { "$eflags & 0x200", 0x200 },
    { "($eflags >> 9) & 1", 1 },
    { "$cs", 0x10 },
    { "$al", 0x80 },
    { "$ax", 0x8001 },
    { "$rip == 0xffffffff81000010", 1 },
    { "$rip >u 0xffffffff80000000", 1 },

    /* symbols are addresses; reads zero- or sign-extend */
    { "guest_counter", 0x1010 },
    { "foo.constprop.0", 0x1030 },
    { "u8", 0x1020 },
    { "u32[guest_counter]", 0xdeadbeefLL },
    { "s32[guest_counter]", (gint32) 0xdeadbeef },
    { "u16[guest_counter]", 0xbeef },
    { "s16[guest_counter]", (gint16) 0xbeef },
    { "u8[guest_counter]", 0xef },
    { "s8[guest_counter]", (gint8) 0xef },
    { "u64[guest_counter]", 0xdeadbeefLL },
    { "s64[guest_negative]", -10 },
    { "u64[guest_negative]", -10 },
    { "s64[guest_negative] < 0", 1 },
    { "u32[guest_negative]", 0xfffffff6LL },
    { "s32[guest_negative] == -10", 1 },
    { "u8[guest_bytes]", 0x80 },
    { "s8[guest_bytes]", -128 },
    { "u16[guest_bytes + 2]", 0x8001 },
    { "s16[guest_bytes + 2]", (gint16) 0x8001 },
    { "u8[u8]", 0x80 },                         /* the symbol u8, read */
    { "u32[u64[per_cpu_offset]]", 0x2a },
    { "u32[u64[per_cpu_offset + 0] + 0]", 0x2a },
    { "u32[$rsp + 8]", 0x7fffffff },
    { "s32[$rsp + 12]", G_MININT32 },
    { "u32[$rsp + 12]", 0x80000000LL },
    { "u32[$rsp+8]+1", 0x80000000LL },
    { "u32[$rcx + 0x10] == 0xdeadbeef", 1 },
    { "u32[guest_counter] & 0xff == 0xef", 0xdeadbeef & (0xff == 0xef) },
    { "(u32[guest_counter] & 0xff) == 0xef", 1 },
    { "10/u8[guest_bytes]", 0 },               /* '/' then u8[...] */

    /* short circuit yields 0 or 1 */
    { "5 && 7", 1 },
    { "5 && 0", 0 },
    { "0 && 7", 0 },
    { "0 || 0", 0 },
    { "0 || 9", 1 },
    { "9 || 0", 1 },
    { "$rax == 5 && $rbx == -7", 1 },
    { "$rax == 4 || u8[guest_bytes] == 0x80", 1 },
    { "($rax == 5) + ($rbx == -7) + (1 && 2) + (0 || 3)", 4 },
    { "1 && 2 && 3 && 0", 0 },
    { "0 || 0 || 0 || 4", 1 },
    { "!(1 && 0) && (0 || 2)", 1 },
};


static void
testValues(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(valueCases); i++) {
        g_autofree char *why = NULL;
        guint64 result = 0;

        if (!run(valueCases[i].text, &result, &why))
            g_error("'%s' fails to evaluate: %s", valueCases[i].text, why);
        if ((gint64) result != valueCases[i].expected)
            g_error("'%s' = %" G_GINT64_FORMAT ", C says %" G_GINT64_FORMAT,
                    valueCases[i].text, (gint64) result,
                    valueCases[i].expected);
    }
}


/* The right operand of && and || is not evaluated when the left one
 * decides: reading unmapped memory there would be an error, and each
 * read is counted. */
static void
testShortCircuit(void)
{
    static const struct {
        const char *text;
        guint64 expected;
        guint reads;
    } cases[] = {
        { "0 && u32[0x40000000]", 0, 0 },
        { "1 || u32[0x40000000]", 1, 0 },
        { "$rax == 4 && u8[0x40000000]", 0, 0 },
        { "$rax == 5 || u8[0x40000000]", 1, 0 },
        { "u8[guest_bytes] && u8[guest_bytes]", 1, 2 },
        { "0 && u8[0x40000000] || u8[guest_bytes] == 0x80", 1, 1 },
        { "(0 && u8[0]) + (1 || u8[0])", 1, 0 },
    };
    g_autofree char *why = NULL;
    guint64 result;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        fakeReads = 0;
        if (!run(cases[i].text, &result, &why))
            g_error("'%s' fails to evaluate: %s", cases[i].text, why);
        g_assert_cmpuint(result, ==, cases[i].expected);
        if (fakeReads != cases[i].reads)
            g_error("'%s' read memory %u times, expected %u",
                    cases[i].text, fakeReads, cases[i].reads);
    }

    /* and the read does happen when it has to: the fault is reported */
    fakeReads = 0;
    g_assert_false(run("1 && u32[0x40000000]", &result, &why));
    g_assert_nonnull(strstr(why, "0x40000000"));
    g_assert_cmpuint(fakeReads, ==, 1);
    g_clear_pointer(&why, g_free);

    /* both operands of a comparison are evaluated left to right, so the
     * first fault is the left one's even where the code swaps them */
    g_assert_false(run("u8[0x50000000] > u8[0x60000000]", &result, &why));
    g_assert_nonnull(strstr(why, "0x50000000"));
    g_clear_pointer(&why, g_free);

    g_assert_false(run("1 / ($rax - 5)", &result, &why));
    g_assert_cmpstr(why, ==, "division by zero");
}


/* ------------------------------------------------------------------ */
/* Exact bytecode, written by hand from the manual's encoding          */

static void
testBytecode(void)
{
    static const struct {
        const char *text;
        const char *hex;
    } cases[] = {
        /* const8/16/32/64 n: the smallest that holds n zero-extended */
        { "1", "2201" "27" },
        { "0x1234", "231234" "27" },
        { "0x12345678", "2412345678" "27" },
        { "0x100000000", "250000000100000000" "27" },
        /* negative: the low bits sign-extended with ext, as the manual
         * advises, or const64 when 32 bits do not hold it */
        { "-1", "22ff" "1608" "27" },
        { "-200", "23ff38" "1610" "27" },
        { "-0x10000", "24ffff0000" "1620" "27" },
        { "-0x80000001", "25ffffffff7fffffff" "27" },
        /* reg n is 16 bits big-endian; narrow registers zero_ext */
        { "$rip == 0x10", "260010" "2210" "13" "27" },
        { "$eflags & 0x200", "260011" "2a20" "230200" "0f" "27" },
        { "$huge", NULL },
        /* reads: refN, then zero_ext or ext to the width read */
        { "u32[$rsp + 8]", "260007" "2208" "02" "19" "2a20" "27" },
        { "s8[guest_counter]", "231010" "17" "1608" "27" },
        { "u64[guest_counter]", "231010" "1a" "27" },
        { "s64[guest_counter]", "231010" "1a" "27" },
        /* comparisons from less_signed, equal, swap, log_not */
        { "$rax < 5", "260000" "2205" "14" "27" },
        { "$rax > 5", "260000" "2205" "2b" "14" "27" },
        { "$rax <= 5", "260000" "2205" "2b" "14" "0e" "27" },
        { "$rax >= 5", "260000" "2205" "14" "0e" "27" },
        { "$rax != 5", "260000" "2205" "13" "0e" "27" },
        { "$rax <u 5", "260000" "2205" "15" "27" },
        /* arithmetic */
        { "-$rax", "2200" "260000" "03" "27" },
        { "~$rax", "260000" "12" "27" },
        { "!$rax", "260000" "0e" "27" },
        { "7 / 2", "2207" "2202" "05" "27" },
        { "7 % 2", "2207" "2202" "07" "27" },
        { "7 /u 2", "2207" "2202" "06" "27" },
        { "7 %u 2", "2207" "2202" "08" "27" },
        { "7 >> 2", "2207" "2202" "0a" "27" },
        { "7 >>u 2", "2207" "2202" "0b" "27" },
        { "7 << 2", "2207" "2202" "09" "27" },
        { "7 * 2 - 1 + 3", "2207" "2202" "04" "2201" "03" "2203" "02" "27" },
        { "1 | 2 ^ 3 & 4", "2201" "2202" "2203" "2204" "0f" "11" "10" "27" },
        /* if_goto/goto take an absolute 16-bit big-endian offset:
         *   0 const8 1; 2 if_goto 10; 5 const8 0; 7 goto 14;
         *  10 const8 2; 12 log_not; 13 log_not; 14 end */
        { "1 && 2", "2201" "20000a" "2200" "21000e" "2202" "0e" "0e" "27" },
        /*   0 const8 1; 2 if_goto 12; 5 const8 2; 7 log_not; 8 log_not;
         *   9 goto 14; 12 const8 1; 14 end */
        { "1 || 2", "2201" "20000c" "2202" "0e" "0e" "21000e" "2201" "27" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GByteArray) code = virDebugExprCompile(cases[i].text,
                                                         &fakeResolver, &error);
        g_autofree char *hex = NULL;

        if (!cases[i].hex) {
            g_assert_null(code);
            g_assert_error(error, VIR_DEBUG_EXPR_ERROR,
                           VIR_DEBUG_EXPR_ERROR_REGISTER);
            continue;
        }
        g_assert_no_error(error);
        hex = virDebugExprToHex(code);
        if (!g_str_equal(hex, cases[i].hex))
            g_error("'%s' compiles to %s, expected %s", cases[i].text, hex,
                    cases[i].hex);
    }
}


static void
testDisassemble(void)
{
    g_autoptr(GByteArray) code = compileOk("$eflags & 0x200 && u32[guest_counter] != -1");
    g_autofree char *dis = virDebugExprDisassemble(code->data, code->len);
    const char *expected =
        "   0  reg 17\n"
        "   3  zero_ext 32\n"
        "   5  const16 0x200 (512)\n"
        "   8  bit_and\n"
        "   9  if_goto 17\n"
        "  12  const8 0x0 (0)\n"
        "  14  goto 31\n"
        "  17  const16 0x1010 (4112)\n"
        "  20  ref32\n"
        "  21  zero_ext 32\n"
        "  23  const8 0xff (255)\n"
        "  25  ext 8\n"
        "  27  equal\n"
        "  28  log_not\n"
        "  29  log_not\n"
        "  30  log_not\n"
        "  31  end\n";

    /* the goto lands on the end, right after the second operand's
     * log_not log_not; the third log_not is '!=' */
    g_assert_nonnull(dis);
    if (!g_str_equal(dis, expected)) {
        g_autofree char *hex = virDebugExprToHex(code);

        g_error("disassembly of %s:\n%s", hex, dis);
    }
}


/* Bytecode that is not well-formed, from any source: the checker names
 * the problem and the disassembler refuses it. */
static void
testCheck(void)
{
    static const struct {
        const char *hex;
        const char *problem;
    } bad[] = {
        { "", "empty" },
        { "2201", "does not end with end" },
        { "22", "cut short" },
        { "2201270000", "unknown opcode" },
        { "31", "unknown opcode 0x31" },
        { "02" "27", "needs 2 stack items" },
        { "27", "empty stack" },
        { "2201" "200000" "2201" "27", "backwards" },
        { "2201" "2000ff" "2201" "27", "past the end" },
        { "2201" "200006" "230001" "27", "inside an instruction" },
        { "2201" "200007" "2201" "2202" "27", "stack heights" },
        { "2201" "210006" "2227" "27", "inside an instruction" },
        { "2201" "1600" "27", "ext 0 extends from no bits" },
        { "2201" "2a00" "27", "zero_ext 0" },
    };
    static const char *const good[] = {
        "2201" "27",
        /* GDB's own shapes: pick, rot, dup/pop, trace ops */
        "2201" "2202" "3201" "33" "29" "29" "27",
        "2201" "28" "29" "27",
        "2201" "0d04" "27",
        "22012202" "2b" "27" "27",  /* dead code after end */
        "2201" "1640" "2a40" "16ff" "27",   /* n >= 64: no effect */
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GByteArray) code = virDebugExprFromHex(bad[i].hex, &error);

        g_assert_no_error(error);
        g_assert_false(virDebugExprCheck(code->data, code->len, NULL, &error));
        g_assert_error(error, VIR_DEBUG_EXPR_ERROR, VIR_DEBUG_EXPR_ERROR_BYTECODE);
        if (!strstr(error->message, bad[i].problem))
            g_error("%s: '%s' does not say '%s'", bad[i].hex, error->message,
                    bad[i].problem);
        g_assert_null(virDebugExprDisassemble(code->data, code->len));
    }
    for (i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GByteArray) code = virDebugExprFromHex(good[i], &error);
        g_autofree char *dis = NULL;

        g_assert_no_error(error);
        if (!virDebugExprCheck(code->data, code->len, NULL, &error))
            g_error("%s: %s", good[i], error->message);
        dis = virDebugExprDisassemble(code->data, code->len);
        g_assert_nonnull(dis);
    }

    {
        g_autoptr(GError) error = NULL;

        g_assert_null(virDebugExprFromHex("2", &error));
        g_assert_error(error, VIR_DEBUG_EXPR_ERROR, VIR_DEBUG_EXPR_ERROR_BYTECODE);
        g_clear_error(&error);
        g_assert_null(virDebugExprFromHex("2g", &error));
        g_assert_error(error, VIR_DEBUG_EXPR_ERROR, VIR_DEBUG_EXPR_ERROR_BYTECODE);
    }
}


/* ------------------------------------------------------------------ */
/* Errors                                                              */

typedef struct {
    const char *text;
    virDebugExprErrorCode code;
    int column;
    const char *names;      /* a part of the message */
} virDebugExprErrorCase;

static void
checkError(const char *text, const virDebugExprResolver *resolver,
           virDebugExprErrorCode code, int column, const char *names)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) bytes = virDebugExprCompile(text, resolver, &error);
    g_autofree char *prefix = g_strdup_printf("column %d: ", column);

    if (bytes)
        g_error("'%.60s' compiles, expected an error", text);
    g_assert_nonnull(error);
    if (error->domain != VIR_DEBUG_EXPR_ERROR || (int) error->code != (int) code)
        g_error("'%.60s': error %d '%s', expected code %d", text, error->code,
                error->message, code);
    if (!g_str_has_prefix(error->message, prefix) ||
        !strstr(error->message, names))
        g_error("'%.60s': '%s' does not start with '%s' and name '%s'",
                text, error->message, prefix, names);
}


static void
testErrors(void)
{
    static const virDebugExprErrorCase cases[] = {
        { "", VIR_DEBUG_EXPR_ERROR_EMPTY, 1, "empty condition" },
        { "   ", VIR_DEBUG_EXPR_ERROR_EMPTY, 4, "empty condition" },
        { "$nosuch == 1", VIR_DEBUG_EXPR_ERROR_REGISTER, 1, "unknown register '$nosuch'" },
        { "1 + $xmm0", VIR_DEBUG_EXPR_ERROR_REGISTER, 5, "'$xmm0' is 16 bytes" },
        { "$huge", VIR_DEBUG_EXPR_ERROR_REGISTER, 1, "70000" },
        { "$ == 1", VIR_DEBUG_EXPR_ERROR_SYNTAX, 1, "register name after '$'" },
        { "1 + nosuch", VIR_DEBUG_EXPR_ERROR_SYMBOL, 5, "unknown symbol 'nosuch'" },
        { "u32[nosuch]", VIR_DEBUG_EXPR_ERROR_SYMBOL, 5, "'nosuch'" },
        /* 'u' followed by a name character is a name, not the suffix */
        { "10 %u3", VIR_DEBUG_EXPR_ERROR_SYMBOL, 5, "unknown symbol 'u3'" },
        { "u128[1]", VIR_DEBUG_EXPR_ERROR_SYMBOL, 1, "unknown symbol 'u128'" },
        { "(1 + 2", VIR_DEBUG_EXPR_ERROR_SYNTAX, 7,
          "expected ')' to close '(' at column 1, found the end of the condition" },
        { "((1) + 2", VIR_DEBUG_EXPR_ERROR_SYNTAX, 9, "'(' at column 1" },
        { "(1 2)", VIR_DEBUG_EXPR_ERROR_SYNTAX, 4, "found '2'" },
        { "1 + 2)", VIR_DEBUG_EXPR_ERROR_SYNTAX, 6, "unbalanced ')'" },
        { "u32[1", VIR_DEBUG_EXPR_ERROR_SYNTAX, 6, "expected ']' to close '[' at column 4" },
        { "u32[1)", VIR_DEBUG_EXPR_ERROR_SYNTAX, 6, "found ')'" },
        { "(u32[1)]", VIR_DEBUG_EXPR_ERROR_SYNTAX, 7, "expected ']'" },
        { "u32 + 1", VIR_DEBUG_EXPR_ERROR_SYMBOL, 1, "'u32'" },
        { "1]", VIR_DEBUG_EXPR_ERROR_SYNTAX, 2, "unbalanced ']'" },
        { "1 2", VIR_DEBUG_EXPR_ERROR_SYNTAX, 3,
          "expected an operator or the end of the condition, found '2'" },
        { "$rax == 1 garbage", VIR_DEBUG_EXPR_ERROR_SYNTAX, 11, "found 'garbage'" },
        { "1 +", VIR_DEBUG_EXPR_ERROR_SYNTAX, 4, "after '+', found the end of the condition" },
        { "* 2", VIR_DEBUG_EXPR_ERROR_SYNTAX, 1, "found '*'" },
        { "1 + * 2", VIR_DEBUG_EXPR_ERROR_SYNTAX, 5, "after '+', found '*'" },
        { "()", VIR_DEBUG_EXPR_ERROR_SYNTAX, 2, "after '(', found ')'" },
        { "u8[]", VIR_DEBUG_EXPR_ERROR_SYNTAX, 4, "after '[', found ']'" },
        { "1 = 2", VIR_DEBUG_EXPR_ERROR_SYNTAX, 3, "'=='" },
        { "1 # 2", VIR_DEBUG_EXPR_ERROR_SYNTAX, 3, "unexpected character '#'" },
        { "1 +\x01", VIR_DEBUG_EXPR_ERROR_SYNTAX, 4, "unexpected byte 0x01" },
        { "0x", VIR_DEBUG_EXPR_ERROR_NUMBER, 1, "bad number '0x'" },
        { "1 + 0xfg", VIR_DEBUG_EXPR_ERROR_NUMBER, 8, "'g' is not a base-16 digit" },
        { "12ab", VIR_DEBUG_EXPR_ERROR_NUMBER, 3, "bad number '12ab'" },
        { "0b102", VIR_DEBUG_EXPR_ERROR_NUMBER, 5, "'2' is not a base-2 digit" },
        { "0d1a", VIR_DEBUG_EXPR_ERROR_NUMBER, 4, "'a' is not a base-10 digit" },
        { "0q12", VIR_DEBUG_EXPR_ERROR_NUMBER, 1, "bad number '0q12'" },
        { "010", VIR_DEBUG_EXPR_ERROR_NUMBER, 1, "ambiguous number '010'" },
        { "18446744073709551616", VIR_DEBUG_EXPR_ERROR_NUMBER, 1, "does not fit in 64 bits" },
        { "0x10000000000000000", VIR_DEBUG_EXPR_ERROR_NUMBER, 1, "does not fit in 64 bits" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++)
        checkError(cases[i].text, &fakeResolver, cases[i].code,
                   cases[i].column, cases[i].names);

    /* the leftmost problem is the one reported */
    checkError("1 + nosuch + 0x", &fakeResolver, VIR_DEBUG_EXPR_ERROR_SYMBOL, 5,
               "'nosuch'");
    checkError("(1 + 0x) + nosuch", &fakeResolver, VIR_DEBUG_EXPR_ERROR_NUMBER, 6,
               "'0x'");

    /* no resolver: every name is unknown */
    checkError("$rax", NULL, VIR_DEBUG_EXPR_ERROR_REGISTER, 1, "'$rax'");
    checkError("1 + guest_counter", NULL, VIR_DEBUG_EXPR_ERROR_SYMBOL, 5,
               "'guest_counter'");
}


/* The limits: VIR_DEBUG_EXPR_MAX_DEPTH levels of nesting and
 * VIR_DEBUG_EXPR_MAX_CODE bytes of code, just inside and just past. */
static void
testLimits(void)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(GByteArray) code = NULL;
    g_autofree char *why = NULL;
    guint64 result = 0;
    int i;

    /* 64 parentheses are fine, 65 are not */
    for (i = 0; i < VIR_DEBUG_EXPR_MAX_DEPTH; i++)
        g_string_append_c(text, '(');
    g_string_append(text, "7");
    for (i = 0; i < VIR_DEBUG_EXPR_MAX_DEPTH; i++)
        g_string_append_c(text, ')');
    g_assert_true(run(text->str, &result, &why));
    g_assert_cmpuint(result, ==, 7);

    g_string_prepend_c(text, '(');
    g_string_append_c(text, ')');
    checkError(text->str, &fakeResolver, VIR_DEBUG_EXPR_ERROR_TOO_DEEP, 65,
               "nested too deeply");

    /* brackets and unary operators count too */
    g_string_truncate(text, 0);
    for (i = 0; i <= VIR_DEBUG_EXPR_MAX_DEPTH; i++)
        g_string_append(text, "u8[");
    checkError(text->str, &fakeResolver, VIR_DEBUG_EXPR_ERROR_TOO_DEEP,
               3 * VIR_DEBUG_EXPR_MAX_DEPTH + 1, "more than 64 levels");
    g_string_truncate(text, 0);
    for (i = 0; i <= VIR_DEBUG_EXPR_MAX_DEPTH; i++)
        g_string_append(text, "~");
    g_string_append(text, "0");
    checkError(text->str, &fakeResolver, VIR_DEBUG_EXPR_ERROR_TOO_DEEP, 65,
               "nested too deeply");

    /* "1+1+...+1" with n terms is 3n bytes with its end: 1365 terms fit
     * in 4096 bytes (4095), 1366 do not */
    g_string_truncate(text, 0);
    g_string_append(text, "1");
    for (i = 1; i < 1365; i++)
        g_string_append(text, "+1");
    code = compileOk(text->str);
    g_assert_cmpuint(code->len, ==, 4095);
    g_assert_true(run(text->str, &result, &why));
    g_assert_cmpuint(result, ==, 1365);
    g_string_append(text, "+1");
    checkError(text->str, &fakeResolver, VIR_DEBUG_EXPR_ERROR_TOO_LONG, 2730,
               "more than 4096 bytes");

    /* big constants reach the limit with few nodes */
    g_string_truncate(text, 0);
    g_string_append(text, "0x100000000");
    for (i = 0; i < 500; i++)
        g_string_append(text, "+0x100000000");
    /* const64 is 9 bytes: 409 of them and their adds make 4089 bytes, the
     * 410th (at column 12 * 409 - 12 + 13) passes the limit */
    checkError(text->str, &fakeResolver, VIR_DEBUG_EXPR_ERROR_TOO_LONG, 4909,
               "more than 4096 bytes");

    /* a long input fails on its size before it costs much memory */
    g_string_truncate(text, 0);
    g_string_append(text, "1");
    for (i = 0; i < 100000; i++)
        g_string_append(text, "+1");
    /* while parsing: node 4097 is the 2048th '+', at column 4096 */
    checkError(text->str, &fakeResolver, VIR_DEBUG_EXPR_ERROR_TOO_LONG, 4096,
               "more than 4096 bytes");
}


/* The examples of docs/conditions.rst compile, and those that only read
 * the fake target's memory evaluate as the page says. */
static void
testDocExamples(void)
{
    static const char *const examples[] = {
        "$rdi == 0x10",
        "$rdi == 0d16",
        "u32[guest_counter] > 100",
        "s32[$rsp + 8] < 0",
        "u64[per_cpu_offset + 0x10] != 0",
        "($eflags >> 9) & 1",
        "$rip >=u 0xffffffff80000000",
        "$rax != 0 && u8[$rax] == 0x2f",
        "$rsi % 4096 == 0 || !$rdx",
    };
    /* spellings the page says are the same */
    static const struct {
        const char *text;
        const char *spelled;
    } same[] = {
        { "42", "0x2a" }, { "42", "0X2A" }, { "42", "0b101010" },
        { "42", "0d42" }, { "-1", "0xffffffffffffffff" },
        { "$rax <u $rbx", "$rax <u($rbx)" },
        { "$rax < u8[$rbx]", "$rax <u8[$rbx]" },
        { "$rax & 0xff == 1", "$rax & (0xff == 1)" },
    };
    g_autofree char *why = NULL;
    guint64 result;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(examples); i++) {
        g_autoptr(GByteArray) code = compileOk(examples[i]);
    }

    g_assert_true(run("$rdi == 0x10", &result, &why));
    g_assert_cmpuint(result, ==, 1);
    g_assert_true(run("$rip >=u 0xffffffff80000000", &result, &why));
    g_assert_cmpuint(result, ==, 1);
    g_assert_true(run("$rsi % 4096 == 0 || !$rdx", &result, &why));
    g_assert_cmpuint(result, ==, 1);
    /* $rax is 5, not an address of the fake memory: the read happens
     * and faults; with $rdx (0) it does not happen */
    g_assert_false(run("$rax != 0 && u8[$rax] == 0x2f", &result, &why));
    g_clear_pointer(&why, g_free);
    g_assert_true(run("$rdx != 0 && u8[$rdx] == 0x2f", &result, &why));
    g_assert_cmpuint(result, ==, 0);

    for (i = 0; i < G_N_ELEMENTS(same); i++) {
        g_autoptr(GByteArray) a = compileOk(same[i].text);
        g_autoptr(GByteArray) b = compileOk(same[i].spelled);

        g_assert_cmpmem(a->data, a->len, b->data, b->len);
    }
}


int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/expr/values", testValues);
    g_test_add_func("/expr/short-circuit", testShortCircuit);
    g_test_add_func("/expr/bytecode", testBytecode);
    g_test_add_func("/expr/disassemble", testDisassemble);
    g_test_add_func("/expr/check", testCheck);
    g_test_add_func("/expr/errors", testErrors);
    g_test_add_func("/expr/limits", testLimits);
    g_test_add_func("/expr/doc-examples", testDocExamples);

    return g_test_run();
}
