/*
 * debugsymbolstest.c: symbol tables from an ELF and a System.map
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ELF is the built test guest; its System.map is what `nm -n` makes
 * of it at build time ($LIBVIRT_DEBUG_GUEST_MAP), and its stripped copy
 * ($LIBVIRT_DEBUG_GUEST_STRIPPED) has no symbols at all.  Expected
 * addresses come from tests/testutils-guest.c's own ELF reader, not from
 * the code under test.  tests/symbolsdata/ holds hand-written maps.
 */

#define _GNU_SOURCE /* memmem */
#include <string.h>
#include <glib.h>

#include "symbols/debug_symbols.h"
#include "testutils-guest.h"

static const char *guestSymbols[] = {
    "guest_tick", "guest_main", "guest_never_called", "guest_int3_site",
    "guest_reg_store", "guest_counter", "guest_write_var", "guest_read_var",
    "_start", NULL,
};


static char *
dataPath(const char *name)
{
    return g_build_filename(g_getenv("LIBVIRT_DEBUG_SRCDIR"), "tests",
                            "symbolsdata", name, NULL);
}


static virDebugSymbolTable *
load(const char *path)
{
    g_autoptr(GError) error = NULL;
    virDebugSymbolTable *table = virDebugSymbolTableLoad(path, &error);

    if (!table)
        g_error("cannot load %s: %s", path, error->message);
    return table;
}


static const char *
guestFile(gconstpointer data)
{
    return g_str_equal(data, "elf") ? testGuestPath() : g_getenv("LIBVIRT_DEBUG_GUEST_MAP");
}


/* every symbol where the guest's ELF says it is, by name and by address */
static void
testGuestLookup(gconstpointer data)
{
    g_autoptr(virDebugSymbolTable) table = load(guestFile(data));
    size_t i;

    g_assert_cmpint(virDebugSymbolTableGetFormat(table), ==,
                    g_str_equal(data, "elf") ? VIR_DEBUG_SYMBOLS_FORMAT_ELF :
                    VIR_DEBUG_SYMBOLS_FORMAT_SYSTEM_MAP);
    for (i = 0; guestSymbols[i]; i++) {
        const virDebugSymbol *s = virDebugSymbolTableFind(table, guestSymbols[i]);
        guint64 expect = testGuestSymbol(guestSymbols[i]);
        g_autofree char *name = NULL;

        g_assert_nonnull(s);
        g_assert_cmphex(s->addr, ==, expect);
        name = virDebugSymbolTableFormat(table, expect);
        /* guest_int3_site shares its address with guest_raise_int3: the
         * alphabetically first names it */
        g_assert_cmpstr(name, ==, guestSymbols[i]);
    }
    g_assert_null(virDebugSymbolTableFind(table, "no_such_symbol"));
}


static void
testGuestNames(gconstpointer data)
{
    g_autoptr(virDebugSymbolTable) table = load(guestFile(data));
    guint64 tick = testGuestSymbol("guest_tick");
    guint64 tickSize = 0;
    g_autoptr(GError) error = NULL;
    g_autofree char *inside = NULL;
    g_autofree char *past = NULL;
    g_autofree char *low = NULL;
    g_autofree char *pastName = NULL;
    guint64 off = 0;

    g_assert_true(testGuestLookupSymbol(testGuestPath(), "guest_tick", NULL,
                                        &tickSize, &error));
    g_assert_cmpuint(tickSize, >, 5);
    pastName = g_strdup_printf("guest_tick+0x%" G_GINT64_MODIFIER "x", tickSize);
    inside = virDebugSymbolTableFormat(table, tick + 5);
    g_assert_cmpstr(inside, ==, "guest_tick+0x5");
    g_assert_nonnull(virDebugSymbolTableName(table, tick + 5, &off));
    g_assert_cmpuint(off, ==, 5);

    /* past its end: the ELF knows the size, a System.map does not and
     * names it after the closest symbol below */
    past = virDebugSymbolTableFormat(table, tick + tickSize);
    if (g_str_equal(data, "elf"))
        g_assert_null(past);
    else
        g_assert_cmpstr(past, ==, pastName);
    /* below every symbol, and far above the last one: nothing */
    g_assert_null(virDebugSymbolTableFormat(table, 0x1000));
    g_assert_null(virDebugSymbolTableFormat(table, 0x7ff00000));
    low = virDebugSymbolTableFormat(table, testGuestSymbol("_start"));
    g_assert_cmpstr(low, ==, "_start");
}


/* a KASLR-like slide moves every symbol and every name */
static void
testGuestOffset(gconstpointer data)
{
    g_autoptr(virDebugSymbolTable) table = load(guestFile(data));
    guint64 tick = testGuestSymbol("guest_tick");
    const gint64 slide = 0x2000000;
    g_autoptr(GError) error = NULL;
    g_autofree char *slid = NULL;
    guint64 addr = 0;

    virDebugSymbolTableSetOffset(table, slide);
    g_assert_true(virDebugSymbolsParseAddress(table, "guest_tick+2", &addr, &error));
    g_assert_cmphex(addr, ==, tick + slide + 2);
    slid = virDebugSymbolTableFormat(table, tick + slide + 2);
    g_assert_cmpstr(slid, ==, "guest_tick+0x2");
    g_assert_null(virDebugSymbolTableFormat(table, tick + 2));
}


static void
testGuestBytes(void)
{
    g_autoptr(virDebugSymbolTable) elf = load(testGuestPath());
    g_autoptr(virDebugSymbolTable) map = load(g_getenv("LIBVIRT_DEBUG_GUEST_MAP"));
    g_autoptr(GError) error = NULL;
    g_autofree char *contents = NULL;
    guint8 buf[8];
    guint8 other[8];
    gsize len;

    /* the file's bytes of guest_tick are the .text bytes: find them in
     * the file by content and check they are the ones at its offset */
    g_assert_true(virDebugSymbolTableReadBytes(elf, testGuestSymbol("guest_tick"),
                                               buf, sizeof(buf), &error));
    g_assert_true(g_file_get_contents(testGuestPath(), &contents, &len, NULL));
    g_assert_nonnull(memmem(contents, len, buf, sizeof(buf)));
    g_assert_true(virDebugSymbolTableReadBytes(elf, testGuestSymbol("guest_main"),
                                               other, sizeof(other), &error));
    g_assert_false(memcmp(buf, other, sizeof(buf)) == 0);

    /* .bss has no bytes in the file, a System.map none at all */
    g_assert_false(virDebugSymbolTableReadBytes(elf, testGuestSymbol("guest_counter"),
                                                buf, 4, &error));
    g_assert_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_NO_BYTES);
    g_clear_error(&error);
    g_assert_false(virDebugSymbolTableReadBytes(map, testGuestSymbol("guest_tick"),
                                                buf, 4, &error));
    g_assert_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_NO_BYTES);
    g_assert_nonnull(strstr(error->message, "System.map"));
}


static void
testKernelMap(void)
{
    g_autofree char *path = dataPath("kernel.map");
    g_autoptr(virDebugSymbolTable) table = load(path);
    const virDebugSymbol *s;
    g_autofree char *n1 = NULL;
    g_autofree char *n2 = NULL;
    g_autofree char *n3 = NULL;

    /* absolute symbols are not addresses in the image */
    g_assert_null(virDebugSymbolTableFind(table, "VDSO32_PRELINK"));
    s = virDebugSymbolTableFind(table, "ext4_fill_super");
    g_assert_nonnull(s);
    g_assert_cmphex(s->addr, ==, 0xffffffffc0000000ULL);
    s = virDebugSymbolTableFind(table, "static_var");
    g_assert_nonnull(s);
    g_assert_false(s->global);
    /* _text and startup_64 share an address: alphabetical order decides */
    n1 = virDebugSymbolTableFormat(table, 0xffffffff81000010ULL);
    g_assert_cmpstr(n1, ==, "_text+0x10");
    n2 = virDebugSymbolTableFormat(table, 0xffffffff81000100ULL);
    g_assert_cmpstr(n2, ==, "secondary_startup_64");
    n3 = virDebugSymbolTableFormat(table, 0xffffffff82000004ULL);
    g_assert_cmpstr(n3, ==, "jiffies+0x4");
}


static void
testLoadErrors(void)
{
    struct {
        const char *file;
        int code;
        const char *message;
    } cases[] = {
        { "invalid-garbage.map", VIR_DEBUG_SYMBOLS_ERROR_FORMAT, "line 2" },
        { "invalid-comment.map", VIR_DEBUG_SYMBOLS_ERROR_FORMAT, "line 1" },
        { "invalid-empty.map", VIR_DEBUG_SYMBOLS_ERROR_FORMAT, "is empty" },
        { "no-such-file", VIR_DEBUG_SYMBOLS_ERROR_IO, "No such file" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = dataPath(cases[i].file);
        g_autoptr(GError) error = NULL;

        g_assert_null(virDebugSymbolTableLoad(path, &error));
        g_assert_error(error, VIR_DEBUG_SYMBOLS_ERROR, cases[i].code);
        g_assert_nonnull(strstr(error->message, cases[i].message));
        g_assert_nonnull(strstr(error->message, path));
    }

    {
        g_autoptr(GError) error = NULL;
        const char *stripped = g_getenv("LIBVIRT_DEBUG_GUEST_STRIPPED");

        g_assert_null(virDebugSymbolTableLoad(stripped, &error));
        g_assert_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_FORMAT);
        g_assert_nonnull(strstr(error->message, "stripped"));
    }
}


static void
testParseAddress(void)
{
    g_autoptr(virDebugSymbolTable) table = load(testGuestPath());
    guint64 tick = testGuestSymbol("guest_tick");
    struct {
        const char *expr;
        guint64 value;
    } good[] = {
        { "0x100090", 0x100090 },
        { "0X1f", 0x1f },
        { "0d100090", 100090 },
        { "0", 0 },
        { "7", 7 },
        { "0xffffffffffffffff", G_MAXUINT64 },
        { "guest_tick", tick },
        { "guest_tick+4", tick + 4 },
        { "guest_tick+0x10", tick + 0x10 },
        { "guest_tick+0d16", tick + 16 },
    };
    struct {
        const char *expr;
        int code;
        const char *message;
    } bad[] = {
        { "100090", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "write 0x100090 for hex or 0d100090" },
        { "10", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "ambiguous number '10'" },
        { "guest_tick+16", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "ambiguous number '16'" },
        { "", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "empty address" },
        { "0x", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "'0x' is not a number" },
        { "0d", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "'0d' is not a number" },
        { "0d12a", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "'0d12a' is not a number" },
        { "0x1g", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "'0x1g' is not a number" },
        { "12abc", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "'12abc' is not a number" },
        { "-5", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "'-5' is not an address" },
        { "z z", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "'z z' is not an address" },
        { "guest_tick+", VIR_DEBUG_SYMBOLS_ERROR_SYNTAX, "invalid offset" },
        { "0x10000000000000000", VIR_DEBUG_SYMBOLS_ERROR_RANGE, "64 bits" },
        { "0d99999999999999999999999", VIR_DEBUG_SYMBOLS_ERROR_RANGE, "64 bits" },
        { "no_such_symbol", VIR_DEBUG_SYMBOLS_ERROR_NO_SYMBOL, "no symbol 'no_such_symbol'" },
        { "no_such_symbol+4", VIR_DEBUG_SYMBOLS_ERROR_NO_SYMBOL, "no symbol 'no_such_symbol'" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autoptr(GError) error = NULL;
        guint64 v = 0;

        if (!virDebugSymbolsParseAddress(table, good[i].expr, &v, &error))
            g_error("'%s': %s", good[i].expr, error->message);
        g_assert_cmphex(v, ==, good[i].value);
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        guint64 v = 0x5eed;

        g_test_message("bad: '%s'", bad[i].expr);
        g_assert_false(virDebugSymbolsParseAddress(table, bad[i].expr, &v, &error));
        g_assert_error(error, VIR_DEBUG_SYMBOLS_ERROR, bad[i].code);
        if (!strstr(error->message, bad[i].message))
            g_error("'%s': '%s' not in '%s'", bad[i].expr, bad[i].message, error->message);
        g_assert_cmphex(v, ==, 0x5eed);
    }

    /* without a table, numbers still work and a symbol says what is missing */
    {
        g_autoptr(GError) error = NULL;
        guint64 v = 0;

        g_assert_true(virDebugSymbolsParseAddress(NULL, "0x10", &v, &error));
        g_assert_cmphex(v, ==, 0x10);
        g_assert_false(virDebugSymbolsParseAddress(NULL, "guest_tick", &v, &error));
        g_assert_error(error, VIR_DEBUG_SYMBOLS_ERROR,
                       VIR_DEBUG_SYMBOLS_ERROR_NEED_SYMBOLS);
    }
}


int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_data_func("/symbols/elf/lookup", "elf", testGuestLookup);
    g_test_add_data_func("/symbols/map/lookup", "map", testGuestLookup);
    g_test_add_data_func("/symbols/elf/names", "elf", testGuestNames);
    g_test_add_data_func("/symbols/map/names", "map", testGuestNames);
    g_test_add_data_func("/symbols/elf/offset", "elf", testGuestOffset);
    g_test_add_data_func("/symbols/map/offset", "map", testGuestOffset);
    g_test_add_func("/symbols/elf/bytes", testGuestBytes);
    g_test_add_func("/symbols/map/kernel", testKernelMap);
    g_test_add_func("/symbols/load-errors", testLoadErrors);
    g_test_add_func("/symbols/parse-address", testParseAddress);
    return g_test_run();
}
