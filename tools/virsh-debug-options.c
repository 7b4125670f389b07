/*
 * virsh-debug-options.c: per-command options, virsh style
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each command declares a table of options (name, type, flags, help).
 * Arguments are accepted as `--name value`, `--name=value`, or, for
 * positional options, bare in table order, exactly as virsh does, so that
 * `debug-break dom 0x1000` and `debug-break --domain dom --address 0x1000`
 * mean the same.  The global --json, --symbols FILE and --offset OFFSET
 * are taken after the command too.
 */

#include <stdio.h>
#include <string.h>

#include "virsh-debug.h"

static const virshDebugOptDef *
virshDebugOptLookup(const virshDebugCmdDef *def, const char *name,
                    size_t *idx)
{
    size_t i;

    for (i = 0; def->opts && def->opts[i].name; i++) {
        if (g_str_equal(def->opts[i].name, name)) {
            *idx = i;
            return &def->opts[i];
        }
    }
    return NULL;
}


void
virshDebugCmdFree(virshDebugCmd *cmd)
{
    size_t i;

    if (!cmd)
        return;
    for (i = 0; i < cmd->nopts; i++)
        g_free(cmd->values[i]);
    g_free(cmd->values);
    g_free(cmd->present);
    if (cmd->argv)
        g_ptr_array_unref(cmd->argv);
    g_free(cmd);
}


static bool
virshDebugCmdSetValue(virshDebugCmd *cmd, size_t idx, const char *value)
{
    const virshDebugOptDef *opt = &cmd->def->opts[idx];

    if (opt->type == VIRSH_DEBUG_OT_ARGV) {
        g_ptr_array_add(cmd->argv, g_strdup(value));
    } else {
        g_free(cmd->values[idx]);
        cmd->values[idx] = g_strdup(value);
    }
    cmd->present[idx] = true;
    return true;
}


virshDebugCmd *
virshDebugCmdParse(virshDebugControl *ctl,
                   const virshDebugCmdDef *def,
                   int argc, char **argv)
{
    g_autoptr(virshDebugCmd) cmd = g_new0(virshDebugCmd, 1);
    g_autofree bool *prefilled = NULL;
    bool onlyPositional = false;
    size_t nopts = 0;
    size_t i;
    int a;

    while (def->opts && def->opts[nopts].name)
        nopts++;
    cmd->def = def;
    cmd->nopts = nopts;
    cmd->present = g_new0(bool, nopts + 1);
    cmd->values = g_new0(char *, nopts + 1);
    cmd->argv = g_ptr_array_new_with_free_func(g_free);
    prefilled = g_new0(bool, nopts + 1);

    /* Inside a debug session the domain is implied: the user types
     * `debug-break 0x1000`, and `--domain` may still override it. */
    if (ctl->sessionDom && (def->flags & VIRSH_DEBUG_CMD_DOMAIN) && nopts > 0) {
        virshDebugCmdSetValue(cmd, 0, virDomainGetName(ctl->sessionDom));
        prefilled[0] = true;
    }

    for (a = 0; a < argc; a++) {
        const char *arg = argv[a];
        const virshDebugOptDef *opt;
        size_t idx;

        if (!onlyPositional && g_str_equal(arg, "--")) {
            onlyPositional = true;
            continue;
        }

        if (!onlyPositional && g_str_has_prefix(arg, "--") && arg[2]) {
            g_autofree char *name = g_strdup(arg + 2);
            char *eq = strchr(name, '=');
            const char *value = NULL;

            if (eq) {
                *eq = '\0';
                value = eq + 1;
            }
            /* the global options that make sense per command, as virsh
             * takes them after the command too */
            if (g_str_equal(name, "json") && !value &&
                !virshDebugOptLookup(def, name, &idx)) {
                ctl->json = true;
                continue;
            }
            if (g_str_equal(name, "offset") &&
                !virshDebugOptLookup(def, name, &idx)) {
                if (!value && a + 1 >= argc) {
                    virshDebugError("option --offset requires a value (<offset>)");
                    return NULL;
                }
                if (!value)
                    value = argv[++a];
                if (virshDebugSymbolsSetOffset(ctl, value) < 0)
                    return NULL;
                continue;
            }
            if (g_str_equal(name, "symbols") &&
                !virshDebugOptLookup(def, name, &idx)) {
                if (!value && a + 1 >= argc) {
                    virshDebugError("option --symbols requires a value (<file>)");
                    return NULL;
                }
                if (!value)
                    value = argv[++a];
                if (virshDebugSymbolsSetFile(ctl, value) < 0)
                    return NULL;
                continue;
            }
            if (!(opt = virshDebugOptLookup(def, name, &idx))) {
                virshDebugError("command '%s' doesn't support option --%s; "
                                "see 'virsh-debug help %s'",
                                def->name, name, def->name);
                return NULL;
            }
            if (opt->type == VIRSH_DEBUG_OT_BOOL) {
                if (value) {
                    virshDebugError("option --%s of command '%s' takes no value",
                                    name, def->name);
                    return NULL;
                }
                cmd->present[idx] = true;
                continue;
            }
            if (!value) {
                if (a + 1 >= argc) {
                    virshDebugError("option --%s of command '%s' requires a value (<%s>)",
                                    name, def->name,
                                    opt->metavar ? opt->metavar : "string");
                    return NULL;
                }
                value = argv[++a];
            }
            if (cmd->present[idx] && !prefilled[idx] &&
                opt->type != VIRSH_DEBUG_OT_ARGV) {
                virshDebugError("option --%s of command '%s' given twice",
                                name, def->name);
                return NULL;
            }
            prefilled[idx] = false;
            virshDebugCmdSetValue(cmd, idx, value);
            continue;
        }

        /* A positional argument: the first positional option not given
         * yet, then the command's ARGV option if it has one. */
        for (i = 0; i < nopts; i++) {
            const virshDebugOptDef *p = &def->opts[i];

            if ((p->flags & VIRSH_DEBUG_OFLAG_POSITIONAL) &&
                p->type == VIRSH_DEBUG_OT_STRING && !cmd->present[i])
                break;
        }
        if (i == nopts) {
            for (i = 0; i < nopts; i++) {
                if (def->opts[i].type == VIRSH_DEBUG_OT_ARGV)
                    break;
            }
        }
        if (i == nopts) {
            virshDebugError("unexpected argument '%s' for command '%s'; "
                            "see 'virsh-debug help %s'",
                            arg, def->name, def->name);
            return NULL;
        }
        virshDebugCmdSetValue(cmd, i, arg);
    }

    for (i = 0; i < nopts; i++) {
        const virshDebugOptDef *p = &def->opts[i];

        if ((p->flags & VIRSH_DEBUG_OFLAG_REQUIRED) && !cmd->present[i]) {
            virshDebugError("command '%s' requires <%s> option; "
                            "see 'virsh-debug help %s'",
                            def->name, p->name, def->name);
            return NULL;
        }
    }

    return g_steal_pointer(&cmd);
}


static ssize_t
virshDebugCmdIndex(const virshDebugCmd *cmd, const char *name)
{
    size_t i;

    for (i = 0; i < cmd->nopts; i++) {
        if (g_str_equal(cmd->def->opts[i].name, name))
            return i;
    }
    /* A handler asking for an option its table lacks is a bug. */
    g_critical("command '%s' has no option '%s'", cmd->def->name, name);
    return -1;
}


bool
virshDebugCmdHas(const virshDebugCmd *cmd, const char *name)
{
    ssize_t i = virshDebugCmdIndex(cmd, name);

    return i >= 0 && cmd->present[i];
}


const char *
virshDebugCmdString(const virshDebugCmd *cmd, const char *name)
{
    ssize_t i = virshDebugCmdIndex(cmd, name);

    if (i < 0 || !cmd->present[i])
        return NULL;
    return cmd->values[i];
}


GPtrArray *
virshDebugCmdArgv(const virshDebugCmd *cmd)
{
    return cmd->argv;
}


/**
 * virshDebugParseULongLong:
 *
 * Hex with a 0x prefix, or decimal; no sign, no trailing garbage.
 * Returns 0, or -1.
 */
int
virshDebugParseULongLong(const char *str, unsigned long long *value)
{
    guint64 v;
    guint base = 10;

    if (!str)
        return -1;
    if (str[0] == '0' && (str[1] == 'x' || str[1] == 'X')) {
        base = 16;
        str += 2;
    }
    /* g_ascii_string_to_unsigned accepts neither a sign nor spaces, but
     * insist on a leading digit so "0x" alone is refused too. */
    if (!g_ascii_isxdigit(str[0]))
        return -1;
    if (!g_ascii_string_to_unsigned(str, base, 0, G_MAXUINT64, &v, NULL))
        return -1;
    *value = v;
    return 0;
}


int
virshDebugCmdULongLong(const virshDebugCmd *cmd, const char *name,
                       const char *what, unsigned long long dflt,
                       unsigned long long *value)
{
    const char *str = virshDebugCmdString(cmd, name);

    if (!str) {
        *value = dflt;
        return 0;
    }
    if (virshDebugParseULongLong(str, value) < 0) {
        virshDebugError("invalid %s '%s': expected a hex (0x...) or decimal number",
                        what, str);
        return -1;
    }
    return 0;
}


int
virshDebugCmdVcpu(const virshDebugCmd *cmd, int dflt, int *vcpu)
{
    const char *str = virshDebugCmdString(cmd, "vcpu");
    unsigned long long v;

    if (!str) {
        *vcpu = dflt;
        return 0;
    }
    if (virshDebugParseULongLong(str, &v) < 0 || v > G_MAXINT) {
        virshDebugError("invalid vCPU '%s': expected a vCPU number (0, 1, ...); "
                        "'virsh vcpucount DOMAIN' shows how many there are",
                        str);
        return -1;
    }
    *vcpu = v;
    return 0;
}


static void
virshDebugOptSynopsis(GString *out, const virshDebugOptDef *opt)
{
    bool req = opt->flags & VIRSH_DEBUG_OFLAG_REQUIRED;
    bool pos = opt->flags & VIRSH_DEBUG_OFLAG_POSITIONAL;
    const char *meta = opt->metavar ? opt->metavar : "string";

    switch (opt->type) {
    case VIRSH_DEBUG_OT_BOOL:
        g_string_append_printf(out, " [--%s]", opt->name);
        break;
    case VIRSH_DEBUG_OT_STRING:
        if (pos)
            g_string_append_printf(out, req ? " [--%s] <%s>" : " [[--%s] <%s>]",
                                   opt->name, meta);
        else
            g_string_append_printf(out, req ? " --%s <%s>" : " [--%s <%s>]",
                                   opt->name, meta);
        break;
    case VIRSH_DEBUG_OT_ARGV:
        g_string_append_printf(out, req ? " <%s>..." : " [<%s>]...", meta);
        break;
    }
}


void
virshDebugCmdPrintHelp(const virshDebugCmdDef *def)
{
    g_autoptr(GString) syn = g_string_new(def->name);
    size_t i;

    for (i = 0; def->opts && def->opts[i].name; i++)
        virshDebugOptSynopsis(syn, &def->opts[i]);

    printf("  NAME\n    %s - %s\n\n", def->name, def->summary);
    printf("  SYNOPSIS\n    %s\n\n", syn->str);
    if (def->description)
        printf("  DESCRIPTION\n    %s\n\n", def->description);
    if (def->opts && def->opts[0].name) {
        printf("  OPTIONS\n");
        for (i = 0; def->opts[i].name; i++) {
            const virshDebugOptDef *opt = &def->opts[i];
            g_autofree char *left = NULL;
            const char *meta = opt->metavar ? opt->metavar : "string";

            if (opt->type == VIRSH_DEBUG_OT_BOOL)
                left = g_strdup_printf("--%s", opt->name);
            else if (opt->flags & VIRSH_DEBUG_OFLAG_POSITIONAL)
                left = g_strdup_printf("[--%s] <%s>", opt->name, meta);
            else if (opt->type == VIRSH_DEBUG_OT_ARGV)
                left = g_strdup_printf("<%s>...", meta);
            else
                left = g_strdup_printf("--%s <%s>", opt->name, meta);
            printf("    %-24s %s\n", left, opt->help);
        }
        printf("\n");
    }
}
