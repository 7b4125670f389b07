/*
 * debug_expr.c: the condition compiler: tokenizer, recursive-descent
 * parser to an AST, and code generation to agent expression bytecode
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The language is in docs/conditions.rst.  Values are 64-bit two's
 * complement integers, as on QEMU's evaluation stack.  The compiler works
 * in two passes, each error reported once with the column of the token
 * that caused it: the parser, pulling tokens from the tokenizer as it
 * goes, builds the syntax tree and finds malformed numbers, stray
 * characters, misplaced tokens, unknown names and excessive nesting; code
 * generation from the tree finds code that is too long.
 */

#include "config.h"

#include <string.h>

#include "expr/debug_expr.h"


/* ------------------------------------------------------------------ */
/* Tokens                                                              */

typedef enum {
    TOK_END,        /* the end of the text */
    TOK_NUMBER,
    TOK_REGISTER,   /* $name */
    TOK_IDENT,      /* a symbol, or u8..s64 before '[' */
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_LBRACKET,
    TOK_RBRACKET,
    TOK_PLUS,
    TOK_MINUS,
    TOK_STAR,
    TOK_SLASH,
    TOK_SLASH_U,
    TOK_PERCENT,
    TOK_PERCENT_U,
    TOK_SHL,
    TOK_SHR,
    TOK_SHR_U,
    TOK_LT,
    TOK_LT_U,
    TOK_LE,
    TOK_LE_U,
    TOK_GT,
    TOK_GT_U,
    TOK_GE,
    TOK_GE_U,
    TOK_EQ,
    TOK_NE,
    TOK_AMP,
    TOK_CARET,
    TOK_PIPE,
    TOK_AND,
    TOK_OR,
    TOK_NOT,
    TOK_TILDE,
} virDebugExprTokenType;

typedef struct {
    virDebugExprTokenType type;
    gsize start;        /* byte offset in the text */
    gsize len;
    guint64 value;      /* TOK_NUMBER */
} virDebugExprToken;

/* Operators, longest first so that "<<" is not read as "<" "<": the
 * unsigned variants are an operator immediately followed by 'u' (see
 * virDebugExprUnsignedSuffix). */
static const struct {
    const char *text;
    virDebugExprTokenType type;
    virDebugExprTokenType unsignedType;     /* TOK_END: none */
} virDebugExprOperators[] = {
    { "<<", TOK_SHL, TOK_END },
    { ">>", TOK_SHR, TOK_SHR_U },
    { "<=", TOK_LE, TOK_LE_U },
    { ">=", TOK_GE, TOK_GE_U },
    { "==", TOK_EQ, TOK_END },
    { "!=", TOK_NE, TOK_END },
    { "&&", TOK_AND, TOK_END },
    { "||", TOK_OR, TOK_END },
    { "<", TOK_LT, TOK_LT_U },
    { ">", TOK_GT, TOK_GT_U },
    { "/", TOK_SLASH, TOK_SLASH_U },
    { "%", TOK_PERCENT, TOK_PERCENT_U },
    { "+", TOK_PLUS, TOK_END },
    { "-", TOK_MINUS, TOK_END },
    { "*", TOK_STAR, TOK_END },
    { "&", TOK_AMP, TOK_END },
    { "^", TOK_CARET, TOK_END },
    { "|", TOK_PIPE, TOK_END },
    { "!", TOK_NOT, TOK_END },
    { "~", TOK_TILDE, TOK_END },
    { "(", TOK_LPAREN, TOK_END },
    { ")", TOK_RPAREN, TOK_END },
    { "[", TOK_LBRACKET, TOK_END },
    { "]", TOK_RBRACKET, TOK_END },
};


static gboolean
virDebugExprIsIdentStart(char c)
{
    return g_ascii_isalpha(c) || c == '_';
}


static gboolean
virDebugExprIsIdentChar(char c)
{
    /* '.' for the compiler's local symbols (foo.constprop.0, __func__.1) */
    return g_ascii_isalnum(c) || c == '_' || c == '.';
}


typedef struct {
    const char *text;
    GPtrArray *tokens;      /* of virDebugExprToken */
    gsize lexPos;           /* the tokenizer's next byte */
    guint pos;              /* the parser's next token */
    const virDebugExprResolver *resolver;
    guint depth;            /* current nesting */
    guint nodes;            /* AST nodes so far */
    GByteArray *code;
    GError **error;
} virDebugExprCompiler;


static gboolean G_GNUC_PRINTF(4, 5)
virDebugExprFail(virDebugExprCompiler *c, virDebugExprErrorCode code,
                 gsize offset, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(c->error, VIR_DEBUG_EXPR_ERROR, code, "column %zu: %s",
                offset + 1, msg);
    return FALSE;
}


/* How a token reads in an error message: quoted text, or "end of
 * condition". */
static char *
virDebugExprTokenDescribe(virDebugExprCompiler *c, const virDebugExprToken *tok)
{
    if (tok->type == TOK_END)
        return g_strdup("the end of the condition");
    return g_strdup_printf("'%.*s'", (int) tok->len, c->text + tok->start);
}


static gboolean
virDebugExprLexNumber(virDebugExprCompiler *c, gsize start, gsize len,
                      guint64 *value)
{
    g_autofree char *word = g_strndup(c->text + start, len);
    const char *digits = word;
    guint base = 10;
    guint64 v = 0;
    const char *p;

    if (word[0] == '0' && len > 1) {
        switch (g_ascii_tolower(word[1])) {
        case 'x':
            base = 16;
            break;
        case 'b':
            base = 2;
            break;
        case 'd':
            base = 10;
            break;
        default:
            /* C would read 010 as octal, the address arguments as hex */
            if (g_ascii_isdigit(word[1]))
                return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_NUMBER, start,
                                        "ambiguous number '%s': write 0d%s "
                                        "for decimal or 0x%s for hex",
                                        word, word + 1, word + 1);
            return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_NUMBER, start,
                                    "bad number '%s': write decimal, 0xHEX, "
                                    "0bBINARY or 0dDECIMAL", word);
        }
        digits = word + 2;
    }
    if (!*digits)
        return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_NUMBER, start,
                                "bad number '%s': no digits after '%.2s'",
                                word, word);

    for (p = digits; *p; p++) {
        int d = g_ascii_xdigit_value(*p);

        if (d < 0 || (guint) d >= base)
            return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_NUMBER,
                                    start + (p - word),
                                    "bad number '%s': '%c' is not a base-%u digit",
                                    word, *p, base);
        if (v > (G_MAXUINT64 - d) / base)
            return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_NUMBER, start,
                                    "number '%s' does not fit in 64 bits", word);
        v = v * base + d;
    }
    *value = v;
    return TRUE;
}


/* An operator that has an unsigned variant takes a 'u' right after it,
 * unless that 'u' starts a longer name (u8[...], a symbol 'user'): the
 * tokenizer decides by looking one character further, so the grammar
 * stays free of ambiguity.  A symbol named exactly 'u' right after such
 * an operator needs a blank before it. */
static gboolean
virDebugExprUnsignedSuffix(const char *p)
{
    return p[0] == 'u' && !virDebugExprIsIdentChar(p[1]);
}


/* Reads the next token into c->tokens.  Tokens are read as the parser
 * asks for them, so that a long input stops costing memory as soon as
 * the parser finds it too long, and the leftmost error is the one
 * reported. */
static gboolean
virDebugExprLex(virDebugExprCompiler *c)
{
    const char *text = c->text;
    gsize i = c->lexPos;

    {
        virDebugExprToken tok = { 0 };
        size_t k;

        while (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
               text[i] == '\r')
            i++;
        tok.start = i;

        if (!text[i]) {
            tok.type = TOK_END;
            g_ptr_array_add(c->tokens, g_memdup2(&tok, sizeof(tok)));
            c->lexPos = i;
            return TRUE;
        }

        if (g_ascii_isdigit(text[i])) {
            /* the whole word, so that 12ab is one bad number rather than
             * a number followed by a symbol */
            while (g_ascii_isalnum(text[i]) || text[i] == '_')
                i++;
            tok.type = TOK_NUMBER;
            tok.len = i - tok.start;
            if (!virDebugExprLexNumber(c, tok.start, tok.len, &tok.value))
                return FALSE;
        } else if (text[i] == '$') {
            i++;
            while (g_ascii_isalnum(text[i]) || text[i] == '_')
                i++;
            tok.type = TOK_REGISTER;
            tok.len = i - tok.start;
            if (tok.len == 1)
                return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_SYNTAX,
                                        tok.start,
                                        "expected a register name after '$'");
        } else if (virDebugExprIsIdentStart(text[i])) {
            while (virDebugExprIsIdentChar(text[i]))
                i++;
            tok.type = TOK_IDENT;
            tok.len = i - tok.start;
        } else {
            for (k = 0; k < G_N_ELEMENTS(virDebugExprOperators); k++) {
                size_t n = strlen(virDebugExprOperators[k].text);

                if (strncmp(text + i, virDebugExprOperators[k].text, n) == 0)
                    break;
            }
            if (k == G_N_ELEMENTS(virDebugExprOperators)) {
                if (text[i] == '=')
                    return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_SYNTAX, i,
                                            "unexpected '=': compare with '=='");
                if (g_ascii_isprint(text[i]))
                    return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_SYNTAX, i,
                                            "unexpected character '%c'", text[i]);
                return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_SYNTAX, i,
                                        "unexpected byte 0x%02x",
                                        (guint8) text[i]);
            }
            i += strlen(virDebugExprOperators[k].text);
            tok.type = virDebugExprOperators[k].type;
            if (virDebugExprOperators[k].unsignedType != TOK_END &&
                virDebugExprUnsignedSuffix(text + i)) {
                tok.type = virDebugExprOperators[k].unsignedType;
                i++;
            }
            tok.len = i - tok.start;
        }
        g_ptr_array_add(c->tokens, g_memdup2(&tok, sizeof(tok)));
        c->lexPos = i;
        return TRUE;
    }
}


/* ------------------------------------------------------------------ */
/* The AST                                                             */

typedef enum {
    NODE_CONST,
    NODE_REGISTER,
    NODE_MEMORY,    /* a read of u8..s64 */
    NODE_UNARY,
    NODE_BINARY,
} virDebugExprNodeKind;

typedef struct _virDebugExprNode virDebugExprNode;
struct _virDebugExprNode {
    virDebugExprNodeKind kind;
    gsize start;                /* column - 1, for errors */
    virDebugExprTokenType op;   /* UNARY, BINARY */
    guint64 value;              /* CONST */
    int regNumber;              /* REGISTER */
    int size;                   /* REGISTER, MEMORY: bytes */
    gboolean isSigned;          /* MEMORY */
    virDebugExprNode *left;     /* UNARY's operand, MEMORY's address */
    virDebugExprNode *right;
};

static void
virDebugExprNodeFree(virDebugExprNode *node)
{
    if (!node)
        return;
    virDebugExprNodeFree(node->left);
    virDebugExprNodeFree(node->right);
    g_free(node);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDebugExprNode, virDebugExprNodeFree);


static virDebugExprNode *
virDebugExprNodeNew(virDebugExprCompiler *c, virDebugExprNodeKind kind,
                    gsize start)
{
    virDebugExprNode *node;

    /* Every node emits at least one byte, so this bounds the AST (and the
     * recursion of code generation over it) before the code is made; the
     * code's own length is checked exactly as it is emitted. */
    if (++c->nodes > VIR_DEBUG_EXPR_MAX_CODE) {
        virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_TOO_LONG, start,
                         "condition too long: it would compile to more "
                         "than %d bytes of bytecode", VIR_DEBUG_EXPR_MAX_CODE);
        return NULL;
    }
    node = g_new0(virDebugExprNode, 1);
    node->kind = kind;
    node->start = start;
    return node;
}


/* ------------------------------------------------------------------ */
/* The parser: precedence climbing over C's binary operators           */

/* The next token, or NULL (with the error set) if it is malformed. */
static const virDebugExprToken *
virDebugExprPeek(virDebugExprCompiler *c)
{
    if (c->pos == c->tokens->len && !virDebugExprLex(c))
        return NULL;
    return g_ptr_array_index(c->tokens, c->pos);
}


/* Consumes the next token (never past the end) */
static const virDebugExprToken *
virDebugExprNext(virDebugExprCompiler *c)
{
    const virDebugExprToken *tok = virDebugExprPeek(c);

    if (tok && tok->type != TOK_END)
        c->pos++;
    return tok;
}


/* C's precedence of a binary operator, higher binds tighter; 0: not a
 * binary operator.  All are left-associative. */
static int
virDebugExprPrecedence(virDebugExprTokenType type)
{
    switch (type) {
    case TOK_OR:
        return 1;
    case TOK_AND:
        return 2;
    case TOK_PIPE:
        return 3;
    case TOK_CARET:
        return 4;
    case TOK_AMP:
        return 5;
    case TOK_EQ:
    case TOK_NE:
        return 6;
    case TOK_LT:
    case TOK_LT_U:
    case TOK_LE:
    case TOK_LE_U:
    case TOK_GT:
    case TOK_GT_U:
    case TOK_GE:
    case TOK_GE_U:
        return 7;
    case TOK_SHL:
    case TOK_SHR:
    case TOK_SHR_U:
        return 8;
    case TOK_PLUS:
    case TOK_MINUS:
        return 9;
    case TOK_STAR:
    case TOK_SLASH:
    case TOK_SLASH_U:
    case TOK_PERCENT:
    case TOK_PERCENT_U:
        return 10;
    default:
        return 0;
    }
}


static virDebugExprNode *virDebugExprParseBinary(virDebugExprCompiler *c,
                                                 int minPrec);


static gboolean
virDebugExprEnter(virDebugExprCompiler *c, gsize start)
{
    if (++c->depth > VIR_DEBUG_EXPR_MAX_DEPTH)
        return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_TOO_DEEP, start,
                                "condition nested too deeply (more than %d "
                                "levels of parentheses, brackets and unary "
                                "operators)", VIR_DEBUG_EXPR_MAX_DEPTH);
    return TRUE;
}


/* Expects @type (the closing bracket of what @open opened). */
static gboolean
virDebugExprExpectClose(virDebugExprCompiler *c, virDebugExprTokenType type,
                        const virDebugExprToken *open)
{
    const virDebugExprToken *tok = virDebugExprPeek(c);
    g_autofree char *found = NULL;
    char closer = type == TOK_RPAREN ? ')' : ']';

    if (!tok)
        return FALSE;
    if (tok->type == type) {
        virDebugExprNext(c);
        return TRUE;
    }
    found = virDebugExprTokenDescribe(c, tok);
    if (virDebugExprPrecedence(tok->type) == 0 && tok->type != TOK_END &&
        tok->type != TOK_RPAREN && tok->type != TOK_RBRACKET)
        return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_SYNTAX, tok->start,
                                "expected an operator or '%c' to close '%c' "
                                "at column %zu, found %s", closer,
                                c->text[open->start], open->start + 1, found);
    return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_SYNTAX, tok->start,
                            "expected '%c' to close '%c' at column %zu, found %s",
                            closer, c->text[open->start], open->start + 1, found);
}


/* u8 .. u64, s8 .. s64: the size in bytes, 0 if @tok is not one */
static int
virDebugExprAccessSize(virDebugExprCompiler *c, const virDebugExprToken *tok,
                       gboolean *isSigned)
{
    static const char *const names[] = { "8", "16", "32", "64" };
    const char *text = c->text + tok->start;
    size_t i;

    if (tok->len < 2 || (text[0] != 'u' && text[0] != 's'))
        return 0;
    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        if (tok->len - 1 == strlen(names[i]) &&
            strncmp(text + 1, names[i], tok->len - 1) == 0) {
            *isSigned = text[0] == 's';
            return 1 << i;
        }
    }
    return 0;
}


static virDebugExprNode *
virDebugExprParseRegister(virDebugExprCompiler *c, const virDebugExprToken *tok)
{
    g_autofree char *name = g_strndup(c->text + tok->start + 1, tok->len - 1);
    g_autoptr(virDebugExprNode) node = NULL;
    int number = -1;
    int size = 0;

    if (!c->resolver || !c->resolver->reg ||
        !c->resolver->reg(name, &number, &size, c->resolver->opaque)) {
        virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_REGISTER, tok->start,
                         "unknown register '$%s'", name);
        return NULL;
    }
    if (number < 0 || number > G_MAXUINT16) {
        virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_REGISTER, tok->start,
                         "register '$%s' has number %d, outside the "
                         "bytecode's 0..65535", name, number);
        return NULL;
    }
    if (size < 1 || size > 8) {
        /* the evaluation stack holds 64 bits: vector and x87 registers
         * do not fit */
        virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_REGISTER, tok->start,
                         "register '$%s' is %d bytes wide; conditions read "
                         "registers of 1 to 8 bytes", name, size);
        return NULL;
    }
    if (!(node = virDebugExprNodeNew(c, NODE_REGISTER, tok->start)))
        return NULL;
    node->regNumber = number;
    node->size = size;
    return g_steal_pointer(&node);
}


static virDebugExprNode *
virDebugExprParseSymbol(virDebugExprCompiler *c, const virDebugExprToken *tok)
{
    g_autofree char *name = g_strndup(c->text + tok->start, tok->len);
    g_autoptr(virDebugExprNode) node = NULL;
    guint64 addr = 0;

    if (!c->resolver || !c->resolver->sym ||
        !c->resolver->sym(name, &addr, c->resolver->opaque)) {
        virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_SYMBOL, tok->start,
                         "unknown symbol '%s'", name);
        return NULL;
    }
    if (!(node = virDebugExprNodeNew(c, NODE_CONST, tok->start)))
        return NULL;
    node->value = addr;
    return g_steal_pointer(&node);
}


/* unary := ('-' | '~' | '!') unary | primary
 * primary := NUMBER | REGISTER | SYMBOL | ACCESS '[' expr ']' | '(' expr ')' */
static virDebugExprNode *
virDebugExprParseUnary(virDebugExprCompiler *c)
{
    guint index = c->pos;
    const virDebugExprToken *tok = virDebugExprNext(c);
    const virDebugExprToken *open = NULL;
    g_autoptr(virDebugExprNode) node = NULL;
    g_autoptr(virDebugExprNode) inner = NULL;
    g_autofree char *found = NULL;
    gboolean isSigned = FALSE;
    int size;

    if (!tok)
        return NULL;

    switch (tok->type) {
    case TOK_NUMBER:
        if (!(node = virDebugExprNodeNew(c, NODE_CONST, tok->start)))
            return NULL;
        node->value = tok->value;
        return g_steal_pointer(&node);

    case TOK_REGISTER:
        return virDebugExprParseRegister(c, tok);

    case TOK_IDENT:
        size = virDebugExprAccessSize(c, tok, &isSigned);
        /* u32 is a read only before '[': alone, it is a symbol's name */
        if (size != 0 && !(open = virDebugExprPeek(c)))
            return NULL;
        if (size == 0 || open->type != TOK_LBRACKET)
            return virDebugExprParseSymbol(c, tok);
        if (!virDebugExprEnter(c, tok->start))
            return NULL;
        open = virDebugExprNext(c);
        if (!(inner = virDebugExprParseBinary(c, 1)) ||
            !virDebugExprExpectClose(c, TOK_RBRACKET, open))
            return NULL;
        c->depth--;
        if (!(node = virDebugExprNodeNew(c, NODE_MEMORY, tok->start)))
            return NULL;
        node->size = size;
        node->isSigned = isSigned;
        node->left = g_steal_pointer(&inner);
        return g_steal_pointer(&node);

    case TOK_LPAREN:
        if (!virDebugExprEnter(c, tok->start))
            return NULL;
        if (!(inner = virDebugExprParseBinary(c, 1)) ||
            !virDebugExprExpectClose(c, TOK_RPAREN, tok))
            return NULL;
        c->depth--;
        return g_steal_pointer(&inner);

    case TOK_MINUS:
    case TOK_TILDE:
    case TOK_NOT:
        if (!virDebugExprEnter(c, tok->start))
            return NULL;
        if (!(inner = virDebugExprParseUnary(c)))
            return NULL;
        c->depth--;
        if (tok->type == TOK_MINUS && inner->kind == NODE_CONST) {
            /* -5 is a constant, not 0 - 5: shorter bytecode, and the
             * disassembly shows what the user wrote */
            inner->value = -inner->value;
            inner->start = tok->start;
            return g_steal_pointer(&inner);
        }
        if (!(node = virDebugExprNodeNew(c, NODE_UNARY, tok->start)))
            return NULL;
        node->op = tok->type;
        node->left = g_steal_pointer(&inner);
        return g_steal_pointer(&node);

    default:
        found = virDebugExprTokenDescribe(c, tok);
        if (index > 0) {
            g_autofree char *after =
                virDebugExprTokenDescribe(c, g_ptr_array_index(c->tokens,
                                                               index - 1));

            virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_SYNTAX, tok->start,
                             "expected a number, register, symbol, memory read "
                             "or '(' after %s, found %s", after, found);
            return NULL;
        }
        virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_SYNTAX, tok->start,
                         "expected a number, register, symbol, memory read "
                         "or '(', found %s", found);
        return NULL;
    }
}


static virDebugExprNode *
virDebugExprParseBinary(virDebugExprCompiler *c, int minPrec)
{
    g_autoptr(virDebugExprNode) left = NULL;

    if (!(left = virDebugExprParseUnary(c)))
        return NULL;

    for (;;) {
        const virDebugExprToken *tok = virDebugExprPeek(c);
        g_autoptr(virDebugExprNode) right = NULL;
        virDebugExprNode *node;
        int prec;

        if (!tok)
            return NULL;
        prec = virDebugExprPrecedence(tok->type);
        if (prec == 0 || prec < minPrec)
            return g_steal_pointer(&left);
        virDebugExprNext(c);
        /* left-associative: the right operand binds only tighter ops */
        if (!(right = virDebugExprParseBinary(c, prec + 1)))
            return NULL;
        if (!(node = virDebugExprNodeNew(c, NODE_BINARY, tok->start)))
            return NULL;
        node->op = tok->type;
        node->left = g_steal_pointer(&left);
        node->right = g_steal_pointer(&right);
        left = node;
    }
}


/* ------------------------------------------------------------------ */
/* Code generation                                                     */

static gboolean
virDebugExprEmit(virDebugExprCompiler *c, gsize start, const guint8 *bytes,
                 guint n)
{
    if (c->code->len + n > VIR_DEBUG_EXPR_MAX_CODE)
        return virDebugExprFail(c, VIR_DEBUG_EXPR_ERROR_TOO_LONG, start,
                                "condition too long: it compiles to more "
                                "than %d bytes of bytecode",
                                VIR_DEBUG_EXPR_MAX_CODE);
    g_byte_array_append(c->code, bytes, n);
    return TRUE;
}


static gboolean
virDebugExprEmitOp(virDebugExprCompiler *c, gsize start, virDebugAxOp op)
{
    guint8 b = op;

    return virDebugExprEmit(c, start, &b, 1);
}


/* @op followed by the @n low bytes of @operand, most significant first
 * (the manual: operands are big-endian whatever the target) */
static gboolean
virDebugExprEmitOperand(virDebugExprCompiler *c, gsize start, virDebugAxOp op,
                        guint64 operand, guint n)
{
    guint8 bytes[9];
    guint i;

    bytes[0] = op;
    for (i = 0; i < n; i++)
        bytes[1 + i] = operand >> (8 * (n - 1 - i));
    return virDebugExprEmit(c, start, bytes, n + 1);
}


/* The shortest encoding of @value.  constN zero-extends, so a value that
 * fits in N unsigned bits takes constN; a negative one that fits in N
 * signed bits takes constN of its low bits and `ext N`, as the manual
 * advises; anything else takes const64. */
static gboolean
virDebugExprEmitConst(virDebugExprCompiler *c, gsize start, guint64 value)
{
    gint64 s = (gint64) value;

    if (value <= G_MAXUINT8)
        return virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_CONST8, value, 1);
    if (value <= G_MAXUINT16)
        return virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_CONST16, value, 2);
    if (value <= G_MAXUINT32)
        return virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_CONST32, value, 4);
    if (s > 0)
        return virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_CONST64, value, 8);
    if (s >= G_MININT8)
        return virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_CONST8, value, 1) &&
            virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_EXT, 8, 1);
    if (s >= G_MININT16)
        return virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_CONST16, value, 2) &&
            virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_EXT, 16, 1);
    if (s >= G_MININT32)
        return virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_CONST32, value, 4) &&
            virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_EXT, 32, 1);
    return virDebugExprEmitOperand(c, start, VIR_DEBUG_AX_CONST64, value, 8);
}


/* A jump whose target is patched later: returns the operand's offset. */
static gboolean
virDebugExprEmitJump(virDebugExprCompiler *c, gsize start, virDebugAxOp op,
                     guint *patch)
{
    *patch = c->code->len + 1;
    return virDebugExprEmitOperand(c, start, op, 0, 2);
}


/* Points the jump at @patch to the current end of the code.  Offsets
 * are absolute from the start of the bytecode; 16 bits always suffice
 * since the code is at most VIR_DEBUG_EXPR_MAX_CODE bytes. */
static void
virDebugExprPatchJump(virDebugExprCompiler *c, guint patch)
{
    c->code->data[patch] = c->code->len >> 8;
    c->code->data[patch + 1] = c->code->len & 0xff;
}


static gboolean virDebugExprGen(virDebugExprCompiler *c,
                                const virDebugExprNode *node);


/* a && b, a || b: b is evaluated only when a does not decide, and the
 * result is 0 or 1 as in C.
 *
 *   a && b:  <a> if_goto L1; const8 0; goto L2; L1: <b> log_not log_not; L2:
 *   a || b:  <a> if_goto L1; <b> log_not log_not; goto L2; L1: const8 1; L2:
 */
static gboolean
virDebugExprGenLogical(virDebugExprCompiler *c, const virDebugExprNode *node)
{
    guint toSecond;
    guint toEnd;

    if (!virDebugExprGen(c, node->left) ||
        !virDebugExprEmitJump(c, node->start, VIR_DEBUG_AX_IF_GOTO, &toSecond))
        return FALSE;

    if (node->op == TOK_AND) {
        if (!virDebugExprEmitConst(c, node->start, 0) ||
            !virDebugExprEmitJump(c, node->start, VIR_DEBUG_AX_GOTO, &toEnd))
            return FALSE;
        virDebugExprPatchJump(c, toSecond);
        if (!virDebugExprGen(c, node->right) ||
            !virDebugExprEmitOp(c, node->start, VIR_DEBUG_AX_LOG_NOT) ||
            !virDebugExprEmitOp(c, node->start, VIR_DEBUG_AX_LOG_NOT))
            return FALSE;
    } else {
        if (!virDebugExprGen(c, node->right) ||
            !virDebugExprEmitOp(c, node->start, VIR_DEBUG_AX_LOG_NOT) ||
            !virDebugExprEmitOp(c, node->start, VIR_DEBUG_AX_LOG_NOT) ||
            !virDebugExprEmitJump(c, node->start, VIR_DEBUG_AX_GOTO, &toEnd))
            return FALSE;
        virDebugExprPatchJump(c, toSecond);
        if (!virDebugExprEmitConst(c, node->start, 1))
            return FALSE;
    }
    virDebugExprPatchJump(c, toEnd);
    return TRUE;
}


static gboolean
virDebugExprGenBinary(virDebugExprCompiler *c, const virDebugExprNode *node)
{
    /* the bytecode has only '<' and '=': the other comparisons swap the
     * operands (after evaluating them left to right, as C reads them)
     * and/or negate the result */
    static const struct {
        virDebugExprTokenType tok;
        virDebugAxOp op;
        gboolean swap;
        gboolean negate;
    } ops[] = {
        { TOK_PLUS, VIR_DEBUG_AX_ADD, FALSE, FALSE },
        { TOK_MINUS, VIR_DEBUG_AX_SUB, FALSE, FALSE },
        { TOK_STAR, VIR_DEBUG_AX_MUL, FALSE, FALSE },
        { TOK_SLASH, VIR_DEBUG_AX_DIV_SIGNED, FALSE, FALSE },
        { TOK_SLASH_U, VIR_DEBUG_AX_DIV_UNSIGNED, FALSE, FALSE },
        { TOK_PERCENT, VIR_DEBUG_AX_REM_SIGNED, FALSE, FALSE },
        { TOK_PERCENT_U, VIR_DEBUG_AX_REM_UNSIGNED, FALSE, FALSE },
        { TOK_SHL, VIR_DEBUG_AX_LSH, FALSE, FALSE },
        { TOK_SHR, VIR_DEBUG_AX_RSH_SIGNED, FALSE, FALSE },
        { TOK_SHR_U, VIR_DEBUG_AX_RSH_UNSIGNED, FALSE, FALSE },
        { TOK_AMP, VIR_DEBUG_AX_BIT_AND, FALSE, FALSE },
        { TOK_CARET, VIR_DEBUG_AX_BIT_XOR, FALSE, FALSE },
        { TOK_PIPE, VIR_DEBUG_AX_BIT_OR, FALSE, FALSE },
        { TOK_EQ, VIR_DEBUG_AX_EQUAL, FALSE, FALSE },
        { TOK_NE, VIR_DEBUG_AX_EQUAL, FALSE, TRUE },
        { TOK_LT, VIR_DEBUG_AX_LESS_SIGNED, FALSE, FALSE },
        { TOK_LT_U, VIR_DEBUG_AX_LESS_UNSIGNED, FALSE, FALSE },
        { TOK_GT, VIR_DEBUG_AX_LESS_SIGNED, TRUE, FALSE },         /* b < a */
        { TOK_GT_U, VIR_DEBUG_AX_LESS_UNSIGNED, TRUE, FALSE },
        { TOK_LE, VIR_DEBUG_AX_LESS_SIGNED, TRUE, TRUE },          /* !(b < a) */
        { TOK_LE_U, VIR_DEBUG_AX_LESS_UNSIGNED, TRUE, TRUE },
        { TOK_GE, VIR_DEBUG_AX_LESS_SIGNED, FALSE, TRUE },         /* !(a < b) */
        { TOK_GE_U, VIR_DEBUG_AX_LESS_UNSIGNED, FALSE, TRUE },
    };
    size_t i;

    if (node->op == TOK_AND || node->op == TOK_OR)
        return virDebugExprGenLogical(c, node);

    for (i = 0; i < G_N_ELEMENTS(ops); i++) {
        if (ops[i].tok == node->op)
            break;
    }
    g_assert(i < G_N_ELEMENTS(ops));

    return virDebugExprGen(c, node->left) &&
        virDebugExprGen(c, node->right) &&
        (!ops[i].swap || virDebugExprEmitOp(c, node->start, VIR_DEBUG_AX_SWAP)) &&
        virDebugExprEmitOp(c, node->start, ops[i].op) &&
        (!ops[i].negate || virDebugExprEmitOp(c, node->start, VIR_DEBUG_AX_LOG_NOT));
}


static gboolean
virDebugExprGen(virDebugExprCompiler *c, const virDebugExprNode *node)
{
    static const virDebugAxOp refs[] = {
        [1] = VIR_DEBUG_AX_REF8, [2] = VIR_DEBUG_AX_REF16,
        [4] = VIR_DEBUG_AX_REF32, [8] = VIR_DEBUG_AX_REF64,
    };

    switch (node->kind) {
    case NODE_CONST:
        return virDebugExprEmitConst(c, node->start, node->value);

    case NODE_REGISTER:
        /* reg pushes the whole register; the bits above its size are
         * not guaranteed to be zero */
        if (!virDebugExprEmitOperand(c, node->start, VIR_DEBUG_AX_REG,
                                     node->regNumber, 2))
            return FALSE;
        if (node->size < 8)
            return virDebugExprEmitOperand(c, node->start, VIR_DEBUG_AX_ZERO_EXT,
                                           node->size * 8, 1);
        return TRUE;

    case NODE_MEMORY:
        if (!virDebugExprGen(c, node->left) ||
            !virDebugExprEmitOp(c, node->start, refs[node->size]))
            return FALSE;
        /* refN pushes the value unsigned per the manual; the explicit
         * zero_ext costs two bytes and keeps u32[] right on an evaluator
         * that leaves garbage above the fetched bits */
        if (node->size < 8)
            return virDebugExprEmitOperand(c, node->start,
                                           node->isSigned ? VIR_DEBUG_AX_EXT :
                                           VIR_DEBUG_AX_ZERO_EXT,
                                           node->size * 8, 1);
        return TRUE;

    case NODE_UNARY:
        switch (node->op) {
        case TOK_MINUS:
            /* no neg opcode: 0 - a */
            return virDebugExprEmitConst(c, node->start, 0) &&
                virDebugExprGen(c, node->left) &&
                virDebugExprEmitOp(c, node->start, VIR_DEBUG_AX_SUB);
        case TOK_TILDE:
            return virDebugExprGen(c, node->left) &&
                virDebugExprEmitOp(c, node->start, VIR_DEBUG_AX_BIT_NOT);
        case TOK_NOT:
            return virDebugExprGen(c, node->left) &&
                virDebugExprEmitOp(c, node->start, VIR_DEBUG_AX_LOG_NOT);
        default:
            g_assert_not_reached();
        }

    case NODE_BINARY:
        return virDebugExprGenBinary(c, node);
    }
    g_assert_not_reached();
}


GByteArray *
virDebugExprCompile(const char *text, const virDebugExprResolver *resolver,
                    GError **error)
{
    g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GByteArray) code = g_byte_array_new();
    g_autoptr(virDebugExprNode) root = NULL;
    virDebugExprCompiler c = {
        .text = text, .tokens = tokens, .resolver = resolver,
        .code = code, .error = error,
    };
    const virDebugExprToken *tok;

    if (!(tok = virDebugExprPeek(&c)))
        return NULL;
    if (tok->type == TOK_END) {
        virDebugExprFail(&c, VIR_DEBUG_EXPR_ERROR_EMPTY, tok->start,
                         "empty condition: expected an expression such as "
                         "'$rdi == 0x10'");
        return NULL;
    }

    if (!(root = virDebugExprParseBinary(&c, 1)))
        return NULL;

    if (!(tok = virDebugExprPeek(&c)))
        return NULL;
    if (tok->type != TOK_END) {
        g_autofree char *found = virDebugExprTokenDescribe(&c, tok);

        if (tok->type == TOK_RPAREN || tok->type == TOK_RBRACKET)
            virDebugExprFail(&c, VIR_DEBUG_EXPR_ERROR_SYNTAX, tok->start,
                             "unbalanced %s: nothing to close", found);
        else
            virDebugExprFail(&c, VIR_DEBUG_EXPR_ERROR_SYNTAX, tok->start,
                             "expected an operator or the end of the "
                             "condition, found %s", found);
        return NULL;
    }

    if (!virDebugExprGen(&c, root) ||
        !virDebugExprEmitOp(&c, tok->start, VIR_DEBUG_AX_END))
        return NULL;
    return g_steal_pointer(&code);
}
