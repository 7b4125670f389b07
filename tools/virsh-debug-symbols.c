/*
 * virsh-debug-symbols.c: symbols on the command line of virsh-debug
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Address arguments are SYMBOL, SYMBOL+OFFSET, 0xHEX or 0dDECIMAL (see
 * virDomainDebugSymbolsParseAddress), resolved in the symbol file that
 * --symbols names or, without it, the one the domain's <debug:symbols>
 * element names.  Every address the tool prints is followed by
 * <symbol+offset> when a symbol covers it.
 *
 * Syntax is checked before connecting, like every other usage error; a
 * symbol is resolved once the domain is known.  The table is loaded in
 * the main thread before any event is watched, so the event thread only
 * ever reads it.
 */

#include <string.h>

#include "virsh-debug.h"

/* Tables stay loaded, one per domain, for the life of the process: a
 * debug session's event thread names the addresses of its reports with
 * them while the main thread may run a command on another domain.  The
 * cache is only ever added to, under its lock. */
static GMutex virshDebugSymbolsLock;
static GHashTable *virshDebugSymbolsCache;   /* domain -> table (NULL: none) */

/* with --symbols, one table for every domain */
#define VIRSH_DEBUG_SYMBOLS_ANY ""

static bool
virshDebugSymbolsCached(const char *key, virDomainDebugSymbols **syms)
{
    gpointer value = NULL;
    bool found;

    g_mutex_lock(&virshDebugSymbolsLock);
    found = virshDebugSymbolsCache &&
        g_hash_table_lookup_extended(virshDebugSymbolsCache, key, NULL, &value);
    g_mutex_unlock(&virshDebugSymbolsLock);
    *syms = value;
    return found;
}


static void
virshDebugSymbolsCacheAdd(const char *key, virDomainDebugSymbols *syms)
{
    g_mutex_lock(&virshDebugSymbolsLock);
    if (!virshDebugSymbolsCache)
        virshDebugSymbolsCache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify)virDomainDebugSymbolsFree);
    g_hash_table_insert(virshDebugSymbolsCache, g_strdup(key), syms);
    g_mutex_unlock(&virshDebugSymbolsLock);
}


/* At exit, once the event thread is gone */
void
virshDebugSymbolsFree(virshDebugControl *ctl)
{
    ctl->symbols = NULL;
    g_mutex_lock(&virshDebugSymbolsLock);
    g_clear_pointer(&virshDebugSymbolsCache, g_hash_table_unref);
    g_mutex_unlock(&virshDebugSymbolsLock);
    g_clear_pointer(&ctl->symbolsFile, g_free);
}


/**
 * virshDebugSymbolsSetFile:
 *
 * --symbols FILE given after a command.  Returns 0, or -1 with the error
 * printed.
 */
int
virshDebugSymbolsSetFile(virshDebugControl *ctl, const char *file)
{
    if (g_strcmp0(ctl->symbolsFile, file) == 0)
        return 0;
    if (ctl->symbolsFile) {
        virshDebugError("--symbols '%s' conflicts with --symbols '%s' given before: "
                        "one symbol file per virsh-debug process", file,
                        ctl->symbolsFile);
        return -1;
    }
    if (ctl->sessionDom) {
        /* the session's reports are named with the table it started with */
        virshDebugError("--symbols cannot change inside a debug session: quit, then "
                        "run 'virsh-debug --symbols %s debug-attach %s'", file,
                        virDomainGetName(ctl->sessionDom));
        return -1;
    }
    ctl->symbolsFile = g_strdup(file);
    ctl->symbols = NULL;
    return 0;
}


/**
 * virshDebugSymbolsSetOffset:
 *
 * --offset OFFSET: where a relocated (KASLR) kernel is, relative to its
 * symbol file.  Spelled as addresses are (0xHEX, 0dDECIMAL).  Returns 0,
 * or -1 with the error printed.
 */
int
virshDebugSymbolsSetOffset(virshDebugControl *ctl, const char *offset)
{
    unsigned long long v;

    if (virDomainDebugSymbolsParseAddress(NULL, offset, &v) < 0 || v > G_MAXINT64) {
        virshDebugError("invalid offset '%s': %s", offset,
                        v > G_MAXINT64 ? "too large" :
                        virDomainDebugGetLastErrorMessage());
        virDomainDebugResetLastError();
        return -1;
    }
    if (ctl->symbolsOffsetSet && ctl->symbolsOffset != (long long)v) {
        virshDebugError("--offset '%s' conflicts with --offset 0x%llx given before",
                        offset, (unsigned long long)ctl->symbolsOffset);
        return -1;
    }
    if (ctl->sessionDom && !ctl->symbolsOffsetSet) {
        virshDebugError("--offset cannot change inside a debug session: quit, then "
                        "run 'virsh-debug --offset %s debug-attach %s'", offset,
                        virDomainGetName(ctl->sessionDom));
        return -1;
    }
    ctl->symbolsOffsetSet = true;
    ctl->symbolsOffset = v;
    return 0;
}


/* The table the report of a debug exit of @domain is named with (any
 * thread), or NULL */
virDomainDebugSymbols *
virshDebugSymbolsForDomain(virshDebugControl *ctl, const char *domain)
{
    virDomainDebugSymbols *syms = NULL;

    if (!virshDebugSymbolsCached(ctl->symbolsFile ? VIRSH_DEBUG_SYMBOLS_ANY : domain,
                                 &syms))
        return NULL;
    return syms;
}


/* Without --offset, a relocated (KASLR) kernel's offset as the guest
 * shows it (its syscall entry point): applied, and said once, so that the
 * operator knows which offset the names are read with. */
static void
virshDebugSymbolsDetectOffset(virshDebugControl *ctl, virDomainPtr dom,
                              virDomainDebugSymbols *syms)
{
    long long offset = 0;
    int rc = virDomainDebugSymbolsDetectOffset(syms, dom, &offset, 0);

    if (rc < 0) {
        virshDebugWarning("cannot read the kernel's offset from domain '%s' (%s); "
                          "symbols are used as the file has them, or give --offset",
                          virDomainGetName(dom), virDomainDebugGetLastErrorMessage());
        virDomainDebugResetLastError();
        return;
    }
    if (rc == 0 || offset == 0)
        return;
    virDomainDebugSymbolsSetOffset(syms, offset);
    if (!ctl->quiet)
        virshDebugNote("the kernel of domain '%s' runs %s0x%llx from %s (found by its "
                       "syscall entry point); --offset overrides",
                       virDomainGetName(dom), offset < 0 ? "-" : "+",
                       offset < 0 ? -(unsigned long long)offset :
                       (unsigned long long)offset,
                       virDomainDebugSymbolsGetPath(syms));
}


/**
 * virshDebugSymbolsLoad:
 * @dom: the domain of the command (its <debug:symbols> element is read
 *       unless --symbols was given)
 * @needed: a symbol must be resolved: failing to read the file is an
 *          error; otherwise (output only) it is a warning
 *
 * Makes ctl->symbols the table of @dom (NULL when no symbol file is
 * known).  Returns 0, or -1 when the file named cannot be read and
 * either @needed or it was given with --symbols (the error printed).
 */
int
virshDebugSymbolsLoad(virshDebugControl *ctl, virDomainPtr dom, bool needed)
{
    const char *key = ctl->symbolsFile ? VIRSH_DEBUG_SYMBOLS_ANY : virDomainGetName(dom);
    virDomainDebugSymbols *syms = NULL;

    /* a file that could not be read is not cached: it is tried (and
     * reported) again by the next command */
    if (virshDebugSymbolsCached(key, &syms)) {
        ctl->symbols = syms;
        return 0;
    }

    if (ctl->symbolsFile)
        syms = virDomainDebugSymbolsOpen(ctl->symbolsFile, 0);
    else
        syms = virDomainDebugSymbolsOpenDomain(dom, 0);
    if (syms && ctl->symbolsOffsetSet)
        virDomainDebugSymbolsSetOffset(syms, ctl->symbolsOffset);
    else if (syms)
        virshDebugSymbolsDetectOffset(ctl, dom, syms);
    if (syms || virDomainDebugGetLastErrorCode() == VIR_DOMAIN_DEBUG_ERR_NO_SYMBOLS) {
        virDomainDebugResetLastError();
        virshDebugSymbolsCacheAdd(key, syms);
        ctl->symbols = syms;
        return 0;
    }

    ctl->symbols = NULL;
    if (needed || ctl->symbolsFile) {
        virshDebugError("%s%s", virDomainDebugGetLastErrorMessage(),
                        ctl->symbolsFile ? " (given with --symbols)" : "");
        virDomainDebugResetLastError();
        return -1;
    }
    /* the command can do its job, only without names */
    virshDebugWarning("%s; addresses are shown without symbols",
                      virDomainDebugGetLastErrorMessage());
    virDomainDebugResetLastError();
    return 0;
}


/* Before the first symbol of a table is used on a guest: does the guest
 * run that code there?  A point armed by name in the wrong place (a
 * relocated kernel, another build) would never fire, or fire elsewhere.
 * Once per table; a System.map cannot be checked. */
static int
virshDebugSymbolsCheckGuest(virshDebugControl *ctl, virDomainPtr dom)
{
    static GHashTable *checked;   /* tables that matched */

    if (!checked)
        checked = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (g_hash_table_contains(checked, ctl->symbols))
        return 0;
    if (virDomainDebugSymbolsVerify(ctl->symbols, dom, 0, 0) < 0) {
        virshDebugError("%s; nothing was done", virDomainDebugGetLastErrorMessage());
        virDomainDebugResetLastError();
        return -1;
    }
    g_hash_table_add(checked, ctl->symbols);
    return 0;
}


/* The syntax of an address argument, before connecting.  Returns 0, or
 * -1 with the error printed. */
int
virshDebugCmdAddressCheck(const virshDebugCmd *cmd, const char *name)
{
    const char *str = virshDebugCmdString(cmd, name);
    unsigned long long addr;

    if (!str)
        return 0;
    if (virDomainDebugSymbolsParseAddress(NULL, str, &addr) < 0 &&
        virDomainDebugGetLastErrorCode() != VIR_DOMAIN_DEBUG_ERR_NO_SYMBOLS) {
        virshDebugError("invalid address '%s': %s", str,
                        virDomainDebugGetLastErrorMessage());
        virDomainDebugResetLastError();
        return -1;
    }
    virDomainDebugResetLastError();
    return 0;
}


/**
 * virshDebugCmdAddress:
 *
 * The guest address of an address argument of @dom's command.  Returns
 * 0, or -1 with the error printed.
 */
int
virshDebugCmdAddress(virshDebugControl *ctl, virDomainPtr dom,
                     const virshDebugCmd *cmd, const char *name,
                     unsigned long long *addr)
{
    const char *str = virshDebugCmdString(cmd, name);

    if (virDomainDebugSymbolsParseAddress(NULL, str, addr) == 0)
        return 0;
    if (virDomainDebugGetLastErrorCode() != VIR_DOMAIN_DEBUG_ERR_NO_SYMBOLS) {
        virshDebugError("invalid address '%s': %s", str,
                        virDomainDebugGetLastErrorMessage());
        virDomainDebugResetLastError();
        return -1;
    }
    virDomainDebugResetLastError();

    /* a symbol */
    if (virshDebugSymbolsLoad(ctl, dom, true) < 0)
        return -1;
    if (!ctl->symbols) {
        virshDebugError("invalid address '%s': it is a symbol, and domain '%s' names "
                        "no symbol file: give one with --symbols FILE (an ELF such "
                        "as vmlinux, or a System.map), declare it with "
                        "<debug:symbols file=.../> (debug-config --edit), or write "
                        "the address in hex (0x...)", str, virDomainGetName(dom));
        return -1;
    }
    if (virDomainDebugSymbolsParseAddress(ctl->symbols, str, addr) < 0) {
        virshDebugError("invalid address '%s': %s", str,
                        virDomainDebugGetLastErrorMessage());
        virDomainDebugResetLastError();
        return -1;
    }
    return virshDebugSymbolsCheckGuest(ctl, dom);
}


/* "guest_tick+0x4" for @addr, or NULL */
char *
virshDebugSymbolName(virshDebugControl *ctl, unsigned long long addr)
{
    if (!ctl->symbols)
        return NULL;
    return virDomainDebugSymbolsFormatAddress(ctl->symbols, addr);
}


/* @hex followed by " <guest_tick+0x4>" when a symbol covers @addr */
char *
virshDebugAddrWithSymbol(virshDebugControl *ctl, const char *hex,
                         unsigned long long addr)
{
    g_autofree char *sym = virshDebugSymbolName(ctl, addr);

    if (!sym)
        return g_strdup(hex);
    return g_strdup_printf("%s <%s>", hex, sym);
}
