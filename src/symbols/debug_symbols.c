/*
 * debug_symbols.c: the symbol table: load, look up, name, parse addresses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "symbols/debug_symbols.h"

G_DEFINE_QUARK(vir-debug-symbols-error-quark, vir_debug_symbols_error)

struct _virDebugSymbolTable {
    char *path;
    virDebugSymbolsFormat format;
    GArray *symbols;           /* virDebugSymbol, sorted by address */
    GHashTable *byName;        /* name -> virDebugSymbol * (in @symbols) */
    GArray *sections;          /* virDebugSymbolsSection (ELF) */
    int fd;                    /* the ELF, for its bytes; -1 otherwise */
    gint64 offset;             /* guest address - file address */
};


void
virDebugSymbolTableFree(virDebugSymbolTable *table)
{
    guint i;

    if (!table)
        return;
    for (i = 0; table->symbols && i < table->symbols->len; i++)
        g_free(g_array_index(table->symbols, virDebugSymbol, i).name);
    g_clear_pointer(&table->symbols, g_array_unref);
    g_clear_pointer(&table->sections, g_array_unref);
    g_clear_pointer(&table->byName, g_hash_table_unref);
    if (table->fd >= 0)
        close(table->fd);
    g_free(table->path);
    g_free(table);
}


/* Among symbols at one address, the one a person would name it by first:
 * a global before a local, code or data before a bare label, one with a
 * size before one without. */
static int
virDebugSymbolRank(const virDebugSymbol *s)
{
    return (s->global ? 4 : 0) + (s->size ? 2 : 0) + (s->code ? 1 : 0);
}


static gint
virDebugSymbolCompare(gconstpointer a, gconstpointer b)
{
    const virDebugSymbol *sa = a;
    const virDebugSymbol *sb = b;

    if (sa->addr != sb->addr)
        return sa->addr < sb->addr ? -1 : 1;
    /* best last: naming takes the last of a run of equal addresses; the
     * name breaks ties so that the choice does not depend on the file's
     * order (the alphabetically first wins) */
    if (virDebugSymbolRank(sa) != virDebugSymbolRank(sb))
        return virDebugSymbolRank(sa) - virDebugSymbolRank(sb);
    return -strcmp(sa->name, sb->name);
}


static void
virDebugSymbolTableIndex(virDebugSymbolTable *table)
{
    guint i;

    g_array_sort(table->symbols, virDebugSymbolCompare);
    table->byName = g_hash_table_new(g_str_hash, g_str_equal);
    for (i = 0; i < table->symbols->len; i++) {
        virDebugSymbol *s = &g_array_index(table->symbols, virDebugSymbol, i);
        virDebugSymbol *old = g_hash_table_lookup(table->byName, s->name);

        /* a name several static symbols share goes to a global one if
         * there is one, else to the lowest address */
        if (!old || (s->global && !old->global))
            g_hash_table_insert(table->byName, s->name, s);
    }
}


virDebugSymbolTable *
virDebugSymbolTableLoad(const char *path, GError **error)
{
    g_autoptr(virDebugSymbolTable) table = g_new0(virDebugSymbolTable, 1);
    g_autoptr(GError) elfError = NULL;
    int rc;

    table->fd = -1;
    table->path = g_strdup(path);
    table->symbols = g_array_new(FALSE, TRUE, sizeof(virDebugSymbol));
    table->sections = g_array_new(FALSE, TRUE, sizeof(virDebugSymbolsSection));

    if ((table->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_IO,
                    "cannot open the symbol file '%s': %s", path, g_strerror(errno));
        return NULL;
    }

    rc = virDebugSymbolsReadElf(table->fd, path, table->symbols,
                                table->sections, &elfError);
    if (rc == -2) {
        g_propagate_error(error, g_steal_pointer(&elfError));
        return NULL;
    }
    if (rc == 0) {
        table->format = VIR_DEBUG_SYMBOLS_FORMAT_ELF;
    } else {
        g_autofree char *contents = NULL;
        gsize len = 0;

        if (!g_file_get_contents(path, &contents, &len, error))
            return NULL;
        if (virDebugSymbolsReadMap(path, contents, len, table->symbols, error) < 0)
            return NULL;
        table->format = VIR_DEBUG_SYMBOLS_FORMAT_SYSTEM_MAP;
        close(table->fd);
        table->fd = -1;
    }
    if (table->symbols->len == 0) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_FORMAT,
                    "'%s' defines no function or data symbol", path);
        return NULL;
    }
    virDebugSymbolTableIndex(table);
    return g_steal_pointer(&table);
}


const char *
virDebugSymbolTablePath(const virDebugSymbolTable *table)
{
    return table->path;
}


virDebugSymbolsFormat
virDebugSymbolTableGetFormat(const virDebugSymbolTable *table)
{
    return table->format;
}


size_t
virDebugSymbolTableCount(const virDebugSymbolTable *table)
{
    return table->symbols->len;
}


void
virDebugSymbolTableSetOffset(virDebugSymbolTable *table, gint64 offset)
{
    table->offset = offset;
}


gint64
virDebugSymbolTableGetOffset(const virDebugSymbolTable *table)
{
    return table->offset;
}


const virDebugSymbol *
virDebugSymbolTableFind(const virDebugSymbolTable *table, const char *name)
{
    return g_hash_table_lookup(table->byName, name);
}


const virDebugSymbol *
virDebugSymbolTableName(const virDebugSymbolTable *table, guint64 addr,
                        guint64 *offset)
{
    GArray *syms = table->symbols;
    guint64 fileAddr = addr - (guint64)table->offset;
    const virDebugSymbol *s;
    guint lo = 0;
    guint hi = syms->len;

    /* the last symbol at or below the address: the best-ranked of a run
     * of equal addresses, which sorts last */
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (g_array_index(syms, virDebugSymbol, mid).addr <= fileAddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    s = &g_array_index(syms, virDebugSymbol, lo - 1);

    if (s->size) {
        /* past the end of a sized symbol: padding, or something the file
         * does not describe */
        if (fileAddr - s->addr >= s->size)
            return NULL;
    } else if (lo == syms->len && fileAddr != s->addr) {
        /* the last symbol has no end: everything above it would be
         * named after it */
        return NULL;
    }
    if (offset)
        *offset = fileAddr - s->addr;
    return s;
}


size_t
virDebugSymbolTableCodeSamples(const virDebugSymbolTable *table,
                               const virDebugSymbol **samples,
                               size_t max, guint64 minSize)
{
    size_t n = 0;
    guint i;

    for (i = 0; i < table->symbols->len && n < max; i++) {
        const virDebugSymbol *s = &g_array_index(table->symbols, virDebugSymbol, i);
        guint j;

        if (!s->code || !s->global || s->size < minSize)
            continue;
        for (j = 0; j < table->sections->len; j++) {
            const virDebugSymbolsSection *sec =
                &g_array_index(table->sections, virDebugSymbolsSection, j);

            if (s->addr >= sec->addr && s->addr - sec->addr < sec->size &&
                minSize <= sec->size - (s->addr - sec->addr)) {
                samples[n++] = s;
                break;
            }
        }
    }
    return table->fd >= 0 ? n : 0;
}


char *
virDebugSymbolTableFormat(const virDebugSymbolTable *table, guint64 addr)
{
    const virDebugSymbol *s;
    guint64 off = 0;

    if (!table || !(s = virDebugSymbolTableName(table, addr, &off)))
        return NULL;
    if (off == 0)
        return g_strdup(s->name);
    return g_strdup_printf("%s+0x%" G_GINT64_MODIFIER "x", s->name, off);
}


gboolean
virDebugSymbolTableReadBytes(const virDebugSymbolTable *table, guint64 addr,
                             guint8 *buf, gsize len, GError **error)
{
    guint64 fileAddr = addr - (guint64)table->offset;
    guint i;

    for (i = 0; table->fd >= 0 && i < table->sections->len; i++) {
        const virDebugSymbolsSection *sec =
            &g_array_index(table->sections, virDebugSymbolsSection, i);
        ssize_t n;

        if (fileAddr < sec->addr || fileAddr - sec->addr >= sec->size ||
            len > sec->size - (fileAddr - sec->addr))
            continue;
        n = pread(table->fd, buf, len, sec->offset + (fileAddr - sec->addr));
        if (n < 0 || (gsize)n != len) {
            g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_IO,
                        "cannot read '%s': %s", table->path,
                        n < 0 ? g_strerror(errno) : "file truncated");
            return FALSE;
        }
        return TRUE;
    }
    g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_NO_BYTES,
                "'%s' holds no contents for address 0x%" G_GINT64_MODIFIER "x%s",
                table->path, addr,
                table->format == VIR_DEBUG_SYMBOLS_FORMAT_SYSTEM_MAP ?
                " (a System.map has addresses only)" : "");
    return FALSE;
}


/* ------------------------------------------------------------------ */
/* Address expressions                                                 */

#define VIR_DEBUG_SYMBOLS_SPELLING \
    "write hex as 0x..., decimal as 0d..., or a symbol (SYMBOL or SYMBOL+0xOFFSET)"

gboolean
virDebugSymbolsParseNumber(const char *str, guint64 *value, GError **error)
{
    const char *digits = str;
    guint base = 16;
    guint64 v;

    if (str[0] == '0' && (str[1] == 'x' || str[1] == 'X')) {
        digits = str + 2;
    } else if (str[0] == '0' && (str[1] == 'd' || str[1] == 'D')) {
        digits = str + 2;
        base = 10;
    } else if (g_ascii_isdigit(str[0]) && str[1] == '\0') {
        /* 0-9 read the same in hex and decimal */
        base = 10;
    } else if (g_ascii_isdigit(str[0])) {
        bool allDigits = true;
        const char *p;

        for (p = str; *p; p++)
            allDigits = allDigits && g_ascii_isdigit(*p);
        if (allDigits) {
            g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_SYNTAX,
                        "ambiguous number '%s': is it hex or decimal? write 0x%s "
                        "for hex or 0d%s for decimal", str, str, str);
            return FALSE;
        }
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_SYNTAX,
                    "'%s' is not a number: %s", str, VIR_DEBUG_SYMBOLS_SPELLING);
        return FALSE;
    } else {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_SYNTAX,
                    "'%s' is not a number: %s", str, VIR_DEBUG_SYMBOLS_SPELLING);
        return FALSE;
    }
    /* g_ascii_string_to_unsigned takes no sign and no space, but insist
     * on a digit first so that "0x" alone is refused too */
    if (!g_ascii_isxdigit(digits[0]) ||
        (base == 10 && !g_ascii_isdigit(digits[0]))) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_SYNTAX,
                    "'%s' is not a number: %s", str, VIR_DEBUG_SYMBOLS_SPELLING);
        return FALSE;
    }
    if (!g_ascii_string_to_unsigned(digits, base, 0, G_MAXUINT64, &v, NULL)) {
        const char *p;

        for (p = digits; *p; p++) {
            if (base == 16 ? !g_ascii_isxdigit(*p) : !g_ascii_isdigit(*p)) {
                g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR,
                            VIR_DEBUG_SYMBOLS_ERROR_SYNTAX,
                            "'%s' is not a number: %s", str, VIR_DEBUG_SYMBOLS_SPELLING);
                return FALSE;
            }
        }
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_RANGE,
                    "'%s' does not fit in 64 bits", str);
        return FALSE;
    }
    *value = v;
    return TRUE;
}


/* Symbol names as compilers and assemblers make them: C identifiers,
 * plus '.' (foo.cold, __func__.12), '$' and '@' (versions) */
static bool
virDebugSymbolsNameChar(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '.' || c == '$' || c == '@';
}


gboolean
virDebugSymbolsParseAddress(const virDebugSymbolTable *table, const char *expr,
                            guint64 *addr, GError **error)
{
    g_autofree char *name = NULL;
    const char *plus;
    const char *p;
    const virDebugSymbol *s;
    guint64 off = 0;
    guint64 base;

    if (!expr || !*expr) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_SYNTAX,
                    "empty address: %s", VIR_DEBUG_SYMBOLS_SPELLING);
        return FALSE;
    }
    if (g_ascii_isdigit(expr[0]))
        return virDebugSymbolsParseNumber(expr, addr, error);

    plus = strchr(expr, '+');
    name = plus ? g_strndup(expr, plus - expr) : g_strdup(expr);
    for (p = name; *p; p++) {
        if (!virDebugSymbolsNameChar(*p))
            break;
    }
    if (!*name || *p) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_SYNTAX,
                    "'%s' is not an address: %s", expr, VIR_DEBUG_SYMBOLS_SPELLING);
        return FALSE;
    }
    if (plus) {
        g_autoptr(GError) numError = NULL;

        if (!virDebugSymbolsParseNumber(plus + 1, &off, &numError)) {
            g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, numError->code,
                        "invalid offset in '%s': %s", expr, numError->message);
            return FALSE;
        }
    }
    if (!table) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR,
                    VIR_DEBUG_SYMBOLS_ERROR_NEED_SYMBOLS,
                    "'%s' is a symbol, and no symbol file is known", expr);
        return FALSE;
    }
    if (!(s = virDebugSymbolTableFind(table, name))) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_NO_SYMBOL,
                    "no symbol '%s' in '%s'", name, table->path);
        return FALSE;
    }
    base = s->addr + (guint64)table->offset;
    if (base + off < base) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_RANGE,
                    "'%s' is past the end of the address space", expr);
        return FALSE;
    }
    *addr = base + off;
    return TRUE;
}
