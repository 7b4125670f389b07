/*
 * gdb_points.c: Z0-Z4 / z0-z4 onto the target's debug points
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GDB names a point by (type, address, kind); the debug API by id.  The
 * map between the two lives here.  A watchpoint whose range is not one
 * aligned 1, 2, 4 or 8 byte block (a 16-byte struct, an unaligned int)
 * becomes several aligned points, inserted all or none.
 */

#include "gdb/gdb_session_priv.h"

#include <string.h>

/* GDB never asks for wider watchpoints than a few words; a bigger range
 * would only exhaust the slots */
#define GDB_RSP_MAX_WATCH_LEN 64

static char *
gdbRspPointKey(int type, guint64 addr, guint64 len)
{
    return g_strdup_printf("%d:%" G_GINT64_MODIFIER "x:%" G_GINT64_MODIFIER "x",
                           type, addr, len);
}


static void
gdbRspPointRemoveIds(gdbRspSession *session, GArray *ids)
{
    guint i;

    for (i = 0; i < ids->len; i++) {
        int id = g_array_index(ids, int, i);

        if (session->ops->removePoint(session->opaque, id) < 0 &&
            (session->flags & GDB_RSP_SESSION_LOG_ERRORS))
            g_printerr("debug-gdb: remove point %d: %s\n", id,
                       session->ops->lastErrorMessage(session->opaque));
        g_hash_table_remove(session->pointRanges, GINT_TO_POINTER(id));
    }
    g_array_set_size(ids, 0);
}


static int
gdbRspPointInsertOne(gdbRspSession *session, virDomainDebugPointType type,
                     guint64 addr, guint64 len, const char *condition,
                     GArray *ids)
{
    gdbRspPointRange *range;
    int id;

    if ((id = session->ops->insertPoint(session->opaque, type, addr, len,
                                        condition)) < 0)
        return -1;
    g_array_append_val(ids, id);
    range = g_new0(gdbRspPointRange, 1);
    range->addr = addr;
    range->len = len;
    g_hash_table_insert(session->pointRanges, GINT_TO_POINTER(id), range);
    return 0;
}


/*
 * The conditions of a Z0/Z1: ";X LEN,BYTECODE" repeated (GDB manual,
 * "General Query Packets": Z0 cond_list), into hex strings.  GDB sends
 * them only to a target that said ConditionalBreakpoints+; the point
 * fires when any is true.  Returns false if malformed.
 */
static bool
gdbRspPointParseConditions(const char *p, GPtrArray *conds)
{
    while (*p == ';') {
        guint64 len;
        size_t i;

        if (p[1] != 'X' || !(p = gdbRspParseHexU64(p + 2, &len)) ||
            *p != ',' || len == 0 || len > 4096)
            return false;
        p++;
        for (i = 0; i < len * 2; i++) {
            if (!g_ascii_isxdigit(p[i]))
                return false;
        }
        g_ptr_array_add(conds, g_strndup(p, len * 2));
        p += len * 2;
    }
    return *p == '\0';
}


/* Z/z TYPE,ADDR,KIND[;cond...] */
void
gdbRspHandlePoint(gdbRspSession *session, bool insert, const char *args,
                  GString *reply)
{
    static const virDomainDebugPointType types[] = {
        VIR_DOMAIN_DEBUG_POINT_SW_BREAKPOINT,
        VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT,
        VIR_DOMAIN_DEBUG_POINT_WATCH_WRITE,
        VIR_DOMAIN_DEBUG_POINT_WATCH_READ,
        VIR_DOMAIN_DEBUG_POINT_WATCH_ACCESS,
    };
    g_autoptr(GArray) ids = NULL;
    g_autoptr(GPtrArray) conds = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *condKey = NULL;
    g_autofree char *key = NULL;
    gdbRspPointEntry *entry;
    virDomainDebugPointType type;
    const char *p;
    guint64 addr;
    guint64 kind;
    guint64 len;
    guint64 a;

    if (args[0] < '0' || args[0] > '4' || args[1] != ',' ||
        !(p = gdbRspParseHexU64(args + 2, &addr)) || *p != ',' ||
        !(p = gdbRspParseHexU64(p + 1, &kind)) ||
        !gdbRspPointParseConditions(p, conds) ||
        (conds->len > 0 &&
         (!insert || args[0] > '1' ||
          !(gdbRspSessionFeatures(session) & GDB_RSP_TARGET_CONDITIONS)))) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    g_ptr_array_add(conds, NULL);
    condKey = g_strjoinv(";", (char **) conds->pdata);
    type = types[args[0] - '0'];
    /* breakpoints: the kind is the instruction size, meaningless to
     * QEMU, which does not patch guest memory */
    len = type <= VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT ? 0 : kind;
    if (type > VIR_DOMAIN_DEBUG_POINT_HW_BREAKPOINT &&
        (len == 0 || len > GDB_RSP_MAX_WATCH_LEN || addr + len - 1 < addr)) {
        g_string_assign(reply, GDB_RSP_ERR_INVAL);
        return;
    }
    key = gdbRspPointKey(type, addr, len);

    entry = g_hash_table_lookup(session->points, key);
    if (!insert) {
        /* removing what is not there is not an error: GDB may remove a
         * point twice after a failed insert */
        if (entry) {
            gdbRspPointRemoveIds(session, entry->ids);
            g_hash_table_remove(session->points, key);
        }
        g_string_assign(reply, "OK");
        return;
    }

    /* The protocol asks for idempotent inserts; an insert with other
     * conditions replaces them (GDB's "condition N ..." on a point that
     * is in) */
    if (entry) {
        if (g_str_equal(entry->conditions, condKey)) {
            g_string_assign(reply, "OK");
            return;
        }
        gdbRspPointRemoveIds(session, entry->ids);
        g_hash_table_remove(session->points, key);
    }

    ids = g_array_new(FALSE, FALSE, sizeof(int));
    if (len == 0 && conds->len > 1) {
        guint c;

        /* one point per condition: QEMU fires when any is true */
        for (c = 0; c + 1 < conds->len; c++) {
            if (gdbRspPointInsertOne(session, type, addr, 0,
                                     g_ptr_array_index(conds, c), ids) < 0)
                goto error;
        }
    } else if (len == 0) {
        if (gdbRspPointInsertOne(session, type, addr, 0, NULL, ids) < 0)
            goto error;
    } else {
        /* split into the largest aligned power-of-two blocks */
        for (a = addr; a < addr + len; ) {
            guint64 chunk = 8;

            while (chunk > 1 && ((a & (chunk - 1)) || a + chunk > addr + len))
                chunk /= 2;
            if (gdbRspPointInsertOne(session, type, a, chunk, NULL, ids) < 0)
                goto error;
            a += chunk;
        }
    }
    entry = g_new0(gdbRspPointEntry, 1);
    entry->ids = g_steal_pointer(&ids);
    entry->conditions = g_steal_pointer(&condKey);
    g_hash_table_insert(session->points, g_steal_pointer(&key), entry);
    g_string_assign(reply, "OK");
    return;

 error: {
        g_autofree char *what = g_strdup_printf("insert %s at 0x%" G_GINT64_MODIFIER "x",
                                                virDomainDebugPointTypeName(type),
                                                addr);

        /* the error first: removing the parts inserted so far resets it */
        gdbRspSessionError(session, reply, what);
        gdbRspPointRemoveIds(session, ids);
    }
}


void
gdbRspPointEntryFree(gdbRspPointEntry *entry)
{
    if (!entry)
        return;
    g_array_unref(entry->ids);
    g_free(entry->conditions);
    g_free(entry);
}


/* After a detach the target has no points left: forget them too */
void
gdbRspPointsForget(gdbRspSession *session)
{
    g_hash_table_remove_all(session->points);
    g_hash_table_remove_all(session->pointRanges);
}
