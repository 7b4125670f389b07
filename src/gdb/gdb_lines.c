/*
 * gdb_lines.c: widen GDB's range steps to the whole source line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GDB steps a source line ("next", "step", "until") as a range step over
 * the addresses of one line-table row.  A line usually has several rows
 * (a loop's test, body and increment; is_stmt and view entries), and
 * each time the pc crosses into another row of the same line, in the
 * same function, GDB only starts a new range step ("we are in the middle
 * of a line or at the start of the same line: keep stepping", infrun.c)
 * -- a round trip that decides nothing.  A one-line loop of 500
 * iterations costs about 2,000 of them.
 *
 * So the bridge, which has the symbol file GDB reads (execFile), widens
 * each range to the contiguous run of rows of the same file and line
 * around it, within the innermost function (or inlined call) that holds
 * it, and never over that function's first instruction (a recursive
 * call lands there and GDB must see the new frame).  GDB then gets the
 * stop it would have come to anyway, once.  Without DWARF line
 * information the range is stepped as GDB gave it.
 */

#include "gdb/gdb_session_priv.h"

#include <elfutils/libdw.h>
#include <dwarf.h>
#include <fcntl.h>
#include <unistd.h>

/* One line-table row as GDB sees it: the last row at an address wins */
typedef struct {
    Dwarf_Addr addr;
    int line;
    const char *file;       /* owned by the Dwarf handle */
    bool endSequence;
} gdbRspLineRow;

struct _gdbRspLines {
    int fd;
    Dwarf *dwarf;           /* NULL: no usable DWARF (stop trying) */
    GHashTable *units;      /* CU offset -> GArray of gdbRspLineRow */
};


void
gdbRspLinesFree(gdbRspLines *lines)
{
    if (!lines)
        return;
    if (lines->units)
        g_hash_table_unref(lines->units);
    if (lines->dwarf)
        dwarf_end(lines->dwarf);
    if (lines->fd >= 0)
        close(lines->fd);
    g_free(lines);
}


static gdbRspLines *
gdbRspLinesOpen(const char *path)
{
    gdbRspLines *lines = g_new0(gdbRspLines, 1);

    lines->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (lines->fd >= 0)
        lines->dwarf = dwarf_begin(lines->fd, DWARF_C_READ);
    lines->units = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) g_array_unref);
    return lines;
}


/* The rows of the unit @cu, sorted by address, one per address */
static GArray *
gdbRspLinesUnit(gdbRspLines *lines, Dwarf_Die *cu)
{
    gint64 key = dwarf_dieoffset(cu);
    Dwarf_Lines *table;
    size_t n;
    size_t i;
    GArray *rows;

    if ((rows = g_hash_table_lookup(lines->units, &key)))
        return rows;
    if (dwarf_getsrclines(cu, &table, &n) != 0)
        return NULL;
    rows = g_array_sized_new(FALSE, FALSE, sizeof(gdbRspLineRow), n);
    for (i = 0; i < n; i++) {
        Dwarf_Line *l = dwarf_onesrcline(table, i);
        gdbRspLineRow row = { 0 };

        if (!l || dwarf_lineaddr(l, &row.addr) != 0 ||
            dwarf_lineno(l, &row.line) != 0 ||
            dwarf_lineendsequence(l, &row.endSequence) != 0)
            continue;
        row.file = dwarf_linesrc(l, NULL, NULL);
        /* libdw sorts by address; the last row at an address is the
         * one GDB's find_pc_line picks */
        if (rows->len > 0 &&
            g_array_index(rows, gdbRspLineRow, rows->len - 1).addr == row.addr &&
            !g_array_index(rows, gdbRspLineRow, rows->len - 1).endSequence)
            g_array_index(rows, gdbRspLineRow, rows->len - 1) = row;
        else
            g_array_append_val(rows, row);
    }
    g_hash_table_insert(lines->units, g_memdup2(&key, sizeof(key)), rows);
    return rows;
}


static bool
gdbRspLineSame(const gdbRspLineRow *a, const gdbRspLineRow *b)
{
    return !a->endSequence && !b->endSequence && a->line == b->line &&
           a->line != 0 && g_strcmp0(a->file, b->file) == 0;
}


/* [*lo, *hi): the pc range of the innermost function or inlined call
 * holding @pc */
static bool
gdbRspLinesScope(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Addr *lo,
                 Dwarf_Addr *hi)
{
    g_autofree Dwarf_Die *scopes = NULL;
    int nscopes = dwarf_getscopes(cu, pc, &scopes);
    int i;

    for (i = 0; i < nscopes; i++) {
        int tag = dwarf_tag(&scopes[i]);
        Dwarf_Addr base;
        Dwarf_Addr start;
        Dwarf_Addr end;
        ptrdiff_t off = 0;

        if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
            continue;
        while ((off = dwarf_ranges(&scopes[i], off, &base, &start,
                                   &end)) > 0) {
            if (pc >= start && pc < end) {
                *lo = start;
                *hi = end;
                return true;
            }
        }
        return false;
    }
    return false;
}


void
gdbRspLinesWiden(gdbRspSession *session, unsigned long long *start,
                 unsigned long long *end)
{
    Dwarf_Addr a = *start - session->execOffset;
    Dwarf_Addr b = *end - session->execOffset;
    Dwarf_Addr lo;
    Dwarf_Addr hi;
    Dwarf_Addr ws;
    Dwarf_Addr we;
    Dwarf_Die cu;
    GArray *rows;
    const gdbRspLineRow *r;
    guint k;
    guint i;
    guint j;

    if (!session->execFile)
        return;
    if (!session->lines)
        session->lines = gdbRspLinesOpen(session->execFile);
    if (!session->lines->dwarf ||
        !dwarf_addrdie(session->lines->dwarf, a, &cu) ||
        !(rows = gdbRspLinesUnit(session->lines, &cu)) || rows->len < 2)
        return;
    r = (const gdbRspLineRow *) rows->data;

    /* k: the row holding @a */
    for (k = 0; k + 1 < rows->len && r[k + 1].addr <= a; k++)
        ;
    if (r[k].addr > a || r[k].endSequence || r[k].line == 0 ||
        k + 1 >= rows->len)
        return;
    for (i = k; i > 0 && gdbRspLineSame(&r[i - 1], &r[k]); i--)
        ;
    for (j = k; j + 1 < rows->len && gdbRspLineSame(&r[j + 1], &r[k]); j++)
        ;
    if (j + 1 >= rows->len)
        return;
    ws = r[i].addr;
    we = r[j + 1].addr;
    /* GDB's own range must lie in that line; if not, leave it be */
    if (b > we || !gdbRspLinesScope(&cu, a, &lo, &hi))
        return;
    ws = MAX(ws, lo);
    we = MIN(we, hi);
    /* a jump to the function's entry is a call: GDB must see it */
    if (ws == lo && a > lo)
        ws = lo + 1;
    ws = MIN(ws, a);
    we = MAX(we, b);
    *start = ws + session->execOffset;
    *end = we + session->execOffset;
}
