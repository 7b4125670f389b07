/*
 * qemu_debug.c: translation of a <debug> definition into QMP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rest of src/qemu is split by job: qemu_debug_command.c builds
 * commands, qemu_debug_reply.c parses replies, qemu_debug_event.c parses
 * the DEBUG_STOP event, qemu_debug_caps.c checks requests against the
 * capabilities, qemu_debug_json.c holds the json-glib helpers.
 */

#include "qemu/qemu_debug_json.h"


GPtrArray *
qemuDebugBuildArmCommands(const virDomainDebugDef *def,
                          const qemuDebugCaps *caps,
                          const virDomainDebugPoint *current,
                          size_t ncurrent,
                          unsigned int nvcpus,
                          const char *client,
                          GError **error)
{
    g_autoptr(GPtrArray) cmds = NULL;
    size_t i;

    /* All checks first: a definition that cannot be armed entirely is not
     * armed at all. */
    if (qemuDebugCheckDeclared(caps, def, current, ncurrent, nvcpus, error) < 0)
        return NULL;

    /* The declared order is kept: it is the order the operator reads in
     * the XML, and the order of the ids QEMU hands out. */
    cmds = g_ptr_array_new_with_free_func(g_free);
    for (i = 0; i < def->npoints; i++)
        g_ptr_array_add(cmds, qemuDebugBuildInsertOwned(&def->points[i], client));

    return g_steal_pointer(&cmds);
}


bool
qemuDebugStartResumes(const virDomainDebugDef *def)
{
    return !def->bootStop;
}
