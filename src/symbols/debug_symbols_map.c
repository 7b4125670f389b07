/*
 * debug_symbols_map.c: symbols of a System.map (or /proc/kallsyms copy)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One symbol a line, as nm prints them: "ffffffff81000000 T _text",
 * optionally followed by "\t[module]" in kallsyms.  A file whose lines do
 * not all look like that is refused rather than half read: a wrong symbol
 * file must never make the tools arm a point somewhere else.
 */

#include <string.h>

#include "symbols/debug_symbols.h"

/* nm's type letters of symbols with an address in the image; not
 * absolute (a/A), undefined (U), debugging (N) or weak undefined (v/w
 * have no address in a System.map anyway) */
static bool
virDebugSymbolsMapTypeWanted(char type)
{
    return strchr("TtDdBbRrSsGgVvWwi", type) != NULL;
}


static bool
virDebugSymbolsMapNameValid(const char *name)
{
    const char *p;

    if (!*name)
        return false;
    for (p = name; *p; p++) {
        if (g_ascii_isspace(*p) || !g_ascii_isprint(*p))
            return false;
    }
    return true;
}


int
virDebugSymbolsReadMap(const char *path, const char *contents, gsize len,
                       GArray *symbols, GError **error)
{
    g_auto(GStrv) lines = NULL;
    size_t lineno;
    size_t count = 0;

    if (memchr(contents, '\0', len)) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_FORMAT,
                    "'%s' is neither an ELF file nor a System.map (it is binary)",
                    path);
        return -1;
    }
    lines = g_strsplit(contents, "\n", -1);
    for (lineno = 0; lines[lineno]; lineno++) {
        g_auto(GStrv) fields = NULL;
        char *line = lines[lineno];
        guint64 addr;
        size_t nfields;
        char *tab;
        virDebugSymbol s = { 0 };

        /* kallsyms' "\t[module]" is not part of the name */
        if ((tab = strchr(line, '\t')))
            *tab = '\0';
        g_strstrip(line);
        if (!*line)
            continue;
        fields = g_strsplit(line, " ", -1);
        nfields = g_strv_length(fields);
        if (nfields != 3 || strlen(fields[1]) != 1 ||
            !g_ascii_string_to_unsigned(fields[0], 16, 0, G_MAXUINT64, &addr, NULL) ||
            !virDebugSymbolsMapNameValid(fields[2])) {
            g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_FORMAT,
                        "'%s' is neither an ELF file nor a System.map: line %zu "
                        "is not 'ADDRESS TYPE NAME'", path, lineno + 1);
            return -1;
        }
        count++;
        if (!virDebugSymbolsMapTypeWanted(fields[1][0]))
            continue;
        s.name = g_strdup(fields[2]);
        s.addr = addr;
        s.global = g_ascii_isupper(fields[1][0]);
        s.code = fields[1][0] == 'T' || fields[1][0] == 't';
        g_array_append_val(symbols, s);
    }
    if (count == 0) {
        g_set_error(error, VIR_DEBUG_SYMBOLS_ERROR, VIR_DEBUG_SYMBOLS_ERROR_FORMAT,
                    "'%s' is empty: expected an ELF file or a System.map", path);
        return -1;
    }
    return 0;
}
